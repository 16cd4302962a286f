# shellcheck shell=dash disable=SC2154 # lab, LAB_VMM: from /init
# hostile-cfg (L3 side): the guest unbinds nvme, writes random values
# (hostile cfgfuzz, seed and rounds from the command line: lab_seed=,
# lab_iters=) to every config dword of the NVMe and of passvm's emulated
# host bridge (00:00.0) and to every MSI-X table entry of the NVMe, puts
# back what a driver needs, resets the NVMe (sysfs reset: FLR through
# passvm's config space), binds nvme again and does I/O:
#   LAB: RESULT hostile-cfg/fuzz vmm=VMM seed=N iters=N devices=N writes=N
#     table_writes=N                                     (from the tool)
#   LAB: RESULT hostile-cfg/reset vmm=VMM reset=ok|failed method=M
#   LAB: RESULT hostile-cfg/after vmm=VMM driver=D write=ok|failed
# shellcheck source=/dev/null # the fragment beside this one
. /lab/hostile-bar.l3.sh

hostile_cfg_main() {
	local nv seed=1 iters=3 a rs=failed cmdline hb
	read -r cmdline </proc/cmdline
	for a in $cmdline; do
		case $a in
		lab_seed=*) seed=${a#lab_seed=} ;;
		lab_iters=*) iters=${a#lab_iters=} ;;
		esac
	done
	if ! lab_wait_path /dev/nvme0n1 150; then
		lab_result hostile-cfg/after driver=none write=no-disk
		return
	fi
	nv=$(basename "$(readlink -f /sys/class/nvme/nvme0/device)")
	echo "L3: hostile-cfg nvme=$nv seed=$seed iters=$iters"
	echo "$nv" >/sys/bus/pci/drivers/nvme/unbind
	# passvm's host bridge, when there is one at 00:00.0
	hb=
	[ ! -e /sys/bus/pci/devices/0000:00:00.0/config ] || [ "$nv" = 0000:00:00.0 ] ||
		hb=0000:00:00.0
	echo "L3: host bridge: ${hb:-none} $(cat /sys/bus/pci/devices/0000:00:00.0/vendor /sys/bus/pci/devices/0000:00:00.0/device 2>/dev/null | tr '\n' ' ')"
	# shellcheck disable=SC2086 # no bridge: no word
	hostile cfgfuzz "$seed" "$iters" "$nv" $hb
	echo 1 >"/sys/bus/pci/devices/$nv/reset" && rs=ok
	lab_result hostile-cfg/reset reset=$rs \
		method="$(tr ' ' , <"/sys/bus/pci/devices/$nv/reset_method" 2>/dev/null)"
	l3_nvme_after hostile-cfg/after "$nv" 11
}

hostile_cfg_main
