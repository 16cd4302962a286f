# shellcheck shell=dash
# intx (L2 side): the NVMe 00:03.0 on vfio-pci, the L3 guest booted with
# pci=nomsi so its nvme driver falls back to the INTx pin.
NVME_BDF=0000:00:03.0
grp=$(lab_vfio_bind "$NVME_BDF") || {
	echo "LAB: intx: binding $NVME_BDF to vfio-pci failed"
	exit 1
}
echo "LAB: intx $NVME_BDF group=$grp pin=$(cat /sys/bus/pci/devices/$NVME_BDF/irq)"
# shellcheck disable=SC2034 # read by lab_passvm/lab_qemu (l2-lib.sh)
L3_CMDLINE="$L3_CMDLINE pci=nomsi"
lab_want passvm && lab_passvm intx-passvm intx --vfio "$NVME_BDF"
lab_want qemu && lab_qemu intx-qemu intx -device "vfio-pci,host=$NVME_BDF"
