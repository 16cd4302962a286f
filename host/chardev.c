// SPDX-License-Identifier: GPL-2.0
/* Identifying pre-opened device fds; the contract is host/chardev.h. */
#include "host/chardev.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* Does @s end with the path component(s) @tail? */
static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), k = strlen(tail);

	return n >= k && !strcmp(s + n - k, tail) &&
	       (n == k || s[n - k - 1] == '/');
}

/* All digits, at least one? */
static bool digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

void host_chardev_classify(unsigned int major, unsigned int minor,
			   const char *link, struct chardev_id *id)
{
	const char *base, *p;
	char tail[64] = "";

	memset(id, 0, sizeof(*id));
	id->major = major;
	id->minor = minor;
	id->group = -1;
	if (link) {
		/* The last two components, for messages. */
		base = strrchr(link, '/');
		p = base;
		while (p && p > link && p[-1] != '/')
			p--;
		if (p && p > link) {
			for (p--; p > link && p[-1] != '/';)
				p--;
			snprintf(tail, sizeof(tail), " (%s)", p);
		}
	}
	snprintf(id->desc, sizeof(id->desc), "the character device %u:%u%s",
		 major, minor, tail);
	if (major == CHARDEV_MISC_MAJOR && minor == CHARDEV_KVM_MINOR) {
		id->kind = CHARDEV_KVM;
		return;
	}
	if (major == CHARDEV_MISC_MAJOR && minor == CHARDEV_VFIO_MINOR) {
		id->kind = CHARDEV_VFIO_CONTAINER;
		return;
	}
	if (major == CHARDEV_MISC_MAJOR && minor == CHARDEV_TUN_MINOR) {
		id->kind = CHARDEV_TUN;
		return;
	}
	if (major == CHARDEV_MISC_MAJOR && minor == CHARDEV_VHOST_NET_MINOR) {
		id->kind = CHARDEV_VHOST_NET;
		return;
	}
	if (!link)
		return;
	base = strrchr(link, '/');
	base = base ? base + 1 : link;
	if (ends_with(link, "misc/iommu")) {
		id->kind = CHARDEV_IOMMUFD;
	} else if (digits(base) && strlen(base) < 10) {
		/* devices/virtual/vfio/N (not noiommu-N: no IOMMU) */
		char want[32];

		snprintf(want, sizeof(want), "virtual/vfio/%s", base);
		if (ends_with(link, want)) {
			id->kind = CHARDEV_VFIO_GROUP;
			id->group = atoi(base);
		}
	} else if (!strncmp(base, "vfio", 4) && digits(base + 4)) {
		/* devices/.../BDF/vfio-dev/vfioN */
		size_t n = strlen(link) - strlen(base);
		char bdf[32];
		const char *q;

		if (n < 10 || strncmp(link + n - 9, "vfio-dev/", 9))
			return;
		n -= 9; /* end of ".../BDF/" */
		if (!n || link[n - 1] != '/')
			return;
		q = link + n - 1;
		while (q > link && q[-1] != '/')
			q--;
		if ((size_t)(link + n - 1 - q) >= sizeof(bdf))
			return;
		memcpy(bdf, q, (size_t)(link + n - 1 - q));
		bdf[link + n - 1 - q] = '\0';
		if (pci_addr_parse(bdf, &id->addr))
			return;
		id->kind = CHARDEV_VFIO_CDEV;
		snprintf(id->cdev, sizeof(id->cdev), "%s", base);
	}
}

int host_fd_chardev(const char *sysfs, int fd, struct chardev_id *id)
{
	char path[256], link[1024];
	struct stat st;
	ssize_t n;

	memset(id, 0, sizeof(*id));
	id->group = -1;
	if (fstat(fd, &st)) {
		snprintf(id->desc, sizeof(id->desc), "not an open file");
		return -EBADF;
	}
	if (!S_ISCHR(st.st_mode)) {
		snprintf(id->desc, sizeof(id->desc), "%s",
			 S_ISFIFO(st.st_mode) ? "a pipe" :
			 S_ISSOCK(st.st_mode) ? "a socket" :
			 S_ISREG(st.st_mode)  ? "a regular file" :
			 S_ISDIR(st.st_mode)  ? "a directory" :
			 S_ISBLK(st.st_mode)  ? "a block device" :
						"not a device");
		return -ENODEV;
	}
	snprintf(path, sizeof(path), "%s/dev/char/%u:%u", sysfs,
		 major(st.st_rdev), minor(st.st_rdev));
	n = readlink(path, link, sizeof(link) - 1);
	if (n >= 0)
		link[n] = '\0';
	host_chardev_classify(major(st.st_rdev), minor(st.st_rdev),
			      n >= 0 ? link : NULL, id);
	return 0;
}

const char *chardev_kind_name(enum chardev_kind kind)
{
	switch (kind) {
	case CHARDEV_KVM:
		return "/dev/kvm";
	case CHARDEV_VFIO_CONTAINER:
		return "the VFIO container /dev/vfio/vfio";
	case CHARDEV_IOMMUFD:
		return "/dev/iommu";
	case CHARDEV_VFIO_GROUP:
		return "a VFIO group /dev/vfio/N";
	case CHARDEV_VFIO_CDEV:
		return "a VFIO device cdev /dev/vfio/devices/vfioN";
	case CHARDEV_TUN:
		return "/dev/net/tun";
	case CHARDEV_VHOST_NET:
		return "/dev/vhost-net";
	default:
		return "another character device";
	}
}
