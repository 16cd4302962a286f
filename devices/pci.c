// SPDX-License-Identifier: GPL-2.0
/*
 * PCI bus 0: host bridge, config space (CF8/CFC and ECAM), BAR sizing,
 * decode tracking and trapped BAR dispatch. The contract is devices/pci.h.
 *
 * Specs: PCI Local Bus 3.0 §3.2.2.3.2 (configuration mechanism #1),
 * §6.1 (header), §6.2.2 (command), §6.2.3 (status), §6.2.5 (BARs and the
 * expansion ROM BAR); PCIe Base 4.0 §7.2.2 (ECAM).
 */
#include "devices/pci.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_STATUS 0x06
#define PCI_CLASS_PROG 0x09
#define PCI_CACHE_LINE_SIZE 0x0c
#define PCI_LATENCY_TIMER 0x0d
#define PCI_HEADER_TYPE 0x0e
#define PCI_BASE_ADDRESS_0 0x10
#define PCI_ROM_ADDRESS 0x30
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN 0x3d

#define CMD_IO 0x0001
#define CMD_MEM 0x0002
#define CMD_MASTER 0x0004
#define CMD_PARITY 0x0040
#define CMD_SERR 0x0100
#define CMD_INTX_DISABLE 0x0400
#define CMD_WMASK                                                \
	(CMD_IO | CMD_MEM | CMD_MASTER | CMD_PARITY | CMD_SERR | \
	 CMD_INTX_DISABLE)

/* Status error bits, all RW1C (PCI 3.0 §6.2.3). */
#define STS_W1C_MASK 0xf900

#define BAR_IO_FLAG 0x1u
#define BAR_MEM64_FLAG 0x4u
#define BAR_PREFETCH_FLAG 0x8u
#define ROM_ENABLE 0x1u
#define ROM_ADDR_MASK 0xfffff800u

#define CF8_ENABLE 0x80000000u
#define CF8_KEEP 0x80fffffcu /* reserved bits 30:24 and 1:0 read 0 */
#define RESET_CTL_RCPU 0x04 /* 0xcf9 bit 2: reset CPU */

#define MEM_BAR_MIN_ALIGN 4096ull

static const char *const win_names[PCI_WIN_NR] = {
	[PCI_WIN_IO] = "I/O",
	[PCI_WIN_MMIO32] = "32-bit MMIO",
	[PCI_WIN_MMIO64] = "64-bit MMIO",
};

