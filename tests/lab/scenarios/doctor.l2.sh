# shellcheck shell=dash
# doctor (L2 side): `passvm doctor` on a ready device and on a non-viable
# IOMMU group, and `passvm run` refusing that group.
#   1. NVMe 00:03.0 on vfio-pci: `passvm doctor BDF`, then `--json`.
#   2. The bridge group (00:07.0 bridge, 01:01.0 + 01:02.0 edu): 01:01.0 on
#      vfio-pci, 01:02.0 on uio_pci_generic (edu has no driver of its own;
#      uio_pci_generic takes any function with maskable INTx, and is not
#      one VFIO accepts in a group, unlike pci-stub): doctor must FAIL
#      naming 01:02.0 and its driver; `passvm run --vfio 01:01.0` must exit
#      1 with one line naming them, before any guest starts.
#   3. Undo: both edu functions back to no driver.
# Each doctor run is framed by "LAB: DOCTOR-BEGIN NAME" and
# "LAB: DOCTOR-END NAME rc=N" (stdout and stderr both inside).
NVME_BDF=0000:00:03.0
GRP_BDF=0000:01:01.0
OTHER_BDF=0000:01:02.0

# lab_doctor NAME ARGS...: one `passvm doctor` run, framed
lab_doctor() {
	local name=$1 rc
	shift
	echo "LAB: DOCTOR-BEGIN $name cmd=passvm doctor $*"
	"$PASSVM" doctor "$@" 2>&1
	rc=$?
	echo "LAB: DOCTOR-END $name rc=$rc"
}

if lab_vfio_bind "$NVME_BDF" >/dev/null; then
	lab_doctor nvme-text "$NVME_BDF"
	lab_doctor nvme-json --json "$NVME_BDF"
else
	echo "LAB: doctor: binding $NVME_BDF to vfio-pci failed"
fi

if ! lab_vfio_bind "$GRP_BDF" >/dev/null; then
	echo "LAB: doctor: binding $GRP_BDF to vfio-pci failed"
fi
dev=/sys/bus/pci/devices/$OTHER_BDF
echo uio_pci_generic >"$dev/driver_override"
[ -e "$dev/driver" ] && echo "$OTHER_BDF" >"$dev/driver/unbind"
echo "$OTHER_BDF" >/sys/bus/pci/drivers_probe
echo "LAB: doctor group: $GRP_BDF driver=$(basename "$(readlink /sys/bus/pci/devices/$GRP_BDF/driver)") $OTHER_BDF driver=$(basename "$(readlink "$dev/driver" 2>/dev/null)" 2>/dev/null)"
lab_doctor group-text "$GRP_BDF"
lab_passvm doctor-run doctor --vfio "$GRP_BDF"

# undo: both edu functions back to no driver
lab_vfio_unbind "$OTHER_BDF"
lab_vfio_unbind "$GRP_BDF"
echo "LAB: doctor undo: $GRP_BDF driver=$(basename "$(readlink /sys/bus/pci/devices/$GRP_BDF/driver 2>/dev/null)" 2>/dev/null) $OTHER_BDF driver=$(basename "$(readlink "$dev/driver" 2>/dev/null)" 2>/dev/null)"
