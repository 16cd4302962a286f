# shellcheck shell=dash
# nvme (L2 side): pass L1's emulated NVMe controller (MSI-X table inside
# BAR0) through to L3 with VFIO. The L3 guest writes a marker to the raw
# namespace; run-lab finds it in out/nvme.img after L1 exits.
NVME_BDF=0000:00:03.0
# passvm's option for a VFIO device (`passvm run --vfio BDF[,managed]`)
PASSVM_VFIO_OPT=${PASSVM_VFIO_OPT:---vfio}

grp=$(lab_vfio_bind "$NVME_BDF") || {
	echo "LAB: nvme: binding $NVME_BDF to vfio-pci failed"
	exit 1
}
echo "LAB: nvme $NVME_BDF group=$grp members=$(cd "/sys/kernel/iommu_groups/$grp/devices" && echo *)"
echo "LAB: nvme reserved_regions: $(tr '\n' ';' <"/sys/kernel/iommu_groups/$grp/reserved_regions")"
lab_want passvm && lab_passvm nvme-passvm nvme "$PASSVM_VFIO_OPT" "$NVME_BDF"
lab_want qemu && lab_qemu nvme-qemu nvme -device "vfio-pci,host=$NVME_BDF"
