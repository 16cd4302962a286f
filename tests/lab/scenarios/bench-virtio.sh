# shellcheck shell=bash
# bench-virtio (host side, in `make bench`): figures of the virtio devices,
# passvm beside QEMU, one L3 run each with one virtio-blk disk (a 64 MiB
# image in L2's RAM, tmpfs), one virtio-net NIC on tap1 with vhost-net and
# one virtio-vsock device (passvm: Firecracker's uds_path in L2's /tmp;
# QEMU: vhost-vsock-pci). passvm runs from its full command line with its
# API socket up (--api-sock; L2 sends InstanceStart with curl, by
# lib/api-boot). The guest (bench-virtio.l3.sh) takes 32 MiB of TCP from
# L2 five times (L2 -> L3 throughput, as net does: the median, and each;
# and 20 pings' round trip before), echoes 1 MiB with L2 over vsock, then
# reads its disk: 4 KiB O_DIRECT reads at random offsets for
# BENCH_BLK_SECONDS (IOPS, one at a time) and all of it in 1 MiB O_DIRECT
# reads (sequential MB/s); then writes it the same two ways (a non-zero
# pattern; `labtool blk-rand-write`, `blk-seq-write`). Both VMMs write to
# L2's page cache and pass flushes on as fdatasync (passvm's --disk, QEMU's
# cache=writeback); the guest's O_DIRECT writes ask for no flush. Printed
# with passvm's RssAnon at exit (the VMM's own memory, guest RAM apart)
# with all of that up, and its stripped binary size.
# Figures only: the checks are that each run worked (exit 0, the stream,
# the vsock echo, the reads and writes done, passvm's InstanceStart
# answered), never how fast.
#   LAB: RESULT bench-virtio vmm=VMM blk_rand=ok blk_rand_iops=N
#     blk_seq=ok blk_seq_mbs=F blk_rand_write=ok blk_rand_write_iops=N
#     blk_seq_write=ok blk_seq_write_mbs=F sink=ok sink_bytes=N
#     vsock=ok vsock_bytes=N                                  (L3)
#   LAB: RESULT bench-virtio/peer run=RUN tcp=ok tcp_mbs=F tcp_mbs_runs=F,..
#     tcp_mbs_med=F rtt_avg_ms=F ...                          (L2)
#   LAB: RESULT bench-virtio/api run=RUN instance_start=ok|none (L2)
scen_bench-virtio_devices() { :; }
scen_bench-virtio_modules() { echo tun vhost_net vhost_vsock; }
scen_bench-virtio_l3_cloud_modules() {
	echo virtio_pci virtio_blk virtio_net vmw_vsock_virtio_transport
}
scen_bench-virtio_l2_bins() { command -v curl; }
scen_bench-virtio_l2_files() { echo "$LAB_DIR/lib/api-boot"; }
scen_bench-virtio_l3_tools() { lab_tool labtool; }
scen_bench-virtio_l2_tools() { lab_tool labtool; }
scen_bench-virtio_budget() { echo 240; }

BV_NET_BYTES=33554432
BV_VSOCK_BYTES=1048576 # bench-virtio.l3.sh's

scen_bench-virtio_check() {
	local vmm size="-" rss up="" k r
	local -a conds
	local -A f=()
	for vmm in passvm qemu; do
		lab_want "$vmm" || continue
		r="run=bench-virtio-$vmm"
		conds=(exit==0 blk_rand==ok blk_seq==ok blk_rand_write==ok
			blk_seq_write==ok sink==ok "sink_bytes==$BV_NET_BYTES" tcp==ok
			vsock==ok "vsock_bytes==$BV_VSOCK_BYTES")
		# passvm waited for InstanceStart on its API socket
		[ "$vmm" != passvm ] || conds+=(stats==yes instance_start==ok)
		expect_run "bench-virtio/$vmm" bench-virtio "$r" + \
			bench-virtio/peer "$r" + bench-virtio/api "$r" "${conds[@]}"
		for k in blk_rand_iops blk_rand_write_iops blk_seq_mbs blk_seq_write_mbs; do
			f[$vmm.$k]=$(value bench-virtio "$r" "$k")
		done
		for k in tcp_mbs_med tcp_mbs_runs rtt_min_ms rtt_avg_ms rtt_max_ms; do
			f[$vmm.$k]=$(value bench-virtio/peer "$r" "$k")
		done
	done
	rss=$(value bench-virtio run=bench-virtio-passvm vmm_rss_anon_kb)
	# what was up in that run: its virtio devices (--stats), the API
	for k in blk net vsock; do
		[ -z "$(value bench-virtio/virtio run=bench-virtio-passvm kind="$k" slot)" ] ||
			up="$up virtio-$k,"
	done
	[ "$(value bench-virtio/api run=bench-virtio-passvm instance_start)" != ok ] ||
		up="$up the API socket (InstanceStart over it),"
	if [ -x "$PASSVM_BIN" ] && strip -o "$OUT_DIR/passvm.stripped" "$PASSVM_BIN" 2>/dev/null; then
		size=$(stat -c %s "$OUT_DIR/passvm.stripped")
	fi
	echo
	echo "virtio-blk: 4 KiB O_DIRECT at random offsets one at a time (IOPS), all"
	echo "64 MiB in 1 MiB O_DIRECT (MB/s); virtio-net: 32 MiB TCP, median of 5"
	printf '%-8s %10s %10s %10s %10s %10s\n' vmm "rand read" "rand write" \
		"seq read" "seq write" "net L2->L3" \
		"" IOPS IOPS MB/s MB/s "MB/s (med)"
	for vmm in passvm qemu; do
		lab_want "$vmm" || continue
		printf '%-8s %10s %10s %10s %10s %10s\n' "$vmm" \
			"${f[$vmm.blk_rand_iops]:--}" "${f[$vmm.blk_rand_write_iops]:--}" \
			"${f[$vmm.blk_seq_mbs]:--}" "${f[$vmm.blk_seq_write_mbs]:--}" \
			"${f[$vmm.tcp_mbs_med]:--}"
	done
	for vmm in passvm qemu; do
		lab_want "$vmm" || continue
		echo "$vmm net L2->L3 MB/s, each stream: ${f[$vmm.tcp_mbs_runs]:--}; ping L2->L3 min/avg/max ms: ${f[$vmm.rtt_min_ms]}/${f[$vmm.rtt_avg_ms]}/${f[$vmm.rtt_max_ms]}"
	done
	up=${up%,}
	! lab_want passvm ||
		echo "passvm RssAnon at exit: ${rss:--} kB (its own memory, guest RAM apart) with${up:- nothing recorded} up"
	echo "passvm stripped binary: $size bytes (strip $PASSVM_BIN)"
	print_run_table
}
