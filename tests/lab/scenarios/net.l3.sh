# shellcheck shell=dash
# net (L3 side; /init loaded virtio_pci and virtio_net): eth0 at
# 10.0.2.2/24, ping L2 (10.0.2.1), take L2's TCP stream on port 5201 and
# wait for its pings, report, power off:
#   LAB: RESULT net vmm=VMM driver=D mac=MAC carrier=0|1 features=BITS
#     ping=ok|none ping_tries=N rx_packets=N tx_packets=N in_echos=N
#   LAB: RESULT net/sink vmm=VMM sink=ok|fail sink_bytes=N sink_t=SECONDS
if ! lab_wait_path /sys/class/net/eth0 100; then
	lab_result net driver=none
	dmesg | grep -i -E 'virtio|pci' | tail -n 20
else
	dev=/sys/class/net/eth0/device
	ip link set lo up
	ip addr add 10.0.2.2/24 dev eth0
	l3_wait_carrier eth0
	LABTOOL_KEY=sink labtool tcp-sink 5201 >/tmp/net-sink.log 2>&1 &
	sp=$!
	lab_result net driver="$(basename "$(readlink $dev/driver)")" \
		mac="$(cat /sys/class/net/eth0/address)" \
		carrier="$(cat /sys/class/net/eth0/carrier)" \
		features="$(cat $dev/features 2>/dev/null)"
	ping=none i=0
	while [ $ping = none ] && [ $i -lt 10 ]; do
		i=$((i + 1))
		ping -c 3 -i 0.3 -W 2 10.0.2.1 >/dev/null 2>&1 && ping=ok
	done
	pt=$i
	# L2's stream (it comes once its pings get answers)
	i=0
	while [ -d "/proc/$sp" ] && [ $i -lt 1200 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	# shellcheck disable=SC2046 # KEY=VALUE words
	lab_result net/sink $(sed -n 's/^labtool: //p' /tmp/net-sink.log | tail -n1)
	# shellcheck disable=SC2046 # KEY=VALUE words
	lab_result net ping=$ping ping_tries=$pt \
		$(awk -F'[: ]+' '$2 == "eth0" {print "rx_packets=" $4 " tx_packets=" $12}' /proc/net/dev) \
		in_echos="$(awk '/^Icmp:/ {getline; print $9; exit}' /proc/net/snmp)"
	grep virtio /proc/interrupts | sed 's/^/L3: irq /'
fi
