// SPDX-License-Identifier: GPL-2.0
/*
 * The PCI bus's handlers on the VMM's buses (devices/pci.h): CONFIG_ADDRESS
 * / CONFIG_DATA at 0xcf8 (with the reset control register at 0xcf9), the
 * ECAM, and the windows where trapped BAR accesses arrive. Every handler
 * checks the access length before it writes a byte of the caller's
 * buffer (the bus passes at most 8).
 *
 * Specs: PCI Local Bus 3.0 §3.2.2.3.2 (configuration mechanism #1);
 * PCIe Base 4.0 §7.2.2 (ECAM).
 */
#include <string.h>

#include "devices/pci_priv.h"
#include "util/range.h"

#define CF8_ENABLE 0x80000000u
#define CF8_KEEP 0x80fffffcu /* reserved bits 30:24 and 1:0 read 0 */
#define RESET_CTL_RCPU 0x04 /* 0xcf9 bit 2: reset CPU */

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

	if (!len || len > 8)
		return; /* never write past the caller's buffer */
	memset(data, 0xff, len);
	if (offset >= 8)
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
		if (pci_valid_len(n)) {
			put_le(data, n, pci_cfg_read_locked(b, devfn, reg, n));
		} else {
			for (uint32_t i = 0; i < n; i++)
				data[i] = (uint8_t)pci_cfg_read_locked(
					b, devfn, reg + i, 1);
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
		if (pci_valid_len(n)) {
			pci_cfg_write_locked(b, devfn, reg, n,
					     (uint32_t)get_le(data, n));
		} else {
			for (uint32_t i = 0; i < n; i++)
				pci_cfg_write_locked(b, devfn, reg + i, 1,
						     data[i]);
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

/*
 * One ECAM access of @len (1..8) bytes at @offset, split into naturally
 * aligned pieces: into @rd when it is not NULL, else from @wr. Offsets past
 * bus 0 decode to nothing (reads stay all ones).
 */
static void ecam_access(struct pci_bus *b, uint64_t offset, uint8_t *rd,
			const uint8_t *wr, uint32_t len)
{
	pthread_mutex_lock(&b->lock);
	for (uint32_t done = 0, n; done < len; done += n) {
		uint64_t a = offset + done;
		uint8_t dev = (uint8_t)(a >> 12);
		uint32_t reg = (uint32_t)(a & 0xfff);

		n = ecam_piece(a, len - done);
		if (a >= (1u << 20))
			continue;
		if (rd)
			put_le(rd + done, n,
			       pci_cfg_read_locked(b, dev, reg, n));
		else
			pci_cfg_write_locked(b, dev, reg, n,
					     (uint32_t)get_le(wr + done, n));
	}
	pthread_mutex_unlock(&b->lock);
}

static void ecam_read(void *opaque, uint64_t offset, uint8_t *data,
		      uint32_t len)
{
	if (!len || len > 8)
		return; /* never write past the caller's buffer */
	memset(data, 0xff, len);
	ecam_access(opaque, offset, data, NULL, len);
}

static void ecam_write(void *opaque, uint64_t offset, const uint8_t *data,
		       uint32_t len)
{
	if (!len || len > 8)
		return;
	ecam_access(opaque, offset, NULL, data, len);
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

			if (!p->decoded || pci_bar_is_io(p) != io)
				continue;
			if (range_contains(p->addr, p->size, addr, 1)) {
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
	if (d &&
	    range_contains(d->bars[bar].addr, d->bars[bar].size, addr, len)) {
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
	if (!len || len > 8)
		return; /* never write past the caller's buffer */
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
