# shellcheck shell=bash
# hostile-cfg (host side; issue #9 item 5b): an L3 guest under passvm
# writes random values (seeded; the seed is printed) to every config
# register of its assigned NVMe and of passvm's emulated host bridge, and
# to every entry of the NVMe's MSI-X table, for HOSTILE_ITERS rounds
# (tools/hostile.c cfgfuzz); then resets the NVMe (FLR) and binds nvme
# again. hostile-cfg/passvm: passvm survived (exit 0, the guest reached
# the end of its /init), the reset worked, the driver bound and wrote its
# marker (in out/nvme.img). hostile-cfg/mem: from passvm's trace
# (lab_memcheck) no memslot went where none may, and at the guest's stop
# the memslots are the memory map's regions and the DMA mappings its RAM
# regions, one for one; the NVMe is still on vfio-pci in L2.
scen_hostile-cfg_devices() { l1_dev_nvme; }
scen_hostile-cfg_modules() { :; }
scen_hostile-cfg_budget() { echo 120; }
scen_hostile-cfg_l3_tools() { lab_tool hostile; }

hostile_cfg_marker_note() {
	local found=missing
	grep -a -q "PASSVM-LAB-NVME-OK lab=hostile-cfg vmm=passvm token=$LAB_TOKEN" "$OUT_DIR/nvme.img" && found=found
	note hostile-cfg/after vmm=passvm image_marker=$found
}

scen_hostile-cfg_check() {
	lab_want passvm || return 0
	hostile_cfg_marker_note
	expect_run hostile-cfg/passvm hostile-cfg vmm=passvm + hostile-cfg/fuzz vmm=passvm + \
		hostile-cfg/reset vmm=passvm + hostile-cfg/after vmm=passvm + hostile-cfg/seed \
		exit==0 guest==done stats==yes 'writes>1000' 'table_writes>0' devices==2 reset==ok \
		driver==nvme write==ok image_marker==found seed~'^[0-9]+$'
	expect hostile-cfg/mem hostile-cfg/mem + hostile-cfg/warn 'bar_slots>=1' bad_slots==0 \
		overlap_slots==0 stale_slots==0 slots_match==yes dma_match==yes end==stop \
		driver==vfio-pci
	print_run_table
}
