# shellcheck shell=dash
# iommufd (L2 side): reports the kernel's IOMMUFD options, /dev/iommu, and
# the NVMe 00:03.0's VFIO group and cdev once bound to vfio-pci, one
# "LAB: iommufd ..." line each (the device nodes as "PATH char MAJ:MIN",
# in hex: /dev/iommu is misc 10:257, a:101).
bdf=0000:00:03.0
lab_iommufd_node() { # PATH: "PATH char MAJ:MIN" or "PATH missing"
	if [ -c "$1" ]; then
		echo "$1 char $(stat -c '%t:%T' "$1")"
	else
		echo "$1 missing"
	fi
}
if [ -r /proc/config.gz ]; then
	echo "LAB: iommufd config $(zcat /proc/config.gz | grep -E '^CONFIG_(IOMMUFD|VFIO_DEVICE_CDEV|VFIO_CONTAINER|VFIO_GROUP)=' | tr '\n' ' ')"
fi
echo "LAB: iommufd $(lab_iommufd_node /dev/iommu)"
if grp=$(lab_vfio_bind "$bdf"); then
	echo "LAB: iommufd group $(lab_iommufd_node "/dev/vfio/$grp")"
	for c in "/sys/bus/pci/devices/$bdf/vfio-dev/"vfio*; do
		[ -e "$c" ] || { echo "LAB: iommufd cdev none in /sys/bus/pci/devices/$bdf/vfio-dev"; break; }
		i=0
		while [ ! -c "/dev/vfio/devices/${c##*/}" ] && [ $i -lt 20 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		echo "LAB: iommufd cdev $(lab_iommufd_node "/dev/vfio/devices/${c##*/}") sysfs=${c#/sys/bus/pci/devices/}"
	done
fi
echo "LAB: iommufd nodes: $(find /dev/vfio /dev/iommu 2>/dev/null | tr '\n' ' ')"
