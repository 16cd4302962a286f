// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for devices/irq.c against a recording backend (routes as the
 * router gives them), and for the KVM backend (vmm/kvm_irq.c) against the
 * real /dev/kvm when there is one (Documentation/virt/kvm/api.rst).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cmocka.h>
#include <linux/kvm.h>

#include "arch/arch.h"
#include "devices/irq.h"
#include "vmm/kvm_irq.h"

#define MAX_ENTRIES 1100

struct irqfd_call {
	int fd, resample_fd;
	uint32_t gsi;
	bool assign;
};

struct rec {
	int nr_tables;
	uint32_t nr;
	struct irq_route e[MAX_ENTRIES];
	int fail_routing;
	int nr_lines;
	uint32_t line_gsi;
	int line_level;
	int nr_irqfd;
	struct irqfd_call irqfd[8];
	struct irq_msi_msg msi;
};

static struct rec rc;

static int rec_set_routing(void *ctx, const struct irq_route *routes,
			   uint32_t n)
{
	struct rec *r = ctx;

	if (r->fail_routing)
		return -r->fail_routing;
	assert_true(n <= MAX_ENTRIES);
	r->nr_tables++;
	r->nr = n;
	memcpy(r->e, routes, n * sizeof(routes[0]));
	return 0;
}

static int rec_irq_line(void *ctx, uint32_t gsi, int level)
{
	struct rec *r = ctx;

	r->nr_lines++;
	r->line_gsi = gsi;
	r->line_level = level;
	return 0;
}

static int rec_irqfd(void *ctx, int fd, uint32_t gsi, int resample_fd,
		     bool assign)
{
	struct rec *r = ctx;

	if (r->nr_irqfd < 8)
		r->irqfd[r->nr_irqfd++] =
			(struct irqfd_call){ .fd = fd,
					     .gsi = gsi,
					     .resample_fd = resample_fd,
					     .assign = assign };
	return 0;
}

static int rec_signal_msi(void *ctx, const struct irq_msi_msg *m)
{
	struct rec *r = ctx;

	r->msi = *m;
	return 0;
}

static const struct irq_backend rec_be = {
	.set_routing = rec_set_routing,
	.irq_line = rec_irq_line,
	.irqfd = rec_irqfd,
	.signal_msi = rec_signal_msi,
	.ctx = &rc,
};

static struct irq_router router;
static int dev_a;

static int setup(void **state)
{
	struct pv_error err = { { 0 } };

	memset(&rc, 0, sizeof(rc));
	assert_int_equal(
		irq_router_init(&router, &rec_be, &irq_layout_pc, 4096, &err),
		0);
	dev_a = irq_owner_add(&router, "0000:01:00.0", &err);
	assert_int_equal(dev_a, 0);
	return 0;
}

/* A router with @max_gsi GSIs (so 8 MSI GSIs for 32) and no owner. */
static void small_router(uint32_t max_gsi)
{
	struct pv_error err = { { 0 } };

	memset(&rc, 0, sizeof(rc));
	assert_int_equal(irq_router_init(&router, &rec_be, &irq_layout_pc,
					 max_gsi, &err),
			 0);
}

/* The irqchip route for (@gsi, @chip) in the last table, or NULL. */
static const struct irq_route *find_pin(uint32_t gsi, enum irq_chip chip)
{
	for (uint32_t i = 0; i < rc.nr; i++) {
		const struct irq_route *e = &rc.e[i];

		if (e->gsi == gsi && e->type == IRQ_ROUTE_IRQCHIP &&
		    e->u.irqchip.chip == chip)
			return e;
	}
	return NULL;
}

static const struct irq_route *find_msi(uint32_t gsi)
{
	for (uint32_t i = 0; i < rc.nr; i++)
		if (rc.e[i].gsi == gsi && rc.e[i].type == IRQ_ROUTE_MSI)
			return &rc.e[i];
	return NULL;
}

