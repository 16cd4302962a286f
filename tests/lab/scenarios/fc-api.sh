# shellcheck shell=bash
# fc-api (host side): passvm driven over its Firecracker-compatible API
# socket with curl (fc-api.l2.sh). fc-api/api: every request got the status
# Firecracker gives and the body says what it should (an unknown field and
# a path id that differs from the body's are refused and change nothing, a
# pre-boot resource after the start and a second InstanceStart are
# refused, and so is an MMDS config: passvm has no MMDS; a drive's file
# swapped after boot with PATCH /drives path_on_host, a missing one
# refused first; GET /vm/config names the new file; the image lock moved
# to it). fc-api/guest:
# the guest booted with the 2 vCPUs set over the API as one core of two
# threads ("smt": true; siblings = cpu0's thread_siblings_list) and, its
# boot args' pci=off dropped, the passed-through NVMe on its nvme driver;
# the swapped drive
# grew from 2048 to 6144 sectors in the guest, which read the new file's
# marker in its last sector; SendCtrlAltDel
# reached its init as SIGINT, it powered off, passvm exited 0 and removed
# its socket, FlushMetrics wrote a line. fc-api/config: the same VM from
# --config-file boots (no smt: siblings 0) and exits 0. fc-api/bad-config: an unknown field in
# the file gives exit 152 and a message naming the key and the field.
# passvm only (QEMU has no such API).
scen_fc-api_devices() { l1_dev_nvme; }
scen_fc-api_modules() { :; }
# the swapped drive is virtio-blk: the cloud kernel has it as modules
scen_fc-api_l3_cloud_modules() { echo virtio_pci virtio_blk; }
scen_fc-api_budget() { echo 240; }
# curl in L2 (with its libraries), as Firecracker's guide drives the socket
scen_fc-api_l2_bins() { command -v curl; }

# step|status|ERE the body must match (empty: anything). The body is one
# RESULT value: its blanks are _ (lab_word in fc-api.l2.sh).
# shellcheck disable=SC2016 # the backquotes are Firecracker's, not the shell's
FCAPI_EXPECT=(
	'root-before|200|"id":"lab-fc-api","state":"Not_started"'
	'boot-source|204|'
	'machine-config|204|'
	'unknown-field|400|unknown_field_`vcpus`'
	'machine-after-bad|200|"vcpu_count":2,"mem_size_mib":256,"smt":true'
	'passthrough|204|'
	'id-mismatch|400|does_not_match_the_id_from_the_body'
	'metrics|204|'
	'drive|204|'
	'mmds-config|400|passvm_does_not_support_MMDS'
	'start|204|'
	'root-running|200|"state":"Running"'
	"vm-config|200|\"device-passthrough\":\\[\\{\"id\":\"nvme0\",\"sbdf\":\"${NVME_BDF//./\\.}\"\\}\\]"
	'swap-missing|400|disk_/tmp/fc-missing\.img:_no_such_file'
	'swap|204|'
	'vm-config-swapped|200|"drive_id":"swap","path_on_host":"/tmp/fc-new\.img","is_root_device":false,"is_read_only":false'
	'boot-after-start|400|not_supported_after_starting_the_microVM'
	'start-again|400|not_supported_after_starting_the_microVM'
	'pause|204|'
	'root-paused|200|"state":"Paused"'
	'resume|204|'
	'flush-metrics|204|'
	'ctrl-alt-del|204|'
)

# fcapi_conds: the conditions of FCAPI_EXPECT on the fc-api/api record,
# STEP==STATUS and STEP_body~ERE (STEP with _ for -), one a line
fcapi_conds() {
	local e step want pat
	for e in "${FCAPI_EXPECT[@]}"; do
		step=${e%%|*}
		step=${step//-/_}
		e=${e#*|}
		want=${e%%|*}
		pat=${e#*|}
		echo "$step==$want"
		[ -z "$pat" ] || echo "${step}_body~$pat"
	done
}

scen_fc-api_check() {
	local -a conds
	lab_want passvm || return 0
	mapfile -t conds < <(fcapi_conds)
	# the run's own record on top: a FAIL then says whether passvm hung or
	# never ended
	expect fc-api/api fc-api/api run=fc-api-sock + fc-api run=fc-api-sock "${conds[@]}" \
		lock_old==no lock_new==yes
	expect_run fc-api/guest fc-api run=fc-api-sock exit==0 hung==0 cpus==2 \
		siblings==0-1 nvme==present driver==nvme 'hold>=1' sigint==yes socket==removed \
		'metrics_lines>=1' stats==yes swap_before==2048 swap_sectors==6144 \
		swap_marker==passvm-swap-new
	expect_run fc-api/config fc-api run=fc-api-config exit==0 cpus==2 \
		siblings==0 nvme==present driver==nvme guest==done stats==yes
	# shellcheck disable=SC2016 # passvm quotes the field in backquotes
	expect fc-api/bad-config fc-api/bad-config exit==152 'msg~machine-config' \
		'msg~`memory`'
	print_run_table
}
