// SPDX-License-Identifier: GPL-2.0
/*
 * PCI bus 0: devices and their BARs, config access, the host bridge, BAR
 * allocation, adding and removing devices. The contract is devices/pci.h;
 * what BARs decode and get mapped is pci_decode.c, the bus handlers
 * (CF8/CFC, ECAM, trapped BAR windows) pci_io.c.
 *
 * Specs: PCI Local Bus 3.0 §3.2.2.3.2 (configuration mechanism #1),
 * §6.1 (header), §6.2.2 (command), §6.2.3 (status), §6.2.5 (BARs and the
 * expansion ROM BAR); PCIe Base 4.0 §7.2.2 (ECAM).
 */
#include "devices/pci.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/pci_regs.h>

#include "devices/pci_priv.h"

/* Decode and error-report bits the guest may set (PCI 3.0 §6.2.2). */
#define CMD_WMASK                                                   \
	(PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | \
	 PCI_COMMAND_PARITY | PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE)

/* Status error bits, all RW1C (PCI 3.0 §6.2.3). */
#define STS_W1C_MASK                                                 \
	(PCI_STATUS_PARITY | PCI_STATUS_SIG_TARGET_ABORT |           \
	 PCI_STATUS_REC_TARGET_ABORT | PCI_STATUS_REC_MASTER_ABORT | \
	 PCI_STATUS_SIG_SYSTEM_ERROR | PCI_STATUS_DETECTED_PARITY)

#define MEM_BAR_MIN_ALIGN 4096ull
#define PCI_INTX_PRT_BASE 16 /* firmware/dsdt_prt.asi */
#define PCI_INTX_PRT_COUNT 8

static const char *const win_names[PCI_WIN_NR] = {
	[PCI_WIN_IO] = "I/O",
	[PCI_WIN_MMIO32] = "32-bit MMIO",
	[PCI_WIN_MMIO64] = "64-bit MMIO",
};

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

static void set_mask(uint8_t *mask, uint32_t off, uint32_t len, uint32_t val)
{
	for (uint32_t i = 0; i < len; i++)
		mask[off + i] = (uint8_t)(val >> (8 * i));
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
	reg = pci_bar_reg(bar);
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
		lo_flags = PCI_BASE_ADDRESS_SPACE_IO;
		wm &= 0xfffffffcu;
		break;
	case PCI_BAR_MEM32:
		if (size < 16 || size > 0x80000000ull)
			return -EINVAL;
		lo_flags = prefetch ? PCI_BASE_ADDRESS_MEM_PREFETCH : 0;
		wm &= 0xfffffff0u;
		break;
	case PCI_BAR_MEM64:
		if (size < 16 || size > (1ull << 63))
			return -EINVAL;
		lo_flags = PCI_BASE_ADDRESS_MEM_TYPE_64 |
			   (prefetch ? PCI_BASE_ADDRESS_MEM_PREFETCH : 0);
		pci_cfg_set(d, reg + 4, 4, 0);
		set_mask(d->wmask, reg + 4, 4, (uint32_t)(wm >> 32));
		wm &= 0xfffffff0u;
		break;
	case PCI_BAR_ROM:
		/* §6.2.5.2: address bits 31:11, so at least 2 KiB. */
		if (size < 2048 || size > 0x80000000ull)
			return -EINVAL;
		wm = (wm & PCI_ROM_ADDRESS_MASK) | PCI_ROM_ADDRESS_ENABLE;
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
		return pci_all_ones(len);
	if (off >= d->cfg_size)
		return 0;
	val = pci_cfg_get(d, off, len);
	if (d->ops && d->ops->cfg_read)
		d->ops->cfg_read(d, off, len, &val);
	return val & pci_all_ones(len);
}

static void cfg_write_dw(struct pci_bus *b, uint8_t devfn, uint32_t off,
			 uint32_t len, uint32_t val)
{
	struct pci_dev *d = bus_dev(b, devfn);
	bool changed;

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
	/* 2. unmap BARs that stopped decoding, moved or now overlap */
	changed = pci_decode_changed(d);
	if (changed)
		pci_decode_unmap_stale(b);
	/* 3. the device model sees the raw write */
	if (d->ops && d->ops->cfg_write)
		d->ops->cfg_write(d, off, len, val & pci_all_ones(len));
	/* 4. map BARs that decode and overlap nothing */
	if (changed)
		pci_decode_map_ready(b);
}

uint32_t pci_cfg_read_locked(struct pci_bus *b, uint8_t devfn, uint32_t off,
			     uint32_t len)
{
	uint32_t v = 0;

	if (!pci_valid_len(len) || off >= PCI_CFG_EXP_SIZE ||
	    len > PCI_CFG_EXP_SIZE - off)
		return pci_all_ones(len);
	if ((off & 3) + len <= 4)
		return cfg_read_dw(b, devfn, off, len);
	/* Crosses a dword: assemble it byte by byte. */
	for (uint32_t i = 0; i < len; i++)
		v |= cfg_read_dw(b, devfn, off + i, 1) << (8 * i);
	return v;
}

