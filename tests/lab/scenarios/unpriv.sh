# shellcheck shell=bash
# unpriv (host side): passvm started without privilege. A root shell in L2
# opens /dev/kvm, the IOMMU side (/dev/vfio/vfio, or /dev/iommu) and the
# NVMe's VFIO file (its group /dev/vfio/N, or its cdev /dev/vfio/devices/
# vfioN), raises RLIMIT_MEMLOCK, and runs passvm as uid 1000 (busybox su)
# with --kvm-fd, --iommu-fd, --vfio fd=N and --iommu auto. Once with the
# type1 container (unpriv/type1), and with iommufd when L2's kernel has it
# (unpriv/iommufd: LAB_L2_KERNEL=passvm-lab; otherwise a note says it was
# skipped and why). Each passes when the nvme guest work passes (nvme.l3.sh:
# MSI-X, marker in out/nvme.img) and passvm mapped DMA through that backend;
# unpriv/BE-caps when the running passvm had Uid 1000 and CapEff 0
# (/proc/PID/status, read by L2 while the guest ran) and its --trace vfio
# said it took the backend because of the fds given; unpriv/BE-net when
# the guest's virtio-net, on a tap root attached and passed as --net fd=6
# with /dev/vhost-net as vhost-fd=7, got ping replies from L2 through
# vhost-net. passvm only.
# shellcheck source-path=SCRIPTDIR source=nvme.sh
. "$LAB_DIR/scenarios/nvme.sh" # check_nvme_run
scen_unpriv_devices() { l1_dev_nvme; }
scen_unpriv_modules() { echo tun vhost_net; }
scen_unpriv_l3_cloud_modules() { echo virtio_pci virtio_net; }
scen_unpriv_l2_tools() { lab_tool labtool; }
scen_unpriv_budget() { echo 240; }

scen_unpriv_check() {
	local be why
	lab_want passvm || return 0
	for be in type1 iommufd; do
		why=$(value unpriv/skip backend="$be" why)
		if [ -n "$why" ]; then
			echo "note unpriv/$be skipped: ${why//_/ }"
			continue
		fi
		check_nvme_run "unpriv/$be" unpriv passvm msix "run=unpriv-$be"
		expect "unpriv/$be-caps" unpriv/status backend="$be" + \
			unpriv/backend backend="$be" + unpriv run="unpriv-$be" \
			uid==1000 capeff==0000000000000000 from_fds==1 iommu_backend=="$be"
		expect "unpriv/$be-net" unpriv/net run="unpriv-$be" + \
			unpriv/virtio run="unpriv-$be" kind=net \
			driver==virtio_net ping==ok tap==tap2 datapath==vhost-net
	done
	print_run_table
}
