// SPDX-License-Identifier: GPL-2.0
/*
 * The VFIO DMA memory listener: every RAM region of the guest memory map is
 * one VFIO_IOMMU_MAP_DMA mapping (IOVA = GPA, vaddr = HVA), removed with
 * VFIO_IOMMU_UNMAP_DMA when the region goes. MMIO regions (BAR pieces) are
 * not mapped: peer-to-peer DMA is not supported.
 *
 * Mappings stay coarse (one per region) because the type1 driver limits
 * their number (dma_entry_limit, 65535 by default; VFIO_IOMMU_GET_INFO's
 * DMA_AVAIL capability tells what is left), and every mapped page is pinned
 * and charged to RLIMIT_MEMLOCK unless the process has CAP_IPC_LOCK.
 * Sources: linux/vfio.h VFIO_IOMMU_MAP_DMA, drivers/vfio/vfio_iommu_type1.c.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "vfio/vfio.h"

#define MEMLOCK_ADVICE                                           \
	"raise the locked-memory limit (`ulimit -l unlimited`, " \
	"or LimitMEMLOCK= in a systemd unit), or run passvm as " \
	"root / with CAP_IPC_LOCK"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int vfio_memlock_check(uint64_t need, uint64_t limit, bool privileged,
		       struct pv_error *err)
{
	if (privileged || limit == (uint64_t)RLIM_INFINITY || need <= limit)
		return 0;
	return pv_seterr(
		err, ENOMEM,
		"VFIO pins all guest RAM for DMA: %llu bytes (%llu MiB) "
		"must be lockable but RLIMIT_MEMLOCK is %llu bytes: " MEMLOCK_ADVICE,
		(unsigned long long)need,
		(unsigned long long)((need + (1 << 20) - 1) >> 20),
		(unsigned long long)limit);
}

static int dma_region_add(struct mem_listener *l, const struct mem_region *r,
			  struct pv_error *err)
{
	struct vfio_dma *d =
		(struct vfio_dma *)((char *)l - offsetof(struct vfio_dma, l));
	struct vfio_iommu_type1_dma_map map;
	uint64_t t0, minpg;
	int ret;

	if (r->kind != MEM_REGION_RAM)
		return 0;
	minpg = d->iova_pgsizes ? d->iova_pgsizes & -d->iova_pgsizes : 0;
	if (minpg && ((r->gpa | r->size | (uintptr_t)r->hva) & (minpg - 1)))
		return pv_seterr(
			err, EINVAL,
			"RAM region %s (GPA 0x%llx size 0x%llx) is not "
			"aligned to the IOMMU page size 0x%llx",
			r->name, (unsigned long long)r->gpa,
			(unsigned long long)r->size, (unsigned long long)minpg);
	if (d->dma_avail != ~0u && d->nr_mappings >= d->dma_avail)
		return pv_seterr(err, ENOSPC,
				 "the IOMMU container allows no more DMA "
				 "mappings (%u in use, DMA_AVAIL exhausted): "
				 "use fewer, larger RAM regions",
				 d->nr_mappings);

	memset(&map, 0, sizeof(map));
	map.argsz = sizeof(map);
	map.flags = VFIO_DMA_MAP_FLAG_READ;
	if (!r->readonly)
		map.flags |= VFIO_DMA_MAP_FLAG_WRITE;
	map.vaddr = (uintptr_t)r->hva;
	map.iova = r->gpa;
	map.size = r->size;
	pv_trace(TRACE_VFIO, "dma map iova 0x%llx size 0x%llx hva 0x%llx%s",
		 (unsigned long long)map.iova, (unsigned long long)map.size,
		 (unsigned long long)map.vaddr, r->readonly ? " (ro)" : "");
	t0 = now_ns();
	ret = d->io.ioctl(d->io.ctx, VFIO_IOMMU_MAP_DMA, &map);
	d->map_ns += now_ns() - t0;
	if (ret == -ENOMEM)
		return pv_seterr(
			err, ENOMEM,
			"VFIO_IOMMU_MAP_DMA of %s (iova 0x%llx size "
			"0x%llx) failed: Cannot allocate memory (pinning "
			"guest RAM exceeded the locked-memory limit?): " MEMLOCK_ADVICE,
			r->name, (unsigned long long)map.iova,
			(unsigned long long)map.size);
	if (ret < 0)
		return pv_seterr(err, -ret,
				 "VFIO_IOMMU_MAP_DMA of %s (iova 0x%llx size "
				 "0x%llx hva %p) failed: %s",
				 r->name, (unsigned long long)map.iova,
				 (unsigned long long)map.size, r->hva,
				 strerror(-ret));
	d->nr_mappings++;
	d->mapped_bytes += r->size;
	if (d->dma_avail != ~0u)
		d->dma_avail--;
	return 0;
}

static void dma_region_del(struct mem_listener *l, const struct mem_region *r)
{
	struct vfio_dma *d =
		(struct vfio_dma *)((char *)l - offsetof(struct vfio_dma, l));
	struct vfio_iommu_type1_dma_unmap unmap;
	int ret;

	if (r->kind != MEM_REGION_RAM)
		return;
	memset(&unmap, 0, sizeof(unmap));
	unmap.argsz = sizeof(unmap);
	unmap.iova = r->gpa;
	unmap.size = r->size;
	pv_trace(TRACE_VFIO, "dma unmap iova 0x%llx size 0x%llx",
		 (unsigned long long)unmap.iova,
		 (unsigned long long)unmap.size);
	ret = d->io.ioctl(d->io.ctx, VFIO_IOMMU_UNMAP_DMA, &unmap);
	if (ret < 0) {
		/* The container's close unmaps it anyway. */
		pv_warn("VFIO_IOMMU_UNMAP_DMA iova 0x%llx size 0x%llx: %s",
			(unsigned long long)unmap.iova,
			(unsigned long long)unmap.size, strerror(-ret));
		return;
	}
	if (d->nr_mappings)
		d->nr_mappings--;
	d->mapped_bytes -=
		d->mapped_bytes >= r->size ? r->size : d->mapped_bytes;
	if (d->dma_avail != ~0u)
		d->dma_avail++;
}

void vfio_dma_init(struct vfio_dma *d, const struct vfio_container_io *io,
		   uint32_t dma_avail, uint64_t iova_pgsizes)
{
	memset(d, 0, sizeof(*d));
	d->l.name = "vfio-dma";
	d->l.region_add = dma_region_add;
	d->l.region_del = dma_region_del;
	d->io = *io;
	d->dma_avail = dma_avail;
	d->iova_pgsizes = iova_pgsizes;
}
