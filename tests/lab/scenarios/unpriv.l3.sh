# shellcheck shell=dash disable=SC1091
# unpriv (L3 side): the nvme guest work (nvme.l3.sh) with lab=unpriv, then
# eth0 (virtio-net on L2's tap2, given to passvm as an fd) at 10.0.4.2/24
# pings L2 (10.0.4.1):
#   LAB: RESULT unpriv/net vmm=VMM driver=D carrier=0|1 ping=ok|none tries=N
. /lab/nvme.l3.sh
l3_ping_peer unpriv/net 10.0.4.2/24 10.0.4.1
