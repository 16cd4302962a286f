# shellcheck shell=dash
# nvme (L3 side): the passed-through controller must bind to the built-in
# nvme driver with MSI-X; write a marker to the raw namespace at an offset
# per VMM (passvm: 1 MiB, qemu: 2 MiB) so run-lab can find both.
i=0
while [ ! -b /dev/nvme0n1 ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
if [ ! -b /dev/nvme0n1 ]; then
	echo "L3: NVME-FAIL no /dev/nvme0n1 after 10s"
	dmesg | grep -i -E 'nvme|pci' | tail -n 20
else
	vmm=$LAB_VMM token=$LAB_TOKEN
	drv=$(basename "$(readlink /sys/class/nvme/nvme0/device/driver)")
	# /proc/interrupts says "PCI-MSI" for MSI and MSI-X alike: ask sysfs
	msix=$(cat /sys/class/nvme/nvme0/device/msi_irqs/* 2>/dev/null | grep -c '^msix$')
	msi=$(cat /sys/class/nvme/nvme0/device/msi_irqs/* 2>/dev/null | grep -c '^msi$')
	echo "L3: nvme driver=$drv msix_vectors=$msix msi_vectors=$msi model=$(tr -d ' ' </sys/class/nvme/nvme0/model)"
	grep nvme /proc/interrupts | sed 's/^/L3: irq /'
	case $vmm in passvm) seek=1 ;; qemu) seek=2 ;; *) seek=3 ;; esac
	msg="PASSVM-LAB-NVME-OK vmm=$vmm token=$token"
	printf '%s\n' "$msg" | dd of=/dev/nvme0n1 bs=1M seek=$seek conv=fsync 2>/dev/null
	sync
	back=$(dd if=/dev/nvme0n1 bs=1M skip=$seek count=1 2>/dev/null | head -n1)
	if [ "$back" = "$msg" ]; then
		echo "L3: NVME-WRITE-OK vmm=$vmm offset=${seek}MiB"
	else
		echo "L3: NVME-FAIL readback '$back'"
	fi
	# the driver must have used MSI-X and completed I/O by interrupt
	echo "L3: nvme irqs after I/O: $(grep nvme /proc/interrupts | awk '{s = 0; for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i; t += s} END {print t + 0}')"
fi