static void test_default_table(void **state)
{
	const struct irq_route *e;

	assert_int_equal(router.max_gsi, IRQ_MAX_GSI);
	assert_int_equal(router.msi_base, IRQ_MSI_GSI_BASE);
	assert_int_equal(rc.nr_tables, 1);
	assert_int_equal(rc.nr, 16 + 24);
	for (uint32_t g = 0; g < 24; g++) {
		e = find_pin(g, IRQ_CHIP_IOAPIC);
		assert_non_null(e);
		assert_int_equal(e->u.irqchip.pin, g);
		e = find_pin(g,
			     g < 8 ? IRQ_CHIP_PIC_MASTER : IRQ_CHIP_PIC_SLAVE);
		if (g < 16) {
			assert_non_null(e);
			assert_int_equal(e->u.irqchip.pin, g % 8);
		} else {
			assert_null(e);
		}
	}
	assert_null(find_msi(24));
}

static void test_too_few_gsis(void **state)
{
	struct irq_backend be = { .set_routing = rec_set_routing, .ctx = &rc };
	struct irq_router *r2 = malloc(sizeof(*r2));
	struct pv_error err = { { 0 } };

	assert_non_null(r2);
	assert_int_equal(irq_router_init(r2, &be, &irq_layout_pc, 0, &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "GSI routes"));
	rc.fail_routing = EINVAL;
	assert_int_equal(irq_router_init(r2, &be, &irq_layout_pc, 64, &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "routing table"));
	free(r2);
}

/*
 * A layout's default routes are computed: a GIC's SPIs alone (arm64's
 * shape) are GSI g -> pin g, no PIC route; more routes than the router
 * keeps, or PIC pins the 8259A pair lacks, are refused.
 */
static void test_layout_routes(void **state)
{
	static const struct irq_layout gic = {
		.chip = IRQ_CHIP_GIC,
		.nr_pins = 32,
		.msi_base = 96,
	};
	static const struct irq_layout too_many = {
		.chip = IRQ_CHIP_IOAPIC,
		.nr_pins = IRQ_MAX_DEFAULT_ROUTES,
		.nr_pic_pins = 1,
		.msi_base = IRQ_MAX_DEFAULT_ROUTES,
	};
	static const struct irq_layout pic17 = {
		.chip = IRQ_CHIP_IOAPIC,
		.nr_pins = 24,
		.nr_pic_pins = IRQ_PIC_PINS + 1,
		.msi_base = 24,
	};
	struct irq_router *r2 = calloc(1, sizeof(*r2));
	struct pv_error err = { { 0 } };
	const struct irq_route *e;

	assert_non_null(r2);
	memset(&rc, 0, sizeof(rc));
	assert_int_equal(irq_router_init(r2, &rec_be, &gic, 1024, &err), 0);
	assert_int_equal(rc.nr, 32);
	for (uint32_t g = 0; g < 32; g++) {
		e = find_pin(g, IRQ_CHIP_GIC);
		assert_non_null(e);
		assert_int_equal(e->u.irqchip.pin, g);
		assert_null(find_pin(g, IRQ_CHIP_PIC_MASTER));
		assert_null(find_pin(g, IRQ_CHIP_PIC_SLAVE));
	}
	assert_null(find_pin(32, IRQ_CHIP_GIC));

	rc.nr = 0;
	assert_int_equal(irq_router_init(r2, &rec_be, &too_many, 1024, &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "default interrupt routes"));
	assert_int_equal(irq_router_init(r2, &rec_be, &pic17, 1024, &err),
			 -EINVAL);
	assert_int_equal(rc.nr, 0); /* nothing pushed */
	free(r2);
}

