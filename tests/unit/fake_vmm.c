// SPDX-License-Identifier: GPL-2.0
/* A fake VMM behind the API router; see fake_vmm.h. */
#include "fake_vmm.h"

struct fake_vmm_calls fake_vmm;

static int fake_start(void *o, struct pv_error *e)
{
	fake_vmm.starts++;
	return 0;
}

static int fake_pause(void *o, struct pv_error *e)
{
	fake_vmm.pauses++;
	return 0;
}

static int fake_resume(void *o, struct pv_error *e)
{
	fake_vmm.resumes++;
	return 0;
}

static int fake_cad(void *o, struct pv_error *e)
{
	fake_vmm.cads++;
	return 0;
}

const struct api_vmm_ops fake_vmm_ops = {
	.start = fake_start,
	.pause = fake_pause,
	.resume = fake_resume,
	.ctrl_alt_del = fake_cad,
};
