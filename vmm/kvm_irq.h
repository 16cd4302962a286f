/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The KVM backend of the interrupt router (devices/irq.h): the router's
 * routes become KVM_SET_GSI_ROUTING entries, lines KVM_IRQ_LINE, irqfds
 * KVM_IRQFD (with KVM_IRQFD_FLAG_RESAMPLE), injections KVM_SIGNAL_MSI.
 * Source: Documentation/virt/kvm/api.rst (KVM_SET_GSI_ROUTING §4.52,
 * KVM_IRQ_LINE §4.25, KVM_IRQFD §4.75, KVM_SIGNAL_MSI §4.71).
 */
#ifndef PASSVM_VMM_KVM_IRQ_H
#define PASSVM_VMM_KVM_IRQ_H

#include "devices/irq.h"

/*
 * kvm_irq_backend() - a backend issuing ioctls on the VM fd in
 * *@vm_fd_storage (not owned; the storage must outlive the router).
 */
struct irq_backend kvm_irq_backend(int *vm_fd_storage);

#endif
