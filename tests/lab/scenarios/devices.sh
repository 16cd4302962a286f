# shellcheck shell=bash
# devices (host side): checks that the VFIO-ready L1 device set is there
# and bindable in L2 with `passvm bind`, without an L3: NVMe, e1000e (+ a
# peer NIC that stays in L2), edu, and two edu functions behind a
# pci-bridge (one IOMMU group).
scen_devices_devices() {
	l1_dev_nvme
	l1_dev_nic
	l1_dev_edu
	l1_dev_bridge
}
scen_devices_modules() { echo e1000e; }
scen_devices_budget() { echo 60; }

scen_devices_check() {
	expect devices devices bound==5 of==5 bridge_shared==yes 'peer_netdev~.'
}
