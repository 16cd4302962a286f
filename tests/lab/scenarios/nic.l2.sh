# shellcheck shell=dash
# nic (L2 side): pass the e1000e NIC_BDF (MSI-X table in its own BAR)
# through to L3; its peer PEER_BDF stays in L2 on the same L1 hub (no other
# netdev on it: no frame leaves the emulator). L3 boots the *full* Debian
# kernel (the cloud kernel has no e1000e) with e1000e.ko in its initramfs,
# pings L2's link-local address; L2 pings L3's (from NIC_MAC) while the
# guest is up and reports
#   LAB: RESULT nic/l2ping vmm=VMM replies=0|1 tries=N target=ADDR%IF
L3_LL=$(lab_mac_ll "$NIC_MAC")

peer=$(ls "/sys/bus/pci/devices/$PEER_BDF/net" 2>/dev/null)
if [ -z "$peer" ]; then
	echo "LAB: nic: the peer $PEER_BDF has no netdev in L2 (e1000e not loaded?)"
	exit 1
fi
# no duplicate address detection: the address is usable at once
echo 0 >"/proc/sys/net/ipv6/conf/$peer/accept_dad"
ip link set "$peer" up
i=0
while [ "$(cat "/sys/class/net/$peer/carrier" 2>/dev/null)" != 1 ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
i=0
ll=""
while [ -z "$ll" ] && [ $i -lt 50 ]; do
	ll=$(ip -6 addr show dev "$peer" scope link | awk '/inet6 fe80/ {sub(/\/.*/, "", $2); print $2; exit}')
	[ -n "$ll" ] || sleep 0.1
	i=$((i + 1))
done
echo "LAB: nic peer $PEER_BDF netdev=$peer carrier=$(cat "/sys/class/net/$peer/carrier") addr=$ll"
[ -n "$ll" ] || exit 1

grp=$(lab_bind "$NIC_BDF") || exit 1
echo "LAB: nic $NIC_BDF group=$grp"

# nic_pinger VMM: in the background, ping L3 from L2 once a second until
# the first reply or /tmp/nic-stop; the RESULT line in /tmp/nic-l2ping
nic_pinger() {
	local n=0 got=0
	rm -f /tmp/nic-stop
	while [ ! -e /tmp/nic-stop ]; do
		n=$((n + 1))
		if ping -6 -c 1 -W 1 "$L3_LL%$peer" >/dev/null 2>&1; then
			got=1
			break
		fi
	done
	lab_result nic/l2ping vmm="$1" replies=$got tries=$n target="$L3_LL%$peer" >/tmp/nic-l2ping
}

# nic_run VMM CMD...: one VMM run with the pinger beside it
nic_run() {
	local vmm=$1 pp
	shift
	nic_pinger "$vmm" &
	pp=$!
	"$@"
	touch /tmp/nic-stop
	wait "$pp"
	cat /tmp/nic-l2ping
	echo "LAB: nic L2 $peer after vmm=$vmm: $(ip -s link show "$peer" | awk '/RX:/ {getline; rx = $2} /TX:/ {getline; tx = $2} END {print "rx_packets=" rx " tx_packets=" tx}')"
}

# shellcheck disable=SC2034 # read by lab_passvm/lab_qemu (l2-lib.sh)
L3_KERNEL=/lab/vmlinuz-l3-full
# shellcheck disable=SC2034
L3_CMDLINE="$L3_CMDLINE lab_peer=$ll"
lab_want passvm && nic_run passvm lab_passvm nic-passvm --vfio "$NIC_BDF"
lab_want qemu && nic_run qemu lab_qemu nic-qemu -device "vfio-pci,host=$NIC_BDF"
