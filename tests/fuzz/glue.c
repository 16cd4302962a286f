// SPDX-License-Identifier: GPL-2.0
/* The harnesses' glue to changing APIs (glue.h). */
#include "glue.h"

#include <errno.h>
#include <string.h>

#include "fuzz.h"

static int g_routing(void *ctx, const struct irq_route *routes, uint32_t n)
{
	struct glue_irq *g = ctx;
	uint8_t seen[IRQ_MAX_GSI] = { 0 };
	unsigned int msi = 0;

	g->nr_routing++;
	if (g->fail_routing) {
		g->fail_routing--;
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < n; i++) {
		const struct irq_route *e = &routes[i];

		if (e->type != IRQ_ROUTE_MSI)
			continue;
		/* KVM: one MSI route per GSI, and only GSIs it offered. */
		FZ_CHECK(e->gsi >= IRQ_MSI_GSI_BASE && e->gsi < g->max_gsi,
			 "MSI route on gsi %u (max %u)", e->gsi, g->max_gsi);
		FZ_CHECK(!seen[e->gsi], "two MSI routes on gsi %u", e->gsi);
		FZ_CHECK(e->u.msi.addr, "an MSI route to address 0 (gsi %u)",
			 e->gsi);
		seen[e->gsi] = 1;
		msi++;
	}
	g->nr_msi_routes = msi;
	return 0;
}

static int g_line(void *ctx, uint32_t gsi, int level)
{
	FZ_CHECK(gsi < IRQ_IOAPIC_PINS, "KVM_IRQ_LINE on gsi %u", gsi);
	return 0;
}

static int g_irqfd(void *ctx, int fd, uint32_t gsi, int resample_fd,
		   bool assign)
{
	struct glue_irq *g = ctx;

	FZ_CHECK(fd >= 0 && fd < GLUE_MAX_FD, "irqfd on fd %d", fd);
	if (!assign) {
		/* KVM ignores a deassign of what is not assigned. */
		if (g->attached[fd] && g->attached[fd] == gsi + 1) {
			g->attached[fd] = 0;
			g->nr_attached--;
		}
		return 0;
	}
	FZ_CHECK(fuzz_fd_open(fd), "irqfd on closed fd %d", fd);
	FZ_CHECK(resample_fd < 0 || fuzz_fd_open(resample_fd),
		 "resamplefd %d is closed", resample_fd);
	FZ_CHECK(gsi < g->max_gsi, "irqfd on gsi %u (max %u)", gsi, g->max_gsi);
	/* KVM refuses an eventfd that is an irqfd already (-EBUSY). */
	FZ_CHECK(!g->attached[fd], "fd %d assigned twice (gsi %u, then %u)", fd,
		 g->attached[fd] - 1, gsi);
	if (g->fail_irqfd) {
		g->fail_irqfd--;
		return -ENOMEM;
	}
	g->attached[fd] = gsi + 1;
	g->nr_attached++;
	return 0;
}

static int g_msi(void *ctx, const struct irq_msi_msg *m)
{
	struct glue_irq *g = ctx;

	/* x86 MSI: the LAPIC window (Intel SDM vol. 3 §10.11.1). */
	FZ_CHECK(((uint32_t)m->addr & 0xfff00000u) == 0xfee00000u,
		 "KVM_SIGNAL_MSI to 0x%llx", (unsigned long long)m->addr);
	g->nr_signals++;
	return 0;
}

int glue_irq_router_init(struct irq_router *r, struct glue_irq *g,
			 uint32_t max_gsi)
{
	struct irq_backend be = {
		.set_routing = g_routing,
		.irq_line = g_line,
		.irqfd = g_irqfd,
		.signal_msi = g_msi,
		.ctx = g,
	};
	struct pv_error err;

	memset(g, 0, sizeof(*g));
	g->max_gsi = max_gsi > IRQ_MAX_GSI ? IRQ_MAX_GSI : max_gsi;
	return irq_router_init(r, &be, &irq_layout_pc, max_gsi, &err);
}

unsigned int glue_msi_gsis_in_use(struct irq_router *r)
{
	unsigned int n = 0;

	pthread_mutex_lock(&r->lock);
	for (uint32_t g = r->msi_base; g < r->max_gsi; g++)
		n += r->msi[g - r->msi_base].used;
	pthread_mutex_unlock(&r->lock);
	return n;
}

bool glue_irq_attached(const struct glue_irq *g, int fd, uint32_t *gsi)
{
	if (fd < 0 || fd >= GLUE_MAX_FD || !g->attached[fd])
		return false;
	if (gsi)
		*gsi = g->attached[fd] - 1;
	return true;
}
