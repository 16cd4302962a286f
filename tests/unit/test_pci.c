// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for devices/pci.c: BAR sizing (PCI 3.0 §6.2.5.1), decode
 * ordering, CF8/CFC (§3.2.2.3.2) and ECAM (PCIe 4.0 §7.2.2), trapped BAR
 * dispatch, allocation errors and a garbage fuzz loop.
 */
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

#include "capture.h"
#include "devices/pci.h"
#include "arch/x86/layout.h"

#define MMIO64_BASE 0x1000000000ull
#define MMIO64_SIZE 0x1000000000ull

enum ev_kind { EV_MAP, EV_UNMAP, EV_CFGW, EV_BAR_READ, EV_BAR_WRITE };

struct ev {
	enum ev_kind kind;
	int bar;
	uint64_t addr; /* map/unmap address, or BAR offset */
	uint32_t off, len, val;
};

struct fake {
	struct pci_dev dev;
	struct ev ev[64];
	int nev;
	int map_ret;
	bool strict; /* fail the test on a BAR access past the BAR's end */
};

static struct pci_bus bus;
static struct fake fk;
static int stops, stop_why;

static void rec(struct fake *f, struct ev e)
{
	if (f->nev < (int)(sizeof(f->ev) / sizeof(f->ev[0])))
		f->ev[f->nev++] = e;
}

static void fake_cfg_write(struct pci_dev *d, uint32_t off, uint32_t len,
			   uint32_t val)
{
	rec(d->opaque,
	    (struct ev){ .kind = EV_CFGW, .off = off, .len = len, .val = val });
}

static void check_bar_access(struct pci_dev *d, int bar, uint64_t off,
			     uint32_t len)
{
	assert_true(bar >= 0 && bar <= PCI_ROM_SLOT);
	assert_true(len >= 1 && len <= 8);
	assert_true(d->bars[bar].size > 0);
	assert_true(off + len <= d->bars[bar].size);
}

static void fake_bar_read(struct pci_dev *d, int bar, uint64_t off,
			  uint8_t *data, uint32_t len)
{
	struct fake *f = d->opaque;

	check_bar_access(d, bar, off, len);
	for (uint32_t i = 0; i < len; i++)
		data[i] = (uint8_t)(0xa0 + bar + off + i);
	if (!f->strict)
		rec(f, (struct ev){ .kind = EV_BAR_READ,
				    .bar = bar,
				    .addr = off,
				    .len = len });
}

static void fake_bar_write(struct pci_dev *d, int bar, uint64_t off,
			   const uint8_t *data, uint32_t len)
{
	struct fake *f = d->opaque;
	uint32_t v = 0;

	check_bar_access(d, bar, off, len);
	for (uint32_t i = 0; i < len && i < 4; i++)
		v |= (uint32_t)data[i] << (8 * i);
	if (!f->strict)
		rec(f, (struct ev){ .kind = EV_BAR_WRITE,
				    .bar = bar,
				    .addr = off,
				    .len = len,
				    .val = v });
}

static int fake_bar_map(struct pci_dev *d, int bar, uint64_t addr)
{
	struct fake *f = d->opaque;

	/* The core only maps what lies inside a window. */
	if (d->bars[bar].type == PCI_BAR_IO) {
		assert_true(addr >= LAYOUT_PIO_PCI_BASE);
		assert_true(addr + d->bars[bar].size <=
			    LAYOUT_PIO_PCI_BASE + LAYOUT_PIO_PCI_SIZE);
	} else {
		bool in32 = addr >= LAYOUT_MMIO32_BASE &&
			    addr + d->bars[bar].size <=
				    LAYOUT_MMIO32_BASE + LAYOUT_MMIO32_SIZE;
		bool in64 =
			addr >= MMIO64_BASE &&
			addr + d->bars[bar].size <= MMIO64_BASE + MMIO64_SIZE;

		assert_true(in32 || in64);
	}
	if (!f->strict)
		rec(f, (struct ev){ .kind = EV_MAP, .bar = bar, .addr = addr });
	return f->map_ret;
}

static void fake_bar_unmap(struct pci_dev *d, int bar, uint64_t addr)
{
	struct fake *f = d->opaque;

	assert_true(d->bars[bar].mapped);
	assert_int_equal(d->bars[bar].addr, addr);
	if (!f->strict)
		rec(f,
		    (struct ev){ .kind = EV_UNMAP, .bar = bar, .addr = addr });
}

static const struct pci_dev_ops fake_ops = {
	.cfg_write = fake_cfg_write,
	.bar_read = fake_bar_read,
	.bar_write = fake_bar_write,
	.bar_map = fake_bar_map,
	.bar_unmap = fake_bar_unmap,
};

static void on_stop(void *opaque, enum vm_stop_reason why, int code)
{
	stops++;
	stop_why = (int)why;
}

#define SLOT 3
#define DEVFN PCI_DEVFN(SLOT, 0)

/*
 * BAR0 MEM32 4 KiB, BAR1 I/O 32 bytes, BAR2/3 MEM64 prefetchable 1 GiB,
 * BAR4/5 MEM64 non-prefetchable 16 KiB, ROM 64 KiB; INTA.
 */
