# shellcheck shell=dash disable=SC1091
# unpriv (L3 side): the nvme guest work (nvme.l3.sh) with lab=unpriv.
. /lab/nvme.l3.sh
