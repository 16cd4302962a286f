/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which IOMMU interface assigned devices go through, and why: the VFIO
 * type1 container (/dev/vfio/vfio and /dev/vfio/N) or iommufd
 * (/dev/iommu and the device cdevs /dev/vfio/devices/vfioN). The facts
 * are the host's, read here for `passvm doctor` and `passvm run` alike;
 * the decision is one function so both say the same. Sources:
 * Documentation/userspace-api/iommufd.rst, Documentation/driver-api/
 * vfio.rst ("VFIO device cdev"), Documentation/ABI/testing/sysfs-devices-
 * vfio-dev (/sys/.../BDF/vfio-dev/vfioN), drivers/iommu/iommufd/Kconfig.
 */
#ifndef PASSVM_HOST_IOMMU_BACKEND_H
#define PASSVM_HOST_IOMMU_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

#include "host/pci_addr.h"

/* What the user asked for: --iommu auto|type1|iommufd. */
enum iommu_mode {
	IOMMU_MODE_AUTO,
	IOMMU_MODE_TYPE1,
	IOMMU_MODE_IOMMUFD,
};

enum iommu_backend {
	IOMMU_BACKEND_TYPE1 = 1,
	IOMMU_BACKEND_IOMMUFD,
};

/* The host's iommufd facts (host_iommufd_probe()). */
struct iommufd_host {
	bool dev_iommu; /* @dev/iommu is a character device */
	int dev_iommu_errno; /* why not (stat's errno, ENODEV: not a chardev) */
	int config; /* CONFIG_IOMMUFD: 1 y or m, 0 not set, -1 unknown */
	int cdev_config; /* CONFIG_VFIO_DEVICE_CDEV: likewise */
	char config_src[192]; /* the kernel config file read, "" if none */
};

/*
 * host_iommufd_probe() - fill @h: is @dev_root/iommu a character device;
 * CONFIG_IOMMUFD and CONFIG_VFIO_DEVICE_CDEV from @root/boot/config-
 * @release (@root "" on the host; @release NULL: this kernel's). Never
 * fails: what cannot be read stays unknown.
 */
void host_iommufd_probe(const char *dev_root, const char *root,
			const char *release, struct iommufd_host *h);

/*
 * host_vfio_cdev() - the VFIO device cdev of @a: "vfio0" (from
 * @sysfs/bus/pci/devices/BDF/vfio-dev/) into @name (@len bytes). Returns
 * 0, -ENOENT when the device has none (not bound to vfio-pci, or a kernel
 * without CONFIG_VFIO_DEVICE_CDEV), -ENAMETOOLONG.
 */
int host_vfio_cdev(const char *sysfs, const struct pci_addr *a, char *name,
		   size_t len);

/*
 * host_iommu_choose() - the backend for @n devices whose cdev presence is
 * @has_cdev[i] (@n may be 0: the host's default), given @mode and the
 * host facts @h. @why (@len bytes) gets one sentence saying why, naming
 * the missing piece. *@fallback is set when iommufd is there but passvm
 * falls back to type1 anyway (a device without a cdev): the caller warns.
 * Returns the backend, or -ENODEV when @mode is IOMMU_MODE_IOMMUFD and
 * iommufd cannot be used (@why then says what to do).
 */
int host_iommu_choose(enum iommu_mode mode, const struct iommufd_host *h,
		      const bool *has_cdev, const struct pci_addr *devs,
		      unsigned int n, char *why, size_t len, bool *fallback);

/* "auto", "type1", "iommufd"; backend names "type1", "iommufd". */
const char *iommu_mode_name(enum iommu_mode mode);
const char *iommu_backend_name(enum iommu_backend be);

/* iommu_mode_parse() - @s to *@mode. Returns 0 or -EINVAL. */
int iommu_mode_parse(const char *s, enum iommu_mode *mode);

#endif
