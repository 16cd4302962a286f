// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the vfio-pci device model (vfio/vfio_pci.c) and device
 * reset (vfio/device.c), run against the in-memory device of fake_vfio.c
 * on a real PCI bus, memory map and irq router with a recording backend.
 * Covers: config overlay (PCI 3.0 §6), BAR sizing and the BAR split around
 * the MSI-X table/PBA pages, MSI-X table emulation and vector -> GSI ->
 * irqfd wiring with masking and pending bits (§6.8.2), MSI (§6.8.1), INTx
 * with resample, hot reset, and a garbage fuzz loop.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "fake_vfio.h"
#include "memory/layout.h"
#include "vfio/vfio.h"

#define MMIO64_BASE 0x1000000000ull
#define MMIO64_SIZE 0x1000000000ull

static struct fake_vfio fv;
static struct fake_irq fi;
static struct irq_router router;
static struct mem_map mem;
static struct pci_bus bus;
static struct vfio_pci vp;
static struct vfio_dev_io dio;

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n++;
	closedir(d);
	return n;
}

static int setup(void **state)
{
	struct irq_backend be;
	struct pv_error err;

	memset(&fi, 0, sizeof(fi));
	fake_vfio_nvme(&fv);
	be = fake_irq_backend(&fi);
	assert_int_equal(
		irq_router_init(&router, &be, &irq_layout_pc, 1024, &err), 0);
	mem_map_init(&mem);
	pci_bus_init(&bus, LAYOUT_PIO_PCI_BASE, LAYOUT_PIO_PCI_SIZE,
		     LAYOUT_MMIO32_BASE, LAYOUT_MMIO32_SIZE, MMIO64_BASE,
		     MMIO64_SIZE, NULL);
	dio = fake_vfio_dev_io(&fv);
	return 0;
}

static int teardown(void **state)
{
	if (vp.pdev.bus)
		pci_bus_remove(&bus, &vp.pdev);
	vfio_pci_fini(&vp);
	fake_vfio_free(&fv);
	return 0;
}

/* Build the model and put it on the bus. */
static void start_dev(void)
{
	struct pv_error err = { "" };
	int ret;

	ret = vfio_pci_init(&vp, "0000:01:00.0", &dio, &mem, &router, &err);
	if (ret)
		fail_msg("vfio_pci_init: %s", err.msg);
	assert_int_equal(pci_bus_add(&bus, &vp.pdev, 3, &err), 0);
	assert_int_equal(vfio_pci_start(&vp, &err), 0);
}

static uint32_t cfgr(uint32_t off, uint32_t len)
{
	return pci_cfg_read(&bus, vp.pdev.devfn, off, len);
}

static void cfgw(uint32_t off, uint32_t len, uint32_t val)
{
	pci_cfg_write(&bus, vp.pdev.devfn, off, len, val);
}

static uint64_t bar_addr(int i)
{
	uint64_t lo = cfgr(PCI_BASE_ADDRESS_0 + 4 * i, 4);

	if ((lo & 7) == 4)
		return (lo & ~0xfull) |
		       (uint64_t)cfgr(PCI_BASE_ADDRESS_0 + 4 * i + 4, 4) << 32;
	return lo & ((lo & 1) ? ~3ull : ~0xfull);
}

static struct pci_window *win_for(uint64_t addr, bool io)
{
	for (int i = 0; i < PCI_WIN_NR; i++) {
		struct pci_window *w = &bus.win[i];

		if (w->io == io && addr >= w->base && addr < w->base + w->size)
			return w;
	}
	fail_msg("no window for 0x%llx", (unsigned long long)addr);
	return NULL;
}

static uint64_t mmio_rd(uint64_t addr, uint32_t len)
{
	struct pci_window *w = win_for(addr, false);
	uint8_t b[8] = { 0 };
	uint64_t v = 0;

	pci_window_ops.read(w, addr - w->base, b, len);
	memcpy(&v, b, len);
	return v;
}

static void mmio_wr(uint64_t addr, uint32_t len, uint64_t v)
{
	struct pci_window *w = win_for(addr, false);
	uint8_t b[8];

	memcpy(b, &v, 8);
	pci_window_ops.write(w, addr - w->base, b, len);
}

static const struct mem_region *find_region(uint64_t gpa)
{
	for (unsigned int i = 0; i < mem.nr_regions; i++)
		if (mem.regions[i].gpa == gpa)
			return &mem.regions[i];
	return NULL;
}

/* ---- config overlay ---- */

