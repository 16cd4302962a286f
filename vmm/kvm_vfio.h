/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KVM's VFIO pseudo-device (Documentation/virt/kvm/devices/vfio.rst):
 * KVM_CREATE_DEVICE(KVM_DEV_TYPE_VFIO) once per VM, then
 * KVM_DEV_VFIO_FILE_ADD / _DEL (KVM_DEV_VFIO_GROUP_* before 6.6) for each
 * VFIO file the VM uses, a group or a device cdev, so KVM
 * knows about non-coherent DMA (it then honours guest memory types) and
 * the groups' other KVM-side needs. The vfio layer calls it through a
 * struct vfio_group_hook; it knows nothing of KVM.
 */
#ifndef PASSVM_VMM_KVM_VFIO_H
#define PASSVM_VMM_KVM_VFIO_H

#include "vfio/vfio.h"

struct kvm_vfio {
	int vm_fd; /* not owned */
	int dev_fd; /* the KVM_DEV_TYPE_VFIO device, -1 until the first add */
	unsigned int nr_groups; /* files added, not yet deleted */
};

/* kvm_vfio_init() - for the VM @vm_fd; creates nothing yet. */
void kvm_vfio_init(struct kvm_vfio *k, int vm_fd);

/* kvm_vfio_hook() - the hook to give vfio_open(); @k must outlive it. */
struct vfio_group_hook kvm_vfio_hook(struct kvm_vfio *k);

/*
 * kvm_vfio_close() - close the device (call after every group's del,
 * before the VM fd is closed). Idempotent.
 */
void kvm_vfio_close(struct kvm_vfio *k);

#endif
