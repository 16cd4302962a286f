/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the parts of the PCI core share (devices/pci.h is the contract):
 *   pci.c         devices, BAR declaration, config access, the bus
 *   pci_decode.c  what each BAR decodes, and which BARs get mapped
 *   pci_io.c      the bus handlers: CF8/CFC, ECAM, trapped BAR windows
 * Everything here runs with bus->lock held.
 */
#ifndef PASSVM_DEVICES_PCI_PRIV_H
#define PASSVM_DEVICES_PCI_PRIV_H

#include <stdio.h>

#include "devices/pci.h"

/* All ones in the low @len (1..4) bytes. */
static inline uint32_t pci_all_ones(uint32_t len)
{
	return len >= 4 ? 0xffffffffu : (1u << (8 * len)) - 1;
}

/* A config access is 1, 2 or 4 bytes. */
static inline bool pci_valid_len(uint32_t len)
{
	return len == 1 || len == 2 || len == 4;
}

/* "00:dd.f" of @d into @buf (@n bytes). */
static inline void pci_bdf_str(const struct pci_dev *d, char *buf, size_t n)
{
	snprintf(buf, n, "00:%02x.%x", d->devfn >> 3, d->devfn & 7);
}

/* The config offset of BAR @bar (0..5, or PCI_ROM_SLOT). */
static inline uint32_t pci_bar_reg(int bar)
{
	return bar == PCI_ROM_SLOT ? PCI_ROM_ADDRESS :
				     PCI_BASE_ADDRESS_0 + 4u * (uint32_t)bar;
}

static inline bool pci_bar_is_io(const struct pci_bar *b)
{
	return b->type == PCI_BAR_IO;
}

/* ---- pci_decode.c ---- */

/* Does what a BAR of @d decodes differ from its bars[].decoded/addr? */
bool pci_decode_changed(const struct pci_dev *d);

/*
 * Step 2 of a config write, bus-wide: unmap every BAR that stopped
 * decoding or moved (it is no longer decoded), and every mapped BAR that
 * now overlaps another decoded BAR or a reserved range.
 */
void pci_decode_unmap_stale(struct pci_bus *bus);

/*
 * Step 4, bus-wide: every BAR that decodes is decoded at its address, and
 * mapped unless it overlaps something (or its bar_map fails).
 */
void pci_decode_map_ready(struct pci_bus *bus);

/* Take BAR @i of @d out of its memslots (if mapped) and out of decode. */
void pci_decode_stop(struct pci_dev *d, int i);

/* ---- pci.c ---- */

/* Config access inside the bus lock: @off in bytes, @len 1, 2 or 4. */
uint32_t pci_cfg_read_locked(struct pci_bus *b, uint8_t devfn, uint32_t off,
			     uint32_t len);
void pci_cfg_write_locked(struct pci_bus *b, uint8_t devfn, uint32_t off,
			  uint32_t len, uint32_t val);

#endif
