// SPDX-License-Identifier: GPL-2.0
/*
 * MSI-X of the vfio-pci model: the capability (Enable and Function Mask
 * emulated), the table (emulated entirely: the guest's messages become
 * GSI routes, never device writes) and the PBA (the device's bits merged
 * with those of vectors that fired while masked). The table and PBA pages
 * are never mapped into the guest (pci_bar.c leaves them out of the BAR
 * pieces); bytes of those pages outside table and PBA reach the device.
 *
 * Sources: PCI Local Bus 3.0 §6.8.2 (MSI-X capability, table, PBA),
 * linux/vfio.h (VFIO_DEVICE_SET_IRQS, VFIO_IRQ_INFO_NORESIZE).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "util/range.h"
#include "vfio/vfio_pci_priv.h"

static void msix_entry(struct vfio_pci *vp, unsigned int v, uint64_t *addr,
		       uint32_t *data, bool *masked)
{
	const uint8_t *e = vp->msix_table + v * PCI_MSIX_ENTRY_SIZE;
	uint32_t w[4];

	memcpy(w, e, sizeof(w));
	*addr = w[0] | (uint64_t)w[1] << 32;
	*data = w[2];
	*masked = w[3] & PCI_MSIX_ENTRY_CTRL_MASKBIT;
}

static bool msix_fmask(struct vfio_pci *vp)
{
	return pci_cfg_get(&vp->pdev, vp->msix_cap + PCI_MSIX_FLAGS, 2) &
	       PCI_MSIX_FLAGS_MASKALL;
}

/*
 * Hand the eventfds to VFIO: SET_IRQS for vectors [0, n) where n covers
 * every vector with an eventfd (at least one, so that the device is in
 * MSI-X mode as soon as the guest enables it, like on bare metal). Kernels
 * without dynamic MSI-X (VFIO_IRQ_INFO_NORESIZE, or -EINVAL on growth)
 * need MSI-X disabled and re-enabled for a larger range.
 */
static void msix_commit(struct vfio_pci *vp)
{
	const uint32_t flags =
		VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	uint32_t n = 1;
	int32_t *fds;
	int ret;

	for (uint32_t i = 0; i < vp->msix.nvec; i++)
		if (vp->msix_vec[i].efd >= 0)
			n = i + 1;
	if (vp->msix_vfio_count > n)
		n = vp->msix_vfio_count;
	if (n > vp->irq_count[VFIO_PCI_MSIX_IRQ_INDEX] &&
	    vp->irq_count[VFIO_PCI_MSIX_IRQ_INDEX])
		n = vp->irq_count[VFIO_PCI_MSIX_IRQ_INDEX];
	fds = calloc(n, sizeof(*fds));
	if (!fds)
		return;
	for (uint32_t i = 0; i < n; i++)
		fds[i] = vp->msix_vec[i].efd;
	if (vp->msix_vfio_count && n > vp->msix_vfio_count &&
	    (vp->irq_flags[VFIO_PCI_MSIX_IRQ_INDEX] & VFIO_IRQ_INFO_NORESIZE))
		ret = -EINVAL;
	else
		ret = vpci_set_irqs(vp, VFIO_PCI_MSIX_IRQ_INDEX, flags, 0, n,
				    fds);
	if (ret == -EINVAL && vp->msix_vfio_count) {
		pv_trace(TRACE_IRQ, "%s MSI-X: re-enabling %u vectors in VFIO",
			 vp->bdf, n);
		vpci_irqs_off(vp, VFIO_PCI_MSIX_IRQ_INDEX);
		vp->msix_vfio_count = 0;
		ret = vpci_set_irqs(vp, VFIO_PCI_MSIX_IRQ_INDEX, flags, 0, n,
				    fds);
	}
	free(fds);
	if (ret) {
		pv_warn_limited(&vp->irq_warn,
				"%s: VFIO_DEVICE_SET_IRQS MSI-X 0..%u: %s",
				vp->bdf, n - 1, strerror(-ret));
		return;
	}
	vp->msix_vfio_count = n;
	pv_trace(TRACE_IRQ, "%s MSI-X: %u vectors enabled in VFIO", vp->bdf, n);
}

static void msix_sync_vec(struct vfio_pci *vp, unsigned int v, bool *created)
{
	uint64_t addr;
	uint32_t data;
	bool masked;

	msix_entry(vp, v, &addr, &data, &masked);
	vpci_vec_sync(vp, &vp->msix_vec[v], "MSI-X", v, addr, data,
		      masked || msix_fmask(vp), created);
}

