# shellcheck shell=bash
# zoo (host side): "any well-behaved PCI device", five at once in one L3
# guest (Debian's full kernel, each device's own driver from its
# initramfs), under passvm and QEMU:
#   00:08.0 ich9-ahci + a SATA disk: MSI, I/O BARs beside the ABAR (BAR5);
#           a marker written through ahci must land in out/zoo-ahci.img
#   00:09.0 qemu-xhci + usb-kbd: MSI-X table inside BAR0; the keyboard must
#           enumerate (control transfers over DMA rings, by interrupt)
#   00:0a.0 virtio-blk-pci, modern only, iommu_platform: MSI-X in BAR1,
#           virtio structures in a 64-bit prefetchable BAR4; marker in
#           out/zoo-vblk.img
#   00:0b.0 e1000: legacy, INTx only, an I/O BAR; link up, and interrupts
#           taken on its INTx line
#   00:0c.0 ivshmem-plain, 4 GiB 64-bit prefetchable BAR2 backed by
#           out/zoo-shm.img (a GPU-sized aperture, no driver): words written
#           through /dev/mem at both ends must be in the file
scen_zoo_devices() {
	local ahci=$OUT_DIR/zoo-ahci.img vblk=$OUT_DIR/zoo-vblk.img
	local shm=$OUT_DIR/zoo-shm.img
	rm -f "$ahci" "$vblk" "$shm"
	truncate -s 16M "$ahci" "$vblk"
	truncate -s 4G "$shm"
	printf '%s\n' \
		-drive "file=$ahci,if=none,id=zoo-ahci,format=raw" \
		-device ich9-ahci,id=zahci,addr=08.0 \
		-device ide-hd,drive=zoo-ahci,bus=zahci.0 \
		-device qemu-xhci,id=zxhci,addr=09.0 \
		-device usb-kbd,bus=zxhci.0 \
		-drive "file=$vblk,if=none,id=zoo-vblk,format=raw" \
		-device virtio-blk-pci,drive=zoo-vblk,disable-legacy=on,iommu_platform=on,addr=0a.0 \
		-device e1000,mac=52:54:00:12:34:0b,addr=0b.0 \
		-object "memory-backend-file,id=zoo-shm,mem-path=$shm,size=4G,share=on" \
		-device ivshmem-plain,memdev=zoo-shm,addr=0c.0
}
scen_zoo_modules() { :; }
# the L3 (full kernel) drivers; resolve_modules adds their dependencies
scen_zoo_l3_modules() { echo ahci sd_mod xhci_pci virtio_pci virtio_blk e1000; }
scen_zoo_budget() { echo 150; }
# its own L1 boot: five devices make it the heaviest run under the emulated
# nested SVM, and the one that most often wedged L2 in soak runs
scen_zoo_own_boot() { :; }

ZOO_DEVS="AHCI XHCI VBLK E1000 IVSHMEM"

# zoo_le32 FILE OFFSET: the little-endian 32-bit word at OFFSET, decimal
zoo_le32() {
	od -A n -t u4 -j "$2" -N 4 "$1" | tr -d ' '
}

check_zoo_run() {
	local logf=$1 sec=$2 label=$3 vmm=$4 text end rc wall why="" n line
	local slot=1 val o1 o2 size detail=""
	[ "$vmm" = qemu ] && slot=2
	text=$(section "$logf" "$sec")
	end=$(lines "$text" "LAB: END $sec " | tail -n1)
	rc=$(field "$end" exit)
	wall=$(field "$end" wall_ms)
	if [ -z "$text" ]; then
		why="no output from this run in L2 (vfio-pci bind failed?)"
		text=$(lines "$(tr -d '\r' <"$logf")" 'LAB:|vfio|zoo')
	else
		why=$(vmm_run_why "$text" "$end" "$rc")
	fi
	for n in $ZOO_DEVS; do
		line=$(lines "$text" "L3: ZOO $n " | tail -n1)
		if [ -z "$line" ]; then
			why="${why:+$why; }$n: no report from L3"
			continue
		fi
		detail="$detail
     $n: ${line#"L3: ZOO $n "}"
		[ "$(field "$line" ok)" = 1 ] || why="${why:+$why; }$n failed in L3"
	done
	# evidence outside the lab
	for n in ahci vblk; do
		if ! grep -a -q "PASSVM-LAB-ZOO-${n^^} vmm=$vmm token=$LAB_TOKEN" "$OUT_DIR/zoo-$n.img"; then
			why="${why:+$why; }${n^^}: marker not in out/zoo-$n.img"
		fi
	done
	line=$(lines "$text" 'L3: ZOO IVSHMEM ')
	size=$(field "$line" size)
	if [ -n "$size" ]; then
		val=$((${LAB_TOKEN%%-*} % 4294967296 + slot - 1))
		# the offsets zoo.l3.sh writes at
		if [ "$vmm" = qemu ]; then o1=8 o2=$((size - 128)); else o1=0 o2=$((size - 64)); fi
		if [ "$(zoo_le32 "$OUT_DIR/zoo-shm.img" "$o1")" != "$val" ] ||
			[ "$(zoo_le32 "$OUT_DIR/zoo-shm.img" "$o2")" != "$val" ]; then
			why="${why:+$why; }IVSHMEM: $val not at offsets $o1 and $o2 of out/zoo-shm.img"
		fi
	fi
	# interrupt modes the drivers chose must be the device's own
	grep -q 'L3: ZOO XHCI .*irq_mode=msix' <<<"$text" || why="${why:+$why; }XHCI: not on MSI-X"
	grep -q 'L3: ZOO VBLK .*irq_mode=msix' <<<"$text" || why="${why:+$why; }VBLK: not on MSI-X"
	grep -q 'L3: ZOO E1000 .*irq_mode=intx irqs=[1-9]' <<<"$text" || why="${why:+$why; }E1000: no interrupts on its INTx line"
	[ -z "$why" ] || why="$why$detail"
	report_run "$label" "$sec" "$text" "$vmm" "$why" \
		"exit=0, 5 devices driven, markers found outside the lab, wall=$(ms_to_s "$wall")s$detail"
}

scen_zoo_check() {
	local logf=$1
	lab_want passvm && check_zoo_run "$logf" zoo-passvm zoo/passvm passvm
	lab_want qemu && check_zoo_run "$logf" zoo-qemu zoo/qemu qemu
	print_run_table
}
