# shellcheck shell=bash
# rootfs (host side): L3 boots Debian's cloud kernel with its root
# filesystem on a virtio-blk disk. The cloud kernel has virtio_pci and
# virtio_blk as modules: the L3 initramfs loads them and switch_roots to
# /dev/vda, an ext4 image made here with `mke2fs -d` from a busybox tree
# (lib/rootfs-init is its /sbin/init). The guest reads a seed file back,
# writes /marker and a 4 MiB file and syncs, trims, checks that the
# read-only second disk refuses writes, runs 1024+1024 4 KiB O_DIRECT
# I/Os on a third (scratch) disk and remounts / read-only before powering
# off (RESULT rootfs and rootfs/steady, from lib/rootfs-init).
#
# The images travel in an ext4 "carrier" disk of L1 (virtio-blk at
# CARRIER_BDF, mounted in L2), so the VMMs open real raw image *files*;
# after L1 exits each root image is taken out of the carrier (debugfs
# dump) and checked outside the lab (note rootfs: image_marker, the
# /marker with this run's token; fsck, `e2fsck -fn`). rootfs/VMM-steady:
# the guest's I/O figures, and under passvm its --stats for the scratch
# disk (rootfs/virtio id=scratch, lib/l2-lib.sh): requests served with no
# trapped notification and few register accesses (ioeventfd + irqfd: no
# exit per I/O). QEMU (-device virtio-blk-pci) does the same side by side.
scen_rootfs_devices() {
	rootfs_build_images >&2
	printf '%s\n' -drive "file=$OUT_DIR/rootfs-carrier.img,if=none,id=rootfs-carrier,format=raw" \
		-device "virtio-blk-pci,drive=rootfs-carrier,addr=$(lab_slot "$CARRIER_BDF")"
}
# L2 mounts the carrier
scen_rootfs_modules() { echo virtio_pci virtio_blk crc32c_generic ext4; }
scen_rootfs_l3_cloud_modules() { echo virtio_pci virtio_blk; }
scen_rootfs_budget() { echo 220; }

ROOTFS_STEADY_MIN_IOS=2000
ROOTFS_MAX_REG=300 # register accesses of the scratch disk (its setup)

# rootfs_tree DIR: the root filesystem: busybox, /sbin/init, a seed file
rootfs_tree() {
	local d=$1
	busybox_tree "$d"
	install -D -m 0755 "$LAB_DIR/lib/rootfs-init" "$d/sbin/init"
	# 256 KiB the guest must read back intact (md5 checked)
	head -c 262144 /dev/urandom >"$d/seed"
	md5sum <"$d/seed" | cut -d' ' -f1 >"$OUT_DIR/rootfs-seed.md5"
}

# rootfs_build_images: a root image per VMM, the read-only seed disk, a
# scratch disk per VMM, and the carrier holding them all
rootfs_build_images() {
	local c=$OUT_DIR/rootfs-carrier t=$OUT_DIR/rootfs-tree vmm
	rm -rf "$c" "$t" "$OUT_DIR"/rootfs-*.img
	mkdir -p "$c"
	rootfs_tree "$t"
	for vmm in passvm qemu; do
		mke2fs -q -F -t ext4 -L labroot -E root_owner=0:0 -d "$t" "$c/rootfs-$vmm.img" 32M >/dev/null
		truncate -s 16M "$c/scratch-$vmm.img"
	done
	# the read-only disk: a known 1 MiB pattern
	head -c 1048576 /dev/urandom >"$c/seed.img"
	md5sum <"$c/seed.img" | cut -d' ' -f1 >"$OUT_DIR/rootfs-ro.md5"
	mke2fs -q -F -t ext4 -L carrier -E root_owner=0:0 -d "$c" \
		"$OUT_DIR/rootfs-carrier.img" 192M >/dev/null
	rm -rf "$c" "$t"
}

# rootfs_image_note VMM: out/rootfs-VMM.img from the carrier, its /marker
# and e2fsck verdict as a note on the VMM's rootfs record
rootfs_image_note() {
	local vmm=$1 img=$OUT_DIR/rootfs-$1.img marker=missing fsck=missing
	rm -f "$img"
	debugfs -R "dump /rootfs-$vmm.img $img" "$OUT_DIR/rootfs-carrier.img" >/dev/null 2>&1 || true
	if [ -s "$img" ]; then
		[ "$(debugfs -R 'cat /marker' "$img" 2>/dev/null)" = "PASSVM-LAB-ROOTFS-OK vmm=$vmm token=$LAB_TOKEN" ] &&
			marker=found
		if e2fsck -fn "$img" >"$OUT_DIR/rootfs-$vmm.fsck" 2>&1; then
			fsck=clean
		else
			fsck=dirty
		fi
	fi
	note rootfs vmm="$vmm" image_marker=$marker fsck=$fsck
}

scen_rootfs_check() {
	local vmm seed ro
	seed=$(cat "$OUT_DIR/rootfs-seed.md5" 2>/dev/null)
	ro=$(cat "$OUT_DIR/rootfs-ro.md5" 2>/dev/null)
	for vmm in passvm qemu; do
		lab_want "$vmm" || continue
		rootfs_image_note "$vmm"
		# shellcheck disable=SC2046 # stats_cond: a condition or none
		expect_run "rootfs/$vmm" rootfs vmm="$vmm" exit==0 root==/dev/vda \
			serial==lab-rootfs seed_md5=="${seed:-none}" ro==1 \
			ro_write==refused ro_md5=="${ro:-none}" write==ok \
			big_md5==match remount_ro==ok image_marker==found fsck==clean \
			$(stats_cond "$vmm")
		if [ "$vmm" = passvm ]; then
			expect "rootfs/$vmm-steady" rootfs/steady vmm=passvm + \
				rootfs/virtio vmm=passvm id=scratch \
				"ios>$ROOTFS_STEADY_MIN_IOS" data==ok 'iops>0' \
				trapped==0 "register_accesses<$ROOTFS_MAX_REG" \
				'notifications>0' 'interrupts>0'
		else
			expect "rootfs/$vmm-steady" rootfs/steady vmm="$vmm" \
				"ios>$ROOTFS_STEADY_MIN_IOS" data==ok 'iops>0'
		fi
	done
	print_run_table
}
