/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What an open file descriptor is, when it claims to be one of the
 * character devices passvm uses (a privileged launcher may pass them
 * open: --kvm-fd, --iommu-fd, --vfio fd=N, --net fd=N,vhost-fd=N): fstat(2) for the kind of file
 * and its major:minor, then /sys/dev/char/MAJOR:MINOR, whose link names
 * the device (Documentation/ABI/testing/sysfs-dev). Sources:
 * Documentation/admin-guide/devices.txt (misc 10:232 kvm, 10:196 vfio,
 * 10:200 net/tun, 10:238 vhost-net),
 * drivers/iommu/iommufd/main.c (misc "iommu", dynamic minor),
 * drivers/vfio/group.c (class vfio: /dev/vfio/N), drivers/vfio/
 * device_cdev.c (class vfio-dev under the PCI device: vfioN).
 */
#ifndef PASSVM_HOST_CHARDEV_H
#define PASSVM_HOST_CHARDEV_H

#include <stdbool.h>

#include "host/pci_addr.h"

/* The fixed misc minors of devices.txt. */
#define CHARDEV_MISC_MAJOR 10
#define CHARDEV_KVM_MINOR 232
#define CHARDEV_VFIO_MINOR 196
#define CHARDEV_TUN_MINOR 200
#define CHARDEV_VHOST_NET_MINOR 238

enum chardev_kind {
	CHARDEV_OTHER, /* a character device, none of these */
	CHARDEV_KVM, /* /dev/kvm */
	CHARDEV_VFIO_CONTAINER, /* /dev/vfio/vfio */
	CHARDEV_IOMMUFD, /* /dev/iommu */
	CHARDEV_VFIO_GROUP, /* /dev/vfio/N */
	CHARDEV_VFIO_CDEV, /* /dev/vfio/devices/vfioN */
	CHARDEV_TUN, /* /dev/net/tun */
	CHARDEV_VHOST_NET, /* /dev/vhost-net */
};

struct chardev_id {
	enum chardev_kind kind;
	unsigned int major, minor;
	int group; /* CHARDEV_VFIO_GROUP: N */
	struct pci_addr addr; /* CHARDEV_VFIO_CDEV: the PCI function */
	char cdev[16]; /* CHARDEV_VFIO_CDEV: "vfio0" */
	char desc[96]; /* "the character device 1:3 (virtual/mem/null)" */
};

/*
 * host_fd_chardev() - identify the open fd @fd: fstat it, then read
 * @sysfs/dev/char/MAJOR:MINOR. Returns 0 with @id filled, -EBADF when
 * @fd is not open, -ENODEV when it is not a character device (@id->desc
 * then says what it is: "a pipe", "a regular file", ...).
 */
int host_fd_chardev(const char *sysfs, int fd, struct chardev_id *id);

/*
 * host_chardev_classify() - the kind of character device @major:@minor
 * whose /sys/dev/char link points at @link (NULL when unreadable: only the
 * fixed numbers are known). Fills @id. Pure.
 */
void host_chardev_classify(unsigned int major, unsigned int minor,
			   const char *link, struct chardev_id *id);

/* "/dev/kvm", "/dev/iommu", "a VFIO group /dev/vfio/N", ... */
const char *chardev_kind_name(enum chardev_kind kind);

#endif
