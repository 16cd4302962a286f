# shellcheck shell=bash
# zoo (host side): "any well-behaved PCI device", nine at once in one L3
# guest (Debian's full kernel, each device's own driver from its
# initramfs), under passvm and QEMU. zoo/VMM: the run (exit 0, the guest
# got to its end); then one check per device, zoo/VMM-NAME:
#   ahci     ich9-ahci + a SATA disk: MSI, I/O BARs beside the ABAR (BAR5);
#            a marker written through ahci must land in out/zoo-ahci.img
#   xhci     qemu-xhci + usb-kbd: MSI-X table inside BAR0; the keyboard must
#            enumerate (control transfers over DMA rings, by interrupt)
#   vblk     virtio-blk-pci, modern only, iommu_platform: MSI-X in BAR1,
#            virtio structures in a 64-bit prefetchable BAR4; marker in
#            out/zoo-vblk.img
#   e1000    legacy, INTx only, an I/O BAR; link up, and interrupts taken
#            on its INTx line
#   ivshmem  ivshmem-plain, 4 GiB 64-bit prefetchable BAR2 backed by
#            out/zoo-shm.img (a GPU-sized aperture, no driver): words
#            written through /dev/mem at both ends must be in the file
#   bochs    bochs-display (a display controller, class 0x0380) with an
#            expansion ROM: L3 reads it through sysfs (trapped ROM BAR reads
#            under passvm), bytes equal to what L2 read from the device
#            before binding it; bochs-drm binds and reads the EDID through
#            its register BAR
#   vga      QEMU's std VGA (a VGA controller, class 0x0300) with its VGA
#            BIOS ROM: the same, but the ROM L2 reads (and vfio-pci hands
#            out) is L1's BIOS shadow of it (Linux reads a boot VGA's ROM at
#            0xC0000); QEMU's L3 reads its own BIOS's shadow, passvm's
#            (no BIOS) the ROM BAR
#   hda      ich9-intel-hda, MSI only (no MSI-X), with an hda-duplex codec:
#            snd_hda_intel must find the codec (verbs over the CORB/RIRB
#            DMA rings, answered by MSI)
#   vser     virtio-serial-pci behind a pcie-root-port: a PCIe endpoint
#            with link registers and extended capabilities (AER, ATS), and
#            65 MSI-X vectors (31 ports: 64 queues and the config vector),
#            of which the guest must get 64 (the control output queue has
#            no callback, so no vector: virtio_console); L3's view of its config space
#            (chains, PCIe type, link registers) must be sane, and a marker
#            written to its port must land in out/zoo-vser.txt. Like vblk
#            it needs iommu_platform: without VIRTIO_F_ACCESS_PLATFORM, L1's
#            virtio device bypasses the vIOMMU, reads L2's memory at L3's
#            addresses and breaks ("Guest says index N is available")
# (addresses and IDs: lib/devices.sh)
scen_zoo_devices() {
	local ahci=$OUT_DIR/zoo-ahci.img vblk=$OUT_DIR/zoo-vblk.img
	local shm=$OUT_DIR/zoo-shm.img vser=$OUT_DIR/zoo-vser.txt
	rm -f "$ahci" "$vblk" "$shm" "$vser"
	truncate -s 16M "$ahci" "$vblk"
	truncate -s 4G "$shm"
	printf '%s\n' \
		-drive "file=$ahci,if=none,id=zoo-ahci,format=raw" \
		-device "ich9-ahci,id=zahci,addr=$(lab_slot "$AHCI_BDF")" \
		-device ide-hd,drive=zoo-ahci,bus=zahci.0 \
		-device "qemu-xhci,id=zxhci,addr=$(lab_slot "$XHCI_BDF")" \
		-device usb-kbd,bus=zxhci.0 \
		-drive "file=$vblk,if=none,id=zoo-vblk,format=raw" \
		-device "virtio-blk-pci,drive=zoo-vblk,disable-legacy=on,iommu_platform=on,addr=$(lab_slot "$VBLK_BDF")" \
		-device "e1000,mac=$E1000_MAC,addr=$(lab_slot "$E1000_BDF")" \
		-object "memory-backend-file,id=zoo-shm,mem-path=$shm,size=4G,share=on" \
		-device "ivshmem-plain,memdev=zoo-shm,addr=$(lab_slot "$IVSHMEM_BDF")" \
		-device "bochs-display,addr=$(lab_slot "$BOCHS_BDF")" \
		-device "VGA,addr=$(lab_slot "$VGA_BDF")" \
		-audiodev none,id=zoo-snd \
		-device "ich9-intel-hda,id=zhda,msi=on,addr=$(lab_slot "$HDA_BDF")" \
		-device hda-duplex,bus=zhda.0,audiodev=zoo-snd \
		-device "pcie-root-port,id=zrp,chassis=2,slot=0,addr=$(lab_slot "$VSER_PORT_BDF")" \
		-device "virtio-serial-pci,id=zvser,bus=zrp,max_ports=31,vectors=$VSER_VECTORS,disable-legacy=on,iommu_platform=on,aer=on,ats=on" \
		-chardev "file,id=zoo-vser,path=$vser" \
		-device virtserialport,bus=zvser.0,chardev=zoo-vser,name=lab.zoo
}
scen_zoo_modules() { :; }
# the L3 (full kernel) drivers; resolve_modules adds their dependencies
# (the generic HDA codec driver before the controller's, which binds it)
scen_zoo_l3_modules() {
	echo ahci sd_mod xhci_pci virtio_pci virtio_blk e1000 bochs \
		snd_hda_codec_generic snd_hda_intel virtio_console
}
scen_zoo_budget() { echo 210; }
# its own L1 boot: five devices make it the heaviest run under the emulated
# nested SVM, and the one that most often wedged L2 (NOTES.md)
scen_zoo_own_boot() { :; }

