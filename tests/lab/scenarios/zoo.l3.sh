# shellcheck shell=dash disable=SC2154 # lab, LAB_VMM, LAB_TOKEN: from /init
# zoo (L3 side; Debian's full kernel, the drivers from its initramfs): one
# check per passed-through device, each driven by its own unmodified Linux
# driver, one line each (NAME: ahci, vblk, xhci, e1000, ivshmem):
#   LAB: RESULT zoo/NAME vmm=VMM found=yes ok=1|0 driver=D
#     irq_mode=msix|msi|intx irqs=N DETAIL...
# or found=no when the guest has no such function. Disk markers go at 1 MiB
# (passvm) or 2 MiB (qemu); the ivshmem words (value=) at BAR offsets o1=
# and o2= (0 and size-64 under passvm, 8 and size-128 under qemu). run-lab
# finds them in the backing files outside the lab.
vmm=$LAB_VMM token=$LAB_TOKEN
case $vmm in qemu) slot=2 ;; *) slot=1 ;; esac

# zoo_find VENDOR:DEVICE: the sysfs directory of that PCI function
zoo_find() {
	local d
	for d in /sys/bus/pci/devices/*; do
		if [ "$(cat "$d/vendor")" = "0x${1%:*}" ] && [ "$(cat "$d/device")" = "0x${1#*:}" ]; then
			echo "$d"
			return 0
		fi
	done
	return 1
}

# zoo_wait GLOB: wait up to 15 s for a path matching GLOB; prints it
zoo_wait() {
	local i=0 p
	while [ $i -lt 150 ]; do
		for p in $1; do
			[ -e "$p" ] && { echo "$p"; return 0; }
		done
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# zoo_irq DEVDIR: "MODE TOTAL": the interrupt mode the driver uses and the
# interrupts counted on its vectors (or its INTx line), all CPUs
zoo_irq() {
	local d=$1 mode=intx irqs n
	if [ -d "$d/msi_irqs" ] && [ -n "$(ls "$d/msi_irqs")" ]; then
		mode=$(cat "$d"/msi_irqs/* | sort -u | head -n1)
		irqs=$(ls "$d/msi_irqs")
	else
		irqs=$(cat "$d/irq")
	fi
	n=$(for i in $irqs; do grep "^ *$i:" /proc/interrupts; done |
		awk '{for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i} END {print s + 0}')
	echo "$mode $n"
}

# zoo_report NAME DEVDIR OK KEY=VALUE...
zoo_report() {
	local name=$1 d=$2 ok=$3 drv=none irq
	shift 3
	[ -e "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
	irq=$(zoo_irq "$d")
	lab_result "zoo/$name" found=yes ok="$ok" driver="$drv" \
		irq_mode="${irq% *}" irqs="${irq#* }" "$@"
}

# zoo_absent NAME ID: the guest has no function ID
zoo_absent() {
	lab_result "zoo/$1" found=no ok=0 id="$2"
}

# zoo_disk NAME BLOCKDEV_GLOB DEVDIR: marker written, read back uncached
zoo_disk() {
	local name=$1 blk msg back ok=0
	if ! blk=$(zoo_wait "$2"); then
		echo "L3: zoo $name: no block device $2 after 15s"
		zoo_report "$name" "$3" 0 dev=none
		return
	fi
	blk=/dev/${blk##*/}
	msg="PASSVM-LAB-ZOO-$(echo "$name" | tr '[:lower:]' '[:upper:]') vmm=$vmm token=$token"
	printf '%s\n' "$msg" | dd of="$blk" bs=1M seek=$slot conv=fsync 2>/dev/null
	back=$(dd if="$blk" bs=4k skip=$((slot * 256)) count=1 iflag=direct 2>/dev/null | head -n1)
	[ "$back" = "$msg" ] && ok=1
	[ $ok = 1 ] || echo "L3: zoo $name: read back '$back'"
	zoo_report "$name" "$3" $ok dev="$blk" marker_at="${slot}MiB"
}

