# shellcheck shell=dash
# managed (L2 side): `passvm run --vfio BDF,managed` with the NVMe on its
# L2 driver (nvme): passvm binds it to vfio-pci, runs the guest and gives
# it back to nvme at exit.
#   1. a normal run (the guest powers off: exit 0)
#   2. the guest holds (lab_hold=30 on its command line); once it is up, L2
#      sends passvm SIGTERM: exit 143, and the device is back on nvme.
# Runs last in `all`: it leaves the NVMe on L2's nvme driver. Measures
#   LAB: RESULT managed/setup driver=D waited_ms=N       (before the runs)
#   LAB: RESULT managed/restore driver=D waited_ms=N override=O (after 1)
#   LAB: RESULT managed/sigterm exit=N wall_ms=N during=D stats=... (run 2)
#   LAB: RESULT managed/sigterm after=D waited_ms=N override=O (after it)
# and L3 reports hold=N (managed.l3.sh) when it starts to hold.

# wait_drv NAME: up to 5 s for the NVMe to be on NAME; prints the ms waited
wait_drv() {
	local i=0
	while [ "$(lab_driver "$NVME_BDF")" != "$1" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	echo $((i * 100))
}

# override: the NVMe's driver_override, as one RESULT value
override() {
	tr -s ' \t\n' '___' <"/sys/bus/pci/devices/$NVME_BDF/driver_override"
}

# back to the L2 nvme driver (earlier scenarios bound it with passvm bind)
lab_unbind "$NVME_BDF"
w=$(wait_drv nvme)
lab_result managed/setup driver="$(lab_driver "$NVME_BDF")" waited_ms="$w"

# 1. a normal run
lab_passvm managed-passvm --vfio "$NVME_BDF,managed"
w=$(wait_drv nvme)
lab_result managed/restore driver="$(lab_driver "$NVME_BDF")" waited_ms="$w" override="$(override)"

# 2. SIGTERM while the guest is up (by hand, not lab_run: L2 must act
# while the VMM runs)
lab_hold_start managed-term 30 --vfio "$NVME_BDF,managed"
during=$(lab_driver "$NVME_BDF")
sleep 1
# Said after the run (see sriov.l2.sh): never inside a guest's RESULT line.
held=$((LAB_BG_WAITED / 10))
kill -TERM "$LAB_BG_PID"
lab_bg_end
echo "LAB: managed-term: the guest held for ${held}s with $NVME_BDF on $during; SIGTERM was sent to passvm then"
echo "LAB: passvm exit=$LAB_BG_RC"
# shellcheck disable=SC2046 # KEY=VALUE words
lab_result managed/sigterm exit="$LAB_BG_RC" wall_ms="$LAB_BG_MS" during="$during" \
	$(lab_stats_keys /tmp/managed-term.out)
echo "LAB: END managed-term vmm=passvm exit=$LAB_BG_RC wall_ms=$LAB_BG_MS"
w=$(wait_drv nvme)
lab_result managed/sigterm after="$(lab_driver "$NVME_BDF")" waited_ms="$w" override="$(override)"
