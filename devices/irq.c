// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupt routing into KVM's in-kernel irqchip; the contract is
 * devices/irq.h. Source: Documentation/virt/kvm/api.rst (KVM_SET_GSI_ROUTING
 * §4.52, KVM_IRQ_LINE §4.25, KVM_IRQFD §4.75, KVM_SIGNAL_MSI §4.71).
 *
 * The routing table lives here: KVM_SET_GSI_ROUTING replaces the whole
 * table, so every change rebuilds it from the default entries (what
 * KVM_CREATE_IRQCHIP installs) plus one MSI entry per routed MSI GSI.
 * An MSI GSI is routed when it is allocated and its address is non-zero:
 * irq_msi_update(addr = 0) withdraws the route (Linux writes an all-zero
 * message when it tears a vector down; x86 MSI addresses are 0xfeexxxxx).
 */
#include "devices/irq.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/kvm.h>

#define PIC_PINS 16 /* GSI 0..15 also reach the master/slave 8259A */
#define NR_DEFAULT_ROUTES (PIC_PINS + IRQ_IOAPIC_PINS)

/* ---- the KVM backend: ioctls on the VM fd ---- */

static int vm_fd(void *ctx)
{
	return *(const int *)ctx;
}

static int kvm_set_routing(void *ctx, const struct kvm_irq_routing *table)
{
	if (ioctl(vm_fd(ctx), KVM_SET_GSI_ROUTING, table) < 0)
		return -errno;
	return 0;
}

