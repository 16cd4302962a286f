# shellcheck shell=dash disable=SC1091
# jail (L3 side): the nvme guest work (nvme.l3.sh, marker at 9 MiB) with
# lab=jail; with lab_hold=N on the command line, then report hold=N and
# hold N seconds (L2 reads the jailed passvm's /proc meanwhile).
. /lab/nvme.l3.sh
read -r cmdline </proc/cmdline
for a in $cmdline; do
	case $a in
	lab_hold=*)
		lab_result jail hold="${a#lab_hold=}"
		sleep "${a#lab_hold=}"
		;;
	esac
done
