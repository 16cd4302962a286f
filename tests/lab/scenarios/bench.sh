# shellcheck shell=bash
# bench (host side): start-up and shut-down as guest RAM grows, with L1's
# NVMe assigned (VFIO pins every page of guest RAM before the guest runs):
# for each size of BENCH_SIZES (MiB, default 256 1024 4608), BENCH_RUNS
# (3) runs per VMM, measured in L2: passvm from its command line (passvm),
# passvm configured over its API socket with curl (api: boot-source,
# machine-config, device-passthrough, InstanceStart), QEMU, and with
# PASSVM_BEFORE_BIN (run-lab) another passvm build from its command line
# (before: e.g. main's, to show a change's effect in the same lab run). Passes when
# every run boots as in boot (2 CPUs, to the end of /init, exit 0). Prints,
# per size and VMM, the medians of: passvm's launch to the guest's first
# instruction and its time in the DMA map calls (--stats: first_insn_ms,
# dma_map_ms), the guest's uptime at /init, launch->init (to the guest's
# first /init line, guest=up, as it reaches L2), InstanceStart->init (from
# InstanceStart's 204: the VM built, its RAM pinned; api only),
# "down->exit" (from the guest kernel's "reboot: Power down" line to the
# VMM's exit: the rest of the guest's power-off, passvm's teardown),
# "done->exit" (from the guest's last RESULT line, guest=done: the guest's
# whole shutdown path too), launch->exit, and passvm's launch->exit over
# QEMU's. The console lines are timed by labtool stamp in L2 as they
# arrive, for every VMM alike (lib/l2-lib.sh lab_stamp_keys).
scen_bench_devices() { l1_dev_nvme; }
scen_bench_modules() { :; }
scen_bench_l2_bins() { command -v curl; }
scen_bench_l2_tools() { lab_tool labtool; }
scen_bench_l2_files() { echo "$LAB_DIR/lib/api-boot"; }
# L2 pins the L3 guest's 4.5 GiB: L1 needs room for it and for L2
scen_bench_l1_mem() { echo 6144; }
scen_bench_budget() {
	# shellcheck disable=SC2086 # the sizes, one word each
	set -- ${BENCH_SIZES:-256 1024 4608}
	echo $((200 * $# * ${BENCH_RUNS:-3} + 60))
}

# median N...: the middle value (the lower of the two middle ones), "-"
# for none
median() {
	[ $# -gt 0 ] || { echo "-"; return; }
	printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

# bench_vmm ROW: the VMM of a row (api and before are passvm's)
bench_vmm() {
	case $1 in
	qemu) echo qemu ;;
	*) echo passvm ;;
	esac
}

# bench_row MIB VMM: one line of medians over the runs of MIB under VMM
# (passvm, api or qemu) that exited 0; BENCH_WALL is the median
# launch->exit in ms
bench_row() {
	local mib=$1 vmm=$2 n=${BENCH_RUNS:-3} i run k
	local first=() dma=() up=() init=() start=() down=() fin=() wall=()
	for ((i = 1; i <= n; i++)); do
		run=bench-$vmm-$mib-$i
		rec_merge bench run="$run"
		[ "${REC[exit]-}" = 0 ] || continue
		for k in wall_ms uptime_at_init first_insn_ms dma_map_ms init_ms \
			start_init_ms down_exit_ms done_exit_ms; do
			[ -n "${REC[$k]-}" ] || continue
			case $k in
			wall_ms) wall+=("${REC[$k]}") ;;
			uptime_at_init) up+=("${REC[$k]}") ;;
			first_insn_ms) first+=("${REC[$k]}") ;;
			dma_map_ms) dma+=("${REC[$k]}") ;;
			init_ms) init+=("$(ms_to_s "${REC[$k]}")") ;;
			start_init_ms) start+=("$(ms_to_s "${REC[$k]}")") ;;
			down_exit_ms) down+=("$(ms_to_s "${REC[$k]}")") ;;
			done_exit_ms) fin+=("$(ms_to_s "${REC[$k]}")") ;;
			esac
		done
	done
	BENCH_WALL=$(median "${wall[@]}")
	printf '%-6s %-7s %4s %13s %10s %11s %13s %13s %11s %11s %14s' "$mib" "$vmm" \
		"${#wall[@]}/$n" "$(median "${first[@]}")" "$(median "${dma[@]}")" \
		"$(median "${up[@]}")" "$(median "${init[@]}")" \
		"$(median "${start[@]}")" "$(median "${down[@]}")" \
		"$(median "${fin[@]}")" "$(ms_to_s "${BENCH_WALL#-}")"
}

scen_bench_check() {
	local vmm i n=${BENCH_RUNS:-3} mib pw qw
	for mib in ${BENCH_SIZES:-256 1024 4608}; do
		for vmm in passvm api before qemu; do
			lab_want "$(bench_vmm "$vmm")" || continue
			# before: only with PASSVM_BEFORE_BIN (run-lab)
			[ "$vmm" != before ] || [ -n "${PASSVM_BEFORE_BIN:-}" ] || continue
			for ((i = 1; i <= n; i++)); do
				# shellcheck disable=SC2046 # stats_cond: a condition or none
				expect_run "bench/$vmm-$mib-$i" bench run="bench-$vmm-$mib-$i" \
					exit==0 guest==done cpus==2 $(stats_cond "$(bench_vmm "$vmm")")
			done
		done
	done
	echo
	echo "start-up and shut-down with the NVMe assigned, medians of $n runs (measured in L2; s unless ms;"
	echo "api: passvm over its API socket, Start: InstanceStart's 204; down: the guest's \"reboot: Power down\")"
	printf '%-6s %-7s %4s %13s %10s %11s %13s %13s %11s %11s %14s %s\n' "MiB" vmm runs \
		"->1st insn ms" "DMA map ms" "init uptime" "launch->init" \
		"Start->init" "down->exit" "done->exit" "launch->exit" "passvm/QEMU"
	for mib in ${BENCH_SIZES:-256 1024 4608}; do
		pw=- qw=-
		if lab_want qemu; then
			bench_row "$mib" qemu >/dev/null
			qw=$BENCH_WALL
		fi
		if lab_want passvm; then
			bench_row "$mib" passvm
			pw=$BENCH_WALL
			if [ "$pw" != - ] && [ "$qw" != - ]; then
				awk -v p="$pw" -v q="$qw" 'BEGIN {printf " %.2f", p / q}'
			fi
			echo
			bench_row "$mib" api
			echo
			if [ -n "${PASSVM_BEFORE_BIN:-}" ]; then
				bench_row "$mib" before
				if [ "$BENCH_WALL" != - ] && [ "$qw" != - ]; then
					awk -v p="$BENCH_WALL" -v q="$qw" 'BEGIN {printf " %.2f", p / q}'
				fi
				echo
			fi
		fi
		if lab_want qemu; then
			bench_row "$mib" qemu
			echo
		fi
	done
	print_run_table
}
