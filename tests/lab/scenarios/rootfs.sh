# shellcheck shell=bash
# rootfs (host side): L3 boots Debian's cloud kernel with its root
# filesystem on a passvm virtio-blk disk. The cloud kernel has virtio_pci
# and virtio_blk as modules: the L3 initramfs loads them and switch_roots
# to /dev/vda, an ext4 image made here with `mke2fs -d` from a busybox
# tree (lib/rootfs-init is its /sbin/init). The guest reads a seed file,
# writes /marker and a 4 MiB file and syncs, trims, checks the read-only
# second disk refuses writes, runs 1024+1024 4 KiB O_DIRECT I/Os on a third
# (scratch) disk and remounts / read-only before powering off.
#
# The images live in an ext4 "carrier" disk of L1 (virtio-blk in L1,
# mounted in L2), so passvm opens real raw image *files*; after L1 exits the
# images are taken out of the carrier (debugfs dump) and checked outside
# the lab: /marker with this run's token (debugfs -R 'cat /marker') and
# `e2fsck -fn` clean. Under passvm its --stats must show the scratch disk's
# requests served with no trapped notification and few register accesses
# (ioeventfd + irqfd: no exit per I/O). QEMU (-device virtio-blk-pci) does
# the same side by side.
scen_rootfs_devices() {
	rootfs_build_images >&2
	printf '%s\n' -drive "file=$OUT_DIR/rootfs-carrier.img,if=none,id=rootfs-carrier,format=raw" \
		-device virtio-blk-pci,drive=rootfs-carrier,addr=0d.0
}
# L2 mounts the carrier (the L1 virtio-blk at 00:0d.0)
scen_rootfs_modules() { echo virtio_pci virtio_blk crc32c_generic ext4; }
scen_rootfs_l3_cloud_modules() { echo virtio_pci virtio_blk; }
scen_rootfs_budget() { echo 220; }

ROOTFS_IMAGES="rootfs-passvm rootfs-qemu"
ROOTFS_STEADY_MIN_IOS=2000
ROOTFS_MAX_REG=300 # register accesses of the scratch disk (its setup)

# rootfs_tree DIR: the root filesystem: busybox, /sbin/init, a seed file
rootfs_tree() {
	local d=$1
	busybox_tree "$d"
	rm -f "$d/bin/sh"
	ln -s busybox "$d/bin/sh"
	install -D -m 0755 "$LAB_DIR/lib/rootfs-init" "$d/sbin/init"
	# 256 KiB the guest must read back intact (md5 checked)
	head -c 262144 /dev/urandom >"$d/seed"
	md5sum <"$d/seed" | cut -d' ' -f1 >"$OUT_DIR/rootfs-seed.md5"
}

# rootfs_build_images: the root images, the read-only seed disk, the
# scratch disks, and the carrier holding them all
rootfs_build_images() {
	local c=$OUT_DIR/rootfs-carrier t=$OUT_DIR/rootfs-tree i
	rm -rf "$c" "$t" "$OUT_DIR"/rootfs-*.img
	mkdir -p "$c"
	rootfs_tree "$t"
	for i in $ROOTFS_IMAGES; do
		mke2fs -q -F -t ext4 -L labroot -E root_owner=0:0 -d "$t" "$c/$i.img" 32M >/dev/null
	done
	# the read-only disk: a known 1 MiB pattern
	head -c 1048576 /dev/urandom >"$c/seed.img"
	md5sum <"$c/seed.img" | cut -d' ' -f1 >"$OUT_DIR/rootfs-ro.md5"
	truncate -s 16M "$c/scratch-passvm.img" "$c/scratch-qemu.img"
	mke2fs -q -F -t ext4 -L carrier -E root_owner=0:0 -d "$c" \
		"$OUT_DIR/rootfs-carrier.img" 192M >/dev/null
	rm -rf "$c" "$t"
}

# rootfs_extract NAME: out/NAME.img from the carrier, or nothing
rootfs_extract() {
	rm -f "$OUT_DIR/$1.img"
	debugfs -R "dump /$1.img $OUT_DIR/$1.img" "$OUT_DIR/rootfs-carrier.img" >/dev/null 2>&1 || true
	[ -s "$OUT_DIR/$1.img" ]
}

