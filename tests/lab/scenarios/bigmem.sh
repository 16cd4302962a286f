# shellcheck shell=bash
# bigmem (host side): the nvme passthrough with 4.5 GiB of guest RAM, so
# 1.5 GiB of it lies above 4 GiB: passvm DMA-maps both RAM regions (IOVA =
# GPA) and the guest's O_DIRECT buffers, taken from its highest zone, are
# above 4 GiB. Passes when the nvme run passes (MSI-X, marker at 7/8 MiB in
# out/nvme.img), the guest reports RAM above 4 GiB, the steady-state I/O
# (8 MiB written, read back, compared) passes, and under passvm the guest
# RAM resident at exit (--stats "guest RAM ... resident", RssShmem before
# it: VFIO pins, and so faults in, every page it maps) covers all 4.5 GiB.
# shellcheck source-path=SCRIPTDIR source=nvme.sh
. "$LAB_DIR/scenarios/nvme.sh" # check_nvme_run, check_nvme_steady
scen_bigmem_devices() { l1_dev_nvme; }
scen_bigmem_modules() { :; }
scen_bigmem_budget() { echo 240; }
# L2 pins the L3 guest's 4.5 GiB: L1 needs room for it and for L2
scen_bigmem_l1_mem() { echo 6144; }

BIGMEM_KB=$((4608 * 1024))
BIGMEM_HIGH_MIN_KB=$((1024 * 1024))

check_bigmem_ram() {
	local logf=$1 sec=$2 label=$3 vmm=$4 text line high rss why=""
	text=$(section "$logf" "$sec")
	line=$(lines "$text" 'L3: BIGMEM ' | tail -n1)
	high=$(field "$line" ram_above_4g_kb)
	if [ -z "$line" ]; then
		why="no L3: BIGMEM line"
	elif [ "${high:-0}" -lt "$BIGMEM_HIGH_MIN_KB" ]; then
		why="the guest has ${high:-0} kB of RAM above 4 GiB, want >= $BIGMEM_HIGH_MIN_KB"
	elif [ "$vmm" = passvm ]; then
		# resident guest RAM: its own line (any backing), else RssShmem
		rss=$(passvm_stats "$text" | sed -n 's/^guest RAM [0-9]* MiB, .*: resident \([0-9]*\) kB.*/\1/p' | head -n1)
		[ -n "$rss" ] ||
			rss=$(passvm_stats "$text" | sed -n 's/.*guest RAM touched (RssShmem) \([0-9]*\) kB.*/\1/p' | head -n1)
		if [ "${rss:-0}" -lt "$BIGMEM_KB" ]; then
			why="guest RAM resident at exit ${rss:-?} kB < $BIGMEM_KB kB: not all of it was DMA-mapped (pinned)"
		fi
	fi
	if [ -z "$why" ]; then
		result "$label" ok "${line#L3: BIGMEM }${rss:+ passvm_guest_ram_resident_kb=$rss}"
	else
		result "$label" fail "$why" "$(lines "$text" 'L3:|passvm')"
	fi
}

scen_bigmem_check() {
	local logf=$1 vmm
	for vmm in passvm qemu; do
		lab_want "$vmm" || continue
		check_nvme_run "$logf" "bigmem-$vmm" "bigmem/$vmm" "$vmm" bigmem
		check_bigmem_ram "$logf" "bigmem-$vmm" "bigmem/$vmm-ram" "$vmm"
		check_nvme_steady "$logf" "bigmem-$vmm" "bigmem/$vmm-steady" "$vmm"
	done
	print_run_table
}
