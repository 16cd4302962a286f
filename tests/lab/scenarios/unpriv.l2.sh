# shellcheck shell=dash
# unpriv (L2 side): root opens the device files, passvm runs as uid 1000
# on them. The fds: 3 /dev/kvm, 4 the container or /dev/iommu, 5 the
# group or the device cdev (shell redirections, inherited by su's exec).
NVME_BDF=0000:00:03.0
grp=$(lab_vfio_bind "$NVME_BDF") || {
	echo "LAB: unpriv: binding $NVME_BDF to vfio-pci failed"
	exit 1
}
grep -q '^pv:' /etc/passwd 2>/dev/null ||
	echo 'pv:x:1000:1000:passvm:/tmp:/bin/sh' >>/etc/passwd
grep -q '^pv:' /etc/group 2>/dev/null || echo 'pv:x:1000:' >>/etc/group

# unpriv_watch: report the uid and capabilities of the passvm process,
# polling pidof until it appears or /tmp/unpriv.done does
unpriv_watch() {
	local p
	while [ ! -e /tmp/unpriv.done ]; do
		p=$(pidof passvm | cut -d' ' -f1)
		if [ -n "$p" ] && [ -r "/proc/$p/status" ]; then
			echo "LAB: unpriv status pid=$p uid=$(awk '/^Uid:/ {print $2}' "/proc/$p/status") capeff=$(awk '/^CapEff:/ {print $2}' "/proc/$p/status") capprm=$(awk '/^CapPrm:/ {print $2}' "/proc/$p/status") fds=$(find "/proc/$p/fd" -mindepth 1 2>/dev/null | wc -l)"
			return 0
		fi
		sleep 0.2
	done
}

# unpriv_run BACKEND IOMMU_NODE DEVICE_NODE
unpriv_run() {
	local be=$1 iommu=$2 devnode=$3
	echo "LAB: unpriv $be: fds 3=/dev/kvm 4=$iommu 5=$devnode"
	rm -f /tmp/unpriv.done
	unpriv_watch &
	# --iommu last: it overrides one in LAB_PASSVM_ARGS
	lab_run "unpriv-$be" passvm /bin/sh -c "ulimit -l unlimited && exec su -s /bin/sh pv -c 'exec $PASSVM run $(lab_passvm_args) --trace vfio --iommu $be --cmdline \"$L3_CMDLINE $(lab_l3_args unpriv passvm)\" --kvm-fd 3 --iommu-fd 4 --vfio fd=5' 3<>/dev/kvm 4<>$iommu 5<>$devnode"
	: >/tmp/unpriv.done
	wait
}

unpriv_run type1 /dev/vfio/vfio "/dev/vfio/$grp"
if [ -c /dev/iommu ]; then
	cdev=$(find "/sys/bus/pci/devices/$NVME_BDF/vfio-dev/" -mindepth 1 -maxdepth 1 -name "vfio*" 2>/dev/null | head -n1)
	cdev=${cdev##*/}
	if [ -n "$cdev" ] && [ -c "/dev/vfio/devices/$cdev" ]; then
		unpriv_run iommufd /dev/iommu "/dev/vfio/devices/$cdev"
	else
		echo "LAB: unpriv iommufd skipped: no VFIO cdev for $NVME_BDF"
	fi
else
	echo "LAB: unpriv iommufd skipped: no /dev/iommu in L2 (LAB_L2_KERNEL=passvm-lab has it)"
fi
