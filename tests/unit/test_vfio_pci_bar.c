// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the BARs of the vfio-pci model (vfio/pci_bar.c) with the
 * PCI core's decode (devices/pci.c), against the in-memory device of
 * fake_vfio.c: the split around the MSI-X table/PBA pages, sparse mmap
 * areas, memslots following the BAR, overlapping BARs never mapped (and
 * mapped again once apart), trapped accesses forwarded, the ROM, and
 * accesses with hostile offsets and lengths.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <sys/mman.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "vfio_pci_env.h"

#define CFG VFIO_PCI_CONFIG_REGION_INDEX

static void test_command_forwarded_and_bar_split(void **state)
{
	uint64_t b0, b4;
	const struct mem_region *r;
	int w;

	env_start();
	b0 = bar_addr(0);
	b4 = bar_addr(4);
	assert_true(b0 && b4);
	assert_int_equal(mem.nr_regions, 0);
	cfgw(PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	w = fake_vfio_find_write(&fv, CFG, PCI_COMMAND);
	assert_true(w >= 0);
	assert_int_equal(fv.cfg[PCI_COMMAND],
			 PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);

	/* BAR0 split around the table/PBA page 0x2000..0x2fff. */
	r = find_region(b0);
	assert_non_null(r);
	assert_int_equal(r->size, 0x2000);
	assert_int_equal(r->kind, MEM_REGION_MMIO);
	assert_ptr_equal(r->hva, fv.regions[0].mem);
	assert_null(find_region(b0 + 0x2000));
	r = find_region(b0 + 0x3000);
	assert_non_null(r);
	assert_int_equal(r->size, 0x1000);
	assert_ptr_equal(r->hva, fv.regions[0].mem + 0x3000);
	r = find_region(b4);
	assert_non_null(r);
	assert_int_equal(r->size, 0x1000);
	assert_int_equal(mem.nr_regions, 3);
	assert_int_equal(vp.stats.pieces_mapped, 3);

	/* Memory decode off: regions go, and the bit reaches the device. */
	cfgw(PCI_COMMAND, 2, PCI_COMMAND_MASTER);
	assert_int_equal(mem.nr_regions, 0);
	assert_int_equal(fv.cfg[PCI_COMMAND], PCI_COMMAND_MASTER);

	/* Moving BAR4 re-maps at the new place with the same HVA. */
	cfgw(PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	cfgw(PCI_BASE_ADDRESS_4, 4, (uint32_t)b4 + 0x100000);
	r = find_region(b4 + 0x100000);
	assert_non_null(r);
	assert_ptr_equal(r->hva, fv.regions[4].mem);
	assert_null(find_region(b4));
}

static void test_sparse_mmap(void **state)
{
	uint64_t b0;

	fv.regions[0].msix_mappable = false;
	fv.regions[0].nr_sparse = 2;
	fv.regions[0].sparse[0].off = 0;
	fv.regions[0].sparse[0].size = 0x1000;
	fv.regions[0].sparse[1].off = 0x3000;
	fv.regions[0].sparse[1].size = 0x1000;
	env_start();
	assert_int_equal(vp.regions[0].nr_areas, 2);
	assert_true(vp.regions[0].sparse);
	cfgw(PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	b0 = bar_addr(0);
	assert_non_null(find_region(b0));
	assert_int_equal(find_region(b0)->size, 0x1000);
	assert_null(find_region(b0 + 0x1000));
	assert_non_null(find_region(b0 + 0x3000));
	/* Bytes of 0x1000..0x1fff are trapped and forwarded. */
	mmio_wr(b0 + 0x1008, 4, 0xabcd1234);
	assert_true(fake_vfio_find_write(&fv, 0, 0x1008) >= 0);
	assert_int_equal(mmio_rd(b0 + 0x1008, 4), 0xabcd1234);
}

/*
 * Sparse areas the model must not take at their word (fuzz_vfio_pci):
 * two that overlap, and one that starts past the region's end near 2^64,
 * whose rounding up to a page once wrapped to 0 and mapped the whole BAR
 * twice. Each byte ends up in one memslot, inside an area, and the BAR
 * still gets its memslots (overlapping ones would all be refused).
 */
static void test_sparse_mmap_hostile_areas(void **state)
{
	uint64_t b0;

	fv.regions[0].msix_mappable = false;
	fv.regions[0].nr_sparse = 4;
	fv.regions[0].sparse[0].off = 0;
	fv.regions[0].sparse[0].size = 0x2000;
	fv.regions[0].sparse[1].off = 0x1000;
	fv.regions[0].sparse[1].size = 0x2000;
	fv.regions[0].sparse[2].off = UINT64_MAX - 0xfff;
	fv.regions[0].sparse[2].size = 0x800;
	fv.regions[0].sparse[3].off = 0x3000;
	fv.regions[0].sparse[3].size = 0x1000;
	env_start();
	assert_int_equal(vp.bars[0].nr_pieces, 2);
	cfgw(PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	b0 = bar_addr(0);
	assert_non_null(find_region(b0));
	assert_int_equal(find_region(b0)->size, 0x2000);
	assert_null(find_region(b0 + 0x1000));
	assert_null(find_region(b0 + 0x2000)); /* the MSI-X page */
	assert_non_null(find_region(b0 + 0x3000));
	assert_int_equal(find_region(b0 + 0x3000)->size, 0x1000);
	assert_int_equal(mem.nr_regions, 3); /* and BAR4's */
}

/*
 * BAR4 moved onto BAR0: neither keeps a memslot (the guest keeps running,
 * both trap). BAR0 moved away: both get their memslots back.
 */
static void test_bars_overlapping_stay_trapped(void **state)
{
	uint64_t b0, b4, away = LAYOUT_MMIO32_BASE + 0x08000000;

	env_start();
	cfgw(PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	b0 = bar_addr(0);
	b4 = bar_addr(4);
	assert_non_null(find_region(b4));
	cfgw(PCI_BASE_ADDRESS_4, 4, (uint32_t)b0);
	assert_null(find_region(b0));
	assert_null(find_region(b0 + 0x3000));
	assert_null(find_region(b4));
	assert_int_equal(mem.nr_regions, 0);
	/* Still decoded: accesses trap (to BAR0, the first that matches). */
	mmio_wr(b0 + 0x10, 4, 0x1234);
	assert_true(fake_vfio_find_write(&fv, 0, 0x10) >= 0);

	cfgw(PCI_BASE_ADDRESS_0, 4, (uint32_t)away | 4);
	cfgw(PCI_BASE_ADDRESS_1, 4, 0);
	assert_int_equal(bar_addr(0), away);
	assert_non_null(find_region(away));
	assert_non_null(find_region(b0)); /* BAR4, where BAR0 was */
	assert_ptr_equal(find_region(b0)->hva, fv.regions[4].mem);
	assert_int_equal(mem.nr_regions, 3);
	cfgw(PCI_COMMAND, 2, 0);
	assert_int_equal(mem.nr_regions, 0);
}

/*
 * A BAR placed over another BAR's MSI-X table page must not take that
 * page: the table keeps trapping to the emulation.
 */
static void test_bar_over_msix_table(void **state)
{
	uint64_t b0;

	env_start();
	cfgw(PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	b0 = bar_addr(0);
	cfgw(PCI_BASE_ADDRESS_4, 4, (uint32_t)(b0 + 0x2000));
	assert_null(find_region(b0 + 0x2000));
	/* Vector 0's control word: emulated (masked at reset), not sent. */
	assert_int_equal(mmio_rd(b0 + 0x2000 + 12, 4), 1);
	mmio_wr(b0 + 0x2000, 4, 0xfee00000);
	assert_int_equal(fake_vfio_find_write(&fv, 0, 0x2000), -1);
	assert_int_equal(fake_vfio_find_write(&fv, 4, 0), -1);
	assert_int_equal(vp.msix_table[0], 0x00);
	assert_int_equal(vp.msix_table[3], 0xfe);
}

/* A BAR over a range the VMM reserved (RAM, MSI, ECAM...) stays trapped. */
static void test_bar_over_reserved_range(void **state)
{
	uint64_t b4, resv = LAYOUT_MMIO32_BASE + 0x10000000;

	env_start();
	assert_int_equal(pci_bus_reserve(&bus, false, resv, 0x100000, "test"),
			 0);
	cfgw(PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	b4 = bar_addr(4);
	assert_non_null(find_region(b4));
	cfgw(PCI_BASE_ADDRESS_4, 4, (uint32_t)resv + 0x1000);
	assert_null(find_region(resv + 0x1000));
	assert_true(vp.pdev.bars[4].decoded);
	assert_false(vp.pdev.bars[4].mapped);
	cfgw(PCI_BASE_ADDRESS_4, 4, (uint32_t)b4);
	assert_non_null(find_region(b4));
}

static void test_registers_beside_table_forwarded(void **state)
{
	uint64_t b0, io;
	struct pci_window *w;
	uint8_t b[2] = { 0x34, 0x12 };

	env_start();
	cfgw(PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	b0 = bar_addr(0);
	/* Same page as the table, outside table and PBA: the device's. */
	mmio_wr(b0 + 0x2f00, 4, 0x11223344);
	assert_true(fake_vfio_find_write(&fv, 0, 0x2f00) >= 0);
	assert_int_equal(mmio_rd(b0 + 0x2f00, 4), 0x11223344);
	mmio_wr(b0 + 0x2100, 4, 0x55);
	assert_true(fake_vfio_find_write(&fv, 0, 0x2100) >= 0);
	/* PBA writes are dropped. */
	mmio_wr(b0 + 0x2800, 4, 0xffffffff);
	assert_int_equal(fake_vfio_find_write(&fv, 0, 0x2800), -1);
	/* I/O BAR: trapped, forwarded. */
	cfgw(PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
	io = bar_addr(2);
	w = &bus.win[PCI_WIN_IO];
	pci_window_ops.write(w, io - w->base + 4, b, 2);
	assert_true(fake_vfio_find_write(&fv, 2, 4) >= 0);
}

static void test_rom(void **state)
{
	uint8_t b[4];

	env_start();
	assert_int_equal(vp.bars[PCI_ROM_SLOT].size, 0x10000);
	vfio_pci_ops.bar_read(&vp.pdev, PCI_ROM_SLOT, 0, b, 2);
	assert_int_equal(b[0], 0x55);
	assert_int_equal(b[1], 0xaa);
	b[0] = 0;
	vfio_pci_ops.bar_write(&vp.pdev, PCI_ROM_SLOT, 0, b, 1);
	assert_int_equal(fv.regions[6].mem[0], 0x55);
	/* Past its end: all ones. */
	vfio_pci_ops.bar_read(&vp.pdev, PCI_ROM_SLOT, 0x20000, b, 4);
	assert_int_equal(b[3], 0xff);
}

/* The GPA the ROM BAR decodes at, once memory decode and its enable are on. */
static uint64_t rom_on(void)
{
	cfgw(PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	cfgw(PCI_ROM_ADDRESS, 4,
	     cfgr(PCI_ROM_ADDRESS, 4) | PCI_ROM_ADDRESS_ENABLE);
	return cfgr(PCI_ROM_ADDRESS, 4) & PCI_ROM_ADDRESS_MASK;
}

/*
 * The ROM is read from the device once (each read of the region enables
 * the device's ROM decoder), then shown through a read-only memslot over
 * the copy: no exit per access. Trapped reads come from the copy too.
 */
static void test_rom_copied_once(void **state)
{
	const struct mem_region *r;
	const uint64_t moved = LAYOUT_MMIO32_BASE + 0x10000000;
	uint64_t rom;
	uint8_t b[4];

	env_start();
	assert_int_equal(fv.rom_reads, 0); /* not before the guest asks */
	rom = rom_on();
	r = find_region(rom);
	assert_non_null(r);
	assert_true(r->readonly);
	assert_int_equal(r->size, 0x10000);
	assert_memory_equal(r->hva, fv.regions[6].mem, 0x10000);
	assert_int_equal(fv.rom_reads, 1);

	fv.regions[6].mem[2] = 0x99;
	assert_int_equal(mmio_rd(rom, 4), 0x150eaa55u); /* the copy's */
	vfio_pci_ops.bar_read(&vp.pdev, PCI_ROM_SLOT, 2, b, 1);
	assert_int_equal(b[0], 14);
	/* ROM off, on, moved: the same copy, never read again. */
	cfgw(PCI_ROM_ADDRESS, 4, cfgr(PCI_ROM_ADDRESS, 4) & ~1u);
	assert_null(find_region(rom));
	cfgw(PCI_ROM_ADDRESS, 4, (uint32_t)moved | PCI_ROM_ADDRESS_ENABLE);
	assert_non_null(r = find_region(moved));
	assert_int_equal(fv.rom_reads, 1);
	/* Guest writes are dropped; the copy is not theirs to change. */
	mmio_wr(moved, 1, 0);
	assert_int_equal(((const uint8_t *)r->hva)[0], 0x55);
}

/* A ROM the device does not give up: its reads stay forwarded (all ones). */
static void test_rom_unreadable(void **state)
{
	uint64_t rom;

	fv.rom_fails = true;
	env_start();
	rom = rom_on();
	assert_null(find_region(rom));
	assert_int_equal(mmio_rd(rom, 2), 0xffff);
	assert_int_equal(fv.rom_reads, 2); /* the copy's try, then this */
}

/*
 * Offsets near 2^64 must not wrap into the MSI-X table (which sits at
 * BAR0 + 0x2000): reads give all-ones, writes change nothing.
 */
static void test_bar_offsets_cannot_wrap(void **state)
{
	uint8_t b[8], table[16 * 16];
	unsigned int nw;

	env_start();
	memcpy(table, vp.msix_table, sizeof(table));
	nw = fv.nr_writes;
	for (uint64_t k = 1; k <= 8; k++) {
		memset(b, 0x5a, sizeof(b));
		vfio_pci_ops.bar_read(&vp.pdev, 0, UINT64_MAX - k + 1, b,
				      (uint32_t)k);
		for (uint64_t i = 0; i < k; i++)
			assert_int_equal(b[i], 0xff);
		vfio_pci_ops.bar_write(&vp.pdev, 0, UINT64_MAX - k + 1, b,
				       (uint32_t)k);
	}
	/* Past the BAR's end (16 KiB) but inside 64 bits: dropped too. */
	vfio_pci_ops.bar_write(&vp.pdev, 0, 0x4000, b, 4);
	vfio_pci_ops.bar_write(&vp.pdev, 0, 0x3ffe, b, 4);
	vfio_pci_ops.bar_write(&vp.pdev, 4, 0xfff, b, 2);
	assert_memory_equal(table, vp.msix_table, sizeof(table));
	assert_int_equal(fv.nr_writes, nw);
	assert_int_equal(vp.stats.msix_table_accesses, 0);
}

/*
 * The MSI-X accessors themselves stay inside the table and PBA whatever
 * offset they are handed: a range check that wraps (off + len past 2^64)
 * once read and wrote msix_table[] far outside it.
 */
static void test_msix_accessors_cannot_wrap(void **state)
{
	uint8_t b[8], table[16 * 16];
	int bir;

	env_start();
	bir = (int)vp.msix.table_bir;
	memcpy(table, vp.msix_table, sizeof(table));
	for (uint64_t k = 1; k <= 8; k++) {
		memset(b, 0x5a, sizeof(b));
		vpci_msix_bar_read(&vp, bir, UINT64_MAX - k + 1, b,
				   (uint32_t)k);
		for (uint64_t i = 0; i < k; i++)
			assert_int_equal(b[i], 0xff);
		vpci_msix_bar_write(&vp, bir, UINT64_MAX - k + 1, b,
				    (uint32_t)k);
	}
	assert_memory_equal(table, vp.msix_table, sizeof(table));
}

/* A length the bus never passes (0, > 8) leaves the buffer untouched. */
static void test_bar_read_checks_len_first(void **state)
{
	uint8_t b[32];

	env_start();
	memset(b, 0x5a, sizeof(b));
	vfio_pci_ops.bar_read(&vp.pdev, 0, 0, b, 16);
	vfio_pci_ops.bar_read(&vp.pdev, 0, 0, b, 0);
	vfio_pci_ops.bar_read(&vp.pdev, 0, 0, b, 9);
	for (unsigned int i = 0; i < sizeof(b); i++)
		assert_int_equal(b[i], 0x5a);
}

static void test_region_info_growth(void **state)
{
	struct vfio_region r;

	fv.regions[0].nr_sparse = 3;
	fv.regions[0].sparse[0].off = 0;
	fv.regions[0].sparse[0].size = 0x1000;
	fv.regions[0].sparse[1].off = 0x3000;
	fv.regions[0].sparse[1].size = 0x1000;
	fv.regions[0].sparse[2].off = 0x3800;
	fv.regions[0].sparse[2].size = 0;
	assert_int_equal(vfio_region_info(&dio, 0, &r), 0);
	assert_true(r.sparse);
	assert_true(r.msix_mappable);
	assert_int_equal(r.nr_areas, 2);
	assert_int_equal(r.areas[1].off, 0x3000);
	assert_int_equal(r.offset, 0);
	assert_int_equal(vfio_region_info(&dio, 4, &r), 0);
	assert_int_equal(r.nr_areas, 1);
	assert_int_equal(r.areas[0].size, 0x1000);
	assert_int_equal(vfio_region_info(&dio, 2, &r), 0);
	assert_int_equal(r.nr_areas, 0);
}

/*
 * A region info whose capability chain starts at @cap_off: one sparse
 * mmap area [0, 0x1000) of a 0x4000-byte mmappable region.
 */
static uint32_t raw_cap_off;

static int raw_caps_ioctl(void *ctx, unsigned long req, void *arg)
{
	struct vfio_region_info *ri = arg;
	struct vfio_region_info_cap_sparse_mmap s = {
		.header = { .id = VFIO_REGION_INFO_CAP_SPARSE_MMAP,
			    .version = 1 },
		.nr_areas = 1,
	};
	struct vfio_region_sparse_mmap_area a = { .offset = 0, .size = 0x1000 };
	uint32_t need = raw_cap_off + sizeof(s) + sizeof(a);

	if (req != VFIO_DEVICE_GET_REGION_INFO)
		return -ENOTTY;
	ri->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_MMAP |
		    VFIO_REGION_INFO_FLAG_CAPS;
	ri->size = 0x4000;
	ri->offset = 0;
	ri->cap_offset = raw_cap_off;
	if (ri->argsz < need) {
		ri->argsz = need;
		return 0;
	}
	memcpy((uint8_t *)ri + raw_cap_off, &s, sizeof(s));
	memcpy((uint8_t *)ri + raw_cap_off + sizeof(s), &a, sizeof(a));
	return 0;
}

/*
 * The kernel aligns capabilities to 8 bytes; a chain at an offset that
 * is not aligned is no chain (fuzz_vfio_pci: UBSan caught the misaligned
 * read of its header). The region is then mmappable whole.
 */
static void test_region_info_misaligned_caps(void **state)
{
	struct vfio_dev_io io = { .ioctl = raw_caps_ioctl };
	struct vfio_region r;

	raw_cap_off = sizeof(struct vfio_region_info); /* 32: aligned */
	assert_int_equal(vfio_region_info(&io, 0, &r), 0);
	assert_true(r.sparse);
	assert_int_equal(r.nr_areas, 1);
	assert_int_equal(r.areas[0].size, 0x1000);
	for (uint32_t off = 33; off < 40; off++) {
		raw_cap_off = off;
		assert_int_equal(vfio_region_info(&io, 0, &r), 0);
		assert_false(r.sparse);
		assert_int_equal(r.nr_areas, 1);
		assert_int_equal(r.areas[0].size, 0x4000);
	}
}

/*
 * The real device's mmap (vfio_fd_dev_io, here over a memfd for the
 * device fd): a BAR piece of 2 MiB or more lands 2 MiB aligned, one of
 * 1 GiB 1 GiB aligned, congruent to its offset, so the kernel's huge
 * pfnmap can map it with large pages (issue #10 item 4); smaller pieces
 * take what mmap gives.
 */
static void test_bar_mmap_aligned(void **state)
{
	static const struct {
		uint64_t off, len, align;
	} cases[] = {
		{ 0, 4ull << 20, 2ull << 20 },
		{ 0x100000, 2ull << 20, 2ull << 20 }, /* phase: the offset */
		{ 0, 1ull << 30, 1ull << 30 },
	};
	int fd = memfd_create("passvm-bar", MFD_CLOEXEC);
	struct vfio_dev_io io = vfio_fd_dev_io(&fd);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 2ull << 30), 0); /* sparse */
	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t *p = io.mmap(io.ctx, cases[i].off, cases[i].len,
				     PROT_READ | PROT_WRITE);

		assert_true(p != MAP_FAILED && p);
		assert_int_equal(((uintptr_t)p - cases[i].off) % cases[i].align,
				 0);
		io.munmap(io.ctx, p, cases[i].len);
	}
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, env_setup, env_teardown)
		T(test_command_forwarded_and_bar_split),
		T(test_sparse_mmap),
		T(test_sparse_mmap_hostile_areas),
		T(test_bars_overlapping_stay_trapped),
		T(test_bar_over_msix_table),
		T(test_bar_over_reserved_range),
		T(test_registers_beside_table_forwarded),
		T(test_rom),
		T(test_rom_copied_once),
		T(test_rom_unreadable),
		T(test_bar_offsets_cannot_wrap),
		T(test_msix_accessors_cannot_wrap),
		T(test_bar_read_checks_len_first),
		T(test_region_info_growth),
		T(test_region_info_misaligned_caps),
		cmocka_unit_test(test_bar_mmap_aligned),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
