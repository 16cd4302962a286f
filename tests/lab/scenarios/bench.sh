# shellcheck shell=bash
# bench (host side): boot time of the L3 guest under passvm vs QEMU/KVM,
# BENCH_RUNS runs each (default 3), measured in L2. Passes when every run
# boots and exits 0; prints each run and the median per VMM.
# shellcheck source-path=SCRIPTDIR source=boot.sh
. "$LAB_DIR/scenarios/boot.sh" # check_l3_boot, print_run_table
scen_bench_devices() { :; }
scen_bench_modules() { :; }
scen_bench_budget() { echo $((120 * ${BENCH_RUNS:-3})); }
scen_bench_check() {
	local logf=$1 vmm i n=${BENCH_RUNS:-3} row
	for vmm in passvm qemu; do
		lab_want "$vmm" || continue
		for ((i = 1; i <= n; i++)); do
			check_l3_boot "$logf" "bench-$vmm-$i" "bench/$vmm-$i"
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
			"$(median "${walls[@]}" | xargs -r -I{} awk 'BEGIN{printf "%.2f", {}/1000}')" \
			"$(median "${ups[@]}")"
	done
	print_run_table
}
median() {
	[ $# -gt 0 ] || { echo "-"; return; }
	printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
