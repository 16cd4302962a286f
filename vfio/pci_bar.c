// SPDX-License-Identifier: GPL-2.0
/*
 * BARs of the vfio-pci model. Sizes come from the regions (rounded up to a
 * power of two, as the guest sizes them); the core (devices/pci.c) owns
 * the BAR registers and decode. Every mmap-able part of a memory BAR
 * (sparse mmap areas honoured, host pages only, the MSI-X table and PBA
 * pages left out) is mmapped once at init and becomes a MEM_REGION_MMIO
 * region, so a KVM memslot, whenever the core maps the BAR. What is not
 * mapped traps and is forwarded (pci_msix.c for the table and PBA).
 *
 * The expansion ROM is read once, as QEMU's vfio-pci does, into a private
 * read-only copy that a read-only memslot shows the guest (rom_load):
 * each read of the ROM region makes the host's vfio-pci enable the ROM
 * decoder, which a device may share with its other BARs (PCI 3.0
 * §6.2.5.2), and map it (pci_map_rom), and each trapped guest access
 * cost a VM exit: in the lab, reading a display's 28 KiB VGA BIOS through
 * sysfs three times took 14,439 of them and 16 s, 0.26 s with the copy.
 *
 * Sources: linux/vfio.h (region info, sparse mmap capability), PCI Local
 * Bus 3.0 §6.2.5 (BARs, expansion ROM).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "util/range.h"
#include "vfio/vfio_pci_priv.h"

/* ------------------------------------------------------------------ */
/* Sizes                                                               */

static uint64_t pow2_roundup(uint64_t v)
{
	uint64_t p = 1;

	while (p < v && p)
		p <<= 1;
	return p;
}

int vpci_bars_setup(struct vfio_pci *vp, const uint8_t *hw,
		    struct pv_error *err)
{
	struct pci_dev *d = &vp->pdev;
	int ret;

