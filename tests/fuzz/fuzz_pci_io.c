// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz harness: the PCI core's bus handlers (devices/pci_io.c: CF8/CFC,
 * ECAM, trapped BAR accesses in the windows) and the decode and mapping
 * logic behind them (devices/pci.c, pci_decode.c), with up to four
 * emulated devices whose BARs, windows and reserved ranges the input
 * chooses. The handlers are called directly with every length from 0 to
 * 16 (the VMM's bus passes 1 to 8; each handler must check for itself).
 *
 * Input: u8 mode (bit 0 trace, bit 1 decode on at start); the windows:
 * u16 I/O base, u16 I/O size, u32 MMIO32 base, u32 MMIO32 size, u16
 * MMIO64 base (GiB), u8 MMIO64 size (log2, 0 none); u8 reserved ranges
 * (% 8), each u8 kind (bit 0 I/O), u64 base, u32 size; u8 devices (% 4 +
 * 1), each u16 vendor, u8 flags (bit 0 4 KiB config space, bit 1 its
 * cfg_read reads another device, bits 4-7 INTx pin), then seven BARs
 * (0-5, ROM) as u8 type (% 5: none, I/O, mem32, mem64, ROM; bit 3
 * prefetchable), u8 log2 size; then steps (u8 op and its arguments, see
 * step()).
 *
 * Invariants after every step: pci_check_bus(); what each device was told
 * (bar_map/bar_unmap) is what the core says is mapped, never mapped
 * twice, never unmapped when not mapped; a device's config callbacks get
 * 1, 2 or 4 bytes inside one dword of its config space; its BAR handlers
 * get 1 to 8 bytes inside the BAR; reads write only the bytes asked for;
 * a removed device has nothing mapped; INTx routing follows the slot and
 * pin (the _PRT of firmware/dsdt.asl).
 */
/* FUZZ-TARGETS: devices/pci.c devices/pci_decode.c devices/pci_io.c */
/* FUZZ-OPTIONS: -max_len=4096 */
#include <errno.h>
#include <string.h>

#include "devices/pci.h"
#include "fuzz.h"
#include "pci_check.h"
#include "util/range.h"

#define NDEV 4

struct fdev {
	struct pci_dev pdev;
	bool on_bus, peek;
	bool mapped[PCI_NUM_BARS + 1];
	uint64_t at[PCI_NUM_BARS + 1];
	uint8_t fail_map; /* bar_map of these BARs fails */
	uint8_t mem[64];
};

static struct pci_bus bus;
static struct fdev devs[NDEV];
static unsigned int ndev;

static struct fdev *fdev_of(struct pci_dev *d)
{
	return d->opaque;
}

FZ_NOCOV static void check_cfg_args(struct pci_dev *d, uint32_t off,
				    uint32_t len)
{
	FZ_CHECK((len == 1 || len == 2 || len == 4) && (off & 3) + len <= 4 &&
			 off < d->cfg_size,
		 "%s: config callback at 0x%x, %u bytes", d->name, off, len);
}

static void dev_cfg_read(struct pci_dev *d, uint32_t off, uint32_t len,
			 uint32_t *val)
{
	static int depth;
	struct fdev *f = fdev_of(d);

	check_cfg_args(d, off, len);
	/* A callback may call back into the bus (the lock is recursive). */
	if (f->peek && !depth) {
		depth++;
		*val ^= pci_cfg_read(&bus, devs[0].pdev.devfn, off & ~3u, 4) &
			0x00ff0000u;
		depth--;
	}
}

static void dev_cfg_write(struct pci_dev *d, uint32_t off, uint32_t len,
			  uint32_t val)
{
	check_cfg_args(d, off, len);
	FZ_CHECK(!(val & ~(len >= 4 ? ~0u : (1u << (8 * len)) - 1)),
		 "%s: %u-byte write of 0x%x", d->name, len, val);
}

FZ_NOCOV static void check_bar_args(struct pci_dev *d, int bar, uint64_t off,
				    uint32_t len)
{
	FZ_CHECK(bar >= 0 && bar <= PCI_ROM_SLOT && len >= 1 && len <= 8 &&
			 d->bars[bar].decoded &&
			 range_contains(0, d->bars[bar].size, off, len),
		 "%s: BAR%d access at 0x%llx, %u bytes (size 0x%llx)", d->name,
		 bar, (unsigned long long)off, len,
		 (unsigned long long)d->bars[bar].size);
}

static void dev_bar_read(struct pci_dev *d, int bar, uint64_t off,
			 uint8_t *data, uint32_t len)
{
	check_bar_args(d, bar, off, len);
	for (uint32_t i = 0; i < len; i++)
		data[i] = fdev_of(d)->mem[(off + i) % 64];
}

static void dev_bar_write(struct pci_dev *d, int bar, uint64_t off,
			  const uint8_t *data, uint32_t len)
{
	check_bar_args(d, bar, off, len);
	for (uint32_t i = 0; i < len; i++)
		fdev_of(d)->mem[(off + i) % 64] = data[i];
}

static int dev_bar_map(struct pci_dev *d, int bar, uint64_t addr)
{
	struct fdev *f = fdev_of(d);

	FZ_CHECK(bar >= 0 && bar <= PCI_ROM_SLOT, "bar_map of BAR%d", bar);
	FZ_CHECK(!f->mapped[bar], "%s: BAR%d mapped twice (0x%llx, 0x%llx)",
		 d->name, bar, (unsigned long long)f->at[bar],
		 (unsigned long long)addr);
	FZ_CHECK(d->bars[bar].decoded && d->bars[bar].addr == addr,
		 "%s: BAR%d mapped at 0x%llx, decoded %d at 0x%llx", d->name,
		 bar, (unsigned long long)addr, d->bars[bar].decoded,
		 (unsigned long long)d->bars[bar].addr);
	if (f->fail_map & (1u << bar))
		return -EBUSY;
	f->mapped[bar] = true;
	f->at[bar] = addr;
	return 0;
}

static void dev_bar_unmap(struct pci_dev *d, int bar, uint64_t addr)
{
	struct fdev *f = fdev_of(d);

	FZ_CHECK(bar >= 0 && bar <= PCI_ROM_SLOT && f->mapped[bar] &&
			 f->at[bar] == addr,
		 "%s: BAR%d unmapped at 0x%llx, mapped %d at 0x%llx", d->name,
		 bar, (unsigned long long)addr, f->mapped[bar],
		 (unsigned long long)f->at[bar]);
	f->mapped[bar] = false;
}

static const struct pci_dev_ops dev_ops = {
	.cfg_read = dev_cfg_read,
	.cfg_write = dev_cfg_write,
	.bar_read = dev_bar_read,
	.bar_write = dev_bar_write,
	.bar_map = dev_bar_map,
	.bar_unmap = dev_bar_unmap,
};

FZ_NOCOV static void check_all(void)
{
	pci_check_bus(&bus);
	for (unsigned int k = 0; k < ndev; k++) {
		struct fdev *f = &devs[k];
		unsigned int slot = f->pdev.devfn >> 3;
		uint8_t pin = f->pdev.cfg[PCI_INTERRUPT_PIN];

		for (int i = 0; i <= PCI_ROM_SLOT; i++) {
			FZ_CHECK(f->mapped[i] ==
					 (f->on_bus && f->pdev.bars[i].mapped),
				 "%s BAR%d: device told %s, core says %s",
				 f->pdev.name, i,
				 f->mapped[i] ? "mapped" : "unmapped",
				 f->pdev.bars[i].mapped ? "mapped" :
							  "unmapped");
			FZ_CHECK(!f->mapped[i] ||
					 f->at[i] == f->pdev.bars[i].addr,
				 "%s BAR%d mapped at 0x%llx, decoded at 0x%llx",
				 f->pdev.name, i, (unsigned long long)f->at[i],
				 (unsigned long long)f->pdev.bars[i].addr);
		}
		if (!f->on_bus)
			continue;
		FZ_CHECK(pin <= 4, "%s: INTx pin %u", f->pdev.name, pin);
		FZ_CHECK(f->pdev.intx_gsi ==
				 (pin ? 16 + (slot + pin - 1) % 8 : 0),
			 "%s slot %u pin %u on gsi %u", f->pdev.name, slot, pin,
			 f->pdev.intx_gsi);
	}
}

/* ------------------------------------------------------------------ */

static const uint32_t lens[8] = { 1, 2, 4, 8, 0, 3, 9, 16 };

/* A read through @ops of @len bytes: nothing past min(@len, 8) written. */
FZ_NOCOV static uint64_t rd(const struct io_ops *ops, void *opaque,
			    uint64_t off, uint32_t len)
{
	uint8_t buf[24];
	uint32_t room = len <= 8 ? len : 0;
	uint64_t v = 0;

	memset(buf, 0xa5, sizeof(buf));
	ops->read(opaque, off, buf, len);
	for (uint32_t i = room; i < sizeof(buf); i++)
		FZ_CHECK(buf[i] == 0xa5,
			 "a %u-byte read at 0x%llx wrote byte %u", len,
			 (unsigned long long)off, i);
	memcpy(&v, buf, room);
	return v;
}

static void wr(const struct io_ops *ops, void *opaque, uint64_t off,
	       uint32_t len, uint64_t v)
{
	uint8_t buf[24];

	memset(buf, 0x5a, sizeof(buf));
	memcpy(buf, &v, 8);
	ops->write(opaque, off, buf, len);
}

static struct fdev *pick(uint8_t sel)
{
	return &devs[sel % ndev];
}

static uint32_t bar_reg(int i)
{
	return i == PCI_ROM_SLOT ? PCI_ROM_ADDRESS :
				   PCI_BASE_ADDRESS_0 + 4u * (uint32_t)i;
}

static void cfg_w(struct fdev *f, uint32_t reg, uint32_t len, uint32_t v)
{
	wr(&pci_ecam_ops, &bus, ((uint64_t)f->pdev.devfn << 12) | reg, len, v);
}

static void bar_move(struct fz *in)
{
	struct fdev *f = pick(fz_u8(in));
	uint8_t sel = fz_u8(in), mode = fz_u8(in);
	int i = sel % 7;
	uint32_t reg = bar_reg(i);
	uint64_t v = fz_u64(in), size = f->pdev.bars[i].size;
	const struct pci_window *w;
	struct fdev *o;

	if (!size)
		size = 16;
	switch (mode % 4) {
	case 0: /* aligned, inside a window */
		w = &bus.win[(mode >> 2) % PCI_WIN_NR];
		v = w->base +
		    (w->size / size ? v % (w->size / size) : 0) * size;
		break;
	case 1: /* where another BAR is */
		o = pick((uint8_t)(v >> 8));
		v = o->pdev.bars[v % 7].addr;
		break;
	case 2: /* a reserved range */
		if (bus.nr_resv)
			v = bus.resv[v % bus.nr_resv].base;
		break;
	default:
		break;
	}
	if (i == PCI_ROM_SLOT && (mode & 16))
		v |= PCI_ROM_ADDRESS_ENABLE;
	cfg_w(f, reg, 4, (uint32_t)v);
	if (f->pdev.bars[i].type == PCI_BAR_MEM64)
		cfg_w(f, reg + 4, 4, (uint32_t)(v >> 32));
}

static void window_access(struct fz *in, bool write)
{
	struct pci_window *w = &bus.win[fz_u8(in) % PCI_WIN_NR];
	uint8_t mode = fz_u8(in);
	uint32_t len = lens[fz_u8(in) % 8];
	uint64_t off = fz_u64(in), v = fz_u64(in);

	if (mode & 1) { /* at a BAR of a device, near its start or end */
		struct fdev *f = pick(mode >> 1);
		const struct pci_bar *b = &f->pdev.bars[(mode >> 4) % 7];

		off = b->addr - w->base +
		      (mode & 0x80 ? b->size - off % 16 : off % (b->size + 1));
	}
	if (write)
		wr(&pci_window_ops, w, off, len, v);
	else
		rd(&pci_window_ops, w, off, len);
}

static void remove_dev(struct fdev *f)
{
	if (!f->on_bus)
		return;
	pci_bus_remove(&bus, &f->pdev);
	f->on_bus = false;
	for (int i = 0; i <= PCI_ROM_SLOT; i++)
		FZ_CHECK(!f->mapped[i], "%s removed with BAR%d mapped",
			 f->pdev.name, i);
}

static void add_dev(struct fdev *f, int slot)
{
	struct pv_error err;

	if (f->on_bus)
		return;
	f->on_bus = !pci_bus_add(&bus, &f->pdev, slot, &err);
}

static void step(struct fz *in)
{
	uint8_t op = fz_u8(in) % 14, sel;
	uint32_t len;
	uint64_t v;

	switch (op) {
	case 0: /* CONFIG_ADDRESS: a device's register, or anything */
		sel = fz_u8(in);
		v = fz_u32(in);
		if (!(sel & 1))
			v = 0x80000000u |
			    (uint32_t)pick(sel >> 1)->pdev.devfn << 8 |
			    (v & 0xfc);
		wr(&pci_cf8_ops, &bus, 0, 4, v);
		break;
	case 1:
	case 2: /* 0xcf8..0xcff (and past it), every length */
		sel = fz_u8(in);
		len = lens[fz_u8(in) % 8];
		v = fz_u32(in);
		if (op == 1) {
			uint32_t latch = bus.cf8;

			v = rd(&pci_cf8_ops, &bus, sel % 10, len);
			if (sel % 10 == 0 && len == 4)
				FZ_CHECK(v == latch,
					 "CONFIG_ADDRESS reads 0x%llx",
					 (unsigned long long)v);
		} else {
			wr(&pci_cf8_ops, &bus, sel % 10, len, v);
		}
		break;
	case 3:
	case 4: /* ECAM: any function, any register, past bus 0 too */
		sel = fz_u8(in);
		v = fz_u32(in);
		len = lens[fz_u8(in) % 8];
		if (!(sel & 1))
			v = ((uint64_t)pick(sel >> 1)->pdev.devfn << 12) |
			    (v & 0xfff);
		else
			v &= 0x3fffff;
		if (op == 3)
			rd(&pci_ecam_ops, &bus, v, len);
		else
			wr(&pci_ecam_ops, &bus, v, len, fz_u32(in));
		break;
	case 5:
	case 6:
		window_access(in, op == 6);
		break;
	case 7:
		bar_move(in);
		break;
	case 8: /* decode toggles */
		sel = fz_u8(in);
		cfg_w(pick(sel), PCI_COMMAND, 2, fz_u16(in));
		break;
	case 9:
		pci_bus_enable_decode(&bus);
		break;
	case 10:
		remove_dev(pick(fz_u8(in)));
		break;
	case 11:
		sel = fz_u8(in);
		add_dev(pick(sel), sel & 0x80 ? -1 : (int)(sel >> 2) % 33);
		break;
	case 12:
		sel = fz_u8(in);
		pick(sel)->fail_map = fz_u8(in);
		break;
	default: /* sizing: all ones, read back, restore */ {
		struct fdev *f = pick(fz_u8(in));
		uint32_t reg = bar_reg(fz_u8(in) % 7),
			 old = pci_cfg_get(&f->pdev, reg, 4);

		cfg_w(f, reg, 4, 0xffffffff);
		rd(&pci_ecam_ops, &bus, ((uint64_t)f->pdev.devfn << 12) | reg,
		   4);
		cfg_w(f, reg, 4, old);
		break;
	}
	}
}

static void setup(struct fz *in)
{
	static const enum pci_bar_type types[5] = { PCI_BAR_NONE, PCI_BAR_IO,
						    PCI_BAR_MEM32,
						    PCI_BAR_MEM64,
						    PCI_BAR_ROM };
	uint64_t io_base = fz_u16(in), io_size = fz_u16(in);
	uint64_t m32_base = fz_u32(in), m32_size = fz_u32(in);
	uint64_t m64_base = (uint64_t)fz_u16(in) << 30;
	unsigned int m64_log = fz_u8(in) % 48, nresv;

	pci_bus_init(&bus, io_base, io_size, m32_base, m32_size, m64_base,
		     m64_log ? 1ull << m64_log : 0, NULL);
	nresv = fz_u8(in) % 8;
	for (unsigned int k = 0; k < nresv; k++) {
		bool io = fz_u8(in) & 1;
		uint64_t base = fz_u64(in);

		pci_bus_reserve(&bus, io, base, fz_u32(in), "reserved");
	}
	ndev = fz_u8(in) % NDEV + 1;
	for (unsigned int k = 0; k < ndev; k++) {
		struct fdev *f = &devs[k];
		uint16_t vendor = fz_u16(in);
		uint8_t fl = fz_u8(in);
		char name[8];

		memset(f, 0, sizeof(*f));
		snprintf(name, sizeof(name), "dev%u", k);
		pci_dev_init(&f->pdev, name, vendor, 0x1000 + k, 0x058000,
			     fl & 1 ? PCI_CFG_EXP_SIZE : PCI_CFG_SIZE, &dev_ops,
			     f);
		f->peek = fl & 2;
		f->pdev.cfg[PCI_INTERRUPT_PIN] = fl >> 4;
		for (int i = 0; i <= PCI_ROM_SLOT; i++) {
			uint8_t t = fz_u8(in), lg = fz_u8(in) % 64;

			pci_dev_set_bar(&f->pdev, i, types[(t & 7) % 5], t & 8,
					1ull << lg);
		}
		add_dev(f, -1);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in;
	uint8_t mode;

	fz_init(&in, data, size);
	mode = fz_u8(&in);
	fuzz_trace(mode & 1);
	setup(&in);
	if (mode & 2)
		pci_bus_enable_decode(&bus);
	check_all();
	while (!fz_done(&in)) {
		step(&in);
		check_all();
	}
	for (unsigned int k = 0; k < ndev; k++)
		remove_dev(&devs[k]);
	check_all();
	pthread_mutex_destroy(&bus.lock);
	return 0;
}
