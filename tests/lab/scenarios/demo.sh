# shellcheck shell=bash
# demo (host side; `make demo`): the main job, shown live in its own L1
# boot: the NVMe passed through to an L3 guest under passvm (the guest's
# kernel messages on the terminal); the nvme driver must bind with MSI-X
# and the guest's marker must be in out/nvme.img after L1 exits. Prints
# PASS/FAIL and passvm's --stats. passvm only (no QEMU comparison).
# shellcheck source-path=SCRIPTDIR source=nvme.sh
. "$LAB_DIR/scenarios/nvme.sh" # check_nvme_run
scen_demo_devices() { l1_dev_nvme; }
scen_demo_modules() { :; }
scen_demo_budget() { echo 150; }
scen_demo_live() { :; }
scen_demo_check() {
	echo
	echo "demo: the guest's marker in $OUT_DIR/nvme.img (written through the passed-through NVMe):"
	grep -a -o "PASSVM-LAB-NVME-OK lab=demo vmm=passvm token=$LAB_TOKEN" "$OUT_DIR/nvme.img" |
		sed 's/^/     /' || echo "     (not found)"
	check_nvme_run demo/passvm demo passvm
	print_run_table
}
