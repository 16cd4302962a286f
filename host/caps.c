// SPDX-License-Identifier: GPL-2.0
/* Effective capabilities from /proc/self/status; see host/caps.h. */
#include "host/caps.h"
#include "host/sysfs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int host_cap_effective(const char *proc, unsigned int cap)
{
	char path[4096], line[256], *end;
	unsigned long long caps;
	int r;
	FILE *f;

	if (cap >= 64)
		return -EINVAL;
	r = sysfs_path(path, sizeof(path), "%s/self/status", proc);
	if (r)
		return r;
	r = -ENOENT;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "CapEff:", 7))
			continue;
		errno = 0;
		caps = strtoull(line + 7, &end, 16);
		if (errno || end == line + 7)
			r = -EINVAL;
		else
			r = !!(caps & (1ull << cap));
		break;
	}
	fclose(f);
	return r;
}