void vpci_msix_disable(struct vfio_pci *vp)
{
	if (!vp->msix_enabled)
		return;
	if (vp->msix_vfio_count)
		vpci_irqs_off(vp, VFIO_PCI_MSIX_IRQ_INDEX);
	vp->msix_vfio_count = 0;
	vpci_routes_begin(vp);
	for (unsigned int i = 0; i < vp->msix.nvec; i++)
		vpci_vec_free(vp, &vp->msix_vec[i]);
	vpci_routes_end(vp);
	vp->msix_enabled = false;
	pv_trace(TRACE_IRQ, "%s MSI-X disabled", vp->bdf);
}

/* The guest wrote the MSI-X Message Control register. */
static void msix_control(struct vfio_pci *vp)
{
	uint32_t ctrl =
		pci_cfg_get(&vp->pdev, vp->msix_cap + PCI_MSIX_FLAGS, 2);
	bool created = false;

	if (!(ctrl & PCI_MSIX_FLAGS_ENABLE)) {
		if (vp->msix_enabled) {
			vpci_msix_disable(vp);
			vpci_intx_restore(vp);
		}
		return;
	}
	if (!vp->msix_enabled) {
		/* MSI and MSI-X are exclusive (PCI 3.0 §6.8.2): MSI-X wins. */
		vpci_msi_disable(vp);
		vpci_intx_disable(vp);
		vp->msix_enabled = true;
		pv_trace(TRACE_IRQ, "%s MSI-X enabled (%u vectors%s)", vp->bdf,
			 vp->msix.nvec,
			 msix_fmask(vp) ? ", function masked" : "");
	}
	vpci_routes_begin(vp);
	for (unsigned int i = 0; i < vp->msix.nvec; i++)
		msix_sync_vec(vp, i, &created);
	vpci_routes_end(vp);
	if (created || !vp->msix_vfio_count)
		msix_commit(vp);
}

/* One byte of the PBA: device bits OR emulated pending of masked vectors. */
static uint8_t msix_pba_byte(struct vfio_pci *vp, uint64_t boff)
{
	uint8_t hw = 0;

	if (vpci_region_read(vp, vp->msix.pba_bir, vp->msix.pba_off + boff, &hw,
			     1))
		hw = 0;
	for (unsigned int b = 0; b < 8; b++) {
		uint64_t v = boff * 8 + b;

		if (v < vp->msix.nvec && vpci_vec_pending(&vp->msix_vec[v]))
			hw |= (uint8_t)(1u << b);
	}
	return hw;
}

/*
 * Is byte @off of BAR @bar emulated (table/PBA)? Returns 1 table,
 * 2 PBA, 0 forwarded.
 */
static int msix_byte_kind(struct vfio_pci *vp, int bar, uint64_t off)
{
	if (!vp->msix_cap)
		return 0;
	if (bar == (int)vp->msix.table_bir &&
	    range_contains(vp->msix.table_off, vp->msix.table_size, off, 1))
		return 1;
	if (bar == (int)vp->msix.pba_bir &&
	    range_contains(vp->msix.pba_off, vp->msix.pba_size, off, 1))
		return 2;
	return 0;
}

static void msix_table_write(struct vfio_pci *vp, uint64_t toff,
			     const uint8_t *data, uint32_t len)
{
	unsigned int first = (unsigned int)(toff / PCI_MSIX_ENTRY_SIZE);
	unsigned int last =
		(unsigned int)((toff + len - 1) / PCI_MSIX_ENTRY_SIZE);
	bool created = false;

	memcpy(vp->msix_table + toff, data, len);
	vpci_routes_begin(vp);
	for (unsigned int v = first; v <= last && v < vp->msix.nvec; v++) {
		uint8_t *ctl = vp->msix_table + v * PCI_MSIX_ENTRY_SIZE +
			       PCI_MSIX_ENTRY_VECTOR_CTRL;

		/* Vector Control bits 31:1 are reserved, read as 0. */
		ctl[0] &= PCI_MSIX_ENTRY_CTRL_MASKBIT;
		ctl[1] = ctl[2] = ctl[3] = 0;
		if (vp->msix_enabled)
			msix_sync_vec(vp, v, &created);
	}
	vpci_routes_end(vp);
	if (created)
		msix_commit(vp);
}

void vpci_msix_cfg_write(struct vfio_pci *vp, uint32_t off, uint32_t len)
{
	if (vp->msix_cap &&
	    range_overlaps(off, len, vp->msix_cap + PCI_MSIX_FLAGS, 2))
		msix_control(vp);
}

/* ------------------------------------------------------------------ */
/* Table and PBA accesses                                              */

bool vpci_msix_touches(struct vfio_pci *vp, int bar, uint64_t off, uint32_t len)
{
	if (!vp->msix_cap)
		return false;
	return (bar == (int)vp->msix.table_bir &&
		range_overlaps(off, len, vp->msix.table_off,
			       vp->msix.table_size)) ||
	       (bar == (int)vp->msix.pba_bir &&
		range_overlaps(off, len, vp->msix.pba_off, vp->msix.pba_size));
}

