# shellcheck shell=dash
# hostile-dma (L2 side): the edu with a full DMA mask passed to a passvm
# guest (128 MiB of RAM) that points its DMA engine outside its RAM
# (hostile-dma.l3.sh); L2's kernel log must show the IOMMU refusing it:
#   LAB: RESULT hostile-dma/faults dmar_faults=N past_ram=yes|no
#     pci_window=yes|no high=yes|no msi_window_faults=N vfio_driver=D
lab_want passvm || exit 0
lab_bind "$EDU_DMA_BDF" >/dev/null || exit 1
dev=${EDU_DMA_BDF#0000:}
dmesg -c >/dev/null
# shellcheck disable=SC2034 # read by lab_passvm
L3_MEM_MIB=128
lab_passvm hostile-dma-passvm --vfio "$EDU_DMA_BDF"
dmesg >/tmp/hd.dmesg
grep -E 'DMAR|DMA (Read|Write)|INTR-REMAP' /tmp/hd.dmesg | head -n 20 | sed 's/^/LAB: hostile-dma dmesg: /'
# "DMAR: [DMA Write NO_PASID] Request device [00:0e.0] fault addr 0x..."
has() {
	grep -i "$dev" /tmp/hd.dmesg | grep -q -i "fault addr 0x0*$1" && echo yes || echo no
}
lab_result hostile-dma/faults \
	dmar_faults="$(grep -i "$dev" /tmp/hd.dmesg | grep -c -i 'fault')" \
	past_ram="$(has "$(printf '%x' $(((128 + 256) << 20)))")" \
	pci_window="$(has c0000000)" high="$(has 10000000000)" \
	msi_window_faults="$(grep -i "$dev" /tmp/hd.dmesg | grep -i -c -e 'fee00' -e 'INTR-REMAP')" \
	vfio_driver="$(lab_driver "$EDU_DMA_BDF")"
lab_unbind "$EDU_DMA_BDF" >/dev/null
