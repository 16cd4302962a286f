// SPDX-License-Identifier: GPL-2.0
/*
 * An in-memory VFIO device, container and irq backend for the unit tests
 * (see fake_vfio.h). It answers the linux/vfio.h ioctls with the layouts
 * the UAPI documents, including capability chains that need argsz growth.
 */
#include "fake_vfio.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <linux/pci_regs.h>
#include <linux/vfio.h>

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint8_t *anon(uint64_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void fake_vfio_nvme(struct fake_vfio *f)
{
	uint8_t *c = f->cfg;
	const uint32_t rw =
		VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;

	memset(f, 0, sizeof(*f));
	f->dev_flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
	put16(c + PCI_VENDOR_ID, 0x1b36);
	put16(c + PCI_DEVICE_ID, 0x0010);
	put16(c + PCI_STATUS, PCI_STATUS_CAP_LIST);
	c[PCI_REVISION_ID] = 0x02;
	c[PCI_CLASS_PROG] = 0x02;
	c[PCI_CLASS_DEVICE] = 0x08;
	c[PCI_CLASS_DEVICE + 1] = 0x01;
	c[PCI_HEADER_TYPE] = 0x80; /* multi-function bit: must be cleared */
	put32(c + PCI_BASE_ADDRESS_0, 0xfebd0004); /* mem64, stale address */
	put32(c + PCI_BASE_ADDRESS_2, 0x0000c001); /* I/O */
	put32(c + PCI_BASE_ADDRESS_4, 0xfebe0000); /* mem32 */
	put16(c + PCI_SUBSYSTEM_VENDOR_ID, 0x1af4);
	put16(c + PCI_SUBSYSTEM_ID, 0x1100);
	c[PCI_INTERRUPT_PIN] = 1;
	c[PCI_CAPABILITY_LIST] = 0x40;
	/* PM */
	c[0x40] = PCI_CAP_ID_PM;
	c[0x41] = 0x50;
	put16(c + 0x42, 0x0003);
	/* MSI: 64-bit, per-vector mask, 4 messages capable (MMC = 2) */
	c[0x50] = PCI_CAP_ID_MSI;
	c[0x51] = 0x70;
	put16(c + 0x52, PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_MASKBIT | (2 << 1));
	/* MSI-X: 16 vectors, table BAR0+0x2000, PBA BAR0+0x2800 */
	c[0x70] = PCI_CAP_ID_MSIX;
	c[0x71] = 0x80;
	put16(c + 0x72, 15);
	put32(c + 0x74, 0x2000 | 0);
	put32(c + 0x78, 0x2800 | 0);
	/* PCIe v2, endpoint */
	c[0x80] = PCI_CAP_ID_EXP;
	c[0x81] = 0xc0;
	put16(c + 0x82, 0x0002 | (PCI_EXP_TYPE_ENDPOINT << 4));
	put32(c + 0x8c, 0x00411c12); /* link cap: x1, 5 GT/s */
	/* vendor-specific */
	c[0xc0] = PCI_CAP_ID_VNDR;
	c[0xc1] = 0xd0;
	c[0xc2] = 0x08;
	c[0xc3] = 0x5a;
	/* HyperTransport: hidden */
	c[0xd0] = PCI_CAP_ID_HT;
	c[0xd1] = 0x00;
	/* AER at 0x100 -> SR-IOV at 0x140 */
	put32(c + 0x100, PCI_EXT_CAP_ID_ERR | 2 << 16 | 0x140u << 20);
	put32(c + 0x140, PCI_EXT_CAP_ID_SRIOV | 1 << 16);

	f->regions[0].size = 0x4000;
	f->regions[0].flags = rw | VFIO_REGION_INFO_FLAG_MMAP;
	f->regions[0].msix_mappable = true;
	f->regions[2].size = 0x20;
	f->regions[2].flags = rw;
	f->regions[4].size = 0x1000;
	f->regions[4].flags = rw | VFIO_REGION_INFO_FLAG_MMAP;
	f->regions[6].size = 0x10000;
	f->regions[6].flags = VFIO_REGION_INFO_FLAG_READ;
	f->regions[7].size = 4096;
	f->regions[7].flags = rw;
	for (int i = 0; i <= 6; i++) {
		if (!f->regions[i].size)
			continue;
		f->regions[i].mem = anon(
			f->regions[i].size < 4096 ? 4096 : f->regions[i].size);
	}
	for (uint32_t i = 0; i < 0x10000; i++)
		f->regions[6].mem[i] = (uint8_t)(i * 7);
	f->regions[6].mem[0] = 0x55;
	f->regions[6].mem[1] = 0xaa;
	f->irq_count[VFIO_PCI_INTX_IRQ_INDEX] = 1;
	f->irq_count[VFIO_PCI_MSI_IRQ_INDEX] = 4;
	f->irq_count[VFIO_PCI_MSIX_IRQ_INDEX] = 16;
	f->irq_count[VFIO_PCI_ERR_IRQ_INDEX] = 1;
	f->irq_count[VFIO_PCI_REQ_IRQ_INDEX] = 1;
	f->irq_flags[VFIO_PCI_MSIX_IRQ_INDEX] = VFIO_IRQ_INFO_EVENTFD;
}

void fake_vfio_vf(struct fake_vfio *f)
{
	uint8_t *c = f->cfg;
	const uint32_t rw =
		VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;

	memset(f, 0, sizeof(*f));
	f->dev_flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
	put16(c + PCI_VENDOR_ID, 0x8086); /* virtualized by vfio-pci */
	put16(c + PCI_DEVICE_ID, 0x10ca);
	put16(c + PCI_STATUS, PCI_STATUS_CAP_LIST);
	c[PCI_REVISION_ID] = 0x01;
	c[PCI_CLASS_DEVICE + 1] = 0x02; /* network controller, ethernet */
	/* vfio-pci's BAR fixup: flags from the resource, sizes aligned. */
	put32(c + PCI_BASE_ADDRESS_0,
	      PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH);
	put32(c + PCI_BASE_ADDRESS_3,
	      PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH);
	put16(c + PCI_SUBSYSTEM_VENDOR_ID, 0x8086);
	c[PCI_INTERRUPT_PIN] = 0;
	c[PCI_CAPABILITY_LIST] = 0x70;
	c[0x70] = PCI_CAP_ID_MSIX;
	c[0x71] = 0xa0;
	put16(c + 0x72, 2); /* 3 vectors */
	put32(c + 0x74, 0x0000 | 3);
	put32(c + 0x78, 0x2000 | 3);
	c[0xa0] = PCI_CAP_ID_EXP;
	c[0xa1] = 0x00;
	put16(c + 0xa2, 0x0002 | (PCI_EXP_TYPE_ENDPOINT << 4));
	put32(c + 0x100, PCI_EXT_CAP_ID_ERR | 2 << 16 | 0x150u << 20);
	put32(c + 0x150, PCI_EXT_CAP_ID_ARI | 1 << 16);

	f->regions[0].size = 0x4000;
	f->regions[0].flags = rw | VFIO_REGION_INFO_FLAG_MMAP;
	f->regions[3].size = 0x4000;
	f->regions[3].flags = rw | VFIO_REGION_INFO_FLAG_MMAP;
	f->regions[3].msix_mappable = true;
	f->regions[7].size = 4096;
	f->regions[7].flags = rw;
	f->regions[0].mem = anon(0x4000);
	f->regions[3].mem = anon(0x4000);
	f->irq_count[VFIO_PCI_MSIX_IRQ_INDEX] = 3;
	f->irq_count[VFIO_PCI_ERR_IRQ_INDEX] = 1;
	f->irq_count[VFIO_PCI_REQ_IRQ_INDEX] = 1;
	f->irq_flags[VFIO_PCI_MSIX_IRQ_INDEX] = VFIO_IRQ_INFO_EVENTFD;
}

void fake_vfio_free(struct fake_vfio *f)
{
	for (int i = 0; i < FAKE_NR_REGIONS; i++) {
		if (f->regions[i].mem)
			munmap(f->regions[i].mem, f->regions[i].size < 4096 ?
							  4096 :
							  f->regions[i].size);
		f->regions[i].mem = NULL;
	}
}

static int region_info(struct fake_vfio *f, struct vfio_region_info *ri)
{
	const struct fake_region *r;
	uint32_t need = sizeof(*ri), off_sparse = 0, off_msix = 0;

	if (ri->argsz < sizeof(*ri) || ri->index >= FAKE_NR_REGIONS)
		return -EINVAL;
	r = &f->regions[ri->index];
	if (r->nr_sparse) {
		off_sparse = need;
		need += sizeof(struct vfio_region_info_cap_sparse_mmap) +
			r->nr_sparse *
				sizeof(struct vfio_region_sparse_mmap_area);
	}
	if (r->msix_mappable) {
		off_msix = need;
		need += sizeof(struct vfio_info_cap_header);
	}
	ri->flags = r->flags;
	ri->size = r->size;
	ri->offset = (uint64_t)ri->index << FAKE_REGION_SHIFT;
	ri->cap_offset = 0;
	if (need == sizeof(*ri))
		return 0;
	ri->flags |= VFIO_REGION_INFO_FLAG_CAPS;
	if (ri->argsz < need) {
		ri->argsz = need; /* ask for more room */
		return 0;
	}
	ri->cap_offset = off_sparse ? off_sparse : off_msix;
	if (off_sparse) {
		struct vfio_region_info_cap_sparse_mmap *s =
			(void *)((uint8_t *)ri + off_sparse);

		s->header.id = VFIO_REGION_INFO_CAP_SPARSE_MMAP;
		s->header.version = 1;
		s->header.next = off_msix;
		s->nr_areas = r->nr_sparse;
		for (unsigned int i = 0; i < r->nr_sparse; i++) {
			s->areas[i].offset = r->sparse[i].off;
			s->areas[i].size = r->sparse[i].size;
		}
	}
	if (off_msix) {
		struct vfio_info_cap_header *h =
			(void *)((uint8_t *)ri + off_msix);

		h->id = VFIO_REGION_INFO_CAP_MSIX_MAPPABLE;
		h->version = 1;
		h->next = 0;
	}
	return 0;
}

static int set_irqs(struct fake_vfio *f, struct vfio_irq_set *s)
{
	struct fake_set_irqs *l;

	if (s->index >= 5)
		return -EINVAL;
	if ((s->flags & VFIO_IRQ_SET_DATA_EVENTFD) &&
	    s->start + s->count > f->irq_count[s->index])
		return -EINVAL;
	if ((s->flags & VFIO_IRQ_SET_DATA_EVENTFD) && f->set_irqs_error)
		return f->set_irqs_error;
	if (s->index == VFIO_PCI_MSIX_IRQ_INDEX &&
	    (s->flags & VFIO_IRQ_SET_ACTION_TRIGGER)) {
		if (s->flags & VFIO_IRQ_SET_DATA_NONE && !s->count) {
			f->msix_live = 0;
		} else if (s->flags & VFIO_IRQ_SET_DATA_EVENTFD) {
			if (f->msix_no_grow && f->msix_live &&
			    s->start + s->count > f->msix_live)
				return -EINVAL;
			if (!f->msix_live)
				f->msix_live = s->start + s->count;
		}
	}
	if (f->nr_irqs == FAKE_MAX_LOG)
		return 0;
	l = &f->irqs[f->nr_irqs++];
	l->index = s->index;
	l->flags = s->flags;
	l->start = s->start;
	l->count = s->count;
	if (s->flags & VFIO_IRQ_SET_DATA_EVENTFD)
		memcpy(l->fds, s->data,
		       (s->count < 64 ? s->count : 64) * sizeof(int32_t));
	return 0;
}

static int hot_reset_info(struct fake_vfio *f,
			  struct vfio_pci_hot_reset_info *hi)
{
	uint32_t need = sizeof(*hi) + f->nr_deps * sizeof(hi->devices[0]);

	if (!f->nr_deps)
		return -ENODEV;
	hi->count = f->nr_deps;
	if (hi->argsz < need)
		return -ENOSPC;
	for (unsigned int i = 0; i < f->nr_deps; i++) {
		hi->devices[i].group_id = f->dep_groups[i];
		hi->devices[i].segment = 0;
		hi->devices[i].bus = 1;
		hi->devices[i].devfn = (uint8_t)i;
	}
	return 0;
}

static int fake_ioctl(void *ctx, unsigned long req, void *arg)
{
	struct fake_vfio *f = ctx;

	switch (req) {
	case VFIO_DEVICE_GET_INFO: {
		struct vfio_device_info *di = arg;

		di->flags = f->dev_flags;
		di->num_regions = FAKE_NR_REGIONS;
		di->num_irqs = 5;
		return 0;
	}
	case VFIO_DEVICE_GET_REGION_INFO:
		return region_info(f, arg);
	case VFIO_DEVICE_GET_IRQ_INFO: {
		struct vfio_irq_info *ii = arg;

		if (ii->index >= 5)
			return -EINVAL;
		ii->count = f->irq_count[ii->index];
		ii->flags = f->irq_flags[ii->index];
		return 0;
	}
	case VFIO_DEVICE_SET_IRQS:
		return set_irqs(f, arg);
	case VFIO_DEVICE_RESET:
		if (!(f->dev_flags & VFIO_DEVICE_FLAGS_RESET))
			return -ENOTTY;
		f->resets++;
		return 0;
	case VFIO_DEVICE_GET_PCI_HOT_RESET_INFO:
		return hot_reset_info(f, arg);
	case VFIO_DEVICE_PCI_HOT_RESET: {
		struct vfio_pci_hot_reset *h = arg;

		f->hot_resets++;
		f->nr_hot_reset_fds = h->count < 8 ? h->count : 8;
		memcpy(f->hot_reset_fds, h->group_fds,
		       f->nr_hot_reset_fds * sizeof(int));
		return 0;
	}
	default:
		return -ENOTTY;
	}
}

static int fake_container_ioctl(void *ctx, unsigned long req, void *arg)
{
	struct fake_vfio *f = ctx;

	switch (req) {
	case VFIO_IOMMU_MAP_DMA: {
		struct vfio_iommu_type1_dma_map *m = arg;

		if (f->map_error)
			return f->map_error;
		if (f->nr_dma < FAKE_MAX_LOG)
			f->dma[f->nr_dma++] =
				(struct fake_dma_op){ true, m->iova, m->size,
						      m->vaddr, m->flags };
		return 0;
	}
	case VFIO_IOMMU_UNMAP_DMA: {
		struct vfio_iommu_type1_dma_unmap *u = arg;

		if (f->nr_dma < FAKE_MAX_LOG)
			f->dma[f->nr_dma++] =
				(struct fake_dma_op){ false, u->iova, u->size,
						      0, u->flags };
		return 0;
	}
	default:
		return -ENOTTY;
	}
}

static uint8_t *locate(struct fake_vfio *f, uint64_t off, size_t len,
		       unsigned int *region, uint64_t *roff)
{
	unsigned int idx = (unsigned int)(off >> FAKE_REGION_SHIFT);
	uint64_t o = off & ((1ull << FAKE_REGION_SHIFT) - 1);

	if (idx >= FAKE_NR_REGIONS || o + len > f->regions[idx].size)
		return NULL;
	*region = idx;
	*roff = o;
	if (idx == VFIO_PCI_CONFIG_REGION_INDEX)
		return f->cfg + o;
	return f->regions[idx].mem ? f->regions[idx].mem + o : NULL;
}

static ssize_t fake_pread(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct fake_vfio *f = ctx;
	unsigned int idx;
	uint64_t o;
	uint8_t *p = locate(f, off, len, &idx, &o);

	if (!p)
		return -EINVAL;
	if (idx == VFIO_PCI_ROM_REGION_INDEX) {
		f->rom_reads++;
		if (f->rom_fails)
			return -EIO;
	}
	memcpy(buf, p, len);
	return (ssize_t)len;
}

static ssize_t fake_pwrite(void *ctx, const void *buf, size_t len, uint64_t off)
{
	struct fake_vfio *f = ctx;
	unsigned int idx;
	uint64_t o, v = 0;
	uint8_t *p = locate(f, off, len, &idx, &o);

	if (!p || idx == VFIO_PCI_ROM_REGION_INDEX)
		return -EINVAL;
	memcpy(p, buf, len);
	memcpy(&v, buf, len < 8 ? len : 8);
	if (f->cmd_memory_hardwired && idx == VFIO_PCI_CONFIG_REGION_INDEX &&
	    o <= PCI_COMMAND && o + len > PCI_COMMAND)
		f->cfg[PCI_COMMAND] &= (uint8_t)~PCI_COMMAND_MEMORY;
	if (f->nr_writes < FAKE_MAX_LOG)
		f->writes[f->nr_writes++] =
			(struct fake_write){ idx, o, (uint32_t)len, v };
	return (ssize_t)len;
}

static void *fake_mmap(void *ctx, uint64_t off, size_t len, int prot)
{
	unsigned int idx;
	uint64_t o;
	uint8_t *p = locate(ctx, off, len, &idx, &o);

	if (!p || idx > 5) {
		errno = EINVAL;
		return MAP_FAILED;
	}
	return p;
}

static void fake_munmap(void *ctx, void *addr, size_t len)
{
}

struct vfio_dev_io fake_vfio_dev_io(struct fake_vfio *f)
{
	struct vfio_dev_io io = {
		.ioctl = fake_ioctl,
		.pread = fake_pread,
		.pwrite = fake_pwrite,
		.mmap = fake_mmap,
		.munmap = fake_munmap,
		.ctx = f,
	};
	return io;
}

struct vfio_container_io fake_vfio_container_io(struct fake_vfio *f)
{
	struct vfio_container_io io = { .ioctl = fake_container_ioctl,
					.ctx = f };

	return io;
}

int fake_vfio_find_write(const struct fake_vfio *f, unsigned int region,
			 uint64_t off)
{
	for (int i = (int)f->nr_writes - 1; i >= 0; i--)
		if (f->writes[i].region == region && f->writes[i].off == off)
			return i;
	return -1;
}

const struct fake_set_irqs *fake_vfio_last_irqs(const struct fake_vfio *f,
						uint32_t index)
{
	for (int i = (int)f->nr_irqs - 1; i >= 0; i--)
		if (f->irqs[i].index == index)
			return &f->irqs[i];
	return NULL;
}

/* ---- irq backend ---- */

static int fi_routing(void *ctx, const struct irq_route *routes, uint32_t n)
{
	struct fake_irq *fi = ctx;

	if (fi->routing_error)
		return fi->routing_error;
	fi->nr_routing++;
	return 0;
}

static int fi_line(void *ctx, uint32_t gsi, int level)
{
	return 0;
}

static int fi_irqfd(void *ctx, int fd, uint32_t gsi, int resample_fd,
		    bool assign)
{
	struct fake_irq *fi = ctx;

	if (assign && fi->irqfd_error)
		return fi->irqfd_error;
	if (fi->nr_irqfd < FAKE_IRQ_LOG)
		fi->irqfd[fi->nr_irqfd++] =
			(struct fake_irqfd_op){ fd, gsi, resample_fd, assign };
	return 0;
}

static int fi_msi(void *ctx, const struct irq_msi_msg *m)
{
	struct fake_irq *fi = ctx;

	if (fi->nr_msi < FAKE_IRQ_LOG) {
		fi->msi[fi->nr_msi].addr = m->addr;
		fi->msi[fi->nr_msi].data = m->data;
		fi->nr_msi++;
	}
	return 0;
}

struct irq_backend fake_irq_backend(struct fake_irq *fi)
{
	struct irq_backend be = {
		.set_routing = fi_routing,
		.irq_line = fi_line,
		.irqfd = fi_irqfd,
		.signal_msi = fi_msi,
		.ctx = fi,
	};
	return be;
}

bool fake_irq_attached(const struct fake_irq *fi, int fd, uint32_t *gsi,
		       int *resample_fd)
{
	for (int i = (int)fi->nr_irqfd - 1; i >= 0; i--) {
		if (fi->irqfd[i].fd != fd)
			continue;
		if (gsi)
			*gsi = fi->irqfd[i].gsi;
		if (resample_fd)
			*resample_fd = fi->irqfd[i].resample_fd;
		return fi->irqfd[i].assign;
	}
	return false;
}