static void test_msi_alloc_update_free(void **state)
{
	struct pv_error err = { { 0 } };
	const struct irq_route *e;
	uint32_t a, b, c;

	assert_int_equal(irq_msi_alloc(&router, dev_a, &a, &err), 0);
	assert_int_equal(irq_msi_alloc(&router, dev_a, &b, &err), 0);
	assert_int_equal(a, IRQ_MSI_GSI_BASE);
	assert_int_equal(b, IRQ_MSI_GSI_BASE + 1);
	/* Allocation alone does not touch the backend. */
	assert_int_equal(rc.nr_tables, 1);

	assert_int_equal(irq_msi_update(&router, b, 0xfee00000, 0x4021, &err),
			 0);
	assert_int_equal(rc.nr_tables, 2);
	assert_int_equal(rc.nr, 41);
	assert_null(find_msi(a));
	e = find_msi(b);
	assert_non_null(e);
	assert_int_equal(e->u.msi.addr, 0xfee00000);
	assert_int_equal(e->u.msi.data, 0x4021);
	assert_false(e->u.msi.devid_valid);
	/* The default entries are still there: the table is replaced. */
	assert_non_null(find_pin(4, IRQ_CHIP_IOAPIC));

	/* Same message again: no table swap. */
	assert_int_equal(irq_msi_update(&router, b, 0xfee00000, 0x4021, &err),
			 0);
	assert_int_equal(rc.nr_tables, 2);

	assert_int_equal(irq_msi_update(&router, a, 0x1fee01000ull, 0x22, &err),
			 0);
	assert_int_equal(rc.nr, 42);
	e = find_msi(a);
	assert_non_null(e);
	assert_int_equal(e->u.msi.addr, 0x1fee01000ull);

	/* A failed push keeps the old route. */
	rc.fail_routing = ENOMEM;
	assert_int_equal(irq_msi_update(&router, a, 0xfee02000, 0x33, &err),
			 -ENOMEM);
	assert_non_null(strstr(err.msg, "routing table"));
	assert_int_equal(router.msi[a - IRQ_MSI_GSI_BASE].data, 0x22);
	assert_int_equal(router.msi[a - IRQ_MSI_GSI_BASE].addr, 0x1fee01000ull);
	rc.fail_routing = 0;

	/* Address 0 withdraws the route but keeps the GSI. */
	assert_int_equal(irq_msi_update(&router, a, 0, 0, &err), 0);
	assert_int_equal(rc.nr, 41);
	assert_null(find_msi(a));

	/* Free: route gone, the GSI is reused. */
	irq_msi_free(&router, b);
	assert_int_equal(rc.nr, 40);
	assert_int_equal(irq_msi_alloc(&router, dev_a, &c, &err), 0);
	assert_int_equal(c, b);
	/* Unallocated or non-MSI GSIs are refused. */
	assert_int_equal(irq_msi_update(&router, 5, 0xfee00000, 1, &err),
			 -EINVAL);
	assert_int_equal(irq_msi_update(&router, 900, 0xfee00000, 1, &err),
			 -EINVAL);
	irq_msi_free(&router, 900); /* harmless */
	irq_msi_free(&router, 3);
	/* An unknown owner gets nothing. */
	assert_int_equal(irq_msi_alloc(&router, 7, &c, &err), -EINVAL);
	assert_int_equal(irq_msi_alloc(&router, -1, &c, &err), -EINVAL);
}

static void test_msi_exhaustion(void **state)
{
	struct pv_error err = { { 0 } };
	uint32_t g, n = 0;
	int a;

	small_router(32);
	a = irq_owner_add(&router, "a", &err);
	assert_true(a >= 0);
	while (irq_msi_alloc(&router, a, &g, &err) == 0) {
		assert_true(g >= IRQ_MSI_GSI_BASE && g < 32);
		n++;
		assert_true(n <= 8);
	}
	assert_int_equal(n, 8);
	assert_int_equal(irq_msi_alloc(&router, a, &g, &err), -ENOSPC);
	assert_non_null(strstr(err.msg, "MSI"));
	irq_msi_free(&router, 27);
	assert_int_equal(irq_msi_alloc(&router, a, &g, &err), 0);
	assert_int_equal(g, 27);
}

/*
 * Security review #9 item 9: one device's huge MSI-X table must not
 * starve the others. Each owner gets pool / owners GSIs.
 */
