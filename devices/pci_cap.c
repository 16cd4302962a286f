// SPDX-License-Identifier: GPL-2.0
/*
 * Capability layouts decoded from a config-space image (devices/pci_cap.h).
 * Source: PCI Local Bus 3.0 §6.8.2 (MSI-X), <linux/pci_regs.h>.
 */
#include "devices/pci_cap.h"

#include <errno.h>

#include <linux/pci_regs.h>

#include "util/range.h"

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

int pci_msix_layout(const uint8_t *cfg, size_t len, unsigned int pos,
		    struct pci_msix_layout *l)
{
	size_t room = len < PCI_CFG_SPACE_SIZE ? len : PCI_CFG_SPACE_SIZE;
	uint32_t table, pba;
	uint16_t flags;

	if (!range_contains(0, room, pos, PCI_CAP_MSIX_SIZEOF))
		return -EINVAL;
	flags = (uint16_t)(cfg[pos + PCI_MSIX_FLAGS] |
			   cfg[pos + PCI_MSIX_FLAGS + 1] << 8);
	table = le32(cfg + pos + PCI_MSIX_TABLE);
	pba = le32(cfg + pos + PCI_MSIX_PBA);
	l->nvec = (flags & PCI_MSIX_FLAGS_QSIZE) + 1u;
	l->table_bir = table & PCI_MSIX_TABLE_BIR;
	l->table_off = table & PCI_MSIX_TABLE_OFFSET;
	l->pba_bir = pba & PCI_MSIX_PBA_BIR;
	l->pba_off = pba & PCI_MSIX_PBA_OFFSET;
	l->table_size = l->nvec * PCI_MSIX_ENTRY_SIZE;
	l->pba_size = (l->nvec + 63) / 64 * 8;
	if (l->table_bir > PCI_STD_NUM_BARS - 1 ||
	    l->pba_bir > PCI_STD_NUM_BARS - 1)
		return -ERANGE;
	return 0;
}

bool pci_msix_fits(const struct pci_msix_layout *l, uint64_t table_bar_size,
		   uint64_t pba_bar_size)
{
	return range_contains(0, table_bar_size, l->table_off, l->table_size) &&
	       range_contains(0, pba_bar_size, l->pba_off, l->pba_size);
}
