// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupt routing; the contract is devices/irq.h. The model follows
 * KVM's (Documentation/virt/kvm/api.rst, KVM_SET_GSI_ROUTING): a GSI is a
 * number routed to controller pins and/or an MSI message, and setting the
 * routing replaces the whole table. So every push rebuilds it from the
 * layout's default routes plus one MSI route per routed MSI GSI. An MSI GSI
 * is routed when it is allocated and its address is non-zero:
 * irq_msi_update(addr = 0) withdraws the route (Linux writes an all-zero
 * message when it tears a vector down; x86 MSI addresses are 0xfeexxxxx).
 *
 * Each MSI GSI keeps the message wanted (addr/data) and the one the
 * backend has (live_*): a batch changes the first, a push copies them
 * over, a failed push copies them back.
 */
#include "devices/irq.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

/* Teardown warnings a guest can provoke by toggling vectors. */
static struct pv_ratelimit free_warn, deassign_warn;

/* ---- the PC layout ---- */

const struct irq_layout irq_layout_pc = {
	.chip = IRQ_CHIP_IOAPIC,
	.nr_pins = IRQ_IOAPIC_PINS,
	.nr_pic_pins = IRQ_PIC_PINS,
	.msi_base = IRQ_MSI_GSI_BASE,
	.msi_addr_base = 0xfee00000, /* Intel SDM Vol. 3 §11.11.1 */
	.msi_addr_size = 0x100000,
};

/* ---- the routing table ---- */

static uint32_t pool_size(const struct irq_router *r)
{
	return r->max_gsi > r->msi_base ? r->max_gsi - r->msi_base : 0;
}

static struct irq_msi_route *msi_slot(struct irq_router *r, uint32_t gsi)
{
	if (gsi < r->msi_base || gsi >= r->max_gsi)
		return NULL;
	return &r->msi[gsi - r->msi_base];
}

static bool msi_routed(const struct irq_msi_route *m)
{
	return m->used && m->addr;
}

static struct irq_owner *owner_of(struct irq_router *r, int owner)
{
	if (owner < 0 || (unsigned int)owner >= r->nr_owners)
		return NULL;
	return &r->owners[owner];
}

/* Does the backend have what @m wants? */
static bool msi_in_sync(const struct irq_msi_route *m)
{
	if (msi_routed(m) != m->live)
		return false;
	return !m->live || (m->addr == m->live_addr && m->data == m->live_data);
}

/*
 * After a failed push: back to what the backend has; owners in a batch
 * whose changes went are told at irq_batch_end() (@ret).
 */
static void undo_unpushed(struct irq_router *r, int ret)
{
	for (uint32_t i = 0; i < pool_size(r); i++) {
		struct irq_msi_route *m = &r->msi[i];
		struct irq_owner *o;

		if (msi_in_sync(m))
			continue;
		o = owner_of(r, m->owner);
		if (o && o->batch)
			o->failed = ret;
		/* Freed while routed: it stays freed, the route lingers. */
		if (!m->used)
			continue;
		m->addr = m->live ? m->live_addr : 0;
		m->data = m->live ? m->live_data : 0;
	}
}

/* Build and push the whole table (r->lock held). */
static int push_table(struct irq_router *r, struct pv_error *err)
{
	uint32_t n = r->nr_defaults;
	int ret;

	memcpy(r->table, r->defaults, n * sizeof(r->table[0]));
	for (uint32_t i = 0; i < pool_size(r); i++) {
		const struct irq_msi_route *m = &r->msi[i];
		const struct irq_owner *o;
		struct irq_route *e;

		if (!msi_routed(m))
			continue;
		o = &r->owners[m->owner];
		e = &r->table[n++];
		memset(e, 0, sizeof(*e));
		e->gsi = r->msi_base + i;
		e->type = IRQ_ROUTE_MSI;
		e->u.msi.addr = m->addr;
		e->u.msi.data = m->data;
		e->u.msi.devid_valid = o->devid_valid;
		e->u.msi.devid = o->devid;
	}

	ret = r->be.set_routing ? r->be.set_routing(r->be.ctx, r->table, n) :
				  -ENOSYS;
	if (ret) {
		undo_unpushed(r, ret);
		return pv_seterr(err, -ret,
				 "setting the GSI routing table (%u entries) "
				 "failed: %s",
				 n, strerror(-ret));
	}
	r->pushes++;
	for (uint32_t i = 0; i < pool_size(r); i++) {
		struct irq_msi_route *m = &r->msi[i];

		m->live = msi_routed(m);
		m->live_addr = m->live ? m->addr : 0;
		m->live_data = m->live ? m->data : 0;
	}
	for (unsigned int i = 0; i < r->nr_owners; i++)
		r->owners[i].dirty = false;
	pv_trace(TRACE_IRQ, "routing table pushed: %u entries", n);
	return 0;
}

