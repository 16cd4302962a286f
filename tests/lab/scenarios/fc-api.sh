# shellcheck shell=bash
# fc-api (host side): passvm driven over its Firecracker-compatible API
# socket with curl (fc-api.l2.sh). fc-api/api: every request got the status
# Firecracker gives and the body says what it should (an unknown field and
# a path id that differs from the body's are refused and change nothing, a
# pre-boot resource after the start and a second InstanceStart are
# refused). fc-api/guest: the guest booted with the passed-through NVMe on
# its nvme driver, SendCtrlAltDel reached its init as SIGINT, it powered
# off, passvm exited 0 and removed its socket, FlushMetrics wrote a line.
# fc-api/config: the same VM from --config-file boots and exits 0.
# fc-api/bad-config: an unknown field in the file gives exit 152 and a
# message naming the key and the field. passvm only (QEMU has no such API).
scen_fc-api_devices() { l1_dev_nvme; }
scen_fc-api_modules() { :; }
scen_fc-api_budget() { echo 240; }
# curl in L2 (with its libraries), as Firecracker's guide drives the socket
scen_fc-api_l2_bins() { command -v curl; }

# step|status|pattern the body must match (ERE; empty: anything)
FCAPI_EXPECT=(
	'root-before|200|"id":"lab-fc-api","state":"Not started"'
	'boot-source|204|'
	'machine-config|204|'
	'unknown-field|400|unknown field `vcpus`'
	'machine-after-bad|200|"vcpu_count":2,"mem_size_mib":256'
	'passthrough|204|'
	'id-mismatch|400|does not match the id from the body'
	'metrics|204|'
	'start|204|'
	'root-running|200|"state":"Running"'
	'vm-config|200|"device-passthrough":\[\{"id":"nvme0","sbdf":"0000:00:03.0"\}\]'
	'boot-after-start|400|not supported after starting the microVM'
	'start-again|400|not supported after starting the microVM'
	'pause|204|'
	'root-paused|200|"state":"Paused"'
	'resume|204|'
	'flush-metrics|204|'
	'ctrl-alt-del|204|'
)

check_fcapi_steps() {
	local text=$1 e step want pat line code body bad="" n=0
	for e in "${FCAPI_EXPECT[@]}"; do
		step=${e%%|*}
		e=${e#*|}
		want=${e%%|*}
		pat=${e#*|}
		line=$(lines "$text" "LAB: FCAPI step=$step " | tail -n1)
		code=$(field "$line" code)
		body=${line#*body=}
		if [ -z "$line" ]; then
			bad="$bad $step: no request;"
		elif [ "$code" != "$want" ]; then
			bad="$bad $step: HTTP $code, want $want ($body);"
		elif [ -n "$pat" ] && ! grep -Eq -- "$pat" <<<"$body"; then
			bad="$bad $step: body '$body' lacks /$pat/;"
		else
			n=$((n + 1))
		fi
	done
	if [ -z "$bad" ]; then
		result fc-api/api ok "$n requests answered as Firecracker would (204/200/400, fault_message names the field)"
	else
		result fc-api/api fail "${bad# }" "$(lines "$text" 'LAB: FCAPI|passvm')"
	fi
}

scen_fc-api_check() {
	local logf=$1 text end rc why="" nv cfg bad
	lab_want passvm || return 0
	text=$(section "$logf" fc-api-sock)
	end=$(lines "$text" 'LAB: END fc-api-sock ' | tail -n1)
	rc=$(field "$end" exit)
	if [ -z "$text" ]; then
		result fc-api/api fail "no fc-api run in the log (vfio-pci bind failed or L2 died?)" \
			"$(lines "$(tr -d '\r' <"$logf")" 'LAB:|fc-api')"
		return
	fi
	check_fcapi_steps "$text"
	nv=$(lines "$text" 'L3: FC-API nvme=' | tail -n1)
	why=$(vmm_run_why "$text" "$end" "$rc")
	if [ -n "$why" ]; then
		:
	elif ! grep -q 'nvme=present driver=nvme' <<<"$nv"; then
		why="the guest has no NVMe on its nvme driver: ${nv:-no report}"
	elif ! grep -q 'L3: FC-API-SIGINT' <<<"$text"; then
		why="SendCtrlAltDel never reached the guest's init as SIGINT"
	elif ! grep -q 'LAB: fc-api socket after exit: removed' <<<"$text"; then
		why="passvm left its API socket behind"
	elif [ "$(field "$(lines "$text" 'LAB: fc-api metrics')" lines)" -lt 1 ] 2>/dev/null; then
		why="FlushMetrics wrote no line to the metrics file"
	fi
	report_run fc-api/guest fc-api-sock "$text" passvm "$why" \
		"exit=0: configured over the API, NVMe passed through, Ctrl-Alt-Del -> SIGINT -> power-off, socket removed"

	text=$(section "$logf" fc-api-config)
	end=$(lines "$text" 'LAB: END fc-api-config ' | tail -n1)
	why=$(vmm_run_why "$text" "$end" "$(field "$end" exit)")
	cfg=$(lines "$text" 'L3: FC-API nvme=' | tail -n1)
	if [ -z "$why" ] && ! grep -q 'nvme=present driver=nvme' <<<"$cfg"; then
		why="the guest has no NVMe on its nvme driver: ${cfg:-no report}"
	elif [ -z "$why" ] && ! grep -q 'L3: GUEST-DONE' <<<"$text"; then
		why="no L3: GUEST-DONE marker"
	fi
	report_run fc-api/config fc-api-config "$text" passvm "$why" \
		"exit=0: the same VM from --config-file"

	bad=$(lines "$(tr -d '\r' <"$logf")" 'LAB: fc-api bad-config' | tail -n1)
	if [ "$(field "$bad" exit)" = 152 ] && grep -q 'machine-config' <<<"$bad" &&
		grep -q 'memory' <<<"$bad"; then
		result fc-api/bad-config ok "exit=152, ${bad#*msg=}"
	else
		result fc-api/bad-config fail "want exit=152 and a message naming machine-config and memory: ${bad:-no report}"
	fi
	print_run_table
}