static void test_fair_share(void **state)
{
	struct pv_error err = { { 0 } };
	uint32_t g, na = 0, nb = 0, nc = 0;
	int a, b, c;

	small_router(32); /* 8 MSI GSIs */
	a = irq_owner_add(&router, "0000:01:00.0", &err);
	b = irq_owner_add(&router, "0000:02:00.0", &err);
	assert_true(a >= 0 && b >= 0 && a != b);
	assert_int_equal(irq_msi_share(&router), 4);

	/* The greedy device gets its half, then a clear refusal. */
	while (irq_msi_alloc(&router, a, &g, &err) == 0)
		assert_true(++na <= 8);
	assert_int_equal(na, 4);
	assert_int_equal(irq_msi_alloc(&router, a, &g, &err), -ENOSPC);
	assert_non_null(strstr(err.msg, "0000:01:00.0"));
	assert_non_null(strstr(err.msg, "fair share of 4"));
	/* The other one still gets all of its share. */
	while (irq_msi_alloc(&router, b, &g, &err) == 0)
		assert_true(++nb <= 8);
	assert_int_equal(nb, 4);
	assert_int_equal(router.owners[a].nr_gsis, 4);
	assert_int_equal(router.owners[b].nr_gsis, 4);

	/* Freeing gives budget back to its owner. */
	irq_msi_free(&router, IRQ_MSI_GSI_BASE);
	assert_int_equal(router.owners[a].nr_gsis, 3);
	assert_int_equal(irq_msi_alloc(&router, b, &g, &err), -ENOSPC);
	assert_int_equal(irq_msi_alloc(&router, a, &g, &err), 0);
	assert_int_equal(g, IRQ_MSI_GSI_BASE);

	/* A third owner shrinks the share; over-share holders keep theirs. */
	c = irq_owner_add(&router, "0000:03:00.0", &err);
	assert_true(c >= 0);
	assert_int_equal(irq_msi_share(&router), 2);
	assert_int_equal(irq_msi_alloc(&router, a, &g, &err), -ENOSPC);
	irq_msi_free(&router, IRQ_MSI_GSI_BASE);
	irq_msi_free(&router, IRQ_MSI_GSI_BASE + 1);
	while (irq_msi_alloc(&router, c, &g, &err) == 0)
		assert_true(++nc <= 8);
	assert_int_equal(nc, 2);
}

static void test_owner_limit(void **state)
{
	struct pv_error err = { { 0 } };
	char name[16];

	small_router(64);
	for (int i = 0; i < IRQ_MAX_OWNERS; i++) {
		snprintf(name, sizeof(name), "dev%d", i);
		assert_int_equal(irq_owner_add(&router, name, &err), i);
	}
	assert_int_equal(irq_owner_add(&router, "one-too-many", &err), -ENOSPC);
	assert_non_null(strstr(err.msg, "one-too-many"));
}

/* One guest write touching every vector: one push, not one per vector. */
static void test_batch_coalesces(void **state)
{
	struct pv_error err = { { 0 } };
	uint32_t gsi[16];
	int pushes;

	for (int i = 0; i < 16; i++)
		assert_int_equal(irq_msi_alloc(&router, dev_a, &gsi[i], &err),
				 0);
	pushes = rc.nr_tables;
	irq_batch_begin(&router, dev_a);
	for (int i = 0; i < 16; i++)
		assert_int_equal(irq_msi_update(&router, gsi[i], 0xfee00000,
						0x4020 + (uint32_t)i, &err),
				 0);
	/* Nested batches push at the outermost end only. */
	irq_batch_begin(&router, dev_a);
	irq_msi_free(&router, gsi[15]);
	assert_int_equal(irq_batch_end(&router, dev_a, &err), 0);
	assert_int_equal(rc.nr_tables, pushes);
	assert_int_equal(irq_batch_end(&router, dev_a, &err), 0);
	assert_int_equal(rc.nr_tables, pushes + 1);
	assert_int_equal(rc.nr, 40 + 15);
	for (int i = 0; i < 15; i++) {
		const struct irq_route *e = find_msi(gsi[i]);

		assert_non_null(e);
		assert_int_equal(e->u.msi.data, 0x4020 + (uint32_t)i);
	}
	assert_null(find_msi(gsi[15]));

	/* A batch that changed nothing pushes nothing. */
	irq_batch_begin(&router, dev_a);
	assert_int_equal(
		irq_msi_update(&router, gsi[0], 0xfee00000, 0x4020, &err), 0);
	assert_int_equal(irq_batch_end(&router, dev_a, &err), 0);
	assert_int_equal(rc.nr_tables, pushes + 1);
	/* An unbalanced end is harmless. */
	assert_int_equal(irq_batch_end(&router, dev_a, &err), 0);
}

