# shellcheck shell=dash
# bench (L2 side): BENCH_RUNS boots of the L3 guest per VMM, alternating.
i=1
while [ "$i" -le "${BENCH_RUNS:-3}" ]; do
	lab_want passvm && lab_passvm "bench-passvm-$i"
	lab_want qemu && lab_qemu "bench-qemu-$i"
	i=$((i + 1))
done
