# shellcheck shell=dash disable=SC1091
# jail (L3 side): the nvme guest work (nvme.l3.sh, marker at 9 MiB) with
# lab=jail, then a hold of lab_hold=N seconds, while L2 reads the jailed
# passvm's /proc/PID/status.
. /lab/nvme.l3.sh
read -r cmdline </proc/cmdline
for a in $cmdline; do
	case $a in
	lab_hold=*)
		echo "L3: JAIL-HOLD ${a#lab_hold=}s"
		sleep "${a#lab_hold=}"
		;;
	esac
done
