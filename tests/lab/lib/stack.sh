# shellcheck shell=bash
# Which stack the lab runs on, sourced by lib/common.sh; stack_select is
# called by load_kernels once kernels.env (Debian 12's kernels) is read.
#
#   LAB_QEMU=qemu10   (the default) L1 is trixie's QEMU 10.0
#                     (tests/lab/fetch-qemu10: its own root, loader and
#                     libraries; fetched once into ~/.cache/passvm/
#                     trixie-root). With one L1 vCPU it was the fastest and
#                     wedged least (NOTES.md). Left unset, a QEMU 10 that
#                     cannot be fetched falls back to qemu7, saying so.
#   LAB_QEMU=qemu7    L1 is the host's qemu-system-x86_64 (bookworm: 7.2)
#   L1_QEMU=PATH      L1 is PATH (overrides LAB_QEMU)
#   LAB_L2_KERNEL=bookworm|trixie|passvm-lab
#                     L2's kernel (tests/lab/fetch-l2-kernel): Debian 12's
#                     (fetch-kernels), Debian 13's 6.12, or the lab's own
#                     (tests/lab/build-kernel: IOMMUFD, drivers built in)
# L2's own QEMU (the L3 VMM "qemu") stays the host's QEMU_BIN whatever L1
# is; the full kernel that nic's and zoo's L3 boot stays Debian 12's
# (L3FULL_*, set by lib/common.sh kernels_env), whatever L2 runs.
LAB_QEMU_SET=${LAB_QEMU:+1}
LAB_QEMU=${LAB_QEMU:-qemu10}
LAB_L2_KERNEL=${LAB_L2_KERNEL:-bookworm}

stack_select() {
	local env
	if [ "$LAB_L2_KERNEL" != bookworm ]; then
		env=$("$LAB_DIR/fetch-l2-kernel" "$LAB_L2_KERNEL") ||
			die "no L2 kernel '$LAB_L2_KERNEL' (tests/lab/fetch-l2-kernel)"
		L2_KVER=$(sed -n 's/^L2_KVER=//p' <<<"$env")
		# shellcheck disable=SC2034 # read by lib/common.sh
		L2_ROOT=$(sed -n 's/^L2_ROOT=//p' <<<"$env")
		L2_VMLINUZ=$(sed -n 's/^L2_VMLINUZ=//p' <<<"$env")
		if [ -z "$L2_KVER" ] || [ ! -f "$L2_VMLINUZ" ]; then
			die "fetch-l2-kernel $LAB_L2_KERNEL gave no kernel"
		fi
	fi
	if [ -z "${L1_QEMU:-}" ]; then
		case $LAB_QEMU in
		qemu10)
			if ! L1_QEMU=$("$LAB_DIR/fetch-qemu10"); then
				[ -z "$LAB_QEMU_SET" ] ||
					die "cannot fetch QEMU 10 (tests/lab/fetch-qemu10)"
				log "warning: cannot fetch QEMU 10 (tests/lab/fetch-qemu10): L1 runs on $QEMU_BIN"
				L1_QEMU=$QEMU_BIN
			fi
			;;
		qemu7 | host) L1_QEMU=$QEMU_BIN ;;
		*) die "LAB_QEMU=$LAB_QEMU: qemu7 or qemu10" ;;
		esac
	fi
	log "stack: L1 $("$L1_QEMU" --version | head -n1 | sed 's/ (.*//') ($L1_QEMU), L1_SMP=$L1_SMP, L2 kernel $L2_KVER"
}
