# shellcheck shell=bash
# boot (host side): passvm and QEMU each boot the L3 cloud kernel with
# --cpus 2 --mem 256M; the guest must see 2 CPUs, print its markers and
# power off; the VMM must exit 0.
scen_boot_devices() { :; }
scen_boot_modules() { :; }
scen_boot_budget() { echo 150; }

# check_l3_boot LOG SECTION LABEL: one PASS/FAIL line for one VMM run;
# records it for the side-by-side table (print_run_table, lib/common.sh)
# and prints passvm's --stats under a passvm run (LABEL */passvm*).
check_l3_boot() {
	local logf=$1 sec=$2 label=$3 text end rc wall up cpus why="" vmm
	vmm=${label#*/}
	vmm=${vmm%%-*} # boot/passvm, bench/passvm-2 -> passvm
	text=$(section "$logf" "$sec")
	end=$(lines "$text" "LAB: END $sec " | tail -n1)
	if [ -z "$text" ]; then
		result "$label" fail "no output from this run in L2 (L2 died before it?)" \
			"$(tr -d '\r' <"$logf")"
		return
	fi
	rc=$(field "$end" exit)
	wall=$(field "$end" wall_ms)
	up=$(field "$(lines "$text" 'L3: GUEST-UP')" uptime_at_init)
	cpus=$(field "$(lines "$text" 'L3: GUEST-UP')" cpus)
	why=$(vmm_run_why "$text" "$end" "$rc")
	if [ -n "$why" ]; then
		: # the run itself failed
	elif ! grep -q 'L3: GUEST-UP' <<<"$text"; then
		why="no L3: GUEST-UP marker (guest never reached /init)"
	elif [ "$cpus" != 2 ]; then
		why="guest saw cpus=$cpus, want 2"
	elif ! grep -q 'L3: GUEST-DONE' <<<"$text"; then
		why="no L3: GUEST-DONE marker"
	elif [ "$vmm" = passvm ] && [ -z "$(stat_exits "$text")" ]; then
		why="passvm exit=0 but no --stats report on its stderr"
	fi
	report_run "$label" "$sec" "$text" "$vmm" "$why" \
		"exit=0 cpus=$cpus wall=$(ms_to_s "$wall")s guest_uptime_at_init=${up}s"
}

scen_boot_check() {
	local logf=$1
	lab_want passvm && check_l3_boot "$logf" boot-passvm boot/passvm
	lab_want qemu && check_l3_boot "$logf" boot-qemu boot/qemu
	print_run_table
}
