# shellcheck shell=bash
# hostile-bar (host side; issue #9 item 5c): an L3 guest under passvm
# moves its assigned NVMe's BAR0 over its own RAM, over the edu's BAR0,
# over the IOAPIC and the MSI window (0xfee00000), across the end of the
# 32-bit PCI window and beyond MAXPHYADDR, and the edu's BAR0 over the
# NVMe's MSI-X table page; each moved back (tools/hostile.c bars).
# hostile-bar/moves: after every move the guest still runs (its clock
# ticks), its RAM under the BAR kept its contents, and the address the BAR
# left reads all ones (no memslot stayed behind). hostile-bar/passvm: exit
# 0, after the moves back the NVMe's registers read as before and the
# nvme driver binds again and writes its marker (found in out/nvme.img).
# hostile-bar/mem: from passvm's trace (lab_memcheck in L2) no memslot
# was ever made over RAM, the IOAPIC, the MSI window, outside the 32-bit
# window or beyond the address width, or over another decoded BAR; at the
# guest's stop the memslots are the memory map's regions and the DMA
# mappings its RAM; passvm warned about the refusals.
scen_hostile-bar_devices() { l1_dev_nvme; l1_dev_edu; }
scen_hostile-bar_modules() { :; }
scen_hostile-bar_budget() { echo 90; }
scen_hostile-bar_l3_tools() { lab_tool hostile; }

HOSTILE_BAR_STEPS="ram other-bar msix-page ioapic msi-window window-end maxphyaddr top"

# hostile_marker_note SCEN NAME: note NAME image_marker=found|missing for
# the marker SCEN's passvm guest wrote (l3_nvme_after) to out/nvme.img
hostile_marker_note() {
	local found=missing
	grep -a -q "PASSVM-LAB-NVME-OK lab=$1 vmm=passvm token=$LAB_TOKEN" "$OUT_DIR/nvme.img" && found=found
	note "$2" vmm=passvm image_marker=$found
}

scen_hostile-bar_check() {
	local s bad="" c
	lab_want passvm || return 0
	hostile_marker_note hostile-bar hostile-bar/after
	expect_run hostile-bar/passvm hostile-bar vmm=passvm + hostile-bar/back vmm=passvm + \
		hostile-bar/after vmm=passvm exit==0 guest==done stats==yes cap_same==yes \
		steps==8 steps_ok==8 driver==nvme write==ok image_marker==found
	# one line for the eight moves: every one must hold
	for s in $HOSTILE_BAR_STEPS; do
		for c in alive==yes ram_bad_words==0 old_addr_reads==0xffffffff; do
			cond_holds "$(value "hostile-bar/$s" vmm=passvm "${c%%==*}")" == "${c#*==}" ||
				bad+="${bad:+,}$s:${c%%==*}"
		done
	done
	note hostile-bar/moves moves_failed="${bad:-none}"
	expect hostile-bar/moves hostile-bar/back vmm=passvm + hostile-bar/moves steps==8 \
		moves_failed==none
	expect hostile-bar/mem hostile-bar/mem + hostile-bar/warn 'bar_slots>=1' bad_slots==0 \
		overlap_slots==0 stale_slots==0 slots_match==yes dma_match==yes end==stop \
		'refused>=2'
	print_run_table
}
