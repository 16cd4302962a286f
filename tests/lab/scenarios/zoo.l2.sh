# shellcheck shell=dash
# zoo (L2 side): nine more kinds of PCI function, all passed through to
# one L3 guest at once (nine IOMMU groups in one container), under passvm
# and under QEMU. See zoo.sh for what each one exercises.

. /lab/pci-rom.sh

# zoo_rom NAME BDF: the display's expansion ROM as L2 reads it from the
# device, before vfio-pci has it: what L3 must read (the VGA's is L1's
# BIOS shadow of it at 0xC0000, as vfio-pci hands it out too)
zoo_rom() {
	# shellcheck disable=SC2046 # "MD5 SIZE SIG"
	set -- "$1" $(lab_rom_read "/sys/bus/pci/devices/$2")
	lab_result "zoo/$1-l2" rom_md5="$2" rom_size="$3" rom_sig="$4"
}
zoo_rom bochs "$BOCHS_BDF"
zoo_rom vga "$VGA_BDF"

passvm_opts="" qemu_opts=""
for bdf in "$AHCI_BDF" "$XHCI_BDF" "$VBLK_BDF" "$E1000_BDF" "$IVSHMEM_BDF" \
	"$BOCHS_BDF" "$VGA_BDF" "$HDA_BDF" "$VSER_BDF"; do
	# L1's only VGA is L2's boot VGA (boot_vga=1), which passvm bind
	# refuses without --force; L2's console is the serial line
	force=""
	[ "$bdf" != "$VGA_BDF" ] || force=--force
	grp=$(lab_bind "$bdf" $force) || exit 1
	d=/sys/bus/pci/devices/$bdf
	echo "LAB: zoo $bdf id=$(cut -c3- "$d/vendor"):$(cut -c3- "$d/device") group=$grp"
	passvm_opts="$passvm_opts --vfio $bdf"
	qemu_opts="$qemu_opts -device vfio-pci,host=$bdf"
done
# shellcheck disable=SC2034 # read by lab_passvm/lab_qemu (l2-lib.sh)
L3_KERNEL=/lab/vmlinuz-l3-full
# shellcheck disable=SC2086 # lists of options
lab_want passvm && lab_passvm zoo-passvm $passvm_opts
# shellcheck disable=SC2086
lab_want qemu && lab_qemu zoo-qemu $qemu_opts
