# shellcheck shell=bash
# bench (host side): start-up and shut-down as guest RAM grows, with L1's
# NVMe assigned (VFIO pins every page of guest RAM before the guest runs):
# for each size of BENCH_SIZES (MiB, default 256 1024 4608), BENCH_RUNS
# (3) runs per VMM, measured in L2. Passes when every run boots as in boot
# (2 CPUs, to the end of /init, exit 0). Prints, per size and VMM, the
# medians of: passvm's launch to the guest's first instruction and its
# time in the DMA map calls (--stats: first_insn_ms, dma_map_ms), the
# guest's uptime at /init, "done->exit" (from the guest's last RESULT line,
# guest=done, to the VMM's exit: the guest's shutdown path plus the VMM's
# teardown; for QEMU it also holds QEMU's own start-up, which this lab
# cannot see apart), launch->exit, and passvm's launch->exit over QEMU's.
scen_bench_devices() { l1_dev_nvme; }
scen_bench_modules() { :; }
# L2 pins the L3 guest's 4.5 GiB: L1 needs room for it and for L2
scen_bench_l1_mem() { echo 6144; }
scen_bench_budget() {
	# shellcheck disable=SC2086 # the sizes, one word each
	set -- ${BENCH_SIZES:-256 1024 4608}
	echo $((140 * $# * ${BENCH_RUNS:-3} + 60))
}

# median N...: the middle value (the lower of the two middle ones), "-"
# for none
median() {
	[ $# -gt 0 ] || { echo "-"; return; }
	printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

# bench_row MIB VMM: one line of medians over the runs of MIB under VMM
# that exited 0; BENCH_WALL is the median launch->exit in ms
bench_row() {
	local mib=$1 vmm=$2 n=${BENCH_RUNS:-3} i run w f d u
	local first=() dma=() up=() tail=() wall=()
	for ((i = 1; i <= n; i++)); do
		run=bench-$vmm-$mib-$i
		rec_merge bench run="$run"
		[ "${REC[exit]-}" = 0 ] || continue
		w=${REC[wall_ms]-} f=${REC[first_insn_ms]-} d=${REC[uptime]-}
		u=${REC[uptime_at_init]-}
		[ -z "$w" ] || wall+=("$w")
		[ -z "$u" ] || up+=("$u")
		[ -z "$f" ] || first+=("$f")
		[ -z "${REC[dma_map_ms]-}" ] || dma+=("${REC[dma_map_ms]}")
		# launch->exit - (first instruction) - guest uptime at its end
		[ -z "$w" ] || [ -z "$d" ] ||
			tail+=("$(awk -v w="$w" -v f="${f:-0}" -v d="$d" 'BEGIN {printf "%.2f", w / 1000 - f / 1000 - d}')")
	done
	BENCH_WALL=$(median "${wall[@]}")
	printf '%-6s %-7s %4s %14s %12s %14s %14s %16s' "$mib" "$vmm" \
		"${#wall[@]}/$n" "$(median "${first[@]}")" "$(median "${dma[@]}")" \
		"$(median "${up[@]}")" "$(median "${tail[@]}")" \
		"$(ms_to_s "${BENCH_WALL#-}")"
}

scen_bench_check() {
	local vmm i n=${BENCH_RUNS:-3} mib pw qw
	for mib in ${BENCH_SIZES:-256 1024 4608}; do
		for vmm in passvm qemu; do
			lab_want "$vmm" || continue
			for ((i = 1; i <= n; i++)); do
				# shellcheck disable=SC2046 # stats_cond: a condition or none
				expect_run "bench/$vmm-$mib-$i" bench run="bench-$vmm-$mib-$i" \
					exit==0 guest==done cpus==2 $(stats_cond "$vmm")
			done
		done
	done
	echo
	echo "start-up and shut-down with the NVMe assigned, medians of $n runs (measured in L2)"
	printf '%-6s %-7s %4s %14s %12s %14s %14s %16s %s\n' "MiB" vmm runs \
		"->1st insn ms" "DMA map ms" "init uptime s" "done->exit s" \
		"launch->exit s" "passvm/QEMU"
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
		fi
		if lab_want qemu; then
			bench_row "$mib" qemu
			echo
		fi
	done
	print_run_table
}
