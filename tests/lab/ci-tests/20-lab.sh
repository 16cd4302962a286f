# The lab's part of the CI run (tests/lab/scenarios/ci.l2.sh): say what
# the guest saw as a RESULT line, then pass, fail, hang or wait for the
# power button, as ci_mode= on the command line asks.
mode=pass
read -r cmdline </proc/cmdline
for a in $cmdline; do
	case $a in
	ci_mode=*) mode=${a#ci_mode=} ;;
	esac
done
# The verdict page as Linux sees it: the DSDT's PSVM0001 device, never busy.
page=$(grep -i 'fe000000-fe000fff' /proc/iomem | tr -d ' ' | tr '\n' ';')
magic=$(devmem 0xfe000000 32 2>/dev/null)
echo "LAB: RESULT ci guest=up mode=$mode kernel=$(uname -r) nvme=$([ -b /dev/nvme0n1 ] && echo yes || echo no) guest_driver=$(basename "$(readlink /sys/class/nvme/nvme0/device/driver)") devport=$([ -e /dev/port ] && echo yes || echo no) iomem=${page:-none} magic=${magic:-none}"
case $mode in
fail) exit 3 ;;
hang)
	echo "LAB: RESULT ci hanging=yes"
	while :; do sleep 1; done
	;;
button)
	# The SCI's fixed power-button event, counted by Linux's ACPI core;
	# the button driver (button.ko, 05-modules.sh) enabled it and turns
	# it into KEY_POWER, which nothing in this busybox guest handles.
	f=/sys/firmware/acpi/interrupts/ff_pwr_btn
	echo "LAB: RESULT ci waiting=yes button=$(find /sys/bus/acpi/drivers/button -name 'LNXPWRBN*' 2>/dev/null | wc -l) ff_pwr_btn=$(tr -s ' ' _ <"$f")"
	while [ "$(awk '{print $1}' "$f")" = 0 ]; do sleep 0.2; done
	echo "LAB: RESULT ci pressed=yes ff_pwr_btn=$(awk '{print $1}' "$f")"
	;;
esac
exit 0
