# shellcheck shell=bash
# bench-virtio (host side, in `make bench`): figures of the virtio devices,
# passvm beside QEMU, one L3 run each with one virtio-blk disk (a 64 MiB
# image in L2's RAM) and one virtio-net NIC on tap1 with vhost-net. The
# guest (bench-virtio.l3.sh) takes 32 MiB of TCP from L2 five times (L2 ->
# L3 throughput, as net does: the median, and each; and 20 pings' round
# trip before), then reads its disk: 4 KiB O_DIRECT reads at random
# offsets for BENCH_BLK_SECONDS (IOPS, one at a time) and all of it in
# 1 MiB O_DIRECT reads (sequential MB/s). Printed with passvm's RssAnon
# (the VMM's own memory, guest RAM apart) and its stripped binary size.
# Figures only: the checks are that each run worked (exit 0, the stream
# and both reads done), never how fast.
#   LAB: RESULT bench-virtio vmm=VMM blk_rand=ok blk_rand_iops=N
#     blk_seq=ok blk_seq_mbs=F sink=ok sink_bytes=N           (L3)
#   LAB: RESULT bench-virtio/peer run=RUN tcp=ok tcp_mbs=F tcp_mbs_runs=F,..
#     tcp_mbs_med=F rtt_avg_ms=F ...                          (L2)
scen_bench-virtio_devices() { :; }
scen_bench-virtio_modules() { echo tun vhost_net; }
scen_bench-virtio_l3_cloud_modules() { echo virtio_pci virtio_blk virtio_net; }
scen_bench-virtio_l3_tools() { lab_tool labtool; }
scen_bench-virtio_l2_tools() { lab_tool labtool; }
scen_bench-virtio_budget() { echo 240; }

BV_NET_BYTES=33554432

scen_bench-virtio_check() {
	local vmm size="-" rss
	local -A iops=() seq=() tcp=() runs=()
	for vmm in passvm qemu; do
		lab_want "$vmm" || continue
		# shellcheck disable=SC2046 # stats_cond: a condition or none
		expect_run "bench-virtio/$vmm" bench-virtio run="bench-virtio-$vmm" + \
			bench-virtio/peer run="bench-virtio-$vmm" exit==0 \
			blk_rand==ok blk_seq==ok sink==ok "sink_bytes==$BV_NET_BYTES" \
			tcp==ok $(stats_cond "$vmm")
		iops[$vmm]=$(value bench-virtio run="bench-virtio-$vmm" blk_rand_iops)
		seq[$vmm]=$(value bench-virtio run="bench-virtio-$vmm" blk_seq_mbs)
		tcp[$vmm]=$(value bench-virtio/peer run="bench-virtio-$vmm" tcp_mbs_med)
		runs[$vmm]=$(value bench-virtio/peer run="bench-virtio-$vmm" tcp_mbs_runs)
	done
	rss=$(value bench-virtio run=bench-virtio-passvm vmm_rss_anon_kb)
	if [ -x "$PASSVM_BIN" ] && strip -o "$OUT_DIR/passvm.stripped" "$PASSVM_BIN" 2>/dev/null; then
		size=$(stat -c %s "$OUT_DIR/passvm.stripped")
	fi
	echo
	printf '%-8s %16s %14s %16s %14s\n' vmm "blk 4k rand IOPS" "blk seq MB/s" "net L2->L3 MB/s" "RssAnon (kB)"
	for vmm in passvm qemu; do
		lab_want "$vmm" || continue
		printf '%-8s %16s %14s %16s %14s\n' "$vmm" "${iops[$vmm]:--}" \
			"${seq[$vmm]:--}" "${tcp[$vmm]:--}" \
			"$([ "$vmm" = passvm ] && echo "${rss:--}" || echo -)"
	done
	for vmm in passvm qemu; do
		lab_want "$vmm" || continue
		echo "$vmm net L2->L3 MB/s, each stream: ${runs[$vmm]:--}; ping L2->L3 min/avg/max ms: $(value bench-virtio/peer run="bench-virtio-$vmm" rtt_min_ms)/$(value bench-virtio/peer run="bench-virtio-$vmm" rtt_avg_ms)/$(value bench-virtio/peer run="bench-virtio-$vmm" rtt_max_ms)"
	done
	echo "passvm stripped binary: $size bytes (strip $PASSVM_BIN)"
	print_run_table
}