/* A change to @m: push now, or leave it for its owner's batch end. */
static int changed(struct irq_router *r, struct irq_msi_route *m,
		   struct pv_error *err)
{
	struct irq_owner *o = owner_of(r, m->owner);

	if (o && o->batch) {
		o->dirty = true;
		return 0;
	}
	return push_table(r, err);
}

/* @layout's default routes into r->defaults (struct irq_layout says how). */
static void default_routes(struct irq_router *r,
			   const struct irq_layout *layout)
{
	struct irq_route *e = r->defaults;

	for (uint32_t g = 0; g < layout->nr_pins; g++) {
		e->gsi = g;
		e->type = IRQ_ROUTE_IRQCHIP;
		e->u.irqchip.chip = layout->chip;
		e->u.irqchip.pin = g;
		e++;
		if (g >= layout->nr_pic_pins)
			continue;
		e->gsi = g;
		e->type = IRQ_ROUTE_IRQCHIP;
		e->u.irqchip.chip =
			g < 8 ? IRQ_CHIP_PIC_MASTER : IRQ_CHIP_PIC_SLAVE;
		e->u.irqchip.pin = g % 8;
		e++;
	}
	r->nr_defaults = (uint32_t)(e - r->defaults);
}

int irq_router_init(struct irq_router *r, const struct irq_backend *be,
		    const struct irq_layout *layout, uint32_t max_gsi,
		    struct pv_error *err)
{
	int ret;

	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->lock, NULL);
	r->be = *be;
	if (max_gsi > IRQ_MAX_GSI)
		max_gsi = IRQ_MAX_GSI;
	if (layout->nr_pins > IRQ_MAX_DEFAULT_ROUTES ||
	    layout->nr_pic_pins > IRQ_PIC_PINS ||
	    layout->nr_pic_pins > layout->nr_pins ||
	    layout->nr_pins + layout->nr_pic_pins > IRQ_MAX_DEFAULT_ROUTES)
		return pv_seterr(err, EINVAL,
				 "%u+%u default interrupt routes (at most %u)",
				 layout->nr_pins, layout->nr_pic_pins,
				 IRQ_MAX_DEFAULT_ROUTES);
	if (max_gsi < layout->msi_base)
		return pv_seterr(err, EINVAL,
				 "the interrupt controller offers %u GSI "
				 "routes, fewer than the %u pins it must "
				 "route",
				 max_gsi, layout->msi_base);
	default_routes(r, layout);
	r->msi_base = layout->msi_base;
	r->msi_addr_base = layout->msi_addr_base;
	r->msi_addr_size = layout->msi_addr_size;
	r->max_gsi = max_gsi;

	pthread_mutex_lock(&r->lock);
	ret = push_table(r, err);
	pthread_mutex_unlock(&r->lock);
	if (ret)
		return ret;
	pv_trace(TRACE_IRQ, "default routing: %u routes, msi gsi %u..%u",
		 r->nr_defaults, r->msi_base, max_gsi - 1);
	return 0;
}

