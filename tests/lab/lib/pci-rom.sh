# shellcheck shell=dash
# lab_rom_read DEVDIR: "MD5 SIZE SIG" of the PCI function's expansion ROM,
# read once through sysfs DEVDIR/rom (the PCI core's pci_map_rom: the ROM
# BAR enabled, the image(s) read, the BAR disabled again). SIG: its first
# two bytes in hex (55aa for a valid image, PCI Firmware 3.0 §5.1);
# MD5=unreadable when the read fails (no image found: EIO), MD5=none and
# SIZE=0 when the function has no ROM. One copy for both levels: L2 reads
# the device's own, L3 what its VMM shows of it (lib/common.sh installs
# this as /lab/pci-rom.sh in both images).
lab_rom_read() {
	local rom=$1/rom md5=none size=0 sig=none
	if [ -e "$rom" ] && echo 1 >"$rom"; then
		if cat "$rom" >/tmp/lab-rom 2>/dev/null; then
			md5=$(md5sum </tmp/lab-rom | cut -d' ' -f1)
			size=$(wc -c </tmp/lab-rom)
			sig=$(od -A n -t x1 -N 2 /tmp/lab-rom | tr -d ' ')
		else
			md5=unreadable
		fi
		echo 0 >"$rom"
		rm -f /tmp/lab-rom
	fi
	echo "$md5 $size ${sig:-none}"
}
