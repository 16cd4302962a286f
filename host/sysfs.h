/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading (and, for bind, writing) the host's PCI and IOMMU state in sysfs:
 * /sys/bus/pci/devices/BDF/{vendor,device,class,driver,iommu_group,
 * driver_override,reset_method,msi_bus,...}, /sys/kernel/iommu_groups/N/
 * {devices,reserved_regions}, /sys/bus/pci/drivers/NAME/{bind,unbind},
 * /sys/bus/pci/drivers_probe. Sources: Documentation/ABI/testing/
 * sysfs-bus-pci, sysfs-kernel-iommu_groups.
 *
 * Every function takes @root, the sysfs mount point: "/sys" in use, a fake
 * tree built by the unit tests otherwise.
 */
#ifndef PASSVM_HOST_SYSFS_H
#define PASSVM_HOST_SYSFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/log.h"
#include "host/pci_addr.h"

/*
 * sysfs_path() - format a path into @buf (@len bytes).
 * Errors: -ENAMETOOLONG when it does not fit.
 */
int sysfs_path(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * sysfs_read_text() - read up to @len - 1 bytes of the small text file
 * @path (a sysfs attribute) into @buf, trailing whitespace stripped.
 * Errors: -errno from open/read.
 */
int sysfs_read_text(const char *path, char *buf, size_t len);

/* sysfs_pci_exists() - 1 if /sys/bus/pci/devices/BDF exists, else 0. */
int sysfs_pci_exists(const char *root, const struct pci_addr *a);

/*
 * sysfs_pci_ids() - vendor, device and class code (24 bits) from sysfs.
 * Errors: -ENOENT (no such device).
 */
int sysfs_pci_ids(const char *root, const struct pci_addr *a, uint16_t *vendor,
		  uint16_t *device, uint32_t *class_code);

/*
 * sysfs_pci_driver() - the bound driver's name in @buf ("" if none).
 * Errors: -ENOENT (no such device).
 */
int sysfs_pci_driver(const char *root, const struct pci_addr *a, char *buf,
		     size_t len);

/*
 * sysfs_iommu_group() - the device's IOMMU group number.
 * Errors: -ENOENT (no such device), -ENODEV (no iommu_group link: the
 * IOMMU is off or absent).
 */
int sysfs_iommu_group(const char *root, const struct pci_addr *a, int *group);

/*
 * sysfs_group_devices() - the members of group @group (PCI ones only),
 * sorted, at most @max in @out. Returns the count (which may exceed @max)
 * or a negative errno.
 */
int sysfs_group_devices(const char *root, int group, struct pci_addr *out,
			int max);

/*
 * sysfs_pci_is_bridge() - true when @a is a PCI-to-PCI bridge (class
 * 0x0604xx); false when it is not or cannot be read.
 */
bool sysfs_pci_is_bridge(const char *root, const struct pci_addr *a);

/*
 * sysfs_pci_is_infra() - true when @a is infrastructure: PCI base class
 * 0x06 (host, ISA, PCI-to-PCI and other bridges), functions the host's
 * chipset needs and no guest may own. Its 24-bit class code goes to @cls
 * (may be NULL). False when it is not or cannot be read. Source: PCI Code
 * and ID Assignment 1.11 §1.7 (base class 06h).
 */
bool sysfs_pci_is_infra(const char *root, const struct pci_addr *a,
			uint32_t *cls);

/*
 * pci_bridge_kind() - "host bridge", "ISA bridge", "PCI bridge", ... for a
 * 24-bit class code of base class 0x06 (any other: "bridge"). Static text.
 */
const char *pci_bridge_kind(uint32_t cls);

/*
 * sysfs_group_member_blocks() - true when member @a of an IOMMU group keeps
 * the group from being viable for VFIO: it is bound to a driver that owns
 * DMA, i.e. anything but vfio-pci, pci-stub or no driver, and it is not a
 * bridge (pcieport does not claim DMA ownership). Its driver ("" for none)
 * goes to @drv (@len bytes). Source: Documentation/driver-api/vfio.rst
 * ("the group is viable ... when all devices are bound to a vfio bus driver
 * or no driver"), the kernel's driver_managed_dma flag.
 */
bool sysfs_group_member_blocks(const char *root, const struct pci_addr *a,
			       char *drv, size_t len);

/*
 * state_mkdir() - create directory @dir and its parents (mode 0755), as
 * `mkdir -p` does: where passvm keeps its records (/run/passvm/...).
 * Errors: -errno from mkdir(2), -ENAMETOOLONG.
 */
int state_mkdir(const char *dir);

struct iova_resv {
	uint64_t start, end; /* inclusive, bytes */
	char type[24]; /* "msi", "reserved", "direct", ... */
};

/*
 * sysfs_group_reserved() - parse /sys/kernel/iommu_groups/N/
 * reserved_regions ("0x00000000fee00000 0x00000000feefffff msi" lines).
 * Returns the count (may exceed @max) or a negative errno.
 */
int sysfs_group_reserved(const char *root, int group, struct iova_resv *out,
			 int max);

#endif
