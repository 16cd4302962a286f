# shellcheck shell=dash
# demo (L2 side): the main job, narrated: the NVMe bound to vfio-pci with
# `passvm bind`, passed through to an L3 guest under passvm, whose console
# (with its kernel's boot messages: no "quiet") is shown live.
echo
echo "LAB: demo: this is L2, a Debian kernel inside QEMU (L1). Its NVMe controller"
echo "LAB: demo: $NVME_BDF goes to vfio-pci, then passvm boots a microVM (L3) that"
echo "LAB: demo: drives it with its own nvme driver: doorbells mapped, interrupts"
echo "LAB: demo: by MSI-X through KVM irqfds. The guest writes a marker to the disk."
echo "LAB: demo: passvm bind $NVME_BDF"
grp=$(lab_bind "$NVME_BDF") || exit 1
echo "LAB: demo: $NVME_BDF is on vfio-pci, IOMMU group $grp (/dev/vfio/$grp)"
echo "LAB: demo: starting passvm (--stats: its exit counts print when it exits)"
echo
# shellcheck disable=SC2034 # read by lab_passvm (l2-lib.sh)
L3_CMDLINE="console=ttyS0 panic=-1"
lab_passvm demo-passvm --vfio "$NVME_BDF"
echo "LAB: demo: passvm is done; L2 powers off, the host looks for the marker"