void pci_cfg_write_locked(struct pci_bus *b, uint8_t devfn, uint32_t off,
			  uint32_t len, uint32_t val)
{
	if (!pci_valid_len(len) || off >= PCI_CFG_EXP_SIZE ||
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
	v = pci_cfg_read_locked(b, devfn, off, len);
	pthread_mutex_unlock(&b->lock);
	return v;
}

void pci_cfg_write(struct pci_bus *b, uint8_t devfn, uint32_t off, uint32_t len,
		   uint32_t val)
{
	pthread_mutex_lock(&b->lock);
	pci_cfg_write_locked(b, devfn, off, len, val);
	pthread_mutex_unlock(&b->lock);
}

void pci_bus_enable_decode(struct pci_bus *b)
{
	pthread_mutex_lock(&b->lock);
	for (int fn = 1; fn < PCI_MAX_DEVFN; fn++) {
		struct pci_dev *d = b->devs[fn];
		uint32_t cmd = 0;

		/* No BIOS shadowed a VGA ROM: not a boot VGA (pci.h). */
		if (!d || pci_cfg_get(d, PCI_CLASS_DEVICE, 2) ==
				  PCI_CLASS_DISPLAY_VGA)
			continue;
		for (int i = 0; i < PCI_NUM_BARS; i++) {
			if (!d->bars[i].size)
				continue;
			cmd |= pci_bar_is_io(&d->bars[i]) ? PCI_COMMAND_IO :
							    PCI_COMMAND_MEMORY;
		}
		cmd &= d->wmask[PCI_COMMAND];
		if (cmd)
			pci_cfg_write_locked(b, (uint8_t)fn, PCI_COMMAND, 2,
					     pci_cfg_get(d, PCI_COMMAND, 2) |
						     cmd);
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

	b->intx_base = PCI_INTX_PRT_BASE;
	b->intx_count = PCI_INTX_PRT_COUNT;
	b->bar_align = MEM_BAR_MIN_ALIGN;
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

/* INTx pin @pin of slot @slot onto @count GSIs from @base; 0: no pin. */
static uint32_t intx_swizzle(uint32_t base, uint32_t count, unsigned int slot,
			     unsigned int pin)
{
	if (pin < 1 || pin > 4)
		return 0;
	return base + ((slot + pin - 1) % count);
}

uint32_t pci_intx_gsi(unsigned int slot, unsigned int pin)
{
	return intx_swizzle(PCI_INTX_PRT_BASE, PCI_INTX_PRT_COUNT, slot, pin);
}

void pci_bus_set_intx(struct pci_bus *b, uint32_t base, uint32_t count)
{
	if (!count)
		return;
	b->intx_base = base;
	b->intx_count = count;
}

void pci_bus_set_bar_align(struct pci_bus *b, uint64_t align)
{
	if (align >= MEM_BAR_MIN_ALIGN && !(align & (align - 1)))
		b->bar_align = align;
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
	uint32_t reg = pci_bar_reg(i);
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
		pci_cfg_set(d, reg, 4,
			    (uint32_t)addr | (lo & PCI_ROM_ADDRESS_ENABLE));
		break;
	default:
		break;
	}
}

const char *pci_bar_type_name(enum pci_bar_type type, bool prefetch)
{
	switch (type) {
	case PCI_BAR_IO:
		return "I/O";
	case PCI_BAR_MEM32:
		return prefetch ? "32-bit prefetchable memory" :
				  "32-bit memory";
	case PCI_BAR_MEM64:
		return prefetch ? "64-bit prefetchable memory" :
				  "64-bit memory";
	case PCI_BAR_ROM:
		return "expansion ROM";
	default:
		return "none";
	}
}

/* Assign addresses to the BARs of @d, largest first. */
static int assign_bars(struct pci_bus *b, struct pci_dev *d,
		       struct pv_error *err)
{
	int order[PCI_NUM_BARS + 1], n = 0;
	char bdf[16];

	pci_bdf_str(d, bdf, sizeof(bdf));
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
			if (align < b->bar_align)
				align = size = b->bar_align;
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
			return pv_seterr(
				err, ENOSPC,
				"%s (%s): BAR%d (%s, 0x%llx bytes) "
				"does not fit in the %s window "
				"[0x%llx, 0x%llx), 0x%llx bytes "
				"left unaligned",
				bdf, d->name, i,
				pci_bar_type_name(bar->type, bar->prefetch),
				(unsigned long long)bar->size, win_names[w],
				(unsigned long long)b->win[w].base,
				(unsigned long long)(b->win[w].base +
						     b->win[w].size),
				(unsigned long long)(b->win[w].base +
						     b->win[w].size -
						     b->win[w].next));
		bar_write_addr(d, i, addr);
		bar->addr = addr;
		pv_trace(TRACE_PCI, "%s %s BAR%d %s at 0x%llx size 0x%llx", bdf,
			 d->name, i,
			 pci_bar_type_name(bar->type, bar->prefetch),
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
	d->intx_gsi = intx_swizzle(b->intx_base, b->intx_count,
				   (unsigned int)slot, pin);
	d->cfg[PCI_INTERRUPT_LINE] = pin ? (uint8_t)d->intx_gsi : 0xff;

	b->devs[d->devfn] = d;
	if (pin)
		pv_trace(TRACE_PCI, "00:%02x.0 %s added, INT%c# -> gsi %u",
			 slot, d->name, 'A' + pin - 1, d->intx_gsi);
	else
		pv_trace(TRACE_PCI, "00:%02x.0 %s added, no INTx", slot,
			 d->name);
	/* Decode bits as the device reset them: map what already decodes. */
	pci_decode_unmap_stale(b);
	pci_decode_map_ready(b);
	pthread_mutex_unlock(&b->lock);
	return 0;
}

void pci_bus_remove(struct pci_bus *b, struct pci_dev *d)
{
	pthread_mutex_lock(&b->lock);
	if (d != &b->host && b->devs[d->devfn] == d) {
		for (int i = 0; i <= PCI_ROM_SLOT; i++)
			pci_decode_stop(d, i);
		b->devs[d->devfn] = NULL;
		d->bus = NULL;
		/* What overlapped one of its BARs may be mapped now. */
		pci_decode_map_ready(b);
	}
	pthread_mutex_unlock(&b->lock);
}
