// SPDX-License-Identifier: GPL-2.0
/*
 * What each BAR decodes, and which BARs are handed to the device model's
 * bar_map (devices/pci.h, "A decoded BAR is never mapped while..."): a BAR
 * decodes when its decode bit (and the ROM's enable bit) is set and it
 * lies whole inside a window; it is mapped when, besides, it overlaps no
 * other decoded BAR of the bus and no reserved range. Refusals are warned
 * about once per BAR and kind, so a guest cannot flood the host's log.
 *
 * Specs: PCI Local Bus 3.0 §6.2.2 (command), §6.2.5 (BARs, expansion ROM).
 */
#include <errno.h>
#include <string.h>

#include <linux/pci_regs.h>

#include "devices/pci_priv.h"
#include "util/range.h"

/* Kinds of refusal to map a BAR, each warned about once per BAR. */
enum bar_warn {
	WARN_OVERLAP_BAR = 1u << 0,
	WARN_RESERVED = 1u << 1,
	WARN_MAP_FAILED = 1u << 2,
};

static bool in_window(const struct pci_window *w, uint64_t addr, uint64_t size)
{
	return w->size && range_contains(w->base, w->size, addr, size);
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
	uint32_t reg = pci_bar_reg(i), lo = pci_cfg_get(d, reg, 4);
	uint64_t a;

	if (!bus || b->type == PCI_BAR_NONE || !b->size)
		return false;
	switch (b->type) {
	case PCI_BAR_IO:
		if (!(cmd & PCI_COMMAND_IO))
			return false;
		a = lo & PCI_BASE_ADDRESS_IO_MASK;
		break;
	case PCI_BAR_MEM32:
		if (!(cmd & PCI_COMMAND_MEMORY))
			return false;
		a = lo & PCI_BASE_ADDRESS_MEM_MASK;
		break;
	case PCI_BAR_MEM64:
		if (!(cmd & PCI_COMMAND_MEMORY))
			return false;
		a = (lo & PCI_BASE_ADDRESS_MEM_MASK) |
		    (uint64_t)pci_cfg_get(d, reg + 4, 4) << 32;
		break;
	case PCI_BAR_ROM:
		if (!(cmd & PCI_COMMAND_MEMORY) ||
		    !(lo & PCI_ROM_ADDRESS_ENABLE))
			return false;
		a = lo & PCI_ROM_ADDRESS_MASK;
		break;
	default:
		return false;
	}
	a &= ~(b->size - 1);
	if (pci_bar_is_io(b)) {
		if (!in_window(&bus->win[PCI_WIN_IO], a, b->size))
			return false;
	} else if (!in_window(&bus->win[PCI_WIN_MMIO32], a, b->size) &&
		   !in_window(&bus->win[PCI_WIN_MMIO64], a, b->size)) {
		return false;
	}
	*addr = a;
	return true;
}

/* Is this the first refusal of @kind for BAR @i of @d? Marks it. */
static bool first_warning(struct pci_dev *d, int i, unsigned int kind)
{
	if (d->bars[i].warned & kind)
		return false;
	d->bars[i].warned |= (uint8_t)kind;
	return true;
}

/*
 * Must BAR @i of @d, decoding at @addr, stay unmapped? It must when it
 * overlaps a reserved range of its space, or another BAR of its space that
 * decodes per the registers as they are now (on any device of the bus).
 * With @warn, the first refusal of each kind is logged: the guest chooses
 * BAR addresses, so it must not be able to flood the host's log.
 */
static bool bar_conflicts(struct pci_dev *d, int i, uint64_t addr, bool warn)
{
	const struct pci_bar *b = &d->bars[i];
	struct pci_bus *bus = d->bus;
	bool io = pci_bar_is_io(b);
	char bdf[16], obdf[16];

	pci_bdf_str(d, bdf, sizeof(bdf));
	for (unsigned int k = 0; k < bus->nr_resv; k++) {
		const struct pci_reserved *r = &bus->resv[k];

		if (r->io != io ||
		    !range_overlaps(addr, b->size, r->base, r->size))
			continue;
		if (warn && first_warning(d, i, WARN_RESERVED))
			pv_warn("%s (%s): BAR%d at 0x%llx overlaps %s [0x%llx, 0x%llx): it is not mapped (it traps, slowly) until the guest moves it",
				bdf, d->name, i, (unsigned long long)addr,
				r->name, (unsigned long long)r->base,
				(unsigned long long)(r->base + r->size));
		return true;
	}
	for (int fn = 0; fn < PCI_MAX_DEVFN; fn++) {
		struct pci_dev *o = bus->devs[fn];

		for (int j = 0; o && j <= PCI_ROM_SLOT; j++) {
			uint64_t oaddr = 0;

			if ((o == d && j == i) ||
			    pci_bar_is_io(&o->bars[j]) != io ||
			    !bar_decode(o, j, &oaddr) ||
			    !range_overlaps(addr, b->size, oaddr,
					    o->bars[j].size))
				continue;
			if (warn && first_warning(d, i, WARN_OVERLAP_BAR)) {
				pci_bdf_str(o, obdf, sizeof(obdf));
				pv_warn("%s (%s): BAR%d at 0x%llx overlaps BAR%d of %s (%s) at 0x%llx: neither is mapped (both trap, slowly) until the guest moves them apart",
					bdf, d->name, i,
					(unsigned long long)addr, j, obdf,
					o->name, (unsigned long long)oaddr);
			}
			return true;
		}
	}
	return false;
}

