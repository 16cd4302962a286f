// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the interrupts of the vfio-pci model (vfio/pci_irq.c,
 * vfio/pci_msix.c) against the in-memory device of fake_vfio.c and a
 * recording irq backend: the MSI-X capability and table emulation,
 * vector -> GSI -> irqfd wiring with masking and pending bits (PCI 3.0
 * §6.8.2), kernels without dynamic MSI-X, MSI with multiple messages
 * (§6.8.1), INTx with resample, and MSI-X tables a device misplaces.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmocka.h>

#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "capture.h"
#include "vfio_pci_env.h"

static uint64_t table(void)
{
	return bar_addr(0) + 0x2000;
}

static void msix_program(unsigned int v, uint32_t addr, uint32_t data,
			 bool masked)
{
	uint64_t e = table() + v * 16;

	mmio_wr(e, 4, addr);
	mmio_wr(e + 4, 4, 0);
	mmio_wr(e + 8, 4, data);
	mmio_wr(e + 12, 4, masked);
}

static void test_msix_cap_emulated(void **state)
{
	const struct fake_set_irqs *s;
	unsigned int nw;

	env_start();
	assert_int_equal(cfgr(0x72, 2), 15);
	assert_int_equal(cfgr(0x74, 4), 0x2000);
	assert_int_equal(cfgr(0x78, 4), 0x2800);
	nw = fv.nr_writes;
	cfgw(0x72, 2, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL | 0x7ff);
	/* Table size is read-only; enable and mask are emulated. */
	assert_int_equal(cfgr(0x72, 2),
			 PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL | 15);
	assert_int_equal(fv.nr_writes, nw);
	assert_int_equal(fv.cfg[0x73], 0);
	/* The device went to MSI-X mode with one vector and no eventfd. */
	s = fake_vfio_last_irqs(&fv, VFIO_PCI_MSIX_IRQ_INDEX);
	assert_non_null(s);
	assert_int_equal(s->count, 1);
	assert_int_equal(s->fds[0], -1);
	/* INTx switched off. */
	s = fake_vfio_last_irqs(&fv, VFIO_PCI_INTX_IRQ_INDEX);
	assert_true(s->flags & VFIO_IRQ_SET_DATA_NONE);
	assert_false(vp.intx_on);
}

