# shellcheck shell=dash
# devices (L2 side): the VFIO-ready L1 device set. Lists each PCI function
# with its driver and IOMMU group, binds the passthrough candidates to
# vfio-pci with `passvm bind` and reports what it got, one "LAB: dev" line
# each, then
#   LAB: RESULT devices bound=N of=N bridge_shared=yes|no peer_netdev=IF
# (bridge_shared: the two functions behind the bridge are in one group)
for d in /sys/bus/pci/devices/*; do
	bdf=${d##*/}
	grp=none
	[ -e "$d/iommu_group" ] && grp=$(basename "$(readlink "$d/iommu_group")")
	echo "LAB: pci $bdf id=$(cut -c3- "$d/vendor"):$(cut -c3- "$d/device") class=$(cut -c3- "$d/class") driver=$(lab_driver "$bdf") group=$grp"
done

# PEER_BDF is the NIC that stays in L2 (e1000e), the peer of NIC_BDF
nic=$(ls "/sys/bus/pci/devices/$PEER_BDF/net" 2>/dev/null)
if [ -n "$nic" ]; then
	ip link set "$nic" up 2>/dev/null
	echo "LAB: l2-nic $PEER_BDF netdev=$nic"
fi

n=0 of=0 g1="" g2=""
for bdf in "$NVME_BDF" "$NIC_BDF" "$EDU_BDF" "$GRP_EDU1_BDF" "$GRP_EDU2_BDF"; do
	of=$((of + 1))
	if grp=$(lab_bind "$bdf" 2>/dev/null); then
		n=$((n + 1))
		echo "LAB: dev $bdf group=$grp vfio=/dev/vfio/$grp members=$(cd "/sys/kernel/iommu_groups/$grp/devices" && echo *)"
		[ "$bdf" != "$GRP_EDU1_BDF" ] || g1=$grp
		[ "$bdf" != "$GRP_EDU2_BDF" ] || g2=$grp
	else
		echo "LAB: dev $bdf vfio=FAILED"
	fi
done
shared=no
[ -n "$g1" ] && [ "$g1" = "$g2" ] && shared=yes
lab_result devices bound=$n of=$of bridge_shared=$shared bridge_groups="$g1,$g2" peer_netdev="$nic"
