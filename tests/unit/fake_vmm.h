/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fake VMM behind the API router (api/router.h's struct api_vmm_ops)
 * for the unit tests: each callback succeeds and counts itself.
 */
#ifndef PASSVM_TESTS_FAKE_VMM_H
#define PASSVM_TESTS_FAKE_VMM_H

#include "api/router.h"

#include "vmm/vm_config.h"

/* How often each callback of fake_vmm_ops ran (zero it between tests). */
struct fake_vmm_calls {
	int starts, pauses, resumes, cads, drive_paths;
	unsigned int drive; /* the last drive_path's drive index */
	char path[256]; /* and its path */
	/*
	 * drive_path: a path with "missing" in it fails as the VMM's
	 * blk_image_open would; another is set in @cfg (when not NULL) as
	 * the VMM sets it in the description.
	 */
	struct vm_config *cfg;
};

extern struct fake_vmm_calls fake_vmm;
/* start, pause, resume, ctrl_alt_del and drive_path, counted in fake_vmm */
extern const struct api_vmm_ops fake_vmm_ops;

#endif
