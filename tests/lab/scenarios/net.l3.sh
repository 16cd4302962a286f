# shellcheck shell=dash
# net (L3 side; /init loaded virtio_pci and virtio_net): eth0 at
# 10.0.2.2/24, ping L2 (10.0.2.1), take L2's TCP stream on port 5201 and
# wait for its pings, report, power off.
i=0
while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
if [ ! -e /sys/class/net/eth0 ]; then
	echo "L3: NET-FAIL no eth0 after 10s"
	dmesg | grep -i -E 'virtio|pci' | tail -n 20
else
	dev=/sys/class/net/eth0/device
	ip link set lo up
	ip addr add 10.0.2.2/24 dev eth0
	l3_wait_carrier eth0
	labtool tcp-sink 5201 >/tmp/net-sink.log 2>&1 &
	sp=$!
	echo "L3: net eth0 driver=$(basename "$(readlink $dev/driver)") mac=$(cat /sys/class/net/eth0/address) carrier=$(cat /sys/class/net/eth0/carrier) virtio_features=$(cat $dev/features 2>/dev/null)"
	got=0 i=0
	while [ $got = 0 ] && [ $i -lt 10 ]; do
		i=$((i + 1))
		out=$(ping -c 3 -i 0.3 -W 2 10.0.2.1 2>&1) && got=1
	done
	echo "L3: net ping after $i tries: $(printf '%s\n' "$out" | grep -E 'transmitted' | head -n1)"
	[ $got = 1 ] && echo "L3: NET-PING-OK"
	# L2's stream (it comes once its pings get answers)
	i=0
	while [ -d "/proc/$sp" ] && [ $i -lt 1200 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	echo "L3: net sink: $(tr '\n' ' ' </tmp/net-sink.log)"
	echo "L3: net eth0 $(awk -F'[: ]+' '$2 == "eth0" {print "rx_packets=" $4 " tx_packets=" $12}' /proc/net/dev) icmp in_echos=$(awk '/^Icmp:/ {getline; print $9; exit}' /proc/net/snmp)"
	grep virtio /proc/interrupts | sed 's/^/L3: irq /'
fi
