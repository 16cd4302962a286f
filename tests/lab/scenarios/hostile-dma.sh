# shellcheck shell=bash
# hostile-dma (host side; issue #9 item 5a): an L3 guest under passvm
# programs the DMA engine of its assigned edu (EDU_DMA_BDF, dma_mask all
# ones) through the hostile tool (tools/hostile.c dma): a copy through
# guest RAM works before and after (hostile-dma/passvm), and writes and
# reads at IOVAs past guest RAM, in the 32-bit PCI window, in the MSI
# window and at 2^40 reach nothing: L2's IOMMU faults them (DMAR lines in
# L2's kernel log, hostile-dma/faults), while passvm and the guest keep
# running (exit 0, the guest reached the end of its /init).
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
		pci_window==yes high==yes 'msi_window_faults>=1' vfio_driver==vfio-pci
	print_run_table
}
