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

if ! /lab/labtool tap-add "$TAP" || ! ip addr add 10.0.2.1/24 dev "$TAP" ||
	! ip link set "$TAP" up; then
	echo "LAB: net: cannot set up $TAP"
	lab_result net/tap up=no
	exit 1
fi
echo "LAB: net $TAP up: $(ip -4 addr show dev "$TAP" | awk '/inet / {print $2}') vhost-net=$([ -c /dev/vhost-net ] && echo yes || echo no)"

# net_peer: ping L3 until it answers (60 s), then the TCP stream; the
# RESULT words in /tmp/net-peer
net_peer() {
	local n=0 got=0
	while [ $n -lt 120 ]; do
		n=$((n + 1))
		if ping -c 1 -W 1 10.0.2.2 >/dev/null 2>&1; then
			got=1
			break
		fi
		sleep 0.5
	done
	echo "replies=$got tries=$n" >/tmp/net-peer
	if [ $got = 1 ]; then
		LABTOOL_KEY=tcp /lab/labtool tcp-source 10.0.2.2 5201 "$NET_BYTES" 120 |
			sed -n 's/^labtool: //p' >>/tmp/net-peer
	else
		echo "tcp=fail tcp_error=no_ping_reply" >>/tmp/net-peer
	fi
}

# net_run RUN CMD...: one VMM run with its L2 peer beside it
net_run() {
	local run=$1 pp
	shift
	rm -f /tmp/net-peer
	net_peer &
	pp=$!
	"$@"
	lab_wait_gone "$pp" 10 || kill "$pp" 2>/dev/null
	# shellcheck disable=SC2046 # KEY=VALUE words
	lab_result net/peer run="$run" $(tr '\n' ' ' </tmp/net-peer 2>/dev/null)
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
