# shellcheck shell=bash
# vsock (host side): virtio-vsock with its host side on a Unix socket, as
# Firecracker does. In L2, a client connects to uds_path and sends
# "CONNECT 5000\n" (labtool uds-connect, retrying until the guest
# listens): passvm must answer "OK <port>", port from 2^30, and bridge the
# bytes; and the guest connects to (CID 2, port 5001), which passvm must
# forward to <uds_path>_5001, where L2 listens (labtool uds-listen). Both
# ways 1 MiB goes through and comes back (echo), counted at both ends:
#   LAB: RESULT vsock vmm=VMM g2h=ok g2h_bytes=N g2h_t=S h2g_echo=ok
#     h2g_echo_bytes=N                                   (L3: its two ends)
#   LAB: RESULT vsock/host vmm=VMM h2g=ok h2g_bytes=N h2g_t=S h2g_port=P
#     g2h_echo=ok g2h_echo_bytes=N                       (L2: its two ends)
# QEMU side by side with vhost-vsock-pci (L2 loads vhost_vsock; its host
# side is AF_VSOCK in L2: labtool connect / listen; no port answer).
scen_vsock_devices() { :; }
scen_vsock_modules() { echo vhost_vsock; }
scen_vsock_l3_cloud_modules() { echo virtio_pci vmw_vsock_virtio_transport; }
scen_vsock_l3_tools() { lab_tool labtool; }
scen_vsock_l2_tools() { lab_tool labtool; }
scen_vsock_budget() { echo 200; }

VSOCK_BYTES=1048576

scen_vsock_check() {
	local vmm
	local -a conds
	for vmm in passvm qemu; do
		lab_want "$vmm" || continue
		conds=(exit==0 g2h==ok "g2h_bytes==$VSOCK_BYTES" h2g_echo==ok
			"h2g_echo_bytes==$VSOCK_BYTES" h2g==ok "h2g_bytes==$VSOCK_BYTES"
			g2h_echo==ok "g2h_echo_bytes==$VSOCK_BYTES")
		# passvm's answer to CONNECT names a host port from 2^30 up (round
		# robin: the attempts the guest refused while its listener was
		# not up yet took the first ones)
		[ "$vmm" != passvm ] ||
			conds+=(stats==yes 'h2g_port>=1073741824' 'h2g_port<2147483648')
		expect_run "vsock/$vmm" vsock vmm="$vmm" + vsock/host vmm="$vmm" "${conds[@]}"
	done
	print_run_table
}