/* A failed push at the end of a batch undoes the whole batch. */
static void test_batch_failure(void **state)
{
	struct pv_error err = { { 0 } };
	uint32_t g0, g1, g2;
	int b, pushes;

	assert_int_equal(irq_msi_alloc(&router, dev_a, &g0, &err), 0);
	assert_int_equal(irq_msi_alloc(&router, dev_a, &g1, &err), 0);
	assert_int_equal(irq_msi_update(&router, g0, 0xfee00000, 1, &err), 0);
	irq_batch_begin(&router, dev_a);
	assert_int_equal(irq_msi_update(&router, g0, 0xfee01000, 2, &err), 0);
	assert_int_equal(irq_msi_update(&router, g1, 0xfee02000, 3, &err), 0);
	rc.fail_routing = EINVAL;
	assert_int_equal(irq_batch_end(&router, dev_a, &err), -EINVAL);
	rc.fail_routing = 0;
	/* What the router wants is again what the backend has. */
	assert_int_equal(router.msi[g0 - IRQ_MSI_GSI_BASE].addr, 0xfee00000);
	assert_int_equal(router.msi[g0 - IRQ_MSI_GSI_BASE].data, 1);
	assert_int_equal(router.msi[g1 - IRQ_MSI_GSI_BASE].addr, 0);
	assert_non_null(find_msi(g0));
	assert_null(find_msi(g1));

	/*
	 * Another device's push failing undoes this batch's changes too:
	 * its end reports that instead of claiming success.
	 */
	b = irq_owner_add(&router, "0000:02:00.0", &err);
	assert_int_equal(irq_msi_alloc(&router, b, &g2, &err), 0);
	irq_batch_begin(&router, dev_a);
	assert_int_equal(irq_msi_update(&router, g1, 0xfee03000, 4, &err), 0);
	rc.fail_routing = ENOMEM;
	assert_int_equal(irq_msi_update(&router, g2, 0xfee04000, 5, &err),
			 -ENOMEM);
	rc.fail_routing = 0;
	assert_int_equal(irq_batch_end(&router, dev_a, &err), -ENOMEM);
	assert_non_null(strstr(err.msg, "0000:01:00.0"));
	assert_int_equal(router.msi[g1 - IRQ_MSI_GSI_BASE].addr, 0);

	/* Another owner's push carries our batched change along. */
	irq_batch_begin(&router, dev_a);
	assert_int_equal(irq_msi_update(&router, g1, 0xfee05000, 6, &err), 0);
	assert_int_equal(irq_msi_update(&router, g2, 0xfee06000, 7, &err), 0);
	assert_non_null(find_msi(g1));
	pushes = rc.nr_tables;
	assert_int_equal(irq_batch_end(&router, dev_a, &err), 0);
	assert_int_equal(rc.nr_tables, pushes);
}

