# shellcheck shell=dash
# bench-virtio (L2 side): a 64 MiB disk image in /tmp (L2's RAM) and a
# persistent tap1 at 10.0.3.1/24; one L3 run per VMM with both, and beside
# it L2 pings L3 (10.0.3.2) until it answers, 20 more for the round trip,
# then sends it 32 MiB over
# TCP, BV_NET_STREAMS times in turn (one stream of 0.5 s is noisy). Its
# report, after each run's END line:
#   LAB: RESULT bench-virtio/peer run=RUN replies=0|1 tcp=ok|fail
#     tcp_bytes=N tcp_t=SECONDS tcp_mbs=MB/s (the first stream)
#     tcp_mbs_runs=F,F,... tcp_mbs_med=F (all of them; median)
#     rtt_min_ms=F rtt_avg_ms=F rtt_max_ms=F (20 pings L2 -> L3 first)
TAP=tap1 # not net's tap0: both may run in one L2
BV_NET_BYTES=33554432
BV_NET_STREAMS=5 # bench-virtio.l3.sh's too
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
		# round trip, L3 idle in its sink's accept: busybox's summary
		# "round-trip min/avg/max = A/B/C ms"
		ping -c 20 -i 0.1 -W 1 10.0.3.2 2>/dev/null |
			sed -n 's|.*min/avg/max = \([0-9.]*\)/\([0-9.]*\)/\([0-9.]*\).*|rtt_min_ms=\1 rtt_avg_ms=\2 rtt_max_ms=\3|p' >>/tmp/bv-peer
		LABTOOL_KEY=tcp /lab/labtool tcp-source 10.0.3.2 5201 "$BV_NET_BYTES" 120 |
			sed -n 's/^labtool: //p' >>/tmp/bv-peer
		# the streams after the first (L3 listens for each in turn)
		runs=$(sed -n 's/.*tcp_mbs=\([0-9.]*\).*/\1/p' /tmp/bv-peer)
		n=1
		while [ $n -lt $BV_NET_STREAMS ]; do
			n=$((n + 1))
			m=$(LABTOOL_KEY=tcpx /lab/labtool tcp-source 10.0.3.2 5201 "$BV_NET_BYTES" 120 |
				sed -n 's/.*tcpx_mbs=\([0-9.]*\).*/\1/p')
			runs="$runs,${m:-fail}"
		done
		echo "tcp_mbs_runs=$runs tcp_mbs_med=$(echo "$runs" | tr , '\n' |
			grep -v fail | sort -n | awk '{a[NR] = $1} END {if (NR) print a[int((NR + 1) / 2)]}')" >>/tmp/bv-peer
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
