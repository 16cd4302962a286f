// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the life cycle of the vfio-pci model (vfio/vfio_pci.c)
 * and device reset (vfio/device.c), against the in-memory device of
 * fake_vfio.c: what init refuses, what start/quiesce/fini leave behind
 * (no fd, GSI or memslot), device reset and hot reset, and a garbage fuzz
 * loop over every entry point a guest reaches. The parts have their own
 * files: test_vfio_pci_config.c, test_vfio_pci_bar.c, test_vfio_pci_irq.c.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "vfio_pci_env.h"

static int try_init(struct pv_error *err)
{
	return vfio_pci_init(&vp, "0000:01:00.0", &dio, &mem, &router, err);
}

/* What init refuses: each says why, and leaves nothing behind. */
static void test_init_refusals(void **state)
{
	struct pv_error err = { "" };
	int fds = count_fds();

	fv.dev_flags &= ~VFIO_DEVICE_FLAGS_PCI;
	assert_int_equal(try_init(&err), -ENODEV);
	assert_non_null(strstr(err.msg, "not a vfio-pci device"));
	fv.dev_flags |= VFIO_DEVICE_FLAGS_PCI;

	fv.cfg[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_BRIDGE;
	assert_int_equal(try_init(&err), -ENOTSUP);
	assert_non_null(strstr(err.msg, "bridge"));
	fv.cfg[PCI_HEADER_TYPE] = 0;

	memset(fv.cfg, 0xff, 4);
	assert_int_equal(try_init(&err), -EIO);
	assert_non_null(strstr(err.msg, "all-ones"));
	fv.cfg[0] = 0x36;
	fv.cfg[1] = 0x1b;

	fv.regions[VFIO_PCI_CONFIG_REGION_INDEX].size = 32;
	assert_int_equal(try_init(&err), -EIO);
	assert_non_null(strstr(err.msg, "32 bytes"));
	assert_int_equal(count_fds(), fds);
	assert_null(vp.msix_table);
}

/* Quiesce and fini undo everything start and the guest set up. */
static void test_quiesce_and_fini(void **state)
{
	const struct vfio_pci_stats *st;
	int fds = count_fds();

	env_start();
	st = vfio_pci_get_stats(&vp);
	assert_true(vp.intx_on);
	cfgw(PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	cfgw(0x72, 2, PCI_MSIX_FLAGS_ENABLE);
	mmio_wr(bar_addr(0) + 0x2000, 4, 0xfee00000);
	mmio_wr(bar_addr(0) + 0x2000 + 12, 4, 0);
	assert_int_equal(st->vectors_routed, 1);
	assert_int_equal(st->pieces_mapped, 3);
	assert_true(st->cfg_writes >= 2);
	vfio_pci_quiesce(&vp);
	assert_int_equal(st->vectors_routed, 0);
	assert_int_equal(st->pieces_mapped, 0);
	assert_int_equal(mem.nr_regions, 0);
	assert_false(vp.intx_on);
	assert_false(vp.msix_enabled);
	assert_int_equal(count_fds(), fds);
	vfio_pci_quiesce(&vp); /* idempotent */
	pci_bus_remove(&bus, &vp.pdev);
	vfio_pci_fini(&vp);
	vfio_pci_fini(&vp);
	assert_null(vp.msix_table);
}

static void test_reset_paths(void **state)
{
	struct pv_error err = { "" };
	int ids[2] = { 7, 9 }, fds[2] = { 100, 101 };

	dio = fake_vfio_dev_io(&fv);
	assert_int_equal(vfio_device_reset(&dio, "0000:01:00.0", fv.dev_flags,
					   ids, fds, 2, &err),
			 0);
	assert_int_equal(fv.resets, 1);

	/* No FLR: hot reset with our group fds. */
	fv.dev_flags &= ~VFIO_DEVICE_FLAGS_RESET;
	fv.nr_deps = 2;
	fv.dep_groups[0] = 7;
	fv.dep_groups[1] = 9;
	assert_int_equal(vfio_device_reset(&dio, "0000:01:00.0", fv.dev_flags,
					   ids, fds, 2, &err),
			 0);
	assert_int_equal(fv.hot_resets, 1);
	assert_int_equal(fv.nr_hot_reset_fds, 2);
	assert_int_equal(fv.hot_reset_fds[1], 101);

	/* A foreign group on the bus: refused, named. */
	fv.dep_groups[1] = 12;
	assert_int_equal(vfio_device_reset(&dio, "0000:01:00.0", fv.dev_flags,
					   ids, fds, 2, &err),
			 -EPERM);
	assert_non_null(strstr(err.msg, "group 12"));
	assert_int_equal(fv.hot_resets, 1);
}

/* ---- nonsense ---- */

static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static void test_fuzz(void **state)
{
	static const uint32_t lens[] = { 1, 2, 4, 8 };
	int fds_before = count_fds();

	env_start();
	for (int i = 0; i < 20000; i++) {
		uint64_t r = rnd();
		uint32_t len = lens[r & 3] > 4 ? 4 : lens[r & 3];
		uint32_t off = (uint32_t)(rnd() % 4096);
		uint64_t val = (r >> 8) & 1 ? ~0ull : rnd();
		int bar = (int)(rnd() % 8) - 1;
		uint8_t buf[8];

		switch ((r >> 4) % 5) {
		case 0:
			cfgw(off, len, (uint32_t)val);
			break;
		case 1:
			(void)cfgr(off, len);
			break;
		case 2: /* MSI-X control and the MSI cap, hammered */
			cfgw(0x72, 2, (uint32_t)val);
			cfgw(0x50 + (uint32_t)(rnd() % 24), len,
			     (uint32_t)rnd());
			break;
		case 3:
			memcpy(buf, &val, 8);
			vfio_pci_ops.bar_write(&vp.pdev, bar, rnd() % 0x8000,
					       buf, lens[r & 3]);
			vfio_pci_ops.bar_write(&vp.pdev, 0,
					       0x2000 + rnd() % 0x900, buf,
					       lens[rnd() & 3]);
			break;
		default:
			vfio_pci_ops.bar_read(&vp.pdev, bar, rnd() % 0x8000,
					      buf, lens[r & 3]);
			vfio_pci_ops.bar_read(&vp.pdev, 0,
					      0x2000 + rnd() % 0x900, buf,
					      lens[rnd() & 3]);
			break;
		}
	}
	pci_bus_remove(&bus, &vp.pdev);
	vfio_pci_fini(&vp);
	assert_int_equal(mem.nr_regions, 0);
	assert_int_equal(vp.stats.vectors_routed, 0);
	for (unsigned int g = 0; g < IRQ_MAX_GSI - IRQ_MSI_GSI_BASE; g++)
		assert_false(router.msi[g].used);
	assert_int_equal(count_fds(), fds_before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, env_setup, env_teardown)
		T(test_init_refusals),
		T(test_quiesce_and_fini),
		T(test_reset_paths),
		T(test_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
