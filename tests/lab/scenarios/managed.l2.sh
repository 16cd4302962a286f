# shellcheck shell=dash
# managed (L2 side): `passvm run --vfio BDF,managed` with the NVMe 00:03.0
# on its L2 driver (nvme): passvm binds it to vfio-pci, runs the guest and
# gives it back to nvme at exit.
#   1. a normal run (the guest powers off: exit 0)
#   2. the guest holds (lab_hold=30 on its command line); once it is up, L2
#      sends passvm SIGTERM: exit 143, and the device is back on nvme.
# Runs last in `all`: it leaves the NVMe on L2's nvme driver.
NVME_BDF=0000:00:03.0
dev=/sys/bus/pci/devices/$NVME_BDF

# drv: the device's driver now ("none" for none)
drv() {
	if [ -e "$dev/driver" ]; then
		basename "$(readlink "$dev/driver")"
	else
		echo none
	fi
}

# wait_drv NAME: up to 5 s for the device to be on NAME; prints the wait
wait_drv() {
	local i=0
	while [ "$(drv)" != "$1" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	echo "waited=$((i * 100))ms"
}

# back to the L2 nvme driver (earlier scenarios left it on vfio-pci)
lab_vfio_unbind "$NVME_BDF"
w=$(wait_drv nvme)
echo "LAB: managed before: $NVME_BDF driver=$(drv) $w"

# 1. a normal run
lab_passvm managed-passvm managed --vfio "$NVME_BDF,managed"
w=$(wait_drv nvme)
echo "LAB: managed after run 1: $NVME_BDF driver=$(drv) $w override=$(cat "$dev/driver_override")"

# 2. SIGTERM while the guest is up
echo "LAB: BEGIN managed-term vmm=passvm"
# shellcheck disable=SC2046 # lab_passvm_args: options without spaces
set -- "$PASSVM" run $(lab_passvm_args) \
	--cmdline "$L3_CMDLINE $(lab_l3_args managed passvm) lab_hold=30" \
	--vfio "$NVME_BDF,managed"
echo "LAB: cmd $*"
: >/tmp/managed-term.out
t0=$(lab_uptime_cs)
"$@" </dev/null >/tmp/managed-term.out 2>&1 &
pid=$!
lab_watchdog "$pid" passvm &
wd=$!
lab_follow /tmp/managed-term.out "$pid" &
tp=$!
i=0
while ! grep -q 'L3: MANAGED-HOLD' /tmp/managed-term.out && [ -d "/proc/$pid" ] && [ $i -lt 900 ]; do
	sleep 0.1
	i=$((i + 1))
done
during=$(drv)
sleep 1
echo "LAB: managed-term: guest holding after $((i / 10))s, $NVME_BDF driver=$during; SIGTERM to passvm"
kill -TERM "$pid"
wait "$pid"
rc=$?
t1=$(lab_uptime_cs)
kill "$wd" 2>/dev/null
wait "$tp"
echo
echo "LAB: passvm exit=$rc"
echo "LAB: END managed-term vmm=passvm exit=$rc wall_ms=$(((t1 - t0) * 10))"
w=$(wait_drv nvme)
echo "LAB: managed after run 2: $NVME_BDF driver=$(drv) $w override=$(cat "$dev/driver_override") during=$during"
