# shellcheck shell=bash
# net (host side): virtio-net on a tap in L2 (tap0, made persistent by
# labtool tap-add, 10.0.2.1/24), L3 at 10.0.2.2 with Debian's cloud kernel
# and virtio_net from its initramfs. L3 pings L2 and L2 pings L3 (both
# need replies), then L2 sends 32 MiB over TCP to L3 (labtool tcp-source
# to tcp-sink) for a throughput figure (tcp_mbs, MB/s). Three runs:
# passvm with vhost-net (net/passvm), passvm's userspace path in its I/O
# thread (net/passvm-user), and QEMU's virtio-net-pci with vhost=on
# (net/qemu). Under passvm its --stats (net/virtio) must show no trapped
# notification, few register accesses and the data path asked for.
#   LAB: RESULT net vmm=VMM driver=D carrier=1 ping=ok|none ... (L3)
#   LAB: RESULT net/sink vmm=VMM sink=ok sink_bytes=N ...      (L3)
#   LAB: RESULT net/peer run=RUN replies=1 tcp=ok tcp_mbs=F ... (L2)
scen_net_devices() { :; }
scen_net_modules() { echo tun vhost_net; }
scen_net_l3_cloud_modules() { echo virtio_pci virtio_net; }
scen_net_l3_tools() { lab_tool labtool; }
scen_net_l2_tools() { lab_tool labtool; }
scen_net_budget() { echo 260; }

NET_BYTES=33554432
NET_MAX_REG=400 # register accesses of the NIC (its setup, no I/O)

# check_net LABEL RUN VMM [DATAPATH]: one run's record: the guest's view,
# L2's pings and stream beside it, and under passvm its --stats
check_net() {
	local label=$1 run=$2 vmm=$3 path=${4:-}
	local -a spec=(net run="$run" + net/sink run="$run" + net/peer run="$run")
	local -a conds=(exit==0 driver==virtio_net ping==ok replies==1 tcp==ok
		"tcp_bytes==$NET_BYTES" 'tcp_mbs>0' sink==ok "sink_bytes==$NET_BYTES")
	if [ "$vmm" = passvm ]; then
		spec+=(+ net/virtio run="$run" kind=net)
		conds+=(stats==yes trapped==0 "register_accesses<$NET_MAX_REG"
			"datapath==$path")
	fi
	expect_run "$label" "${spec[@]}" "${conds[@]}"
}

scen_net_check() {
	if lab_want passvm; then
		check_net net/passvm net-passvm passvm vhost-net
		check_net net/passvm-user net-passvm-user passvm userspace
	fi
	lab_want qemu && check_net net/qemu net-qemu qemu
	print_run_table
}
