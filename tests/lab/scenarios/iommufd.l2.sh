# shellcheck shell=dash
# iommufd (L2 side): reports the kernel's IOMMUFD options, /dev/iommu, and
# the NVMe's VFIO group and cdev once bound to vfio-pci:
#   LAB: RESULT iommufd config=WORDS dev_iommu=char|missing
#     iommu_rdev=MAJ:MIN group=N group_node=char|missing cdev=vfioN|none
#     cdev_node=char|missing cdev_rdev=MAJ:MIN
# (device numbers in hex: /dev/iommu is misc 10:257, a:101).
node() { # PATH: char or missing
	if [ -c "$1" ]; then echo char; else echo missing; fi
}
rdev() { # PATH: MAJ:MIN in hex, or none
	stat -c '%t:%T' "$1" 2>/dev/null || echo none
}
config=none
if [ -r /proc/config.gz ]; then
	config=$(lab_word "$(zcat /proc/config.gz | grep -E '^CONFIG_(IOMMUFD|VFIO_DEVICE_CDEV|VFIO_CONTAINER|VFIO_GROUP)=' | sed 's/^CONFIG_//' | tr '\n' ' ')")
fi
grp=$(lab_bind "$NVME_BDF") || grp=none
cdev=none
for c in "/sys/bus/pci/devices/$NVME_BDF/vfio-dev/"vfio*; do
	[ -e "$c" ] || break
	cdev=${c##*/}
	i=0 # udev-less L2: devtmpfs makes the node, give it a moment
	while [ ! -c "/dev/vfio/devices/$cdev" ] && [ $i -lt 20 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	break
done
lab_result iommufd config="$config" dev_iommu="$(node /dev/iommu)" \
	iommu_rdev="$(rdev /dev/iommu)" group="$grp" \
	group_node="$(node "/dev/vfio/$grp")" cdev="$cdev" \
	cdev_node="$(node "/dev/vfio/devices/$cdev")" \
	cdev_rdev="$(rdev "/dev/vfio/devices/$cdev")"
echo "LAB: iommufd nodes: $(find /dev/vfio /dev/iommu 2>/dev/null | tr '\n' ' ')"
