# shellcheck shell=dash
# devices (L2 side): the VFIO-ready L1 device set. Lists each PCI function
# with its driver and IOMMU group, binds the passthrough candidates to
# vfio-pci and reports what it got, one "LAB: dev" line each:
#   LAB: dev BDF id=VVVV:DDDD class=CCCCCC driver=D group=N [vfio=/dev/vfio/N]
for d in /sys/bus/pci/devices/*; do
	bdf=${d##*/}
	drv=none
	[ -e "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
	grp=none
	[ -e "$d/iommu_group" ] && grp=$(basename "$(readlink "$d/iommu_group")")
	echo "LAB: pci $bdf id=$(cut -c3- "$d/vendor"):$(cut -c3- "$d/device") class=$(cut -c3- "$d/class") driver=$drv group=$grp"
done

# 00:05.0 is the NIC that stays in L2 (e1000e), the peer of 00:04.0
nic=$(ls /sys/bus/pci/devices/0000:00:05.0/net 2>/dev/null)
if [ -n "$nic" ]; then
	ip link set "$nic" up 2>/dev/null
	echo "LAB: l2-nic 0000:00:05.0 netdev=$nic"
fi

for bdf in 0000:00:03.0 0000:00:04.0 0000:00:06.0 0000:01:01.0 0000:01:02.0; do
	if grp=$(lab_vfio_bind "$bdf" 2>/dev/null); then
		echo "LAB: dev $bdf group=$grp vfio=/dev/vfio/$grp members=$(cd "/sys/kernel/iommu_groups/$grp/devices" && echo *)"
	else
		echo "LAB: dev $bdf vfio=FAILED"
	fi
done
