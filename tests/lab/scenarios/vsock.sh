# shellcheck shell=bash
# vsock (host side): passvm's virtio-vsock with its host side on a Unix
# socket, as Firecracker does. In L2, a client connects to uds_path and
# sends "CONNECT 5000\n" (labtool uds-connect, retrying until the guest
# listens): passvm must answer "OK <port>", port from 2^30, and bridge the
# bytes; and the guest connects to (CID 2, port 5001), which passvm must
# forward to <uds_path>_5001, where L2 listens (labtool uds-listen). Both
# ways 1 MiB goes through and comes back (echo), checked on both ends.
# QEMU side by side with vhost-vsock-pci (L2 loads vhost_vsock; its host
# side is AF_VSOCK in L2: labtool connect / listen).
scen_vsock_devices() { :; }
scen_vsock_modules() { echo vhost_vsock; }
scen_vsock_l3_cloud_modules() { echo virtio_pci vmw_vsock_virtio_transport; }
scen_vsock_l3_tools() { lab_tool labtool; }
scen_vsock_l2_tools() { lab_tool labtool; }
scen_vsock_budget() { echo 200; }

VSOCK_BYTES=1048576

# vsock_host_port_ok LINE: the OK answer names a host port in [2^30, 2^31)
# (round robin from 2^30: the client's attempts the guest refused while its
# listener was not up yet took the first ones)
vsock_host_port_ok() {
	local p
	p=$({ grep -o "answer 'OK [0-9]*'" <<<"$1" || true; } | grep -o '[0-9]*' | head -n1)
	[ -n "$p" ] && [ "$p" -ge 1073741824 ] && [ "$p" -lt 2147483648 ]
}

check_vsock_run() {
	local logf=$1 sec=$2 label=$3 vmm=$4 text end rc wall why="" all out in hc hl
	text=$(section "$logf" "$sec")
	end=$(lines "$text" "LAB: END $sec " | tail -n1)
	rc=$(field "$end" exit)
	wall=$(field "$end" wall_ms)
	all=$(tr -d '\r' <"$logf")
	# the guest's two ends, and L2's two (reported after the run's END)
	out=$(lines "$text" 'L3: vsock out:' | tail -n1)
	in=$(lines "$text" 'L3: vsock in:' | tail -n1)
	hc=$(lines "$all" "LAB: vsock host-connect vmm=$vmm " | tail -n1)
	hl=$(lines "$all" "LAB: vsock host-listen vmm=$vmm " | tail -n1)
	if [ -z "$text" ]; then
		why="no output from this run in L2 (L2 died before it?)"
		text=$(lines "$all" 'LAB:|vsock')
	else
		why=$(vmm_run_why "$text" "$end" "$rc")
	fi
	if [ -n "$why" ]; then
		:
	elif ! grep -q "labtool: OK vsock-connect bytes=$VSOCK_BYTES" <<<"$out"; then
		why="guest -> host (CID 2 port 5001): ${out:-no report from L3}"
	elif ! grep -q "labtool: OK .*listen echoed bytes=$VSOCK_BYTES" <<<"$hl"; then
		why="L2's listener for the guest's connection: ${hl:-no report}"
	elif ! grep -q "labtool: OK .*connect bytes=$VSOCK_BYTES" <<<"$hc"; then
		why="host -> guest (CONNECT 5000): ${hc:-no report from L2}"
	elif ! grep -q "labtool: OK vsock-listen echoed bytes=$VSOCK_BYTES" <<<"$in"; then
		why="the guest's listener on port 5000: ${in:-no report}"
	elif [ "$vmm" = passvm ] && ! vsock_host_port_ok "$hc"; then
		why="passvm's answer to CONNECT was not 'OK <port>' with a host port from 2^30 up: $hc"
	fi
	report_run "$label" "$sec" "$text" "$vmm" "$why" \
		"exit=0 host->guest $(grep -o 't=[0-9.]*s' <<<"$hc" | tail -n1) and guest->host $(grep -o 't=[0-9.]*s' <<<"$out") 1 MiB echoed both ways$([ "$vmm" = passvm ] && echo ", CONNECT answered $(grep -o "OK [0-9]*" <<<"$hc" | head -n1)"), wall=$(ms_to_s "$wall")s"
}

scen_vsock_check() {
	local logf=$1
	lab_want passvm && check_vsock_run "$logf" vsock-passvm vsock/passvm passvm
	lab_want qemu && check_vsock_run "$logf" vsock-qemu vsock/qemu qemu
	print_run_table
}
