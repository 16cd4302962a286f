# shellcheck shell=dash
# nic (L3 side; the full Debian kernel, e1000e.ko loaded by /init): bring
# the passed-through e1000e up, ping the L2 peer's link-local address
# (lab_peer= on the command line), report the interrupt mode (MSI-X vectors
# from sysfs) and wait until L2's pings have reached us, then power off:
#   LAB: RESULT nic vmm=VMM eth0=found driver=D carrier=0|1 addr=A
#     ping=ok|fail ping_tries=N msix_vectors=N msi_vectors=N in_echos=N
#     in_echo_replies=N out_echos=N out_echo_replies=N rx_packets=N
#     tx_packets=N
# or eth0=missing.
peer=""
read -r cmdline </proc/cmdline
for a in $cmdline; do
	case $a in lab_peer=*) peer=${a#lab_peer=} ;; esac
done
if ! lab_wait_path /sys/class/net/eth0 100; then
	lab_result nic eth0=missing
	echo "L3: nic: no eth0 after 10s"
	dmesg | grep -i -E 'e1000e|pci' | tail -n 20
else
	dev=/sys/class/net/eth0/device
	echo 0 >/proc/sys/net/ipv6/conf/eth0/accept_dad
	ip link set lo up
	l3_wait_carrier eth0
	ll=$(ip -6 addr show dev eth0 scope link | awk '/inet6 fe80/ {sub(/\/.*/, "", $2); print $2; exit}')
	echo "L3: nic eth0 mac=$(cat /sys/class/net/eth0/address) addr=$ll peer=$peer"
	got=0 i=0
	while [ $got = 0 ] && [ $i -lt 10 ]; do
		i=$((i + 1))
		out=$(ping -6 -c 3 -i 0.3 -W 2 "$peer%eth0" 2>&1) && got=1
	done
	echo "L3: nic ping after $i tries: $(printf '%s\n' "$out" | grep -E 'transmitted|bad address|unreachable' | head -n1)"
	if [ $got = 0 ]; then
		printf '%s\n' "$out" | sed 's/^/L3:   /'
		ip -6 neigh show | sed 's/^/L3:   neigh /'
	fi
	# the peer pings us too: wait for its echo requests (up to 15 s)
	i2=0
	while [ "$(awk '$1 == "Icmp6InEchos" {print $2}' /proc/net/snmp6)" = 0 ] && [ $i2 -lt 150 ]; do
		sleep 0.1
		i2=$((i2 + 1))
	done
	grep eth0 /proc/interrupts | sed 's/^/L3: irq /'
	# shellcheck disable=SC2046 # the awk programs print KEY=VALUE words
	lab_result nic eth0=found driver="$(basename "$(readlink $dev/driver)")" \
		carrier="$(cat /sys/class/net/eth0/carrier)" addr="$ll" \
		ping="$([ $got = 1 ] && echo ok || echo fail)" ping_tries=$i \
		msix_vectors="$(cat $dev/msi_irqs/* 2>/dev/null | grep -c '^msix$')" \
		msi_vectors="$(cat $dev/msi_irqs/* 2>/dev/null | grep -c '^msi$')" \
		$(awk '$1 == "Icmp6InEchos" {print "in_echos=" $2}
			$1 == "Icmp6InEchoReplies" {print "in_echo_replies=" $2}
			$1 == "Icmp6OutEchos" {print "out_echos=" $2}
			$1 == "Icmp6OutEchoReplies" {print "out_echo_replies=" $2}' /proc/net/snmp6) \
		$(awk -F'[: ]+' '$2 == "eth0" {print "rx_packets=" $4 " tx_packets=" $12}' /proc/net/dev)
fi