/* A requester ID given to an owner goes with each of its MSI routes. */
static void test_devid(void **state)
{
	struct pv_error err = { { 0 } };
	const struct irq_route *e;
	uint32_t g;

	irq_owner_set_devid(&router, dev_a, 0x0108);
	irq_owner_set_devid(&router, 9, 0x0200); /* no such owner: ignored */
	assert_int_equal(irq_msi_alloc(&router, dev_a, &g, &err), 0);
	assert_int_equal(irq_msi_update(&router, g, 0x8090040, 0x20, &err), 0);
	e = find_msi(g);
	assert_non_null(e);
	assert_true(e->u.msi.devid_valid);
	assert_int_equal(e->u.msi.devid, 0x0108);

	/* An injection on its behalf carries it too (a vector unmasked). */
	assert_int_equal(irq_owner_signal_msi(&router, dev_a, 0x8090040, 0x21),
			 0);
	assert_true(rc.msi.devid_valid);
	assert_int_equal(rc.msi.devid, 0x0108);
	assert_int_equal(rc.msi.data, 0x21);
}

static void test_irqfd_and_lines(void **state)
{
	struct pv_error err = { { 0 } };
	struct irq_line l = irq_line_for(&router, 4);

	assert_int_equal(irq_irqfd_attach(&router, 12, 25, 13, &err), 0);
	assert_int_equal(irq_irqfd_attach(&router, 14, 26, -1, &err), 0);
	irq_irqfd_detach(&router, 12, 25);
	assert_int_equal(rc.nr_irqfd, 3);
	assert_int_equal(rc.irqfd[0].fd, 12);
	assert_int_equal(rc.irqfd[0].gsi, 25);
	assert_int_equal(rc.irqfd[0].resample_fd, 13);
	assert_true(rc.irqfd[0].assign);
	assert_int_equal(rc.irqfd[1].resample_fd, -1);
	assert_false(rc.irqfd[2].assign);
	assert_int_equal(rc.irqfd[2].fd, 12);
	assert_int_equal(rc.irqfd[2].gsi, 25);
	assert_int_equal(irq_irqfd_attach(&router, 12, 5000, -1, &err),
			 -EINVAL);
	assert_int_equal(irq_irqfd_attach(&router, -1, 25, -1, &err), -EINVAL);

	irq_line_set(&l, 1);
	assert_int_equal(rc.nr_lines, 1);
	assert_int_equal(rc.line_gsi, 4);
	assert_int_equal(rc.line_level, 1);
	irq_line_set(&l, 0);
	assert_int_equal(rc.line_level, 0);

	assert_int_equal(irq_signal_msi(&router, 0xfee00000, 0x4031), 0);
	assert_int_equal(rc.msi.addr, 0xfee00000);
	assert_int_equal(rc.msi.data, 0x4031);
	assert_false(rc.msi.devid_valid);
}

/* The controller's MSI window decides what a programmed vector is. */
static void test_msi_window(void **state)
{
	static const struct irq_layout its = {
		.msi_base = 96,
		.msi_addr_base = 0x08080000,
		.msi_addr_size = 0x20000,
	};
	struct irq_router *r2 = calloc(1, sizeof(*r2));
	struct irq_backend be = rec_be;
	struct pv_error err = { { 0 } };

	assert_true(irq_msi_addr_valid(&router, 0xfee00000));
	assert_true(irq_msi_addr_valid(&router, 0xfeeff00c));
	/* x2APIC destination bits in the high dword: still the window */
	assert_true(irq_msi_addr_valid(&router, 0x100000000ull | 0xfee01000));
	assert_false(irq_msi_addr_valid(&router, 0xfef00000));
	assert_false(irq_msi_addr_valid(&router, 0));
	assert_false(irq_msi_addr_valid(&router, 0x08090040));

	assert_non_null(r2);
	assert_int_equal(irq_router_init(r2, &be, &its, 1024, &err), 0);
	assert_true(irq_msi_addr_valid(r2, 0x08090040)); /* GITS_TRANSLATER */
	assert_false(irq_msi_addr_valid(r2, 0x080a0000));
	assert_false(irq_msi_addr_valid(r2, 0xfee00000));
	free(r2);
}

static void test_kvm_chip_numbers(void **state)
{
	assert_int_equal(arch_kvm_irqchip(IRQ_CHIP_PIC_MASTER),
			 KVM_IRQCHIP_PIC_MASTER);
	assert_int_equal(arch_kvm_irqchip(IRQ_CHIP_PIC_SLAVE),
			 KVM_IRQCHIP_PIC_SLAVE);
	assert_int_equal(arch_kvm_irqchip(IRQ_CHIP_IOAPIC), KVM_IRQCHIP_IOAPIC);
	assert_int_equal(arch_kvm_irqchip((enum irq_chip)99), -1);
}

