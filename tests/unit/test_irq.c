// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for devices/irq.c against a recording backend, and against
 * the real /dev/kvm when there is one (Documentation/virt/kvm/api.rst).
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

#include "devices/irq.h"

#define MAX_ENTRIES 1100

struct irqfd_call {
	int fd, resample_fd;
	uint32_t gsi;
	bool assign;
};

struct rec {
	int nr_tables;
	uint32_t nr;
	struct kvm_irq_routing_entry e[MAX_ENTRIES];
	int fail_routing;
	int nr_lines;
	uint32_t line_gsi;
	int line_level;
	int nr_irqfd;
	struct irqfd_call irqfd[8];
	uint64_t msi_addr;
	uint32_t msi_data;
};

static struct rec rc;

static int rec_set_routing(void *ctx, const struct kvm_irq_routing *t)
{
	struct rec *r = ctx;

	if (r->fail_routing)
		return -r->fail_routing;
	assert_true(t->nr <= MAX_ENTRIES);
	assert_int_equal(t->flags, 0);
	r->nr_tables++;
	r->nr = t->nr;
	memcpy(r->e, t->entries, t->nr * sizeof(t->entries[0]));
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

static int rec_signal_msi(void *ctx, uint64_t addr, uint32_t data)
{
	struct rec *r = ctx;

	r->msi_addr = addr;
	r->msi_data = data;
	return 0;
}

static struct irq_router router;

static int setup(void **state)
{
	struct irq_backend be = {
		.set_routing = rec_set_routing,
		.irq_line = rec_irq_line,
		.irqfd = rec_irqfd,
		.signal_msi = rec_signal_msi,
		.ctx = &rc,
	};
	struct pv_error err = { { 0 } };

	memset(&rc, 0, sizeof(rc));
	assert_int_equal(irq_router_init(&router, &be, 4096, &err), 0);
	return 0;
}

/* The entry for (@gsi, @type, @chip) in the last table, or NULL. */
static const struct kvm_irq_routing_entry *find(uint32_t gsi, uint32_t type,
						uint32_t chip)
{
	for (uint32_t i = 0; i < rc.nr; i++) {
		const struct kvm_irq_routing_entry *e = &rc.e[i];

		if (e->gsi != gsi || e->type != type)
			continue;
		if (type == KVM_IRQ_ROUTING_IRQCHIP &&
		    e->u.irqchip.irqchip != chip)
			continue;
		return e;
	}
	return NULL;
}

static void test_default_table(void **state)
{
	const struct kvm_irq_routing_entry *e;

	assert_int_equal(router.max_gsi, IRQ_MAX_GSI);
	assert_int_equal(rc.nr_tables, 1);
	assert_int_equal(rc.nr, 16 + 24);
	for (uint32_t g = 0; g < 24; g++) {
		e = find(g, KVM_IRQ_ROUTING_IRQCHIP, KVM_IRQCHIP_IOAPIC);
		assert_non_null(e);
		assert_int_equal(e->u.irqchip.pin, g);
		e = find(g, KVM_IRQ_ROUTING_IRQCHIP,
			 g < 8 ? KVM_IRQCHIP_PIC_MASTER :
				 KVM_IRQCHIP_PIC_SLAVE);
		if (g < 16) {
			assert_non_null(e);
			assert_int_equal(e->u.irqchip.pin, g % 8);
		} else {
			assert_null(e);
		}
	}
	assert_null(find(24, KVM_IRQ_ROUTING_MSI, 0));
}

static void test_too_few_gsis(void **state)
{
	struct irq_backend be = { .set_routing = rec_set_routing, .ctx = &rc };
	struct irq_router r2;
	struct pv_error err = { { 0 } };

	assert_int_equal(irq_router_init(&r2, &be, 0, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "KVM_CAP_IRQ_ROUTING"));
	rc.fail_routing = EINVAL;
	assert_int_equal(irq_router_init(&r2, &be, 64, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "KVM_SET_GSI_ROUTING"));
}

static void test_msi_alloc_update_free(void **state)
{
	struct pv_error err = { { 0 } };
	const struct kvm_irq_routing_entry *e;
	uint32_t a, b, c;

	assert_int_equal(irq_msi_alloc(&router, &a, &err), 0);
	assert_int_equal(irq_msi_alloc(&router, &b, &err), 0);
	assert_int_equal(a, IRQ_MSI_GSI_BASE);
	assert_int_equal(b, IRQ_MSI_GSI_BASE + 1);
	/* Allocation alone does not touch KVM. */
	assert_int_equal(rc.nr_tables, 1);

	assert_int_equal(irq_msi_update(&router, b, 0xfee00000, 0x4021, &err),
			 0);
	assert_int_equal(rc.nr_tables, 2);
	assert_int_equal(rc.nr, 41);
	assert_null(find(a, KVM_IRQ_ROUTING_MSI, 0));
	e = find(b, KVM_IRQ_ROUTING_MSI, 0);
	assert_non_null(e);
	assert_int_equal(e->u.msi.address_lo, 0xfee00000);
	assert_int_equal(e->u.msi.address_hi, 0);
	assert_int_equal(e->u.msi.data, 0x4021);
	/* The default entries are still there: the table is replaced. */
	assert_non_null(find(4, KVM_IRQ_ROUTING_IRQCHIP, KVM_IRQCHIP_IOAPIC));

	/* Same message again: no table swap. */
	assert_int_equal(irq_msi_update(&router, b, 0xfee00000, 0x4021, &err),
			 0);
	assert_int_equal(rc.nr_tables, 2);

	assert_int_equal(irq_msi_update(&router, a, 0x1fee01000ull, 0x22, &err),
			 0);
	assert_int_equal(rc.nr, 42);
	e = find(a, KVM_IRQ_ROUTING_MSI, 0);
	assert_non_null(e);
	assert_int_equal(e->u.msi.address_hi, 1);
	assert_int_equal(e->u.msi.address_lo, 0xfee01000);

	/* A failed push keeps the old route. */
	rc.fail_routing = ENOMEM;
	assert_int_equal(irq_msi_update(&router, a, 0xfee02000, 0x33, &err),
			 -ENOMEM);
	assert_non_null(strstr(err.msg, "KVM_SET_GSI_ROUTING"));
	assert_int_equal(router.msi[a - IRQ_MSI_GSI_BASE].data, 0x22);
	rc.fail_routing = 0;

	/* Address 0 withdraws the route but keeps the GSI. */
	assert_int_equal(irq_msi_update(&router, a, 0, 0, &err), 0);
	assert_int_equal(rc.nr, 41);
	assert_null(find(a, KVM_IRQ_ROUTING_MSI, 0));

	/* Free: route gone, the GSI is reused. */
	irq_msi_free(&router, b);
	assert_int_equal(rc.nr, 40);
	assert_int_equal(irq_msi_alloc(&router, &c, &err), 0);
	assert_int_equal(c, b);
	/* Unallocated or non-MSI GSIs are refused. */
	assert_int_equal(irq_msi_update(&router, 5, 0xfee00000, 1, &err),
			 -EINVAL);
	assert_int_equal(irq_msi_update(&router, 900, 0xfee00000, 1, &err),
			 -EINVAL);
	irq_msi_free(&router, 900); /* harmless */
	irq_msi_free(&router, 3);
}

static void test_msi_exhaustion(void **state)
{
	struct irq_backend be = { .set_routing = rec_set_routing, .ctx = &rc };
	struct pv_error err = { { 0 } };
	uint32_t g, n = 0;

	assert_int_equal(irq_router_init(&router, &be, 32, &err), 0);
	while (irq_msi_alloc(&router, &g, &err) == 0) {
		assert_true(g >= IRQ_MSI_GSI_BASE && g < 32);
		n++;
		assert_true(n <= 8);
	}
	assert_int_equal(n, 8);
	assert_int_equal(irq_msi_alloc(&router, &g, &err), -ENOSPC);
	assert_non_null(strstr(err.msg, "MSI"));
	irq_msi_free(&router, 27);
	assert_int_equal(irq_msi_alloc(&router, &g, &err), 0);
	assert_int_equal(g, 27);
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
	assert_int_equal(rc.msi_addr, 0xfee00000);
	assert_int_equal(rc.msi_data, 0x4031);
}

/* The same calls against the real in-kernel irqchip. */
static void test_real_kvm(void **state)
{
	static int vm_fd_store;
	struct pv_error err = { { 0 } };
	struct irq_backend be;
	int kvm, vm, vcpu, efd, rfd, max;
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
	assert_int_equal(irq_router_init(&router, &be, (uint32_t)max, &err), 0);

	assert_int_equal(irq_msi_alloc(&router, &gsi, &err), 0);
	assert_int_equal(irq_msi_update(&router, gsi, 0xfee00000, 0x4021, &err),
			 0);
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
		cmocka_unit_test_setup(test_msi_alloc_update_free, setup),
		cmocka_unit_test_setup(test_msi_exhaustion, setup),
		cmocka_unit_test_setup(test_irqfd_and_lines, setup),
		cmocka_unit_test(test_real_kvm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
