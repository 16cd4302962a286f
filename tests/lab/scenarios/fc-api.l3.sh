# shellcheck shell=dash disable=SC2154 # lab: from /init
# fc-api (L3 side): the passed-through NVMe must be there with its driver;
# with fc_hold=N on the command line, hold until Ctrl-Alt-Del arrives
# (SendCtrlAltDel over the API). The kernel turns Ctrl-Alt-Del into SIGINT
# for init once /proc/sys/kernel/ctrl-alt-del is 0 (else it reboots at
# once); this init powers off on it. Reports
#   LAB: RESULT fc-api vmm=VMM nvme=present|missing driver=D keyboard=N
#                              siblings=L (cpu0's thread_siblings_list)
#   LAB: RESULT fc-api vmm=VMM hold=N          (fc_hold=N: holding now)
#   LAB: RESULT fc-api vmm=VMM swap_before=N swap_sectors=N swap_marker=M
#        (while holding, /dev/vda, the drive swapped over the API, changed
#        size from swap_before to swap_sectors; M: what its last sector
#        starts with, lowercase letters and '-')
#   LAB: RESULT fc-api vmm=VMM sigint=yes      (Ctrl-Alt-Del came; power-off)
#   LAB: RESULT fc-api vmm=VMM sigint=none     (the hold ran out)
# keyboard: input devices that say keyboard (the i8042 the guest probed).
lab_wait_path /dev/nvme0n1 150
drv=$(basename "$(readlink /sys/class/nvme/nvme0/device/driver 2>/dev/null)" 2>/dev/null)
sib=$(cat /sys/devices/system/cpu/cpu0/topology/thread_siblings_list 2>/dev/null)
lab_result "$lab" nvme="$([ -b /dev/nvme0n1 ] && echo present || echo missing)" \
	driver="${drv:-none}" keyboard="$(grep -c -i 'keyboard' /proc/bus/input/devices 2>/dev/null)" \
	siblings="${sib:-none}"
read -r cmdline </proc/cmdline
for a in $cmdline; do
	case $a in
	fc_hold=*)
		echo 0 >/proc/sys/kernel/ctrl-alt-del
		# the tty drains asynchronously: give the line time to leave
		trap 'lab_result "$lab" sigint=yes; sleep 1; poweroff -f' INT
		lab_wait_path /sys/block/vda 50
		before=$(cat /sys/block/vda/size 2>/dev/null)
		lab_result "$lab" hold="${a#fc_hold=}"
		n=0
		while [ $n -lt "${a#fc_hold=}" ]; do
			sleep 1 &
			wait $!
			n=$((n + 1))
			s=$(cat /sys/block/vda/size 2>/dev/null)
			[ -n "$before" ] && [ -n "$s" ] && [ "$s" != "$before" ] || continue
			m=$(dd if=/dev/vda bs=512 skip=$((s - 1)) count=1 2>/dev/null |
				tr -cd 'a-z-')
			lab_result "$lab" swap_before="$before" swap_sectors="$s" \
				swap_marker="${m:-none}"
			before=$s
		done
		lab_result "$lab" sigint=none
		;;
	esac
done
