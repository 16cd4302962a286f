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
	/* [0]: members that hold the group, [1]: the others */
	char list[2][300] = { "", "" }, bdf[PCI_ADDR_STRLEN], drv[48];
	char ours_bdf[PCI_ADDR_STRLEN] = "BDF";
	int n;

	if (nours > 0)
		pci_addr_format(&ours[0], ours_bdf);

	n = sysfs_group_devices(sysfs_root, group, members, 32);
	if (n > 32)
		n = 32;
	for (int i = 0; i < n; i++) {
		bool mine = false, blocks;
		char *l;
		size_t used;

		for (int k = 0; k < nours; k++)
			if (pci_addr_equal(&members[i], &ours[k]))
				mine = true;
		if (mine)
			continue;
		pci_addr_format(&members[i], bdf);
		blocks = sysfs_group_member_blocks(sysfs_root, &members[i], drv,
						   sizeof(drv));
		l = list[blocks ? 0 : 1];
		used = strlen(l);
		snprintf(l + used, sizeof(list[0]) - used, "%s%s (driver %s)",
			 used ? ", " : "", bdf, drv[0] ? drv : "none");
	}
	if (!list[0][0] && !list[1][0])
		return pv_seterr(err, EPERM,
				 "IOMMU group %d is not viable (a member is "
				 "bound to a host driver): bind every device "
				 "in /sys/kernel/iommu_groups/%d/devices to "
				 "vfio-pci too, or unbind them",
				 group, group);
	/* sysfs may disagree with the kernel (a driver we think harmless):
	 * then every other member is a suspect */
	return pv_seterr(err, EPERM,
			 "IOMMU group %d is not viable: it also contains %s: "
			 "bind them to vfio-pci too (`passvm bind --group "
			 "%s`), or unbind them%s%s%s",
			 group, list[0][0] ? list[0] : list[1], ours_bdf,
			 list[0][0] && list[1][0] ? " (the other members, " :
						    "",
			 list[0][0] ? list[1] : "",
			 list[0][0] && list[1][0] ? ", need nothing)" : "");
}
