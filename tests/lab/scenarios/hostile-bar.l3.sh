# shellcheck shell=dash disable=SC2154 # lab, LAB_VMM, LAB_TOKEN: from /init
# hostile-bar (L3 side), and the helpers hostile-cfg.l3.sh shares: the
# guest unbinds its nvme driver, moves BARs with the hostile tool
# (tests/lab/tools/hostile.c: over guest RAM, over the edu's BAR, the edu
# over the NVMe's MSI-X table page, over the IOAPIC and the MSI window,
# across the 32-bit window's end, beyond MAXPHYADDR; each moved back),
# then binds nvme again and does I/O:
#   LAB: RESULT hostile-bar/STEP vmm=VMM dev=nvme|edu to=ADDR readback=ADDR
#     old_addr_reads=V ram_bad_words=N alive=yes|no     (per move, from the tool)
#   LAB: RESULT hostile-bar/back vmm=VMM cap_same=yes|no steps=N steps_ok=N
#   LAB: RESULT hostile-bar/after vmm=VMM driver=D write=ok|failed
#     (a marker at 10 MiB of out/nvme.img, read back)

# l3_find_id VENDOR:DEVICE: the BDF of the first function with that ID
l3_find_id() {
	local d
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor")" = "0x${1%:*}" ] &&
			[ "$(cat "$d/device")" = "0x${1#*:}" ] &&
			{ basename "$d"; return 0; }
	done
	return 1
}

# l3_nvme_after NAME BDF MIB: bind BDF to nvme again, write a marker at
# MIB MiB and read it back; one RESULT line NAME
l3_nvme_after() {
	local name=$1 bdf=$2 seek=$3 write=failed drv msg back
	echo "$bdf" >/sys/bus/pci/drivers/nvme/bind 2>/dev/null
	if lab_wait_path /dev/nvme0n1 150; then
		msg="PASSVM-LAB-NVME-OK lab=$lab vmm=$LAB_VMM token=$LAB_TOKEN"
		printf '%s\n' "$msg" | dd of=/dev/nvme0n1 bs=1M seek="$seek" conv=fsync 2>/dev/null
		echo 3 >/proc/sys/vm/drop_caches
		back=$(dd if=/dev/nvme0n1 bs=1M skip="$seek" count=1 iflag=direct 2>/dev/null | head -n1)
		[ "$back" = "$msg" ] && write=ok
	fi
	drv=none
	[ -e "/sys/bus/pci/devices/$bdf/driver" ] &&
		drv=$(basename "$(readlink "/sys/bus/pci/devices/$bdf/driver")")
	lab_result "$name" driver="$drv" write=$write offset="${seek}MiB"
}

hostile_bar_main() {
	local nv edu
	if ! lab_wait_path /dev/nvme0n1 150; then
		lab_result hostile-bar/after driver=none write=no-disk
		return
	fi
	nv=$(basename "$(readlink -f /sys/class/nvme/nvme0/device)")
	edu=$(l3_find_id "$EDU_ID") || { echo "L3: no edu ($EDU_ID)"; return; }
	echo "L3: hostile-bar nvme=$nv edu=$edu"
	echo "$nv" >/sys/bus/pci/drivers/nvme/unbind
	hostile bars "$nv" "$edu"
	l3_nvme_after hostile-bar/after "$nv" 10
}

[ "$lab" != hostile-bar ] || hostile_bar_main