	for (int i = 0; i < PCI_NUM_BARS; i++) {
		const struct vfio_region *r = &vp->regions[i];
		uint32_t low;
		enum pci_bar_type type;
		bool pf = false;
		uint64_t size;

		if (!r->size)
			continue;
		memcpy(&low, hw + PCI_BASE_ADDRESS_0 + 4 * i, 4);
		if (low & PCI_BASE_ADDRESS_SPACE_IO) {
			type = PCI_BAR_IO;
			size = pow2_roundup(r->size < 16 ? 16 : r->size);
		} else {
			type = ((low & PCI_BASE_ADDRESS_MEM_TYPE_MASK) ==
				PCI_BASE_ADDRESS_MEM_TYPE_64) ?
				       PCI_BAR_MEM64 :
				       PCI_BAR_MEM32;
			pf = low & PCI_BASE_ADDRESS_MEM_PREFETCH;
			size = pow2_roundup(r->size < 16 ? 16 : r->size);
			if (type == PCI_BAR_MEM64 && i == PCI_NUM_BARS - 1)
				type = PCI_BAR_MEM32; /* broken device */
		}
		if (!size)
			continue;
		ret = pci_dev_set_bar(d, i, type, pf, size);
		if (ret)
			return pv_seterr(
				err, -ret,
				"%s: BAR%d (%s, 0x%llx bytes) rejected",
				vp->bdf, i, pci_bar_type_name(type, pf),
				(unsigned long long)size);
		vp->bars[i].type = type;
		vp->bars[i].prefetch = pf;
		vp->bars[i].size = size;
		pv_trace(TRACE_VFIO, "%s BAR%d %s size 0x%llx", vp->bdf, i,
			 pci_bar_type_name(type, pf), (unsigned long long)size);
		if (type == PCI_BAR_MEM64)
			i++;
	}
	if (vp->regions[VFIO_PCI_ROM_REGION_INDEX].size) {
		uint64_t size = pow2_roundup(
			vp->regions[VFIO_PCI_ROM_REGION_INDEX].size);

		if (size < 2048)
			size = 2048; /* PCI 3.0 §6.2.5.2: at least 2 KiB */
		ret = pci_dev_set_bar(d, PCI_ROM_SLOT, PCI_BAR_ROM, false,
				      size);
		if (ret)
			pv_warn("%s: expansion ROM (0x%llx bytes) not exposed",
				vp->bdf, (unsigned long long)size);
		else {
			vp->bars[PCI_ROM_SLOT].type = PCI_BAR_ROM;
			vp->bars[PCI_ROM_SLOT].size = size;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Pieces                                                              */

/* Remove [s, e) from the piece list @pc (@n entries, room for max). */
static unsigned int pieces_subtract(struct vfio_bar_piece *pc, unsigned int n,
				    unsigned int max, uint64_t s, uint64_t e)
{
	for (unsigned int i = 0; i < n; i++) {
		uint64_t ps = pc[i].off, pe = pc[i].off + pc[i].size;

		if (e <= ps || s >= pe)
			continue;
		if (s > ps && e < pe) {
			if (n < max) {
				pc[n].off = e;
				pc[n].size = pe - e;
				n++;
			}
			pc[i].size = s - ps;
		} else if (s > ps) {
			pc[i].size = s - ps;
		} else if (e < pe) {
			pc[i].off = e;
			pc[i].size = pe - e;
		} else {
			pc[i] = pc[--n];
			i--;
		}
	}
	return n;
}

static int piece_cmp(const void *a, const void *b)
{
	const struct vfio_bar_piece *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/*
 * Sorted pieces from areas that overlap (nothing forbids a device to
 * report such): each byte stays in the first piece that has it, later
 * ones are cut or dropped, so no two memslots ever overlap (which would
 * leave the whole BAR trapped) and each piece stays inside one area.
 */
static unsigned int pieces_disjoint(struct vfio_bar_piece *pc, unsigned int n)
{
	unsigned int out = 0;
	uint64_t end = 0;

	for (unsigned int i = 0; i < n; i++) {
		uint64_t e = pc[i].off + pc[i].size;

		if (out && e <= end)
			continue;
		if (out && pc[i].off < end) {
			pc[i].size = e - end;
			pc[i].off = end;
		}
		pc[out++] = pc[i];
		end = e;
	}
	return out;
}

/*
 * The mmappable pieces of BAR @bar: the region's mmap areas, shrunk to
 * host pages, minus the host pages holding the MSI-X table and PBA (they
 * stay trapped whether or not VFIO_REGION_INFO_CAP_MSIX_MAPPABLE allows
 * mapping them), each mmapped once now.
 */
static void bar_setup_pieces(struct vfio_pci *vp, int bar)
{
	const struct vfio_region *r = &vp->regions[bar];
	struct vfio_bar *b = &vp->bars[bar];
	uint64_t pg = (uint64_t)vp->page_size;
	struct vfio_bar_piece *pc = b->pieces;
	unsigned int n = 0;
	int prot = 0;

	if (b->type != PCI_BAR_MEM32 && b->type != PCI_BAR_MEM64)
		return;
	if (!(r->flags & VFIO_REGION_INFO_FLAG_MMAP) || r->size < pg)
		return;
	for (unsigned int i = 0; i < r->nr_areas && n < VFIO_MAX_BAR_PIECES;
	     i++) {
		uint64_t off = r->areas[i].off, len = r->areas[i].size, s, e;

		/* An area is clipped to the region before it is rounded. */
		if (off >= r->size || off > UINT64_MAX - pg)
			continue;
		if (len > r->size - off)
			len = r->size - off;
		s = (off + pg - 1) & ~(pg - 1);
		e = (off + len) & ~(pg - 1);
		if (e <= s)
			continue;
		pc[n].off = s;
		pc[n].size = e - s;
		n++;
	}
	if (vp->msix_cap && (int)vp->msix.table_bir == bar)
		n = pieces_subtract(pc, n, VFIO_MAX_BAR_PIECES,
				    vp->msix.table_off & ~(pg - 1),
				    ((uint64_t)vp->msix.table_off +
				     vp->msix.table_size + pg - 1) &
					    ~(pg - 1));
	if (vp->msix_cap && (int)vp->msix.pba_bir == bar)
		n = pieces_subtract(pc, n, VFIO_MAX_BAR_PIECES,
				    vp->msix.pba_off & ~(pg - 1),
				    ((uint64_t)vp->msix.pba_off +
				     vp->msix.pba_size + pg - 1) &
					    ~(pg - 1));
	qsort(pc, n, sizeof(*pc), piece_cmp);
	n = pieces_disjoint(pc, n);
	if (r->flags & VFIO_REGION_INFO_FLAG_READ)
		prot |= PROT_READ;
	if (r->flags & VFIO_REGION_INFO_FLAG_WRITE)
		prot |= PROT_WRITE;
	b->nr_pieces = 0;
	for (unsigned int i = 0; i < n; i++) {
		void *hva = vp->io.mmap(vp->io.ctx, r->offset + pc[i].off,
					pc[i].size, prot);

		if (hva == MAP_FAILED) {
			pv_warn_ratelimited(
				"%s: mmap of BAR%d 0x%llx+0x%llx failed (%s): "
				"that part stays trapped (slow)",
				vp->bdf, bar, (unsigned long long)pc[i].off,
				(unsigned long long)pc[i].size,
				strerror(errno));
			continue;
		}
		b->pieces[b->nr_pieces] = pc[i];
		b->pieces[b->nr_pieces].hva = hva;
		b->pieces[b->nr_pieces].in_map = false;
		b->nr_pieces++;
		pv_trace(TRACE_VFIO,
			 "%s BAR%d piece 0x%llx-0x%llx mmapped at %p", vp->bdf,
			 bar, (unsigned long long)pc[i].off,
			 (unsigned long long)(pc[i].off + pc[i].size), hva);
	}
}

/* ------------------------------------------------------------------ */
/* The expansion ROM's copy                                            */

/*
 * Read the ROM region once into an anonymous mapping the size of the ROM
 * BAR (whole host pages; bytes past the region read as all ones, as the
 * forwarded reads did), then made read-only. A ROM BAR of whole host pages
 * gets it as its one piece (a read-only memslot when mapped). Tried once:
 * a ROM that cannot be read (or is larger than VFIO_ROM_COPY_MAX) keeps
 * its reads forwarded.
 */
static void rom_load(struct vfio_pci *vp)
{
	const struct vfio_region *r = &vp->regions[VFIO_PCI_ROM_REGION_INDEX];
	struct vfio_bar *b = &vp->bars[PCI_ROM_SLOT];
	uint64_t pg = (uint64_t)vp->page_size, size;
	uint8_t *p;
	int ret;

	if (vp->rom_tried)
		return;
	vp->rom_tried = true;
	if (b->type != PCI_BAR_ROM || !r->size || r->size > b->size ||
	    b->size > VFIO_ROM_COPY_MAX)
		return;
	size = (b->size + pg - 1) & ~(pg - 1);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return;
	memset(p, 0xff, size);
	ret = vpci_region_read(vp, VFIO_PCI_ROM_REGION_INDEX, 0, p, r->size);
	if (ret || mprotect(p, size, PROT_READ)) {
		pv_trace(TRACE_VFIO,
			 "%s: expansion ROM not copied (%s): its reads go to "
			 "the device",
			 vp->bdf, strerror(ret ? -ret : errno));
		munmap(p, size);
		return;
	}
	vp->rom_copy = p;
	vp->rom_copy_size = size;
	if (b->size == size) {
		b->pieces[0] = (struct vfio_bar_piece){ .off = 0,
							.size = size,
							.hva = p };
		b->nr_pieces = 1;
	}
	pv_trace(TRACE_VFIO, "%s: expansion ROM copied, 0x%llx bytes%s",
		 vp->bdf, (unsigned long long)r->size,
		 b->nr_pieces ? "" : " (smaller than a page: trapped)");
}

/* ------------------------------------------------------------------ */
/* Trapped accesses                                                    */

/* BAR @bar exists, and [@off, @off + @len) is inside it. */
static bool bar_access_ok(struct vfio_pci *vp, int bar, uint64_t off,
			  uint32_t len)
{
	return bar >= 0 && bar <= PCI_ROM_SLOT && vp->regions[bar].size &&
	       vp->bars[bar].type != PCI_BAR_NONE &&
	       range_contains(0, vp->bars[bar].size, off, len);
}

void vpci_bar_read(struct pci_dev *d, int bar, uint64_t off, uint8_t *data,
		   uint32_t len)
{
	struct vfio_pci *vp = d->opaque;

	if (!len || len > 8)
		return; /* never write past the caller's buffer */
	memset(data, 0xff, len);
	pthread_mutex_lock(&vp->lock);
	vp->stats.bar_reads++;
	if (!bar_access_ok(vp, bar, off, len))
		goto out;
	if (bar == PCI_ROM_SLOT)
		rom_load(vp);
	if (bar == PCI_ROM_SLOT && vp->rom_copy)
		memcpy(data, vp->rom_copy + off, len); /* off + len <= size */
	else if (vpci_msix_touches(vp, bar, off, len))
		vpci_msix_bar_read(vp, bar, off, data, len);
	else if (vpci_region_read(vp, (unsigned int)bar, off, data, len))
		memset(data, 0xff, len);
out:
	pthread_mutex_unlock(&vp->lock);
}

void vpci_bar_write(struct pci_dev *d, int bar, uint64_t off,
		    const uint8_t *data, uint32_t len)
{
	struct vfio_pci *vp = d->opaque;

	if (!len || len > 8)
		return;
	pthread_mutex_lock(&vp->lock);
	vp->stats.bar_writes++;
	if (!bar_access_ok(vp, bar, off, len) || bar == PCI_ROM_SLOT)
		goto out; /* the ROM is read-only */
	if (vpci_msix_touches(vp, bar, off, len))
		vpci_msix_bar_write(vp, bar, off, data, len);
	else
		vpci_region_write(vp, (unsigned int)bar, off, data, len);
out:
	pthread_mutex_unlock(&vp->lock);
}

/* ------------------------------------------------------------------ */
/* Memslots                                                            */

static void bar_unmap_locked(struct vfio_pci *vp, int bar)
{
	struct vfio_bar *b = &vp->bars[bar];

	for (unsigned int i = 0; i < b->nr_pieces; i++) {
		struct vfio_bar_piece *p = &b->pieces[i];

		if (!p->in_map)
			continue;
		mem_map_remove(vp->mem, p->gpa);
		p->in_map = false;
		if (vp->stats.pieces_mapped)
			vp->stats.pieces_mapped--;
	}
}

int vpci_bar_map(struct pci_dev *d, int bar, uint64_t addr)
{
	struct vfio_pci *vp = d->opaque;
	struct vfio_bar *b;
	struct pv_error err;
	int ret = 0;

	if (bar < 0 || bar > PCI_ROM_SLOT)
		return 0;
	pthread_mutex_lock(&vp->lock);
	if (bar == PCI_ROM_SLOT)
		rom_load(vp);
	b = &vp->bars[bar];
	if (b->type == PCI_BAR_IO || b->type == PCI_BAR_NONE || !b->nr_pieces)
		goto out;
	if (addr % (uint64_t)vp->page_size) {
		pv_trace(TRACE_VFIO,
			 "%s BAR%d at GPA 0x%llx is not page "
			 "aligned: trapped",
			 vp->bdf, bar, (unsigned long long)addr);
		goto out;
	}
	bar_unmap_locked(vp, bar);
	for (unsigned int i = 0; i < b->nr_pieces; i++) {
		struct vfio_bar_piece *p = &b->pieces[i];
		struct mem_region r;

		memset(&r, 0, sizeof(r));
		r.gpa = addr + p->off;
		r.size = p->size;
		r.hva = p->hva;
		r.kind = MEM_REGION_MMIO;
		r.readonly =
			bar == PCI_ROM_SLOT ||
			!(vp->regions[bar].flags & VFIO_REGION_INFO_FLAG_WRITE);
		if (bar == PCI_ROM_SLOT)
			snprintf(r.name, sizeof(r.name), "%s ROM", vp->bdf);
		else
			snprintf(r.name, sizeof(r.name), "%s BAR%d.%u", vp->bdf,
				 bar, i);
		ret = mem_map_add(vp->mem, &r, &err);
		if (ret) {
			/* The core warns once per failed map; no spam. */
			pv_trace(
				TRACE_VFIO,
				"%s: BAR%d piece 0x%llx+0x%llx stays trapped: %s",
				vp->bdf, bar, (unsigned long long)p->off,
				(unsigned long long)p->size, err.msg);
			bar_unmap_locked(vp, bar);
			goto out;
		}
		p->in_map = true;
		p->gpa = r.gpa;
		vp->stats.pieces_mapped++;
		pv_trace(TRACE_VFIO,
			 "BAR%d -> GPA 0x%llx, memslot region %u "
			 "[0x%llx-0x%llx] hva %p",
			 bar, (unsigned long long)addr, r.id,
			 (unsigned long long)r.gpa,
			 (unsigned long long)(r.gpa + r.size - 1), r.hva);
	}
out:
	pthread_mutex_unlock(&vp->lock);
	return ret;
}

void vpci_bar_unmap(struct pci_dev *d, int bar, uint64_t addr)
{
	struct vfio_pci *vp = d->opaque;

	if (bar < 0 || bar > PCI_ROM_SLOT)
		return;
	pthread_mutex_lock(&vp->lock);
	bar_unmap_locked(vp, bar);
	pthread_mutex_unlock(&vp->lock);
}

void vpci_bars_unmap(struct vfio_pci *vp)
{
	for (int i = 0; i <= PCI_ROM_SLOT; i++)
		bar_unmap_locked(vp, i);
}

void vpci_bars_mmap(struct vfio_pci *vp)
{
	for (int i = 0; i < PCI_NUM_BARS; i++)
		bar_setup_pieces(vp, i);
}

void vpci_bars_munmap(struct vfio_pci *vp)
{
	for (int i = 0; i < PCI_NUM_BARS; i++) {
		struct vfio_bar *b = &vp->bars[i];

		for (unsigned int k = 0; k < b->nr_pieces; k++)
			if (b->pieces[k].hva && vp->io.munmap)
				vp->io.munmap(vp->io.ctx, b->pieces[k].hva,
					      b->pieces[k].size);
		b->nr_pieces = 0;
	}
	/* The ROM's one piece, if any, is its copy: ours, not the fd's. */
	vp->bars[PCI_ROM_SLOT].nr_pieces = 0;
	if (vp->rom_copy)
		munmap(vp->rom_copy, vp->rom_copy_size);
	vp->rom_copy = NULL;
	vp->rom_copy_size = 0;
}
