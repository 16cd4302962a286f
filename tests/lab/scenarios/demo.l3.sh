# shellcheck shell=dash disable=SC1091
# demo (L3 side): the nvme guest work (nvme.l3.sh), narrated.
echo "L3: demo: this is the microVM; waiting for the passed-through NVMe"
. /lab/nvme.l3.sh
echo "L3: demo: done; powering off"
