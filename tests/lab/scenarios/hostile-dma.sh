# shellcheck shell=bash
# hostile-dma (host side; issue #9 item 5a): an L3 guest under passvm
# programs the DMA engine of its assigned edu (EDU_DMA_BDF, dma_mask all
# ones) through the hostile tool (tools/hostile.c dma): a copy through
# guest RAM works before and after (hostile-dma/passvm), and writes and
# reads at IOVAs past guest RAM and in the 32-bit PCI window (no BAR is
# DMA-mapped) fault in L2's IOMMU (DMAR lines in L2's kernel log,
# hostile-dma/faults), while passvm and the guest keep running (exit 0,
# the guest reached the end of its /init). The transfers at 2^40 and into
# the MSI window are made and reported (high, msi_window_faults) but not
# required to fault: L1's emulated VT-d logged no DMAR fault for them
# (2026-12-01; a write to 0xfee00000 is an interrupt request to VT-d, not
# a DMA), so the lab cannot show where they went.
scen_hostile-dma_devices() { l1_dev_edu_dma; }
scen_hostile-dma_modules() { :; }
scen_hostile-dma_budget() { echo 60; }
scen_hostile-dma_l3_tools() { lab_tool hostile; }

scen_hostile-dma_check() {
	lab_want passvm || return 0
	expect_run hostile-dma/passvm hostile-dma vmm=passvm + hostile-dma/ram vmm=passvm + \
		hostile-dma/after vmm=passvm exit==0 guest==done stats==yes dma==ok \
		targets==4 finished==4
	expect hostile-dma/faults hostile-dma/faults 'dmar_faults>=3' past_ram==yes \
		pci_window==yes vfio_driver==vfio-pci high~. msi_window_faults~.
	print_run_table
}
