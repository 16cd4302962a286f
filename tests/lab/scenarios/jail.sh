# shellcheck shell=bash
# jail (host side): seccomp and `passvm jail` with the NVMe (jail.l2.sh).
# jail/forbidden: a vCPU's forbidden call (--seccomp-test-forbidden vcpu)
# ends passvm with 148 and a message naming the call and the thread,
# before the guest's first instruction. jail/run: jailed, the guest drives
# the NVMe (nvme.l3.sh; marker at 9 MiB in nvme.img), exit 0. jail/net:
# a tap root attached (tap3, labtool tap-exec) and /dev/vhost-net, passed
# as --net fd=6,vhost-fd=7 through the jail (no --netns): the guest pings
# L2 through vhost-net, the jailed passvm holds one fd on each, and its
# /dev has neither node (jail/confined's dev).
# jail/confined: while it ran, the jailed passvm was uid and gid 1000 with
# CapEff, CapPrm and CapBnd 0, no_new_privs, PID 1 of its namespace, in its
# own network namespace and the cgroup /passvm/lab (memory.max 1G,
# pids.max 64), with RLIMIT_MEMLOCK = guest RAM + 64 MiB and RLIMIT_NOFILE
# 2048, every thread under a seccomp filter (Seccomp: 2), a root holding
# only the VM's files and nodes; the cgroup and pidfile are gone after.
# shellcheck source-path=SCRIPTDIR source=nvme.sh
. "$LAB_DIR/scenarios/nvme.sh" # check_nvme_run
scen_jail_devices() { l1_dev_nvme; }
scen_jail_modules() { echo tun vhost_net; }
scen_jail_l3_cloud_modules() { echo virtio_pci virtio_net; }
scen_jail_l2_tools() { lab_tool labtool; }
scen_jail_budget() { echo 150; }

JAIL_GUEST_MIB=256 # L3_MEM_MIB of the L2 helpers
JAIL_ZERO_CAPS=0000000000000000
# the jail's /dev: the group's nodes; when the run may take iommufd
# (--iommu auto or iommufd) on a kernel with it (the lab's own),
# /dev/iommu and the NVMe's cdev too (jail_add_pci)
JAIL_DEV_RE='(kvm,null,urandom,vfio,vfio/[0-9]+|iommu,kvm,null,urandom,vfio,vfio/[0-9]+,vfio/devices,vfio/devices/vfio[0-9]+),vfio/vfio'

scen_jail_check() {
	lab_want passvm || return 0
	expect_run jail/forbidden jail run=jail-forbidden + jail/forbidden \
		exit==148 message==yes thread==vcpu call==socket guest!=up
	check_nvme_run jail/run jail passvm msix run=jail-passvm
	expect jail/confined jail/proc + jail/root + jail/after \
		capeff==$JAIL_ZERO_CAPS capprm==$JAIL_ZERO_CAPS \
		capbnd==$JAIL_ZERO_CAPS uid==1000 gid==1000 nonewprivs==1 \
		nspid==1 seccomp==2 'threads>=4' \
		"filtered==$(value jail/proc threads)" cgroup==/passvm/lab \
		netns==own memory_max==1073741824 pids_max==64 \
		memlock==$(((JAIL_GUEST_MIB + 64) * 1048576)) nofile==2048 \
		top==dev,lab,proc,sys lab==l3.cpio,vmlinuz-l3 \
		"dev~^$JAIL_DEV_RE\$" \
		cgroup_left==no pidfile_left==no
	expect jail/net jail/net vmm=passvm + jail/virtio kind=net + \
		jail/proc driver==virtio_net ping==ok tap==tap3 \
		datapath==vhost-net tun_fds==1 vhost_fds==1
	print_run_table
}
