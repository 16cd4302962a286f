// SPDX-License-Identifier: GPL-2.0
/* The PCI bus invariants the harnesses check after every step (pci_check.h). */
#include "pci_check.h"

#include "fuzz.h"
#include "util/range.h"

static bool in_win(const struct pci_window *w, uint64_t a, uint64_t size)
{
	return w->size && range_contains(w->base, w->size, a, size);
}

/* The address BAR @i of @d has in its registers (type bits masked). */
static uint64_t reg_addr(const struct pci_dev *d, int i)
{
	uint32_t reg = i == PCI_ROM_SLOT ?
			       PCI_ROM_ADDRESS :
			       PCI_BASE_ADDRESS_0 + 4u * (uint32_t)i;
	uint64_t lo = pci_cfg_get(d, reg, 4);

	switch (d->bars[i].type) {
	case PCI_BAR_IO:
		return lo & PCI_BASE_ADDRESS_IO_MASK;
	case PCI_BAR_MEM64:
		return (lo & PCI_BASE_ADDRESS_MEM_MASK) |
		       (uint64_t)pci_cfg_get(d, reg + 4, 4) << 32;
	case PCI_BAR_ROM:
		return lo & PCI_ROM_ADDRESS_MASK;
	default:
		return lo & PCI_BASE_ADDRESS_MEM_MASK;
	}
}

static void check_bar(struct pci_bus *b, const struct pci_dev *d, int i)
{
	const struct pci_bar *p = &d->bars[i];
	bool io = p->type == PCI_BAR_IO;

	FZ_CHECK(!p->mapped || p->decoded, "%s BAR%d mapped, not decoded",
		 d->name, i);
	if (!p->decoded)
		return;
	FZ_CHECK(p->type != PCI_BAR_NONE && p->size, "%s BAR%d decodes nothing",
		 d->name, i);
	FZ_CHECK(!(p->addr & (p->size - 1)), "%s BAR%d at 0x%llx misaligned",
		 d->name, i, (unsigned long long)p->addr);
	FZ_CHECK(p->addr == (reg_addr(d, i) & ~(p->size - 1)),
		 "%s BAR%d decoded at 0x%llx, registers say 0x%llx", d->name, i,
		 (unsigned long long)p->addr,
		 (unsigned long long)reg_addr(d, i));
	if (io)
		FZ_CHECK(in_win(&b->win[PCI_WIN_IO], p->addr, p->size),
			 "%s BAR%d I/O 0x%llx+0x%llx outside the I/O window",
			 d->name, i, (unsigned long long)p->addr,
			 (unsigned long long)p->size);
	else
		FZ_CHECK(in_win(&b->win[PCI_WIN_MMIO32], p->addr, p->size) ||
				 in_win(&b->win[PCI_WIN_MMIO64], p->addr,
					p->size),
			 "%s BAR%d 0x%llx+0x%llx outside the MMIO windows",
			 d->name, i, (unsigned long long)p->addr,
			 (unsigned long long)p->size);
	if (!p->mapped)
		return;
	for (unsigned int k = 0; k < b->nr_resv; k++) {
		const struct pci_reserved *r = &b->resv[k];

		FZ_CHECK(r->io != io || !range_overlaps(p->addr, p->size,
							r->base, r->size),
			 "%s BAR%d mapped at 0x%llx over %s", d->name, i,
			 (unsigned long long)p->addr, r->name);
	}
	for (int fn = 0; fn < PCI_MAX_DEVFN; fn++) {
		const struct pci_dev *o = b->devs[fn];

		for (int j = 0; o && j <= PCI_ROM_SLOT; j++) {
			const struct pci_bar *q = &o->bars[j];

			if ((o == d && j == i) || !q->mapped ||
			    (q->type == PCI_BAR_IO) != io)
				continue;
			FZ_CHECK(
				!range_overlaps(p->addr, p->size, q->addr,
						q->size),
				"%s BAR%d and %s BAR%d both mapped at 0x%llx / 0x%llx",
				d->name, i, o->name, j,
				(unsigned long long)p->addr,
				(unsigned long long)q->addr);
		}
	}
}

void pci_check_bus(struct pci_bus *b)
{
	pthread_mutex_lock(&b->lock);
	for (int fn = 0; fn < PCI_MAX_DEVFN; fn++) {
		const struct pci_dev *d = b->devs[fn];

		if (!d)
			continue;
		FZ_CHECK(d->devfn == fn && d->bus == b, "devfn %d is %s", fn,
			 d->name);
		for (int i = 0; i <= PCI_ROM_SLOT; i++)
			check_bar(b, d, i);
	}
	pthread_mutex_unlock(&b->lock);
}