# zoo_le32 FILE OFFSET: the little-endian 32-bit word at OFFSET, decimal
zoo_le32() {
	od -A n -t u4 -j "$2" -N 4 "$1" | tr -d ' '
}

# zoo_notes VMM: the evidence outside the lab: the disk markers in
# out/zoo-{ahci,vblk}.img, the ivshmem words (where and what L3 says it
# wrote) in out/zoo-shm.img
zoo_notes() {
	local vmm=$1 n found o1 o2 val
	for n in ahci vblk; do
		found=missing
		grep -a -q "PASSVM-LAB-ZOO-${n^^} vmm=$vmm token=$LAB_TOKEN" "$OUT_DIR/zoo-$n.img" &&
			found=found
		note "zoo/$n" vmm="$vmm" image_marker=$found
	done
	o1=$(value zoo/ivshmem vmm="$vmm" o1)
	o2=$(value zoo/ivshmem vmm="$vmm" o2)
	val=$(value zoo/ivshmem vmm="$vmm" value)
	found=missing
	if [ -n "$val" ] && [ "$(zoo_le32 "$OUT_DIR/zoo-shm.img" "$o1")" = "$val" ] &&
		[ "$(zoo_le32 "$OUT_DIR/zoo-shm.img" "$o2")" = "$val" ]; then
		found=found
	fi
	note zoo/ivshmem vmm="$vmm" file_words=$found
	found=missing
	grep -a -q "PASSVM-LAB-ZOO-VSER vmm=$vmm token=$LAB_TOKEN" "$OUT_DIR/zoo-vser.txt" 2>/dev/null &&
		found=found
	note zoo/vser vmm="$vmm" file_marker=$found
	# the ROM bytes L3 read against those L2 read from the device
	for n in bochs vga; do
		val=$(value "zoo/$n-l2" rom_md5)
		found=differ
		[ -n "$val" ] && [ "$val" = "$(value "zoo/$n" vmm="$vmm" rom_md5)" ] && found=equal
		note "zoo/$n" vmm="$vmm" rom_vs_l2=$found
	done
}

scen_zoo_check() {
	local vmm
	for vmm in passvm qemu; do
		lab_want "$vmm" || continue
		zoo_notes "$vmm"
		# shellcheck disable=SC2046 # stats_cond: a condition or none
		expect_run "zoo/$vmm" zoo vmm="$vmm" exit==0 guest==done $(stats_cond "$vmm")
		expect "zoo/$vmm-ahci" zoo/ahci vmm="$vmm" ok==1 driver==ahci irq_mode==msi image_marker==found
		expect "zoo/$vmm-xhci" zoo/xhci vmm="$vmm" ok==1 driver==xhci_hcd irq_mode==msix
		expect "zoo/$vmm-vblk" zoo/vblk vmm="$vmm" ok==1 driver==virtio-pci irq_mode==msix \
			image_marker==found
		expect "zoo/$vmm-e1000" zoo/e1000 vmm="$vmm" ok==1 driver==e1000 irq_mode==intx 'irqs>=1'
		expect "zoo/$vmm-ivshmem" zoo/ivshmem vmm="$vmm" ok==1 file_words==found
		expect "zoo/$vmm-bochs" zoo/bochs vmm="$vmm" ok==1 driver==bochs-drm \
			rom_sig==55aa rom_vs_l2==equal edid_ok==1
		expect "zoo/$vmm-vga" zoo/vga vmm="$vmm" ok==1 driver==bochs-drm \
			rom_sig==55aa rom_vs_l2==equal edid_ok==1
		expect "zoo/$vmm-hda" zoo/hda vmm="$vmm" ok==1 driver==snd_hda_intel irq_mode==msi \
			'irqs>=1' codec~^0x1af4
		expect "zoo/$vmm-vser" zoo/vser vmm="$vmm" ok==1 driver==virtio-pci irq_mode==msix \
			vectors=="$VSER_GUEST_VECTORS" 'irqs>=1' file_marker==found chain_ok==1 exp==yes \
			link_ok==1 ext~'(^|,)0001(,|$)'
	done
	print_run_table
}