static uint32_t all_ones(uint32_t len)
{
	return len >= 4 ? 0xffffffffu : (1u << (8 * len)) - 1;
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

static void put_le(uint8_t *data, uint32_t len, uint64_t v)
{
	for (uint32_t i = 0; i < len; i++)
		data[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *data, uint32_t len)
{
	uint64_t v = 0;

	for (uint32_t i = 0; i < len; i++)
		v |= (uint64_t)data[i] << (8 * i);
	return v;
}

static void set_mask(uint8_t *mask, uint32_t off, uint32_t len, uint32_t val)
{
	for (uint32_t i = 0; i < len; i++)
		mask[off + i] = (uint8_t)(val >> (8 * i));
}

static void bdf_str(const struct pci_dev *d, char *buf, size_t n)
{
	snprintf(buf, n, "00:%02x.%x", d->devfn >> 3, d->devfn & 7);
}

void pci_dev_init(struct pci_dev *d, const char *name, uint16_t vendor,
		  uint16_t device, uint32_t class_code, uint32_t cfg_size,
		  const struct pci_dev_ops *ops, void *opaque)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", name ? name : "pci");
	d->ops = ops;
	d->opaque = opaque;
	d->cfg_size =
		cfg_size == PCI_CFG_EXP_SIZE ? PCI_CFG_EXP_SIZE : PCI_CFG_SIZE;

	pci_cfg_set(d, PCI_VENDOR_ID, 2, vendor);
	pci_cfg_set(d, PCI_DEVICE_ID, 2, device);
	pci_cfg_set(d, PCI_CLASS_PROG, 3, class_code & 0xffffff);
	d->cfg[PCI_HEADER_TYPE] = 0x00;

	set_mask(d->wmask, PCI_COMMAND, 2, CMD_WMASK);
	set_mask(d->w1cmask, PCI_STATUS, 2, STS_W1C_MASK);
	d->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
	d->wmask[PCI_LATENCY_TIMER] = 0xff;
	d->wmask[PCI_INTERRUPT_LINE] = 0xff;
}

static uint32_t bar_reg(int bar)
{
	return bar == PCI_ROM_SLOT ? PCI_ROM_ADDRESS :
				     PCI_BASE_ADDRESS_0 + 4u * (uint32_t)bar;
}

int pci_dev_set_bar(struct pci_dev *d, int bar, enum pci_bar_type type,
		    bool prefetch, uint64_t size)
{
	struct pci_bar *b;
	uint32_t reg, lo_flags = 0;
	uint64_t wm;

	if (bar < 0 || bar > PCI_ROM_SLOT)
		return -EINVAL;
	if ((bar == PCI_ROM_SLOT) != (type == PCI_BAR_ROM) &&
	    !(size == 0 || type == PCI_BAR_NONE))
		return -EINVAL;
	/* The upper half of a MEM64 BAR is not a BAR of its own. */
	if (bar > 0 && bar < PCI_ROM_SLOT &&
	    d->bars[bar - 1].type == PCI_BAR_MEM64)
		return -EINVAL;
	if (type == PCI_BAR_MEM64 && size &&
	    (bar >= PCI_NUM_BARS - 1 || d->bars[bar + 1].type != PCI_BAR_NONE))
		return -EINVAL;

	b = &d->bars[bar];
	reg = bar_reg(bar);
	if (b->type == PCI_BAR_MEM64) {
		pci_cfg_set(d, reg + 4, 4, 0);
		set_mask(d->wmask, reg + 4, 4, 0);
	}
	memset(b, 0, sizeof(*b));
	pci_cfg_set(d, reg, 4, 0);
	set_mask(d->wmask, reg, 4, 0);
	if (size == 0 || type == PCI_BAR_NONE)
		return 0;

	if (!is_pow2(size))
		return -EINVAL;
	wm = ~(size - 1);
	switch (type) {
	case PCI_BAR_IO:
		if (size < 4 || size > 0x10000)
			return -EINVAL;
		lo_flags = BAR_IO_FLAG;
		wm &= 0xfffffffcu;
		break;
	case PCI_BAR_MEM32:
		if (size < 16 || size > 0x80000000ull)
			return -EINVAL;
		lo_flags = prefetch ? BAR_PREFETCH_FLAG : 0;
		wm &= 0xfffffff0u;
		break;
	case PCI_BAR_MEM64:
		if (size < 16 || size > (1ull << 63))
			return -EINVAL;
		lo_flags = BAR_MEM64_FLAG | (prefetch ? BAR_PREFETCH_FLAG : 0);
		pci_cfg_set(d, reg + 4, 4, 0);
		set_mask(d->wmask, reg + 4, 4, (uint32_t)(wm >> 32));
		wm &= 0xfffffff0u;
		break;
	case PCI_BAR_ROM:
		/* §6.2.5.2: address bits 31:11, so at least 2 KiB. */
		if (size < 2048 || size > 0x80000000ull)
			return -EINVAL;
		wm = (wm & ROM_ADDR_MASK) | ROM_ENABLE;
		prefetch = false;
		break;
	default:
		return -EINVAL;
	}
	b->type = type;
	b->prefetch = prefetch;
	b->size = size;
	pci_cfg_set(d, reg, 4, lo_flags);
	set_mask(d->wmask, reg, 4, (uint32_t)wm);
	return 0;
}

/* ---- decode tracking (bus->lock held) ---- */

static bool bar_is_io(const struct pci_bar *b)
{
	return b->type == PCI_BAR_IO;
}

static bool in_window(const struct pci_window *w, uint64_t addr, uint64_t size)
{
	return w->size && size <= w->size && addr >= w->base &&
	       addr - w->base <= w->size - size;
}

/*
 * What BAR @i of @d decodes per its registers and PCI_COMMAND: true and
 * *addr when the decode bit (and the ROM enable bit) is set and the whole
 * range lies in a window of the bridge.
 */
static bool bar_decode(const struct pci_dev *d, int i, uint64_t *addr)
{
	const struct pci_bar *b = &d->bars[i];
	const struct pci_bus *bus = d->bus;
	uint16_t cmd = (uint16_t)pci_cfg_get(d, PCI_COMMAND, 2);
	uint32_t reg = bar_reg(i), lo = pci_cfg_get(d, reg, 4);
	uint64_t a;

	if (!bus || b->type == PCI_BAR_NONE || !b->size)
		return false;
	switch (b->type) {
	case PCI_BAR_IO:
		if (!(cmd & CMD_IO))
			return false;
		a = lo & ~3u;
		break;
	case PCI_BAR_MEM32:
		if (!(cmd & CMD_MEM))
			return false;
		a = lo & ~0xfu;
		break;
	case PCI_BAR_MEM64:
		if (!(cmd & CMD_MEM))
			return false;
		a = (lo & ~0xfull) | (uint64_t)pci_cfg_get(d, reg + 4, 4) << 32;
		break;
	case PCI_BAR_ROM:
		if (!(cmd & CMD_MEM) || !(lo & ROM_ENABLE))
			return false;
		a = lo & ROM_ADDR_MASK;
		break;
	default:
		return false;
	}
	a &= ~(b->size - 1);
	if (bar_is_io(b)) {
		if (!in_window(&bus->win[PCI_WIN_IO], a, b->size))
			return false;
	} else if (!in_window(&bus->win[PCI_WIN_MMIO32], a, b->size) &&
		   !in_window(&bus->win[PCI_WIN_MMIO64], a, b->size)) {
		return false;
	}
	*addr = a;
	return true;
}

static void bar_unmap_one(struct pci_dev *d, int i)
{
	struct pci_bar *b = &d->bars[i];
	char bdf[16];

	bdf_str(d, bdf, sizeof(bdf));
	if (b->mapped && d->ops && d->ops->bar_unmap)
		d->ops->bar_unmap(d, i, b->addr);
	pv_trace(TRACE_PCI, "%s BAR%d unmap 0x%llx", bdf, i,
		 (unsigned long long)b->addr);
	b->mapped = false;
	b->decoded = false;
}

static void bar_map_one(struct pci_dev *d, int i, uint64_t addr)
{
	struct pci_bar *b = &d->bars[i];
	char bdf[16];
	int ret = 0;

	bdf_str(d, bdf, sizeof(bdf));
	b->addr = addr;
	b->decoded = true;
	b->mapped = false;
	if (d->ops && d->ops->bar_map) {
		ret = d->ops->bar_map(d, i, addr);
		b->mapped = ret == 0;
		if (ret)
			pv_warn("%s (%s): mapping BAR%d at 0x%llx failed "
				"(%s): its accesses will trap",
				bdf, d->name, i, (unsigned long long)addr,
				strerror(ret < 0 ? -ret : ret));
	}
	pv_trace(TRACE_PCI, "%s BAR%d map 0x%llx size 0x%llx%s", bdf, i,
		 (unsigned long long)addr, (unsigned long long)b->size,
		 b->mapped ? "" : " (trapped)");
}

/*
 * Bring bars[].decoded/addr/mapped in line with the registers: unmap every
 * BAR that stopped decoding or moved; with @do_map, map every BAR that
 * decodes and is not yet.
 */
static void update_decode(struct pci_dev *d, bool do_map)
{
	for (int i = 0; i <= PCI_ROM_SLOT; i++) {
		struct pci_bar *b = &d->bars[i];
		uint64_t addr = 0;
		bool dec = bar_decode(d, i, &addr);

		if (b->decoded && (!dec || addr != b->addr))
			bar_unmap_one(d, i);
		if (do_map && dec && !b->decoded)
			bar_map_one(d, i, addr);
	}
}

/* ---- config access (bus->lock held) ---- */

static struct pci_dev *bus_dev(struct pci_bus *b, uint8_t devfn)
{
	return b->devs[devfn];
}

/* One access inside one dword, @len 1/2/4. */
static uint32_t cfg_read_dw(struct pci_bus *b, uint8_t devfn, uint32_t off,
			    uint32_t len)
{
	struct pci_dev *d = bus_dev(b, devfn);
	uint32_t val;

	if (!d)
		return all_ones(len);
	if (off >= d->cfg_size)
		return 0;
	val = pci_cfg_get(d, off, len);
	if (d->ops && d->ops->cfg_read)
		d->ops->cfg_read(d, off, len, &val);
	return val & all_ones(len);
}

static void cfg_write_dw(struct pci_bus *b, uint8_t devfn, uint32_t off,
			 uint32_t len, uint32_t val)
{
	struct pci_dev *d = bus_dev(b, devfn);

	if (!d || off >= d->cfg_size)
		return;
	/* 1. apply the write to the emulated image */
	for (uint32_t i = 0; i < len; i++) {
		uint8_t v = (uint8_t)(val >> (8 * i));
		uint8_t wm = d->wmask[off + i], w1c = d->w1cmask[off + i];
		uint8_t c = d->cfg[off + i];

		c = (uint8_t)((c & ~wm) | (v & wm));
		c &= (uint8_t) ~(v & w1c);
		d->cfg[off + i] = c;
	}
	/* 2. unmap BARs that stopped decoding or moved */
	update_decode(d, false);
	/* 3. the device model sees the raw write */
	if (d->ops && d->ops->cfg_write)
		d->ops->cfg_write(d, off, len, val & all_ones(len));
	/* 4. map BARs that started decoding or moved */
	update_decode(d, true);
}

static bool valid_len(uint32_t len)
{
	return len == 1 || len == 2 || len == 4;
}

static uint32_t cfg_read_locked(struct pci_bus *b, uint8_t devfn, uint32_t off,
				uint32_t len)
{
	uint32_t v = 0;

	if (!valid_len(len) || off >= PCI_CFG_EXP_SIZE ||
	    len > PCI_CFG_EXP_SIZE - off)
		return all_ones(len);
	if ((off & 3) + len <= 4)
		return cfg_read_dw(b, devfn, off, len);
	/* Crosses a dword: assemble it byte by byte. */
	for (uint32_t i = 0; i < len; i++)
		v |= cfg_read_dw(b, devfn, off + i, 1) << (8 * i);
	return v;
}

static void cfg_write_locked(struct pci_bus *b, uint8_t devfn, uint32_t off,
			     uint32_t len, uint32_t val)
{
	if (!valid_len(len) || off >= PCI_CFG_EXP_SIZE ||
	    len > PCI_CFG_EXP_SIZE - off)
		return;
	if ((off & 3) + len <= 4) {
		cfg_write_dw(b, devfn, off, len, val);
		return;
	}
	for (uint32_t i = 0; i < len; i++)
		cfg_write_dw(b, devfn, off + i, 1, (val >> (8 * i)) & 0xff);
}

uint32_t pci_cfg_read(struct pci_bus *b, uint8_t devfn, uint32_t off,
		      uint32_t len)
{
	uint32_t v;

	pthread_mutex_lock(&b->lock);
	v = cfg_read_locked(b, devfn, off, len);
	pthread_mutex_unlock(&b->lock);
	return v;
}

void pci_cfg_write(struct pci_bus *b, uint8_t devfn, uint32_t off, uint32_t len,
		   uint32_t val)
{
	pthread_mutex_lock(&b->lock);
	cfg_write_locked(b, devfn, off, len, val);
	pthread_mutex_unlock(&b->lock);
}

void pci_bus_enable_decode(struct pci_bus *b)
{
	pthread_mutex_lock(&b->lock);
	for (int fn = 1; fn < PCI_MAX_DEVFN; fn++) {
		struct pci_dev *d = b->devs[fn];
		uint32_t cmd = 0;

		if (!d)
			continue;
		for (int i = 0; i < PCI_NUM_BARS; i++) {
			if (!d->bars[i].size)
				continue;
			cmd |= bar_is_io(&d->bars[i]) ? CMD_IO : CMD_MEM;
		}
		cmd &= d->wmask[PCI_COMMAND];
		if (cmd)
			cfg_write_locked(b, (uint8_t)fn, PCI_COMMAND, 2,
					 pci_cfg_get(d, PCI_COMMAND, 2) | cmd);
	}
	pthread_mutex_unlock(&b->lock);
}

/* ---- bus setup ---- */

static void window_init(struct pci_window *w, struct pci_bus *b, uint64_t base,
			uint64_t size, bool io)
{
	w->base = base;
	w->size = size;
	w->next = base;
	w->bus = b;
	w->io = io;
}

void pci_bus_init(struct pci_bus *b, uint64_t io_base, uint64_t io_size,
		  uint64_t mmio32_base, uint64_t mmio32_size,
		  uint64_t mmio64_base, uint64_t mmio64_size,
		  const struct vm_stop_sink *stop)
{
	pthread_mutexattr_t attr;

	memset(b, 0, sizeof(*b));
	/*
	 * Recursive, so a device callback that calls back into the bus
	 * (pci_cfg_read() from bar_map, say) does not deadlock.
	 */
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&b->lock, &attr);
	pthread_mutexattr_destroy(&attr);

	window_init(&b->win[PCI_WIN_IO], b, io_base, io_size, true);
	window_init(&b->win[PCI_WIN_MMIO32], b, mmio32_base, mmio32_size,
		    false);
	window_init(&b->win[PCI_WIN_MMIO64], b, mmio64_base, mmio64_size,
		    false);
	if (stop)
		b->stop = *stop;

	/* Red Hat's generic PCIe host bridge ID (1b36:0008). */
	pci_dev_init(&b->host, "host bridge", 0x1b36, 0x0008, 0x060000,
		     PCI_CFG_SIZE, NULL, NULL);
	b->host.devfn = 0;
	b->host.bus = b;
	b->devs[0] = &b->host;
}

