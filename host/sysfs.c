// SPDX-License-Identifier: GPL-2.0
/*
 * Host PCI/IOMMU state from sysfs; see host/sysfs.h for the contract.
 * Sources: Documentation/ABI/testing/sysfs-bus-pci,
 * Documentation/ABI/testing/sysfs-kernel-iommu_groups.
 */
#include "host/sysfs.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/parse.h"

/* PCI Code and ID Assignment 1.11 §1.7: base class 06h, its subclasses. */
#define PCI_BASE_CLASS_BRIDGE 0x06
#define PCI_CLASS_BRIDGE_PCI 0x0604

/* Build "@root/bus/pci/devices/BDF[/@leaf]" into @buf. */
int sysfs_pci_path(char *buf, size_t len, const char *root,
		   const struct pci_addr *a, const char *leaf)
{
	char bdf[PCI_ADDR_STRLEN];
	int n;

	pci_addr_format(a, bdf);
	n = snprintf(buf, len, "%s/bus/pci/devices/%s%s%s", root, bdf,
		     leaf ? "/" : "", leaf ? leaf : "");
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

static int dev_present(const char *root, const struct pci_addr *a)
{
	char path[4096];
	struct stat st;
	int r;

	r = sysfs_pci_path(path, sizeof(path), root, a, NULL);
	if (r)
		return r;
	if (stat(path, &st))
		return -errno;
	return 0;
}

int sysfs_pci_exists(const char *root, const struct pci_addr *a)
{
	return dev_present(root, a) == 0;
}

int sysfs_path(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return (n < 0 || (size_t)n >= len) ? -ENAMETOOLONG : 0;
}

int sysfs_read_text(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	close(fd);
	buf[n] = '\0';
	while (n > 0 && isspace((unsigned char)buf[n - 1]))
		buf[--n] = '\0';
	return 0;
}

static int read_hex_attr(const char *root, const struct pci_addr *a,
			 const char *leaf, uint32_t *val)
{
	char path[4096], buf[64], *end;
	unsigned long v;
	int r;

	r = sysfs_pci_path(path, sizeof(path), root, a, leaf);
	if (r)
		return r;
	r = sysfs_read_text(path, buf, sizeof(buf));
	if (r)
		return r;
	errno = 0;
	v = strtoul(buf, &end, 16);
	if (errno || end == buf || *end || v > UINT32_MAX)
		return -EINVAL;
	*val = (uint32_t)v;
	return 0;
}

int sysfs_pci_ids(const char *root, const struct pci_addr *a, uint16_t *vendor,
		  uint16_t *device, uint32_t *class_code)
{
	uint32_t v, d, c;
	int r;

	r = dev_present(root, a);
	if (r)
		return r;
	r = read_hex_attr(root, a, "vendor", &v);
	if (!r)
		r = read_hex_attr(root, a, "device", &d);
	if (!r)
		r = read_hex_attr(root, a, "class", &c);
	if (r)
		return r;
	if (v > 0xffff || d > 0xffff || c > 0xffffff)
		return -EINVAL;
	if (vendor)
		*vendor = (uint16_t)v;
	if (device)
		*device = (uint16_t)d;
	if (class_code)
		*class_code = c;
	return 0;
}

int sysfs_pci_link(const char *root, const struct pci_addr *a, const char *leaf,
		   char *buf, size_t len)
{
	char path[4096], target[4096];
	const char *base;
	ssize_t n;
	int r;

	r = dev_present(root, a);
	if (r)
		return r;
	r = sysfs_pci_path(path, sizeof(path), root, a, leaf);
	if (r)
		return r;
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return errno == ENOENT ? -ENOLINK : -errno;
	target[n] = '\0';
	while (n > 1 && target[n - 1] == '/')
		target[--n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= len)
		return -ERANGE;
	strcpy(buf, base);
	return 0;
}

int sysfs_pci_driver(const char *root, const struct pci_addr *a, char *buf,
		     size_t len)
{
	int r;

	if (!len)
		return -ERANGE;
	r = sysfs_pci_link(root, a, "driver", buf, len);
	if (r == -ENOLINK) {
		buf[0] = '\0';
		return 0;
	}
	return r;
}

int sysfs_iommu_group(const char *root, const struct pci_addr *a, int *group)
{
	char name[64], *end;
	long g;
	int r;

	r = sysfs_pci_link(root, a, "iommu_group", name, sizeof(name));
	if (r == -ENOLINK)
		return -ENODEV;
	if (r)
		return r;
	errno = 0;
	g = strtol(name, &end, 10);
	if (errno || end == name || *end || g < 0 || g > INT32_MAX)
		return -EINVAL;
	*group = (int)g;
	return 0;
}

int sysfs_group_devices(const char *root, int group, struct pci_addr *out,
			int max)
{
	struct pci_addr *all = NULL, *grown;
	size_t cap = 0, count = 0;
	char path[4096];
	struct dirent *de;
	DIR *d;
	int n;

	n = snprintf(path, sizeof(path), "%s/kernel/iommu_groups/%d/devices",
		     root, group);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		struct pci_addr a;

		/* Non-PCI members (platform devices) have other names. */
		if (pci_addr_parse(de->d_name, &a))
			continue;
		if (count == cap) {
			cap = cap ? cap * 2 : 8;
			grown = realloc(all, cap * sizeof(*all));
			if (!grown) {
				free(all);
				closedir(d);
				return -ENOMEM;
			}
			all = grown;
		}
		all[count++] = a;
	}
	closedir(d);
	if (count > 1)
		qsort(all, count, sizeof(*all), pci_addr_cmp);
	for (n = 0; n < max && (size_t)n < count; n++)
		out[n] = all[n];
	free(all);
	return (int)count;
}