static int setup(void **state)
{
	struct vm_stop_sink sink = { .request_stop = on_stop };
	struct pv_error err = { { 0 } };

	stops = 0;
	stop_why = -1;
	memset(&fk, 0, sizeof(fk));
	pci_bus_init(&bus, LAYOUT_PIO_PCI_BASE, LAYOUT_PIO_PCI_SIZE,
		     LAYOUT_MMIO32_BASE, LAYOUT_MMIO32_SIZE, MMIO64_BASE,
		     MMIO64_SIZE, &sink);
	pci_dev_init(&fk.dev, "fake", 0x1234, 0x5678, 0x020000, PCI_CFG_SIZE,
		     &fake_ops, &fk);
	assert_int_equal(
		pci_dev_set_bar(&fk.dev, 0, PCI_BAR_MEM32, false, 0x1000), 0);
	assert_int_equal(pci_dev_set_bar(&fk.dev, 1, PCI_BAR_IO, false, 32), 0);
	assert_int_equal(
		pci_dev_set_bar(&fk.dev, 2, PCI_BAR_MEM64, true, 1ull << 30),
		0);
	assert_int_equal(
		pci_dev_set_bar(&fk.dev, 4, PCI_BAR_MEM64, false, 0x4000), 0);
	assert_int_equal(pci_dev_set_bar(&fk.dev, PCI_ROM_SLOT, PCI_BAR_ROM,
					 false, 0x10000),
			 0);
	fk.dev.cfg[0x3d] = 1; /* INTA */
	assert_int_equal(pci_bus_add(&bus, &fk.dev, SLOT, &err), 0);
	fk.nev = 0;
	return 0;
}

static uint32_t rd(uint32_t off, uint32_t len)
{
	return pci_cfg_read(&bus, DEVFN, off, len);
}

static void wr(uint32_t off, uint32_t len, uint32_t val)
{
	pci_cfg_write(&bus, DEVFN, off, len, val);
}

static void test_host_bridge(void **state)
{
	assert_int_equal(pci_cfg_read(&bus, 0, 0, 4), 0x00081b36);
	assert_int_equal(pci_cfg_read(&bus, 0, 8, 4) >> 8, 0x060000);
	assert_int_equal(pci_cfg_read(&bus, 0, 0x0e, 1), 0);
	assert_int_equal(rd(0, 4), 0x56781234);
	assert_int_equal(rd(0x0e, 1), 0);
}

static void test_absent_all_ones(void **state)
{
	assert_int_equal(pci_cfg_read(&bus, PCI_DEVFN(7, 0), 0, 4), 0xffffffff);
	assert_int_equal(pci_cfg_read(&bus, PCI_DEVFN(7, 0), 2, 2), 0xffff);
	assert_int_equal(pci_cfg_read(&bus, PCI_DEVFN(SLOT, 1), 0, 1), 0xff);
	/* Extended space beyond a 256-byte device reads 0. */
	assert_int_equal(rd(0x100, 4), 0);
	/* Writes to absent devices are dropped without harm. */
	pci_cfg_write(&bus, PCI_DEVFN(7, 0), 4, 2, 0xffff);
	assert_int_equal(fk.nev, 0);
}

static void test_bar_sizing_masks(void **state)
{
	struct {
		uint32_t off, expect;
	} t[] = {
		{ 0x10, 0xfffff000 }, /* MEM32 4 KiB */
		{ 0x14, 0xffffffe1 }, /* I/O 32 */
		{ 0x18, 0xc000000c }, /* MEM64 pref 1 GiB, low */
		{ 0x1c, 0xffffffff }, /* ... high */
		{ 0x20, 0xffffc004 }, /* MEM64 16 KiB, low */
		{ 0x24, 0xffffffff },
		{ 0x30, 0xffff0001 }, /* ROM 64 KiB, enable bit writable */
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint32_t old = rd(t[i].off, 4);

		wr(t[i].off, 4, 0xffffffff);
		assert_int_equal(rd(t[i].off, 4), t[i].expect);
		wr(t[i].off, 4, old);
		assert_int_equal(rd(t[i].off, 4), old);
	}
	/* Linux sizes the ROM with ~PCI_ROM_ADDRESS_ENABLE. */
	wr(0x30, 4, 0xfffffffe);
	assert_int_equal(rd(0x30, 4), 0xffff0000);
	/* Unimplemented BARs read 0 after sizing. */
	pci_cfg_write(&bus, 0, 0x10, 4, 0xffffffff);
	assert_int_equal(pci_cfg_read(&bus, 0, 0x10, 4), 0);
	/* Decode is off: nothing was ever mapped. */
	for (int i = 0; i < fk.nev; i++)
		assert_int_equal(fk.ev[i].kind, EV_CFGW);
}

static void test_allocation(void **state)
{
	uint64_t b2 = rd(0x18, 4) & ~0xfu;

	b2 |= (uint64_t)rd(0x1c, 4) << 32;
	/* MEM32 and non-prefetchable MEM64 below 4 GiB, naturally aligned. */
	assert_true((rd(0x10, 4) & ~0xfu) >= LAYOUT_MMIO32_BASE);
	assert_int_equal(rd(0x10, 4) & 0xfff, 0);
	assert_int_equal(rd(0x24, 4), 0);
	assert_int_equal(rd(0x20, 4) & 0x3ff0, 0);
	assert_true((rd(0x20, 4) & ~0xfu) >= LAYOUT_MMIO32_BASE);
	/* Prefetchable MEM64 in the 64-bit window, 1 GiB aligned. */
	assert_true(b2 >= MMIO64_BASE && b2 < MMIO64_BASE + MMIO64_SIZE);
	assert_int_equal(b2 & ((1ull << 30) - 1), 0);
	/* I/O in the I/O window, type bit kept. */
	assert_true((rd(0x14, 4) & ~3u) >= LAYOUT_PIO_PCI_BASE);
	assert_int_equal(rd(0x14, 4) & 3, 1);
	/* ROM allocated but not enabled. */
	assert_int_equal(rd(0x30, 4) & 1, 0);
	assert_true(rd(0x30, 4) >= LAYOUT_MMIO32_BASE);
	/* INTx: pin RO, line = GSI 16 + (3 + 1 - 1) % 8 = 19. */
	assert_int_equal(fk.dev.intx_gsi, 19);
	assert_int_equal(rd(0x3c, 1), 19);
	assert_int_equal(rd(0x3d, 1), 1);
	wr(0x3d, 1, 4);
	assert_int_equal(rd(0x3d, 1), 1);
	wr(0x3c, 1, 11);
	assert_int_equal(rd(0x3c, 1), 11);
	assert_int_equal(pci_intx_gsi(0, 1), 16);
	assert_int_equal(pci_intx_gsi(7, 4), 18);
	assert_int_equal(pci_intx_gsi(9, 1), 17);
	/* Vendor/device are read-only. */
	wr(0, 4, 0);
	assert_int_equal(rd(0, 4), 0x56781234);
}

