# shellcheck shell=dash disable=SC2154 # lab, LAB_VMM, LAB_TOKEN: from /init
# kill-cycles (L3 side): lab_kc=io: a first read of the NVMe, "L3: kc
# io-start", then 4 KiB O_DIRECT writes and reads until passvm is killed;
# lab_kc=check: a marker written at 12 MiB and read back, then
#   LAB: RESULT kill-cycles/check vmm=VMM check=ok|failed
# shellcheck source=/dev/null # the fragment beside this one
. /lab/hostile-bar.l3.sh

kill_cycles_main() {
	local mode=check a msg back cmdline
	read -r cmdline </proc/cmdline
	for a in $cmdline; do
		case $a in lab_kc=*) mode=${a#lab_kc=} ;; esac
	done
	if ! lab_wait_path /dev/nvme0n1 150; then
		echo "L3: kc no-disk"
		lab_result kill-cycles/check check=no-disk
		return
	fi
	if [ "$mode" = io ]; then
		dd if=/dev/nvme0n1 of=/dev/null bs=4k count=1 iflag=direct 2>/dev/null &&
			echo "L3: kc io-start"
		while :; do
			dd if=/dev/urandom of=/dev/nvme0n1 bs=4k seek=3328 count=64 oflag=direct 2>/dev/null
			dd if=/dev/nvme0n1 of=/dev/null bs=4k skip=3328 count=64 iflag=direct 2>/dev/null
		done
	fi
	msg="PASSVM-LAB-NVME-OK lab=$lab vmm=$LAB_VMM token=$LAB_TOKEN"
	printf '%s\n' "$msg" | dd of=/dev/nvme0n1 bs=1M seek=12 conv=fsync 2>/dev/null
	back=$(dd if=/dev/nvme0n1 bs=1M skip=12 count=1 iflag=direct 2>/dev/null | head -n1)
	if [ "$back" = "$msg" ]; then
		lab_result kill-cycles/check check=ok
	else
		lab_result kill-cycles/check check=failed
	fi
}

kill_cycles_main
