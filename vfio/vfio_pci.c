// SPDX-License-Identifier: GPL-2.0
/*
 * The vfio-pci device model: a struct pci_dev whose config space is an
 * overlay on the real device's (pci_config.c, where the policy table is),
 * whose BARs are mmaps of the device fd split around the MSI-X table and
 * PBA pages, which stay trapped (pci_bar.c, pci_msix.c), and whose
 * interrupts are eventfds shared between VFIO (trigger) and KVM (irqfd)
 * (pci_irq.c). This file is its life cycle: init in three steps (query
 * the device, read its config image, build the virtual device), start,
 * quiesce, fini; and the device access the parts share.
 *
 * Sources: linux/vfio.h (VFIO_DEVICE_GET_INFO, GET_REGION_INFO,
 * GET_IRQ_INFO), PCI Local Bus 3.0 §6.1 (header).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "util/mmap_align.h"
#include "vfio/vfio_pci_priv.h"

#define CFG_IDX VFIO_PCI_CONFIG_REGION_INDEX

static const char *const region_names[] = {
	"BAR0", "BAR1", "BAR2", "BAR3", "BAR4", "BAR5", "ROM", "config", "VGA",
};

const struct pci_dev_ops vfio_pci_ops = {
	.cfg_read = vpci_cfg_read,
	.cfg_write = vpci_cfg_write,
	.bar_read = vpci_bar_read,
	.bar_write = vpci_bar_write,
	.bar_map = vpci_bar_map,
	.bar_unmap = vpci_bar_unmap,
};

/* ------------------------------------------------------------------ */
/* Device access                                                       */

int vpci_region_read(struct vfio_pci *vp, unsigned int idx, uint64_t off,
		     void *buf, size_t len)
{
	const struct vfio_region *r = &vp->regions[idx];
	ssize_t n;

	if (!r->size || off >= r->size || len > r->size - off)
		return -EINVAL;
	n = vp->io.pread(vp->io.ctx, buf, len, r->offset + off);
	return n == (ssize_t)len ? 0 : (n < 0 ? (int)n : -EIO);
}

int vpci_region_write(struct vfio_pci *vp, unsigned int idx, uint64_t off,
		      const void *buf, size_t len)
{
	const struct vfio_region *r = &vp->regions[idx];
	ssize_t n;

	if (!r->size || off >= r->size || len > r->size - off)
		return -EINVAL;
	n = vp->io.pwrite(vp->io.ctx, buf, len, r->offset + off);
	return n == (ssize_t)len ? 0 : (n < 0 ? (int)n : -EIO);
}

const struct vfio_pci_stats *vfio_pci_get_stats(const struct vfio_pci *vp)
{
	return &vp->stats;
}

void vfio_pci_get_irq_kinds(const struct vfio_pci *vp,
			    struct vfio_pci_irq_kinds *out)
{
	out->msi = vp->msi_cap && vp->irq_count[VFIO_PCI_MSI_IRQ_INDEX];
	out->msix = vp->msix_cap && vp->irq_count[VFIO_PCI_MSIX_IRQ_INDEX];
	out->intx = vp->irq_count[VFIO_PCI_INTX_IRQ_INDEX] &&
		    vp->pdev.cfg[PCI_INTERRUPT_PIN] && vp->pdev.intx_gsi;
}

void vfio_pci_use_devid(struct vfio_pci *vp)
{
	irq_owner_set_devid(vp->irq, vp->irq_owner, vp->pdev.devfn);
}

/* ------------------------------------------------------------------ */
/* Init step 1: what the device is                                     */

static void trace_region(const struct vfio_region *r)
{
	char areas[160] = "";
	size_t used = 0;

	if (!(trace_mask & TRACE_VFIO))
		return;
	for (unsigned int i = 0; i < r->nr_areas && used < sizeof(areas); i++) {
		int w = snprintf(areas + used, sizeof(areas) - used,
				 "%s0x%llx-0x%llx", i ? "," : "",
				 (unsigned long long)r->areas[i].off,
				 (unsigned long long)(r->areas[i].off +
						      r->areas[i].size));
		if (w > 0)
			used += (size_t)w;
	}
	pv_trace(TRACE_VFIO,
		 "region %u %s size 0x%llx flags 0x%x mmap areas "
		 "[%s]%s",
		 r->index, r->index < 9 ? region_names[r->index] : "?",
		 (unsigned long long)r->size, r->flags, areas,
		 r->msix_mappable ? " msix-mappable" : "");
}

