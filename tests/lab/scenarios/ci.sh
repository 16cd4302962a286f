# shellcheck shell=bash
# ci (host side): README's "Test your driver in CI" as a CI job runs it
# (ci.l2.sh): scripts/ci-initramfs over tests/lab/ci-tests (README's NVMe
# test, a module loader, the lab's own test), `--vfio NVME_BDF,managed`,
# --verdict, --timeout, --result. passvm only. Every run's result file is
# checked here against README's schema (python3) and its figures become
# the record ci/json run=RUN.
#   ci/setup         the NVMe on L2's nvme driver before the runs
#   ci/cloud-pass    cloud kernel (no /dev/port): the verdict page is in
#                    /proc/iomem as PSVM0001 and reads PVVD; verdict 0 by
#                    devmem: exit 64, result end=verdict value 0 mmio
#   ci/cloud-fail    --verdict serial: the test fails with 3: exit 67,
#                    channel serial, the devmem write counted as ignored
#   ci/cloud-hang    the test hangs: --timeout: exit 5, end=timeout,
#                    device reset and back on nvme
#   ci/cloud-off     no --verdict (--reboot): the writes change nothing,
#                    power-off: exit 0, both counted as ignored
#   ci/full-pass     Debian's full kernel (/dev/port), its nvme modules in
#                    the test directory: exit 64
#   ci/full-fail     exit 67, verdict 3 by mmio
#   ci/full-button   --timeout presses the ACPI power button, Linux's
#                    button driver gets it (ff_pwr_btn), the guest's
#                    verdict follows: exit 5, guest_end=verdict
# Every run: the device back on nvme after it (host_driver), its reset
# and return in the result file.
scen_ci_devices() { l1_dev_nvme; }
# L2's nvme driver: the host driver ,managed gives the device back to.
scen_ci_modules() { echo nvme; }
# The full kernel's modules for its test image (ci.l2.sh takes them from
# the lab's L3 image); also makes run-lab put that kernel into L2.
scen_ci_l3_modules() { echo nvme button; }
# README's recipe and the tests, in L2's /lab/ci/
scen_ci_l2_files() {
	echo "$LAB_DIR/../../scripts/ci-initramfs" "$LAB_DIR/ci-tests"
}
scen_ci_budget() { echo 300; }