check_rootfs_run() {
	local logf=$1 sec=$2 label=$3 vmm=$4 text end rc wall why="" line
	local img=rootfs-$vmm marker fsck seed ro
	text=$(section "$logf" "$sec")
	end=$(lines "$text" "LAB: END $sec " | tail -n1)
	rc=$(field "$end" exit)
	wall=$(field "$end" wall_ms)
	line=$(lines "$text" 'L3: ROOTFS-UP' | tail -n1)
	if [ -z "$text" ]; then
		why="no output from this run in L2 (carrier not mounted? L2 died?)"
		text=$(lines "$(tr -d '\r' <"$logf")" 'LAB:|rootfs|EXT4|virtio')
	else
		why=$(vmm_run_why "$text" "$end" "$rc")
	fi
	seed=$(field "$(lines "$text" 'L3: rootfs seed')" md5)
	ro=$(lines "$text" 'L3: rootfs ro-disk' | tail -n1)
	if [ -n "$why" ]; then
		:
	elif [ -z "$line" ]; then
		why="the guest never ran /sbin/init from the virtio-blk root (no L3: ROOTFS-UP)"
	elif [ "$(field "$line" root)" != /dev/vda ]; then
		why="root is $(field "$line" root), want /dev/vda"
	elif [ "$(field "$line" serial)" != lab-rootfs ]; then
		why="vda serial '$(field "$line" serial)', want lab-rootfs (GET_ID)"
	elif [ "$seed" != "$(cat "$OUT_DIR/rootfs-seed.md5")" ]; then
		why="/seed read back with md5 $seed, want $(cat "$OUT_DIR/rootfs-seed.md5")"
	elif [ "$(field "$ro" ro)" != 1 ] || [ "$(field "$ro" write)" != refused ] ||
		[ "$(field "$ro" md5)" != "$(cat "$OUT_DIR/rootfs-ro.md5")" ]; then
		why="the read-only disk: $ro (want ro=1 write=refused md5=$(cat "$OUT_DIR/rootfs-ro.md5"))"
	elif ! grep -q 'L3: ROOTFS-DONE' <<<"$text"; then
		why="no L3: ROOTFS-DONE (the guest's writes or syncs failed?)"
	elif ! rootfs_extract "$img"; then
		why="$img.img is not in the carrier after L1 exited"
	else
		marker=$(debugfs -R 'cat /marker' "$OUT_DIR/$img.img" 2>/dev/null)
		fsck=$(e2fsck -fn "$OUT_DIR/$img.img" 2>&1) || why="e2fsck -fn $img.img is not clean: $(tail -n 3 <<<"$fsck" | tr '\n' ' ')"
		if [ -z "$why" ] && [ "$marker" != "PASSVM-LAB-ROOTFS-OK vmm=$vmm token=$LAB_TOKEN" ]; then
			why="/marker in $img.img reads '$marker', want this run's token"
		fi
	fi
	report_run "$label" "$sec" "$text" "$vmm" "$why" \
		"exit=0 root=/dev/vda serial ok, seed md5 ok, ro disk refused writes, /marker in $img.img (debugfs), e2fsck -fn clean, wall=$(ms_to_s "$wall")s"
}

check_rootfs_steady() {
	local logf=$1 sec=$2 label=$3 vmm=$4 text line ios t data v n tr irq reg why="" detail
	text=$(section "$logf" "$sec")
	line=$(lines "$text" 'L3: ROOTFS-STEADY ' | tail -n1)
	ios=$(field "$line" ios)
	t=$(field "$line" t)
	data=$(field "$line" data)
	if [ -z "$line" ]; then
		result "$label" fail "no L3: ROOTFS-STEADY line (the guest never got to the scratch-disk I/O)" "$text"
		return
	fi
	[ "$data" = ok ] || why="data=$data;"
	[ "${ios:-0}" -gt "$ROOTFS_STEADY_MIN_IOS" ] || why="$why guest did only $ios I/Os;"
	detail="guest I/Os=$ios (4 MiB w+r, 4 KiB O_DIRECT, ${t})"
	if [ "$vmm" = passvm ]; then
		v=$(stat_virtio "$text" scratch)
		if [ -z "$v" ]; then
			result "$label" fail "$detail; no 'virtio-blk scratch' line in passvm's --stats" "$text"
			return
		fi
		read -r n tr irq reg <<<"$v"
		[ "$tr" = 0 ] || why="$why $tr notifications trapped (want 0: ioeventfd);"
		[ "$reg" -lt "$ROOTFS_MAX_REG" ] || why="$why $reg register accesses (want < $ROOTFS_MAX_REG: no exit per I/O);"
		[ "$n" -gt 0 ] && [ "$irq" -gt 0 ] || why="$why notifications=$n interrupts=$irq;"
		detail="$detail vs passvm: notifications served by the I/O thread $n, trapped $tr, interrupts $irq, register accesses $reg (want < $ROOTFS_MAX_REG)"
	fi
	if [ -z "$why" ]; then
		result "$label" ok "$detail"
	else
		why=${why# }
		result "$label" fail "${why%;}; $detail" "$(lines "$text" 'L3: |passvm')"
	fi
}

scen_rootfs_check() {
	local logf=$1
	if lab_want passvm; then
		check_rootfs_run "$logf" rootfs-passvm rootfs/passvm passvm
		check_rootfs_steady "$logf" rootfs-passvm rootfs/passvm-steady passvm
	fi
	if lab_want qemu; then
		check_rootfs_run "$logf" rootfs-qemu rootfs/qemu qemu
		check_rootfs_steady "$logf" rootfs-qemu rootfs/qemu-steady qemu
	fi
	print_run_table
}
