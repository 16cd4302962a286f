// SPDX-License-Identifier: GPL-2.0
/* Adapter: virtio's irq backend (virtio/virtio_pci.h) on devices/irq.h. */
#include "vmm/virtio_irq.h"

static int msi_attach(void *ctx, int fd, uint32_t *gsi, struct pv_error *err)
{
	struct irq_router *r = ctx;
	int ret = irq_msi_alloc(r, gsi, err);

	if (ret)
		return ret;
	ret = irq_irqfd_attach(r, fd, *gsi, -1, err);
	if (ret)
		irq_msi_free(r, *gsi);
	return ret;
}

static int msi_route(void *ctx, uint32_t gsi, uint64_t addr, uint32_t data,
		     struct pv_error *err)
{
	return irq_msi_update(ctx, gsi, addr, data, err);
}

static void msi_detach(void *ctx, int fd, uint32_t gsi)
{
	irq_irqfd_detach(ctx, fd, gsi);
	irq_msi_free(ctx, gsi);
}

static void intx_set(void *ctx, uint32_t gsi, int level)
{
	irq_set_level(ctx, gsi, level);
}

struct virtio_irq_backend virtio_irq_backend_for(struct irq_router *r)
{
	struct virtio_irq_backend be = {
		.msi_attach = msi_attach,
		.msi_route = msi_route,
		.msi_detach = msi_detach,
		.intx_set = intx_set,
		.ctx = r,
	};

	return be;
}
