# shellcheck shell=dash disable=SC2154 # lab, LAB_VMM, LAB_TOKEN: from /init
# zoo (L3 side; Debian's full kernel, the drivers from its initramfs): one
# check per passed-through device, each driven by its own unmodified Linux
# driver, one line each (NAME: ahci, vblk, xhci, e1000, ivshmem, bochs, vga,
# hda, vser):
#   LAB: RESULT zoo/NAME vmm=VMM found=yes ok=1|0 driver=D
#     irq_mode=msix|msi|intx irqs=N DETAIL...
# or found=no when the guest has no such function. Disk markers go at 1 MiB
# (passvm) or 2 MiB (qemu); the ivshmem words (value=) at BAR offsets o1=
# and o2= (0 and size-64 under passvm, 8 and size-128 under qemu). run-lab
# finds them in the backing files outside the lab.
vmm=$LAB_VMM token=$LAB_TOKEN
case $vmm in qemu) slot=2 ;; *) slot=1 ;; esac

# zoo_find VENDOR:DEVICE [CLASS]: the sysfs directory of that PCI function
# (of that class, 0x030000 say, when given)
zoo_find() {
	local d
	for d in /sys/bus/pci/devices/*; do
		if [ "$(cat "$d/vendor")" = "0x${1%:*}" ] && [ "$(cat "$d/device")" = "0x${1#*:}" ] &&
			{ [ -z "${2:-}" ] || [ "$(cat "$d/class")" = "$2" ]; }; then
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

# the expansion ROM through sysfs: lab_rom_read DEVDIR (passvm shows a
# copy it read from the VFIO ROM region once)
. /lab/pci-rom.sh

# zoo_display NAME ID CLASS: a display controller with an expansion ROM
# (its VGA BIOS), driven by bochs-drm, which reads the ID and the EDID from
# its register BAR2
zoo_display() {
	local d md5 size sig edid_ok=0 emd5=none e ok=0 t0 rom_s
	if ! d=$(zoo_find "$2" "$3"); then
		zoo_absent "$1" "$2"
		return
	fi
	t0=$(cut -d' ' -f1 /proc/uptime)
	# shellcheck disable=SC2046 # "MD5 SIZE SIG"
	set -- "$1" $(lab_rom_read "$d")
	md5=$2 size=$3 sig=$4
	rom_s=$(awk -v a="$t0" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN {printf "%.2f", b - a}')
	# the EDID block starts 00 ff ff ff ff ff ff 00 (VESA E-EDID 1.4)
	if e=$(zoo_wait "$d/drm/card*/card*-*/edid"); then
		emd5=$(md5sum <"$e" | cut -d' ' -f1)
		[ "$(od -A n -t x1 -N 8 "$e" | tr -d ' ')" = 00ffffffffffff00 ] && edid_ok=1
	fi
	[ "$sig" = 55aa ] && [ $edid_ok = 1 ] && ok=1
	zoo_report "$1" "$d" $ok rom_md5="$md5" rom_size="$size" rom_sig="$sig" rom_s="$rom_s" \
		edid_ok=$edid_ok edid_md5="$emd5" \
		boot_vga="$(cat "$d/boot_vga" 2>/dev/null || echo none)"
}
# bochs-display (class 0x0380): its ROM through the ROM BAR everywhere
zoo_display bochs "$BOCHS_ID" "$BOCHS_CLASS"
# std VGA (class 0x0300): Linux reads the ROM of the VGA function that
# decodes at boot from the BIOS's shadow at 0xC0000, else from its ROM BAR
zoo_display vga "$VGA_ID" "$VGA_CLASS"

# ich9-intel-hda: MSI only; the codec answers verbs through the CORB/RIRB
# rings (DMA), the controller signals each answer by MSI
if d=$(zoo_find "$HDA_ID"); then
	if v=$(zoo_wait "/sys/bus/hdaudio/devices/hdaudioC*D*/vendor_id"); then
		codec=$(cat "$v")
		zoo_report hda "$d" "$(case $codec in 0x1af4*) echo 1 ;; *) echo 0 ;; esac)" \
			codec="$codec" codec_dev="${v%/*}"
	else
		echo "L3: zoo hda: no codec after 15s"
		zoo_report hda "$d" 0 codec=none
	fi