static void test_decode_ordering(void **state)
{
	uint32_t bar0 = rd(0x10, 4);
	uint32_t moved = LAYOUT_MMIO32_BASE + 0x10000000;

	trace_mask = TRACE_PCI; /* exercise the trace lines once */
	wr(4, 2, 0x0002); /* MEM on */
	trace_mask = 0;
	assert_int_equal(fk.nev, 4);
	assert_int_equal(fk.ev[0].kind, EV_CFGW);
	/* BAR0, BAR2 and BAR4 decode; the ROM is not enabled. */
	for (int i = 1; i < 4; i++)
		assert_int_equal(fk.ev[i].kind, EV_MAP);
	assert_int_equal(fk.ev[1].bar, 0);
	assert_int_equal(fk.ev[1].addr, bar0);
	assert_true(fk.dev.bars[0].mapped);
	assert_false(fk.dev.bars[1].decoded);

	/* Move BAR0: unmap old, cfg_write, map new. */
	fk.nev = 0;
	wr(0x10, 4, moved);
	assert_int_equal(fk.nev, 3);
	assert_int_equal(fk.ev[0].kind, EV_UNMAP);
	assert_int_equal(fk.ev[0].addr, bar0);
	assert_int_equal(fk.ev[1].kind, EV_CFGW);
	assert_int_equal(fk.ev[1].off, 0x10);
	assert_int_equal(fk.ev[1].val, moved);
	assert_int_equal(fk.ev[2].kind, EV_MAP);
	assert_int_equal(fk.ev[2].addr, moved);

	/* Clearing MEM unmaps everything before cfg_write sees it. */
	fk.nev = 0;
	wr(4, 2, 0);
	assert_int_equal(fk.nev, 4);
	for (int i = 0; i < 3; i++)
		assert_int_equal(fk.ev[i].kind, EV_UNMAP);
	assert_int_equal(fk.ev[3].kind, EV_CFGW);
	for (int i = 0; i <= PCI_ROM_SLOT; i++) {
		assert_false(fk.dev.bars[i].mapped);
		assert_false(fk.dev.bars[i].decoded);
	}

	/* ROM needs both MEM and its enable bit. */
	fk.nev = 0;
	wr(0x30, 4, rd(0x30, 4) | 1);
	assert_int_equal(fk.nev, 1);
	wr(4, 2, 0x0002);
	assert_true(fk.dev.bars[PCI_ROM_SLOT].mapped);

	/* I/O decode maps the I/O BAR only. */
	fk.nev = 0;
	wr(4, 2, 0x0003);
	assert_int_equal(fk.nev, 2);
	assert_int_equal(fk.ev[1].kind, EV_MAP);
	assert_int_equal(fk.ev[1].bar, 1);
}

/* Firmware's last step: I/O and memory decode on, through cfg_write. */
static void test_enable_decode(void **state)
{
	struct pci_dev iodev;
	struct pv_error err = { { 0 } };

	/* A second device with an I/O BAR only, and an empty slot. */
	pci_dev_init(&iodev, "io-only", 0x1234, 0x9abc, 0x010000, PCI_CFG_SIZE,
		     &fake_ops, &fk);
	assert_int_equal(pci_dev_set_bar(&iodev, 0, PCI_BAR_IO, false, 16), 0);
	assert_int_equal(pci_bus_add(&bus, &iodev, SLOT + 2, &err), 0);

	pci_bus_enable_decode(&bus);
	assert_int_equal(rd(4, 2) & 7, 0x0003); /* IO | MEM, not MASTER */
	assert_int_equal(pci_cfg_read(&bus, PCI_DEVFN(SLOT + 2, 0), 4, 2) & 7,
			 0x0001);
	/* The devices saw the write; every BAR but the ROM decodes. */
	assert_int_equal(fk.ev[0].kind, EV_CFGW);
	assert_int_equal(fk.ev[0].off, 4);
	for (int i = 0; i < PCI_ROM_SLOT; i++)
		assert_true(!fk.dev.bars[i].size || fk.dev.bars[i].mapped);
	assert_false(fk.dev.bars[PCI_ROM_SLOT].mapped);
	assert_true(iodev.bars[0].mapped);
	/* The host bridge has no BARs and is left alone. */
	assert_int_equal(pci_cfg_read(&bus, 0, 4, 2) & 3, 0);
	pci_bus_remove(&bus, &iodev);
}

/*
 * A VGA controller keeps decode off (x86 Linux would read its ROM from a
 * BIOS shadow at 0xC0000 that nothing filled); another display controller
 * (bochs-display's class 0x0380) decodes as any device.
 */
