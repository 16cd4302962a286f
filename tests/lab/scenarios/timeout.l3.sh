# shellcheck shell=dash
# timeout (L3 side): with lab_hold=N on the command line, report hold=N
# and hold N seconds, as a hung test would (passvm's --timeout ends it).
read -r cmdline </proc/cmdline
for a in $cmdline; do
	case $a in
	lab_hold=*)
		lab_result timeout hold="${a#lab_hold=}"
		sleep "${a#lab_hold=}"
		;;
	esac
done