/* VFIO_DEVICE_GET_INFO, the regions and the IRQ infos. */
static int query_device(struct vfio_pci *vp, struct pv_error *err)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	const struct vfio_dev_io *io = &vp->io;
	uint32_t nreg;
	int ret;

	ret = io->ioctl(io->ctx, VFIO_DEVICE_GET_INFO, &info);
	if (ret < 0)
		return pv_seterr(err, -ret, "%s: VFIO_DEVICE_GET_INFO: %s",
				 vp->bdf, strerror(-ret));
	if (!(info.flags & VFIO_DEVICE_FLAGS_PCI) ||
	    info.num_regions <= CFG_IDX)
		return pv_seterr(err, ENODEV, "%s is not a vfio-pci device",
				 vp->bdf);
	vp->dev_flags = info.flags;
	vp->num_regions = info.num_regions;
	vp->num_irqs = info.num_irqs;
	nreg = info.num_regions < VFIO_PCI_NUM_REGIONS ? info.num_regions :
							 VFIO_PCI_NUM_REGIONS;
	for (uint32_t i = 0; i < nreg; i++) {
		if (i == VFIO_PCI_VGA_REGION_INDEX)
			continue; /* no VGA ranges in a passvm guest */
		ret = vfio_region_info(io, i, &vp->regions[i]);
		if (ret < 0 && i == CFG_IDX)
			return pv_seterr(err, -ret,
					 "%s: VFIO_DEVICE_GET_REGION_INFO "
					 "(config): %s",
					 vp->bdf, strerror(-ret));
		if (ret < 0)
			memset(&vp->regions[i], 0, sizeof(vp->regions[i]));
		else if (vp->regions[i].size)
			trace_region(&vp->regions[i]);
	}
	for (uint32_t i = 0; i < info.num_irqs && i < VFIO_PCI_NUM_IRQS; i++) {
		struct vfio_irq_info ii = { .argsz = sizeof(ii), .index = i };

		if (io->ioctl(io->ctx, VFIO_DEVICE_GET_IRQ_INFO, &ii) == 0) {
			vp->irq_count[i] = ii.count;
			vp->irq_flags[i] = ii.flags;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Init step 2: the device's config image                              */

/*
 * Read the config region into @hw (PCI_CFG_EXP_SIZE bytes, 0xff past what
 * the device has) and check that it is an endpoint we can assign.
 */
static int read_config(struct vfio_pci *vp, uint8_t *hw, struct pv_error *err)
{
	uint64_t size = vp->regions[CFG_IDX].size;
	int ret;

	vp->cfg_region_size =
		(uint32_t)(size > PCI_CFG_EXP_SIZE ? PCI_CFG_EXP_SIZE : size);
	if (vp->cfg_region_size < PCI_STD_HEADER_SIZEOF)
		return pv_seterr(err, EIO, "%s: config region is %u bytes",
				 vp->bdf, vp->cfg_region_size);
	memset(hw, 0xff, PCI_CFG_EXP_SIZE);
	ret = vpci_region_read(vp, CFG_IDX, 0, hw, vp->cfg_region_size);
	if (ret)
		return pv_seterr(err, -ret, "%s: reading config space: %s",
				 vp->bdf, strerror(-ret));
	if (hw[PCI_VENDOR_ID] == 0xff && hw[PCI_VENDOR_ID + 1] == 0xff)
		return pv_seterr(err, EIO,
				 "%s: config space reads all-ones (device "
				 "gone or in D3cold?)",
				 vp->bdf);
	if ((hw[PCI_HEADER_TYPE] & 0x7f) != PCI_HEADER_TYPE_NORMAL)
		return pv_seterr(err, ENOTSUP,
				 "%s is a bridge (header type %u): only "
				 "endpoints can be assigned",
				 vp->bdf, hw[PCI_HEADER_TYPE] & 0x7f);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Init step 3: the virtual device                                     */

static int build_device(struct vfio_pci *vp, const uint8_t *hw,
			struct pv_error *err)
{
	struct pci_dev *d = &vp->pdev;
	uint16_t vendor =
		(uint16_t)(hw[PCI_VENDOR_ID] | hw[PCI_VENDOR_ID + 1] << 8);
	uint16_t device =
		(uint16_t)(hw[PCI_DEVICE_ID] | hw[PCI_DEVICE_ID + 1] << 8);
	uint32_t class_code = hw[PCI_CLASS_PROG] | hw[PCI_CLASS_DEVICE] << 8 |
			      (uint32_t)hw[PCI_CLASS_DEVICE + 1] << 16;
	char name[32];
	int ret;

	snprintf(name, sizeof(name), "vfio %s", vp->bdf);
	pci_dev_init(d, name, vendor, device, class_code,
		     vp->cfg_region_size >= PCI_CFG_EXP_SIZE ?
			     PCI_CFG_EXP_SIZE :
			     PCI_CFG_SIZE,
		     &vfio_pci_ops, vp);
	ret = vpci_bars_setup(vp, hw, err);
	if (ret)
		return ret;
	ret = vpci_cfg_build(vp, hw);
	if (ret)
		return pv_seterr(err, -ret, "out of memory");
	vpci_bars_mmap(vp);
	pv_trace(TRACE_VFIO,
		 "%s: vfio-pci model %04x:%04x class %06x, config "
		 "%u bytes%s%s",
		 vp->bdf, vendor, device, class_code, d->cfg_size,
		 vp->msix_cap ? ", MSI-X" : "", vp->msi_cap ? ", MSI" : "");
	return 0;
}

int vfio_pci_init(struct vfio_pci *vp, const char *bdf,
		  const struct vfio_dev_io *io, struct mem_map *mem,
		  struct irq_router *irq, struct pv_error *err)
{
	uint8_t *hw;
	int ret;

	memset(vp, 0, sizeof(*vp));
	pthread_mutex_init(&vp->lock, NULL);
	snprintf(vp->bdf, sizeof(vp->bdf), "%s", bdf);
	vp->io = *io;
	vp->mem = mem;
	vp->irq = irq;
	vp->page_size = io->page_size > 0 ? io->page_size : host_page_size();
	vp->intx_efd = vp->intx_resample_efd = -1;
	for (unsigned int i = 0; i < VFIO_MSI_MAX_VECTORS; i++)
		vpci_vec_reset(&vp->msi_vec[i]);
	ret = irq_owner_add(irq, bdf, err);
	if (ret < 0)
		return ret;
	vp->irq_owner = ret;

	ret = query_device(vp, err);
	if (ret)
		return ret;
	hw = malloc(PCI_CFG_EXP_SIZE);
	if (!hw)
		return pv_seterr(err, ENOMEM, "out of memory");
	ret = read_config(vp, hw, err);
	if (!ret)
		ret = build_device(vp, hw, err);
	free(hw);
	if (ret)
		vfio_pci_fini(vp);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Start, quiesce, fini                                                */

int vfio_pci_start(struct vfio_pci *vp, struct pv_error *err)
{
	int ret;

	pthread_mutex_lock(&vp->lock);
	vp->intx_possible = vp->irq_count[VFIO_PCI_INTX_IRQ_INDEX] &&
			    vp->pdev.cfg[PCI_INTERRUPT_PIN] &&
			    vp->pdev.intx_gsi;
	vp->started = true;
	ret = vpci_intx_enable(vp, err);
	pthread_mutex_unlock(&vp->lock);
	return ret;
}

void vfio_pci_quiesce(struct vfio_pci *vp)
{
	pthread_mutex_lock(&vp->lock);
	vp->started = false;
	vpci_msix_disable(vp);
	vpci_msi_disable(vp);
	vpci_intx_disable(vp);
	vpci_bars_unmap(vp);
	pthread_mutex_unlock(&vp->lock);
}

void vfio_pci_stop_dma(struct vfio_pci *vp)
{
	uint16_t cmd;

	pthread_mutex_lock(&vp->lock);
	if (!vpci_region_read(vp, CFG_IDX, PCI_COMMAND, &cmd, 2) &&
	    (cmd & PCI_COMMAND_MASTER)) {
		cmd &= (uint16_t)~PCI_COMMAND_MASTER;
		vpci_region_write(vp, CFG_IDX, PCI_COMMAND, &cmd, 2);
	}
	pthread_mutex_unlock(&vp->lock);
}

void vfio_pci_fini(struct vfio_pci *vp)
{
	vfio_pci_quiesce(vp);
	pthread_mutex_lock(&vp->lock);
	vpci_bars_munmap(vp);
	vpci_msix_free(vp);
	pthread_mutex_unlock(&vp->lock);
}
