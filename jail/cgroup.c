// SPDX-License-Identifier: GPL-2.0
/*
 * The jail's cgroup v2 (Documentation/admin-guide/cgroup-v2.rst):
 * MOUNT/PARENT/ID, the controllers its keys need enabled top-down in
 * cgroup.subtree_control ("Enabling and Disabling"), its keys written. The
 * child moves itself in by writing 0 to cgroup.procs (jail/child.c).
 */
#include "jail/jail.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/parse.h"

int jail_cgroup_mount(const char *mountinfo, char *out, size_t len)
{
	char line[4096];
	FILE *f = fopen(mountinfo, "re");
	int ret = -ENOENT;

	if (!f)
		return -errno;
	/* "36 25 0:30 / /sys/fs/cgroup rw,... shared:9 - cgroup2 cgroup2 rw" */
	while (fgets(line, sizeof(line), f)) {
		char *w[5], *mnt, *sep = strstr(line, " - ");

		if (!sep || strncmp(sep + 3, "cgroup2 ", 8))
			continue;
		/* The fifth word is the mount point. */
		if (parse_words(line, w, 5) != 5)
			continue;
		mnt = w[4];
		if (strlen(mnt) >= len) {
			ret = -ENAMETOOLONG;
			break;
		}
		strcpy(out, mnt);
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC), ret = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	if (n < 0)
		ret = -errno;
	else if ((size_t)n != strlen(text))
		ret = -EIO;
	close(fd);
	return ret;
}

/* "memory" of "memory.max": a key is CONTROLLER.FILE, no '/'. */
static int controller_of(const char *key, char *out, size_t len)
{
	const char *dot = strchr(key, '.');

	if (!dot || dot == key || strchr(key, '/') || !dot[1] ||
	    (size_t)(dot - key) >= len)
		return -EINVAL;
	memcpy(out, key, (size_t)(dot - key));
	out[dot - key] = '\0';
	return 0;
}

/*
 * "+CTRL +CTRL..." in DIR/cgroup.subtree_control, one write, for the
 * controllers the keys use (the "cgroup." files are the core's).
 */
static int enable(const struct jail_spec *s, const char *dir,
		  struct pv_error *err)
{
	char path[4200], ctrl[64], list[JAIL_MAX_CGROUP_KEYS * 66] = "";
	size_t n = 0;
	int ret;

	for (unsigned int i = 0; i < s->nr_cgroup; i++) {
		char word[68];

		controller_of(s->cgroup[i].key, ctrl, sizeof(ctrl));
		snprintf(word, sizeof(word), "+%s ", ctrl);
		if (!strcmp(ctrl, "cgroup") || strstr(list, word))
			continue;
		memcpy(list + n, word, strlen(word) + 1);
		n += strlen(word);
	}
	if (!n)
		return 0;
	list[n - 1] = '\0';
	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", dir);
	ret = write_file(path, list);
	if (ret)
		return pv_seterr(
			err, -ret,
			"cannot enable %s in %s: %s (see %s/cgroup.controllers)",
			list, path, strerror(-ret), dir);
	return 0;
}

int jail_cgroup_create(const struct jail_spec *s, char *out, size_t len,
		       struct pv_error *err)
{
	char dir[4096], path[4200], ctrl[64], procs[64];
	size_t n;
	int ret;

	for (unsigned int i = 0; i < s->nr_cgroup; i++)
		if (controller_of(s->cgroup[i].key, ctrl, sizeof(ctrl)))
			return pv_seterr(
				err, EINVAL,
				"--cgroup %s: give a file of the cgroup, CONTROLLER.NAME=VALUE (memory.max=1G, cpu.max=\"50000 100000\")",
				s->cgroup[i].key);
	if (strstr(s->cgroup_parent, "..") || s->cgroup_parent[0] == '/')
		return pv_seterr(err, EINVAL,
				 "--parent-cgroup '%s': give a relative path",
				 s->cgroup_parent);
	/* Top-down: each level enables what the next one needs. */
	n = (size_t)snprintf(dir, sizeof(dir), "%s", s->cgroup_mount);
	ret = enable(s, dir, err);
	for (const char *p = s->cgroup_parent; !ret && *p;) {
		size_t seg = strcspn(p, "/");

		if (n + 1 + seg >= sizeof(dir))
			return pv_seterr(err, ENAMETOOLONG,
					 "cgroup path too long");
		dir[n++] = '/';
		memcpy(dir + n, p, seg);
		n += seg;
		dir[n] = '\0';
		if (mkdir(dir, 0755) && errno != EEXIST)
			return pv_seterr(err, errno,
					 "cannot create cgroup %s: %s", dir,
					 strerror(errno));
		ret = enable(s, dir, err);
		p += seg;
		while (*p == '/')
			p++;
	}
	if (ret)
		return ret;
	if (snprintf(out, len, "%s/%s", dir, s->id) >= (int)len)
		return pv_seterr(err, ENAMETOOLONG, "cgroup path too long");
	if (mkdir(out, 0755) && errno != EEXIST)
		return pv_seterr(err, errno, "cannot create cgroup %s: %s", out,
				 strerror(errno));
	/* A leftover of a jail that died is reused; a live one is not. */
	snprintf(path, sizeof(path), "%s/cgroup.procs", out);
	{
		FILE *f = fopen(path, "re");

		if (f && fgets(procs, sizeof(procs), f)) {
			fclose(f);
			return pv_seterr(
				err, EBUSY,
				"cgroup %s is in use: is a jail with --id %s running?",
				out, s->id);
		}
		if (f)
			fclose(f);
	}
	for (unsigned int i = 0; i < s->nr_cgroup; i++) {
		snprintf(path, sizeof(path), "%s/%s", out, s->cgroup[i].key);
		ret = write_file(path, s->cgroup[i].value);
		if (ret) {
			pv_seterr(err, -ret, "--cgroup %s=%s: %s: %s",
				  s->cgroup[i].key, s->cgroup[i].value, path,
				  strerror(-ret));
			rmdir(out);
			return ret;
		}
	}
	return 0;
}
