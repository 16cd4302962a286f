# shellcheck shell=dash
# sriov (L3 side; the full Debian kernel, igbvf.ko loaded by /init): the VF
# passvm assigned. From the command line: lab_mac=MAC (the MAC L2 set on
# the VF through the PF), lab_peer=ADDR (the other VM's link-local
# address: ping it, and wait for its echo requests before powering off),
# lab_hold=N (report hold=N, then hold N seconds: L2 sends SIGTERM).
#   LAB: RESULT sriov vmm=VMM eth0=found driver=D mac=M mac_set=yes|no
#     carrier=0|1 [ping=ok|fail ping_tries=N in_echos=N in_echo_replies=N]
#     msix_vectors=N msi_vectors=N rx_packets=N tx_packets=N [hold=N]
# or eth0=missing.
mac="" peer="" hold=""
read -r cmdline </proc/cmdline
for a in $cmdline; do
	case $a in
	lab_mac=*) mac=${a#lab_mac=} ;;
	lab_peer=*) peer=${a#lab_peer=} ;;
	lab_hold=*) hold=${a#lab_hold=} ;;
	esac
done

# echos: Icmp6InEchos, the echo requests that reached us
echos() {
	awk '$1 == "Icmp6InEchos" {print $2}' /proc/net/snmp6
}

if ! lab_wait_path /sys/class/net/eth0 100; then
	lab_result sriov eth0=missing
	echo "L3: sriov: no eth0 after 10s"
	dmesg | grep -i -E 'igbvf|pci' | tail -n 20
else
	dev=/sys/class/net/eth0/device
	have=$(cat /sys/class/net/eth0/address)
	echo 0 >/proc/sys/net/ipv6/conf/eth0/accept_dad
	ip link set lo up
	l3_wait_carrier eth0
	# the link-local address comes a moment after the carrier
	i=0 ll=""
	while [ -z "$ll" ] && [ $i -lt 100 ]; do
		ll=$(ip -6 addr show dev eth0 scope link | awk '/inet6 fe80/ {sub(/\/.*/, "", $2); print $2; exit}')
		[ -n "$ll" ] || sleep 0.1
		i=$((i + 1))
	done
	echo "L3: sriov eth0 mac=$have addr=$ll peer=${peer:-none}"
	set -- eth0=found driver="$(basename "$(readlink $dev/driver)")" mac="$have" \
		mac_set="$([ "$have" = "$mac" ] && echo yes || echo no)" \
		carrier="$(cat /sys/class/net/eth0/carrier)"
	if [ -n "$peer" ]; then
		# the other VM boots beside us: try for up to ~80 s
		got=0 n=0
		while [ $got = 0 ] && [ $n -lt 20 ]; do
			n=$((n + 1))
			out=$(ping -6 -c 2 -i 0.5 -W 2 "$peer%eth0" 2>&1) && got=1
			[ $got = 1 ] || sleep 1 # an unreachable network fails at once
		done
		echo "L3: sriov ping after $n tries: $(printf '%s\n' "$out" | grep -E 'transmitted|bad address|unreachable' | head -n1)"
		[ $got = 1 ] || ip -6 neigh show | sed 's/^/L3:   neigh /'
		# and its pings reach us (up to 60 s), then a moment for our
		# replies to leave
		w=0
		while [ "$(echos)" = 0 ] && [ $w -lt 600 ]; do
			sleep 0.1
			w=$((w + 1))
		done
		sleep 1
		set -- "$@" ping="$([ $got = 1 ] && echo ok || echo fail)" ping_tries=$n \
			in_echos="$(echos)" \
			in_echo_replies="$(awk '$1 == "Icmp6InEchoReplies" {print $2}' /proc/net/snmp6)"
	fi
	grep eth0 /proc/interrupts | sed 's/^/L3: irq /'
	# shellcheck disable=SC2046 # the awk program prints KEY=VALUE words
	lab_result sriov "$@" \
		msix_vectors="$(cat $dev/msi_irqs/* 2>/dev/null | grep -c '^msix$')" \
		msi_vectors="$(cat $dev/msi_irqs/* 2>/dev/null | grep -c '^msi$')" \
		$(awk -F'[: ]+' '$2 == "eth0" {print "rx_packets=" $4 " tx_packets=" $12}' /proc/net/dev)
fi
if [ -n "$hold" ]; then
	lab_result sriov hold="$hold"
	sleep "$hold"
fi
