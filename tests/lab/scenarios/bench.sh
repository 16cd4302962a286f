# shellcheck shell=bash
# bench (host side): start-up and shut-down as guest RAM grows, with L1's
# NVMe assigned (VFIO pins every page of guest RAM before the guest runs):
# for each size of BENCH_SIZES (MiB, default 256 1024 4608), BENCH_RUNS
# (3) runs per VMM, measured in L2. Passes when every run boots and exits
# 0. Prints, per size and VMM, the medians of: passvm's launch to the
# guest's first instruction and its time in the DMA map calls (--stats),
# the guest's uptime at /init, "done->exit" (from the guest's last marker,
# L3: GUEST-DONE, to the VMM's exit: the guest's shutdown path plus the
# VMM's teardown; for QEMU it also holds QEMU's own start-up, which this
# lab cannot see apart), launch->exit, and passvm's launch->exit over
# QEMU's.
# shellcheck source-path=SCRIPTDIR source=boot.sh
. "$LAB_DIR/scenarios/boot.sh" # check_l3_boot, print_run_table
scen_bench_devices() { l1_dev_nvme; }
scen_bench_modules() { :; }
# L2 pins the L3 guest's 4.5 GiB: L1 needs room for it and for L2
scen_bench_l1_mem() { echo 6144; }
scen_bench_budget() { echo $((420 * ${BENCH_RUNS:-3} + 60)); }

# bench_row SIZE VMM: one line of medians from the runs of SIZE under VMM
bench_row() {
	local logf=$1 mib=$2 vmm=$3 n=${BENCH_RUNS:-3} i text end rc
	local first=() dma=() up=() tail=() wall=() f v w u d
	for ((i = 1; i <= n; i++)); do
		text=$(section "$logf" "bench-$vmm-$mib-$i")
		end=$(lines "$text" "LAB: END bench-$vmm-$mib-$i " | tail -n1)
		rc=$(field "$end" exit)
		[ "$rc" = 0 ] || continue
		w=$(field "$end" wall_ms)
		wall+=("$w")
		u=$(field "$(lines "$text" 'L3: GUEST-UP')" uptime_at_init)
		up+=("$u")
		d=$(field "$(lines "$text" 'L3: GUEST-DONE')" uptime)
		if [ "$vmm" = passvm ]; then
			f=$(passvm_stats "$text" | sed -n 's/^launch to first guest instruction \([0-9.]*\) ms$/\1/p' | head -n1)
			[ -z "$f" ] || first+=("$f")
			v=$(passvm_stats "$text" | sed -n 's/^dma map ([a-z0-9]*): .*, \([0-9.]*\) ms$/\1/p' | head -n1)
			[ -z "$v" ] || dma+=("$v")
			# launch->exit - first instruction - guest uptime at its end
			[ -z "$d" ] || [ -z "$f" ] ||
				tail+=("$(awk -v w="$w" -v f="$f" -v d="$d" 'BEGIN {printf "%.2f", w / 1000 - f / 1000 - d}')")
		else
			[ -z "$d" ] || tail+=("$(awk -v w="$w" -v d="$d" 'BEGIN {printf "%.2f", w / 1000 - d}')")
		fi
	done
	BENCH_WALL=$(median "${wall[@]}")
	printf '%-6s %-7s %4s %14s %12s %14s %14s %16s' "$mib" "$vmm" \
		"${#wall[@]}/$n" "$(median "${first[@]}")" "$(median "${dma[@]}")" \
		"$(median "${up[@]}")" "$(median "${tail[@]}")" \
		"$(ms_to_s "${BENCH_WALL#-}")"
}

scen_bench_check() {
	local logf=$1 vmm i n=${BENCH_RUNS:-3} mib pw qw
	for mib in ${BENCH_SIZES:-256 1024 4608}; do
		for vmm in passvm qemu; do
			lab_want "$vmm" || continue
			for ((i = 1; i <= n; i++)); do
				check_l3_boot "$logf" "bench-$vmm-$mib-$i" "bench/$vmm-$mib-$i"
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
			bench_row "$logf" "$mib" qemu >/dev/null
			qw=$BENCH_WALL
		fi
		if lab_want passvm; then
			bench_row "$logf" "$mib" passvm
			pw=$BENCH_WALL
			if [ "$pw" != - ] && [ "$qw" != - ]; then
				awk -v p="$pw" -v q="$qw" 'BEGIN {printf " %.2f", p / q}'
			fi
			echo
		fi
		if lab_want qemu; then
			bench_row "$logf" "$mib" qemu
			echo
		fi
	done
	print_run_table
}
median() {
	[ $# -gt 0 ] || { echo "-"; return; }
	printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
