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

lab_tap_up bench-virtio "$TAP" 10.0.3.1/24 || exit 1
# a pattern, not zeroes: a read of a hole could be answered without I/O
if ! dd if=/dev/urandom of="$IMG" bs=1M count=64 2>/dev/null; then
	echo "LAB: bench-virtio: cannot write $IMG"
	lab_result bench-virtio/image made=no
	exit 1
fi

# bv_run RUN CMD...: the VMM run with its L2 peer beside it (L3 at 10.0.3.2)
bv_run() {
	LAB_PEER_RTT=20 LAB_PEER_STREAMS=$BV_NET_STREAMS \
		lab_peer_run bench-virtio 10.0.3.2 "$BV_NET_BYTES" "$@"
}

lab_want passvm && bv_run bench-virtio-passvm lab_passvm bench-virtio-passvm \
	--disk "$IMG,id=bench" --net "tap=$TAP,mac=$MAC,vhost=on,id=bench_net"
lab_want qemu && bv_run bench-virtio-qemu lab_qemu bench-virtio-qemu \
	-drive "file=$IMG,if=none,id=d0,format=raw" \
	-device virtio-blk-pci,drive=d0,addr=03.0 \
	-netdev "tap,id=n0,ifname=$TAP,script=no,downscript=no,vhost=on" \
	-device "virtio-net-pci,netdev=n0,mac=$MAC,romfile=,addr=04.0"
rm -f "$IMG"
