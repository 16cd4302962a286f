# shellcheck shell=bash
# boot (host side): passvm and QEMU each boot the L3 cloud kernel with
# --cpus 2 --mem 256M; the guest must see 2 CPUs, get to the end of its
# /init and power off; the VMM must exit 0 (and passvm print its stats).
scen_boot_devices() { :; }
scen_boot_modules() { :; }
scen_boot_budget() { echo 150; }

scen_boot_check() {
	local vmm
	for vmm in passvm qemu; do
		lab_want "$vmm" || continue
		# shellcheck disable=SC2046 # stats_cond: a condition or none
		expect_run "boot/$vmm" boot vmm="$vmm" exit==0 guest==done cpus==2 $(stats_cond "$vmm")
	done
	print_run_table
}
