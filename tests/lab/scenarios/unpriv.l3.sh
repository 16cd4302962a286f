# shellcheck shell=dash disable=SC1091
# unpriv (L3 side): the nvme guest work (nvme.l3.sh) with lab=unpriv, then
# eth0 (virtio-net on L2's tap2, given to passvm as an fd) at 10.0.4.2/24
# pings L2 (10.0.4.1):
#   LAB: RESULT unpriv/net vmm=VMM driver=D carrier=0|1 ping=ok|none tries=N
. /lab/nvme.l3.sh
if ! lab_wait_path /sys/class/net/eth0 50; then
	lab_result unpriv/net driver=none
else
	ip link set lo up
	ip addr add 10.0.4.2/24 dev eth0
	l3_wait_carrier eth0
	ping=none i=0
	while [ $ping = none ] && [ $i -lt 10 ]; do
		i=$((i + 1))
		ping -c 2 -i 0.3 -W 2 10.0.4.1 >/dev/null 2>&1 && ping=ok
	done
	lab_result unpriv/net driver="$(basename "$(readlink /sys/class/net/eth0/device/driver)")" \
		carrier="$(cat /sys/class/net/eth0/carrier)" ping=$ping tries=$i
fi
