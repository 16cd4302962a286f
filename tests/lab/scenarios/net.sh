# shellcheck shell=bash
# net (host side): passvm's virtio-net on a tap in L2 (tap0, made
# persistent by labtool tap-add, 10.0.2.1/24), L3 at 10.0.2.2 with
# Debian's cloud kernel and virtio_net from its initramfs. L3 pings L2 and
# L2 pings L3 (both need replies), then L2 sends 32 MiB over TCP to L3
# (labtool tcp-source/tcp-sink) for a throughput figure. Three runs:
# passvm with vhost-net (net/passvm), passvm's userspace path in its I/O
# thread (net/passvm-user), and QEMU's virtio-net-pci with vhost=on
# (net/qemu). Under passvm with vhost its --stats must show no trapped
# notification and few register accesses (the data path is vhost's).
scen_net_devices() { :; }
scen_net_modules() { echo tun vhost_net; }
scen_net_l3_cloud_modules() { echo virtio_pci virtio_net; }
scen_net_l3_tools() { lab_tool labtool; }
scen_net_l2_tools() { lab_tool labtool; }
scen_net_budget() { echo 260; }

NET_BYTES=33554432
NET_MAX_REG=400 # register accesses of the NIC (its setup, no I/O)

check_net_run() {
	local logf=$1 sec=$2 label=$3 vmm=$4 mode=$5 text end rc wall why="" all
	local l2p tp sink v n tr irq reg mbs
	text=$(section "$logf" "$sec")
	end=$(lines "$text" "LAB: END $sec " | tail -n1)
	rc=$(field "$end" exit)
	wall=$(field "$end" wall_ms)
	all=$(tr -d '\r' <"$logf")
	l2p=$(lines "$all" "LAB: net L2->L3 run=$sec " | tail -n1)
	tp=$(lines "$all" "LAB: net throughput run=$sec " | tail -n1)
	sink=$(lines "$text" 'L3: net sink:' | tail -n1)
	mbs=$({ grep -o 'throughput=[0-9.]*' <<<"$tp" || true; } | cut -d= -f2)
	if [ -z "$text" ]; then
		why="no output from this run in L2 (tap set-up failed? L2 died?)"
		text=$(lines "$all" 'LAB:|net|tap')
	else
		why=$(vmm_run_why "$text" "$end" "$rc")
	fi
	if [ -n "$why" ]; then
		:
	elif ! grep -q 'L3: net eth0 driver=virtio_net' <<<"$text"; then
		why="L3 has no eth0 on virtio_net"
	elif ! grep -q 'L3: NET-PING-OK' <<<"$text"; then
		why="L3 -> L2 ping got no reply ($(lines "$text" 'L3: net ping' | tail -n1))"
	elif [ "$(field "$l2p" replies)" != 1 ]; then
		why="L2 -> L3 ping got no reply (${l2p:-no report from L2})"
	elif [ -z "$mbs" ] || ! grep -q "labtool: OK tcp-sink bytes=$NET_BYTES" <<<"$sink"; then
		why="TCP L2 -> L3: ${tp:-no report} / ${sink:-no report from L3}"
	elif [ "$vmm" = passvm ]; then
		v=$(stat_virtio "$text" "${sec//-/_}")
		read -r n tr irq reg <<<"$v"
		if [ -z "$v" ]; then
			why="no 'virtio-net ${sec//-/_}' line in passvm's --stats"
		elif [ "$tr" != 0 ]; then
			why="$tr notifications trapped (want 0: ioeventfd)"
		elif [ "$reg" -ge "$NET_MAX_REG" ]; then
			why="$reg register accesses (want < $NET_MAX_REG: no exit per packet)"
		elif ! lines "$text" "passvm: stats: virtio-net ${sec//-/_}: tap tap0, data path $mode" | grep -q .; then
			why="passvm's data path was not $mode"
		fi
	fi
	report_run "$label" "$sec" "$text" "$vmm" "$why" \
		"exit=0 pings both ways, TCP L2->L3 $((NET_BYTES >> 20)) MiB at ${mbs:-?} MB/s ($mode), wall=$(ms_to_s "$wall")s"
}

scen_net_check() {
	local logf=$1
	if lab_want passvm; then
		check_net_run "$logf" net-passvm net/passvm passvm vhost-net
		check_net_run "$logf" net-passvm-user net/passvm-user passvm userspace
	fi
	lab_want qemu && check_net_run "$logf" net-qemu net/qemu qemu vhost-net
	print_run_table
}
