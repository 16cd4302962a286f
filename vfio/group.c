// SPDX-License-Identifier: GPL-2.0
/*
 * IOMMU group checks that turn VFIO's terse errors into instructions:
 * which driver a device is bound to, and which other members make a group
 * non-viable. Sources: Documentation/driver-api/vfio.rst ("Groups, Devices,
 * and IOMMUs"), Documentation/ABI/testing/sysfs-kernel-iommu_groups.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vfio/vfio.h"

int vfio_check_driver(const char *sysfs_root, const struct pci_addr *a,
		      struct pv_error *err)
{
	char bdf[PCI_ADDR_STRLEN], drv[64];
	int ret;

	pci_addr_format(a, bdf);
	if (!sysfs_pci_exists(sysfs_root, a))
		return pv_seterr(err, ENOENT,
				 "no PCI device %s on this host: check the "
				 "address with `lspci -D`",
				 bdf);
	ret = sysfs_pci_driver(sysfs_root, a, drv, sizeof(drv));
	if (ret < 0)
		return pv_seterr(err, -ret, "cannot read the driver of %s: %s",
				 bdf, strerror(-ret));
	if (!strcmp(drv, "vfio-pci"))
		return 0;
	if (!drv[0])
		return pv_seterr(err, ENODEV,
				 "%s is not bound to any driver, not vfio-pci: "
				 "run `passvm bind %s`",
				 bdf, bdf);
	return pv_seterr(
		err, ENODEV,
		"%s is bound to %s, not vfio-pci: run `passvm bind %s`", bdf,
		drv, bdf);
}

int vfio_group_not_viable_msg(const char *sysfs_root, int group,
			      const struct pci_addr *ours, int nours,
			      struct pv_error *err)
{
	struct pci_addr members[32];
	char list[400] = "", bdf[PCI_ADDR_STRLEN], drv[48];
	size_t used = 0;
	int n, shown = 0;

	n = sysfs_group_devices(sysfs_root, group, members, 32);
	if (n > 32)
		n = 32;
	for (int i = 0; i < n; i++) {
		bool mine = false;

		for (int k = 0; k < nours; k++)
			if (!memcmp(&members[i], &ours[k], sizeof(ours[k])))
				mine = true;
		if (mine)
			continue;
		pci_addr_format(&members[i], bdf);
		if (sysfs_pci_driver(sysfs_root, &members[i], drv,
				     sizeof(drv)) < 0)
			snprintf(drv, sizeof(drv), "?");
		if (used < sizeof(list)) {
			int w = snprintf(list + used, sizeof(list) - used,
					 "%s%s (driver %s)", shown ? ", " : "",
					 bdf, drv[0] ? drv : "none");
			if (w > 0)
				used += (size_t)w;
		}
		shown++;
	}
	if (!shown)
		return pv_seterr(err, EPERM,
				 "IOMMU group %d is not viable (a member is "
				 "bound to a host driver): bind every device "
				 "in /sys/kernel/iommu_groups/%d/devices to "
				 "vfio-pci too, or unbind them",
				 group, group);
	return pv_seterr(err, EPERM,
			 "IOMMU group %d is not viable: it also contains %s: "
			 "bind them to vfio-pci too, or unbind them",
			 group, list);
}
