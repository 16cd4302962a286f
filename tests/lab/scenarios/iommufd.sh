# shellcheck shell=bash
# iommufd (host side): the L2 kernel has the iommufd interface. Passes when
# L2 has the /dev/iommu character device and the NVMe 00:03.0, bound to
# vfio-pci, has its VFIO cdev (/dev/vfio/devices/vfioN, the device's
# vfio-dev/vfioN in sysfs) next to its group's /dev/vfio/GROUP. Debian's
# kernels have no CONFIG_IOMMUFD: run it on the lab's own kernel,
#   LAB_L2_KERNEL=passvm-lab tests/lab/run-lab iommufd
# (tests/lab/build-kernel). No L3; not part of `all`.
scen_iommufd_devices() { l1_dev_nvme; }
scen_iommufd_modules() { :; }
scen_iommufd_budget() { echo 30; }

scen_iommufd_check() {
	local text why="" ev
	text=$(tr -d '\r' <"$1")
	ev=$(lines "$text" 'LAB: iommufd ')
	grep -q 'LAB: iommufd /dev/iommu char' <<<"$ev" ||
		why="$why no /dev/iommu character device in L2 (kernel without CONFIG_IOMMUFD?);"
	grep -Eq 'LAB: iommufd cdev /dev/vfio/devices/vfio[0-9]+ char' <<<"$ev" ||
		why="$why no /dev/vfio/devices/vfioN for 00:03.0 (CONFIG_VFIO_DEVICE_CDEV?);"
	grep -Eq 'LAB: iommufd group /dev/vfio/[0-9]+ char' <<<"$ev" ||
		why="$why no VFIO group device for 00:03.0;"
	if [ -z "$why" ]; then
		result iommufd ok "$(lines "$ev" 'cdev|/dev/iommu' | sed 's/^LAB: iommufd //' | tr '\n' ';')"
	else
		result iommufd fail "$why" "$ev"
	fi
}
