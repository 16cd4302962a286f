# shellcheck shell=bash
# intx (host side): the nvme passthrough again, with the L3 guest booted
# with pci=nomsi: the nvme driver must run on INTx (no MSI/MSI-X vectors in
# sysfs, an IO-APIC line for nvme in /proc/interrupts with interrupts > 0:
# passvm's INTx path, eventfd + resamplefd through KVM) and its marker must
# land in out/nvme.img (offsets 3 and 4 MiB). Under passvm and QEMU.
# shellcheck source-path=SCRIPTDIR source=nvme.sh
. "$LAB_DIR/scenarios/nvme.sh" # check_nvme_run
scen_intx_devices() { l1_dev_nvme; }
scen_intx_modules() { :; }
scen_intx_budget() { echo 80; }
scen_intx_check() {
	local vmm
	for vmm in passvm qemu; do
		lab_want "$vmm" || continue
		check_nvme_run "intx/$vmm" intx "$vmm" intx
	done
	print_run_table
}
