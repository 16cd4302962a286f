// SPDX-License-Identifier: GPL-2.0
/*
 * The router's routes in KVM's terms; the contract is vmm/kvm_irq.h.
 * Route translation (struct irq_route -> struct kvm_irq_routing_entry):
 * an irqchip route names KVM's controller number (arch_kvm_irqchip) and
 * pin; a line is KVM_IRQ_LINE's encoding of its GSI (arch_kvm_irq_line); an MSI route
 * carries the message, and the requester ID with KVM_MSI_VALID_DEVID when
 * the router gives one (only platforms whose KVM has KVM_CAP_MSI_DEVID,
 * arm64 with an ITS, get one: x86 KVM refuses the flag).
 */
#include "vmm/kvm_irq.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/kvm.h>

#include "arch/arch.h"

static int vm_fd(void *ctx)
{
	return *(const int *)ctx;
}

static int kvm_set_routing(void *ctx, const struct irq_route *routes,
			   uint32_t n)
{
	struct kvm_irq_routing *t;
	int ret = 0;

	t = calloc(1, sizeof(*t) + n * sizeof(t->entries[0]));
	if (!t)
		return -ENOMEM;
	t->nr = n;
	for (uint32_t i = 0; i < n && !ret; i++) {
		const struct irq_route *r = &routes[i];
		struct kvm_irq_routing_entry *e = &t->entries[i];
		int chip;

		e->gsi = r->gsi;
		switch (r->type) {
		case IRQ_ROUTE_IRQCHIP:
			chip = arch_kvm_irqchip(r->u.irqchip.chip);
			if (chip < 0) {
				ret = -EINVAL;
				break;
			}
			e->type = KVM_IRQ_ROUTING_IRQCHIP;
			e->u.irqchip.irqchip = (uint32_t)chip;
			e->u.irqchip.pin = r->u.irqchip.pin;
			break;
		case IRQ_ROUTE_MSI:
			e->type = KVM_IRQ_ROUTING_MSI;
			e->u.msi.address_lo = (uint32_t)r->u.msi.addr;
			e->u.msi.address_hi = (uint32_t)(r->u.msi.addr >> 32);
			e->u.msi.data = r->u.msi.data;
			if (r->u.msi.devid_valid) {
				e->flags = KVM_MSI_VALID_DEVID;
				e->u.msi.devid = r->u.msi.devid;
			}
			break;
		default:
			ret = -EINVAL;
		}
	}
	if (!ret && ioctl(vm_fd(ctx), KVM_SET_GSI_ROUTING, t) < 0)
		ret = -errno;
	free(t);
	return ret;
}

static int kvm_irq_line(void *ctx, uint32_t gsi, int level)
{
	struct kvm_irq_level l = { .irq = arch_kvm_irq_line(gsi),
				   .level = level ? 1 : 0 };

	if (ioctl(vm_fd(ctx), KVM_IRQ_LINE, &l) < 0)
		return -errno;
	return 0;
}

static int kvm_irqfd(void *ctx, int fd, uint32_t gsi, int resample_fd,
		     bool assign)
{
	struct kvm_irqfd a = { .fd = (uint32_t)fd, .gsi = gsi };

	if (!assign) {
		a.flags = KVM_IRQFD_FLAG_DEASSIGN;
	} else if (resample_fd >= 0) {
		a.flags = KVM_IRQFD_FLAG_RESAMPLE;
		a.resamplefd = (uint32_t)resample_fd;
	}
	if (ioctl(vm_fd(ctx), KVM_IRQFD, &a) < 0)
		return -errno;
	return 0;
}

static int kvm_signal_msi(void *ctx, const struct irq_msi_msg *msg)
{
	struct kvm_msi m = {
		.address_lo = (uint32_t)msg->addr,
		.address_hi = (uint32_t)(msg->addr >> 32),
		.data = msg->data,
	};

	if (msg->devid_valid) {
		m.flags = KVM_MSI_VALID_DEVID;
		m.devid = msg->devid;
	}
	/* > 0 delivered, 0 blocked by the guest (masked): both fine. */
	if (ioctl(vm_fd(ctx), KVM_SIGNAL_MSI, &m) < 0)
		return -errno;
	return 0;
}

struct irq_backend kvm_irq_backend(int *vm_fd_storage)
{
	struct irq_backend be = {
		.set_routing = kvm_set_routing,
		.irq_line = kvm_irq_line,
		.irqfd = kvm_irqfd,
		.signal_msi = kvm_signal_msi,
		.ctx = vm_fd_storage,
	};

	return be;
}
