# shellcheck shell=bash
# Host-side helpers of the nested lab, sourced by run-lab (and by
# fetch-kernels, for the cache's place).
#
#   L1  qemu-system-x86_64 -accel tcg on this machine, emulating SVM and an
#       Intel IOMMU; runs the Debian full kernel (L2) from an initramfs.
#   L2  busybox /init: loads kvm-amd and vfio, runs each scenario's L2
#       script, which binds devices with `passvm bind` and starts a VMM
#       (passvm or QEMU).
#   L3  the Debian cloud kernel with a tiny busybox initramfs: reports what
#       the guest sees and powers off.
#
# Every line the lab itself prints starts with "LAB:" (L2) or "L3:" (guest);
# the measurements are "LAB: RESULT" lines, from L2 and L3 alike (see
# "results" below and tests/lab/README.md). run-lab reads them back from the
# L1 serial log.

LAB_DIR=${LAB_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
REPO_DIR=${REPO_DIR:-$(cd "$LAB_DIR/../.." && pwd)}
OUT_DIR=${LAB_OUT:-$LAB_DIR/out}
PASSVM_BIN=${PASSVM_BIN:-$REPO_DIR/build/passvm}
QEMU_BIN=${QEMU_BIN:-$(command -v qemu-system-x86_64 || echo /usr/bin/qemu-system-x86_64)}
# shellcheck source-path=SCRIPTDIR source=devices.sh
. "$LAB_DIR/lib/devices.sh"

# The kernel and package cache lives outside the checkout, so that a fresh
# clone (CI) on a machine that ran the lab before reuses it; a fresh machine
# fills it once (fetch-kernels). LAB_CACHE overrides.
CACHE_DIR=${LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/passvm/lab}

# L1's QEMU and L2's kernel: LAB_QEMU, L1_QEMU, LAB_L2_KERNEL (lib/stack.sh)
# shellcheck source=lib/stack.sh
. "$LAB_DIR/lib/stack.sh"

# L1 sizing: one vCPU, for QEMU 7.2 and QEMU 10 (L1's default, lib/stack.sh)
# alike: with two, L1 livelocked or lost wakeups now and then as an L3 guest
# started; with one the lab is faster on two host cores and wedges less
# (tests/lab/NOTES.md has the history and the numbers). L3 still gets two
# vCPUs, run in turn.
L1_MEM=${L1_MEM:-2048}
# L1's CPU and machine (the arm64 lab has its own: lib/arm64.sh).
L1_MACHINE=(-cpu max -machine q35,kernel-irqchip=split)
# L2's modules before the scenarios': KVM on SVM, VFIO.
L2_BASE_MODULES="ccp? irqbypass kvm kvm-amd vfio vfio_iommu_type1 vfio_virqfd? vfio-pci-core vfio-pci"
L1_SMP=${L1_SMP:-1}

# L2 kernel command line. softlockup_panic turns a wedged L2 (a VMM stuck
# in the kernel) into a panic, and panic=-1 with -no-reboot into a quick L1
# exit instead of a wait for the L1 timeout.
L2_CMDLINE=${L2_CMDLINE:-"console=ttyS0 intel_iommu=on iommu=pt panic=-1 softlockup_panic=1 quiet loglevel=3"}
L2_CMDLINE="$L2_CMDLINE ${L2_CMDLINE_EXTRA:-}"

# L3 guest command line (the same for every VMM; lab=SCENARIO picks the
# guest-side work in the L3 /init).
L3_CMDLINE_BASE="console=ttyS0 panic=-1 quiet"

log() { printf 'run-lab: %s\n' "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}

# --- kernels ---------------------------------------------------------------

# lab_cache_adopt: the cache used to live in the checkout, tests/lab/cache (a
# directory, or a symlink to one). When CACHE_DIR does not exist yet and that
# one does, take it over rather than download again: a directory moves to
# CACHE_DIR; for a symlink, CACHE_DIR becomes a symlink to the same target.
lab_cache_adopt() {
	local old=$LAB_DIR/cache
	[ ! -e "$CACHE_DIR" ] && [ ! -L "$CACHE_DIR" ] || return 0
	[ -d "$old" ] || return 0
	mkdir -p "$(dirname "$CACHE_DIR")"
	if [ -L "$old" ]; then
		log "cache: $CACHE_DIR -> $(readlink -f "$old") (the cache $old pointed to)"
		ln -s "$(readlink -f "$old")" "$CACHE_DIR"
	else
		log "cache: moving $old to $CACHE_DIR"
		mv "$old" "$CACHE_DIR"
	fi
}

# kernels_env DIR: read DIR/kernels.env (tests/lab/fetch-kernels' or, for
# the arm64 lab, fetch-arm64's; it names the trees relative to DIR, so the
# cache can move): sets L2_KVER, L2_ROOT, L2_VMLINUZ, L3_KVER, L3_ROOT,
# L3_VMLINUZ (absolute) and L3FULL_* (the full kernel nic's and zoo's L3
# boot: L2's, whatever L2 later runs), plus what else it names (arm64:
# BUSYBOX_TREE, QEMU_TREE).
kernels_env() {
	# shellcheck source=/dev/null
	. "$1/kernels.env"
	L2_ROOT=$1/$L2_TREE
	L3_ROOT=$1/$L3_TREE
	L2_VMLINUZ=$L2_ROOT/boot/vmlinuz-$L2_KVER
	L3_VMLINUZ=$L3_ROOT/boot/vmlinuz-$L3_KVER
	# shellcheck disable=SC2034 # read by build_l3_initramfs
	L3FULL_KVER=$L2_KVER L3FULL_ROOT=$L2_ROOT L3FULL_VMLINUZ=$L2_VMLINUZ
	# LAB_L3_VMLINUZ: boot another guest kernel in L3 (e.g. a distro's)
	L3_VMLINUZ=${LAB_L3_VMLINUZ:-$L3_VMLINUZ}
}

# load_kernels: fetch (or find in the cache) the L2 and L3 kernels
# (kernels_env), then pick the stack (lib/stack.sh stack_select).
load_kernels() {
	LAB_CACHE=$CACHE_DIR "$LAB_DIR/fetch-kernels"
	kernels_env "$CACHE_DIR"
	stack_select
}

# resolve_modules ROOT KVER NAME... -> .ko paths (relative to the module
# dir) in load order, dependencies first. A NAME ending in '?' is optional:
# skipped when this kernel has no such module (e.g. vfio_virqfd, which
# newer kernels fold into vfio). '-' and '_' are interchangeable. A NAME
# built into the kernel (its modules.builtin) is skipped too: nothing to
# load (the lab's own kernel, tests/lab/build-kernel, has all built in).
resolve_modules() {
	local root=$1 kver=$2 builtin=$1/lib/modules/$2/modules.builtin
	shift 2
	[ -f "$builtin" ] || builtin=/dev/null
	awk -v want="$*" '
	function norm(p,   b) {
		b = p; sub(/.*\//, "", b); sub(/\.ko(\.[a-z]+)?$/, "", b)
		gsub(/-/, "_", b); return b
	}
	function visit(p,   n, i, d) {
		if (p in seen) return
		seen[p] = 1
		n = split(deps[p], d, " ")
		for (i = n; i >= 1; i--) visit(d[i])
		print p
	}
	# a module built into this kernel (modules.builtin) needs no insmod
	FILENAME ~ /modules\.builtin$/ { builtin[norm($0)] = 1; next }
	{
		p = $1; sub(/:$/, "", p)
		deps[p] = ""
		for (i = 2; i <= NF; i++) deps[p] = deps[p] " " $i
		path[norm(p)] = p
	}
	END {
		n = split(want, w, " ")
		for (i = 1; i <= n; i++) {
			name = w[i]; opt = sub(/\?$/, "", name)
			gsub(/-/, "_", name)
			if (!(name in path)) {
				if (opt || (name in builtin)) continue
				print "missing module: " name > "/dev/stderr"
				bad = 1; continue
			}
			visit(path[name])
		}
		exit bad
	}' "$root/lib/modules/$kver/modules.dep" "$builtin"
}

# --- initramfs images ------------------------------------------------------

# Copy a dynamically linked binary and its libraries into DEST, at the same
# paths as on this host.
copy_dynamic() {
	local dest=$1 bin=$2 lib
	install -D -m 0755 "$bin" "$dest$bin"
	while read -r lib; do
		[ -n "$lib" ] || continue
		install -D -m 0755 "$(readlink -f "$lib")" "$dest$lib"
	done < <(ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}')
}

# lab_tool NAME: tests/lab/tools/NAME.c as a static binary in
# $OUT_DIR/tools (rebuilt when the source is newer); prints its path. The
# scenarios name them in scen_NAME_l3_tools / scen_NAME_l2_tools.
lab_tool() {
	local src=$LAB_DIR/tools/$1.c out=$OUT_DIR/tools/$1
	if [ ! -x "$out" ] || [ "$src" -nt "$out" ]; then
		mkdir -p "$OUT_DIR/tools"
		"${LAB_TOOL_CC:-gcc}" -static -O2 -Wall -o "$out" "$src" >&2 ||
			die "cannot build $src (gcc -static needs libc6-dev)"
	fi
	echo "$out"
}

# mkcpio DIR OUT: newc archive, uncompressed (fast to unpack under TCG).
mkcpio() {
	local dir=$1 out=$2
	(cd "$dir" && find . -print0 | LC_ALL=C sort -z |
		cpio --null --quiet -o -H newc -R 0:0) >"$out.tmp"
	mv "$out.tmp" "$out"
}

# busybox_tree DIR: a skeleton root with a static busybox.
busybox_tree() {
	local d=$1
	mkdir -p "$d"/{bin,sbin,dev,proc,sys,tmp,run,etc,lab,mnt}
	install -m 0755 /bin/busybox "$d/bin/busybox"
	ln -sf busybox "$d/bin/sh"
}

# copy_modules ROOT KVER DEST LIST NAME...: the modules NAME... of the
# kernel tree ROOT (release KVER), with their dependencies
# (resolve_modules), into the image tree DEST at /lib/modules/KVER/, and
# their paths there, in load order, one a line, into DEST/LIST (what an
# /init insmods). False when they do not resolve.
copy_modules() {
	local root=$1 kver=$2 dest=$3 list=$4 mods f
	shift 4
	mods=$(resolve_modules "$root" "$kver" "$@") || return 1
	: >"$dest/$list"
	for f in $mods; do
		install -D -m 0644 "$root/lib/modules/$kver/$f" \
			"$dest/lib/modules/$kver/$f"
		echo "/lib/modules/$kver/$f" >>"$dest/$list"
	done
}

# scen_modules DEST HOOK ROOT KVER LIST WHAT SCENARIO...: for each
# SCENARIO with a function scen_SCENARIO_HOOK, the modules it names
# copied (copy_modules) from ROOT (release KVER) into DEST, their list in
# DEST/lab/LIST.SCENARIO.list; dies naming WHAT when they do not resolve
scen_modules() {
	local dest=$1 hook=$2 root=$3 kver=$4 list=$5 what=$6 s
	shift 6
	for s in "$@"; do
		declare -F "scen_${s}_$hook" >/dev/null || continue
		# shellcheck disable=SC2046 # word splitting of the module list is wanted
		copy_modules "$root" "$kver" "$dest" "lab/$list.$s.list" \
			$("scen_${s}_$hook") ||
			die "cannot resolve $what modules of $s"
	done
}

# build_l3_initramfs SCENARIO... -> $OUT_DIR/l3.cpio: busybox, the L3
# /init and every guest-side fragment (scenarios/*.l3.sh: fragments source
# each other, e.g. intx.l3.sh runs nvme.l3.sh). A scenario whose L3 boots
# Debian's *full* kernel (L2_KVER; the cloud kernel has no e1000e, ahci...)
# names its modules in scen_NAME_l3_modules: they go to
# /lib/modules/L2_KVER/ with their dependencies, and its list, in load
# order, to /lab/modules-full.NAME.list, which the L3 /init loads for
# lab=NAME only (fewer insmods, less time under the emulated nested SVM).
build_l3_initramfs() {
	local d=$OUT_DIR/l3-root f s
	rm -rf "$d"
	busybox_tree "$d"
	install -m 0755 "$LAB_DIR/lib/l3-init" "$d/init"
	install -m 0644 "$LAB_DIR/lib/devices.sh" "$d/lab/devices.sh"
	install -m 0644 "$LAB_DIR/lib/pci-rom.sh" "$d/lab/pci-rom.sh"
	for f in "$LAB_DIR"/scenarios/*.l3.sh; do
		install -m 0644 "$f" "$d/lab/${f##*/}"
	done
	# the cloud kernel's own modules (virtio_pci, virtio_blk...):
	# scen_NAME_l3_cloud_modules, loaded by the L3 /init for lab=NAME
	# from /lab/modules-cloud.NAME.list
	scen_modules "$d" l3_cloud_modules "$L3_ROOT" "$L3_KVER" modules-cloud \
		"L3 (cloud kernel)" "$@"
	for s in "$@"; do
		declare -F "scen_${s}_l3_tools" >/dev/null || continue
		for f in $("scen_${s}_l3_tools"); do
			install -m 0755 "$f" "$d/bin/${f##*/}"
		done
	done
	scen_modules "$d" l3_modules "$L3FULL_ROOT" "$L3FULL_KVER" modules-full \
		"L3 (full kernel)" "$@"
	mkcpio "$d" "$OUT_DIR/l3.cpio"
}

# build_l2_initramfs MODULES SCENARIO... -> $OUT_DIR/l2.cpio
# MODULES is a space-separated list for resolve_modules.
build_l2_initramfs() {
	local modules=$1
	shift
	local d=$OUT_DIR/l2-root s f
	rm -rf "$d"
	busybox_tree "$d"
	install -m 0755 "$LAB_DIR/lib/l2-init" "$d/init"
	install -m 0644 "$LAB_DIR/lib/l2-lib.sh" "$d/lab/l2-lib.sh"
	install -m 0644 "$LAB_DIR/lib/devices.sh" "$d/lab/devices.sh"
	install -m 0644 "$LAB_DIR/lib/pci-rom.sh" "$d/lab/pci-rom.sh"
	install -m 0644 "$LAB_DIR/lib/l2-arm64.sh" "$d/lab/l2-arm64.sh"

	# kernel modules, in load order
	# shellcheck disable=SC2086 # word splitting of the module list is wanted
	copy_modules "$L2_ROOT" "$L2_KVER" "$d" lab/modules.list $modules ||
		die "cannot resolve L2 modules"

	# the L3 payload; the full kernel too when a scenario boots L3 with it
	install -m 0644 "$L3_VMLINUZ" "$d/lab/vmlinuz-l3"
	if compgen -G "$OUT_DIR/l3-root/lab/modules-full.*.list" >/dev/null; then
		# shellcheck disable=SC2153 # from kernels.env (load_kernels)
		install -m 0644 "$L3FULL_VMLINUZ" "$d/lab/vmlinuz-l3-full"
	fi
	install -m 0644 "$OUT_DIR/l3.cpio" "$d/lab/l3.cpio"
	echo "$L3_CMDLINE_BASE${L3_CMDLINE_EXTRA:+ $L3_CMDLINE_EXTRA}" >"$d/lab/l3-cmdline"
	if [ -f "$OUT_DIR/l2-env" ]; then
		install -m 0644 "$OUT_DIR/l2-env" "$d/lab/env"
	fi

	# passvm, if built: the static release binary as is; a dynamic one
	# (`make CC=gcc`) with its libraries, like QEMU below
	if [ -x "$PASSVM_BIN" ]; then
		if ldd "$PASSVM_BIN" >/dev/null 2>&1; then
			copy_dynamic "$d" "$(readlink -f "$PASSVM_BIN")"
			ln -s "$(readlink -f "$PASSVM_BIN")" "$d/lab/passvm"
		else
			install -m 0755 "$PASSVM_BIN" "$d/lab/passvm"
		fi
	fi
	# bench's "before" rows: another static passvm build (PASSVM_BEFORE_BIN,
	# e.g. main's), run beside this one in the same L2
	if [ -n "${PASSVM_BEFORE_BIN:-}" ]; then
		[ -x "$PASSVM_BEFORE_BIN" ] || die "PASSVM_BEFORE_BIN=$PASSVM_BEFORE_BIN is not an executable"
		install -m 0755 "$PASSVM_BEFORE_BIN" "$d/lab/passvm-before"
	fi

	# QEMU for L2: the host's binary, its libraries, its loader and the
	# firmware a -kernel boot of q35 needs. -L /lab/qemu-data at run time.
	copy_dynamic "$d" "$QEMU_BIN"
	mkdir -p "$d/lab/qemu-data"
	for f in bios-256k.bin kvmvapic.bin linuxboot_dma.bin linuxboot.bin \
		efi-e1000e.rom efi-e1000.rom vgabios-stdvga.bin; do
		local src
		for src in /usr/share/qemu/$f /usr/share/seabios/$f \
			/usr/lib/ipxe/qemu/$f; do
			if [ -e "$src" ]; then
				install -m 0644 "$(readlink -f "$src")" "$d/lab/qemu-data/$f"
				break
			fi
		done
	done
	[ -f "$d/lab/qemu-data/bios-256k.bin" ] || die "no bios-256k.bin (seabios)"

	# host tools a scenario's L2 script runs (scen_NAME_l2_bins: paths),
	# with their libraries
	for s in "$@"; do
		declare -F "scen_${s}_l2_bins" >/dev/null || continue
		for f in $("scen_${s}_l2_bins"); do
			copy_dynamic "$d" "$f"
		done
	done

	# tools a scenario's L2 script runs (tests/lab/tools), in /lab
	for s in "$@"; do
		declare -F "scen_${s}_l2_tools" >/dev/null || continue
		for f in $("scen_${s}_l2_tools"); do
			install -m 0755 "$f" "$d/lab/${f##*/}"
		done
	done

	# files a scenario's L2 script reads (scen_NAME_l2_files: paths of
	# files or directories), in /lab/NAME/
	for s in "$@"; do
		declare -F "scen_${s}_l2_files" >/dev/null || continue
		mkdir -p "$d/lab/$s"
		for f in $("scen_${s}_l2_files"); do
			cp -R "$f" "$d/lab/$s/"
		done
	done

	# scenarios, run in this order by the L2 /init
	: >"$d/lab/scenarios.list"
	for s in "$@"; do
		install -m 0644 "$LAB_DIR/scenarios/$s.l2.sh" "$d/lab/$s.l2.sh"
		echo "$s" >>"$d/lab/scenarios.list"
	done
	mkcpio "$d" "$OUT_DIR/l2.cpio"
}

# --- L1 --------------------------------------------------------------------

# VFIO-ready L1 device sets. Each prints QEMU arguments, one a line (so
# paths with spaces survive `mapfile`). The intel-iommu comes first, always.
# Each device goes to its address in lib/devices.sh, which L2 scripts name.
l1_dev_iommu() {
	printf '%s\n' -device intel-iommu,intremap=on
}
l1_dev_nvme() {
	local img=$OUT_DIR/nvme.img
	if [ ! -f "$img" ] || [ "${LAB_FRESH_NVME:-1}" = 1 ]; then
		rm -f "$img"
		truncate -s 64M "$img"
	fi
	printf '%s\n' -drive "file=$img,if=none,id=nv0,format=raw" \
		-device "nvme,serial=lab,drive=nv0,addr=$(lab_slot "$NVME_BDF")"
}
l1_dev_nic() {
	printf '%s\n' -netdev hubport,id=hp0,hubid=0 -netdev hubport,id=hp1,hubid=0 \
		-device "e1000e,netdev=hp0,mac=$NIC_MAC,addr=$(lab_slot "$NIC_BDF")" \
		-device "e1000e,netdev=hp1,mac=$PEER_MAC,addr=$(lab_slot "$PEER_BDF")"
}
l1_dev_edu() {
	printf '%s\n' -device "edu,addr=$(lab_slot "$EDU_BDF")"
}
l1_dev_edu_dma() {
	printf '%s\n' -device "edu,dma_mask=0xffffffffffffffff,addr=$(lab_slot "$EDU_DMA_BDF")"
}
l1_dev_bridge() {
	printf '%s\n' -device "pci-bridge,id=lab-br,chassis_nr=1,addr=$(lab_slot "$BRIDGE_BDF")" \
		-device "edu,bus=lab-br,addr=$(lab_slot "$GRP_EDU1_BDF")" \
		-device "edu,bus=lab-br,addr=$(lab_slot "$GRP_EDU2_BDF")"
}

# l1_silence_watch LOG PIDFILE: stop L1 (the QEMU in PIDFILE) once LOG
# has not grown for LAB_SILENCE seconds (default 330: longer than any quiet
# stretch a healthy run has: the L2 watchdog speaks after VMM_TIMEOUT, 300 s
# at most, bigmem's). A wedged L2 (seen under the emulated nested SVM: its
# own watchdog never fires) then costs minutes, not the whole L1 timeout.
# Leaves LOG.silent.
l1_silence_watch() {
	local logf=$1 pidfile=$2 last=-1 size quiet=0
	local limit=${LAB_SILENCE:-330}
	while sleep 10; do
		size=$(stat -c %s "$logf" 2>/dev/null || echo 0)
		if [ "$size" != "$last" ]; then
			last=$size
			quiet=0
			continue
		fi
		quiet=$((quiet + 10))
		if [ "$quiet" -ge "$limit" ]; then
			echo "$quiet" >"$logf.silent"
			kill "$(cat "$pidfile")" 2>/dev/null
			return
		fi
	done
}

# run_l1 LOG TIMEOUT LIVE DEVARGS... : boot L2 under TCG. The serial console
# goes to LOG (and to the terminal too when LIVE=1). Returns QEMU's status
# (124 on timeout); LOG.silent exists if l1_silence_watch stopped it.
run_l1() {
	local logf=$1 tmo=$2 live=$3 watch
	shift 3
	# shellcheck disable=SC2054 # commas belong to QEMU options
	local -a cmd=(
		timeout --foreground -k 10 "$tmo"
		"$L1_QEMU" -accel tcg,thread=multi "${L1_MACHINE[@]}"
		-m "$L1_MEM" -smp "$L1_SMP"
		-nodefaults -display none -no-reboot
		"$@"
		-kernel "$L2_VMLINUZ" -initrd "$OUT_DIR/l2.cpio"
		-append "$L2_CMDLINE"
		-serial stdio -monitor none -pidfile "$OUT_DIR/l1.pid"
	)
	printf '%q ' "${cmd[@]}" >"$OUT_DIR/l1-cmdline"
	echo >>"$OUT_DIR/l1-cmdline"
	local rc=0
	rm -f "$logf.silent" "$OUT_DIR/l1.pid"
	: >"$logf"
	l1_silence_watch "$logf" "$OUT_DIR/l1.pid" &
	watch=$!
	if [ "$live" = 1 ]; then
		# the log keeps everything; the terminal is spared the guest
		# firmware's screen clears and cursor games
		"${cmd[@]}" </dev/null 2>&1 | tee "$logf" |
			sed -u 's/\x1bc//g; s/\x1b\[[0-9;?]*[a-zA-Z]//g' || rc=${PIPESTATUS[0]}
	else
		"${cmd[@]}" </dev/null >"$logf" 2>&1 || rc=$?
	fi
	kill "$watch" 2>/dev/null
	wait "$watch" 2>/dev/null
	return "$rc"
}

# --- reading the log -------------------------------------------------------

# section LOG NAME: the lines between "LAB: BEGIN NAME" and "LAB: END NAME",
# carriage returns removed; of a run tried again after a hang, the last
# try.
section() {
	tr -d '\r' <"$1" | awk -v n="$2" '
		$0 ~ "LAB: BEGIN " n "( |$)" {on = 1; buf = ""; next}
		$0 ~ "LAB: END " n "( |$)" {last = buf $0 "\n"; on = 0}
		on {buf = buf $0 "\n"}
		END {
			if (on) last = buf # never ended: what there is
			printf "%s", last
		}'
}

# lines TEXT PATTERN: the lines of TEXT matching PATTERN (ERE); never fails.
lines() {
	printf '%s\n' "$1" | grep -E -- "$2" || true
}

# ms_to_s MS: "6.65" (or "-" for nothing)
ms_to_s() {
	[ -n "${1:-}" ] || { echo "-"; return; }
	awk -v m="$1" 'BEGIN { printf "%.2f", m / 1000 }'
}

# show_stats TEXT: passvm's --stats lines in TEXT (one run's section), the
# "passvm: stats: " prefix removed, under a run's PASS/FAIL line (for
# reading: L2 turns the numbers the checks use into RESULT keys). They come
# on passvm's stderr, which shares L2's console with the guest's output:
# taken from anywhere in a line.
show_stats() {
	local s
	s=$(printf '%s\n' "$1" | grep -o 'passvm: stats: .*' | sed 's/^passvm: stats: //' || true)
	if [ -z "$s" ]; then
		echo "     stats: (none: passvm printed no --stats lines)"
		return
	fi
	printf '%s\n' "$s" | sed 's/^/     stats: /'
}

# --- results ---------------------------------------------------------------
#
# L2 and L3 print their measurements as
#   LAB: RESULT NAME KEY=VALUE...
# NAME is the scenario or SCENARIO/PART (nvme, nvme/steady, zoo/ahci); a
# VALUE has no blanks. A line between "LAB: BEGIN RUN" and "LAB: END RUN"
# (one VMM run, l2-lib.sh) belongs to that run: results_load adds run=RUN to
# it, and of a run tried again after a hang only the last try's lines count.
# A check names a record, the RESULT lines with a NAME that carry every
# KEY=VALUE given (the selectors), merged in log order (later values win):
# L3 reports what the guest saw, L2 what it measured around the run, and
# the host adds its own evidence (note) under the same NAME and selectors.

RESULTS="" RESULTS_NOTES="" RESULTS_LOG=""

# results_load LOG: read LOG's RESULT lines, for the checks that follow.
results_load() {
	RESULTS_LOG=$1
	RESULTS_NOTES=""
	RESULTS=$(tr -d '\r' <"$1" | awk '
		function after(s, p) { return substr(s, index(s, p) + length(p)) }
		index($0, "LAB: BEGIN ") {
			split(after($0, "LAB: BEGIN "), w, " ")
			cur = w[1]
			tries[cur]++
			next
		}
		index($0, "LAB: END ") { cur = ""; next }
		index($0, "LAB: RESULT ") {
			n++
			text[n] = after($0, "LAB: RESULT ")
			run[n] = cur
			try[n] = cur == "" ? 0 : tries[cur]
		}
		END {
			for (i = 1; i <= n; i++)
				if (run[i] == "")
					print text[i]
				else if (try[i] == tries[run[i]])
					print text[i] " run=" run[i]
		}')
}

# note NAME KEY=VALUE...: evidence found on the host (a marker in a disk
# image, JSON validated with python3), added to the results like a RESULT
# line from the lab.
note() {
	RESULTS_NOTES+="$*"$'\n'
}

# rec_merge SPEC...: merge the record SPEC names into REC (key -> value) and
# REC_KEYS (keys in first-seen order); REC_LINES counts the lab's lines
# merged (the host's notes not included), REC_DESC the SPECs. SPEC is NAME [KEY=VALUE]...; "+"
# starts another SPEC, merged on top. Other words are left in REC_REST.
declare -A REC=()
REC_KEYS=() REC_REST=() REC_LINES=0 REC_DESC=""
rec_merge() {
	local -a specs=() sel words
	local w cur="" spec name line n rest kv s ok src
	REC=() REC_KEYS=() REC_REST=() REC_LINES=0
	for w in "$@"; do
		if [ "$w" = + ]; then
			[ -z "$cur" ] || specs+=("$cur")
			cur=""
		elif [ -z "$cur" ]; then
			cur=$w
		elif [[ $w =~ ^[a-z0-9_]+= && ! $w =~ ^[a-z0-9_]+== ]]; then
			cur+=" $w"
		else
			REC_REST+=("$w")
		fi
	done
	[ -z "$cur" ] || specs+=("$cur")
	REC_DESC=$(printf ' + %s' "${specs[@]}")
	REC_DESC=${REC_DESC# + }
	for spec in "${specs[@]}"; do
		read -r -a sel <<<"$spec"
		name=${sel[0]}
		sel=("${sel[@]:1}")
		for src in lab notes; do
			while IFS= read -r line; do
				read -r n rest <<<"$line"
				[ "$n" = "$name" ] || continue
				ok=1
				for s in "${sel[@]}"; do
					[[ " $rest " == *" $s "* ]] || { ok=0; break; }
				done
				[ $ok = 1 ] || continue
				[ $src = notes ] || REC_LINES=$((REC_LINES + 1))
				read -r -a words <<<"$rest"
				for kv in "${words[@]}"; do
					[[ $kv == *=* ]] || continue
					[ -n "${REC[${kv%%=*}]+set}" ] || REC_KEYS+=("${kv%%=*}")
					REC[${kv%%=*}]=${kv#*=}
				done
			done < <(if [ $src = lab ]; then printf '%s\n' "$RESULTS"; else printf '%s' "$RESULTS_NOTES"; fi)
		done
	done
}

# value SPEC... KEY: the value of KEY in the record SPEC names ("" if none)
value() {
	local key=${*: -1}
	rec_merge "${@:1:$#-1}"
	printf '%s\n' "${REC[$key]-}"
}

# cond_holds HAVE OP WANT: == != (strings), < <= > >= (numbers; a value that
# is not a number fails), ~ (ERE match)
cond_holds() {
	local h=$1 op=$2 w=$3 num='^-?[0-9]+(\.[0-9]+)?$'
	case $op in
	==) [ "$h" = "$w" ] ;;
	!=) [ "$h" != "$w" ] ;;
	'~') [[ $h =~ $w ]] ;;
	*)
		[[ $h =~ $num && $w =~ $num ]] || return 1
		awk -v a="$h" -v b="$w" -v op="$op" 'BEGIN {
			a += 0; b += 0
			exit !(op == "<" ? a < b : op == "<=" ? a <= b : op == ">" ? a > b : a >= b)
		}'
		;;
	esac
}

