# shellcheck shell=dash
# bench-virtio (L2 side): a 64 MiB disk image in /tmp (L2's RAM) and a
# persistent tap1 at 10.0.3.1/24; one L3 run per VMM with both, and beside
# it L2 pings L3 (10.0.3.2) until it answers, then sends it 32 MiB over
# TCP. Its report, after each run's END line:
#   LAB: RESULT bench-virtio/peer run=RUN replies=0|1 tcp=ok|fail
#     tcp_bytes=N tcp_t=SECONDS tcp_mbs=MB/s
TAP=tap1 # not net's tap0: both may run in one L2
BV_NET_BYTES=33554432
MAC=52:54:00:12:34:20
IMG=/tmp/bench-virtio.img

if ! /lab/labtool tap-add "$TAP" || ! ip addr add 10.0.3.1/24 dev "$TAP" ||
	! ip link set "$TAP" up; then
	echo "LAB: bench-virtio: cannot set up $TAP"
	lab_result bench-virtio/tap up=no
	exit 1
fi
# a pattern, not zeroes: a read of a hole could be answered without I/O
if ! dd if=/dev/urandom of="$IMG" bs=1M count=64 2>/dev/null; then
	echo "LAB: bench-virtio: cannot write $IMG"
	lab_result bench-virtio/image made=no
	exit 1
fi

# bv_peer: ping L3 until it answers (60 s), then the TCP stream; the
# RESULT words in /tmp/bv-peer
bv_peer() {
	local n=0 got=0
	while [ $n -lt 120 ]; do
		n=$((n + 1))
		if ping -c 1 -W 1 10.0.3.2 >/dev/null 2>&1; then
			got=1
			break
		fi
		sleep 0.5
	done
	echo "replies=$got tries=$n" >/tmp/bv-peer
	if [ $got = 1 ]; then
		LABTOOL_KEY=tcp /lab/labtool tcp-source 10.0.3.2 5201 "$BV_NET_BYTES" 120 |
			sed -n 's/^labtool: //p' >>/tmp/bv-peer
	else
		echo "tcp=fail tcp_error=no_ping_reply" >>/tmp/bv-peer
	fi
}

# bv_run RUN CMD...: the peer in the background, the VMM, the report
bv_run() {
	local run=$1 pp
	shift
	rm -f /tmp/bv-peer
	bv_peer &
	pp=$!
	"$@"
	lab_wait_gone "$pp" 10 || kill "$pp" 2>/dev/null
	# shellcheck disable=SC2046 # KEY=VALUE words
	lab_result bench-virtio/peer run="$run" $(tr '\n' ' ' </tmp/bv-peer 2>/dev/null)
}

lab_want passvm && bv_run bench-virtio-passvm lab_passvm bench-virtio-passvm \
	--disk "$IMG,id=bench" --net "tap=$TAP,mac=$MAC,vhost=on,id=bench_net"
lab_want qemu && bv_run bench-virtio-qemu lab_qemu bench-virtio-qemu \
	-drive "file=$IMG,if=none,id=d0,format=raw" \
	-device virtio-blk-pci,drive=d0,addr=03.0 \
	-netdev "tap,id=n0,ifname=$TAP,script=no,downscript=no,vhost=on" \
	-device "virtio-net-pci,netdev=n0,mac=$MAC,romfile=,addr=04.0"
rm -f "$IMG"
