# shellcheck shell=dash
# rootfs (L2 side): mount the carrier (L1's virtio-blk at CARRIER_BDF, ext4
# with the images in it), boot L3 with its root on a virtio-blk image file
# under passvm, then under QEMU, and unmount (flushing the images to L1's
# disk, where run-lab reads them after L1 exits).
C=/mnt/carrier
dev=/dev/$(ls "/sys/bus/pci/devices/$CARRIER_BDF"/virtio*/block 2>/dev/null | head -n1)
mkdir -p "$C"
if ! mount -t ext4 "$dev" "$C"; then
	echo "LAB: rootfs: cannot mount the carrier $dev"
	lab_result rootfs/carrier mounted=no dev="$dev"
	exit 1
fi
echo "LAB: rootfs carrier $dev: $(ls "$C" | tr '\n' ' ')"
lab_want passvm && lab_passvm rootfs-passvm \
	--disk "$C/rootfs-passvm.img,serial=lab-rootfs,id=rootfs" \
	--disk "$C/seed.img,ro,id=seed" \
	--disk "$C/scratch-passvm.img,id=scratch"
lab_want qemu && lab_qemu rootfs-qemu \
	-drive "file=$C/rootfs-qemu.img,if=none,id=d0,format=raw" \
	-device virtio-blk-pci,drive=d0,serial=lab-rootfs,addr=03.0 \
	-drive "file=$C/seed.img,if=none,id=d1,format=raw,readonly=on" \
	-device virtio-blk-pci,drive=d1,addr=04.0 \
	-drive "file=$C/scratch-qemu.img,if=none,id=d2,format=raw" \
	-device virtio-blk-pci,drive=d2,addr=05.0
sync
umount "$C" || echo "LAB: rootfs: umount $C failed"