void irq_set_level(void *router, uint32_t gsi, int level)
{
	static atomic_bool warned;
	struct irq_router *r = router;
	int ret;

	ret = r->be.irq_line ? r->be.irq_line(r->be.ctx, gsi, level) : -ENOSYS;
	if (ret && !atomic_exchange(&warned, true))
		pv_warn_ratelimited("interrupt line gsi %u level %d failed: %s "
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

int irq_owner_add(struct irq_router *r, const char *name, struct pv_error *err)
{
	struct irq_owner *o;
	int id;

	pthread_mutex_lock(&r->lock);
	if (r->nr_owners == IRQ_MAX_OWNERS) {
		pthread_mutex_unlock(&r->lock);
		return pv_seterr(err, ENOSPC,
				 "%s: at most %u devices may use MSIs", name,
				 IRQ_MAX_OWNERS);
	}
	id = (int)r->nr_owners++;
	o = &r->owners[id];
	memset(o, 0, sizeof(*o));
	snprintf(o->name, sizeof(o->name), "%s", name);
	pthread_mutex_unlock(&r->lock);
	pv_trace(TRACE_IRQ, "msi owner %d: %s", id, o->name);
	return id;
}

bool irq_msi_addr_valid(const struct irq_router *r, uint64_t addr)
{
	/*
	 * A window below 4 GiB is matched on the address's low 32 bits: x86
	 * puts destination ID bits in the high dword (x2APIC IDs > 255).
	 */
	if (r->msi_addr_base + r->msi_addr_size <= 0x100000000ull)
		addr = (uint32_t)addr;
	return addr >= r->msi_addr_base &&
	       addr - r->msi_addr_base < r->msi_addr_size;
}

void irq_owner_set_devid(struct irq_router *r, int owner, uint32_t devid)
{
	struct irq_owner *o;

	pthread_mutex_lock(&r->lock);
	o = owner_of(r, owner);
	if (o) {
		o->devid_valid = true;
		o->devid = devid;
	}
	pthread_mutex_unlock(&r->lock);
}

static uint32_t share_locked(const struct irq_router *r)
{
	return pool_size(r) / (r->nr_owners ? r->nr_owners : 1);
}

uint32_t irq_msi_share(struct irq_router *r)
{
	uint32_t s;

	pthread_mutex_lock(&r->lock);
	s = share_locked(r);
	pthread_mutex_unlock(&r->lock);
	return s;
}

int irq_msi_alloc(struct irq_router *r, int owner, uint32_t *gsi,
		  struct pv_error *err)
{
	struct irq_owner *o;
	uint32_t share;

	pthread_mutex_lock(&r->lock);
	o = owner_of(r, owner);
	if (!o) {
		pthread_mutex_unlock(&r->lock);
		return pv_seterr(err, EINVAL, "MSI owner %d is not registered",
				 owner);
	}
	share = share_locked(r);
	if (o->nr_gsis >= share) {
		pthread_mutex_unlock(&r->lock);
		return pv_seterr(err, ENOSPC,
				 "%s asks for more than its fair share of %u "
				 "MSI GSIs (%u shared by %u devices): this "
				 "vector gets no interrupts; give the guest "
				 "fewer vCPUs or queues, or assign fewer "
				 "devices",
				 o->name, share, pool_size(r), r->nr_owners);
	}
	for (uint32_t g = r->msi_base; g < r->max_gsi; g++) {
		struct irq_msi_route *m = msi_slot(r, g);

		/* A freed GSI whose route is still live waits for a push. */
		if (m->used || m->live)
			continue;
		m->used = true;
		m->addr = 0;
		m->data = 0;
		m->owner = owner;
		o->nr_gsis++;
		pthread_mutex_unlock(&r->lock);
		*gsi = g;
		pv_trace(TRACE_IRQ, "msi gsi %u allocated to %s", g, o->name);
		return 0;
	}
	pthread_mutex_unlock(&r->lock);
	return pv_seterr(err, ENOSPC,
			 "all %u MSI GSIs (%u..%u) are in use: assign fewer "
			 "MSI/MSI-X vectors",
			 pool_size(r), r->msi_base, r->max_gsi - 1);
}

int irq_msi_update(struct irq_router *r, uint32_t gsi, uint64_t addr,
		   uint32_t data, struct pv_error *err)
{
	struct irq_msi_route *m;
	int ret;

	pthread_mutex_lock(&r->lock);
	m = msi_slot(r, gsi);
	if (!m || !m->used) {
		pthread_mutex_unlock(&r->lock);
		return pv_seterr(err, EINVAL,
				 "GSI %u is not an allocated MSI GSI", gsi);
	}
	/* Unchanged: spare the backend a table swap (KVM waits for SRCU). */
	if (m->addr == addr && m->data == data) {
		pthread_mutex_unlock(&r->lock);
		return 0;
	}
	m->addr = addr;
	m->data = data;
	ret = changed(r, m, err);
	pthread_mutex_unlock(&r->lock);
	if (ret)
		return ret;
	if (addr)
		pv_trace(TRACE_IRQ, "msi route gsi %u -> addr 0x%llx data 0x%x",
			 gsi, (unsigned long long)addr, data);
	else
		pv_trace(TRACE_IRQ, "msi route gsi %u withdrawn", gsi);
	return 0;
}

void irq_msi_free(struct irq_router *r, uint32_t gsi)
{
	struct irq_msi_route *m;
	struct irq_owner *o;
	struct pv_error err;

	pthread_mutex_lock(&r->lock);
	m = msi_slot(r, gsi);
	if (!m || !m->used) {
		pthread_mutex_unlock(&r->lock);
		return;
	}
	o = owner_of(r, m->owner);
	if (o && o->nr_gsis)
		o->nr_gsis--;
	m->used = false;
	m->addr = 0;
	m->data = 0;
	if (m->live && changed(r, m, &err))
		pv_warn_limited(&free_warn, "freeing MSI gsi %u: %s", gsi,
				err.msg);
	pthread_mutex_unlock(&r->lock);
	pv_trace(TRACE_IRQ, "msi gsi %u freed", gsi);
}

void irq_batch_begin(struct irq_router *r, int owner)
{
	struct irq_owner *o;

	pthread_mutex_lock(&r->lock);
	o = owner_of(r, owner);
	if (o && !o->batch++)
		o->failed = 0;
	pthread_mutex_unlock(&r->lock);
}

int irq_batch_end(struct irq_router *r, int owner, struct pv_error *err)
{
	struct irq_owner *o;
	int ret = 0;

	pthread_mutex_lock(&r->lock);
	o = owner_of(r, owner);
	if (!o || !o->batch || --o->batch) {
		pthread_mutex_unlock(&r->lock);
		return 0;
	}
	if (o->dirty)
		ret = push_table(r, err);
	if (!ret && o->failed)
		ret = pv_seterr(err, -o->failed,
				"%s: its MSI routes were undone by a failed "
				"routing update: %s",
				o->name, strerror(-o->failed));
	o->failed = 0;
	pthread_mutex_unlock(&r->lock);
	return ret;
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
				 "irqfd fd %d -> gsi %u%s failed: %s", fd, gsi,
				 resample_fd >= 0 ? " (resample)" : "",
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
		pv_warn_limited(&deassign_warn,
				"irqfd deassign fd %d gsi %u failed: %s", fd,
				gsi, strerror(-ret));
	else
		pv_trace(TRACE_IRQ, "irqfd fd %d -x gsi %u detached", fd, gsi);
}

int irq_signal_msi(struct irq_router *r, uint64_t addr, uint32_t data)
{
	return irq_owner_signal_msi(r, -1, addr, data);
}

int irq_owner_signal_msi(struct irq_router *r, int owner, uint64_t addr,
			 uint32_t data)
{
	struct irq_msi_msg m = { .addr = addr, .data = data };
	const struct irq_owner *o;

	pthread_mutex_lock(&r->lock);
	o = owner_of(r, owner);
	if (o && o->devid_valid) {
		m.devid_valid = true;
		m.devid = o->devid;
	}
	pthread_mutex_unlock(&r->lock);
	return r->be.signal_msi ? r->be.signal_msi(r->be.ctx, &m) : -ENOSYS;
}
