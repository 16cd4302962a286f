# shellcheck shell=dash disable=SC2154 # lab, LAB_VMM: from /init
# hostile-dma (L3 side): the edu's DMA engine aimed inside and outside the
# guest's RAM (hostile dma; its RESULT lines hostile-dma/ram, /past-ram,
# /pci-window, /msi-window, /high, /after). RAM: 128 MiB (hostile-dma.l2.sh).
# shellcheck source=/dev/null # the fragment beside this one
. /lab/hostile-bar.l3.sh
edu=$(l3_find_id "$EDU_ID") || echo "L3: no edu ($EDU_ID)"
[ -z "$edu" ] || hostile dma "$edu" 128
