# shellcheck shell=bash
# managed (host side): `--vfio 0000:00:03.0,managed` with the NVMe on L2's
# nvme driver. managed/run: the guest drives the NVMe (nvme.l3.sh checks,
# marker at 5 MiB in nvme.img), passvm exits 0, the device is back on nvme.
# managed/sigterm: passvm gets SIGTERM while the guest is up: exit 143
# (128+SIGTERM), the device was on vfio-pci meanwhile and is back on nvme.
# shellcheck source-path=SCRIPTDIR source=nvme.sh
. "$LAB_DIR/scenarios/nvme.sh" # check_nvme_run
scen_managed_devices() { l1_dev_nvme; }
scen_managed_modules() { echo nvme; } # L2's own NVMe driver
scen_managed_budget() { echo 80; }

scen_managed_check() {
	local logf=$1 all before after1 after2 text rc d1 d2 during
	lab_want passvm || return 0
	all=$(tr -d '\r' <"$logf")
	before=$(lines "$all" 'LAB: managed before:')
	after1=$(lines "$all" 'LAB: managed after run 1:')
	after2=$(lines "$all" 'LAB: managed after run 2:')
	if [ "$(field "$before" driver)" != nvme ]; then
		result managed/setup fail "the NVMe is not on L2's nvme driver before the runs: ${before:-no report}" \
			"$(lines "$all" 'LAB: (managed|insmod|modules)')"
		return
	fi
	check_nvme_run "$logf" managed-passvm managed/run passvm managed
	d1=$(field "$after1" driver)
	if [ "$d1" = nvme ]; then
		result managed/restore ok "after exit 0: ${after1#LAB: managed after run 1: }"
	else
		result managed/restore fail "after run 1 the device is on '${d1:-?}', want nvme: ${after1:-no report}" \
			"$(lines "$all" 'LAB: managed|passvm')"
	fi

	text=$(section "$logf" managed-term)
	rc=$(field "$(lines "$text" 'LAB: END managed-term ')" exit)
	d2=$(field "$after2" driver)
	during=$(field "$after2" during)
	record_section managed/sigterm "$text" managed-term
	if [ -z "$text" ]; then
		result managed/sigterm fail "no second run in the log"
	elif ! grep -q 'L3: MANAGED-HOLD' <<<"$text"; then
		result managed/sigterm fail "the guest never reached its hold (exit=$rc)" "$text"
	elif [ "$rc" != 143 ]; then
		result managed/sigterm fail "exit=$rc after SIGTERM, want 143" "$text"
	elif [ "$during" != vfio-pci ]; then
		result managed/sigterm fail "while the guest ran the device was on '$during', want vfio-pci" "$text"
	elif [ "$d2" != nvme ]; then
		result managed/sigterm fail "after SIGTERM the device is on '${d2:-?}', want nvme: $after2" "$text"
	else
		result managed/sigterm ok "exit=143 after SIGTERM; on vfio-pci while up, then ${after2#LAB: managed after run 2: }"
	fi
	show_stats "$text"
	print_run_table
}
