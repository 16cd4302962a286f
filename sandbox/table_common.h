/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ioctl requests that are the same on every architecture (generic KVM
 * ioctls, vhost, tun, iommufd), for the lists of sandbox/table_*.c: what
 * the device code of the branches that merge after the filters calls
 * once the guest runs (virtio and vhost-net on merge-virtio, iommufd on
 * iommufd). Included by one table file per build; each list is named
 * where a table uses it, and the comments there say which code makes the
 * calls.
 */
#ifndef PASSVM_SANDBOX_TABLE_COMMON_H
#define PASSVM_SANDBOX_TABLE_COMMON_H

#include <linux/if_tun.h>
#include <linux/kvm.h>
#include <linux/vhost.h>
#include <stdint.h>

#include "sandbox/iommufd_ioctl.h"

/* clang-format off */

/* vCPU: a virtio BAR0 move, vhost-net following a memory map change. */
static const uint32_t ioctl_vcpu_virtio[] = {
	KVM_IOEVENTFD,
	VHOST_SET_MEM_TABLE,
};

/*
 * main: an iommufd IOAS's maps on a --reboot and its end at exit; --timeout's
 * power button; virtio's devices rebuilt (vhost-net opened again) and torn
 * down (ioeventfds and irqfds off, vhost stopped, tap offloads reset).
 */
static const uint32_t ioctl_main_devices[] = {
	IOMMU_IOAS_MAP,
	IOMMU_IOAS_UNMAP,
	IOMMU_DESTROY,
	VFIO_DEVICE_DETACH_IOMMUFD_PT,
	KVM_IRQ_LINE,
	KVM_IOEVENTFD,
	KVM_IRQFD,
	KVM_SET_GSI_ROUTING,
	VHOST_SET_OWNER,
	VHOST_GET_FEATURES,
	VHOST_SET_MEM_TABLE,
	VHOST_NET_SET_BACKEND,
	VHOST_GET_VRING_BASE,
	VHOST_SET_VRING_CALL,
	TUNSETOFFLOAD,
};

/*
 * A virtio I/O thread: a queue's interrupt (a line under INTx, routes
 * pushed), vhost-net started at DRIVER_OK and stopped at a reset, the
 * tap's offloads set from the negotiated features.
 */
static const uint32_t ioctl_io[] = {
	KVM_IRQ_LINE,
	KVM_SIGNAL_MSI,
	KVM_IRQFD,
	KVM_SET_GSI_ROUTING,
	VHOST_SET_FEATURES,
	VHOST_SET_MEM_TABLE,
	VHOST_SET_VRING_NUM,
	VHOST_SET_VRING_BASE,
	VHOST_GET_VRING_BASE,
	VHOST_SET_VRING_ADDR,
	VHOST_SET_VRING_KICK,
	VHOST_SET_VRING_CALL,
	VHOST_NET_SET_BACKEND,
	TUNSETOFFLOAD,
};

/* clang-format on */

#endif
