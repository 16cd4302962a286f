# shellcheck shell=dash
# doctor (L2 side): `passvm doctor` on a ready device and on a non-viable
# IOMMU group, and `passvm run` refusing that group.
#   1. NVMe on vfio-pci (`passvm bind`): `passvm doctor BDF`, then `--json`.
#   2. The bridge group (BRIDGE_BDF; GRP_EDU1_BDF + GRP_EDU2_BDF): EDU1 on
#      vfio-pci (`passvm bind`), EDU2 on uio_pci_generic by hand (edu has no
#      driver of its own; uio_pci_generic takes any function with maskable
#      INTx, and is not one VFIO accepts in a group, unlike pci-stub):
#      doctor must FAIL naming EDU2 and its driver; `passvm run --vfio
#      EDU1` must exit 1 with one line naming them, before any guest starts.
#      This hand-made state is the one shell binding the lab keeps: passvm
#      bind only binds to vfio-pci, and here passvm is the one under test.
#   3. Undo: both edu functions back to no driver.
# Each doctor run is framed by "LAB: DOCTOR-BEGIN NAME" and
# "LAB: DOCTOR-END NAME rc=N" (stdout and stderr both inside), and
# measured:
#   LAB: RESULT doctor/NAME rc=N ok=N warn=N fail=N fixes=N other=N
# (check lines starting OK, WARN, FAIL; fixes: the items of the numbered
# "Fixes, in order" list; other: lines that are none of those, nor
# READY:/NOT READY:, nor blank) then doctor/group-text (viable_fail
# names_other names_driver: yes or no, what the FAIL line says; fix_no: the
# FAIL line's "-- fix N"; fix: item N of the list, wrapped lines joined,
# blanks as _) and doctor/run (names_other names_driver: what passvm's error
# says).

# lab_doctor NAME ARGS...: one `passvm doctor` run, framed and counted; its
# output stays in /tmp/doctor.out
lab_doctor() {
	local name=$1 rc out=/tmp/doctor.out
	shift
	echo "LAB: DOCTOR-BEGIN $name cmd=passvm doctor $*"
	"$PASSVM" doctor "$@" >$out 2>&1
	rc=$?
	cat $out
	echo "LAB: DOCTOR-END $name rc=$rc"
	lab_result "doctor/$name" rc=$rc ok="$(grep -c '^OK ' $out)" \
		warn="$(grep -c '^WARN ' $out)" fail="$(grep -c '^FAIL ' $out)" \
		fixes="$(doctor_fixes <$out | grep -c -E '^ *[0-9]+\. ')" \
		other="$(sed '/^Fixes, in order/,/^$/d' $out |
			grep -c -v -E '^(OK|WARN|FAIL) |^(NOT )?READY: |^$')"
}

# doctor_fixes: the "Fixes, in order" list of doctor's text output on stdin
# (up to the blank line after it)
doctor_fixes() {
	sed -n '/^Fixes, in order/,/^$/p'
}

# doctor_fix N: item N of that list in /tmp/doctor.out, its wrapped lines
# joined, as one RESULT value (lab_word)
doctor_fix() {
	lab_word "$(doctor_fixes </tmp/doctor.out | awk -v n="$1" '
		/^Fixes, in order/ || /^$/ {next}
		/^ *[0-9]+\. / {
			cur = $1 + 0; sub(/^ *[0-9]+\. /, "")
			if (cur == n) out = $0
			next
		}
		cur == n {sub(/^ +/, ""); out = out " " $0}
		END {print out}')"
}

# names TEXT PATTERN: "yes" if TEXT has PATTERN (fixed string), else "no"
names() {
	if printf '%s\n' "$1" | grep -q -F -e "$2"; then echo yes; else echo no; fi
}

if lab_bind "$NVME_BDF" >/dev/null; then
	lab_doctor nvme-text "$NVME_BDF"
	lab_doctor nvme-json --json "$NVME_BDF"
fi

lab_bind "$GRP_EDU1_BDF" >/dev/null
dev=/sys/bus/pci/devices/$GRP_EDU2_BDF
echo uio_pci_generic >"$dev/driver_override"
[ -e "$dev/driver" ] && echo "$GRP_EDU2_BDF" >"$dev/driver/unbind"
echo "$GRP_EDU2_BDF" >/sys/bus/pci/drivers_probe
echo "LAB: doctor group: $GRP_EDU1_BDF driver=$(lab_driver "$GRP_EDU1_BDF") $GRP_EDU2_BDF driver=$(lab_driver "$GRP_EDU2_BDF")"
lab_doctor group-text "$GRP_EDU1_BDF"
line=$(grep '^FAIL .*group_viable' /tmp/doctor.out)
fixno=$(echo "$line" | sed -n 's/.* -- fix \([0-9][0-9]*\)$/\1/p')
lab_result doctor/group-text viable_fail="$(names "$line" FAIL)" \
	names_other="$(names "$line" "$GRP_EDU2_BDF")" \
	names_driver="$(names "$line" uio_pci_generic)" \
	fix_no="$fixno" fix="$(doctor_fix "$fixno")"
lab_passvm doctor-run --vfio "$GRP_EDU1_BDF"
# passvm's own error lines (its stderr but for the stats)
err=$(grep -v -e '^passvm: stats: ' -e '^$' "$LAB_VMM_ERR")
lab_result doctor/run names_other="$(names "$err" "$GRP_EDU2_BDF")" \
	names_driver="$(names "$err" uio_pci_generic)"

# undo: both edu functions back to no driver (EDU2 by hand, as it was set)
echo >"$dev/driver_override"
[ -e "$dev/driver" ] && echo "$GRP_EDU2_BDF" >"$dev/driver/unbind"
lab_unbind "$GRP_EDU1_BDF"
echo "LAB: doctor undo: $GRP_EDU1_BDF driver=$(lab_driver "$GRP_EDU1_BDF") $GRP_EDU2_BDF driver=$(lab_driver "$GRP_EDU2_BDF")"