uint32_t pci_intx_gsi(unsigned int slot, unsigned int pin)
{
	if (pin < 1 || pin > 4)
		return 0;
	return 16 + ((slot + pin - 1) % 8);
}

/* Allocate @size bytes aligned to @align in @w; 0 and *addr on success. */
static int window_alloc(struct pci_window *w, uint64_t size, uint64_t align,
			uint64_t *addr)
{
	uint64_t end = w->base + w->size, a;

	if (!w->size || size > w->size)
		return -ENOSPC;
	a = (w->next + align - 1) & ~(align - 1);
	if (a < w->next || a < w->base || a > end || size > end - a)
		return -ENOSPC;
	w->next = a + size;
	*addr = a;
	return 0;
}

static void bar_write_addr(struct pci_dev *d, int i, uint64_t addr)
{
	uint32_t reg = bar_reg(i);
	uint32_t lo = pci_cfg_get(d, reg, 4);

	switch (d->bars[i].type) {
	case PCI_BAR_IO:
		pci_cfg_set(d, reg, 4, (uint32_t)addr | (lo & 3u));
		break;
	case PCI_BAR_MEM32:
		pci_cfg_set(d, reg, 4, (uint32_t)addr | (lo & 0xfu));
		break;
	case PCI_BAR_MEM64:
		pci_cfg_set(d, reg, 4, (uint32_t)addr | (lo & 0xfu));
		pci_cfg_set(d, reg + 4, 4, (uint32_t)(addr >> 32));
		break;
	case PCI_BAR_ROM:
		pci_cfg_set(d, reg, 4, (uint32_t)addr | (lo & ROM_ENABLE));
		break;
	default:
		break;
	}
}

