// SPDX-License-Identifier: GPL-2.0
/*
 * The VFIO DMA memory listener: every RAM region of the guest memory map is
 * one mapping (IOVA = GPA, vaddr = HVA): VFIO_IOMMU_MAP_DMA on the type1
 * container, IOMMU_IOAS_MAP into the IOAS with iommufd; removed with
 * VFIO_IOMMU_UNMAP_DMA / IOMMU_IOAS_UNMAP when the region goes. MMIO regions (BAR pieces) are
 * not mapped: peer-to-peer DMA is not supported.
 *
 * Mappings stay coarse (one per region) because the type1 driver limits
 * their number (dma_entry_limit, 65535 by default; VFIO_IOMMU_GET_INFO's
 * DMA_AVAIL capability tells what is left), and every mapped page is pinned
 * and charged to RLIMIT_MEMLOCK unless the process has CAP_IPC_LOCK.
 * iommufd pins and charges the same way (IOPT_PAGES_ACCOUNT_USER).
 * Sources: linux/vfio.h VFIO_IOMMU_MAP_DMA, drivers/vfio/vfio_iommu_type1.c,
 * linux/iommufd.h IOMMU_IOAS_MAP, drivers/iommu/iommufd/pages.c.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "vfio/iommufd_uapi.h"
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

static struct vfio_dma *to_dma(struct mem_listener *l)
{
	return (struct vfio_dma *)((char *)l - offsetof(struct vfio_dma, l));
}

static int dma_region_add(struct mem_listener *l, const struct mem_region *r,
			  struct pv_error *err)
{
	struct vfio_dma *d = to_dma(l);
	const char *call = d->ops->map_call;
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

	t0 = now_ns();
	ret = d->ops->map(d, r->gpa, r->size, (uintptr_t)r->hva, r->readonly);
	d->map_ns += now_ns() - t0;
	if (ret == -ENOMEM)
		return pv_seterr(
			err, ENOMEM,
			"%s of %s (iova 0x%llx size "
			"0x%llx) failed: Cannot allocate memory (pinning "
			"guest RAM exceeded the locked-memory limit?): " MEMLOCK_ADVICE,
			call, r->name, (unsigned long long)r->gpa,
			(unsigned long long)r->size);
	if (ret < 0)
		return pv_seterr(err, -ret,
				 "%s of %s (iova 0x%llx size "
				 "0x%llx hva %p) failed: %s",
				 call, r->name, (unsigned long long)r->gpa,
				 (unsigned long long)r->size, r->hva,
				 strerror(-ret));
	d->nr_mappings++;
	d->mapped_bytes += r->size;
	if (d->dma_avail != ~0u)
		d->dma_avail--;
	return 0;
}

static void dma_region_del(struct mem_listener *l, const struct mem_region *r)
{
	struct vfio_dma *d = to_dma(l);
	int ret;

	if (r->kind != MEM_REGION_RAM)
		return;
	ret = d->ops->unmap(d, r->gpa, r->size);
	if (ret < 0) {
		/* Closing the container or the iommufd unmaps it anyway. */
		pv_warn("%s iova 0x%llx size 0x%llx: %s", d->ops->unmap_call,
			(unsigned long long)r->gpa, (unsigned long long)r->size,
			strerror(-ret));
		return;
	}
	if (d->nr_mappings)
		d->nr_mappings--;
	d->mapped_bytes -=
		d->mapped_bytes >= r->size ? r->size : d->mapped_bytes;
	if (d->dma_avail != ~0u)
		d->dma_avail++;
}

/* The type1 container: linux/vfio.h VFIO_IOMMU_MAP_DMA / UNMAP_DMA. */
static int type1_map(struct vfio_dma *d, uint64_t iova, uint64_t size,
		     uint64_t hva, bool ro)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ |
			 (ro ? 0 : VFIO_DMA_MAP_FLAG_WRITE),
		.vaddr = hva,
		.iova = iova,
		.size = size,
	};

	pv_trace(TRACE_VFIO, "dma map iova 0x%llx size 0x%llx hva 0x%llx%s",
		 (unsigned long long)iova, (unsigned long long)size,
		 (unsigned long long)hva, ro ? " (ro)" : "");
	return d->io.ioctl(d->io.ctx, VFIO_IOMMU_MAP_DMA, &map);
}

static int type1_unmap(struct vfio_dma *d, uint64_t iova, uint64_t size)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = iova,
		.size = size,
	};

	pv_trace(TRACE_VFIO, "dma unmap iova 0x%llx size 0x%llx",
		 (unsigned long long)iova, (unsigned long long)size);
	return d->io.ioctl(d->io.ctx, VFIO_IOMMU_UNMAP_DMA, &unmap);
}

static const struct vfio_dma_ops type1_dma_ops = {
	.map_call = "VFIO_IOMMU_MAP_DMA",
	.unmap_call = "VFIO_IOMMU_UNMAP_DMA",
	.map = type1_map,
	.unmap = type1_unmap,
};

/* iommufd: linux/iommufd.h IOMMU_IOAS_MAP / IOMMU_IOAS_UNMAP. */
static int ioas_map(struct vfio_dma *d, uint64_t iova, uint64_t size,
		    uint64_t hva, bool ro)
{
	struct iommu_ioas_map map = {
		.size = sizeof(map),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 (ro ? 0 : IOMMU_IOAS_MAP_WRITEABLE),
		.ioas_id = d->ioas_id,
		.user_va = hva,
		.length = size,
		.iova = iova,
	};

	pv_trace(TRACE_VFIO,
		 "IOAS %u map IOVA 0x%llx length 0x%llx user_va 0x%llx%s",
		 d->ioas_id, (unsigned long long)iova, (unsigned long long)size,
		 (unsigned long long)hva, ro ? " (read-only)" : "");
	return d->io.ioctl(d->io.ctx, IOMMU_IOAS_MAP, &map);
}

static int ioas_unmap(struct vfio_dma *d, uint64_t iova, uint64_t size)
{
	struct iommu_ioas_unmap unmap = {
		.size = sizeof(unmap),
		.ioas_id = d->ioas_id,
		.iova = iova,
		.length = size,
	};

	pv_trace(TRACE_VFIO, "IOAS %u unmap IOVA 0x%llx length 0x%llx",
		 d->ioas_id, (unsigned long long)iova,
		 (unsigned long long)size);
	return d->io.ioctl(d->io.ctx, IOMMU_IOAS_UNMAP, &unmap);
}

static const struct vfio_dma_ops ioas_dma_ops = {
	.map_call = "IOMMU_IOAS_MAP",
	.unmap_call = "IOMMU_IOAS_UNMAP",
	.map = ioas_map,
	.unmap = ioas_unmap,
};

void vfio_dma_init(struct vfio_dma *d, const struct vfio_container_io *io,
		   uint32_t dma_avail, uint64_t iova_pgsizes)
{
	memset(d, 0, sizeof(*d));
	d->l.name = "vfio-dma";
	d->l.region_add = dma_region_add;
	d->l.region_del = dma_region_del;
	d->io = *io;
	d->ops = &type1_dma_ops;
	d->dma_avail = dma_avail;
	d->iova_pgsizes = iova_pgsizes;
}

void vfio_dma_init_iommufd(struct vfio_dma *d,
			   const struct vfio_container_io *io, uint32_t ioas_id,
			   uint64_t iova_align)
{
	vfio_dma_init(d, io, ~0u, iova_align);
	d->ops = &ioas_dma_ops;
	d->ioas_id = ioas_id;
}
