# shellcheck shell=bash
# devices (host side): checks that the VFIO-ready L1 device set is there
# and bindable in L2, without an L3: NVMe, e1000e (+ a peer NIC that stays
# in L2), edu, and two edu functions behind a pci-bridge (one IOMMU group).
scen_devices_devices() {
	l1_dev_nvme
	l1_dev_nic
	l1_dev_edu
	l1_dev_bridge
}
scen_devices_modules() { echo e1000e; }
scen_devices_budget() { echo 60; }

scen_devices_check() {
	local logf=$1 text bdf line why="" g1 g2
	text=$(tr -d '\r' <"$logf")
	for bdf in 0000:00:03.0 0000:00:04.0 0000:00:06.0 0000:01:01.0 0000:01:02.0; do
		line=$(lines "$text" "LAB: dev $bdf ")
		if [ -z "$line" ] || grep -q FAILED <<<"$line"; then
			why="$why $bdf not bound to vfio-pci;"
		fi
	done
	g1=$(field "$(lines "$text" 'LAB: dev 0000:01:01.0 ')" group)
	g2=$(field "$(lines "$text" 'LAB: dev 0000:01:02.0 ')" group)
	if [ -z "$g1" ] || [ "$g1" != "$g2" ]; then
		why="$why functions behind the pci-bridge not in one group ($g1 vs $g2);"
	fi
	if ! grep -q 'LAB: l2-nic 0000:00:05.0 netdev=' <<<"$text"; then
		why="$why the peer NIC 00:05.0 has no netdev in L2;"
	fi
	if [ -z "$why" ]; then
		result devices ok "nvme, e1000e, edu, bridge(2 fns, group $g1) bound to vfio-pci; peer NIC in L2"
	else
		result devices fail "$why" "$(lines "$text" 'LAB: (pci|dev|l2-nic|vfio)')"
	fi
}