static const char *bar_type_name(const struct pci_bar *b)
{
	switch (b->type) {
	case PCI_BAR_IO:
		return "I/O";
	case PCI_BAR_MEM32:
		return "32-bit memory";
	case PCI_BAR_MEM64:
		return b->prefetch ? "64-bit prefetchable memory" :
				     "64-bit memory";
	case PCI_BAR_ROM:
		return "expansion ROM";
	default:
		return "?";
	}
}

/* Assign addresses to the BARs of @d, largest first. */
static int assign_bars(struct pci_bus *b, struct pci_dev *d,
		       struct pv_error *err)
{
	int order[PCI_NUM_BARS + 1], n = 0;
	char bdf[16];

	bdf_str(d, bdf, sizeof(bdf));
	for (int i = 0; i <= PCI_ROM_SLOT; i++) {
		int j;

		if (d->bars[i].type == PCI_BAR_NONE || !d->bars[i].size)
			continue;
		j = n++;

		while (j > 0 && d->bars[order[j - 1]].size < d->bars[i].size) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
	for (int k = 0; k < n; k++) {
		int i = order[k];
		struct pci_bar *bar = &d->bars[i];
		uint64_t align = bar->size, size = bar->size, addr = 0;
		int w = PCI_WIN_MMIO32, ret;

		if (bar->type == PCI_BAR_IO) {
			w = PCI_WIN_IO;
		} else {
			if (align < MEM_BAR_MIN_ALIGN)
				align = size = MEM_BAR_MIN_ALIGN;
			if (bar->type == PCI_BAR_MEM64 && bar->prefetch)
				w = PCI_WIN_MMIO64;
		}
		ret = window_alloc(&b->win[w], size, align, &addr);
		if (ret && w == PCI_WIN_MMIO64) {
			/* No (or a full) 64-bit window: try below 4 GiB. */
			w = PCI_WIN_MMIO32;
			ret = window_alloc(&b->win[w], size, align, &addr);
		}
		if (ret)
			return pv_seterr(err, ENOSPC,
					 "%s (%s): BAR%d (%s, 0x%llx bytes) "
					 "does not fit in the %s window "
					 "[0x%llx, 0x%llx), 0x%llx bytes "
					 "left unaligned",
					 bdf, d->name, i, bar_type_name(bar),
					 (unsigned long long)bar->size,
					 win_names[w],
					 (unsigned long long)b->win[w].base,
					 (unsigned long long)(b->win[w].base +
							      b->win[w].size),
					 (unsigned long long)(b->win[w].base +
							      b->win[w].size -
							      b->win[w].next));
		bar_write_addr(d, i, addr);
		bar->addr = addr;
		pv_trace(TRACE_PCI, "%s %s BAR%d %s at 0x%llx size 0x%llx", bdf,
			 d->name, i, bar_type_name(bar),
			 (unsigned long long)addr,
			 (unsigned long long)bar->size);
	}
	return 0;
}

int pci_bus_add(struct pci_bus *b, struct pci_dev *d, int slot,
		struct pv_error *err)
{
	uint64_t saved_next[PCI_WIN_NR];
	uint8_t saved_bars[7 * 4];
	uint8_t pin;
	int ret;