# ci_json_note RUN: the run's --result file (LAB: CI-JSON RUN {...})
# against README's schema, and what it says, as the record ci/json run=RUN.
# Its key lists (top, the sets, ends, want) are held to the code that
# writes the file by tests/unit/test_result_docs.c: change them together.
ci_json_note() {
	local kv
	kv=$(tr -d '\r' <"$RESULTS_LOG" | sed -n "s/^.*LAB: CI-JSON $1 //p" | tail -n1 |
		python3 -c '
import json, sys

def fail(why):
    print("schema=bad:" + why.replace(" ", "_"))
    sys.exit(0)

text = sys.stdin.read().strip()
try:
    r = json.loads(text)
except ValueError:
    fail("not_JSON")
num = (int, float)
opt = lambda t: (t, type(None))
top = {"schema": int, "passvm_version": str, "end": str, "exit_status": int,
       "message": opt(str), "signal": opt(int), "verdict": opt(dict),
       "timeout": opt(dict), "console": str, "guest_started": bool,
       "launch_to_first_instruction_ms": num, "launch_to_exit_s": num,
       "reboots": int, "exits": dict, "pio": dict, "mmio": dict,
       "memory_kib": dict, "guest_ram": dict, "dma": dict, "vfio": list,
       "virtio": list,
       "verdict_writes_ignored": dict}
if set(r) != set(top):
    fail("keys " + " ".join(sorted(set(r) ^ set(top))))
for k, t in top.items():
    if not isinstance(r[k], t) or (t is int and isinstance(r[k], bool)):
        fail("type of " + k)
if r["schema"] != 1:
    fail("schema version")
ends = {"verdict", "power-off", "reset", "crash", "timeout", "signal",
        "error", "usage-error", "bad-config", "bad-syscall"}
if r["end"] not in ends:
    fail("end " + r["end"])
if set(r["exits"]) != {"total", "pio", "mmio", "hlt", "signal", "shutdown",
                       "system-event", "other"}:
    fail("exits keys")
if set(r["memory_kib"]) != {"vmm_rss_anon", "guest_ram_touched", "peak_rss"}:
    fail("memory_kib keys")
if set(r["verdict_writes_ignored"]) != {"mmio", "serial", "port"}:
    fail("verdict_writes_ignored keys")
v = r["verdict"]
if v is not None and (set(v) != {"value", "channel"} or
                      not 0 <= v["value"] <= 255 or
                      v["channel"] not in ("mmio", "serial", "port")):
    fail("verdict")
t = r["timeout"]
if t is not None and set(t) != {"after_s", "grace_s", "fired", "guest_end"}:
    fail("timeout keys")
dev = {"bdf", "trapped_bar_reads", "trapped_bar_writes",
       "msix_table_pba_accesses", "config_reads", "config_writes",
       "bar_pieces_mapped", "vectors_routed", "managed", "reset_ok",
       "host_driver_restored", "driver_at_exit"}
for d in r["vfio"]:
    if set(d) != dev:
        fail("vfio keys")
# the exit status follows from the end (README "Exit status")
want = {"power-off": 0, "error": 1, "usage-error": 2, "reset": 3,
        "crash": 4, "timeout": 5, "bad-config": 152,
        "bad-syscall": 148}.get(r["end"])
if r["end"] == "verdict":
    want = 64 + min(v["value"], 63)
if r["end"] == "signal":
    want = 128 + r["signal"]
if r["exit_status"] != want:
    fail("exit_status %d for %s" % (r["exit_status"], r["end"]))
d = r["vfio"][0] if r["vfio"] else {}
s = lambda x: "null" if x is None else str(x).lower()
print(" ".join("%s=%s" % kv for kv in [
    ("schema", "ok"), ("end", r["end"]), ("exit_status", r["exit_status"]),
    ("verdict_value", "" if v is None else v["value"]),
    ("verdict_channel", "" if v is None else v["channel"]),
    ("timeout_fired", s(t and t["fired"])),
    ("guest_end", s(t and t["guest_end"])),
    ("started", s(r["guest_started"])), ("console", r["console"]),
    ("exits_total", r["exits"]["total"]),
    ("ignored_mmio", r["verdict_writes_ignored"]["mmio"]),
    ("ignored_serial", r["verdict_writes_ignored"]["serial"]),
    ("json_bdf", d.get("bdf", "none")), ("managed", s(d.get("managed"))),
    ("reset_ok", s(d.get("reset_ok"))),
    ("restored", s(d.get("host_driver_restored"))),
    ("driver_at_exit", s(d.get("driver_at_exit"))),
    ("trapped", d.get("trapped_bar_reads", 0) + d.get("trapped_bar_writes", 0))]))
' 2>/dev/null) || kv=schema=bad:python3_failed
	# shellcheck disable=SC2086 # KEY=VALUE words
	note ci/json run="$1" ${kv:-schema=bad:no_result_file}
}

# ci_expect RUN COND...: the run's record (L3's and L2's lines, the
# result file's figures, the driver after it) against COND
ci_expect() {
	local run=$1
	shift
	ci_json_note "$run"
	expect_run "ci/$run" ci run="$run" + "ci/$run" + ci/json run="$run" \
		"$(stats_cond passvm)" schema==ok started==true managed==true \
		reset_ok==true restored==true driver_at_exit==nvme \
		host_driver==nvme "json_bdf==$NVME_BDF" "$@"
}

scen_ci_check() {
	lab_want passvm || return 0
	expect ci/setup ci/setup driver==nvme || return 0
	expect ci/images ci/images 'full_modules>=3' 'cloud_bytes>0'
	ci_expect cloud-pass exit==64 mode==pass nvme==yes guest_driver==nvme \
		devport==no 'iomem~PSVM0001' magic==0x44565650 end==verdict \
		exit_status==64 verdict_value==0 verdict_channel==mmio \
		timeout_fired==false
	ci_expect cloud-fail exit==67 mode==fail nvme==yes end==verdict \
		verdict_value==3 verdict_channel==serial ignored_mmio==1
	ci_expect cloud-hang exit==5 hanging==yes end==timeout \
		timeout_fired==true guest_end==timeout verdict_value==
	ci_expect cloud-off exit==0 mode==pass nvme==yes end==power-off \
		verdict_value== ignored_mmio==1 ignored_serial==1
	ci_expect full-pass exit==64 nvme==yes guest_driver==nvme devport==yes \
		'kernel~^[0-9.]+-[0-9]+-amd64$' end==verdict verdict_value==0
	ci_expect full-fail exit==67 end==verdict verdict_value==3 \
		verdict_channel==mmio
	ci_expect full-button exit==5 pressed==yes 'button>=1' end==timeout \
		timeout_fired==true guest_end==verdict verdict_value==0
	print_run_table
}
