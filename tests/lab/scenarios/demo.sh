# shellcheck shell=bash
# demo (host side): the boot scenario with the L1 serial console (and so the
# L3 guest's console) shown live on the terminal. Runs in its own L1 boot.
# shellcheck source-path=SCRIPTDIR source=boot.sh
. "$LAB_DIR/scenarios/boot.sh" # check_l3_boot, print_boot_table
scen_demo_devices() { :; }
scen_demo_modules() { :; }
scen_demo_budget() { echo 150; }
scen_demo_live() { :; }
scen_demo_check() {
	local logf=$1
	lab_want passvm && check_l3_boot "$logf" demo-passvm demo/passvm
	lab_want qemu && check_l3_boot "$logf" demo-qemu demo/qemu
	print_boot_table
}
