# shellcheck shell=bash
# sriov (host side): SR-IOV with passvm's own commands, on an igb (82576)
# PF in L1: QEMU >= 8 has `-device igb` (up to 7 VFs); run with
# LAB_QEMU=qemu10 (lib/stack.sh). The PF sits on L1's root bus, so each VF
# (00:1d.0, 00:1d.2: offset 0x80, stride 2) is an IOMMU group of its own.
# In L2 (sriov.l2.sh):
#   sriov/make     `passvm sriov PF --numvfs 2 --bind`: exit 0, two VFs on
#                  vfio-pci in groups of their own, autoprobe 0 meanwhile
#   sriov/mac      each VF's MAC set with `passvm sriov PF --vf N --mac`
#                  (rtnetlink through the PF's netdev), read back by
#                  `passvm sriov PF` and by iproute2's `ip link show`
#   sriov/a, /b    two passvm microVMs at once, one VF each (L3: Debian's
#                  full kernel with igbvf): exit 0, eth0 on igbvf with the
#                  MAC set above, a ping to the other VM over IPv6
#                  link-local (through the PF's internal switch: the hub
#                  behind the PF has nothing else on it) and the other's
#                  echo requests seen
#   sriov/busy     `passvm sriov PF --remove` while both VMs run: refused
#                  (exit 1, the VF named as in use by a process)
#   sriov/remove   the same once they are gone: exit 0, no VFs, autoprobe
#                  back to 1, no record left
#   sriov/managed  `passvm run --sriov PF,numvfs=1`: the guest drives its
#                  VF (igbvf), exit 0, then no VFs and autoprobe 1
#   sriov/sigterm  the same run stopped by SIGTERM while the guest is up:
#                  exit 143, a VF on vfio-pci meanwhile, none after
# passvm only (QEMU has no part in making VFs). In `all`: it needs QEMU >= 8
# in L1, the lab's default (lib/stack.sh).
# SRIOV_PF_BDF, SRIOV_PF_MAC: lib/devices.sh (L2 finds the PF by its ID,
# 8086:10c9)

scen_sriov_devices() {
	if ! "${L1_QEMU:-$QEMU_BIN}" -device help 2>/dev/null | grep -q '"igb"'; then
		log "sriov: L1's QEMU ($("${L1_QEMU:-$QEMU_BIN}" --version | head -n1)) has no igb device, which QEMU >= 8 has: run with LAB_QEMU=qemu10"
		return 0
	fi
	printf '%s\n' -netdev hubport,id=hpsr,hubid=7 \
		-device "igb,netdev=hpsr,mac=$SRIOV_PF_MAC,addr=$(lab_slot "$SRIOV_PF_BDF")"
}
scen_sriov_modules() { echo igb; }       # the PF's driver in L2
scen_sriov_l3_modules() { echo igbvf; }  # the VF's, in L3's full kernel
scen_sriov_l2_bins() { echo /usr/sbin/ip; } # iproute2: the VF list, checked
scen_sriov_budget() { echo 420; }

scen_sriov_check() {
	local r
	lab_want passvm || return 0
	expect sriov/make sriov/make pf==found exit==0 numvfs==2 autoprobe==0 \
		vf0_driver==vfio-pci vf1_driver==vfio-pci groups==distinct || return 0
	expect sriov/mac sriov/mac set0==0 set1==0 vf0_readback==match \
		vf1_readback==match ip_vf0==match ip_vf1==match
	for r in a b; do
		expect_run "sriov/$r" sriov vmm=passvm run="sriov-$r" exit==0 \
			eth0==found driver==igbvf mac_set==yes ping==ok \
			'in_echos>=1' 'msix_vectors>=1' stats==yes
	done
	expect sriov/busy sriov/busy exit==1 'msg~in_use'
	expect sriov/remove sriov/remove exit==0 numvfs==0 autoprobe==1 record==none
	expect_run sriov/managed sriov vmm=passvm run=sriov-managed + \
		sriov/managed-after exit==0 eth0==found driver==igbvf \
		numvfs==0 autoprobe==1 record==none
	expect_run sriov/sigterm sriov/sigterm + sriov run=sriov-term \
		exit==143 'hold>=1' during_numvfs==1 during_driver==vfio-pci \
		numvfs==0 autoprobe==1 record==none
	print_run_table
}
