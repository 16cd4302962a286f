# shellcheck shell=bash
# nic (host side): the e1000e NIC_BDF (MSI-X table in its own BAR) passed
# through to L3, which runs Debian's full kernel with e1000e.ko; it must
# exchange frames with its peer PEER_BDF in L2 over IPv6 link-local (the
# two NICs share an L1 hub with nothing else on it). Passes when the VMM
# exits 0, L3's pings to L2 got replies, L2's ping to L3 got a reply, and
# e1000e in L3 used MSI-X. Under passvm and QEMU.
scen_nic_devices() { l1_dev_nic; }
scen_nic_modules() { echo e1000e; }    # the L2 peer's driver
scen_nic_l3_modules() { echo e1000e; } # for the L3 full kernel
scen_nic_budget() { echo 100; }

scen_nic_check() {
	local vmm
	for vmm in passvm qemu; do
		lab_want "$vmm" || continue
		# shellcheck disable=SC2046 # stats_cond: a condition or none
		expect_run "nic/$vmm" nic vmm="$vmm" + nic/l2ping vmm="$vmm" \
			exit==0 driver==e1000e ping==ok replies==1 'msix_vectors>=1' \
			$(stats_cond "$vmm")
	done
	print_run_table
}