# ahci: ich9-ahci (MSI; BAR5 ABAR, an I/O BAR), a SATA disk behind it
if d=$(zoo_find "$AHCI_ID"); then
	zoo_disk ahci "$d/ata*/host*/target*/*/block/sd*" "$d"
else
	zoo_absent ahci "$AHCI_ID"
fi

# virtio-blk, modern only, behind the IOMMU (iommu_platform): MSI-X table
# in BAR1, the virtio structures in a 64-bit prefetchable BAR4
if d=$(zoo_find "$VBLK_ID"); then
	zoo_disk vblk "$d/virtio*/block/vd*" "$d"
else
	zoo_absent vblk "$VBLK_ID"
fi

# xhci: qemu-xhci (MSI-X table inside BAR0) with a USB keyboard: enumeration
# takes control transfers over DMA rings, completed by interrupt
if d=$(zoo_find "$XHCI_ID"); then
	if u=$(zoo_wait "$d/usb*/*-1/idVendor"); then
		zoo_report xhci "$d" 1 usb_device="$(cat "$u"):$(cat "${u%/*}/idProduct")" \
			product="$(lab_word "$(cat "${u%/*}/product" 2>/dev/null)")"
	else
		echo "L3: zoo xhci: no USB device enumerated after 15s"
		zoo_report xhci "$d" 0 usb_device=none
	fi
else
	zoo_absent xhci "$XHCI_ID"
fi

# e1000: legacy PCI NIC, INTx only, an I/O BAR beside BAR0: link up, and
# its link interrupt taken on the INTx line
if d=$(zoo_find "$E1000_ID"); then
	if n=$(zoo_wait "$d/net/*"); then
		n=${n##*/}
		l3_wait_carrier "$n"
		c=$(cat "/sys/class/net/$n/carrier" 2>/dev/null)
		zoo_report e1000 "$d" "$([ "$c" = 1 ] && echo 1 || echo 0)" netdev="$n" \
			mac="$(cat "/sys/class/net/$n/address")" carrier="$c"
	else
		echo "L3: zoo e1000: no netdev after 15s"
		zoo_report e1000 "$d" 0 netdev=none
	fi
else
	zoo_absent e1000 "$E1000_ID"
fi

# ivshmem-plain: no driver; its 64-bit prefetchable BAR2 (GiBs, a GPU-sized
# aperture) is guest RAM-like MMIO: write two words through /dev/mem
if d=$(zoo_find "$IVSHMEM_ID"); then
	# resource line 3 = BAR2: start end flags
	# shellcheck disable=SC2046 # "START END FLAGS"
	set -- $(sed -n 3p "$d/resource")
	start=$(($1)) size=$(($2 - $1 + 1))
	val=$(( ${token%%-*} % 4294967296 + slot - 1 ))
	# (not in the last 32 bytes of a page: busybox devmem compares the
	# offset in the page plus the width in *bits* with the page size and
	# maps the next page too, which may be another device's busy BAR)
	case $vmm in qemu) o1=8 o2=$((size - 128)) ;; *) o1=0 o2=$((size - 64)) ;; esac
	devmem $((start + o1)) 32 "$val"
	devmem $((start + o2)) 32 "$val"
	r1=$(($(devmem $((start + o1)) 32)))
	r2=$(($(devmem $((start + o2)) 32)))
	ok=0
	[ "$r1" = "$val" ] && [ "$r2" = "$val" ] && ok=1
	if [ $ok = 0 ]; then
		# what holds the range (devmem refuses RAM and busy ranges)
		grep -i -E 'ram|pci bus|ivshmem|reserved|0000:00:0' /proc/iomem | sed 's/^/L3: iomem /'
	fi
	zoo_report ivshmem "$d" $ok bar2="$(printf '0x%x' "$start")" size=$size \
		value="$val" o1=$o1 o2=$o2 readback="$r1,$r2"
else
	zoo_absent ivshmem "$IVSHMEM_ID"
fi