# expect LABEL SPEC [+ SPEC]... COND...: one check, a PASS or FAIL line
# named LABEL. SPEC names a record (NAME [KEY=VALUE]..., see above); COND
# is KEY OP VALUE with OP one of == != < <= > >= ~ (quote < and >), a key
# the record lacks being "". PASS shows the keys the conditions read; FAIL
# the conditions that do not hold, why a VMM run failed as a run (hung,
# never ended, binary missing) and the tail of the run's console (or of
# EXPECT_TAIL, or of the scenario's LAB:/L3: lines). Returns 0 on PASS.
#   expect nvme/passvm-steady nvme/steady vmm=passvm 'ios>2000' data==ok
expect() {
	local label=$1 c key op want have bad="" shown="" why="" tail
	shift
	rec_merge "$@"
	for c in "${REC_REST[@]}"; do
		[[ $c =~ ^([a-z0-9_]+)(==|!=|<=|>=|<|>|~)(.*)$ ]] ||
			die "check $label: '$c' is neither KEY=VALUE nor KEY OP VALUE"
		key=${BASH_REMATCH[1]} op=${BASH_REMATCH[2]} want=${BASH_REMATCH[3]}
		have=${REC[$key]-}
		[[ " $shown " == *" $key="* ]] || shown+=" $key=$have"
		cond_holds "$have" "$op" "$want" && continue
		if [ -n "$have" ]; then
			bad+="${bad:+, }$key=$have (want $c)"
		else
			bad+="${bad:+, }no $key (want $c)"
		fi
	done
	if [ "$REC_LINES" = 0 ]; then
		why="no LAB: RESULT line for '$REC_DESC' (did L2 get that far?)"
	elif [ -n "$bad" ]; then
		why=$bad
		if [ "${REC[exit]-}" = missing ]; then
			why="$why; VMM binary missing (build/passvm not built)"
		elif [ "${REC[hung]-}" = 1 ]; then
			why="$why; VMM hung: stopped by the L2 watchdog after VMM_TIMEOUT=${VMM_TIMEOUT:-120}s (its threads are in the log)"
		elif [ -n "${REC[run]-}" ] && [ -z "${REC[exit]-}" ]; then
			why="$why; the VMM run never ended (L2 died or L1 timed out?)"
		fi
	fi
	if [ -z "$why" ]; then
		result "$label" ok "${shown# }"
		return 0
	fi
	if [ -n "${EXPECT_TAIL:-}" ]; then
		tail=$EXPECT_TAIL
	elif [ -n "${REC[run]-}" ]; then
		tail=$(section "$RESULTS_LOG" "${REC[run]}")
	else
		# the lab's lines of the scenario (NAME up to its first /)
		tail=$(tr -d '\r' <"$RESULTS_LOG" | awk -v s="${REC_DESC%%[/ ]*}" '
			index($0, "LAB: SCENARIO " s " ") {on = 1}
			on && /LAB:|L3:/ {print}
			index($0, "LAB: SCENARIO-DONE " s " ") {on = 0}')
		[ -n "$tail" ] || tail=$(lines "$(tr -d '\r' <"$RESULTS_LOG")" 'LAB:|L3:')
	fi
	result "$label" fail "$why" "$tail"
	return 1
}

# expect_run LABEL SPEC... COND...: expect, for the record of one VMM run;
# also records the run for the side-by-side table and, for passvm, shows
# its --stats.
expect_run() {
	local rc=0
	expect "$@" || rc=1
	record_run "$1" "${REC[exit]-}" "${REC[wall_ms]-}" "${REC[uptime_at_init]-}" "${REC[exits]-}"
	if [ "${REC[vmm]-}" = passvm ] && [ -n "${REC[run]-}" ]; then
		show_stats "$(section "$RESULTS_LOG" "${REC[run]}")"
	fi
	return $rc
}

# stats_cond VMM: the condition every passvm run meets (it printed its
# --stats; every passvm run in the lab has --stats); nothing for QEMU.
stats_cond() {
	[ "$1" != passvm ] || echo stats==yes
}

# The side-by-side table of VMM runs: record_run LABEL EXIT WALL_MS UPTIME
# EXITS ("-" where not known), print_run_table prints and clears it.
RUN_TIMES=()
record_run() {
	RUN_TIMES+=("$1 ${2:--} ${3:--} ${4:--} ${5:--}")
}
print_run_table() {
	local row
	[ ${#RUN_TIMES[@]} -gt 0 ] || return 0
	printf '\n%-22s %6s %16s %22s %16s\n' "run" "exit" "launch->exit (s)" \
		"L3 uptime at init (s)" "passvm exits"
	for row in "${RUN_TIMES[@]}"; do
		# shellcheck disable=SC2086 # split the row into its fields
		set -- $row
		local wall=-
		[ "$3" = - ] || wall=$(ms_to_s "$3")
		printf '%-22s %6s %16s %22s %16s\n' "$1" "$2" "$wall" "$4" "$5"
	done
	echo
	RUN_TIMES=()
}

RESULTS_PASS=0
RESULTS_FAIL=0
# result NAME ok|fail DETAIL [LOG]: one PASS/FAIL line; on failure the tail
# of LOG (or of the given text) is shown.
result() {
	local name=$1 st=$2 detail=$3 tailsrc=${4:-}
	if [ "$st" = ok ]; then
		RESULTS_PASS=$((RESULTS_PASS + 1))
		printf 'PASS %-16s %s\n' "$name" "$detail"
	else
		RESULTS_FAIL=$((RESULTS_FAIL + 1))
		printf 'FAIL %-16s %s\n' "$name" "$detail"
		if [ -n "$tailsrc" ]; then
			echo "---- last lines of $name ----"
			printf '%s\n' "$tailsrc" | tail -n "${LAB_TAIL:-25}" |
				sed 's/\x1bc//g; s/\x1b\[[0-9;?]*[a-zA-Z]//g; s/^/    | /'
			echo "----"
		fi
	fi
}

# lab_want VMM: true if this run covers VMM (run-lab --vmm; same as in L2).
lab_want() {
	case " ${LAB_VMMS:-passvm qemu} " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}
