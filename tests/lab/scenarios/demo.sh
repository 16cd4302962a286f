# shellcheck shell=bash
# demo (host side): the boot scenario with the L1 serial console (and so the
# L3 guest's console) shown live on the terminal. Runs in its own L1 boot.
scen_demo_devices() { :; }
scen_demo_modules() { :; }
scen_demo_budget() { echo 300; }
scen_demo_live() { :; }
scen_demo_check() {
	local logf=$1
	lab_want passvm && check_l3_boot "$logf" demo-passvm demo/passvm
	lab_want qemu && check_l3_boot "$logf" demo-qemu demo/qemu
	print_boot_table
}