/* The same calls through the KVM backend against the real irqchip. */
static void test_real_kvm(void **state)
{
	static int vm_fd_store;
	struct pv_error err = { { 0 } };
	struct irq_backend be;
	struct irq_route bad = { .gsi = 3, .type = IRQ_ROUTE_IRQCHIP };
	int kvm, vm, vcpu, efd, rfd, max, owner;
	uint32_t gsi;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		skip();
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0) {
		close(kvm);
		skip();
	}
	assert_int_equal(ioctl(vm, KVM_CREATE_IRQCHIP, 0), 0);
	/* KVM_SIGNAL_MSI fails (-1, EPERM) when no local APIC takes it. */
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	assert_true(vcpu >= 0);
	max = ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_IRQ_ROUTING);
	assert_true(max >= IRQ_IOAPIC_PINS);
	vm_fd_store = vm;
	be = kvm_irq_backend(&vm_fd_store);
	trace_mask = TRACE_IRQ; /* exercise the trace lines once */
	assert_int_equal(irq_router_init(&router, &be, &irq_layout_pc,
					 (uint32_t)max, &err),
			 0);
	owner = irq_owner_add(&router, "dev", &err);
	assert_int_equal(irq_msi_alloc(&router, owner, &gsi, &err), 0);
	irq_batch_begin(&router, owner);
	assert_int_equal(irq_msi_update(&router, gsi, 0xfee00000, 0x4021, &err),
			 0);
	assert_int_equal(irq_batch_end(&router, owner, &err), 0);
	efd = eventfd(0, EFD_CLOEXEC);
	rfd = eventfd(0, EFD_CLOEXEC);
	assert_true(efd >= 0 && rfd >= 0);
	assert_int_equal(irq_irqfd_attach(&router, efd, gsi, -1, &err), 0);
	/* Attaching the same eventfd twice is refused by KVM. */
	assert_int_equal(irq_irqfd_attach(&router, efd, gsi, -1, &err), -EBUSY);
	irq_irqfd_detach(&router, efd, gsi);
	/* Level-triggered INTx with a resamplefd on an IOAPIC pin. */
	assert_int_equal(irq_irqfd_attach(&router, efd, 19, rfd, &err), 0);
	irq_irqfd_detach(&router, efd, 19);
	irq_set_level(&router, 4, 1);
	irq_set_level(&router, 4, 0);
	assert_int_equal(irq_signal_msi(&router, 0xfee00000, 0x4021), 0);
	irq_msi_free(&router, gsi);
	/* A controller KVM does not have is refused before any ioctl. */
	bad.u.irqchip.chip = (enum irq_chip)99;
	assert_int_equal(be.set_routing(be.ctx, &bad, 1), -EINVAL);

	trace_mask = 0;
	close(efd);
	close(rfd);
	close(vcpu);
	close(vm);
	close(kvm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_default_table, setup),
		cmocka_unit_test_setup(test_too_few_gsis, setup),
		cmocka_unit_test(test_layout_routes),
		cmocka_unit_test_setup(test_msi_alloc_update_free, setup),
		cmocka_unit_test_setup(test_msi_exhaustion, setup),
		cmocka_unit_test_setup(test_fair_share, setup),
		cmocka_unit_test_setup(test_owner_limit, setup),
		cmocka_unit_test_setup(test_batch_coalesces, setup),
		cmocka_unit_test_setup(test_batch_failure, setup),
		cmocka_unit_test_setup(test_devid, setup),
		cmocka_unit_test_setup(test_irqfd_and_lines, setup),
		cmocka_unit_test_setup(test_msi_window, setup),
		cmocka_unit_test(test_kvm_chip_numbers),
		cmocka_unit_test(test_real_kvm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