	if (slot != -1 && (slot < 1 || slot > 31))
		return pv_seterr(err, EINVAL,
				 "%s: PCI slot %d is out of range (1..31)",
				 d->name, slot);
	pthread_mutex_lock(&b->lock);
	if (slot == -1) {
		for (int s = 1; s < 32; s++) {
			if (!b->devs[PCI_DEVFN(s, 0)]) {
				slot = s;
				break;
			}
		}
		if (slot == -1) {
			pthread_mutex_unlock(&b->lock);
			return pv_seterr(err, ENOSPC,
					 "%s: no free slot on PCI bus 0 "
					 "(31 devices at most)",
					 d->name);
		}
	} else if (b->devs[PCI_DEVFN(slot, 0)]) {
		pthread_mutex_unlock(&b->lock);
		return pv_seterr(err, EBUSY, "%s: PCI slot %d is taken by %s",
				 d->name, slot,
				 b->devs[PCI_DEVFN(slot, 0)]->name);
	}

	d->devfn = PCI_DEVFN(slot, 0);
	d->bus = b;
	for (int w = 0; w < PCI_WIN_NR; w++)
		saved_next[w] = b->win[w].next;
	memcpy(saved_bars, &d->cfg[PCI_BASE_ADDRESS_0], 6 * 4);
	memcpy(saved_bars + 24, &d->cfg[PCI_ROM_ADDRESS], 4);
	ret = assign_bars(b, d, err);
	if (ret) {
		for (int w = 0; w < PCI_WIN_NR; w++)
			b->win[w].next = saved_next[w];
		memcpy(&d->cfg[PCI_BASE_ADDRESS_0], saved_bars, 6 * 4);
		memcpy(&d->cfg[PCI_ROM_ADDRESS], saved_bars + 24, 4);
		d->bus = NULL;
		pthread_mutex_unlock(&b->lock);
		return ret;
	}