static void test_enable_decode_vga(void **state)
{
	struct pci_dev vga, other;
	struct pv_error err = { { 0 } };
	uint8_t vfn = PCI_DEVFN(SLOT + 2, 0);

	pci_dev_init(&vga, "vga", 0x1234, 0x1111, 0x030000, PCI_CFG_SIZE,
		     &fake_ops, &fk);
	pci_dev_init(&other, "display", 0x1234, 0x1111, 0x038000, PCI_CFG_SIZE,
		     &fake_ops, &fk);
	assert_int_equal(
		pci_dev_set_bar(&vga, 0, PCI_BAR_MEM32, true, 0x1000000), 0);
	assert_int_equal(pci_dev_set_bar(&vga, PCI_ROM_SLOT, PCI_BAR_ROM, false,
					 0x10000),
			 0);
	assert_int_equal(
		pci_dev_set_bar(&other, 0, PCI_BAR_MEM32, true, 0x1000000), 0);
	assert_int_equal(pci_bus_add(&bus, &vga, SLOT + 2, &err), 0);
	assert_int_equal(pci_bus_add(&bus, &other, SLOT + 3, &err), 0);

	pci_bus_enable_decode(&bus);
	assert_int_equal(pci_cfg_read(&bus, vfn, PCI_COMMAND, 2) & 3, 0);
	assert_false(vga.bars[0].decoded);
	assert_int_equal(
		pci_cfg_read(&bus, PCI_DEVFN(SLOT + 3, 0), PCI_COMMAND, 2) & 3,
		PCI_COMMAND_MEMORY);
	assert_true(other.bars[0].mapped);
	/* Its driver's pci_enable_device: decode, and the ROM, work then. */
	pci_cfg_write(&bus, vfn, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	assert_true(vga.bars[0].mapped);
	pci_cfg_write(&bus, vfn, PCI_ROM_ADDRESS, 4,
		      pci_cfg_read(&bus, vfn, PCI_ROM_ADDRESS, 4) |
			      PCI_ROM_ADDRESS_ENABLE);
	assert_true(vga.bars[PCI_ROM_SLOT].decoded);
	pci_bus_remove(&bus, &other);
	pci_bus_remove(&bus, &vga);
}

static void test_sizing_never_mapped(void **state)
{
	uint32_t bar0 = rd(0x10, 4);

	wr(4, 2, 0x0003);
	fk.nev = 0;
	/* Sizing with decode on: all-ones is outside every window. */
	wr(0x10, 4, 0xffffffff);
	assert_int_equal(fk.ev[0].kind, EV_UNMAP);
	for (int i = 1; i < fk.nev; i++)
		assert_int_not_equal(fk.ev[i].kind, EV_MAP);
	assert_false(fk.dev.bars[0].decoded);
	wr(0x14, 4, 0xffffffff);
	for (int i = 0; i < fk.nev; i++)
		assert_int_not_equal(fk.ev[i].kind, EV_MAP);
	assert_false(fk.dev.bars[1].decoded);
	/*
	 * A 64-bit BAR sized half by half may pass through a valid address
	 * (low all-ones, old high dword) but never stays at all-ones; the
	 * fake's bar_map asserts each mapping lies in a window.
	 */
	wr(0x18, 4, 0xffffffff);
	wr(0x1c, 4, 0xffffffff);
	assert_false(fk.dev.bars[2].decoded);
	assert_false(fk.dev.bars[2].mapped);
	fk.nev = 0;
	/* Pointing BAR0 at RAM, the LAPIC or ECAM does not map it either. */
	wr(0x10, 4, 0x00100000);
	wr(0x10, 4, (uint32_t)LAYOUT_LAPIC_BASE);
	wr(0x10, 4, (uint32_t)LAYOUT_ECAM_BASE);
	/* The last page of the window: the BAR must fit whole. */
	wr(0x10, 4, LAYOUT_MMIO32_BASE + LAYOUT_MMIO32_SIZE - 0x1000);
	for (int i = 0; i < fk.nev - 1; i++)
		assert_int_not_equal(fk.ev[i].kind, EV_MAP);
	assert_int_equal(fk.ev[fk.nev - 1].kind, EV_MAP);
	/* Back home. */
	fk.nev = 0;
	wr(0x10, 4, bar0);
	assert_int_equal(fk.ev[fk.nev - 1].kind, EV_MAP);
	assert_int_equal(fk.ev[fk.nev - 1].addr, bar0);
}

static void cf8_out(uint32_t addr)
{
	uint8_t b[4];

	for (int i = 0; i < 4; i++)
		b[i] = (uint8_t)(addr >> (8 * i));
	pci_cf8_ops.write(&bus, 0, b, 4);
}

static uint32_t port_in(const struct io_ops *ops, void *opaque, uint64_t off,
			uint32_t len)
{
	uint8_t b[8];
	uint32_t v = 0;

	ops->read(opaque, off, b, len);
	for (uint32_t i = 0; i < len && i < 4; i++)
		v |= (uint32_t)b[i] << (8 * i);
	return v;
}

static void port_out(const struct io_ops *ops, void *opaque, uint64_t off,
		     uint32_t len, uint32_t v)
{
	uint8_t b[8] = { 0 };

	for (uint32_t i = 0; i < len && i < 4; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	ops->write(opaque, off, b, len);
}

static uint32_t cfg_addr(int slot, int fn, uint32_t reg)
{
	return 0x80000000u | (uint32_t)slot << 11 | (uint32_t)fn << 8 |
	       (reg & 0xfc);
}

static void test_cf8_and_ecam(void **state)
{
	uint64_t ecam = (uint64_t)DEVFN << 12;
	uint8_t b8[8];

	/* Linux's type 1 probe: the latch reads back. */
	cf8_out(0x80000000);
	assert_int_equal(port_in(&pci_cf8_ops, &bus, 0, 4), 0x80000000);

	cf8_out(cfg_addr(SLOT, 0, 0));
	assert_int_equal(port_in(&pci_cf8_ops, &bus, 4, 4), 0x56781234);
	assert_int_equal(port_in(&pci_cf8_ops, &bus, 6, 2), 0x5678);
	assert_int_equal(port_in(&pci_cf8_ops, &bus, 5, 1), 0x12);
	assert_int_equal(port_in(&pci_ecam_ops, &bus, ecam, 4), 0x56781234);

	/* Write through CF8, read through ECAM and back. */
	cf8_out(cfg_addr(SLOT, 0, 0x3c));
	port_out(&pci_cf8_ops, &bus, 4, 1, 0x42);
	assert_int_equal(port_in(&pci_ecam_ops, &bus, ecam + 0x3c, 1), 0x42);
	port_out(&pci_ecam_ops, &bus, ecam + 0x0c, 2, 0x2010);
	cf8_out(cfg_addr(SLOT, 0, 0x0c));
	assert_int_equal(port_in(&pci_cf8_ops, &bus, 4, 2), 0x2010);
	assert_int_equal(rd(0x0c, 2), 0x2010);

	/* ECAM 8-byte read returns two dwords. */
	pci_ecam_ops.read(&bus, ecam, b8, 8);
	assert_int_equal(b8[0], 0x34);
	assert_int_equal(b8[3], 0x56);
	assert_int_equal(b8[4], rd(4, 1));

	/* Enable bit clear, other buses, and absent functions: all-ones. */
	cf8_out(cfg_addr(SLOT, 0, 0) & ~0x80000000u);
	assert_int_equal(port_in(&pci_cf8_ops, &bus, 4, 4), 0xffffffff);
	cf8_out(cfg_addr(SLOT, 0, 0) | 1u << 16);
	assert_int_equal(port_in(&pci_cf8_ops, &bus, 4, 4), 0xffffffff);
	cf8_out(cfg_addr(SLOT, 2, 0));
	assert_int_equal(port_in(&pci_cf8_ops, &bus, 4, 4), 0xffffffff);
	assert_int_equal(port_in(&pci_ecam_ops, &bus, 1u << 20, 4), 0xffffffff);
	assert_int_equal(port_in(&pci_ecam_ops, &bus, PCI_DEVFN(9, 0) << 12, 2),
			 0xffff);
}

static void test_reset_port(void **state)
{
	port_out(&pci_cf8_ops, &bus, 1, 1, 0x02);
	assert_int_equal(stops, 0);
	port_out(&pci_cf8_ops, &bus, 1, 1, 0x06);
	assert_int_equal(stops, 1);
	assert_int_equal(stop_why, VM_STOP_RESET);
	/* A dword write at 0xcf8 is CONFIG_ADDRESS, not a reset. */
	cf8_out(0x80000004);
	assert_int_equal(stops, 1);
}

static void test_status_w1c(void **state)
{
	fk.dev.cfg[0x07] = 0x20 | 0x80; /* received master abort, parity */
	fk.dev.cfg[0x06] = 0x10; /* capabilities list (RO) */
	wr(0x06, 2, 0x2000);
	assert_int_equal(rd(0x06, 2), 0x8010);
	wr(0x04, 4, 0xffff0000); /* dword write clears all error bits */
	assert_int_equal(rd(0x06, 2), 0x0010);
	wr(0x04, 2, 0xffff);
	assert_int_equal(rd(0x04, 2), 0x0547);
}

static void test_window_dispatch(void **state)
{
	struct pci_window *w32 = &bus.win[PCI_WIN_MMIO32];
	struct pci_window *wio = &bus.win[PCI_WIN_IO];
	uint64_t bar0 = rd(0x10, 4) & ~0xfu, io = rd(0x14, 4) & ~3u;
	uint64_t bar4 = rd(0x20, 4) & ~0xfu;
	uint8_t b[8];

	/* Largest first: the ROM, then BAR4, then BAR0, back to back. */
	assert_int_equal(rd(0x30, 4), LAYOUT_MMIO32_BASE);
	assert_int_equal(bar4, LAYOUT_MMIO32_BASE + 0x10000);
	assert_int_equal(bar0, bar4 + 0x4000);

	/* Not decoded yet: all-ones, no device access. */
	assert_int_equal(port_in(&pci_window_ops, w32, bar0 - w32->base, 4),
			 0xffffffff);
	assert_int_equal(fk.nev, 0);

	wr(4, 2, 3);
	fk.nev = 0;
	assert_int_equal(
		port_in(&pci_window_ops, w32, bar0 - w32->base + 0x10, 4),
		0xb3b2b1b0);
	assert_int_equal(fk.nev, 1);
	assert_int_equal(fk.ev[0].kind, EV_BAR_READ);
	assert_int_equal(fk.ev[0].bar, 0);
	assert_int_equal(fk.ev[0].addr, 0x10);
	assert_int_equal(fk.ev[0].len, 4);

	port_out(&pci_window_ops, wio, io - wio->base + 4, 2, 0xbeef);
	assert_int_equal(fk.ev[1].kind, EV_BAR_WRITE);
	assert_int_equal(fk.ev[1].bar, 1);
	assert_int_equal(fk.ev[1].addr, 4);
	assert_int_equal(fk.ev[1].val, 0xbeef);

	/* Straddling the BAR end: clipped, the rest reads all-ones. */
	fk.nev = 0;
	pci_window_ops.read(w32, bar0 - w32->base + 0xffe, b, 8);
	assert_int_equal(b[0], (uint8_t)(0xa0 + 0xffe));
	assert_int_equal(b[1], (uint8_t)(0xa0 + 0xfff));
	for (int i = 2; i < 8; i++)
		assert_int_equal(b[i], 0xff);
	/* Straddling the start (below BAR4 is the disabled ROM). */
	pci_window_ops.read(w32, bar4 - w32->base - 2, b, 4);
	assert_int_equal(b[0], 0xff);
	assert_int_equal(b[1], 0xff);
	assert_int_equal(b[2], 0xa4);
	assert_int_equal(b[3], 0xa5);
	/* Nothing decoded there. */
	assert_int_equal(port_in(&pci_window_ops, w32, 0x1ff00000, 4),
			 0xffffffff);
	/* The I/O window never reaches memory BARs. */
	fk.nev = 0;
	assert_int_equal(port_in(&pci_window_ops, wio, 0x3000, 4), 0xffffffff);
	assert_int_equal(fk.nev, 0);
}

static void test_map_failure_traps(void **state)
{
	struct pci_window *w32 = &bus.win[PCI_WIN_MMIO32];
	uint64_t bar0 = rd(0x10, 4) & ~0xfu;

	fk.map_ret = -EEXIST;
	wr(4, 2, 2);
	assert_true(fk.dev.bars[0].decoded);
	assert_false(fk.dev.bars[0].mapped);
	fk.nev = 0;
	assert_int_equal(port_in(&pci_window_ops, w32, bar0 - w32->base, 1),
			 0xa0);
	assert_int_equal(fk.ev[0].kind, EV_BAR_READ);
	/* Not mapped, so not unmapped either (fake_bar_unmap checks). */
	wr(4, 2, 0);
	fk.map_ret = 0;
}

static void test_enospc(void **state)
{
	static struct pci_dev big;
	struct pv_error err = { { 0 } };
	uint64_t next = bus.win[PCI_WIN_MMIO32].next;

	pci_dev_init(&big, "big", 0x1234, 0x1, 0x030000, PCI_CFG_EXP_SIZE, NULL,
		     NULL);
	assert_int_equal(
		pci_dev_set_bar(&big, 0, PCI_BAR_MEM32, false, 1ull << 30), 0);
	assert_int_equal(pci_bus_add(&bus, &big, -1, &err), -ENOSPC);
	assert_non_null(strstr(err.msg, "BAR0"));
	assert_non_null(strstr(err.msg, "0x40000000"));
	assert_non_null(strstr(err.msg, "32-bit MMIO"));
	assert_non_null(strstr(err.msg, "big"));
	assert_int_equal(bus.win[PCI_WIN_MMIO32].next, next);
	assert_int_equal(pci_cfg_read(&bus, PCI_DEVFN(1, 0), 0, 4), 0xffffffff);

	/* Slot taken, bad slot. */
	assert_int_equal(pci_dev_set_bar(&big, 0, PCI_BAR_MEM32, false, 0), 0);
	assert_int_equal(pci_bus_add(&bus, &big, SLOT, &err), -EBUSY);
	assert_int_equal(pci_bus_add(&bus, &big, 32, &err), -EINVAL);
	/* A 2 GiB prefetchable MEM64 falls back to... nothing fits. */
	assert_int_equal(
		pci_dev_set_bar(&big, 0, PCI_BAR_MEM64, true, 1ull << 40), 0);
	assert_int_equal(pci_bus_add(&bus, &big, -1, &err), -ENOSPC);
	assert_non_null(strstr(err.msg, "BAR0"));

	/* Extended config space reads 0 past 256 on a 4 KiB device. */
	assert_int_equal(pci_dev_set_bar(&big, 0, PCI_BAR_NONE, false, 0), 0);
	assert_int_equal(pci_bus_add(&bus, &big, -1, &err), 0);
	assert_int_equal(big.devfn, PCI_DEVFN(1, 0));
	assert_int_equal(pci_cfg_read(&bus, big.devfn, 0x100, 4), 0);
	big.cfg[0x100] = 0x01;
	assert_int_equal(pci_cfg_read(&bus, big.devfn, 0x100, 4), 1);
	pci_bus_remove(&bus, &big);
	assert_int_equal(pci_cfg_read(&bus, PCI_DEVFN(1, 0), 0, 4), 0xffffffff);
}

static void test_set_bar_errors(void **state)
{
	static struct pci_dev d;

	pci_dev_init(&d, "d", 1, 2, 0, PCI_CFG_SIZE, NULL, NULL);
	assert_int_equal(pci_dev_set_bar(&d, 7, PCI_BAR_MEM32, false, 4096),
			 -EINVAL);
	assert_int_equal(pci_dev_set_bar(&d, 0, PCI_BAR_MEM32, false, 3000),
			 -EINVAL);
	assert_int_equal(pci_dev_set_bar(&d, 5, PCI_BAR_MEM64, false, 4096),
			 -EINVAL);
	assert_int_equal(pci_dev_set_bar(&d, 0, PCI_BAR_ROM, false, 4096),
			 -EINVAL);
	assert_int_equal(pci_dev_set_bar(&d, 2, PCI_BAR_MEM64, false, 4096), 0);
	assert_int_equal(pci_dev_set_bar(&d, 3, PCI_BAR_IO, false, 16),
			 -EINVAL);
	assert_int_equal(pci_dev_set_bar(&d, 2, PCI_BAR_IO, false, 16), 0);
	assert_int_equal(pci_dev_set_bar(&d, 3, PCI_BAR_IO, false, 16), 0);
}

/*
 * A read handler with a length the bus never passes (0, more than 8)
 * returns at once: it must not write a byte of the caller's buffer.
 */
static void test_read_len_checked_first(void **state)
{
	const uint32_t lens[] = { 0, 9, 16 };
	uint8_t b[32];

	wr(4, 2, 3);
	for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
		memset(b, 0x5a, sizeof(b));
		pci_cf8_ops.read(&bus, 4, b, lens[k]);
		pci_ecam_ops.read(&bus, 0, b, lens[k]);
		pci_window_ops.read(&bus.win[PCI_WIN_MMIO32], 0, b, lens[k]);
		pci_window_ops.read(&bus.win[PCI_WIN_IO], 0, b, lens[k]);
		for (size_t i = 0; i < sizeof(b); i++)
			assert_int_equal(b[i], 0x5a);
	}
}

static bool mapped_at(int bar, uint64_t addr)
{
	return fk.dev.bars[bar].mapped && fk.dev.bars[bar].addr == addr;
}

/*
 * Two BARs of one device on top of each other: neither is mapped, both
 * still decode (and trap); apart again, both are mapped.
 */
static void test_overlapping_bars_not_mapped(void **state)
{
	uint32_t bar0 = rd(0x10, 4) & ~0xfu, bar4 = rd(0x20, 4) & ~0xfu;
	uint32_t away = LAYOUT_MMIO32_BASE + 0x10000000;

	wr(4, 2, 2);
	assert_true(mapped_at(0, bar0) && mapped_at(4, bar4));
	fk.nev = 0;
	wr(0x20, 4, bar0); /* BAR4 (16 KiB) over BAR0 (4 KiB) */
	assert_false(fk.dev.bars[0].mapped);
	assert_false(fk.dev.bars[4].mapped);
	assert_true(fk.dev.bars[0].decoded && fk.dev.bars[4].decoded);
	for (int i = 0; i < fk.nev; i++)
		assert_int_not_equal(fk.ev[i].kind, EV_MAP);
	assert_int_equal(port_in(&pci_window_ops, &bus.win[PCI_WIN_MMIO32],
				 bar0 - LAYOUT_MMIO32_BASE, 1),
			 0xa0);
	/* Decode off and on again: still refused. */
	wr(4, 2, 0);
	wr(4, 2, 2);
	assert_false(fk.dev.bars[0].mapped || fk.dev.bars[4].mapped);
	/* BAR0 moves away: both are mapped again. */
	wr(0x10, 4, away);
	assert_true(mapped_at(0, away));
	assert_true(mapped_at(4, bar0));
}

/* BARs of two devices over each other: the same rule. */
static void test_overlap_across_devices(void **state)
{
	static struct fake other;
	struct pv_error err = { { 0 } };
	uint32_t bar0 = rd(0x10, 4) & ~0xfu;

	memset(&other, 0, sizeof(other));
	pci_dev_init(&other.dev, "other", 0x1234, 0x1111, 0x020000,
		     PCI_CFG_SIZE, &fake_ops, &other);
	assert_int_equal(
		pci_dev_set_bar(&other.dev, 0, PCI_BAR_MEM32, false, 0x1000),
		0);
	assert_int_equal(pci_bus_add(&bus, &other.dev, SLOT + 1, &err), 0);
	wr(4, 2, 2);
	pci_cfg_write(&bus, other.dev.devfn, 4, 2, 2);
	assert_true(fk.dev.bars[0].mapped && other.dev.bars[0].mapped);
	pci_cfg_write(&bus, other.dev.devfn, 0x10, 4, bar0);
	assert_false(fk.dev.bars[0].mapped);
	assert_false(other.dev.bars[0].mapped);
	/* The other device leaves the bus: ours is mapped again. */
	pci_bus_remove(&bus, &other.dev);
	assert_true(mapped_at(0, bar0));
}

/* Reserved ranges (RAM, MSI, ECAM... as the VMM says) are never mapped. */
static void test_reserved_ranges(void **state)
{
	uint32_t bar0 = rd(0x10, 4) & ~0xfu, io = rd(0x14, 4) & ~3u;
	uint64_t r = LAYOUT_MMIO32_BASE + 0x08000000;

	assert_int_equal(pci_bus_reserve(&bus, false, r, 0x2000, "thing"), 0);
	assert_int_equal(pci_bus_reserve(&bus, true, io + 0x100, 8, "port"), 0);
	assert_int_equal(pci_bus_reserve(&bus, false, r, 0, "empty"), -EINVAL);
	wr(4, 2, 3);
	assert_true(mapped_at(0, bar0));
	assert_true(mapped_at(1, io));
	wr(0x10, 4, (uint32_t)r + 0x1000);
	assert_true(fk.dev.bars[0].decoded);
	assert_false(fk.dev.bars[0].mapped);
	/* The same addresses in the other space do not count. */
	wr(0x14, 4, (uint32_t)(r & 0xffff) | 1);
	wr(0x14, 4, (io + 0x100) | 1);
	assert_false(fk.dev.bars[1].mapped);
	wr(0x10, 4, bar0);
	wr(0x14, 4, io | 1);
	assert_true(mapped_at(0, bar0) && mapped_at(1, io));
	while (bus.nr_resv < PCI_MAX_RESERVED)
		assert_int_equal(pci_bus_reserve(&bus, false, 0, 1, "x"), 0);
	assert_int_equal(pci_bus_reserve(&bus, false, 0, 1, "x"), -ENOSPC);
}

/* The lines on stderr that contain @what while @fn runs. */
static void flip_overlap_many_times(void)
{
	uint32_t bar0 = rd(0x10, 4) & ~0xfu, bar4 = rd(0x20, 4) & ~0xfu;

	wr(4, 2, 2);
	for (int i = 0; i < 200; i++) {
		wr(0x20, 4, bar0);
		wr(0x20, 4, bar4);
	}
}

/* A guest repeating a refused layout gets one warning per BAR, not 400. */
static void test_overlap_warning_once_per_bar(void **state)
{
	assert_int_equal(stderr_lines(flip_overlap_many_times, "overlaps"), 2);
	assert_true(fk.dev.bars[4].mapped);
}

static void fail_then_succeed(void)
{
	uint32_t bar0 = rd(0x10, 4) & ~0xfu;

	fk.map_ret = -EEXIST;
	for (int i = 0; i < 50; i++) {
		wr(4, 2, 2);
		wr(4, 2, 0);
	}
	wr(4, 2, 2);
	assert_false(fk.dev.bars[4].mapped);
	/* It works now: the next change of the bus retries every BAR. */
	fk.map_ret = 0;
	wr(0x10, 4, bar0 + 0x1000);
	fk.map_ret = 0;
}

/* A failed bar_map is warned about once and retried, not left trapped. */
static void test_failed_map_retried(void **state)
{
	assert_int_equal(stderr_lines(fail_then_succeed, "failed"), 3);
	assert_true(fk.dev.bars[0].mapped);
	assert_true(fk.dev.bars[2].mapped);
	assert_true(fk.dev.bars[4].mapped);
}

static uint32_t rnd(void)
{
	static uint64_t s = 0x9e3779b97f4a7c15ull;

	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	return (uint32_t)s;
}

static void check_invariants(void)
{
	for (int i = 0; i <= PCI_ROM_SLOT; i++) {
		const struct pci_bar *b = &fk.dev.bars[i];

		if (b->mapped)
			assert_true(b->decoded);
	}
}

static void test_fuzz(void **state)
{
	static const uint32_t lens[] = { 1, 2, 4, 8, 3, 0 };
	uint8_t buf[16];

	fk.strict = true;
	for (int it = 0; it < 200000; it++) {
		uint32_t r = rnd(), len = lens[rnd() % 6];
		uint32_t v = rnd();

		for (int i = 0; i < 8; i++)
			buf[i] = (uint8_t)rnd();
		switch (r % 8) {
		case 0: /* config write to our device, biased to the header */
			wr(rnd() % 0x40, len, (rnd() & 1) ? v : 0xffffffff);
			break;
		case 1:
			port_out(&pci_ecam_ops, &bus, rnd() % (1u << 21), len,
				 v);
			break;
		case 2:
			cf8_out(rnd() & 1 ? cfg_addr(SLOT, 0, rnd()) : rnd());
			pci_cf8_ops.write(&bus, 4 + rnd() % 4, buf,
					  len > 4 ? 4 : len);
			break;
		case 3:
			pci_cf8_ops.read(&bus, rnd() % 8, buf, len);
			pci_ecam_ops.read(&bus, rnd() % (1u << 21), buf, len);
			break;
		case 4:
		case 5: {
			struct pci_window *w = &bus.win[rnd() % PCI_WIN_NR];
			uint64_t off = w->size ? rnd() % w->size : rnd();

			if (rnd() & 1) {
				/* aim at a BAR */
				const struct pci_bar *b =
					&fk.dev.bars[rnd() % 7];

				if (b->decoded && b->addr >= w->base)
					off = b->addr - w->base + b->size -
					      rnd() % 8;
			}
			if (r & 0x100)
				pci_window_ops.read(w, off, buf, len);
			else
				pci_window_ops.write(w, off, buf, len);
			break;
		}
		case 6: /* rapid decode toggles */
			wr(4, 2, rnd() & 7);
			break;
		case 7: /* move BARs around the window */
			wr(0x10 + 4 * (rnd() % 7), 4,
			   (uint32_t)LAYOUT_MMIO32_BASE + (rnd() & 0x1ffff000));
			break;
		}
		check_invariants();
	}
	fk.strict = false;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_host_bridge, setup),
		cmocka_unit_test_setup(test_absent_all_ones, setup),
		cmocka_unit_test_setup(test_bar_sizing_masks, setup),
		cmocka_unit_test_setup(test_allocation, setup),
		cmocka_unit_test_setup(test_decode_ordering, setup),
		cmocka_unit_test_setup(test_enable_decode, setup),
		cmocka_unit_test_setup(test_enable_decode_vga, setup),
		cmocka_unit_test_setup(test_sizing_never_mapped, setup),
		cmocka_unit_test_setup(test_cf8_and_ecam, setup),
		cmocka_unit_test_setup(test_reset_port, setup),
		cmocka_unit_test_setup(test_status_w1c, setup),
		cmocka_unit_test_setup(test_window_dispatch, setup),
		cmocka_unit_test_setup(test_map_failure_traps, setup),
		cmocka_unit_test_setup(test_enospc, setup),
		cmocka_unit_test(test_set_bar_errors),
		cmocka_unit_test_setup(test_read_len_checked_first, setup),
		cmocka_unit_test_setup(test_overlapping_bars_not_mapped, setup),
		cmocka_unit_test_setup(test_overlap_across_devices, setup),
		cmocka_unit_test_setup(test_reserved_ranges, setup),
		cmocka_unit_test_setup(test_overlap_warning_once_per_bar,
				       setup),
		cmocka_unit_test_setup(test_failed_map_retried, setup),
		cmocka_unit_test_setup(test_fuzz, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
