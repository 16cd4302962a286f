# shellcheck shell=dash
# fc-api (L2 side): the microVM configured over passvm's Firecracker API
# socket with curl, as Firecracker's getting-started guide does:
# boot-source, machine-config, device-passthrough (the NVMe NVME_BDF),
# metrics, InstanceStart. Two requests are shaped as firecracker-go-sdk
# and firectl send them: machine-config with "smt": true (firectl's
# default; the guest must see two threads per core) and boot args with
# pci=off (firectl's and the guide's: passvm drops it, the NVMe must still
# appear); an MMDS config, which passvm lacks, is refused as such. Then
# GET / and GET /vm/config while the guest
# runs, the refusals (unknown field, pre-boot resource after boot, a
# second InstanceStart), pause/resume, FlushMetrics, and SendCtrlAltDel,
# which the guest's init turns into a power-off. Then the same VM from
# --config-file, and a bad config file (exit 152). passvm only.
# A drive "swap" (a placeholder of 2048 sectors, read-write) gets a new
# file over the API while the guest runs, as firecracker-go-sdk's
# UpdateGuestDrive sends it (PATCH /drives/swap path_on_host): a missing
# file is refused first and changes nothing; then the guest must see the
# new size and read the marker in the new file's last sector (fc-api.l3.sh:
# swap_sectors=, swap_marker=), GET /vm/config name the new file, and the
# image lock (an OFD lock in /proc/locks) be on the new file, not the old.
# Measures, in the run fc-api-sock:
#   LAB: RESULT fc-api/api STEP=HTTP_STATUS STEP_body=BODY   (per request;
#                                 STEP with _ for -, BODY one lab_word)
#   LAB: RESULT fc-api/api lock_old=yes|no lock_new=yes|no (after the swap)
#   LAB: RESULT fc-api vmm=passvm exit=N wall_ms=N hung=0|1 stats=...
#                                 socket=removed|present metrics_lines=N
#   LAB: RESULT fc-api/vfio ...   (lab_stats_vfio)
# the run fc-api-config (lab_run), and
#   LAB: RESULT fc-api/bad-config exit=N msg=FIRST_LINE_OF_STDERR
lab_want passvm || exit 0
SOCK=/tmp/fc-api.sock
# Firecracker's guests probe the i8042 directly (passvm's ACPI lists none)
FC_ARGS="i8042.nopnp i8042.noaux i8042.nomux i8042.dumbkbd"

grp=$(lab_bind "$NVME_BDF") || exit 1
echo "LAB: fc-api $NVME_BDF group=$grp"

# While passvm runs, its output (the guest's console) goes to the L2
# console by lab_follow, a piece at a time, often ending mid-line: a line
# L2 printed meanwhile would cut a guest line in two (seen: the guest's
# sigint=yes lost in "LAB: RESLAB: RESULT fc-api/api ..."). So L2's own
# lines of the run wait in /tmp/fc-api.lab and follow passvm's output
# once it has ended (still inside the run's frame).

# api STEP METHOD PATH [BODY]: one request; its status and answer as one
# RESULT line, in /tmp/fc-api.lab
api() {
	local step=$1 method=$2 path=$3 body=${4:-} code key
	if [ -n "$body" ]; then
		code=$(curl -s -o /tmp/fc.body -w '%{http_code}' --unix-socket "$SOCK" \
			-X "$method" -H 'Content-Type: application/json' \
			-d "$body" "http://localhost$path")
	else
		code=$(curl -s -o /tmp/fc.body -w '%{http_code}' --unix-socket "$SOCK" \
			-X "$method" "http://localhost$path")
	fi
	key=$(echo "$step" | tr - _)
	lab_result fc-api/api "$key=$code" \
		"${key}_body=$(lab_word "$(cat /tmp/fc.body 2>/dev/null)")" >>/tmp/fc-api.lab
	rm -f /tmp/fc.body
}

# ofd_locked FILE: yes when an OFD lock (passvm's image lock) is on FILE
ofd_locked() {
	if grep OFDLCK /proc/locks | grep -q ":$(stat -c %i "$1") "; then
		echo yes
	else
		echo no
	fi
}

