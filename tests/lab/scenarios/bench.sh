# shellcheck shell=bash
# bench (host side): boot time of the L3 guest under passvm vs QEMU/KVM,
# BENCH_RUNS runs each (default 3), measured in L2. Passes when every run
# boots as in boot (2 CPUs, to the end of /init, exit 0); prints each run
# and the median per VMM.
scen_bench_devices() { :; }
scen_bench_modules() { :; }
scen_bench_budget() { echo $((120 * ${BENCH_RUNS:-3})); }
scen_bench_check() {
	local vmm i n=${BENCH_RUNS:-3} row
	for vmm in passvm qemu; do
		lab_want "$vmm" || continue
		for ((i = 1; i <= n; i++)); do
			# shellcheck disable=SC2046 # stats_cond: a condition or none
			expect_run "bench/$vmm-$i" bench run="bench-$vmm-$i" exit==0 \
				guest==done cpus==2 $(stats_cond "$vmm")
		done
	done
	echo
	printf '%-8s %5s %22s %26s\n' vmm runs "median launch->exit (s)" "median L3 uptime at init (s)"
	for vmm in passvm qemu; do
		lab_want "$vmm" || continue
		local walls=() ups=()
		for row in "${RUN_TIMES[@]}"; do
			# shellcheck disable=SC2086 # split the row into its fields
			set -- $row
			[[ $1 == bench/$vmm-* && $2 == 0 ]] || continue
			walls+=("$3")
			ups+=("$4")
		done
		printf '%-8s %5s %22s %26s\n' "$vmm" "${#walls[@]}/$n" \
			"$(ms_to_s "$(median "${walls[@]}" | grep -v '^-$' || true)")" \
			"$(median "${ups[@]}")"
	done
	print_run_table
}
median() {
	[ $# -gt 0 ] || { echo "-"; return; }
	printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
