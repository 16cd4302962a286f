# shellcheck shell=bash
# nvme (host side): VFIO passthrough of L1's emulated NVMe controller into
# L3. Passes when the VMM exits 0, the L3 nvme driver bound with MSI-X
# vectors and wrote its marker, and the marker (with this run's token) is in
# out/nvme.img after L1 exits: the write went through the real device.
# Then the steady state (nvme/*-steady): the guest does 4096 4 KiB O_DIRECT
# I/Os (8 MiB written, read back, compared). Under passvm, from its --stats
# line "vfio BDF: trapped BAR reads R writes W, MSI-X table/PBA M" (R and W
# count every trapped BAR access, M the part that hit the emulated MSI-X
# table/PBA): the trapped accesses outside the MSI-X table/PBA (R+W-M) must
# stay under STEADY_MAX_TRAPS and the MSI-X table/PBA ones under one per
# STEADY_IOS_PER_MSIX guest I/Os, while the guest did more than
# STEADY_MIN_IOS: doorbells go to the mmapped BAR, no userspace exit per
# I/O. (The MSI-X accesses are the guest's vector setup: Linux masks all 65
# entries of QEMU's nvme at enable, ~218 accesses whatever the I/O.)
scen_nvme_devices() { l1_dev_nvme; }
scen_nvme_modules() { :; }
scen_nvme_budget() { echo 120; }

NVME_BDF=0000:00:03.0
STEADY_MIN_IOS=2000
STEADY_MAX_TRAPS=200
STEADY_IOS_PER_MSIX=10

# check_nvme_run LOG SECTION LABEL VMM LAB [MODE]: one VMM run of an L3
# guest running nvme.l3.sh with lab=LAB. MODE: msix (default: the driver
# must have MSI-X vectors) or intx (no MSI/MSI-X vectors, an IO-APIC line
# for nvme with interrupts > 0). Records the run for print_run_table; shows
# passvm's stats.
check_nvme_run() {
	local logf=$1 sec=$2 label=$3 vmm=$4 lab=$5 mode=${6:-msix}
	local text end rc wall why="" line msix msi irql cnt detail
	text=$(section "$logf" "$sec")
	end=$(lines "$text" "LAB: END $sec " | tail -n1)
	rc=$(field "$end" exit)
	wall=$(field "$end" wall_ms)
	line=$(lines "$text" 'L3: nvme driver=')
	msix=$(field "$line" msix_vectors)
	msi=$(field "$line" msi_vectors)
	# the nvme lines of /proc/interrupts after the marker I/O
	irql=$(lines "$text" '^L3: irq .*nvme' | tail -n 4)
	# (grep -o: the guest kernel's last message may share the line)
	cnt=$({ grep -o 'L3: nvme irqs after I/O: [0-9]*' <<<"$text" || true; } | tail -n1 | awk '{print $NF}')
	if [ -z "$text" ]; then
		why="no output from this run in L2 (vfio-pci bind failed or L2 died?)"
		text=$(lines "$(tr -d '\r' <"$logf")" 'LAB:|vfio|nvme')
	else
		why=$(vmm_run_why "$text" "$end" "$rc")
	fi
	if [ -n "$why" ]; then
		: # the run itself failed
	elif [ -z "$line" ]; then
		why="L3 never saw the NVMe controller"
	elif [ "$mode" = msix ] && [ "${msix:-0}" -lt 1 ]; then
		why="L3 nvme driver has no MSI-X vectors"
	elif [ "$mode" = intx ] && [ "${msix:-0}${msi:-0}" != 00 ]; then
		why="L3 booted with pci=nomsi but nvme has msix=$msix msi=$msi vectors"
	elif [ "$mode" = intx ] && ! grep -q "${LAB_INTX_CHIP:-IO-APIC}" <<<"$irql"; then
		why="no ${LAB_INTX_CHIP:-IO-APIC} line for nvme in L3's /proc/interrupts"
	elif [ "${cnt:-0}" -lt 1 ]; then
		why="no nvme interrupts counted in L3"
	elif ! grep -q "L3: NVME-WRITE-OK lab=$lab vmm=$vmm" <<<"$text"; then
		why="L3 could not write/read back the marker"
	elif ! grep -a -q "PASSVM-LAB-NVME-OK lab=$lab vmm=$vmm token=$LAB_TOKEN" "$OUT_DIR/nvme.img"; then
		why="marker not in out/nvme.img (the write never reached the L1 device)"
	fi
	if [ "$mode" = msix ]; then
		detail="msix_vectors=$msix"
	else
		detail="INTx: $(awk '{$1 = ""; print}' <<<"$irql" | tr -s ' ' | head -n1)"
	fi
	report_run "$label" "$sec" "$text" "$vmm" "$why" \
		"exit=0 $detail irqs=$cnt marker in nvme.img wall=$(ms_to_s "$wall")s"
}

