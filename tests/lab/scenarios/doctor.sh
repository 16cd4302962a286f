# shellcheck shell=bash
# doctor (host side): `passvm doctor` and the non-viable-group refusal.
#   doctor/ready     NVMe on vfio-pci: exit 0, every check line OK or WARN
#                    (the numbered fixes of the WARNs and the verdict aside)
#   doctor/json      --json of the same: valid JSON (python3, on the host),
#                    "ok": true, the NVMe among its devices
#   doctor/group     bridge group with GRP_EDU2_BDF on uio_pci_generic: exit
#                    non-zero, a FAIL ...group_viable line naming EDU2 and its
#                    driver, whose "-- fix N" is "passvm bind --group
#                    GRP_EDU1_BDF" in doctor's numbered list of fixes
#   doctor/run       `passvm run --vfio GRP_EDU1_BDF` on that group: exit 1,
#                    one line naming EDU2 and its driver, no L3
scen_doctor_devices() {
	l1_dev_nvme
	l1_dev_bridge
}
scen_doctor_modules() { echo uio_pci_generic; }
scen_doctor_budget() { echo 40; }

# doctor_out NAME: the output of one framed doctor run (doctor.l2.sh)
doctor_out() {
	tr -d '\r' <"$RESULTS_LOG" | awk -v n="$1" '
		$0 ~ "LAB: DOCTOR-BEGIN " n " " {on = 1; next}
		$0 ~ "LAB: DOCTOR-END " n " " {on = 0}
		on {print}'
}

# doctor_json_note: validate the --json output with python3 and note what
# it says: doctor/nvme-json valid=yes|no json_ok= checks= fail= warn=
# devices=BDF,...
doctor_json_note() {
	local jv
	jv=$(doctor_out nvme-json | python3 -c '
import json, sys
d = json.load(sys.stdin)
c = d["checks"]
devs = sorted({x["device"] for x in c if x["device"]})
print("valid=yes json_ok=%s version=%s checks=%d fail=%d warn=%d devices=%s" % (
    str(d["ok"]).lower(), d.get("version"), len(c),
    sum(x["status"] == "fail" for x in c),
    sum(x["status"] == "warn" for x in c), ",".join(devs) or "none"))
' 2>/dev/null) || jv=valid=no
	# shellcheck disable=SC2086 # KEY=VALUE words
	note doctor/nvme-json $jv
}

scen_doctor_check() {
	local out
	out=$(doctor_out nvme-text)
	if EXPECT_TAIL=$out expect doctor/ready doctor/nvme-text rc==0 fail==0 other==0 'ok>=1'; then
		grep -E '^(WARN|READY:) ' <<<"$out" | sed 's/^/     /' || true
	fi
	doctor_json_note
	EXPECT_TAIL=$(doctor_out nvme-json) expect doctor/json doctor/nvme-json rc==0 \
		valid==yes json_ok==true "devices~(^|,)$NVME_BDF(,|$)"
	out=$(doctor_out group-text)
	# fix: item fix_no (the FAIL line's "-- fix N") of doctor's numbered
	# list, its blanks as _ (doctor.l2.sh)
	if EXPECT_TAIL=$out expect doctor/group doctor/group-text 'rc!=0' 'rc~^[0-9]+$' \
		viable_fail==yes names_other==yes names_driver==yes 'fix_no~^[0-9]+$' \
		"fix==passvm_bind_--group_$GRP_EDU1_BDF"; then
		grep -E '^FAIL ' <<<"$out" | sed 's/^/     /' || true
		sed -n '/^Fixes, in order/,/^$/p' <<<"$out" | sed '/^$/d; s/^/     /'
	fi
	# the run ended before any guest: no guest= key from L3
	if expect doctor/run doctor run=doctor-run + doctor/run exit==1 stderr_lines==1 \
		guest== names_other==yes names_driver==yes; then
		section "$RESULTS_LOG" doctor-run | grep -v -E '^LAB: |^$|passvm: stats:' |
			sed 's/^/     /' || true
	fi
}
