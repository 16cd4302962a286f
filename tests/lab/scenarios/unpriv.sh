# shellcheck shell=bash
# unpriv (host side): passvm started without privilege. A root shell in L2
# opens /dev/kvm, the IOMMU side (/dev/vfio/vfio, or /dev/iommu) and the
# NVMe's VFIO file (its group /dev/vfio/N, or its cdev /dev/vfio/devices/
# vfioN), raises RLIMIT_MEMLOCK, and runs passvm as uid 1000 (busybox su)
# with --kvm-fd, --iommu-fd and --vfio fd=N only. Once with the type1
# container (unpriv-type1), and with iommufd when L2's kernel has it
# (unpriv-iommufd: LAB_L2_KERNEL=passvm-lab). Each passes when the nvme
# guest work passes (nvme.l3.sh: MSI-X, marker in out/nvme.img) and the
# running passvm had Uid 1000 and CapEff 0 (/proc/PID/status, read by L2
# while the guest ran). passvm only.
# shellcheck source-path=SCRIPTDIR source=nvme.sh
. "$LAB_DIR/scenarios/nvme.sh" # check_nvme_run
scen_unpriv_devices() { l1_dev_nvme; }
scen_unpriv_modules() { :; }
scen_unpriv_budget() { echo 120; }

check_unpriv_run() {
	local logf=$1 be=$2 text st uid cap
	text=$(section "$logf" "unpriv-$be")
	if [ "$be" = iommufd ] && grep -q "LAB: unpriv iommufd skipped" "$logf"; then
		return 0
	fi
	check_nvme_run "$logf" "unpriv-$be" "unpriv/$be" passvm unpriv
	st=$(lines "$text" 'LAB: unpriv status ' | tail -n1)
	uid=$(field "$st" uid)
	cap=$(field "$st" capeff)
	if [ -z "$st" ]; then
		result "unpriv/$be-caps" fail "L2 never saw the passvm process to read its /proc/PID/status" "$(lines "$text" 'LAB:|passvm')"
	elif [ "$uid" != 1000 ] || [ "$cap" != 0000000000000000 ]; then
		result "unpriv/$be-caps" fail "passvm ran with uid=$uid CapEff=$cap, want 1000 and 0000000000000000" "$st"
	elif [ "$be" = iommufd ] && ! grep -q 'vfio: backend iommufd, as the fds given are for it' <<<"$text"; then
		result "unpriv/$be-caps" fail "passvm did not take the iommufd backend from the fds" "$(lines "$text" 'vfio:')"
	else
		result "unpriv/$be-caps" ok "passvm ran as uid $uid with CapEff $cap on pre-opened fds (${st#LAB: unpriv status })"
	fi
}

scen_unpriv_check() {
	local logf=$1
	lab_want passvm || return 0
	check_unpriv_run "$logf" type1
	check_unpriv_run "$logf" iommufd
	print_run_table
}
