# shellcheck shell=dash
# rootfs (L3 side, in the initramfs; /init loaded virtio_pci and
# virtio_blk): mount /dev/vda and switch_root to it; its /sbin/init
# (lib/rootfs-init) does the rest. Returns only on failure.
i=0
while [ ! -b /dev/vda ] && [ $i -lt 150 ]; do
	sleep 0.1
	i=$((i + 1))
done
mkdir -p /newroot
if [ ! -b /dev/vda ]; then
	echo "L3: ROOTFS-FAIL no /dev/vda after 15s"
	dmesg | grep -i -E 'virtio|vda|pci' | tail -n 20
elif ! mount -t ext4 /dev/vda /newroot; then
	echo "L3: ROOTFS-FAIL cannot mount /dev/vda"
	dmesg | tail -n 20
else
	umount /sys /dev 2>/dev/null
	umount /proc
	exec switch_root /newroot /sbin/init
fi
