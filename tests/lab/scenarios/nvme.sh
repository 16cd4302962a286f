# shellcheck shell=bash
# nvme (host side): VFIO passthrough of L1's emulated NVMe controller into
# L3. Passes when the VMM exits 0, the L3 nvme driver bound with MSI-X
# vectors, took interrupts and wrote its marker, and the marker (with this
# run's token) is in out/nvme.img after L1 exits: the write went through
# the real device.
# Then the steady state (nvme/*-steady): the guest does 4096 4 KiB O_DIRECT
# I/Os (8 MiB written, read back, compared). Under passvm, from its --stats
# (nvme/vfio: trapped_other, the trapped BAR accesses outside the MSI-X
# table/PBA; trapped_msix, those that hit the emulated table/PBA): the
# former must stay under STEADY_MAX_TRAPS and the latter under one per
# STEADY_IOS_PER_MSIX guest I/Os, while the guest did more than
# STEADY_MIN_IOS: doorbells go to the mmapped BAR, no userspace exit per
# I/O. (The MSI-X accesses are the guest's vector setup, whatever the I/O:
# Linux masks every entry of QEMU's nvme at enable.)
scen_nvme_devices() { l1_dev_nvme; }
scen_nvme_modules() { :; }
scen_nvme_budget() { echo 120; }

STEADY_MIN_IOS=2000
STEADY_MAX_TRAPS=200
STEADY_IOS_PER_MSIX=10

# nvme_image_note SCEN VMM SEL: note SCEN SEL image_marker=found|missing:
# is the marker the L3 guest of SCEN under VMM wrote (nvme.l3.sh) in
# out/nvme.img?
nvme_image_note() {
	local found=missing
	if grep -a -q "PASSVM-LAB-NVME-OK lab=$1 vmm=$2 token=$LAB_TOKEN" "$OUT_DIR/nvme.img"; then
		found=found
	fi
	note "$1" "$3" image_marker=$found
}

# check_nvme_run LABEL SCEN VMM [MODE [SEL]]: one VMM run of an L3 guest
# running nvme.l3.sh with lab=SCEN, its record selected by SEL (default
# vmm=VMM). MODE: msix (default: the driver must have MSI-X vectors) or
# intx (no MSI/MSI-X vectors, an IO-APIC line for nvme). Either way the
# guest took interrupts and its marker is in out/nvme.img.
check_nvme_run() {
	local label=$1 scen=$2 vmm=$3 mode=${4:-msix} sel=${5:-vmm=$3}
	local -a irq=('msix_vectors>=1')
	[ "$mode" = msix ] || irq=(msix_vectors==0 msi_vectors==0 ioapic==yes)
	nvme_image_note "$scen" "$vmm" "$sel"
	# shellcheck disable=SC2046 # stats_cond: a condition or none
	expect_run "$label" "$scen" "$sel" exit==0 driver==nvme "${irq[@]}" \
		'irqs>=1' write==ok image_marker==found $(stats_cond "$vmm")
}

# check_nvme_steady LABEL SCEN VMM: the steady-state I/O numbers
check_nvme_steady() {
	local label=$1 scen=$2 vmm=$3 ios
	if [ "$vmm" = passvm ]; then
		ios=$(value "$scen/steady" vmm=passvm ios)
		expect "$label" "$scen/steady" vmm=passvm + "$scen/vfio" vmm=passvm bdf="$NVME_BDF" \
			"ios>$STEADY_MIN_IOS" data==ok "trapped_other<$STEADY_MAX_TRAPS" \
			"trapped_msix<$((${ios:-0} / STEADY_IOS_PER_MSIX))"
	else
		expect "$label" "$scen/steady" vmm="$vmm" "ios>$STEADY_MIN_IOS" data==ok
	fi
}

scen_nvme_check() {
	local vmm
	for vmm in passvm qemu; do
		lab_want "$vmm" || continue
		check_nvme_run "nvme/$vmm" nvme "$vmm"
		check_nvme_steady "nvme/$vmm-steady" nvme "$vmm"
	done
	print_run_table
}