# check_nvme_steady LOG SECTION LABEL VMM: the steady-state I/O numbers
check_nvme_steady() {
	local logf=$1 sec=$2 label=$3 vmm=$4 text line ios data t why="" v r w m traps
	text=$(section "$logf" "$sec")
	line=$(lines "$text" 'L3: NVME-STEADY ' | tail -n1)
	ios=$(field "$line" ios)
	data=$(field "$line" data)
	t=$(field "$line" t)
	if [ -z "$line" ]; then
		result "$label" fail "no L3: NVME-STEADY line (the guest never got to the steady-state I/O)" "$text"
		return
	fi
	if [ "$data" != ok ]; then
		why="data=$data (8 MiB written and read back do not match);"
	fi
	if [ "${ios:-0}" -le "$STEADY_MIN_IOS" ]; then
		why="$why guest did only $ios I/Os (want > $STEADY_MIN_IOS);"
	fi
	if [ "$vmm" = passvm ]; then
		v=$(stat_vfio "$text" "$NVME_BDF")
		if [ -z "$v" ]; then
			result "$label" fail "guest I/Os=$ios in ${t}; no 'vfio $NVME_BDF' line in passvm's --stats" "$text"
			return
		fi
		read -r r w m <<<"$v"
		traps=$((r + w - m))
		if [ "$traps" -ge "$STEADY_MAX_TRAPS" ]; then
			why="$why trapped BAR accesses outside the MSI-X table $traps >= $STEADY_MAX_TRAPS;"
		fi
		if [ $((m * STEADY_IOS_PER_MSIX)) -ge "${ios:-0}" ]; then
			why="$why MSI-X table/PBA accesses $m >= 1 per $STEADY_IOS_PER_MSIX I/Os;"
		fi
		detail="guest I/Os=$ios (8 MiB w+r, 4 KiB O_DIRECT, ${t}) vs trapped BAR accesses: $traps outside the MSI-X table (want < $STEADY_MAX_TRAPS) + $m MSI-X table/PBA (want < ios/$STEADY_IOS_PER_MSIX) = reads $r + writes $w"
	else
		detail="guest I/Os=$ios (8 MiB w+r, 4 KiB O_DIRECT, ${t}) data=$data"
	fi
	if [ -z "$why" ]; then
		result "$label" ok "$detail"
	else
		why=${why# }
		result "$label" fail "${why%;}; $detail" "$(lines "$text" 'L3: (NVME|nvme|irq)|passvm')"
	fi
}

scen_nvme_check() {
	local logf=$1
	if lab_want passvm; then
		check_nvme_run "$logf" nvme-passvm nvme/passvm passvm nvme
		check_nvme_steady "$logf" nvme-passvm nvme/passvm-steady passvm
	fi
	if lab_want qemu; then
		check_nvme_run "$logf" nvme-qemu nvme/qemu qemu nvme
		check_nvme_steady "$logf" nvme-qemu nvme/qemu-steady qemu
	fi
	print_run_table
}
