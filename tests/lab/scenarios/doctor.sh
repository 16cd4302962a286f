# shellcheck shell=bash
# doctor (host side): `passvm doctor` and the non-viable-group refusal.
#   doctor/ready     NVMe on vfio-pci: exit 0, every line OK or WARN
#   doctor/json      --json of the same: valid JSON (python3), "ok": true
#   doctor/group     bridge group with 01:02.0 on uio_pci_generic: exit
#                    non-zero, a FAIL line naming 01:02.0 and its driver
#                    whose "-- fix N" is "passvm bind --group 0000:01:01.0"
#                    in doctor's numbered list of fixes
#   doctor/run       `passvm run --vfio 0000:01:01.0` on that group: exit 1,
#                    one line naming 01:02.0 and its driver, no L3
scen_doctor_devices() {
	l1_dev_nvme
	l1_dev_bridge
}
scen_doctor_modules() { echo uio_pci_generic; }
scen_doctor_budget() { echo 40; }

# doctor_out LOG NAME: the output of one framed doctor run; the END line
# (with rc=) last
doctor_out() {
	tr -d '\r' <"$1" | awk -v n="$2" '
		$0 ~ "LAB: DOCTOR-BEGIN " n " " {on = 1; next}
		$0 ~ "LAB: DOCTOR-END " n " " {print; on = 0}
		on {print}'
}

# doctor_fix OUT N: fix N of the numbered "Fixes, in order" list in doctor's
# text output OUT, its wrapped lines joined
doctor_fix() {
	awk -v n="$2" '
		/^Fixes, in order/ {on = 1; next}
		on && /^$/ {exit}
		on && /^ *[0-9]+\. / {
			cur = $1 + 0; sub(/^ *[0-9]+\. /, "")
			if (cur == n) out = $0
			next
		}
		on && cur == n {sub(/^ +/, ""); out = out " " $0}
		END {print out}' <<<"$1"
}

scen_doctor_check() {
	local logf=$1 out rc body bad json jv text err n fix
	# 1. ready
	out=$(doctor_out "$logf" nvme-text)
	rc=$(field "$(tail -n1 <<<"$out")" rc)
	body=$(sed '$d' <<<"$out")
	# check lines, then the numbered fixes (of the WARNs), then the verdict
	bad=$(sed '/^Fixes, in order/,/^$/d' <<<"$body" |
		grep -v -E '^(OK|WARN) |^READY: |^$' || true)
	if [ -z "$out" ]; then
		result doctor/ready fail "no doctor output for 0000:00:03.0 in the log" \
			"$(lines "$(tr -d '\r' <"$logf")" 'LAB:')"
	elif [ "$rc" != 0 ] || [ -n "$bad" ]; then
		result doctor/ready fail "exit=$rc (want 0), lines not OK/WARN: $(wc -l <<<"$bad")" "$out"
	else
		result doctor/ready ok "exit=0, $(grep -c '^OK ' <<<"$body") OK + $(grep -c '^WARN ' <<<"$body") WARN lines; $(grep '^READY: ' <<<"$body")"
		grep '^WARN ' <<<"$body" | sed 's/^/     /' || true
	fi
	# 2. json
	out=$(doctor_out "$logf" nvme-json)
	rc=$(field "$(tail -n1 <<<"$out")" rc)
	json=$(sed '$d' <<<"$out")
	jv=$(python3 -c '
import json, sys
d = json.load(sys.stdin)
c = d["checks"]
devs = sorted({x["device"] for x in c if x["device"]})
print("ok=%s version=%s checks=%d fail=%d warn=%d devices=%s" % (
    str(d["ok"]).lower(), d.get("version"), len(c),
    sum(x["status"] == "fail" for x in c),
    sum(x["status"] == "warn" for x in c), ",".join(devs)))
' <<<"$json" 2>&1) || jv="invalid JSON: $(tail -n1 <<<"$jv")"
	if [ -z "$json" ]; then
		result doctor/json fail "no --json output in the log"
	elif [[ $jv != ok=true* ]] || [ "$rc" != 0 ] || [[ $jv != *devices=0000:00:03.0* ]]; then
		result doctor/json fail "exit=$rc $jv" "$json"
	else
		result doctor/json ok "exit=0 valid JSON: $jv"
	fi
	# 3. non-viable group
	out=$(doctor_out "$logf" group-text)
	rc=$(field "$(tail -n1 <<<"$out")" rc)
	err=$(grep -E '^FAIL .*group_viable' <<<"$out" || true)
	if [ -z "$out" ]; then
		result doctor/group fail "no doctor output for 0000:01:01.0 in the log" \
			"$(lines "$(tr -d '\r' <"$logf")" 'LAB:')"
	elif [ "$rc" = 0 ]; then
		result doctor/group fail "exit=0 on a non-viable group (want non-zero)" "$out"
	elif [ -z "$err" ]; then
		result doctor/group fail "exit=$rc but no FAIL ...group_viable line" "$out"
	elif ! grep -q '0000:01:02.0' <<<"$err" || ! grep -q 'uio_pci_generic' <<<"$err"; then
		result doctor/group fail "the FAIL line does not name 0000:01:02.0 and uio_pci_generic" "$out"
	elif n=$(sed -n 's/.* -- fix \([0-9][0-9]*\)$/\1/p' <<<"$err") &&
		fix=$(doctor_fix "$out" "$n") &&
		[ "$fix" != "passvm bind --group 0000:01:01.0" ]; then
		result doctor/group fail "the FAIL line's fix ${n:-(none)} is '$fix', not 'passvm bind --group 0000:01:01.0'" "$out"
	else
		result doctor/group ok "exit=$rc; $(grep -c '^FAIL ' <<<"$out") FAIL line(s):"
		printf '     %s\n' "$err" "fix $n: $fix"
	fi
	# 4. passvm run refuses the group
	text=$(section "$logf" doctor-run)
	rc=$(field "$(lines "$text" 'LAB: END doctor-run ')" exit)
	# passvm's own lines: everything but the lab's and the stats
	err=$(grep -v -E '^LAB: |^$|passvm: stats:' <<<"$text" || true)
	n=$(grep -c . <<<"$err" || true)
	if [ -z "$text" ]; then
		result doctor/run fail "no passvm run on the bridge group in the log"
	elif [ "$rc" != 1 ]; then
		result doctor/run fail "exit=$rc, want 1" "$text"
	elif grep -q 'L3: GUEST-UP' <<<"$text"; then
		result doctor/run fail "exit=1 but an L3 guest ran" "$text"
	elif [ "$n" != 1 ]; then
		result doctor/run fail "exit=1 with $n lines of error, want 1" "$text"
	elif ! grep -q '0000:01:02.0' <<<"$err" || ! grep -q 'uio_pci_generic' <<<"$err"; then
		result doctor/run fail "the error does not name 0000:01:02.0 and its driver uio_pci_generic" "$text"
	else
		result doctor/run ok "exit=1, no guest; $err"
	fi
}
