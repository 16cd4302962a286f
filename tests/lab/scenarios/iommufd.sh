# shellcheck shell=bash
# iommufd (host side): the L2 kernel has the iommufd interface. Passes when
# L2 has the /dev/iommu character device and the NVMe NVME_BDF, bound to
# vfio-pci, has its VFIO cdev (/dev/vfio/devices/vfioN, the device's
# vfio-dev/vfioN in sysfs) next to its group's /dev/vfio/GROUP. Debian's
# kernels have no CONFIG_IOMMUFD: run it on the lab's own kernel,
#   LAB_L2_KERNEL=passvm-lab tests/lab/run-lab iommufd
# (tests/lab/build-kernel). No L3; not part of `all`.
scen_iommufd_devices() { l1_dev_nvme; }
scen_iommufd_modules() { :; }
scen_iommufd_budget() { echo 30; }

scen_iommufd_check() {
	expect iommufd iommufd dev_iommu==char group_node==char \
		'cdev~^vfio[0-9]+$' cdev_node==char \
		'config~IOMMUFD=y' 'config~VFIO_DEVICE_CDEV=y'
}
