// SPDX-License-Identifier: GPL-2.0
/* Adapter: virtio's irq backend (virtio/virtio_pci.h) on devices/irq.h. */
#include "vmm/virtio_irq.h"

static int msi_attach(void *ctx, int fd, uint32_t *gsi, struct pv_error *err)
{
	struct virtio_irq_owner *o = ctx;
	int ret = irq_msi_alloc(o->r, o->owner, gsi, err);

	if (ret)
		return ret;
	ret = irq_irqfd_attach(o->r, fd, *gsi, -1, err);
	if (ret)
		irq_msi_free(o->r, *gsi);
	return ret;
}

static int msi_route(void *ctx, uint32_t gsi, uint64_t addr, uint32_t data,
		     struct pv_error *err)
{
	struct virtio_irq_owner *o = ctx;

	return irq_msi_update(o->r, gsi, addr, data, err);
}

static void msi_detach(void *ctx, int fd, uint32_t gsi)
{
	struct virtio_irq_owner *o = ctx;

	irq_irqfd_detach(o->r, fd, gsi);
	irq_msi_free(o->r, gsi);
}

static void batch_begin(void *ctx)
{
	struct virtio_irq_owner *o = ctx;

	irq_batch_begin(o->r, o->owner);
}

static int batch_end(void *ctx, struct pv_error *err)
{
	struct virtio_irq_owner *o = ctx;

	return irq_batch_end(o->r, o->owner, err);
}

static void intx_set(void *ctx, uint32_t gsi, int level)
{
	struct virtio_irq_owner *o = ctx;

	irq_set_level(o->r, gsi, level);
}

int virtio_irq_backend_init(struct virtio_irq_owner *o, struct irq_router *r,
			    const char *name, struct virtio_irq_backend *be,
			    struct pv_error *err)
{
	int id = irq_owner_add(r, name, err);

	if (id < 0)
		return id;
	o->r = r;
	o->owner = id;
	*be = (struct virtio_irq_backend){
		.msi_attach = msi_attach,
		.msi_route = msi_route,
		.msi_detach = msi_detach,
		.batch_begin = batch_begin,
		.batch_end = batch_end,
		.intx_set = intx_set,
		.ctx = o,
	};
	return 0;
}
