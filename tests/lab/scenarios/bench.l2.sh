# shellcheck shell=dash
# bench (L2 side): for each guest RAM size of BENCH_SIZES (MiB), BENCH_RUNS
# boots of the L3 guest per VMM, alternating, with L1's NVMe assigned: VFIO
# pins all of the guest's RAM before it starts. Runs bench-VMM-MIB-I, and
# bench-api-MIB-I: passvm configured over its API socket with curl
# (/lab/bench/api-boot), and bench-before-MIB-I under /lab/passvm-before
# when run-lab was given one (PASSVM_BEFORE_BIN). The guest's console goes through labtool stamp
# (LAB_STAMP): launch->init, InstanceStart->init, the guest's last line and
# its kernel's "reboot: Power down" to the VMM's exit (lab_stamp_keys).
lab_bind "$NVME_BDF" >/dev/null || {
	echo "LAB: bench: binding $NVME_BDF to vfio-pci failed"
	exit 1
}
echo "LAB: bench $NVME_BDF sizes=${BENCH_SIZES:-256 1024 4608} runs=${BENCH_RUNS:-3} MemFree=$(awk '/^MemFree/ {print $2}' /proc/meminfo)kB"
# pinning 4.5 GiB under TCG takes 30-70 s: more room before the watchdog
VMM_TIMEOUT=$((VMM_TIMEOUT + 180))
# shellcheck disable=SC2034 # read by lab_run_once (l2-lib.sh)
LAB_STAMP=1
for mib in ${BENCH_SIZES:-256 1024 4608}; do
	# shellcheck disable=SC2034 # read by lab_passvm/lab_qemu (l2-lib.sh)
	L3_MEM_MIB=$mib
	i=1
	while [ "$i" -le "${BENCH_RUNS:-3}" ]; do
		lab_want passvm && lab_passvm "bench-passvm-$mib-$i" --vfio "$NVME_BDF"
		# shellcheck disable=SC2086 # LAB_PASSVM_ARGS: options without spaces
		lab_want passvm && lab_run "bench-api-$mib-$i" passvm /bin/sh \
			/lab/bench/api-boot /tmp/bench-api.sock "$mib" "$NVME_BDF" \
			"$L3_CMDLINE $(lab_l3_args passvm)" "$PASSVM" run --stats \
			--id lab-bench ${LAB_PASSVM_ARGS:-}
		# PASSVM_BEFORE_BIN (run-lab): the same boot under another build
		if lab_want passvm && [ -x /lab/passvm-before ]; then
			PASSVM=/lab/passvm-before
			lab_passvm "bench-before-$mib-$i" --vfio "$NVME_BDF"
			PASSVM=/lab/passvm
		fi
		lab_want qemu && lab_qemu "bench-qemu-$mib-$i" -device "vfio-pci,host=$NVME_BDF"
		i=$((i + 1))
	done
done