int sysfs_group_reserved(const char *root, int group, struct iova_resv *out,
			 int max)
{
	char path[4096], line[256];
	int count = 0, r = 0;
	FILE *f;

	r = sysfs_path(path, sizeof(path),
		       "%s/kernel/iommu_groups/%d/reserved_regions", root,
		       group);
	if (r)
		return r;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		uint64_t start, end;
		char *w[3];
		size_t k = parse_words(line, w, 3);

		if (!k)
			continue;
		/* "0x00000000fee00000 0x00000000feefffff msi" */
		if (k != 3 || parse_u64(w[0], 16, &start) ||
		    parse_u64(w[1], 16, &end) || end < start) {
			r = -EINVAL;
			break;
		}
		if (count < max) {
			out[count].start = start;
			out[count].end = end;
			snprintf(out[count].type, sizeof(out[count].type), "%s",
				 w[2]);
		}
		count++;
	}
	fclose(f);
	return r ? r : count;
}

bool sysfs_pci_is_bridge(const char *root, const struct pci_addr *a)
{
	uint32_t cls;

	if (sysfs_pci_ids(root, a, NULL, NULL, &cls))
		return false;
	return (cls >> 8) == PCI_CLASS_BRIDGE_PCI;
}

bool sysfs_pci_is_infra(const char *root, const struct pci_addr *a,
			uint32_t *cls)
{
	uint32_t c;

	if (sysfs_pci_ids(root, a, NULL, NULL, &c))
		return false;
	if (cls)
		*cls = c;
	return (c >> 16) == PCI_BASE_CLASS_BRIDGE;
}

const char *pci_bridge_kind(uint32_t cls)
{
	static const char *const kind[] = {
		"host bridge",
		"ISA bridge",
		"EISA bridge",
		"MCA bridge",
		"PCI bridge",
		"PCMCIA bridge",
		"NuBus bridge",
		"CardBus bridge",
		"RACEway bridge",
		"PCI bridge",
		"InfiniBand-to-PCI host bridge",
	};
	unsigned int sub = (cls >> 8) & 0xff;

	if ((cls >> 16) != PCI_BASE_CLASS_BRIDGE ||
	    sub >= sizeof(kind) / sizeof(kind[0]))
		return "bridge";
	return kind[sub];
}

bool sysfs_group_member_blocks(const char *root, const struct pci_addr *a,
			       char *drv, size_t len)
{
	if (sysfs_pci_driver(root, a, drv, len))
		drv[0] = '\0';
	if (!drv[0] || !strcmp(drv, "vfio-pci") || !strcmp(drv, "pci-stub"))
		return false;
	return !sysfs_pci_is_bridge(root, a);
}

int state_mkdir(const char *dir)
{
	char tmp[4096];
	char *p;

	if (sysfs_path(tmp, sizeof(tmp), "%s", dir))
		return -ENAMETOOLONG;
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

int state_write(const char *dir, const char *path, const char *text)
{
	char tmp[4200];
	FILE *f;
	int r;

	r = state_mkdir(dir);
	if (!r)
		r = sysfs_path(tmp, sizeof(tmp), "%s.tmp", path);
	if (r)
		return r;
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	fputs(text, f);
	r = ferror(f) ? -EIO : 0;
	if (fclose(f) && !r)
		r = -errno;
	if (!r && rename(tmp, path))
		r = -errno;
	if (r)
		unlink(tmp);
	return r;
}

void sysfs_pci_first_entry(const char *root, const struct pci_addr *a,
			   const char *leaf, const char *prefix, char *buf,
			   size_t len)
{
	size_t plen = strlen(prefix);
	char path[4096];
	struct dirent *de;
	DIR *d;

	if (!len)
		return;
	buf[0] = '\0';
	if (sysfs_pci_path(path, sizeof(path), root, a, leaf))
		return;
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || strncmp(de->d_name, prefix, plen) ||
		    strlen(de->d_name) >= len)
			continue;
		if (!buf[0] || strcmp(de->d_name, buf) < 0)
			snprintf(buf, len, "%s", de->d_name);
	}
	closedir(d);
}
