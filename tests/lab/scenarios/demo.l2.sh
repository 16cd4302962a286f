# shellcheck shell=dash
# demo (L2 side): the main job, narrated: the NVMe 00:03.0 bound to
# vfio-pci, passed through to an L3 guest under passvm, whose console
# (with its kernel's boot messages: no "quiet") is shown live.
NVME_BDF=0000:00:03.0
echo
echo "LAB: demo: this is L2, a Debian kernel inside QEMU (L1). Its NVMe controller"
echo "LAB: demo: $NVME_BDF goes to vfio-pci, then passvm boots a microVM (L3) that"
echo "LAB: demo: drives it with its own nvme driver: doorbells mapped, interrupts"
echo "LAB: demo: by MSI-X through KVM irqfds. The guest writes a marker to the disk."
grp=$(lab_vfio_bind "$NVME_BDF") || {
	echo "LAB: demo: binding $NVME_BDF to vfio-pci failed"
	exit 1
}
echo "LAB: demo: $NVME_BDF is on vfio-pci, IOMMU group $grp (/dev/vfio/$grp)"
echo "LAB: demo: starting passvm (--stats: its exit counts print when it exits)"
echo
# shellcheck disable=SC2034 # read by lab_passvm (l2-lib.sh)
L3_CMDLINE="console=ttyS0 panic=-1"
lab_passvm demo-passvm demo --vfio "$NVME_BDF"
echo "LAB: demo: passvm is done; L2 powers off, the host looks for the marker"
