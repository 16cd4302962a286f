/* SPDX-License-Identifier: GPL-2.0 */
/* The virtio devices' interrupts on passvm's KVM interrupt router. */
#ifndef PASSVM_VMM_VIRTIO_IRQ_H
#define PASSVM_VMM_VIRTIO_IRQ_H

#include "devices/irq.h"
#include "virtio/virtio_pci.h"

/*
 * virtio_irq_backend_for() - the virtio irq backend on @r (not owned):
 * an MSI GSI and a KVM irqfd per vector, routes through KVM_SET_GSI_ROUTING,
 * INTx through KVM_IRQ_LINE. The only file of the virtio glue that knows
 * devices/irq.h.
 */
struct virtio_irq_backend virtio_irq_backend_for(struct irq_router *r);

#endif
