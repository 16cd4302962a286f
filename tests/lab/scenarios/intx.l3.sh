# shellcheck shell=dash disable=SC1091
# intx (L3 side): the nvme guest work (nvme.l3.sh) with lab=intx; the L3
# command line has pci=nomsi.
. /lab/nvme.l3.sh
