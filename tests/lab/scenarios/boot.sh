# shellcheck shell=bash
# boot (host side): passvm and QEMU each boot the L3 cloud kernel with
# --cpus 2 --mem 256M; the guest must see 2 CPUs, print its markers and
# power off; the VMM must exit 0.
scen_boot_devices() { :; }
scen_boot_modules() { :; }
scen_boot_budget() { echo 150; }

# check_l3_boot LOG SECTION LABEL: one PASS/FAIL line for one VMM run;
# records timings in BOOT_TIMES for the side-by-side table.
BOOT_TIMES=()
check_l3_boot() {
	local logf=$1 sec=$2 label=$3 text end rc wall up cpus why=""
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
	if [ "$rc" = missing ]; then
		why="VMM binary missing (build/passvm not built)"
	elif [ -z "$end" ]; then
		why="VMM never returned (L2 died or L1 timed out)"
	elif [ "$rc" != 0 ]; then
		why="VMM exit=$rc, want 0"
		[ "$rc" = 137 ] && why="$why (killed by the L2 timeout)"
	elif ! grep -q 'L3: GUEST-UP' <<<"$text"; then
		why="no L3: GUEST-UP marker (guest never reached /init)"
	elif [ "$cpus" != 2 ]; then
		why="guest saw cpus=$cpus, want 2"
	elif ! grep -q 'L3: GUEST-DONE' <<<"$text"; then
		why="no L3: GUEST-DONE marker"
	fi
	BOOT_TIMES+=("$label ${rc:-none} ${wall:-} ${up:-}")
	if [ -z "$why" ]; then
		result "$label" ok "exit=0 cpus=$cpus wall=$(ms_to_s "$wall")s guest_uptime_at_init=${up}s"
	else
		result "$label" fail "$why" "$text"
	fi
}

print_boot_table() {
	local row
	[ ${#BOOT_TIMES[@]} -gt 0 ] || return 0
	printf '\n%-20s %6s %16s %22s\n' "run" "exit" "launch->exit (s)" "L3 uptime at init (s)"
	for row in "${BOOT_TIMES[@]}"; do
		# shellcheck disable=SC2086 # split the row into its fields
		set -- $row
		printf '%-20s %6s %16s %22s\n' "$1" "$2" "$(ms_to_s "${3:-}")" "${4:--}"
	done
	echo
	BOOT_TIMES=()
}

scen_boot_check() {
	local logf=$1
	lab_want passvm && check_l3_boot "$logf" boot-passvm boot/passvm
	lab_want qemu && check_l3_boot "$logf" boot-qemu boot/qemu
	print_boot_table
}