static void test_config_image(void **state)
{
	uint32_t pos, ids[8], n = 0;

	start_dev();
	assert_int_equal(cfgr(PCI_VENDOR_ID, 2), 0x1b36);
	assert_int_equal(cfgr(PCI_DEVICE_ID, 2), 0x0010);
	assert_int_equal(cfgr(PCI_CLASS_REVISION, 4), 0x01080202);
	assert_int_equal(cfgr(PCI_SUBSYSTEM_VENDOR_ID, 4), 0x11001af4);
	assert_int_equal(cfgr(PCI_HEADER_TYPE, 1), 0); /* MF bit cleared */
	assert_int_equal(cfgr(PCI_INTERRUPT_PIN, 1), 1);
	assert_true(cfgr(PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);

	/* Standard list: HyperTransport unlinked. */
	for (pos = cfgr(PCI_CAPABILITY_LIST, 1); pos && n < 8;
	     pos = cfgr(pos + 1, 1))
		ids[n++] = cfgr(pos, 1) | pos << 8;
	assert_int_equal(n, 5);
	assert_int_equal(ids[0], PCI_CAP_ID_PM | 0x40 << 8);
	assert_int_equal(ids[1], PCI_CAP_ID_MSI | 0x50 << 8);
	assert_int_equal(ids[2], PCI_CAP_ID_MSIX | 0x70 << 8);
	assert_int_equal(ids[3], PCI_CAP_ID_EXP | 0x80 << 8);
	assert_int_equal(ids[4], PCI_CAP_ID_VNDR | 0xc0 << 8);

	/* Passed-through bytes are live: change the device, read it back. */
	fv.cfg[0xc3] = 0x77;
	assert_int_equal(cfgr(0xc3, 1), 0x77);
	fv.cfg[0x44] = 0x08; /* PM control/status */
	assert_int_equal(cfgr(0x44, 1), 0x08);

	/* PCIe: an RC integrated endpoint without link registers. */
	assert_int_equal((cfgr(0x82, 2) & PCI_EXP_FLAGS_TYPE) >> 4,
			 PCI_EXP_TYPE_RC_END);
	assert_int_equal(cfgr(0x80 + PCI_EXP_LNKCAP, 4), 0);

	/* Extended: AER at 0x100 ends the list (SR-IOV unlinked). */
	assert_int_equal(PCI_EXT_CAP_ID(cfgr(0x100, 4)), PCI_EXT_CAP_ID_ERR);
	assert_int_equal(PCI_EXT_CAP_NEXT(cfgr(0x100, 4)), 0);
	assert_int_equal(cfgr(0x140, 4), 0);
}

static void test_bar_sizing_emulated(void **state)
{
	unsigned int nw;

	start_dev();
	nw = fv.nr_writes;
	cfgw(PCI_BASE_ADDRESS_0, 4, 0xffffffff);
	cfgw(PCI_BASE_ADDRESS_1, 4, 0xffffffff);
	assert_int_equal(cfgr(PCI_BASE_ADDRESS_0, 4), 0xffffc004);
	assert_int_equal(cfgr(PCI_BASE_ADDRESS_1, 4), 0xffffffff);
	cfgw(PCI_BASE_ADDRESS_2, 4, 0xffffffff);
	assert_int_equal(cfgr(PCI_BASE_ADDRESS_2, 4), 0xffffffe1);
	cfgw(PCI_BASE_ADDRESS_4, 4, 0xffffffff);
	assert_int_equal(cfgr(PCI_BASE_ADDRESS_4, 4), 0xfffff000);
	cfgw(PCI_ROM_ADDRESS, 4, 0xfffff800);
	assert_int_equal(cfgr(PCI_ROM_ADDRESS, 4), 0xffff0000);
	cfgw(PCI_INTERRUPT_LINE, 1, 0x0b);
	/* Nothing of that reached the device. */
	assert_int_equal(fv.nr_writes, nw);
	assert_int_equal(fv.cfg[PCI_BASE_ADDRESS_0], 0x04);
}

static void test_command_forwarded_and_bar_split(void **state)
{
	uint64_t b0, b4;
	const struct mem_region *r;
	int w;

	start_dev();
	b0 = bar_addr(0);
	b4 = bar_addr(4);
	assert_true(b0 && b4);
	assert_int_equal(mem.nr_regions, 0);
	cfgw(PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	w = fake_vfio_find_write(&fv, VFIO_PCI_CONFIG_REGION_INDEX,
				 PCI_COMMAND);
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
	start_dev();
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

static void test_bars_overlapping_stay_trapped(void **state)
{
	uint64_t b0;

	start_dev();
	cfgw(PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	b0 = bar_addr(0);
	/* BAR4 on top of BAR0: its memslot is refused, no crash. */
	cfgw(PCI_BASE_ADDRESS_4, 4, (uint32_t)b0);
	assert_non_null(find_region(b0));
	cfgw(PCI_BASE_ADDRESS_4, 4, (uint32_t)b0 + 0x3000);
	cfgw(PCI_COMMAND, 2, 0);
	assert_int_equal(mem.nr_regions, 0);
}

/* ---- MSI-X ---- */

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

	start_dev();
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

	start_dev();
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
	start_dev();
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
	start_dev();
	cfgw(PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	cfgw(0x72, 2, PCI_MSIX_FLAGS_ENABLE);
	/* Unmask with address 0: not routed, nothing allocated. */
	mmio_wr(table() + 16 * 2 + 12, 4, 0);
	assert_int_equal(vp.msix_vec[2].efd, -1);
	assert_int_equal(vp.stats.vectors_routed, 0);
}

static void test_registers_beside_table_forwarded(void **state)
{
	uint64_t b0;

	start_dev();
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
	{
		uint64_t io = bar_addr(2);
		struct pci_window *w = win_for(io, true);
		uint8_t b[2] = { 0x34, 0x12 };

		pci_window_ops.write(w, io - w->base + 4, b, 2);
		assert_true(fake_vfio_find_write(&fv, 2, 4) >= 0);
	}
}

static void test_rom(void **state)
{
	uint8_t b[4];

	start_dev();
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

/* ---- INTx, MSI ---- */

static void test_intx_resample(void **state)
{
	const struct fake_set_irqs *s;
	uint32_t gsi;
	int rs;

	start_dev();
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

	start_dev();
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

	start_dev();
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

/* ---- reset ---- */

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

static void test_ext_caps_hidden_head(void **state)
{
	/* SR-IOV first, AER second: a placeholder at 0x100 links to AER. */
	fv.cfg[0x100] = PCI_EXT_CAP_ID_SRIOV;
	fv.cfg[0x101] = 0;
	fv.cfg[0x102] = 0x01;
	fv.cfg[0x103] = 0x14; /* next = 0x140 */
	fv.cfg[0x140] = PCI_EXT_CAP_ID_ERR;
	fv.cfg[0x141] = 0;
	fv.cfg[0x142] = 0x02;
	fv.cfg[0x143] = 0;
	fv.cfg[0x144] = 0x5a; /* AER body: passed through */
	start_dev();
	assert_int_equal(PCI_EXT_CAP_ID(cfgr(0x100, 4)), 0);
	assert_int_equal(PCI_EXT_CAP_NEXT(cfgr(0x100, 4)), 0x140);
	assert_int_equal(PCI_EXT_CAP_ID(cfgr(0x140, 4)), PCI_EXT_CAP_ID_ERR);
	assert_int_equal(PCI_EXT_CAP_NEXT(cfgr(0x140, 4)), 0);
	assert_int_equal(cfgr(0x144, 1), 0x5a);
	cfgw(0x144, 1, 0x11);
	assert_int_equal(fv.cfg[0x144], 0x11);
}

static void test_device_without_caps(void **state)
{
	/* No capability list, no INTx, 256-byte config. */
	fv.cfg[PCI_STATUS] = 0;
	fv.cfg[PCI_INTERRUPT_PIN] = 0;
	fv.irq_count[VFIO_PCI_INTX_IRQ_INDEX] = 0;
	fv.regions[7].size = 256;
	start_dev();
	assert_int_equal(vp.pdev.cfg_size, PCI_CFG_SIZE);
	assert_false(cfgr(PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
	assert_int_equal(cfgr(PCI_CAPABILITY_LIST, 1), 0);
	assert_false(vp.intx_on);
	assert_int_equal(cfgr(PCI_INTERRUPT_PIN, 1), 0);
	assert_int_equal(vp.msix_cap, 0);
	/* Without the MSI-X cap, all of BAR0 is mapped. */
	cfgw(PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	assert_int_equal(find_region(bar_addr(0))->size, 0x4000);
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

	start_dev();
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
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_config_image),
		T(test_bar_sizing_emulated),
		T(test_command_forwarded_and_bar_split),
		T(test_sparse_mmap),
		T(test_bars_overlapping_stay_trapped),
		T(test_msix_cap_emulated),
		T(test_msix_routing_mask_pending),
		T(test_msix_old_kernel_regrow),
		T(test_msix_unprogrammed_unmask),
		T(test_registers_beside_table_forwarded),
		T(test_rom),
		T(test_intx_resample),
		T(test_msi_multi),
		T(test_msix_routes_pushed_once),
		T(test_reset_paths),
		T(test_region_info_growth),
		T(test_ext_caps_hidden_head),
		T(test_device_without_caps),
		T(test_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
