# shellcheck shell=dash
# net (L2 side): a persistent tap0 at 10.0.2.1/24, then three L3 runs on
# it (passvm with vhost-net, passvm's userspace path, QEMU with vhost-net);
# beside each, L2 pings L3 (10.0.2.2) and then sends it 32 MiB over TCP.
# Its report, after each run's END line:
#   LAB: RESULT net/peer run=RUN replies=0|1 tries=N tcp=ok|fail tcp_bytes=N
#     tcp_t=SECONDS tcp_mbs=MB/s
TAP=tap0
NET_BYTES=33554432
MAC=52:54:00:12:34:10

lab_tap_up net "$TAP" 10.0.2.1/24 || exit 1
echo "LAB: net $TAP up: $(ip -4 addr show dev "$TAP" | awk '/inet / {print $2}') vhost-net=$([ -c /dev/vhost-net ] && echo yes || echo no)"

# net_run RUN CMD...: one VMM run with its L2 peer beside it (L3 at 10.0.2.2)
net_run() {
	lab_peer_run net 10.0.2.2 "$NET_BYTES" "$@"
}

if lab_want passvm; then
	net_run net-passvm lab_passvm net-passvm \
		--net "tap=$TAP,mac=$MAC,vhost=on,id=net_passvm"
	net_run net-passvm-user lab_passvm net-passvm-user \
		--net "tap=$TAP,mac=$MAC,vhost=off,id=net_passvm_user"
fi
lab_want qemu && net_run net-qemu lab_qemu net-qemu \
	-netdev "tap,id=n0,ifname=$TAP,script=no,downscript=no,vhost=on" \
	-device "virtio-net-pci,netdev=n0,mac=$MAC,romfile="
