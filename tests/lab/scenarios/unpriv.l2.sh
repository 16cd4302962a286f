# shellcheck shell=dash
# unpriv (L2 side): root opens the device files, passvm runs as uid 1000
# on them. The fds: 3 /dev/kvm, 4 the container or /dev/iommu, 5 the
# group or the device cdev (shell redirections, inherited by su's exec),
# 6 tap2 (root's persistent tap at 10.0.4.1/24, attached by labtool
# tap-exec: uid 1000 could not open it by name), 7 /dev/vhost-net (0600
# root in L2's devtmpfs): --net fd=6,vhost-fd=7.
# Measures, per backend BE (type1; iommufd when L2 has /dev/iommu and the
# NVMe's VFIO cdev):
#   LAB: RESULT unpriv/status backend=BE pid=N uid=N capeff=HEX capprm=HEX
#     fds=N           (the running passvm's /proc/PID/status, in its run)
#   LAB: RESULT unpriv/backend backend=BE from_fds=0|1  (after the run:
#     passvm's --trace vfio said it took BE because of the fds given)
#   LAB: RESULT unpriv/skip backend=iommufd why=WORDS  (when it cannot run)
grp=$(lab_bind "$NVME_BDF") || {
	echo "LAB: unpriv: binding $NVME_BDF to vfio-pci failed"
	exit 1
}
UNPRIV_TAP=tap2 # not net's tap0 nor bench-virtio's tap1
if ! /lab/labtool tap-add "$UNPRIV_TAP" >/dev/null ||
	! ip addr add 10.0.4.1/24 dev "$UNPRIV_TAP" || ! ip link set "$UNPRIV_TAP" up; then
	echo "LAB: unpriv: cannot set up $UNPRIV_TAP"
fi
grep -q '^pv:' /etc/passwd 2>/dev/null ||
	echo 'pv:x:1000:1000:passvm:/tmp:/bin/sh' >>/etc/passwd
grep -q '^pv:' /etc/group 2>/dev/null || echo 'pv:x:1000:' >>/etc/group

# unpriv_watch BE: report the uid and capabilities of each passvm process
# (a run tried again after a hang is a new one), polling pidof until
# /tmp/unpriv.done appears
unpriv_watch() {
	local p s seen=
	while [ ! -e /tmp/unpriv.done ]; do
		p=$(pidof passvm | cut -d' ' -f1)
		s=/proc/$p/status
		if [ -n "$p" ] && [ "$p" != "$seen" ] && [ -r "$s" ]; then
			lab_result unpriv/status backend="$1" pid="$p" \
				uid="$(awk '/^Uid:/ {print $2}' "$s")" \
				capeff="$(awk '/^CapEff:/ {print $2}' "$s")" \
				capprm="$(awk '/^CapPrm:/ {print $2}' "$s")" \
				fds="$(find "/proc/$p/fd" -mindepth 1 2>/dev/null | wc -l)"
			seen=$p
		fi
		sleep 0.2
	done
}

# unpriv_run BACKEND IOMMU_NODE DEVICE_NODE
unpriv_run() {
	local be=$1 iommu=$2 devnode=$3
	echo "LAB: unpriv $be: fds 3=/dev/kvm 4=$iommu 5=$devnode"
	rm -f /tmp/unpriv.done
	unpriv_watch "$be" &
	# --iommu auto last (it overrides one in LAB_PASSVM_ARGS): passvm
	# must take the backend from the fds
	lab_run "unpriv-$be" passvm /bin/sh -c "ulimit -l unlimited && exec /lab/labtool tap-exec $UNPRIV_TAP 6 su -s /bin/sh pv -c 'exec $PASSVM run $(lab_passvm_args) --trace vfio --iommu auto --cmdline \"$L3_CMDLINE $(lab_l3_args passvm)\" --kvm-fd 3 --iommu-fd 4 --vfio fd=5 --net fd=6,vhost-fd=7,mac=52:54:00:12:34:30,id=unpriv_net' 3<>/dev/kvm 4<>$iommu 5<>$devnode 7<>/dev/vhost-net"
	: >/tmp/unpriv.done
	wait
	lab_result unpriv/backend backend="$be" \
		from_fds="$(grep -c "vfio: backend $be, as the fds given are for it" "$LAB_VMM_ERR")"
}

unpriv_run type1 /dev/vfio/vfio "/dev/vfio/$grp"
if [ -c /dev/iommu ]; then
	cdev=$(find "/sys/bus/pci/devices/$NVME_BDF/vfio-dev/" -mindepth 1 -maxdepth 1 -name "vfio*" 2>/dev/null | head -n1)
	cdev=${cdev##*/}
	if [ -n "$cdev" ] && [ -c "/dev/vfio/devices/$cdev" ]; then
		unpriv_run iommufd /dev/iommu "/dev/vfio/devices/$cdev"
	else
		lab_result unpriv/skip backend=iommufd why="$(lab_word "no VFIO cdev for $NVME_BDF")"
	fi
else
	lab_result unpriv/skip backend=iommufd why="$(lab_word "no /dev/iommu in L2 (the lab's own kernel has it)")"
fi
