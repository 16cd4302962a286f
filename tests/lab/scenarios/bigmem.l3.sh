# shellcheck shell=dash disable=SC1091
# bigmem (L3 side): how much of this guest's RAM lies above 4 GiB (from
# /proc/iomem) and in ZONE_NORMAL, then the nvme guest work (nvme.l3.sh,
# lab=bigmem: marker and the steady-state I/O, whose user buffers the
# kernel takes from the highest zone first, i.e. above 4 GiB).
high=0
while read -r range colon what; do
	case "$colon $what" in ": System RAM") ;; *) continue ;; esac
	s=$((0x${range%-*})) e=$((0x${range#*-}))
	[ "$e" -lt 4294967296 ] && continue
	[ "$s" -lt 4294967296 ] && s=4294967296
	high=$((high + (e - s + 1) / 1024))
done </proc/iomem
normal=$(awk '/^Node .* zone +Normal/ {on = 1} on && /managed/ {print $2; exit}' /proc/zoneinfo)
lab_result bigmem/ram memtotal_kb="$(awk '/^MemTotal/ {print $2}' /proc/meminfo)" \
	ram_above_4g_kb=$high normal_zone_pages="${normal:-0}"
. /lab/nvme.l3.sh
