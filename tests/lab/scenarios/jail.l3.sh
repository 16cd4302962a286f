# shellcheck shell=dash disable=SC1091
# jail (L3 side): the nvme guest work (nvme.l3.sh, marker at 9 MiB) with
# lab=jail; eth0 (virtio-net on L2's tap3, passed into the jail as an fd)
# at 10.0.5.2/24 pings L2 (10.0.5.1):
#   LAB: RESULT jail/net vmm=VMM driver=D carrier=0|1 ping=ok|none tries=N
# then with lab_hold=N on the command line, report hold=N and hold N
# seconds (L2 reads the jailed passvm's /proc meanwhile).
. /lab/nvme.l3.sh
l3_ping_peer jail/net 10.0.5.2/24 10.0.5.1
read -r cmdline </proc/cmdline
for a in $cmdline; do
	case $a in
	lab_hold=*)
		lab_result jail hold="${a#lab_hold=}"
		sleep "${a#lab_hold=}"
		;;
	esac
done
