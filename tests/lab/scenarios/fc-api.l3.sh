# shellcheck shell=dash
# fc-api (L3 side): the passed-through NVMe must be there with its driver;
# with fc_hold=N on the command line, hold until Ctrl-Alt-Del arrives
# (SendCtrlAltDel over the API). The kernel turns Ctrl-Alt-Del into SIGINT
# for init once /proc/sys/kernel/ctrl-alt-del is 0 (else it reboots at
# once); this init powers off on it.
i=0
while [ ! -b /dev/nvme0n1 ] && [ $i -lt 150 ]; do
	sleep 0.1
	i=$((i + 1))
done
drv=$(basename "$(readlink /sys/class/nvme/nvme0/device/driver 2>/dev/null)" 2>/dev/null)
echo "L3: FC-API nvme=$([ -b /dev/nvme0n1 ] && echo present || echo missing) driver=${drv:-none} keyboard=$(grep -c -i 'keyboard' /proc/bus/input/devices 2>/dev/null)"
read -r cmdline </proc/cmdline
for a in $cmdline; do
	case $a in
	fc_hold=*)
		echo 0 >/proc/sys/kernel/ctrl-alt-del
		# the tty drains asynchronously: give the marker time to leave
		trap 'echo "L3: FC-API-SIGINT: Ctrl-Alt-Del, powering off"; sleep 1; poweroff -f' INT
		echo "L3: FC-API-HOLD up to ${a#fc_hold=}s"
		n=0
		while [ $n -lt "${a#fc_hold=}" ]; do
			sleep 1 &
			wait $!
			n=$((n + 1))
		done
		echo "L3: FC-API no Ctrl-Alt-Del within ${a#fc_hold=}s"
		;;
	esac
done
