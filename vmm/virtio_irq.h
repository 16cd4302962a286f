/* SPDX-License-Identifier: GPL-2.0 */
/* The virtio devices' interrupts on passvm's interrupt router. */
#ifndef PASSVM_VMM_VIRTIO_IRQ_H
#define PASSVM_VMM_VIRTIO_IRQ_H

#include "devices/irq.h"
#include "virtio/virtio_pci.h"

/* One virtio device as an MSI owner of the router (irq_owner_add). */
struct virtio_irq_owner {
	struct irq_router *r; /* not owned */
	int owner;
};

/*
 * virtio_irq_backend_init() - register the device @name (copied) as an
 * MSI owner of @r, so that its GSIs count against its own fair share
 * (devices/irq.h), and fill *@be with the virtio irq backend over it: an
 * MSI GSI and an irqfd per vector, routes through the router's table,
 * batches (one push per MSI-X table or control write), INTx as a line.
 * @o must outlive the device. Register every device before the guest
 * runs. Errors: irq_owner_add's (-ENOSPC), message in @err. The only file
 * of the virtio glue that knows devices/irq.h.
 */
int virtio_irq_backend_init(struct virtio_irq_owner *o, struct irq_router *r,
			    const char *name, struct virtio_irq_backend *be,
			    struct pv_error *err);

#endif
