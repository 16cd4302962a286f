// SPDX-License-Identifier: GPL-2.0
/* A virtio function's own MSI-X table and PBA, each vector an irqfd. */
/*
 * Source: PCI Local Bus 3.0 §6.8.2 (MSI-X capability, table, PBA;
 * §6.8.2.9 masking and pending bits), virtio 1.2 §4.1.5.1.2 (vector
 * configuration: a vector the device cannot use reads back as
 * VIRTIO_MSI_NO_VECTOR). Constants from <linux/pci_regs.h>.
 *
 * A vector gets its eventfd and GSI (irqfd attached, through the VMM's
 * irq backend) when the driver first assigns it to a queue or to the
 * configuration; its MSI route follows the table entry whenever the entry
 * is unmasked. An interrupt on a masked vector (entry or function mask,
 * or MSI-X disabled) sets its PBA bit and is delivered on unmask.
 */
#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <linux/virtio_pci.h>

#include "virtio/virtio_pci.h"
#include "virtio/virtio_regs.h"

static uint32_t entry_word(const struct virtio_msix_vec *e, unsigned int off)
{
	uint32_t v;

	memcpy(&v, e->entry + off, 4);
	return v;
}

static bool entry_masked(const struct virtio_msix_vec *e)
{
	return entry_word(e, PCI_MSIX_ENTRY_VECTOR_CTRL) &
	       PCI_MSIX_ENTRY_CTRL_MASKBIT;
}

static bool masked(const struct virtio_dev *v, unsigned int i)
{
	return !v->msix_enabled || v->msix_masked || entry_masked(&v->vec[i]);
}

void virtio_msix_init(struct virtio_dev *v, uint8_t cap)
{
	struct pci_dev *d = &v->pci;
	uint32_t one = PCI_MSIX_ENTRY_CTRL_MASKBIT;

	d->cfg[cap] = PCI_CAP_ID_MSIX;
	pci_cfg_set(d, cap + PCI_MSIX_FLAGS, 2, v->nr_vectors - 1);
	pci_cfg_set(d, cap + PCI_MSIX_TABLE, 4,
		    VIRTIO_REGS_MSIX_TABLE | VIRTIO_REGS_BAR);
	pci_cfg_set(d, cap + PCI_MSIX_PBA, 4,
		    VIRTIO_REGS_MSIX_PBA | VIRTIO_REGS_BAR);
	/* Enable and function mask are the only writable bits. */
	d->wmask[cap + PCI_MSIX_FLAGS + 1] =
		(PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL) >> 8;
	/* §6.8.2.9: every entry comes out of reset masked. */
	for (unsigned int i = 0; i < v->nr_vectors; i++)
		memcpy(v->vec[i].entry + PCI_MSIX_ENTRY_VECTOR_CTRL, &one, 4);
}

static void route(struct virtio_dev *v, unsigned int i)
{
	struct virtio_msix_vec *e = &v->vec[i];
	struct pv_error err = { "" };
	uint64_t addr;

	if (e->fd < 0 || !v->irq.msi_route)
		return;
	addr = entry_word(e, PCI_MSIX_ENTRY_LOWER_ADDR) |
	       (uint64_t)entry_word(e, PCI_MSIX_ENTRY_UPPER_ADDR) << 32;
	if (v->irq.msi_route(v->irq.ctx, e->gsi, addr,
			     entry_word(e, PCI_MSIX_ENTRY_DATA), &err))
		pv_warn("%s: MSI-X vector %u: %s", v->name, i, err.msg);
}

static void fire(struct virtio_dev *v, unsigned int i)
{
	uint64_t one = 1;

	if (write(v->vec[i].fd, &one, sizeof(one)) < 0)
		pv_warn("%s: MSI-X vector %u lost: %s", v->name, i,
			strerror(errno));
}

/* Route changes of one register write reach the controller at once. */
static void routes_begin(struct virtio_dev *v)
{
	if (v->irq.batch_begin)
		v->irq.batch_begin(v->irq.ctx);
}

static void routes_end(struct virtio_dev *v)
{
	struct pv_error err = { "" };

	if (v->irq.batch_end && v->irq.batch_end(v->irq.ctx, &err))
		pv_warn("%s: MSI-X routes: %s", v->name, err.msg);
}

/* Deliver what became deliverable: pending bits of unmasked vectors. */
static void flush_pending(struct virtio_dev *v, unsigned int i)
{
	if (v->vec[i].pending && v->vec[i].fd >= 0 && !masked(v, i)) {
		v->vec[i].pending = false;
		fire(v, i);
	}
}

