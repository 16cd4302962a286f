# shellcheck shell=bash
# timeout (host side): what `--timeout` does on each architecture, passvm
# only. The guest holds (lab_hold=120 on its command line: it reports
# hold=120 and sleeps, as a hung test would); passvm runs with --timeout
# TIMEOUT_AFTER --timeout-grace TIMEOUT_GRACE --result, and exits 5 with
# end "timeout" in its result file either way.
#   arm64: no power button (README "arm64"), so the guest is stopped at
#          the deadline: no grace waited (wall_ms well under after +
#          grace), grace_s 0 in the result file, passvm says so
#          (button=none).
#   x86:   the ACPI power button is pressed (button=pressed); a busybox
#          init ignores it, so the guest is stopped after the grace
#          period (ci/cloud-hang and ci/full-button cover this on x86
#          in `all`; this scenario is in the arm64 list of run-both).
scen_timeout_devices() { :; }
scen_timeout_modules() { :; }
scen_timeout_budget() { echo 120; }

TIMEOUT_AFTER=20 # s: the L3 guest is up and holding by then
TIMEOUT_GRACE=30 # s

scen_timeout_check() {
	lab_want passvm || return 0
	local after_ms=$((TIMEOUT_AFTER * 1000)) end_ms=$(((TIMEOUT_AFTER + TIMEOUT_GRACE) * 1000))
	if [ "$LAB_ARCH" = arm64 ]; then
		expect_run timeout/passvm timeout vmm=passvm exit==5 guest==up \
			hold==120 end==timeout fired==true button==none \
			grace_s==0.000 "wall_ms>=$after_ms" "wall_ms<$((end_ms - 10000))"
	else
		expect_run timeout/passvm timeout vmm=passvm exit==5 guest==up \
			hold==120 end==timeout fired==true button==pressed \
			grace_s==$TIMEOUT_GRACE.000 "wall_ms>=$end_ms"
	fi
	print_run_table
}
