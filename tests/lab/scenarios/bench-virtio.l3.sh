# shellcheck shell=dash
# bench-virtio (L3 side; /init loaded virtio_pci, virtio_blk, virtio_net
# and the vsock transport): eth0 at 10.0.3.2/24 takes L2's TCP stream on
# port 5201, (and BV_NET_STREAMS - 1 more, counted by L2), then 1 MiB goes
# to the host over vsock (CID 2, port BV_VSOCK_PORT) and comes back, then
# the disk (/dev/vda) is read at random and in order, then written the
# same two ways (its data is overwritten: a scratch image):
#   LAB: RESULT bench-virtio vmm=VMM sink=ok sink_bytes=N sink_t=S
#   LAB: RESULT bench-virtio vmm=VMM vsock=ok vsock_bytes=N vsock_t=S
#     vsock_tries=N
#   LAB: RESULT bench-virtio vmm=VMM blk_rand=ok blk_rand_ios=N
#     blk_rand_t=S blk_rand_iops=N blk_seq=ok blk_seq_bytes=N blk_seq_t=S
#     blk_seq_mbs=F
#   LAB: RESULT bench-virtio vmm=VMM blk_rand_write=ok blk_rand_write_ios=N
#     ... blk_rand_write_iops=N blk_seq_write=ok ... blk_seq_write_mbs=F
BENCH_BLK_SECONDS=5
BV_NET_STREAMS=5 # bench-virtio.l2.sh's too
BV_VSOCK_PORT=5002 # bench-virtio.l2.sh's too
i=0
while { [ ! -e /sys/class/net/eth0 ] || [ ! -b /dev/vda ]; } && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
if [ ! -e /sys/class/net/eth0 ]; then
	lab_result bench-virtio sink=fail sink_error=no_eth0
else
	ip link set lo up
	ip addr add 10.0.3.2/24 dev eth0
	l3_wait_carrier eth0
	# L2 sends once its pings get answers; labtool's own timeout (90 s)
	# ends a wait for a stream that never comes
	# shellcheck disable=SC2046 # KEY=VALUE words
	lab_result bench-virtio $(LABTOOL_KEY=sink labtool tcp-sink 5201 | sed -n 's/^labtool: //p')
	# L2's further streams (bench-virtio.l2.sh), taken and counted there
	n=1
	while [ $n -lt $BV_NET_STREAMS ]; do
		n=$((n + 1))
		LABTOOL_TIMEOUT=30 labtool tcp-sink 5201 >/dev/null
	done
fi
# L2's echo listener is up before the VMM starts: a few tries suffice
# shellcheck disable=SC2046 # KEY=VALUE words
lab_result bench-virtio $(LABTOOL_KEY=vsock LABTOOL_TIMEOUT=30 labtool connect 2 \
	"$BV_VSOCK_PORT" 1048576 40 | sed -n 's/^labtool: //p')
if [ ! -b /dev/vda ]; then
	lab_result bench-virtio blk_rand=fail blk_rand_error=no_vda
else
	# shellcheck disable=SC2046 # KEY=VALUE words
	lab_result bench-virtio \
		$(labtool blk-rand /dev/vda "$BENCH_BLK_SECONDS" | sed -n 's/^labtool: //p') \
		$(labtool blk-seq /dev/vda | sed -n 's/^labtool: //p')
	# shellcheck disable=SC2046 # KEY=VALUE words
	lab_result bench-virtio \
		$(labtool blk-rand-write /dev/vda "$BENCH_BLK_SECONDS" | sed -n 's/^labtool: //p') \
		$(labtool blk-seq-write /dev/vda | sed -n 's/^labtool: //p')
fi