	pin = d->cfg[PCI_INTERRUPT_PIN];
	if (pin > 4) {
		pv_warn("%s: interrupt pin %u is invalid; INTx disabled",
			d->name, pin);
		pin = 0;
		d->cfg[PCI_INTERRUPT_PIN] = 0;
	}
	d->intx_gsi = pci_intx_gsi((unsigned int)slot, pin);
	d->cfg[PCI_INTERRUPT_LINE] = pin ? (uint8_t)d->intx_gsi : 0xff;

	b->devs[d->devfn] = d;
	if (pin)
		pv_trace(TRACE_PCI, "00:%02x.0 %s added, INT%c# -> gsi %u",
			 slot, d->name, 'A' + pin - 1, d->intx_gsi);
	else
		pv_trace(TRACE_PCI, "00:%02x.0 %s added, no INTx", slot,
			 d->name);
	/* Decode bits as the device reset them: map what already decodes. */
	update_decode(d, true);
	pthread_mutex_unlock(&b->lock);
	return 0;
}

void pci_bus_remove(struct pci_bus *b, struct pci_dev *d)
{
	pthread_mutex_lock(&b->lock);
	if (d != &b->host && b->devs[d->devfn] == d) {
		for (int i = 0; i <= PCI_ROM_SLOT; i++)
			if (d->bars[i].decoded)
				bar_unmap_one(d, i);
		b->devs[d->devfn] = NULL;
		d->bus = NULL;
	}
	pthread_mutex_unlock(&b->lock);
}

/* ---- CF8/CFC (PCI 3.0 §3.2.2.3.2) ---- */

/* @devfn and @reg of the CONFIG_ADDRESS latch; false if it hits nothing. */
static bool cf8_target(const struct pci_bus *b, uint8_t *devfn)
{
	uint32_t a = b->cf8;

	if (!(a & CF8_ENABLE) || ((a >> 16) & 0xff) != 0)
		return false;
	*devfn = (uint8_t)(a >> 8);
	return true;
}

static void cf8_read(void *opaque, uint64_t offset, uint8_t *data, uint32_t len)
{
	struct pci_bus *b = opaque;
	uint8_t devfn;

	memset(data, 0xff, len);
	if (!len || len > 8 || offset >= 8)
		return;
	pthread_mutex_lock(&b->lock);
	if (offset == 0 && len == 4) {
		put_le(data, 4, b->cf8);
	} else if (offset == 1 && len == 1) {
		data[0] = 0; /* reset control reads back 0 */
	} else if (offset >= 4 && cf8_target(b, &devfn)) {
		uint32_t reg = (b->cf8 & 0xfc) + (uint32_t)(offset - 4);
		uint32_t n = len;

		if (offset + n > 8)
			n = (uint32_t)(8 - offset); /* the rest is 0xff */
		if (valid_len(n)) {
			put_le(data, n, cfg_read_locked(b, devfn, reg, n));
		} else {
			for (uint32_t i = 0; i < n; i++)
				data[i] = (uint8_t)cfg_read_locked(b, devfn,
								   reg + i, 1);
		}
	}
	pthread_mutex_unlock(&b->lock);
}

static void cf8_write(void *opaque, uint64_t offset, const uint8_t *data,
		      uint32_t len)
{
	struct pci_bus *b = opaque;
	bool reset = false;
	uint8_t devfn;

	if (!len || len > 8 || offset >= 8)
		return;
	pthread_mutex_lock(&b->lock);
	if (offset == 0 && len == 4) {
		b->cf8 = (uint32_t)get_le(data, 4) & CF8_KEEP;
	} else if (offset == 1 && len == 1) {
		/* Reset control register at 0xcf9 (ACPI FADT RESET_REG). */
		reset = data[0] & RESET_CTL_RCPU;
	} else if (offset >= 4 && cf8_target(b, &devfn)) {
		uint32_t reg = (b->cf8 & 0xfc) + (uint32_t)(offset - 4);
		uint32_t n = len;

		if (offset + n > 8)
			n = (uint32_t)(8 - offset);
		if (valid_len(n)) {
			cfg_write_locked(b, devfn, reg, n,
					 (uint32_t)get_le(data, n));
		} else {
			for (uint32_t i = 0; i < n; i++)
				cfg_write_locked(b, devfn, reg + i, 1, data[i]);
		}
	}
	pthread_mutex_unlock(&b->lock);
	if (reset)
		vm_request_stop(&b->stop, VM_STOP_RESET, 0);
}

const struct io_ops pci_cf8_ops = {
	.read = cf8_read,
	.write = cf8_write,
};

/* ---- ECAM (PCIe 4.0 §7.2.2): offset = bus << 20 | devfn << 12 | reg ---- */

/*
 * The size of the next piece of an ECAM access at @a with @n bytes left:
 * 4, 2 or 1, naturally aligned, so each piece stays inside one dword.
 */
static uint32_t ecam_piece(uint64_t a, uint32_t n)
{
	if (n > 4)
		n = 4;
	while (n > 1 && ((a & (n - 1)) || n == 3))
		n = n == 4 ? 2 : 1;
	return n;
}

static void ecam_read(void *opaque, uint64_t offset, uint8_t *data,
		      uint32_t len)
{
	struct pci_bus *b = opaque;

	memset(data, 0xff, len);
	if (!len || len > 8)
		return;
	pthread_mutex_lock(&b->lock);
	for (uint32_t done = 0; done < len;) {
		uint64_t a = offset + done;
		uint32_t n = len - done;

		n = ecam_piece(a, n);
		if (a < (1u << 20))
			put_le(data + done, n,
			       cfg_read_locked(b, (uint8_t)(a >> 12),
					       (uint32_t)(a & 0xfff), n));
		done += n;
	}
	pthread_mutex_unlock(&b->lock);
}

static void ecam_write(void *opaque, uint64_t offset, const uint8_t *data,
		       uint32_t len)
{
	struct pci_bus *b = opaque;

	if (!len || len > 8)
		return;
	pthread_mutex_lock(&b->lock);
	for (uint32_t done = 0; done < len;) {
		uint64_t a = offset + done;
		uint32_t n = len - done;

		n = ecam_piece(a, n);
		if (a < (1u << 20))
			cfg_write_locked(b, (uint8_t)(a >> 12),
					 (uint32_t)(a & 0xfff), n,
					 (uint32_t)get_le(data + done, n));
		done += n;
	}
	pthread_mutex_unlock(&b->lock);
}

const struct io_ops pci_ecam_ops = {
	.read = ecam_read,
	.write = ecam_write,
};

/* ---- trapped BAR accesses in a window ---- */

/* The decoded BAR of the window's kind containing @addr, or NULL. */
static struct pci_dev *find_bar(struct pci_bus *b, bool io, uint64_t addr,
				int *bar)
{
	for (int devfn = 0; devfn < PCI_MAX_DEVFN; devfn++) {
		struct pci_dev *d = b->devs[devfn];

		if (!d)
			continue;
		for (int i = 0; i <= PCI_ROM_SLOT; i++) {
			const struct pci_bar *p = &d->bars[i];

			if (!p->decoded || bar_is_io(p) != io)
				continue;
			if (addr >= p->addr && addr - p->addr < p->size) {
				*bar = i;
				return d;
			}
		}
	}
	return NULL;
}

static void window_access(struct pci_window *w, uint64_t offset, uint8_t *rdata,
			  const uint8_t *wdata, uint32_t len)
{
	struct pci_bus *b = w->bus;
	uint64_t addr = w->base + offset;
	struct pci_dev *d;
	int bar = 0;

	if (!len || len > 8)
		return;
	pthread_mutex_lock(&b->lock);
	d = find_bar(b, w->io, addr, &bar);
	if (d && addr - d->bars[bar].addr + len <= d->bars[bar].size) {
		uint64_t off = addr - d->bars[bar].addr;

		if (rdata && d->ops && d->ops->bar_read)
			d->ops->bar_read(d, bar, off, rdata, len);
		else if (wdata && d->ops && d->ops->bar_write)
			d->ops->bar_write(d, bar, off, wdata, len);
	} else if (d || len > 1) {
		/*
		 * Straddles a BAR boundary (or starts outside one): split
		 * into bytes so no device sees an access past its BAR.
		 */
		for (uint32_t i = 0; i < len; i++) {
			uint64_t off;

			d = find_bar(b, w->io, addr + i, &bar);
			if (!d || !d->ops)
				continue;
			off = addr + i - d->bars[bar].addr;
			if (rdata && d->ops->bar_read)
				d->ops->bar_read(d, bar, off, rdata + i, 1);
			else if (wdata && d->ops->bar_write)
				d->ops->bar_write(d, bar, off, wdata + i, 1);
		}
	}
	pthread_mutex_unlock(&b->lock);
}

static void window_read(void *opaque, uint64_t offset, uint8_t *data,
			uint32_t len)
{
	memset(data, 0xff, len);
	window_access(opaque, offset, data, NULL, len);
}

static void window_write(void *opaque, uint64_t offset, const uint8_t *data,
			 uint32_t len)
{
	window_access(opaque, offset, NULL, data, len);
}

const struct io_ops pci_window_ops = {
	.read = window_read,
	.write = window_write,
};
