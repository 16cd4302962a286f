# shellcheck shell=dash
# The arm64 lab's L2 side (sourced by l2-lib.sh when LAB_ARCH=arm64):
# Debian's arm64 QEMU at /usr/bin (with its libraries in the image), and
# the L3 boot under QEMU on its virt machine, whose console is the PL011
# (ttyAMA0) where passvm's is an ns16550a (ttyS0).
QEMU=/usr/bin/qemu-system-aarch64

# lab_qemu RUN [qemu options...]: the L3 boot under QEMU/KVM.
lab_qemu() {
	local name=$1
	shift
	lab_run "$name" qemu "$QEMU" -enable-kvm \
		-machine virt,gic-version=3 -cpu host -smp 2 -m "$L3_MEM_MIB" \
		-kernel "$L3_KERNEL" -initrd "$L3_INITRD" \
		-append "$(echo "$L3_CMDLINE" | sed 's/console=ttyS0/console=ttyAMA0/') $(lab_l3_args qemu)" \
		-nographic -nodefaults -no-reboot -serial stdio "$@"
}