# 1. over the API (by hand, not lab_run: L2 talks to passvm while it runs)
echo "LAB: BEGIN fc-api-sock vmm=passvm"
rm -f "$SOCK" /tmp/fc.metrics /tmp/fc-api.lab /tmp/fc-old.img /tmp/fc-new.img
# the swapped drive: 1 MiB now, 3 MiB with a marker in its last sector after
truncate -s 1M /tmp/fc-old.img
truncate -s 3M /tmp/fc-new.img
printf 'passvm-swap-new' | dd of=/tmp/fc-new.img bs=512 seek=6143 conv=notrunc 2>/dev/null
# shellcheck disable=SC2086 # LAB_PASSVM_ARGS: options without spaces
set -- "$PASSVM" run --api-sock "$SOCK" --id lab-fc-api --stats ${LAB_PASSVM_ARGS:-}
# passvm's output to /tmp/fc-api.out (read below) and, by lab_follow, to
# the console, all of it before "LAB: END"
lab_bg_start /tmp/fc-api.out "$@"
i=0
while [ ! -S "$SOCK" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
api root-before GET /
api boot-source PUT /boot-source "{\"kernel_image_path\": \"$L3_KERNEL\", \"initrd_path\": \"$L3_INITRD\", \"boot_args\": \"$L3_CMDLINE $(lab_l3_args passvm) fc_hold=90 $FC_ARGS pci=off\"}"
# as the Go SDK encodes firectl's machine config (smt: !--disable-smt)
api machine-config PUT /machine-config '{"mem_size_mib":256,"smt":true,"vcpu_count":2}'
api unknown-field PUT /machine-config '{"vcpu_count": 1, "mem_size_mib": 512, "vcpus": 4}'
api machine-after-bad GET /machine-config
api passthrough PUT /device-passthrough/nvme0 "{\"id\": \"nvme0\", \"sbdf\": \"$NVME_BDF\"}"
api id-mismatch PUT /device-passthrough/nvme0 "{\"id\": \"nvme1\", \"sbdf\": \"$NVME_BDF\"}"
api metrics PUT /metrics '{"metrics_path": "/tmp/fc.metrics"}'
api drive PUT /drives/swap '{"drive_id": "swap", "path_on_host": "/tmp/fc-old.img", "is_root_device": false, "is_read_only": false}'
api mmds-config PUT /mmds/config '{"network_interfaces":["1"],"version":"V1"}'
api start PUT /actions '{"action_type": "InstanceStart"}'
# the guest holds once it has reported its NVMe (fc-api.l3.sh: hold=N)
lab_bg_wait_for 'LAB: RESULT fc-api .*hold='
echo "LAB: fc-api guest holding after $((LAB_BG_WAITED / 10))s" >>/tmp/fc-api.lab
api root-running GET /
api vm-config GET /vm/config
api swap-missing PATCH /drives/swap '{"drive_id": "swap", "path_on_host": "/tmp/fc-missing.img"}'
# as firecracker-go-sdk's UpdateGuestDrive encodes it
api swap PATCH /drives/swap '{"drive_id":"swap","path_on_host":"/tmp/fc-new.img"}'
lab_bg_wait_for 'LAB: RESULT fc-api .*swap_sectors='
lab_result fc-api/api lock_old="$(ofd_locked /tmp/fc-old.img)" \
	lock_new="$(ofd_locked /tmp/fc-new.img)" >>/tmp/fc-api.lab
api vm-config-swapped GET /vm/config
api boot-after-start PUT /boot-source "{\"kernel_image_path\": \"$L3_KERNEL\"}"
api start-again PUT /actions '{"action_type": "InstanceStart"}'
api pause PATCH /vm '{"state": "Paused"}'
api root-paused GET /
api resume PATCH /vm '{"state": "Resumed"}'
api flush-metrics PUT /actions '{"action_type": "FlushMetrics"}'
echo "LAB: fc-api metrics: $(head -c 200 /tmp/fc.metrics 2>/dev/null)" >>/tmp/fc-api.lab
metrics_lines=0
[ ! -f /tmp/fc.metrics ] || metrics_lines=$(wc -l </tmp/fc.metrics)
api ctrl-alt-del PUT /actions '{"action_type": "SendCtrlAltDel"}'
lab_bg_end
cat /tmp/fc-api.lab
echo "LAB: passvm exit=$LAB_BG_RC"
# shellcheck disable=SC2046 # lab_stats_keys: KEY=VALUE words
lab_result fc-api vmm=passvm exit="$LAB_BG_RC" wall_ms="$LAB_BG_MS" hung="$LAB_BG_HUNG" \
	socket="$([ -e "$SOCK" ] && echo present || echo removed)" \
	metrics_lines="$metrics_lines" $(lab_stats_keys /tmp/fc-api.out)
lab_stats_vfio /tmp/fc-api.out
echo "LAB: END fc-api-sock vmm=passvm exit=$LAB_BG_RC wall_ms=$LAB_BG_MS"

# 2. the same VM from --config-file (the guest powers off by itself)
cat >/tmp/fc-vm.json <<JSON
{
  "boot-source": {
    "kernel_image_path": "$L3_KERNEL",
    "initrd_path": "$L3_INITRD",
    "boot_args": "$L3_CMDLINE $(lab_l3_args passvm) $FC_ARGS"
  },
  "drives": [],
  "machine-config": {"vcpu_count": 2, "mem_size_mib": 256},
  "device-passthrough": [{"id": "nvme0", "sbdf": "$NVME_BDF"}],
  "mmds-config": null
}
JSON
# shellcheck disable=SC2086 # LAB_PASSVM_ARGS: options without spaces
lab_run fc-api-config passvm "$PASSVM" run --config-file /tmp/fc-vm.json --stats ${LAB_PASSVM_ARGS:-}

# 3. a bad config file: an unknown field in machine-config
sed 's/"mem_size_mib": 256/"mem_size_mib": 256, "memory": 1/' /tmp/fc-vm.json >/tmp/fc-bad.json
"$PASSVM" run --config-file /tmp/fc-bad.json </dev/null >/tmp/fc-bad.out 2>&1
rc=$?
lab_result fc-api/bad-config exit=$rc msg="$(lab_word "$(head -n1 /tmp/fc-bad.out)")"