uint16_t virtio_msix_assign(struct virtio_dev *v, uint16_t vector)
{
	struct virtio_msix_vec *e;
	struct pv_error err = { "" };

	if (vector == VIRTIO_MSI_NO_VECTOR)
		return vector;
	if (vector >= v->nr_vectors)
		return VIRTIO_MSI_NO_VECTOR;
	e = &v->vec[vector];
	if (e->fd >= 0)
		return vector;
	e->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (e->fd < 0 || !v->irq.msi_attach ||
	    v->irq.msi_attach(v->irq.ctx, e->fd, &e->gsi, &err)) {
		pv_warn("%s: MSI-X vector %u: %s", v->name, vector,
			e->fd < 0  ? strerror(errno) :
			err.msg[0] ? err.msg :
				     "no interrupt backend");
		if (e->fd >= 0)
			close(e->fd);
		e->fd = -1;
		return VIRTIO_MSI_NO_VECTOR;
	}
	if (!entry_masked(e))
		route(v, vector);
	return vector;
}

bool virtio_msix_signal(struct virtio_dev *v, uint16_t vector)
{
	if (vector >= v->nr_vectors || v->vec[vector].fd < 0)
		return false;
	if (masked(v, vector))
		v->vec[vector].pending = true;
	else
		fire(v, vector);
	return true;
}

bool virtio_msix_direct(const struct virtio_dev *v, uint16_t vector)
{
	return vector < v->nr_vectors && v->vec[vector].fd >= 0 &&
	       !masked(v, vector);
}

void virtio_msix_ctrl_changed(struct virtio_dev *v)
{
	uint16_t flags = (uint16_t)pci_cfg_get(
		&v->pci, VIRTIO_CAP_MSIX + PCI_MSIX_FLAGS, 2);

	v->msix_enabled = flags & PCI_MSIX_FLAGS_ENABLE;
	v->msix_masked = flags & PCI_MSIX_FLAGS_MASKALL;
	routes_begin(v);
	for (unsigned int i = 0; i < v->nr_vectors; i++)
		if (!masked(v, i))
			route(v, i);
	routes_end(v);
	/* Pending interrupts only once their routes are in place. */
	for (unsigned int i = 0; i < v->nr_vectors; i++)
		flush_pending(v, i);
}

void virtio_msix_table_read(struct virtio_dev *v, uint64_t off, uint8_t *data,
			    uint32_t len)
{
	for (uint32_t k = 0; k < len; k++) {
		uint64_t o = off + k;

		data[k] = o < 16ull * v->nr_vectors ?
				  v->vec[o / 16].entry[o % 16] :
				  0;
	}
}

void virtio_msix_table_write(struct virtio_dev *v, uint64_t off,
			     const uint8_t *data, uint32_t len)
{
	uint64_t first = off / 16, last = (off + len - 1) / 16;

	for (uint32_t k = 0; k < len; k++) {
		uint64_t o = off + k;

		if (o < 16ull * v->nr_vectors)
			v->vec[o / 16].entry[o % 16] = data[k];
	}
	routes_begin(v);
	for (uint64_t i = first; i <= last && i < v->nr_vectors; i++)
		if (!entry_masked(&v->vec[i]))
			route(v, (unsigned int)i);
	routes_end(v);
	for (uint64_t i = first; i <= last && i < v->nr_vectors; i++)
		flush_pending(v, (unsigned int)i);
}

void virtio_msix_pba_read(struct virtio_dev *v, uint64_t off, uint8_t *data,
			  uint32_t len)
{
	uint64_t bits = 0;

	for (unsigned int i = 0; i < v->nr_vectors; i++)
		bits |= (uint64_t)v->vec[i].pending << i;
	for (uint32_t k = 0; k < len; k++)
		data[k] = off + k < 8 ? (uint8_t)(bits >> (8 * (off + k))) : 0;
}

void virtio_msix_free(struct virtio_dev *v)
{
	routes_begin(v);
	for (unsigned int i = 0; i <= VIRTIO_MAX_QUEUES; i++) {
		struct virtio_msix_vec *e = &v->vec[i];

		if (e->fd < 0)
			continue;
		if (v->irq.msi_detach)
			v->irq.msi_detach(v->irq.ctx, e->fd, e->gsi);
		close(e->fd);
		e->fd = -1;
	}
	routes_end(v);
}
