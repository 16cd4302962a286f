# shellcheck shell=dash
# rootfs (L3 side, in the initramfs; /init loaded virtio_pci and
# virtio_blk): mount /dev/vda and switch_root to it; its /sbin/init
# (lib/rootfs-init) does the rest and reports. Returns only on failure.
mkdir -p /newroot
if ! lab_wait_path /dev/vda 150; then
	lab_result rootfs root=missing
	dmesg | grep -i -E 'virtio|vda|pci' | tail -n 20
elif ! mount -t ext4 /dev/vda /newroot; then
	lab_result rootfs root=unmountable
	dmesg | tail -n 20
else
	umount /sys /dev 2>/dev/null
	umount /proc
	exec switch_root /newroot /sbin/init
fi
