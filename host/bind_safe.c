// SPDX-License-Identifier: GPL-2.0
/*
 * May a PCI function be taken from its driver? The refusals of `passvm
 * bind` and of the VMM's managed binding; see bind_check_safe() in
 * host/bind.h. Sources: Documentation/ABI/testing/sysfs-bus-pci (boot_vga,
 * class), sysfs-class-net (operstate, flags), sysfs-block (holders), proc(5)
 * (/proc/mounts, /proc/swaps), PCI Code and ID Assignment 1.11 §1.7.
 */
#include "host/bind.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/parse.h"

#define IFF_UP_BIT 0x1 /* include/uapi/linux/if.h */
#define MAX_WALK_DEPTH 8

/* Is /dev/@src (a mount or swap source) block device @name or a partition
 * of it? Partitions of names ending in a digit are NAMEpN (nvme0n1p2),
 * others NAMEN (sda2), as the kernel's disk_name() does. */
static bool source_is_disk(const char *src, const char *name)
{
	size_t len = strlen(name);
	const char *p;

	if (strncmp(src, "/dev/", 5))
		return false;
	src += 5;
	if (strncmp(src, name, len))
		return false;
	p = src + len;
	if (!*p)
		return true;
	if (isdigit((unsigned char)name[len - 1])) {
		if (*p != 'p')
			return false;
		p++;
	}
	if (!isdigit((unsigned char)*p))
		return false;
	while (isdigit((unsigned char)*p))
		p++;
	return *p == '\0';
}

/* Find the line in proc file @file whose first field is block device @name;
 * copy its second field (mount point) into @where. */
static bool proc_uses_disk(const struct bind_env *env, const char *file,
			   const char *name, char *where, size_t len)
{
	char path[4096], line[1024], *w[2];
	bool found = false;
	FILE *f;

	if (sysfs_path(path, sizeof(path), "%s/%s", env->proc, file))
		return false;
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		size_t k = parse_words(line, w, 2);

		if (k >= 1 && source_is_disk(w[0], name)) {
			snprintf(where, len, "%s%s%s", w[0],
				 k == 2 ? " on " : "", k == 2 ? w[1] : "");
			found = true;
		}
	}
	fclose(f);
	return found;
}

static bool dir_nonempty(const char *path, char *first, size_t len)
{
	struct dirent *de;
	bool any = false;
	DIR *d = opendir(path);

	if (!d)
		return false;
	while (!any && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(first, len, "%s", de->d_name);
		any = true;
	}
	closedir(d);
	return any;
}

struct walk_ctx {
	const struct bind_env *env;
	char bdf[PCI_ADDR_STRLEN];
	struct pv_error *err;
	int found; /* -EBUSY once a reason is in err */
};

/* Check one class device directory @path named @name. */
static void check_class_dev(struct walk_ctx *w, const char *path,
			    const char *name, const char *subsys)
{
	char file[4096], text[512];

	if (!strcmp(subsys, "block")) {
		if (proc_uses_disk(w->env, "mounts", name, text,
				   sizeof(text))) {
			w->found = pv_seterr(
				w->err, EBUSY,
				"%s has a mounted filesystem (%s): unmount it first, or use --force",
				w->bdf, text);
			return;
		}
		if (proc_uses_disk(w->env, "swaps", name, text, sizeof(text))) {
			w->found = pv_seterr(
				w->err, EBUSY,
				"%s holds active swap (%s): swapoff it first, or use --force",
				w->bdf, text);
			return;
		}
		if (!sysfs_path(file, sizeof(file), "%s/holders", path) &&
		    dir_nonempty(file, text, sizeof(text))) {
			w->found = pv_seterr(
				w->err, EBUSY,
				"%s: block device %s is in use by %s: stop it first, or use --force",
				w->bdf, name, text);
			return;
		}
	} else if (!strcmp(subsys, "net")) {
		bool up = false;

		if (!sysfs_path(file, sizeof(file), "%s/operstate", path) &&
		    !sysfs_read_text(file, text, sizeof(text)) &&
		    !strcmp(text, "up"))
			up = true;
		if (!sysfs_path(file, sizeof(file), "%s/flags", path) &&
		    !sysfs_read_text(file, text, sizeof(text)) &&
		    (strtoul(text, NULL, 0) & IFF_UP_BIT))
			up = true;
		if (up)
			w->found = pv_seterr(
				w->err, EBUSY,
				"%s has network interface %s up: run `ip link set %s down` first, or use --force",
				w->bdf, name, name);
	}
}

/*
 * Walk the device's directory (not following symlinks, not descending into
 * child PCI functions) for block and net class devices.
 */
static void walk(struct walk_ctx *w, const char *path, int depth)
{
	char sub[4096], link[4096], target[512];
	struct dirent *de;
	DIR *d;

	if (depth > MAX_WALK_DEPTH || w->found)
		return;
	d = opendir(path);
	if (!d)
		return;
	while (!w->found && (de = readdir(d))) {
		struct pci_addr child;
		struct stat st;
		ssize_t n;

		if (de->d_name[0] == '.')
			continue;
		if (sysfs_path(sub, sizeof(sub), "%s/%s", path, de->d_name))
			continue;
		if (lstat(sub, &st) || !S_ISDIR(st.st_mode))
			continue;
		if (!pci_addr_parse(de->d_name, &child))
			continue; /* a function behind a bridge */
		if (!sysfs_path(link, sizeof(link), "%s/subsystem", sub) &&
		    (n = readlink(link, target, sizeof(target) - 1)) > 0) {
			const char *base;

			target[n] = '\0';
			base = strrchr(target, '/');
			check_class_dev(w, sub, de->d_name,
					base ? base + 1 : target);
		}
		walk(w, sub, depth + 1);
	}
	closedir(d);
}

int bind_check_safe(const struct bind_env *env, const struct pci_addr *a,
		    struct pv_error *err)
{
	struct walk_ctx w = { .env = env, .err = err };
	char path[4096], text[64];
	uint32_t cls;
	int r;

	pci_addr_format(a, w.bdf);
	if (!sysfs_pci_exists(env->sysfs, a))
		return pv_seterr(
			err, ENOENT,
			"no PCI device %s: check the address with `lspci -D`",
			w.bdf);
	if (sysfs_pci_is_infra(env->sysfs, a, &cls)) {
		if (sysfs_pci_is_bridge(env->sysfs, a))
			return pv_seterr(
				err, EBUSY,
				"%s is a PCI bridge (class 0x%06x), which must keep its driver: pass the devices behind it, or use --force",
				w.bdf, cls);
		return pv_seterr(
			err, EBUSY,
			"%s (%s, class 0x%06x) is infrastructure the host's chipset needs: no guest may own it; pass an endpoint device instead, or use --force",
			w.bdf, pci_bridge_kind(cls), cls);
	}
	r = sysfs_path(path, sizeof(path), "%s/bus/pci/devices/%s/boot_vga",
		       env->sysfs, w.bdf);
	if (!r && !sysfs_read_text(path, text, sizeof(text)) &&
	    !strcmp(text, "1"))
		return pv_seterr(
			err, EBUSY,
			"%s drives the boot console (boot_vga=1): use another display for the host, or use --force",
			w.bdf);
	r = sysfs_path(path, sizeof(path), "%s/bus/pci/devices/%s", env->sysfs,
		       w.bdf);
	if (r)
		return pv_seterr(err, -r, "%s: path too long", w.bdf);
	walk(&w, path, 0);
	return w.found;
}
