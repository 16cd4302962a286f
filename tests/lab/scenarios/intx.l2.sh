# shellcheck shell=dash
# intx (L2 side): the NVMe on vfio-pci, the L3 guest booted with pci=nomsi
# so its nvme driver falls back to the INTx pin.
grp=$(lab_bind "$NVME_BDF") || exit 1
echo "LAB: intx $NVME_BDF group=$grp pin=$(cat "/sys/bus/pci/devices/$NVME_BDF/irq")"
# shellcheck disable=SC2034 # read by lab_passvm/lab_qemu (l2-lib.sh)
L3_CMDLINE="$L3_CMDLINE pci=nomsi"
lab_want passvm && lab_passvm intx-passvm --vfio "$NVME_BDF"
lab_want qemu && lab_qemu intx-qemu -device "vfio-pci,host=$NVME_BDF"