else
	zoo_absent hda "$HDA_ID"
fi

# zoo_caps DEVDIR: L3's view of the capability chains in its config space
# (PCI 3.0 §6.7, PCIe Base 4.0 §7.6): std=IDS ext=IDS (hex, chain order),
# chain_ok=1 when both end without a loop, a pointer into the header or
# past the space; exp=yes and the PCIe capability's type, LNKCAP, LNKSTA;
# link_ok=1 when they agree (an RC integrated endpoint, type 9, has no
# link: both zero; an endpoint, type 0, a trained link: speed and width)
zoo_caps() {
	od -A n -t u1 -v "$1/config" | awk '
	function w16(o) { return b[o] + 256 * b[o + 1] }
	function w32(o) { return w16(o) + 65536 * w16(o + 2) }
	{ for (i = 1; i <= NF; i++) b[n++] = $i }
	END {
		ok = 1; std = ""; ext = ""; ecap = 0; k = 0
		p = and(b[6], 16) ? and(b[52], 252) : 0
		while (p) {
			if (p < 64 || p > 252 || (p in seen) || ++k > 48) { ok = 0; break }
			seen[p] = 1
			std = std (std == "" ? "" : ",") sprintf("%02x", b[p])
			if (b[p] == 16 && !ecap) ecap = p
			p = and(b[p + 1], 252)
		}
		p = 256; k = 0
		while (n >= 4096 && p) {
			h = w32(p)
			if (h == 0 && p == 256) break
			if (p < 256 || p > 4092 || and(p, 3) || (p in seen) || ++k > 64) { ok = 0; break }
			seen[p] = 1
			ext = ext (ext == "" ? "" : ",") sprintf("%04x", and(h, 65535))
			p = rshift(h, 20)
		}
		t = -1; lc = -1; ls = -1; lok = 0
		if (ecap) {
			t = rshift(and(w16(ecap + 2), 240), 4)
			lc = w32(ecap + 12); ls = w16(ecap + 18)
			if (t == 9) lok = lc == 0 && ls == 0
			else if (t == 0) lok = and(ls, 15) && and(rshift(ls, 4), 63)
		}
		printf "std=%s ext=%s chain_ok=%d exp=%s exp_type=%d lnkcap=0x%x lnksta=0x%x link_ok=%d\n",
			std == "" ? "none" : std, ext == "" ? "none" : ext, ok,
			ecap ? "yes" : "no", t, lc, ls, lok
	}'
}

# virtio-serial behind a PCIe root port: a PCIe endpoint (link registers,
# AER and ATS extended capabilities) with 65 MSI-X vectors, one per queue
# of its 31 ports and one for config changes
if d=$(zoo_find "$VSER_ID"); then
	port=none ok=0
	if zoo_wait "/sys/class/virtio-ports/vport*/name" >/dev/null; then
		for n in /sys/class/virtio-ports/vport*/name; do
			[ "$(cat "$n")" = lab.zoo ] && port=${n%/name} && port=${port##*/}
		done
	fi
	if [ "$port" != none ] && [ -c "/dev/$port" ]; then
		printf '%s\n' "PASSVM-LAB-ZOO-VSER vmm=$vmm token=$token" >"/dev/$port" && ok=1
	else
		echo "L3: zoo vser: no port lab.zoo after 15s"
	fi
	nv=0
	for v in "$d"/msi_irqs/*; do
		[ -e "$v" ] && nv=$((nv + 1))
	done
	# shellcheck disable=SC2046 # KEY=VALUE words
	zoo_report vser "$d" $ok port="$port" vectors=$nv $(zoo_caps "$d")
else
	zoo_absent vser "$VSER_ID"
fi
