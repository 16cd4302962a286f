# shellcheck shell=dash
# nvme (L2 side): pass L1's emulated NVMe controller (MSI-X table inside
# BAR0) through to L3 with VFIO. The L3 guest writes a marker to the raw
# namespace; run-lab finds it in out/nvme.img after L1 exits.
# passvm's option for a VFIO device (`passvm run --vfio BDF[,managed]`)
PASSVM_VFIO_OPT=${PASSVM_VFIO_OPT:---vfio}

grp=$(lab_bind "$NVME_BDF") || exit 1
echo "LAB: nvme $NVME_BDF group=$grp members=$(cd "/sys/kernel/iommu_groups/$grp/devices" && echo *)"
echo "LAB: nvme reserved_regions: $(tr '\n' ';' <"/sys/kernel/iommu_groups/$grp/reserved_regions")"
lab_want passvm && lab_passvm nvme-passvm "$PASSVM_VFIO_OPT" "$NVME_BDF"
lab_want qemu && lab_qemu nvme-qemu -device "vfio-pci,host=$NVME_BDF"
