// SPDX-License-Identifier: GPL-2.0
/*
 * The vfio-pci model on a host with 64 KiB pages (arm64 servers often
 * run such kernels), faked through vfio_dev_io.page_size: BARs are placed
 * on 64 KiB boundaries (pci_bus_set_bar_align, as vmm/vm.c does with the
 * host page size), a BAR smaller than a page stays trapped and is
 * forwarded, and an MSI-X table inside a 64 KiB page traps that whole page
 * (its other registers forwarded to the device) while the rest of the BAR
 * is mapped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include <linux/pci_regs.h>

#include "vfio_pci_env.h"

#define PAGE_64K 0x10000ull

static void use_64k_pages(void)
{
	dio.page_size = PAGE_64K;
	pci_bus_set_bar_align(&bus, PAGE_64K);
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* The nvme-like fake: BAR0 16 KiB (table at 0x2000), BAR4 4 KiB. */
static void test_subpage_bars_trapped(void **state)
{
	uint64_t b0, b4;

	use_64k_pages();
	env_start();
	b0 = bar_addr(0);
	b4 = bar_addr(4);
	assert_int_equal(b0 % PAGE_64K, 0);
	assert_int_equal(b4 % PAGE_64K, 0);
	cfgw(PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	/* Smaller than a host page: nothing can be mmapped. */
	assert_int_equal(vp.bars[0].nr_pieces, 0);
	assert_int_equal(mem.nr_regions, 0);

	/* A register beside the MSI-X table reaches the device... */
	mmio_wr(b0 + 0x1000, 4, 0x11223344);
	assert_true(fake_vfio_find_write(&fv, 0, 0x1000) >= 0);
	assert_int_equal(mmio_rd(b0 + 0x1000, 4), 0x11223344);
	/* ...the table itself is passvm's. */
	mmio_wr(b0 + 0x2000, 4, 0x08090040);
	assert_int_equal(fake_vfio_find_write(&fv, 0, 0x2000), -1);
	assert_int_equal(mmio_rd(b0 + 0x2000, 4), 0x08090040);
	assert_true(vp.stats.msix_table_accesses >= 2);
	mmio_wr(b4 + 0x10, 4, 0x5a5a5a5a);
	assert_true(fake_vfio_find_write(&fv, 4, 0x10) >= 0);
}

/* A 256 KiB BAR0 with the table in its third 64 KiB page. */
static void test_table_page_carved_out(void **state)
{
	const struct mem_region *r;
	uint64_t b0;

	munmap(fv.regions[0].mem, fv.regions[0].size);
	fv.regions[0].size = 0x40000;
	fv.regions[0].mem = mmap(NULL, 0x40000, PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	assert_true(fv.regions[0].mem != MAP_FAILED);
	put32(fv.cfg + 0x74, 0x20000); /* table: BAR0 + 0x20000 */
	put32(fv.cfg + 0x78, 0x28000); /* PBA: BAR0 + 0x28000 */
	use_64k_pages();
	env_start();
	b0 = bar_addr(0);
	assert_int_equal(b0 % 0x40000, 0);
	cfgw(PCI_COMMAND, 2, PCI_COMMAND_MEMORY);

	r = find_region(b0);
	assert_non_null(r);
	assert_int_equal(r->size, 0x20000);
	assert_ptr_equal(r->hva, fv.regions[0].mem);
	assert_null(find_region(b0 + 0x20000)); /* table and PBA page */
	r = find_region(b0 + 0x30000);
	assert_non_null(r);
	assert_int_equal(r->size, 0x10000);
	assert_ptr_equal(r->hva, fv.regions[0].mem + 0x30000);
	for (unsigned int i = 0; i < mem.nr_regions; i++) {
		assert_int_equal(mem.regions[i].gpa % PAGE_64K, 0);
		assert_int_equal(mem.regions[i].size % PAGE_64K, 0);
	}

	/* In the trapped page, outside table and PBA: the device's. */
	mmio_wr(b0 + 0x21000, 4, 0xcafe);
	assert_true(fake_vfio_find_write(&fv, 0, 0x21000) >= 0);
	mmio_wr(b0 + 0x20000, 4, 0x08090040);
	assert_int_equal(fake_vfio_find_write(&fv, 0, 0x20000), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, env_setup, env_teardown)
		T(test_subpage_bars_trapped),
		T(test_table_page_carved_out),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
