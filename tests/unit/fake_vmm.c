// SPDX-License-Identifier: GPL-2.0
/* A fake VMM behind the API router; see fake_vmm.h. */
#include "fake_vmm.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

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

static int fake_drive_path(void *o, unsigned int i, const char *path,
			   struct pv_error *e)
{
	fake_vmm.drive_paths++;
	fake_vmm.drive = i;
	snprintf(fake_vmm.path, sizeof(fake_vmm.path), "%s", path);
	if (strstr(path, "missing"))
		return pv_seterr(e, ENOENT, "disk %s: no such file (fake)",
				 path);
	if (fake_vmm.cfg)
		return vm_config_set_str(fake_vmm.cfg,
					 &fake_vmm.cfg->disks[i].path, path);
	return 0;
}

const struct api_vmm_ops fake_vmm_ops = {
	.start = fake_start,
	.pause = fake_pause,
	.resume = fake_resume,
	.ctrl_alt_del = fake_cad,
	.drive_path = fake_drive_path,
};
