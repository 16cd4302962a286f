# shellcheck shell=dash disable=SC2154 # lab, LAB_VMM, LAB_TOKEN: from /init
# zoo (L3 side; Debian's full kernel, the drivers from its initramfs): one
# check per passed-through device, each driven by its own unmodified Linux
# driver, one line each:
#   L3: ZOO NAME ok=1|0 driver=D irq_mode=msix|msi|intx irqs=N DETAIL
# Disk markers go at 1 MiB (passvm) or 2 MiB (qemu); the ivshmem words at
# BAR offset 0 and size-64 (passvm) or 8 and size-128 (qemu). run-lab finds
# them in the backing files outside the lab.
vmm=$LAB_VMM token=$LAB_TOKEN
case $vmm in qemu) slot=2 ;; *) slot=1 ;; esac

# zoo_find VENDOR DEVICE: the sysfs directory of that PCI function
zoo_find() {
	local d
	for d in /sys/bus/pci/devices/*; do
		if [ "$(cat "$d/vendor")" = "0x$1" ] && [ "$(cat "$d/device")" = "0x$2" ]; then
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

# zoo_report NAME DEVDIR OK DETAIL
zoo_report() {
	local drv=none
	[ -e "$2/driver" ] && drv=$(basename "$(readlink "$2/driver")")
	# shellcheck disable=SC2046 # "MODE TOTAL"
	set -- "$1" "$2" "$3" "$4" $(zoo_irq "$2")
	echo "L3: ZOO $1 ok=$3 driver=$drv irq_mode=$5 irqs=$6 $4"
}

# zoo_disk NAME BLOCKDEV_GLOB DEVDIR: marker written, read back uncached
zoo_disk() {
	local name=$1 blk msg back ok=0
	if ! blk=$(zoo_wait "$2"); then
		zoo_report "$name" "$3" 0 "no block device $2 after 15s"
		return
	fi
	blk=/dev/${blk##*/}
	msg="PASSVM-LAB-ZOO-$name vmm=$vmm token=$token"
	printf '%s\n' "$msg" | dd of="$blk" bs=1M seek=$slot conv=fsync 2>/dev/null
	back=$(dd if="$blk" bs=4k skip=$((slot * 256)) count=1 iflag=direct 2>/dev/null | head -n1)
	[ "$back" = "$msg" ] && ok=1
	zoo_report "$name" "$3" $ok "dev=$blk marker_at=${slot}MiB readback=$([ $ok = 1 ] && echo ok || echo "'$back'")"
}

# ahci: ich9-ahci (MSI; BAR5 ABAR, an I/O BAR), a SATA disk behind it
if d=$(zoo_find 8086 2922); then
	zoo_disk AHCI "$d/ata*/host*/target*/*/block/sd*" "$d"
else
	echo "L3: ZOO AHCI ok=0 no ich9-ahci (8086:2922) in the guest"
fi

# virtio-blk, modern only, behind the IOMMU (iommu_platform): MSI-X table
# in BAR1, the virtio structures in a 64-bit prefetchable BAR4
if d=$(zoo_find 1af4 1042); then
	zoo_disk VBLK "$d/virtio*/block/vd*" "$d"
else
	echo "L3: ZOO VBLK ok=0 no virtio-blk (1af4:1042) in the guest"
fi

# xhci: qemu-xhci (MSI-X table inside BAR0) with a USB keyboard: enumeration
# takes control transfers over DMA rings, completed by interrupt
if d=$(zoo_find 1b36 000d); then
	if u=$(zoo_wait "$d/usb*/*-1/idVendor"); then
		zoo_report XHCI "$d" 1 "usb device $(cat "$u"):$(cat "${u%/*}/idProduct") $(tr ' ' _ <"${u%/*}/product" 2>/dev/null)"
	else
		zoo_report XHCI "$d" 0 "no USB device enumerated after 15s"
	fi
else
	echo "L3: ZOO XHCI ok=0 no qemu-xhci (1b36:000d) in the guest"
fi

# e1000: legacy PCI NIC, INTx only, an I/O BAR beside BAR0: link up, and
# its link interrupt taken on the INTx line
if d=$(zoo_find 8086 100e); then
	if n=$(zoo_wait "$d/net/*"); then
		n=${n##*/}
		l3_wait_carrier "$n"
		c=$(cat "/sys/class/net/$n/carrier" 2>/dev/null)
		zoo_report E1000 "$d" "$([ "$c" = 1 ] && echo 1 || echo 0)" "netdev=$n mac=$(cat "/sys/class/net/$n/address") carrier=$c"
	else
		zoo_report E1000 "$d" 0 "no netdev after 15s"
	fi
else
	echo "L3: ZOO E1000 ok=0 no e1000 (8086:100e) in the guest"
fi

# ivshmem-plain: no driver; its 64-bit prefetchable BAR2 (GiBs, a GPU-sized
# aperture) is guest RAM-like MMIO: write two words through /dev/mem
if d=$(zoo_find 1af4 1110); then
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
	zoo_report IVSHMEM "$d" $ok "bar2=$(printf '0x%x' "$start") size=$size value=$val at=$o1,$o2 readback=$r1,$r2"
else
	echo "L3: ZOO IVSHMEM ok=0 no ivshmem-plain (1af4:1110) in the guest"
fi
