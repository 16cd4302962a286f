# shellcheck shell=bash
# The arm64 nested lab (run-lab --arch arm64), sourced by run-lab after
# lib/common.sh: what differs from the x86 lab, as overrides of its
# helpers. The scenarios and their checks are the same.
#
#   L1  qemu-system-aarch64 -accel tcg on this machine: -machine
#       virt,virtualization=on (EL2 emulated, so L2 runs KVM with VHE),
#       gic-version=3 (with its ITS), iommu=smmuv3; -cpu max, one vCPU
#   L2  Debian's arm64 kernel (KVM and the SMMUv3 built in; vfio* and the
#       scenarios' drivers as modules), busybox /init, passvm-arm64 and
#       Debian's arm64 QEMU with its libraries
#   L3  Debian's arm64 cloud kernel (NVMe built in; its full kernel for
#       nic) under passvm (console ttyS0: passvm's ns16550a) and under
#       QEMU -M virt -enable-kvm (console ttyAMA0: QEMU's PL011)
#
# Everything arm64 comes from Debian's arm64 packages (tests/lab/fetch-arm64).

QEMU_BIN=${QEMU_BIN_ARM64:-$(command -v qemu-system-aarch64 || echo /usr/bin/qemu-system-aarch64)}
PASSVM_BIN=${PASSVM_BIN_ARM64:-$REPO_DIR/build/passvm-arm64}
L1_MACHINE=(-cpu max -machine virt,virtualization=on,gic-version=3,iommu=smmuv3)
L2_CMDLINE=${L2_CMDLINE_ARM64:-"console=ttyAMA0 panic=-1 softlockup_panic=1 quiet loglevel=3"}
L2_CMDLINE="$L2_CMDLINE ${L2_CMDLINE_EXTRA:-}"
# KVM and irqbypass are built into Debian's arm64 kernel
L2_BASE_MODULES="vfio vfio_iommu_type1 vfio_virqfd? vfio-pci-core vfio-pci"
# the L2 QEMU's path (copy_dynamic below puts it there)
L2_QEMU=/usr/bin/qemu-system-aarch64

# load_kernels: the arm64 trees (lib/common.sh kernels_env, from
# fetch-arm64's cache), Debian's static arm64 busybox and QEMU; L1 is the
# host's qemu-system-aarch64; nic's L3 boots the full kernel, L2's.
load_kernels() {
	local c=$CACHE_DIR/arm64
	LAB_CACHE=$CACHE_DIR "$LAB_DIR/fetch-arm64"
	kernels_env "$c"
	BUSYBOX=$c/$BUSYBOX_TREE/bin/busybox
	QEMU_ROOT=$c/$QEMU_TREE
	L1_QEMU=${L1_QEMU:-$QEMU_BIN}
	log "stack: L1 $("$L1_QEMU" --version | head -n1 | sed 's/ (.*//') ($L1_QEMU), arm64, L2 kernel $L2_KVER"
}

# busybox_tree DIR: a skeleton root with Debian's static arm64 busybox.
busybox_tree() {
	local d=$1
	mkdir -p "$d"/{bin,sbin,dev,proc,sys,tmp,run,etc,lab,mnt}
	install -m 0755 "$BUSYBOX" "$d/bin/busybox"
	ln -sf busybox "$d/bin/sh"
}

# The SMMUv3 is a machine option (run_l1), not a device.
l1_dev_iommu() { :; }

# elf_needed ROOT FILE: the libraries FILE needs (DT_NEEDED), as paths
# under ROOT, recursively, and its program interpreter.
elf_needed() {
	local root=$1 f=$2 lib p
	local -A seen=()
	local -a todo=("$f")
	while [ ${#todo[@]} -gt 0 ]; do
		f=${todo[0]}
		todo=("${todo[@]:1}")
		for lib in $(readelf -d "$f" 2>/dev/null |
			sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			[ -z "${seen[$lib]:-}" ] || continue
			seen[$lib]=1
			for p in lib/aarch64-linux-gnu usr/lib/aarch64-linux-gnu; do
				if [ -e "$root/$p/$lib" ]; then
					echo "$p/$lib"
					todo+=("$root/$p/$lib")
					break
				fi
			done
		done
	done
	echo lib/ld-linux-aarch64.so.1
	echo lib/aarch64-linux-gnu/ld-linux-aarch64.so.1
}

# copy_dynamic DEST BIN: for the L2 QEMU, Debian's arm64 one from
# $QEMU_ROOT with its libraries (at their paths, so its interpreter finds
# them); host binaries (scen_NAME_l2_bins) cannot run in an arm64 L2.
copy_dynamic() {
	local dest=$1 bin=$2 rel
	if [ "$bin" != "$QEMU_BIN" ]; then
		die "arm64 lab: $bin is an x86 binary, it cannot run in the arm64 L2"
	fi
	install -D -m 0755 "$QEMU_ROOT/usr/bin/qemu-system-aarch64" "$dest$L2_QEMU"
	while read -r rel; do
		mkdir -p "$dest/$(dirname "$rel")"
		cp -a "$QEMU_ROOT/$rel" "$dest/$rel"
		[ ! -L "$QEMU_ROOT/$rel" ] || cp -a "$(readlink -f "$QEMU_ROOT/$rel")" "$dest/$(dirname "$rel")/" 2>/dev/null || true
	done < <(elf_needed "$QEMU_ROOT" "$QEMU_ROOT/usr/bin/qemu-system-aarch64")
	# the virt machine's option ROMs (virtio/e1000e PXE): none needed
	mkdir -p "$dest/usr/share/qemu"
}
