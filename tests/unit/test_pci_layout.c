// SPDX-License-Identifier: GPL-2.0
/*
 * BAR placement against the real guest layout: a GPU-like device with a
 * 16 GiB and a 256 MiB prefetchable 64-bit BAR and a 32 MiB 32-bit BAR must
 * get naturally aligned addresses in the right windows, and a guest sizing
 * the BARs (PCI 3.0 §6.2.5.1) must read the sizes back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "devices/pci.h"
#include "arch/arch.h"
#include "arch/x86/layout.h"

static const struct pci_dev_ops no_ops;

static uint64_t bar_addr(struct pci_bus *b, uint8_t devfn, int bar)
{
	uint64_t lo = pci_cfg_read(b, devfn, 0x10 + 4 * bar, 4);
	uint64_t hi = pci_cfg_read(b, devfn, 0x14 + 4 * bar, 4);

	return (hi << 32) | (lo & ~0xfull);
}

/* Guest-style sizing of a 64-bit BAR: write all-ones to both halves. */
static uint64_t bar_size64(struct pci_bus *b, uint8_t devfn, int bar)
{
	uint32_t lo0 = pci_cfg_read(b, devfn, 0x10 + 4 * bar, 4);
	uint32_t hi0 = pci_cfg_read(b, devfn, 0x14 + 4 * bar, 4);
	uint64_t mask;

	pci_cfg_write(b, devfn, 0x10 + 4 * bar, 4, 0xffffffff);
	pci_cfg_write(b, devfn, 0x14 + 4 * bar, 4, 0xffffffff);
	mask = ((uint64_t)pci_cfg_read(b, devfn, 0x14 + 4 * bar, 4) << 32) |
	       (pci_cfg_read(b, devfn, 0x10 + 4 * bar, 4) & ~0xfu);
	pci_cfg_write(b, devfn, 0x10 + 4 * bar, 4, lo0);
	pci_cfg_write(b, devfn, 0x14 + 4 * bar, 4, hi0);
	return ~mask + 1;
}

static void test_gpu_bars(void **state)
{
	static struct pci_bus bus;
	static struct pci_dev gpu;
	struct guest_layout l;
	struct pv_error e = { "" };
	uint64_t vram, bar2, mmio;

	assert_int_equal(layout_compute(&l, &arch_layout_rules, 8 * SZ_1G, 40,
					NULL, 0, &e),
			 0);
	pci_bus_init(&bus, LAYOUT_PIO_PCI_BASE, LAYOUT_PIO_PCI_SIZE,
		     LAYOUT_MMIO32_BASE, LAYOUT_MMIO32_SIZE, l.mmio64_base,
		     l.mmio64_size, NULL);
	pci_dev_init(&gpu, "gpu", 0x10de, 0x1234, 0x030000, PCI_CFG_EXP_SIZE,
		     &no_ops, NULL);
	assert_int_equal(
		pci_dev_set_bar(&gpu, 0, PCI_BAR_MEM32, false, 32 * SZ_1M), 0);
	assert_int_equal(
		pci_dev_set_bar(&gpu, 1, PCI_BAR_MEM64, true, 16 * SZ_1G), 0);
	assert_int_equal(
		pci_dev_set_bar(&gpu, 3, PCI_BAR_MEM64, true, 256 * SZ_1M), 0);
	assert_int_equal(pci_bus_add(&bus, &gpu, -1, &e), 0);

	mmio = bar_addr(&bus, gpu.devfn, 0) & 0xffffffff;
	vram = bar_addr(&bus, gpu.devfn, 1);
	bar2 = bar_addr(&bus, gpu.devfn, 3);
	/* 32-bit BAR inside the 32-bit window, naturally aligned. */
	assert_true(mmio >= LAYOUT_MMIO32_BASE &&
		    mmio + 32 * SZ_1M <=
			    LAYOUT_MMIO32_BASE + LAYOUT_MMIO32_SIZE);
	assert_int_equal(mmio % (32 * SZ_1M), 0);
	/* 64-bit BARs above RAM, inside the 64-bit window, aligned. */
	assert_true(vram >= l.mmio64_base &&
		    vram + 16 * SZ_1G <= l.mmio64_base + l.mmio64_size);
	assert_int_equal(vram % (16 * SZ_1G), 0);
	assert_true(bar2 >= l.mmio64_base &&
		    bar2 + 256 * SZ_1M <= l.mmio64_base + l.mmio64_size);
	assert_int_equal(bar2 % (256 * SZ_1M), 0);
	assert_true(vram >=
		    l.ram[l.nr_ram - 1].base + l.ram[l.nr_ram - 1].size);
	/* Sizing reads the sizes back and restores the addresses. */
	assert_int_equal(bar_size64(&bus, gpu.devfn, 1), 16 * SZ_1G);
	assert_int_equal(bar_size64(&bus, gpu.devfn, 3), 256 * SZ_1M);
	assert_int_equal(bar_addr(&bus, gpu.devfn, 1), vram);
}

static void test_bar_too_big_for_guest(void **state)
{
	static struct pci_bus bus;
	static struct pci_dev dev;
	struct guest_layout l;
	struct pv_error e = { "" };

	/* 36 physical bits leave a 32 GiB window at most: 64 GiB cannot fit. */
	assert_int_equal(
		layout_compute(&l, &arch_layout_rules, SZ_1G, 36, NULL, 0, &e),
		0);
	assert_true(l.mmio64_size < 64 * SZ_1G);
	pci_bus_init(&bus, LAYOUT_PIO_PCI_BASE, LAYOUT_PIO_PCI_SIZE,
		     LAYOUT_MMIO32_BASE, LAYOUT_MMIO32_SIZE, l.mmio64_base,
		     l.mmio64_size, NULL);
	pci_dev_init(&dev, "huge", 0x10de, 0x1, 0x030000, PCI_CFG_EXP_SIZE,
		     &no_ops, NULL);
	assert_int_equal(
		pci_dev_set_bar(&dev, 0, PCI_BAR_MEM64, true, 64 * SZ_1G), 0);
	assert_int_equal(pci_bus_add(&bus, &dev, -1, &e), -28);
	if (!strstr(e.msg, "BAR0"))
		fail_msg("message does not name the BAR: %s", e.msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gpu_bars),
		cmocka_unit_test(test_bar_too_big_for_guest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