static void test_msix_routing_mask_pending(void **state)
{
	const struct fake_set_irqs *s;
	struct vfio_msix_vec *v0;
	uint32_t gsi = 0;
	uint64_t one = 1;

	env_start();
	cfgw(PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	cfgw(0x72, 2, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	/* Table reads are emulated: reset state is masked. */
	assert_int_equal(mmio_rd(table() + 12, 4), 1);
	msix_program(0, 0xfee00000, 0x4021, false);
	/* Function still masked: nothing routed. */
	assert_int_equal(vp.msix_vec[0].efd, -1);
	cfgw(0x72, 2, PCI_MSIX_FLAGS_ENABLE);
	v0 = &vp.msix_vec[0];
	assert_true(v0->efd >= 0);
	assert_int_equal(v0->gsi, IRQ_MSI_GSI_BASE);
	assert_true(router.msi[0].used);
	assert_int_equal(router.msi[0].addr, 0xfee00000);
	assert_int_equal(router.msi[0].data, 0x4021);
	assert_true(fake_irq_attached(&fi, v0->efd, &gsi, NULL));
	assert_int_equal(gsi, IRQ_MSI_GSI_BASE);
	s = fake_vfio_last_irqs(&fv, VFIO_PCI_MSIX_IRQ_INDEX);
	assert_true(s->flags & VFIO_IRQ_SET_DATA_EVENTFD);
	assert_int_equal(s->fds[0], v0->efd);
	/* Table contents never reach the device. */
	assert_int_equal(fake_vfio_find_write(&fv, 0, 0x2000), -1);

	/* Mask: irqfd detached; the device fires; PBA shows it. */
	mmio_wr(table() + 12, 4, 1);
	assert_false(fake_irq_attached(&fi, v0->efd, NULL, NULL));
	assert_int_equal(write(v0->efd, &one, 8), 8);
	assert_int_equal(mmio_rd(bar_addr(0) + 0x2800, 8) & 1, 1);
	/* Unmask: injected once, reattached, pending cleared. */
	fi.nr_msi = 0;
	mmio_wr(table() + 12, 4, 0);
	assert_int_equal(fi.nr_msi, 1);
	assert_int_equal(fi.msi[0].addr, 0xfee00000);
	assert_int_equal(fi.msi[0].data, 0x4021);
	assert_true(fake_irq_attached(&fi, v0->efd, NULL, NULL));
	assert_int_equal(mmio_rd(bar_addr(0) + 0x2800, 8) & 1, 0);

	/* Retarget while unmasked: route updated. */
	mmio_wr(table() + 8, 4, 0x4031);
	assert_int_equal(router.msi[0].data, 0x4031);

	/* Vector 5 later: SET_IRQS re-issued for the range 0..5. */
	msix_program(5, 0xfee01000, 0x4041, false);
	s = fake_vfio_last_irqs(&fv, VFIO_PCI_MSIX_IRQ_INDEX);
	assert_int_equal(s->count, 6);
	assert_int_equal(s->fds[0], v0->efd);
	assert_int_equal(s->fds[5], vp.msix_vec[5].efd);
	assert_int_equal(s->fds[3], -1);
	assert_int_equal(vp.stats.vectors_routed, 2);

	/* Disable: VFIO off, GSIs freed, INTx back. */
	cfgw(0x72, 2, 0);
	s = fake_vfio_last_irqs(&fv, VFIO_PCI_MSIX_IRQ_INDEX);
	assert_true(s->flags & VFIO_IRQ_SET_DATA_NONE);
	assert_int_equal(s->count, 0);
	assert_false(router.msi[0].used);
	assert_int_equal(vp.msix_vec[0].efd, -1);
	assert_true(vp.intx_on);
}

static void test_msix_old_kernel_regrow(void **state)
{
	const struct fake_set_irqs *s;
	unsigned int n;

	fv.msix_no_grow = true;
	env_start();
	cfgw(PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	cfgw(0x72, 2, PCI_MSIX_FLAGS_ENABLE);
	msix_program(0, 0xfee00000, 0x4021, false);
	n = fv.nr_irqs;
	msix_program(3, 0xfee00000, 0x4022, false);
	/* Disable then enable the full range. */
	assert_true(fv.nr_irqs >= n + 2);
	s = fake_vfio_last_irqs(&fv, VFIO_PCI_MSIX_IRQ_INDEX);
	assert_int_equal(s->count, 4);
	assert_true(s->flags & VFIO_IRQ_SET_DATA_EVENTFD);
	assert_int_equal(vp.msix_vfio_count, 4);
}

static void test_msix_unprogrammed_unmask(void **state)
{
	env_start();
	cfgw(PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	cfgw(0x72, 2, PCI_MSIX_FLAGS_ENABLE);
	/* Unmask with address 0: not routed, nothing allocated. */
	mmio_wr(table() + 16 * 2 + 12, 4, 0);
	assert_int_equal(vp.msix_vec[2].efd, -1);
	assert_int_equal(vp.stats.vectors_routed, 0);
}

static void test_intx_resample(void **state)
{
	const struct fake_set_irqs *s;
	uint32_t gsi;
	int rs;

	env_start();
	assert_true(vp.intx_on);
	assert_true(fake_irq_attached(&fi, vp.intx_efd, &gsi, &rs));
	assert_int_equal(gsi, vp.pdev.intx_gsi);
	assert_int_equal(gsi, pci_intx_gsi(3, 1));
	assert_int_equal(rs, vp.intx_resample_efd);
	s = fake_vfio_last_irqs(&fv, VFIO_PCI_INTX_IRQ_INDEX);
	assert_int_equal(s->flags, VFIO_IRQ_SET_DATA_EVENTFD |
					   VFIO_IRQ_SET_ACTION_UNMASK);
	assert_int_equal(s->fds[0], vp.intx_resample_efd);
	assert_int_equal(fv.irqs[fv.nr_irqs - 2].flags,
			 VFIO_IRQ_SET_DATA_EVENTFD |
				 VFIO_IRQ_SET_ACTION_TRIGGER);
	assert_int_equal(fv.irqs[fv.nr_irqs - 2].fds[0], vp.intx_efd);
}

static void test_msi_multi(void **state)
{
	const struct fake_set_irqs *s;

	env_start();
	assert_int_equal(cfgr(0x52, 2) & PCI_MSI_FLAGS_ENABLE, 0);
	cfgw(0x54, 4, 0xfee00000);
	cfgw(0x58, 4, 0);
	cfgw(0x5c, 2, 0x4050);
	/* 4 messages (MME = 2), vector 1 masked. */
	cfgw(0x60, 4, 0x2);
	cfgw(0x52, 2, PCI_MSI_FLAGS_ENABLE | (2 << 4));
	assert_int_equal(vp.msi_nvec_enabled, 4);
	assert_false(vp.intx_on);
	s = fake_vfio_last_irqs(&fv, VFIO_PCI_MSI_IRQ_INDEX);
	assert_int_equal(s->count, 4);
	assert_int_equal(s->fds[1], -1); /* masked: not yet created */
	assert_int_equal(router.msi[0].data, 0x4050);
	assert_int_equal(router.msi[1].data, 0x4052);
	assert_true(fake_irq_attached(&fi, vp.msi_vec[0].efd, NULL, NULL));
	/* Unmask vector 1: created, VFIO re-armed with all four. */
	cfgw(0x60, 4, 0);
	s = fake_vfio_last_irqs(&fv, VFIO_PCI_MSI_IRQ_INDEX);
	assert_int_equal(s->fds[1], vp.msi_vec[1].efd);
	/* Pending bit for a masked vector that fired. */
	{
		uint64_t one = 1;

		cfgw(0x60, 4, 1);
		assert_int_equal(write(vp.msi_vec[0].efd, &one, 8), 8);
		assert_int_equal(cfgr(0x64, 4) & 1, 1);
	}
	cfgw(0x52, 2, 0);
	assert_int_equal(vp.msi_nvec_enabled, 0);
	assert_true(vp.intx_on);
}

/*
 * One guest write that routes every MSI-X vector (clearing the function
 * mask) pushes the routing table once, not once per vector; so does
 * disabling MSI-X, which frees them all.
 */
static void test_msix_routes_pushed_once(void **state)
{
	unsigned int before;

	env_start();
	cfgw(PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	cfgw(0x72, 2, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	for (unsigned int v = 0; v < 16; v++)
		msix_program(v, 0xfee00000, 0x4020 + v, false);
	before = fi.nr_routing;
	cfgw(0x72, 2, PCI_MSIX_FLAGS_ENABLE);
	assert_int_equal(vp.stats.vectors_routed, 16);
	assert_int_equal(fi.nr_routing, before + 1);
	for (unsigned int v = 0; v < 16; v++) {
		assert_true(router.msi[v].live);
		assert_int_equal(router.msi[v].data, 0x4020 + v);
	}
	before = fi.nr_routing;
	cfgw(0x72, 2, 0);
	assert_int_equal(vp.stats.vectors_routed, 0);
	assert_int_equal(fi.nr_routing, before + 1);
	assert_false(router.msi[0].live);
}

/* A table that does not fit its BAR, or a reserved BIR: MSI-X hidden. */
static void test_msix_misplaced_table_hidden(void **state)
{
	uint32_t off = 0x3ff0 | 0; /* 16 vectors: 256 bytes past 16 KiB */

	memcpy(fv.cfg + 0x74, &off, 4);
	env_start();
	assert_int_equal(vp.msix_cap, 0);
	assert_int_equal(cfgr(0x70, 1), 0); /* hidden: reads 0 */
	/* All of BAR0 is mmapped then: no page is the table's. */
	cfgw(PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	assert_int_equal(find_region(bar_addr(0))->size, 0x4000);
	env_teardown(state);

	env_setup(state);
	off = 0x2000 | 6; /* BIR 6: reserved */
	memcpy(fv.cfg + 0x78, &off, 4);
	env_start();
	assert_int_equal(vp.msix_cap, 0);
	assert_int_equal(vp.msi_cap, 0x50); /* MSI is still offered */
}

/*
 * Guest-triggered interrupt failures are rate-limited (issue 9 item 7):
 * a guest that makes passvm fail to get an eventfd, a GSI, a route, an
 * irqfd or VFIO_DEVICE_SET_IRQS 1000 times gets PV_RATELIMIT_BURST
 * warnings (the device's limit, vp.irq_warn), not 1000; the rest are
 * counted.
 */
#define FLOOD 1000

/* MSI-X off and on with vectors 0 and 1 unmasked: each enable routes them. */
static void toggle_msix(void)
{
	for (int i = 0; i < FLOOD; i++) {
		cfgw(0x72, 2, 0);
		cfgw(0x72, 2, PCI_MSIX_FLAGS_ENABLE);
	}
}

static void remask_vector0(void)
{
	for (int i = 0; i < FLOOD; i++) {
		mmio_wr(table() + 12, 4, 1);
		mmio_wr(table() + 12, 4, 0);
	}
}

static void retarget_vector0(void)
{
	for (int i = 0; i < FLOOD; i++)
		mmio_wr(table() + 8, 4, 0x4100 + (uint32_t)(i & 0xff));
}

/*
 * toggle_msix() with the fd table full (RLIMIT_NOFILE at the lowest free
 * descriptor, once the capture has its file): no eventfd for any vector.
 */
static void toggle_msix_no_fds(void)
{
	struct rlimit old, low;
	int probe = dup(0);

	assert_true(probe >= 0);
	close(probe);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	low = old;
	low.rlim_cur = (rlim_t)probe;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	toggle_msix();
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
}

static void msix_two_vectors(void)
{
	cfgw(PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	cfgw(0x72, 2, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	msix_program(0, 0xfee00000, 0x4021, false);
	msix_program(1, 0xfee00000, 0x4022, false);
	cfgw(0x72, 2, 0);
}

/*
 * @fn from a fresh limit prints 1..PV_RATELIMIT_BURST lines that contain
 * @what, and the limit counted the rest of the FLOOD.
 */
static void assert_limited(void (*fn)(void), const char *what)
{
	int n;

	memset(&vp.irq_warn, 0, sizeof(vp.irq_warn));
	n = stderr_lines(fn, what);
	if (n < 1 || n > PV_RATELIMIT_BURST)
		fail_msg("%d lines with \"%s\" (want 1..%d)", n, what,
			 PV_RATELIMIT_BURST);
	assert_true(vp.irq_warn.suppressed >= FLOOD - PV_RATELIMIT_BURST);
}

static void test_irq_failures_rate_limited(void **state)
{
	struct irq_backend be = fake_irq_backend(&fi);
	struct pv_error err;

	/*
	 * No INTx (its eventfds, made and closed as MSI-X goes off and on,
	 * would free descriptors below the limit of the eventfd step).
	 */
	fv.cfg[PCI_INTERRUPT_PIN] = 0;
	fv.irq_count[VFIO_PCI_INTX_IRQ_INDEX] = 0;
	/* A pool of one MSI GSI: vector 0 gets it, vector 1 never does. */
	assert_int_equal(irq_router_init(&router, &be, &irq_layout_pc,
					 IRQ_MSI_GSI_BASE + 1, &err),
			 0);
	env_start();
	msix_two_vectors();
	assert_limited(toggle_msix, "MSI GSIs");

	/* VFIO_DEVICE_SET_IRQS refuses the eventfds. */
	fv.set_irqs_error = -EIO;
	assert_limited(toggle_msix, "VFIO_DEVICE_SET_IRQS MSI-X");
	fv.set_irqs_error = 0;

	/* KVM refuses the irqfd each time the guest unmasks vector 0. */
	cfgw(0x72, 2, PCI_MSIX_FLAGS_ENABLE);
	fi.irqfd_error = -ENOSPC;
	assert_limited(remask_vector0, strerror(ENOSPC));
	fi.irqfd_error = 0;

	/* KVM refuses the routing table each time vector 0 is retargeted. */
	fi.routing_error = -ENOMEM;
	assert_limited(retarget_vector0, strerror(ENOMEM));
	fi.routing_error = 0;

	/* No eventfd whenever the guest enables MSI-X. */
	cfgw(0x72, 2, 0);
	assert_limited(toggle_msix_no_fds, "eventfd:");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, env_setup, env_teardown)
		T(test_msix_cap_emulated),
		T(test_msix_routing_mask_pending),
		T(test_msix_old_kernel_regrow),
		T(test_msix_unprogrammed_unmask),
		T(test_intx_resample),
		T(test_msi_multi),
		T(test_msix_routes_pushed_once),
		T(test_msix_misplaced_table_hidden),
		T(test_irq_failures_rate_limited),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
