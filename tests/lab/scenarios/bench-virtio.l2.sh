# shellcheck shell=dash
# bench-virtio (L2 side): a 64 MiB disk image in /tmp (L2's RAM, tmpfs)
# and a persistent tap1 at 10.0.3.1/24; one L3 run per VMM with both and a
# vsock device, and beside it L2 pings L3 (10.0.3.2) until it answers, 20
# more for the round trip, then sends it 32 MiB over TCP, BV_NET_STREAMS
# times in turn (one stream of 0.5 s is noisy), and echoes what the guest
# sends over vsock. passvm's run is its full command line with the API
# socket up beside it (--api-sock: the VM starts at InstanceStart, which
# /lab/bench-virtio/api-boot sends with curl). Its report, after each
# run's END line:
#   LAB: RESULT bench-virtio/peer run=RUN replies=0|1 tcp=ok|fail
#     tcp_bytes=N tcp_t=SECONDS tcp_mbs=MB/s (the first stream)
#     tcp_mbs_runs=F,F,... tcp_mbs_med=F (all of them; median)
#     rtt_min_ms=F rtt_avg_ms=F rtt_max_ms=F (20 pings L2 -> L3 first)
#   LAB: RESULT bench-virtio/api run=RUN instance_start=ok|none
TAP=tap1 # not net's tap0: both may run in one L2
BV_NET_BYTES=33554432
BV_NET_STREAMS=5     # bench-virtio.l3.sh's too
BV_VSOCK_PORT=5002   # bench-virtio.l3.sh's too; not vsock's 5001
UDS=/tmp/bv-vsock.sock # not vsock's /tmp/v.sock
API=/tmp/bv-api.sock
MAC=52:54:00:12:34:20
IMG=/tmp/bench-virtio.img

lab_tap_up bench-virtio "$TAP" 10.0.3.1/24 || exit 1
# a pattern, not zeroes: a read of a hole could be answered without I/O
if ! dd if=/dev/urandom of="$IMG" bs=1M count=64 2>/dev/null; then
	echo "LAB: bench-virtio: cannot write $IMG"
	lab_result bench-virtio/image made=no
	exit 1
fi

# bv_run RUN CMD...: the VMM run with its L2 peer (L3 at 10.0.3.2) and
# the guest's vsock echo beside it: passvm's on <uds_path>_PORT
# (Firecracker's), QEMU's vhost-vsock on AF_VSOCK
bv_run() {
	local run=$1 vl t=$((VMM_TIMEOUT + 30))
	rm -f "$UDS" "${UDS}_$BV_VSOCK_PORT" "$API"
	# the listener outlives a slow run (labtool's timeout: 90 s unless told)
	if [ "$run" = bench-virtio-passvm ]; then
		LABTOOL_TIMEOUT=$t /lab/labtool uds-listen "${UDS}_$BV_VSOCK_PORT" >/dev/null 2>&1 &
	else
		LABTOOL_TIMEOUT=$t /lab/labtool listen "$BV_VSOCK_PORT" >/dev/null 2>&1 &
	fi
	vl=$!
	LAB_PEER_RTT=20 LAB_PEER_STREAMS=$BV_NET_STREAMS \
		lab_peer_run bench-virtio 10.0.3.2 "$BV_NET_BYTES" "$@"
	kill "$vl" 2>/dev/null
	# api-boot's mark of InstanceStart's 204 (lab_run_once removes it)
	lab_result bench-virtio/api run="$run" \
		instance_start="$([ -e /tmp/lab-start.ms ] && echo ok || echo none)"
}

# Both VMMs write to L2's page cache (the image is on tmpfs) and pass the
# guest's flushes on as fdatasync: passvm's --disk always (it has no cache
# option), QEMU with cache=writeback (its default, given here).
# shellcheck disable=SC2046 # lab_passvm_args: options without spaces
lab_want passvm && bv_run bench-virtio-passvm lab_run bench-virtio-passvm \
	passvm /bin/sh /lab/bench-virtio/api-boot "$API" - - - \
	"$PASSVM" run $(lab_passvm_args) \
	--cmdline "$L3_CMDLINE $(lab_l3_args passvm)" \
	--disk "$IMG,id=bench" --net "tap=$TAP,mac=$MAC,vhost=on,id=bench_net" \
	--vsock "cid=3,uds=$UDS"
lab_want qemu && bv_run bench-virtio-qemu lab_qemu bench-virtio-qemu \
	-drive "file=$IMG,if=none,id=d0,format=raw,cache=writeback" \
	-device virtio-blk-pci,drive=d0,addr=03.0 \
	-netdev "tap,id=n0,ifname=$TAP,script=no,downscript=no,vhost=on" \
	-device "virtio-net-pci,netdev=n0,mac=$MAC,romfile=,addr=04.0" \
	-device vhost-vsock-pci,guest-cid=4,addr=05.0
rm -f "$IMG" "$UDS" "${UDS}_$BV_VSOCK_PORT" "$API"