void vpci_msix_bar_read(struct vfio_pci *vp, int bar, uint64_t off,
			uint8_t *data, uint32_t len)
{
	vp->stats.msix_table_accesses++;
	for (uint32_t i = 0; i < len; i++) {
		uint64_t o = off + i;

		switch (msix_byte_kind(vp, bar, o)) {
		case 1:
			data[i] = vp->msix_table[o - vp->msix.table_off];
			break;
		case 2:
			data[i] = msix_pba_byte(vp, o - vp->msix.pba_off);
			break;
		default:
			if (vpci_region_read(vp, (unsigned int)bar, o, &data[i],
					     1))
				data[i] = 0xff;
		}
	}
}

void vpci_msix_bar_write(struct vfio_pci *vp, int bar, uint64_t off,
			 const uint8_t *data, uint32_t len)
{
	vp->stats.msix_table_accesses++;
	if (bar == (int)vp->msix.table_bir &&
	    range_contains(vp->msix.table_off, vp->msix.table_size, off, len)) {
		msix_table_write(vp, off - vp->msix.table_off, data, len);
		return;
	}
	/* Straddling the table/PBA edge: byte by byte; PBA is read-only. */
	for (uint32_t i = 0; i < len; i++) {
		uint64_t o = off + i;

		switch (msix_byte_kind(vp, bar, o)) {
		case 1:
			msix_table_write(vp, o - vp->msix.table_off, &data[i],
					 1);
			break;
		case 2:
			break;
		default:
			vpci_region_write(vp, (unsigned int)bar, o, &data[i],
					  1);
		}
	}
}

/* ------------------------------------------------------------------ */
/* Setup and teardown                                                  */

int vpci_msix_setup(struct vfio_pci *vp, const uint8_t *hw, uint32_t pos)
{
	struct pci_msix_layout l;
	uint16_t flags = (uint16_t)(hw[pos + PCI_MSIX_FLAGS] |
				    hw[pos + PCI_MSIX_FLAGS + 1] << 8);

	if (vp->msix_cap)
		return -EINVAL; /* a second one: nonsense */
	if (pci_msix_layout(hw, vp->cfg_region_size, pos, &l) ||
	    !pci_msix_fits(&l, vp->regions[l.table_bir].size,
			   vp->regions[l.pba_bir].size)) {
		pv_warn("%s: MSI-X table/PBA outside its BAR: MSI-X hidden",
			vp->bdf);
		return -EINVAL;
	}
	vp->msix_table = calloc(l.nvec, PCI_MSIX_ENTRY_SIZE);
	vp->msix_vec = calloc(l.nvec, sizeof(*vp->msix_vec));
	if (!vp->msix_table || !vp->msix_vec) {
		vpci_msix_free(vp);
		return -ENOMEM;
	}
	vp->msix = l;
	for (unsigned int i = 0; i < l.nvec; i++) {
		/* Reset state: every vector masked (PCI 3.0 §6.8.2.9). */
		vp->msix_table[i * PCI_MSIX_ENTRY_SIZE +
			       PCI_MSIX_ENTRY_VECTOR_CTRL] =
			PCI_MSIX_ENTRY_CTRL_MASKBIT;
		vpci_vec_reset(&vp->msix_vec[i]);
	}
	vp->msix_cap = (uint8_t)pos;
	/* Table Size, BIRs and offsets as the device says, read-only. */
	vpci_cfg_emulate(
		vp, pos + PCI_MSIX_FLAGS, 2,
		flags & ~(PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL),
		PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL, 0xffff);
	for (uint32_t o = PCI_MSIX_TABLE; o < PCI_CAP_MSIX_SIZEOF; o += 4) {
		uint32_t v = hw[pos + o] | hw[pos + o + 1] << 8 |
			     hw[pos + o + 2] << 16 |
			     (uint32_t)hw[pos + o + 3] << 24;

		vpci_cfg_emulate(vp, pos + o, 4, v, 0, 0xffffffff);
	}
	pv_trace(TRACE_VFIO,
		 "%s MSI-X cap at 0x%x: %u vectors, table BAR%u+0x%x, "
		 "PBA BAR%u+0x%x",
		 vp->bdf, pos, l.nvec, l.table_bir, l.table_off, l.pba_bir,
		 l.pba_off);
	return 0;
}

void vpci_msix_free(struct vfio_pci *vp)
{
	free(vp->msix_table);
	free(vp->msix_vec);
	vp->msix_table = NULL;
	vp->msix_vec = NULL;
	vp->msix_cap = 0;
	memset(&vp->msix, 0, sizeof(vp->msix));
}
