/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fake VMM behind the API router (api/router.h's struct api_vmm_ops)
 * for the unit tests: each callback succeeds and counts itself.
 */
#ifndef PASSVM_TESTS_FAKE_VMM_H
#define PASSVM_TESTS_FAKE_VMM_H

#include "api/router.h"

/* How often each callback of fake_vmm_ops ran (zero it between tests). */
struct fake_vmm_calls {
	int starts, pauses, resumes, cads;
};

extern struct fake_vmm_calls fake_vmm;
/* start, pause, resume and ctrl_alt_del, counted in fake_vmm */
extern const struct api_vmm_ops fake_vmm_ops;

#endif