static int kvm_irq_line(void *ctx, uint32_t gsi, int level)
{
	struct kvm_irq_level l = { .irq = gsi, .level = level ? 1 : 0 };

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

static int kvm_signal_msi(void *ctx, uint64_t addr, uint32_t data)
{
	struct kvm_msi m = {
		.address_lo = (uint32_t)addr,
		.address_hi = (uint32_t)(addr >> 32),
		.data = data,
	};

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

/* ---- the routing table ---- */

static struct irq_msi_route *msi_slot(struct irq_router *r, uint32_t gsi)
{
	if (gsi < IRQ_MSI_GSI_BASE || gsi >= r->max_gsi)
		return NULL;
	return &r->msi[gsi - IRQ_MSI_GSI_BASE];
}

static bool msi_routed(const struct irq_msi_route *m)
{
	return m->used && m->addr;
}

static void route_irqchip(struct kvm_irq_routing_entry *e, uint32_t gsi,
			  uint32_t chip, uint32_t pin)
{
	memset(e, 0, sizeof(*e));
	e->gsi = gsi;
	e->type = KVM_IRQ_ROUTING_IRQCHIP;
	e->u.irqchip.irqchip = chip;
	e->u.irqchip.pin = pin;
}

/* Build and push the whole table (r->lock held). */
static int push_table(struct irq_router *r, struct pv_error *err)
{
	uint32_t n = NR_DEFAULT_ROUTES,
		 nr_msi = r->max_gsi > IRQ_MSI_GSI_BASE ?
				  r->max_gsi - IRQ_MSI_GSI_BASE :
				  0;
	struct kvm_irq_routing *t;
	uint32_t i;
	int ret;

	for (i = 0; i < nr_msi; i++)
		n += msi_routed(&r->msi[i]);
	t = calloc(1, sizeof(*t) + n * sizeof(t->entries[0]));
	if (!t)
		return pv_seterr(err, ENOMEM,
				 "out of memory for the GSI routing table");

	/* As KVM_CREATE_IRQCHIP does: 0..15 to both chips, 16..23 IOAPIC. */
	n = 0;
	for (i = 0; i < IRQ_IOAPIC_PINS; i++) {
		route_irqchip(&t->entries[n++], i, KVM_IRQCHIP_IOAPIC, i);
		if (i < PIC_PINS)
			route_irqchip(&t->entries[n++], i,
				      i < 8 ? KVM_IRQCHIP_PIC_MASTER :
					      KVM_IRQCHIP_PIC_SLAVE,
				      i % 8);
	}
	for (i = 0; i < nr_msi; i++) {
		const struct irq_msi_route *m = &r->msi[i];
		struct kvm_irq_routing_entry *e;

		if (!msi_routed(m))
			continue;
		e = &t->entries[n++];
		e->gsi = IRQ_MSI_GSI_BASE + i;
		e->type = KVM_IRQ_ROUTING_MSI;
		e->u.msi.address_lo = (uint32_t)m->addr;
		e->u.msi.address_hi = (uint32_t)(m->addr >> 32);
		e->u.msi.data = m->data;
	}
	t->nr = n;

	ret = r->be.set_routing ? r->be.set_routing(r->be.ctx, t) : -ENOSYS;
	free(t);
	if (ret)
		return pv_seterr(err, -ret,
				 "KVM_SET_GSI_ROUTING with %u entries failed: "
				 "%s",
				 n, strerror(-ret));
	return 0;
}

int irq_router_init(struct irq_router *r, const struct irq_backend *be,
		    uint32_t max_gsi, struct pv_error *err)
{
	int ret;

	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->lock, NULL);
	r->be = *be;
	if (max_gsi > IRQ_MAX_GSI)
		max_gsi = IRQ_MAX_GSI;
	if (max_gsi < IRQ_IOAPIC_PINS)
		return pv_seterr(err, EINVAL,
				 "KVM offers %u GSI routes, fewer than the "
				 "%u IOAPIC pins: is KVM_CAP_IRQ_ROUTING "
				 "missing?",
				 max_gsi, IRQ_IOAPIC_PINS);
	r->max_gsi = max_gsi;

	pthread_mutex_lock(&r->lock);
	ret = push_table(r, err);
	pthread_mutex_unlock(&r->lock);
	if (!ret)
		pv_trace(TRACE_IRQ,
			 "default routing: gsi 0..15 -> PIC+IOAPIC, 16..%u -> "
			 "IOAPIC, msi gsi %u..%u",
			 IRQ_IOAPIC_PINS - 1, IRQ_MSI_GSI_BASE, max_gsi - 1);
	return ret;
}

void irq_set_level(void *router, uint32_t gsi, int level)
{
	static atomic_bool warned;
	struct irq_router *r = router;
	int ret;

	ret = r->be.irq_line ? r->be.irq_line(r->be.ctx, gsi, level) : -ENOSYS;
	if (ret && !atomic_exchange(&warned, true))
		pv_warn("KVM_IRQ_LINE gsi %u level %d failed: %s "
			"(further failures not reported)",
			gsi, level, strerror(-ret));
}

struct irq_line irq_line_for(struct irq_router *r, uint32_t gsi)
{
	struct irq_line l = {
		.set_level = irq_set_level,
		.opaque = r,
		.gsi = gsi,
	};

	return l;
}

int irq_msi_alloc(struct irq_router *r, uint32_t *gsi, struct pv_error *err)
{
	pthread_mutex_lock(&r->lock);
	for (uint32_t g = IRQ_MSI_GSI_BASE; g < r->max_gsi; g++) {
		struct irq_msi_route *m = msi_slot(r, g);

		if (m->used)
			continue;
		m->used = true;
		m->addr = 0;
		m->data = 0;
		pthread_mutex_unlock(&r->lock);
		*gsi = g;
		pv_trace(TRACE_IRQ, "msi gsi %u allocated", g);
		return 0;
	}
	pthread_mutex_unlock(&r->lock);
	return pv_seterr(err, ENOSPC,
			 "all %u MSI GSIs (%u..%u) are in use: assign fewer "
			 "MSI/MSI-X vectors",
			 r->max_gsi > IRQ_MSI_GSI_BASE ?
				 r->max_gsi - IRQ_MSI_GSI_BASE :
				 0,
			 IRQ_MSI_GSI_BASE, r->max_gsi - 1);
}

int irq_msi_update(struct irq_router *r, uint32_t gsi, uint64_t addr,
		   uint32_t data, struct pv_error *err)
{
	struct irq_msi_route *m, old;
	int ret;

	pthread_mutex_lock(&r->lock);
	m = msi_slot(r, gsi);
	if (!m || !m->used) {
		pthread_mutex_unlock(&r->lock);
		return pv_seterr(err, EINVAL,
				 "GSI %u is not an allocated MSI GSI", gsi);
	}
	/* Unchanged: spare KVM a table swap (it waits for an SRCU grace). */
	if (m->addr == addr && m->data == data) {
		pthread_mutex_unlock(&r->lock);
		return 0;
	}
	old = *m;
	m->addr = addr;
	m->data = data;
	ret = push_table(r, err);
	if (ret)
		*m = old;
	pthread_mutex_unlock(&r->lock);
	if (!ret) {
		if (addr)
			pv_trace(TRACE_IRQ,
				 "msi route gsi %u -> addr 0x%llx data 0x%x",
				 gsi, (unsigned long long)addr, data);
		else
			pv_trace(TRACE_IRQ, "msi route gsi %u withdrawn", gsi);
	}
	return ret;
}

void irq_msi_free(struct irq_router *r, uint32_t gsi)
{
	struct irq_msi_route *m;
	struct pv_error err;
	bool was_routed;

	pthread_mutex_lock(&r->lock);
	m = msi_slot(r, gsi);
	if (!m || !m->used) {
		pthread_mutex_unlock(&r->lock);
		return;
	}
	was_routed = msi_routed(m);
	memset(m, 0, sizeof(*m));
	if (was_routed && push_table(r, &err))
		pv_warn("freeing MSI gsi %u: %s", gsi, err.msg);
	pthread_mutex_unlock(&r->lock);
	pv_trace(TRACE_IRQ, "msi gsi %u freed", gsi);
}

int irq_irqfd_attach(struct irq_router *r, int fd, uint32_t gsi,
		     int resample_fd, struct pv_error *err)
{
	int ret;

	if (gsi >= r->max_gsi || fd < 0)
		return pv_seterr(err, EINVAL, "irqfd fd %d -> gsi %u: %s", fd,
				 gsi, fd < 0 ? "bad eventfd" : "no such GSI");
	ret = r->be.irqfd ? r->be.irqfd(r->be.ctx, fd, gsi, resample_fd, true) :
			    -ENOSYS;
	if (ret)
		return pv_seterr(err, -ret,
				 "KVM_IRQFD fd %d -> gsi %u%s failed: %s", fd,
				 gsi, resample_fd >= 0 ? " (resample)" : "",
				 strerror(-ret));
	if (resample_fd >= 0)
		pv_trace(TRACE_IRQ, "irqfd fd %d -> gsi %u (resample fd %d)",
			 fd, gsi, resample_fd);
	else
		pv_trace(TRACE_IRQ, "irqfd fd %d -> gsi %u", fd, gsi);
	return 0;
}

void irq_irqfd_detach(struct irq_router *r, int fd, uint32_t gsi)
{
	int ret;

	ret = r->be.irqfd ? r->be.irqfd(r->be.ctx, fd, gsi, -1, false) :
			    -ENOSYS;
	if (ret)
		pv_warn("KVM_IRQFD deassign fd %d gsi %u failed: %s", fd, gsi,
			strerror(-ret));
	else
		pv_trace(TRACE_IRQ, "irqfd fd %d -x gsi %u detached", fd, gsi);
}

int irq_signal_msi(struct irq_router *r, uint64_t addr, uint32_t data)
{
	return r->be.signal_msi ? r->be.signal_msi(r->be.ctx, addr, data) :
				  -ENOSYS;
}
