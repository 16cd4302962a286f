# shellcheck shell=dash
# bigmem (L2 side): the NVMe passthrough with 4.5 GiB of guest RAM, so the
# RAM above 4 GiB is DMA-mapped too (a second memory region: IOVA = GPA
# from 4 GiB up) and the guest's I/O buffers come from there.
grp=$(lab_bind "$NVME_BDF") || exit 1
echo "LAB: bigmem $NVME_BDF group=$grp MemFree=$(awk '/^MemFree/ {print $2}' /proc/meminfo)kB"
# shellcheck disable=SC2034 # read by lab_passvm/lab_qemu (l2-lib.sh)
L3_MEM_MIB=4608
# pinning 4.5 GiB under TCG takes tens of seconds: more room before the
# watchdog
VMM_TIMEOUT=$((VMM_TIMEOUT + 180))
lab_want passvm && lab_passvm bigmem-passvm --vfio "$NVME_BDF"
lab_want qemu && lab_qemu bigmem-qemu -device "vfio-pci,host=$NVME_BDF"
