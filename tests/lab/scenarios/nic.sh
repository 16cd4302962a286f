# shellcheck shell=bash
# nic (host side): the e1000e 00:04.0 (MSI-X table in its own BAR) passed
# through to L3, which runs Debian's full kernel with e1000e.ko; it must
# exchange frames with its peer 00:05.0 in L2 over IPv6 link-local (the two
# NICs share an L1 hub with nothing else on it). Passes when the VMM exits
# 0, L3's pings to L2 got replies, L2's ping to L3 got a reply, and e1000e
# in L3 used MSI-X. Under passvm and QEMU.
scen_nic_devices() { l1_dev_nic; }
scen_nic_modules() { echo e1000e; }        # the L2 peer's driver
scen_nic_l3_modules() { echo e1000e; }     # for the L3 full kernel
scen_nic_budget() { echo 100; }

check_nic_run() {
	local logf=$1 sec=$2 label=$3 vmm=$4 text end rc wall why="" msix l2p ping
	text=$(section "$logf" "$sec")
	end=$(lines "$text" "LAB: END $sec " | tail -n1)
	rc=$(field "$end" exit)
	wall=$(field "$end" wall_ms)
	msix=$(field "$(lines "$text" 'L3: nic msix_vectors=')" msix_vectors)
	ping=$(lines "$text" 'L3: nic ping after' | sed 's/^L3: nic //')
	# the L2 pinger reports right after the VMM's END line
	l2p=$(lines "$(tr -d '\r' <"$logf")" "LAB: nic L2->L3 vmm=$vmm " | tail -n1)
	if [ -z "$text" ]; then
		why="no output from this run in L2 (vfio-pci bind or the L2 peer failed?)"
		text=$(lines "$(tr -d '\r' <"$logf")" 'LAB:|vfio|e1000e')
	else
		why=$(vmm_run_why "$text" "$end" "$rc")
	fi
	if [ -n "$why" ]; then
		: # the run itself failed
	elif ! grep -q 'L3: nic eth0 driver=e1000e' <<<"$text"; then
		why="L3 has no eth0 on e1000e"
	elif ! grep -q 'L3: NIC-PING-OK' <<<"$text"; then
		why="L3 -> L2 ping got no reply ($ping)"
	elif [ "$(field "$l2p" replies)" != 1 ]; then
		why="L2 -> L3 ping got no reply (${l2p:-no report from the L2 pinger})"
	elif [ "${msix:-0}" -lt 1 ]; then
		why="e1000e in L3 has no MSI-X vectors (msix_vectors=$msix)"
	fi
	report_run "$label" "$sec" "$text" "$vmm" "$why" \
		"exit=0 msix_vectors=$msix L3->L2 $ping; L2->L3 reply; $(lines "$text" 'L3: nic icmp6' | sed 's/^L3: nic icmp6 //') wall=$(ms_to_s "$wall")s"
}

scen_nic_check() {
	local logf=$1
	lab_want passvm && check_nic_run "$logf" nic-passvm nic/passvm passvm
	lab_want qemu && check_nic_run "$logf" nic-qemu nic/qemu qemu
	print_run_table
}