/* Take BAR @i of @d out of its memslots (if it was mapped). */
static void bar_release(struct pci_dev *d, int i)
{
	struct pci_bar *b = &d->bars[i];
	char bdf[16];

	pci_bdf_str(d, bdf, sizeof(bdf));
	if (b->mapped && d->ops && d->ops->bar_unmap)
		d->ops->bar_unmap(d, i, b->addr);
	pv_trace(TRACE_PCI, "%s BAR%d unmap 0x%llx", bdf, i,
		 (unsigned long long)b->addr);
	b->mapped = false;
}

static void bar_map_one(struct pci_dev *d, int i)
{
	struct pci_bar *b = &d->bars[i];
	char bdf[16];
	int ret = 0;

	pci_bdf_str(d, bdf, sizeof(bdf));
	b->mapped = false;
	if (d->ops && d->ops->bar_map) {
		ret = d->ops->bar_map(d, i, b->addr);
		b->mapped = ret == 0;
		if (ret && first_warning(d, i, WARN_MAP_FAILED))
			pv_warn("%s (%s): mapping BAR%d at 0x%llx failed "
				"(%s): its accesses will trap",
				bdf, d->name, i, (unsigned long long)b->addr,
				strerror(ret < 0 ? -ret : ret));
	}
	pv_trace(TRACE_PCI, "%s BAR%d map 0x%llx size 0x%llx%s", bdf, i,
		 (unsigned long long)b->addr, (unsigned long long)b->size,
		 b->mapped ? "" : " (trapped)");
}

bool pci_decode_changed(const struct pci_dev *d)
{
	for (int i = 0; i <= PCI_ROM_SLOT; i++) {
		uint64_t addr = 0;
		bool dec = bar_decode(d, i, &addr);

		if (dec != d->bars[i].decoded ||
		    (dec && addr != d->bars[i].addr))
			return true;
	}
	return false;
}

void pci_decode_unmap_stale(struct pci_bus *bus)
{
	for (int fn = 0; fn < PCI_MAX_DEVFN; fn++) {
		struct pci_dev *d = bus->devs[fn];

		for (int i = 0; d && i <= PCI_ROM_SLOT; i++) {
			struct pci_bar *b = &d->bars[i];
			uint64_t addr = 0;
			bool dec = bar_decode(d, i, &addr);

			if (b->decoded && (!dec || addr != b->addr)) {
				bar_release(d, i);
				b->decoded = false;
			} else if (b->mapped &&
				   bar_conflicts(d, i, addr, false)) {
				bar_release(d, i);
			}
		}
	}
}

void pci_decode_map_ready(struct pci_bus *bus)
{
	char bdf[16];

	for (int fn = 0; fn < PCI_MAX_DEVFN; fn++) {
		struct pci_dev *d = bus->devs[fn];

		for (int i = 0; d && i <= PCI_ROM_SLOT; i++) {
			struct pci_bar *b = &d->bars[i];
			uint64_t addr = 0;

			if (!bar_decode(d, i, &addr) || b->mapped)
				continue;
			b->decoded = true;
			b->addr = addr;
			if (!bar_conflicts(d, i, addr, true)) {
				bar_map_one(d, i);
				continue;
			}
			pci_bdf_str(d, bdf, sizeof(bdf));
			pv_trace(
				TRACE_PCI,
				"%s BAR%d map 0x%llx size 0x%llx (trapped: overlaps)",
				bdf, i, (unsigned long long)addr,
				(unsigned long long)b->size);
		}
	}
}

void pci_decode_stop(struct pci_dev *d, int i)
{
	if (d->bars[i].decoded)
		bar_release(d, i);
	d->bars[i].decoded = false;
}

int pci_bus_reserve(struct pci_bus *b, bool io, uint64_t base, uint64_t size,
		    const char *name)
{
	struct pci_reserved *r;

	if (!size)
		return -EINVAL;
	pthread_mutex_lock(&b->lock);
	if (b->nr_resv == PCI_MAX_RESERVED) {
		pthread_mutex_unlock(&b->lock);
		return -ENOSPC;
	}
	r = &b->resv[b->nr_resv++];
	r->base = base;
	r->size = size;
	r->io = io;
	r->name = name ? name : "a reserved range";
	pthread_mutex_unlock(&b->lock);
	return 0;
}
