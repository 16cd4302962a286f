# shellcheck shell=dash
# timeout (L2 side): passvm with --timeout 20s --timeout-grace 30s
# (scenarios/timeout.sh) and a guest that holds; then what passvm said
# (button=none|pressed) and what its result file says (end, fired,
# grace_s).
lab_want passvm || exit 0
R=/tmp/timeout-result.json
rm -f "$R"
lab_passvm timeout-passvm --timeout 20s --timeout-grace 30s --result "$R" \
	--cmdline "$L3_CMDLINE $(lab_l3_args passvm) lab_hold=120"
button=unknown
grep -q 'has no power button' "$LAB_VMM_ERR" && button=none
grep -q 'pressing its power button' "$LAB_VMM_ERR" && button=pressed
lab_result timeout vmm=passvm button=$button \
	end="$(sed -n 's/.*"end": *"\([a-z-]*\)".*/\1/p' "$R")" \
	fired="$(sed -n 's/.*"fired": *\([a-z]*\).*/\1/p' "$R")" \
	grace_s="$(sed -n 's/.*"grace_s": *\([0-9.]*\).*/\1/p' "$R")"
