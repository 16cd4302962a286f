// SPDX-License-Identifier: GPL-2.0
/*
 * The vfio-pci model with an SR-IOV VF (fake_vfio_vf(): QEMU's igbvf as
 * the host's vfio-pci shows it). What differs from a physical function,
 * per SR-IOV 1.1 §3.4.1 and the host's vfio_config_init() and
 * vfio_basic_config_read(): the IDs come from the VFIO config region
 * (vfio-pci virtualizes them; the VF's own read 0xffff), there is no INTx
 * (pin 0, no INTx IRQ), and Memory Space Enable is RO 0 in the VF itself,
 * so decoding is passvm's emulated command register's business, never the
 * device's read-back.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "vfio_pci_env.h"

#define CFG VFIO_PCI_CONFIG_REGION_INDEX

static void use_vf(void)
{
	fake_vfio_free(&fv);
	fake_vfio_vf(&fv);
	dio = fake_vfio_dev_io(&fv);
}

static void test_vf_config_image(void **state)
{
	use_vf();
	env_start();
	/* The IDs vfio-pci put in the config region, not 0xffff. */
	assert_int_equal(cfgr(PCI_VENDOR_ID, 2), 0x8086);
	assert_int_equal(cfgr(PCI_DEVICE_ID, 2), 0x10ca);
	assert_int_equal(cfgr(PCI_CLASS_DEVICE, 2), 0x0200);
	/* They are ours now: the device's value no longer matters. */
	fv.cfg[PCI_VENDOR_ID] = 0xff;
	fv.cfg[PCI_VENDOR_ID + 1] = 0xff;
	assert_int_equal(cfgr(PCI_VENDOR_ID, 4), 0x10ca8086);
	/* No INTx: pin 0, and no INTx trigger was ever set up. */
	assert_int_equal(cfgr(PCI_INTERRUPT_PIN, 1), 0);
	assert_false(vp.intx_possible);
	assert_null(fake_vfio_last_irqs(&fv, VFIO_PCI_INTX_IRQ_INDEX));
	/* MSI-X then PCIe (an RCiEP); ARI (a topology matter) hidden. */
	assert_int_equal(cfgr(PCI_CAPABILITY_LIST, 1), 0x70);
	assert_int_equal(cfgr(0x70, 1), PCI_CAP_ID_MSIX);
	assert_int_equal(cfgr(0x71, 1), 0xa0);
	assert_int_equal((cfgr(0xa2, 2) & PCI_EXP_FLAGS_TYPE) >> 4,
			 PCI_EXP_TYPE_RC_END);
	assert_int_equal(PCI_EXT_CAP_ID(cfgr(0x100, 4)), PCI_EXT_CAP_ID_ERR);
	assert_int_equal(PCI_EXT_CAP_NEXT(cfgr(0x100, 4)), 0);
	assert_int_equal(cfgr(0x150, 4), 0);
	/* BAR0 and BAR3: 64-bit prefetchable 16 KiB, as vfio-pci says. */
	cfgw(PCI_BASE_ADDRESS_0, 4, 0xffffffff);
	assert_int_equal(cfgr(PCI_BASE_ADDRESS_0, 4), 0xffffc00c);
	cfgw(PCI_BASE_ADDRESS_3, 4, 0xffffffff);
	assert_int_equal(cfgr(PCI_BASE_ADDRESS_3, 4), 0xffffc00c);
	assert_int_equal(cfgr(PCI_ROM_ADDRESS, 4), 0);
}

/* A VF whose config region claims a pin anyway: still no INTx. */
static void test_vf_bogus_pin(void **state)
{
	use_vf();
	fv.cfg[PCI_INTERRUPT_PIN] = 1;
	env_start();
	assert_int_equal(cfgr(PCI_INTERRUPT_PIN, 1), 0);
	assert_false(vp.intx_possible);
	assert_null(fake_vfio_last_irqs(&fv, VFIO_PCI_INTX_IRQ_INDEX));
}

/*
 * Memory decode follows the guest's command register even when the
 * device never shows Memory Space Enable (a VF's is RO 0): the BARs are
 * mapped on enable and unmapped on disable, the guest reads back what it
 * wrote, and the bit is still written through for vfio-pci.
 */
static void test_vf_memory_decode(void **state)
{
	uint64_t b0, b3;
	int w;

	use_vf();
	fv.cmd_memory_hardwired = true;
	env_start();
	b0 = bar_addr(0);
	b3 = bar_addr(3);
	assert_true(b0 && b3);
	assert_int_equal(mem.nr_regions, 0);
	cfgw(PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	assert_int_equal(fv.cfg[PCI_COMMAND] & PCI_COMMAND_MEMORY, 0);
	assert_int_equal(cfgr(PCI_COMMAND, 2),
			 PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	w = fake_vfio_find_write(&fv, CFG, PCI_COMMAND);
	assert_true(w >= 0);
	assert_true(fv.writes[w].val & PCI_COMMAND_MEMORY);
	/* BAR0 whole; BAR3 around its table (page 0) and PBA (page 2). */
	assert_non_null(find_region(b0));
	assert_int_equal(find_region(b0)->size, 0x4000);
	assert_null(find_region(b3));
	assert_non_null(find_region(b3 + 0x1000));
	assert_int_equal(find_region(b3 + 0x1000)->size, 0x1000);
	assert_non_null(find_region(b3 + 0x3000));
	/* Another write of the command register keeps decoding on. */
	cfgw(PCI_COMMAND, 2,
	     PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_SERR);
	assert_non_null(find_region(b0));
	cfgw(PCI_COMMAND, 2, PCI_COMMAND_MASTER);
	assert_int_equal(mem.nr_regions, 0);
	assert_int_equal(cfgr(PCI_COMMAND, 2) & PCI_COMMAND_MEMORY, 0);
}

/* MSI-X works as on any device: 3 vectors through VFIO. */
static void test_vf_msix(void **state)
{
	const struct fake_set_irqs *s;

	use_vf();
	env_start();
	assert_int_equal(cfgr(0x72, 2) & PCI_MSIX_FLAGS_QSIZE, 2);
	cfgw(0x72, 2, PCI_MSIX_FLAGS_ENABLE);
	s = fake_vfio_last_irqs(&fv, VFIO_PCI_MSIX_IRQ_INDEX);
	assert_non_null(s);
	assert_int_equal(s->flags & VFIO_IRQ_SET_ACTION_TRIGGER,
			 VFIO_IRQ_SET_ACTION_TRIGGER);
	assert_true(s->start + s->count <= 3);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, env_setup, env_teardown)
	const struct CMUnitTest tests[] = {
		T(test_vf_config_image),
		T(test_vf_bogus_pin),
		T(test_vf_memory_decode),
		T(test_vf_msix),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
