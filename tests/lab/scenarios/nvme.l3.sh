# shellcheck shell=dash disable=SC2154 # lab, LAB_VMM, LAB_TOKEN: from /init
# nvme (L3 side), shared by the nvme, intx, bigmem, managed and demo
# scenarios: the passed-through controller must bind to the built-in nvme
# driver. Writes a marker to the raw namespace at an offset per scenario and
# VMM so run-lab can find each one in out/nvme.img, and reports
#   LAB: RESULT $lab vmm=VMM disk=found driver=D msix_vectors=N msi_vectors=N
#     irq_mode=msix|msi|intx ioapic=yes|no pin_irq=N model=M write=ok|failed
#     offset=NMiB irqs=N
# (MSI-X/MSI vectors from sysfs; ioapic: a pin line for nvme in
# /proc/interrupts, IO-APIC or on arm64 GICv3; irqs: interrupts on nvme's
# lines after the marker I/O),
# or disk=missing; for lab=nvme and lab=bigmem the steady-state I/O test:
#   LAB: RESULT $lab/steady vmm=VMM ios=N reads=N writes=N bytes=N
#     offset=NMiB t=SECONDS data=ok|MISMATCH|write-failed|read-failed irqs=N
#
#   marker offsets (MiB)   passvm  qemu
#     nvme, demo              1      2
#     intx                    3      4
#     managed                 5      6
#     bigmem                  7      8
#     jail                    9      -
#     unpriv                 14      -   (both backends' runs)
#     hostile-bar, -cfg   10, 11     -   (their own .l3.sh)
#     kill-cycles         12, 13     -   (marker; its I/O)
#     ci                     56      -   (README's test, 1 MiB)
#   steady state (lab=nvme): 8 MiB written with 4 KiB O_DIRECT writes and
#   read back (2048 + 2048 I/Os) at 16 MiB (passvm) or 32 MiB (qemu);
#   lab=bigmem the same at 40 or 48 MiB.

# nvme_irq_total: interrupts taken by the nvme queues so far (all CPUs)
nvme_irq_total() {
	grep nvme /proc/interrupts | awk '{s = 0; for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i; t += s} END {print t + 0}'
}

# nvme_steady BASE_MIB: the steady-state test. The doorbell writes of these
# 4096 I/Os go to the BAR that passvm mmapped into the guest: passvm's
# trapped-BAR counters must not grow with them (run-lab checks the --stats).
nvme_steady() {
	local base=$1 r0 w0 r1 w1 x t0 t1 data=ok
	dd if=/dev/urandom of=/tmp/steady bs=64k count=128 2>/dev/null
	# /sys/block/DEV/stat: field 1 reads completed, field 5 writes completed
	read -r r0 x x x w0 x </sys/block/nvme0n1/stat
	t0=$(cut -d' ' -f1 /proc/uptime)
	dd if=/tmp/steady of=/dev/nvme0n1 bs=4k seek=$((base * 256)) oflag=direct 2>/tmp/dd.err ||
		{ data="write-failed"; cat /tmp/dd.err; }
	dd if=/dev/nvme0n1 of=/tmp/back bs=4k skip=$((base * 256)) count=2048 iflag=direct 2>/tmp/dd.err ||
		{ data="read-failed"; cat /tmp/dd.err; }
	t1=$(cut -d' ' -f1 /proc/uptime)
	# shellcheck disable=SC2034 # x: the stat fields not used
	read -r r1 x x x w1 x </sys/block/nvme0n1/stat
	[ "$data" = ok ] && ! cmp -s /tmp/steady /tmp/back && data=MISMATCH
	rm -f /tmp/steady /tmp/back
	lab_result "$lab/steady" ios=$((r1 - r0 + w1 - w0)) reads=$((r1 - r0)) \
		writes=$((w1 - w0)) bytes=$((2 * 8 * 1048576)) offset="${base}MiB" \
		t="$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}')" \
		data=$data irqs="$(nvme_irq_total)"
}

if ! lab_wait_path /dev/nvme0n1 150; then
	lab_result "$lab" disk=missing
	echo "L3: no /dev/nvme0n1 after 15s"
	dmesg | grep -i -E 'nvme|pci' | tail -n 20
else
	vmm=$LAB_VMM token=$LAB_TOKEN
	dev=/sys/class/nvme/nvme0/device
	drv=$(basename "$(readlink $dev/driver)")
	# /proc/interrupts says "PCI-MSI" for MSI and MSI-X alike: ask sysfs
	# (no msi_irqs directory at all with pci=nomsi)
	msix=$(cat $dev/msi_irqs/* 2>/dev/null | grep -c '^msix$')
	msi=$(cat $dev/msi_irqs/* 2>/dev/null | grep -c '^msi$')
	mode=intx
	[ "$msi" -gt 0 ] && mode=msi
	[ "$msix" -gt 0 ] && mode=msix
	case $lab-$vmm in
	intx-passvm) seek=3 ;;
	intx-qemu) seek=4 ;;
	managed-passvm) seek=5 ;;
	managed-qemu) seek=6 ;;
	bigmem-passvm) seek=7 ;;
	bigmem-qemu) seek=8 ;;
	jail-passvm) seek=9 ;;
	unpriv-passvm) seek=14 ;;
	*-qemu) seek=2 ;;
	*) seek=1 ;;
	esac
	msg="PASSVM-LAB-NVME-OK lab=$lab vmm=$vmm token=$token"
	printf '%s\n' "$msg" | dd of=/dev/nvme0n1 bs=1M seek=$seek conv=fsync 2>/dev/null
	sync
	back=$(dd if=/dev/nvme0n1 bs=1M skip=$seek count=1 2>/dev/null | head -n1)
	write=ok
	if [ "$back" != "$msg" ]; then
		write=failed
		echo "L3: nvme readback '$back'"
	fi
	# the driver completed that I/O by interrupt (MSI-X, or INTx for intx)
	grep nvme /proc/interrupts | sed 's/^/L3: irq /'
	# a pin line: the IO-APIC's, or on arm64 a GICv3 SPI (its MSIs are
	# the ITS's)
	ioapic=no
	grep nvme /proc/interrupts | grep -q -E 'IO-APIC|GICv3' && ioapic=yes
	lab_result "$lab" disk=found driver="$drv" msix_vectors="$msix" \
		msi_vectors="$msi" irq_mode=$mode ioapic=$ioapic \
		pin_irq="$(cat $dev/irq)" \
		model="$(lab_word "$(cat /sys/class/nvme/nvme0/model)")" \
		write=$write offset="${seek}MiB" irqs="$(nvme_irq_total)"
	case $lab-$vmm in
	nvme-qemu) nvme_steady 32 ;;
	nvme-*) nvme_steady 16 ;;
	bigmem-qemu) nvme_steady 48 ;;
	bigmem-*) nvme_steady 40 ;;
	esac
fi
