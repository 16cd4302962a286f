# shellcheck shell=dash disable=SC1091
# managed (L3 side): the nvme guest work (nvme.l3.sh) with lab=managed;
# with lab_hold=N on the command line, then report hold=N and hold N
# seconds (L2 stops passvm with SIGTERM meanwhile).
. /lab/nvme.l3.sh
read -r cmdline </proc/cmdline
for a in $cmdline; do
	case $a in
	lab_hold=*)
		lab_result managed hold="${a#lab_hold=}"
		sleep "${a#lab_hold=}"
		;;
	esac
done
