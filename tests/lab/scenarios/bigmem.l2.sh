# shellcheck shell=dash
# bigmem (L2 side): the NVMe passthrough with 4.5 GiB of guest RAM, so the
# RAM above 4 GiB is DMA-mapped too (a second memory region: IOVA = GPA
# from 4 GiB up) and the guest's I/O buffers come from there.
NVME_BDF=0000:00:03.0
grp=$(lab_vfio_bind "$NVME_BDF") || {
	echo "LAB: bigmem: binding $NVME_BDF to vfio-pci failed"
	exit 1
}
echo "LAB: bigmem $NVME_BDF group=$grp MemFree=$(awk '/^MemFree/ {print $2}' /proc/meminfo)kB"
# shellcheck disable=SC2034 # read by lab_passvm/lab_qemu (l2-lib.sh)
L3_MEM_MIB=4608
# pinning 4.5 GiB under TCG takes 30-70 s: more room before the watchdog
VMM_TIMEOUT=$((VMM_TIMEOUT + 180))
lab_want passvm && lab_passvm bigmem-passvm bigmem --vfio "$NVME_BDF"
lab_want qemu && lab_qemu bigmem-qemu bigmem -device "vfio-pci,host=$NVME_BDF"
