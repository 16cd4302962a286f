# shellcheck shell=sh disable=SC2034 # read by the files that source it
# The lab's PCI devices, one table for every level: run-lab (bash, host)
# sources it to place them in L1 (lib/common.sh, l1_dev_*) and to judge
# the results; run-lab copies it into both initramfs images as
# /lab/devices.sh, where the L2 /init (busybox sh, lib/l2-lib.sh) and the
# L3 /init source it.
#
# *_BDF: the address L1 gives the function and L2 sees (fixed: the L1
# command line places each one). L3 sees whatever address its VMM assigns,
# so the L3 side finds a function by its vendor:device ID (*_ID).
# *_MAC: the MAC L1 gives a NIC.

# nvme: NVMe, MSI-X table inside BAR0; disk out/nvme.img
NVME_BDF=0000:00:03.0
NVME_ID=1b36:0010
# e1000e passed through (MSI-X table in its own BAR), and its peer that
# stays in L2; the two share an L1 hub with nothing else on it
NIC_BDF=0000:00:04.0
NIC_MAC=52:54:00:12:34:01
PEER_BDF=0000:00:05.0
PEER_MAC=52:54:00:12:34:02
# edu (MSI, INTx, a DMA engine)
EDU_BDF=0000:00:06.0
EDU_ID=1234:11e8
# a pci-bridge; the firmware numbers the bus behind it 01. Its two edu
# functions share one IOMMU group.
BRIDGE_BDF=0000:00:07.0
GRP_EDU1_BDF=0000:01:01.0
GRP_EDU2_BDF=0000:01:02.0
# zoo's nine, all in one L3 guest
AHCI_BDF=0000:00:08.0 # ich9-ahci + a SATA disk; out/zoo-ahci.img
AHCI_ID=8086:2922
XHCI_BDF=0000:00:09.0 # qemu-xhci + a USB keyboard
XHCI_ID=1b36:000d
VBLK_BDF=0000:00:0a.0 # virtio-blk-pci, modern only; out/zoo-vblk.img
VBLK_ID=1af4:1042
E1000_BDF=0000:00:0b.0 # e1000 (legacy: INTx only, an I/O BAR)
E1000_ID=8086:100e
E1000_MAC=52:54:00:12:34:0b
IVSHMEM_BDF=0000:00:0c.0 # ivshmem-plain, 4 GiB BAR2; out/zoo-shm.img
IVSHMEM_ID=1af4:1110
BOCHS_BDF=0000:00:10.0 # bochs-display: an expansion ROM (a display's BIOS)
BOCHS_ID=1234:1111
BOCHS_CLASS=0x038000 # display controller (other): its ID is VGA's too
VGA_BDF=0000:00:13.0 # QEMU's std VGA: a VGA controller with a VGA BIOS ROM
VGA_ID=1234:1111
VGA_CLASS=0x030000
HDA_BDF=0000:00:11.0 # ich9-intel-hda + an hda-duplex codec: MSI only
HDA_ID=8086:293e
# a pcie-root-port, and behind it (bus 01: zoo's L1 boot has no other
# bridge) virtio-serial-pci, a PCIe endpoint with link registers, AER and
# ATS, 65 MSI-X vectors (31 ports); its port writes to out/zoo-vser.txt
VSER_PORT_BDF=0000:00:12.0
VSER_BDF=0000:01:00.0
VSER_ID=1af4:1043
VSER_VECTORS=65 # offered; the guest uses 64 (no vector for the control
VSER_GUEST_VECTORS=64 # output queue, which has no callback)
# sriov's igb (82576) PF, QEMU >= 8; its VFs appear at 00:1d.0, 00:1d.2
SRIOV_PF_BDF=0000:00:0d.0
SRIOV_PF_MAC=52:54:00:12:36:00
# rootfs: a virtio-blk disk of L1 that L2 mounts (ext4), carrying the
# image files the L3 VMMs open (out/rootfs-carrier.img)
CARRIER_BDF=0000:00:0e.0

# hostile-dma's edu with a DMA mask of all ones (the default is 28 bits):
# its DMA engine reaches any IOVA
EDU_DMA_BDF=0000:00:0f.0

# lab_slot BDF: the "SLOT.FN" part, as QEMU's addr= takes it (03.0)
lab_slot() {
	echo "${1##*:}"
}

# lab_mac_ll MAC: the IPv6 link-local address the kernel derives from MAC
# (modified EUI-64, RFC 4291 §2.5.1 and appendix A: the universal/local bit
# of the first byte flipped, ff:fe in the middle), e.g. 52:54:00:12:34:01 ->
# fe80::5054:ff:fe12:3401
lab_mac_ll() {
	# shellcheck disable=SC2046 # split the MAC at its colons
	set -- $(echo "$1" | tr : ' ')
	printf 'fe80::%x:%x:%x:%x\n' $(((0x$1 ^ 2) << 8 | 0x$2)) $((0x$3 << 8 | 0xff)) \
		$((0xfe00 | 0x$4)) $((0x$5 << 8 | 0x$6))
}
