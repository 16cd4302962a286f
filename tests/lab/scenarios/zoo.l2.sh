# shellcheck shell=dash
# zoo (L2 side): five more kinds of PCI function, all passed through to
# one L3 guest at once (five IOMMU groups in one container), under passvm
# and under QEMU. See zoo.sh for what each one exercises.
passvm_opts="" qemu_opts=""
for bdf in "$AHCI_BDF" "$XHCI_BDF" "$VBLK_BDF" "$E1000_BDF" "$IVSHMEM_BDF"; do
	grp=$(lab_bind "$bdf") || exit 1
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
