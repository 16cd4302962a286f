/* SPDX-License-Identifier: GPL-2.0 */
/* Queue notifications that stay in KVM: KVM_IOEVENTFD on MMIO addresses. */
#ifndef PASSVM_VMM_KVM_IOEVENTFD_H
#define PASSVM_VMM_KVM_IOEVENTFD_H

#include <stdint.h>

#include "virtio/virtio_pci.h"

struct kvm_ioeventfd_ctx {
	int vm_fd;
	uint32_t len; /* 0: any length (KVM_CAP_IOEVENTFD_ANY_LENGTH), else 2 */
};

/*
 * kvm_ioeventfd_backend() - the virtio ioeventfd backend on @vm_fd: a
 * write at the notify address signals the queue's eventfd inside KVM
 * (Documentation/virt/kvm/api.rst, KVM_IOEVENTFD). Any length when KVM
 * has KVM_CAP_IOEVENTFD_ANY_LENGTH, else the 16-bit write a driver makes
 * (virtio 1.2 §4.1.5.2). @c must outlive the devices.
 */
struct virtio_ioeventfd_backend
kvm_ioeventfd_backend(struct kvm_ioeventfd_ctx *c, int vm_fd);

#endif
