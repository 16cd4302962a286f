# shellcheck shell=bash
# bigmem (host side): the nvme passthrough with 4.5 GiB of guest RAM, so
# 1.5 GiB of it lies above 4 GiB: passvm DMA-maps both RAM regions (IOVA =
# GPA) and the guest's O_DIRECT buffers, taken from its highest zone, are
# above 4 GiB. Passes when the nvme run passes (MSI-X, marker at 7/8 MiB in
# out/nvme.img), the guest reports RAM above 4 GiB (bigmem/*-ram), the
# steady-state I/O (8 MiB written, read back, compared) passes, and under
# passvm the guest RAM resident at exit (--stats "guest RAM ... resident",
# whatever backs it; RssShmem from older passvm: VFIO pins, and so faults
# in, every page it maps) covers all 4.5 GiB.
# shellcheck source-path=SCRIPTDIR source=nvme.sh
. "$LAB_DIR/scenarios/nvme.sh" # check_nvme_run, check_nvme_steady
scen_bigmem_devices() { l1_dev_nvme; }
scen_bigmem_modules() { :; }
scen_bigmem_budget() { echo 240; }
# L2 pins the L3 guest's 4.5 GiB: L1 needs room for it and for L2
scen_bigmem_l1_mem() { echo 6144; }

BIGMEM_KB=$((4608 * 1024))
BIGMEM_HIGH_MIN_KB=$((1024 * 1024))

scen_bigmem_check() {
	local vmm
	for vmm in passvm qemu; do
		lab_want "$vmm" || continue
		check_nvme_run "bigmem/$vmm" bigmem "$vmm"
		if [ "$vmm" = passvm ]; then
			expect bigmem/passvm-ram bigmem/ram vmm=passvm + bigmem vmm=passvm \
				"ram_above_4g_kb>=$BIGMEM_HIGH_MIN_KB" "guest_ram_resident_kb>=$BIGMEM_KB"
		else
			expect "bigmem/$vmm-ram" bigmem/ram vmm="$vmm" "ram_above_4g_kb>=$BIGMEM_HIGH_MIN_KB"
		fi
		check_nvme_steady "bigmem/$vmm-steady" bigmem "$vmm"
	done
	print_run_table
}
