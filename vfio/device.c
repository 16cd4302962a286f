// SPDX-License-Identifier: GPL-2.0
/*
 * VFIO device fd helpers: the real-syscall access ops, region info with its
 * capability chain, and device reset (function reset or bus hot reset).
 * Sources: linux/vfio.h VFIO_DEVICE_GET_INFO, VFIO_DEVICE_GET_REGION_INFO,
 * VFIO_DEVICE_RESET, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO (group ids, or
 * devids on a cdev), VFIO_DEVICE_PCI_HOT_RESET.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "util/mmap_align.h"
#include "vfio/iommufd_uapi.h"
#include "vfio/vfio_pci_priv.h"

static int fd_ioctl(void *ctx, unsigned long req, void *arg)
{
	int ret = ioctl(*(int *)ctx, req, arg);

	return ret < 0 ? -errno : ret;
}

static ssize_t fd_pread(void *ctx, void *buf, size_t len, uint64_t off)
{
	ssize_t ret = pread(*(int *)ctx, buf, len, (off_t)off);

	return ret < 0 ? -errno : ret;
}

static ssize_t fd_pwrite(void *ctx, const void *buf, size_t len, uint64_t off)
{
	ssize_t ret = pwrite(*(int *)ctx, buf, len, (off_t)off);

	return ret < 0 ? -errno : ret;
}

/*
 * A BAR piece of 2 MiB or more is mapped at an address congruent to its
 * offset in the BAR (region offsets are multiples of 2^40) modulo 2 MiB /
 * 1 GiB, as the BAR's physical address is: the kernel's huge pfnmap
 * (6.12+, vfio_pci_mmap_huge_fault()) can then map it with PMDs or PUDs,
 * and KVM with large EPT/NPT entries.
 */
static void *fd_mmap(void *ctx, uint64_t off, size_t len, int prot)
{
	uint64_t align = mmap_align_for(len);

	return mmap_aligned(len, align, off, prot, MAP_SHARED, *(int *)ctx,
			    (off_t)off);
}

static void fd_munmap(void *ctx, void *addr, size_t len)
{
	munmap(addr, len);
}

struct vfio_dev_io vfio_fd_dev_io(int *fd_storage)
{
	struct vfio_dev_io io = {
		.ioctl = fd_ioctl,
		.pread = fd_pread,
		.pwrite = fd_pwrite,
		.mmap = fd_mmap,
		.munmap = fd_munmap,
		.ctx = fd_storage,
	};
	return io;
}

struct vfio_container_io vfio_fd_container_io(int *fd_storage)
{
	struct vfio_container_io io = {
		.ioctl = fd_ioctl,
		.ctx = fd_storage,
	};
	return io;
}

int vfio_query_device(struct vfio_device *d, struct pv_error *err)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	int ret;

	ret = d->io.ioctl(d->io.ctx, VFIO_DEVICE_GET_INFO, &info);
	if (ret < 0)
		return pv_seterr(err, -ret, "VFIO_DEVICE_GET_INFO(%s): %s",
				 d->bdf, strerror(-ret));
	if (!(info.flags & VFIO_DEVICE_FLAGS_PCI))
		return pv_seterr(err, ENODEV, "%s is not a vfio-pci device",
				 d->bdf);
	d->flags = info.flags;
	d->fresh = info.flags & VFIO_DEVICE_FLAGS_RESET;
	d->num_regions = info.num_regions;
	d->num_irqs = info.num_irqs;
	pv_trace(TRACE_VFIO, "device %s fd %d, %u regions, %u irqs%s", d->bdf,
		 d->fd, d->num_regions, d->num_irqs,
		 (d->flags & VFIO_DEVICE_FLAGS_RESET) ? ", reset" : "");
	return 0;
}

/* Parse the region capability chain of @info (@len bytes of it). */
static void region_parse_caps(const struct vfio_region_info *info, size_t len,
			      struct vfio_region *r)
{
	const uint8_t *base = (const uint8_t *)info;
	uint32_t off = info->cap_offset;
	unsigned int hops = 0;

	if (!(info->flags & VFIO_REGION_INFO_FLAG_CAPS))
		return;
	/*
	 * Offsets are from the start of the info; guard against loops. The
	 * kernel aligns every capability to 8 bytes (vfio_info_cap_add):
	 * an offset that is not is no capability (and would be a misaligned
	 * access).
	 */
	while (off && off >= sizeof(*info) && !(off % 8) &&
	       off + sizeof(struct vfio_info_cap_header) <= len &&
	       hops++ < 64) {
		const struct vfio_info_cap_header *h =
			(const void *)(base + off);

		if (h->id == VFIO_REGION_INFO_CAP_SPARSE_MMAP &&
		    off + sizeof(struct vfio_region_info_cap_sparse_mmap) <=
			    len) {
			const struct vfio_region_info_cap_sparse_mmap *s =
				(const void *)h;
			uint32_t n = s->nr_areas;

			r->sparse = true;
			r->nr_areas = 0;
			for (uint32_t i = 0; i < n; i++) {
				size_t end = off + sizeof(*s) +
					     (i + 1) * sizeof(s->areas[0]);

				if (end > len ||
				    r->nr_areas == VFIO_MAX_MMAP_AREAS)
					break;
				if (!s->areas[i].size)
					continue;
				r->areas[r->nr_areas].off = s->areas[i].offset;
				r->areas[r->nr_areas].size = s->areas[i].size;
				r->nr_areas++;
			}
		} else if (h->id == VFIO_REGION_INFO_CAP_MSIX_MAPPABLE) {
			r->msix_mappable = true;
		}
		if (h->next <= off) /* chains go forward */
			break;
		off = h->next;
	}
}

int vfio_region_info(const struct vfio_dev_io *io, uint32_t index,
		     struct vfio_region *r)
{
	struct vfio_region_info *info;
	size_t len = sizeof(*info);
	int ret;

	memset(r, 0, sizeof(*r));
	r->index = index;
	for (int tries = 0; tries < 4; tries++) {
		info = calloc(1, len);
		if (!info)
			return -ENOMEM;
		info->argsz = (uint32_t)len;
		info->index = index;
		ret = io->ioctl(io->ctx, VFIO_DEVICE_GET_REGION_INFO, info);
		if (ret < 0) {
			free(info);
			return ret;
		}
		/* argsz grows when the capability chain did not fit. */
		if (info->argsz > len && info->argsz <= 65536) {
			len = info->argsz;
			free(info);
			continue;
		}
		r->flags = info->flags;
		r->size = info->size;
		r->offset = info->offset;
		region_parse_caps(info, len, r);
		if (!r->sparse && (r->flags & VFIO_REGION_INFO_FLAG_MMAP) &&
		    r->size) {
			r->nr_areas = 1;
			r->areas[0].off = 0;
			r->areas[0].size = r->size;
		}
		if (!(r->flags & VFIO_REGION_INFO_FLAG_MMAP))
			r->nr_areas = 0;
		free(info);
		return 0;
	}
	return -EIO;
}

/*
 * A device cdev bound to iommufd (linux/vfio.h, 6.6+): the info reports
 * devids, VFIO_PCI_DEVID_NOT_OWNED for a device outside our iommufd, and
 * FLAG_DEV_ID_OWNED when we own them all; the reset then takes no group
 * fds. Frees @info.
 */
static int cdev_hot_reset(const struct vfio_dev_io *io, const char *bdf,
			  struct vfio_pci_hot_reset_info *info,
			  struct pv_error *err)
{
	struct vfio_pci_hot_reset rst = { .argsz = sizeof(rst) };
	int ret;

	if (!(info->flags & VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED)) {
		const struct vfio_pci_dependent_device *dd = NULL;

		for (uint32_t i = 0; i < info->count && !dd; i++)
			if (info->devices[i].group_id ==
			    (uint32_t)VFIO_PCI_DEVID_NOT_OWNED)
				dd = &info->devices[i];
		if (dd)
			ret = pv_seterr(
				err, EPERM,
				"hot reset of %s would also reset %04x:%02x:%02x.%x, which this VM does not own: assign it too, or use a device with FLR",
				bdf, dd->segment, dd->bus, dd->devfn >> 3,
				dd->devfn & 7);
		else
			ret = pv_seterr(
				err, EPERM,
				"hot reset of %s: the kernel says not every affected device is owned through this iommufd",
				bdf);
		free(info);
		return ret;
	}
	pv_trace(
		TRACE_VFIO,
		"%s hot reset affects %u devices, all owned through the iommufd",
		bdf, info->count);
	free(info);
	ret = io->ioctl(io->ctx, VFIO_DEVICE_PCI_HOT_RESET, &rst);
	if (ret < 0)
		return pv_seterr(err, -ret,
				 "VFIO_DEVICE_PCI_HOT_RESET of %s: %s", bdf,
				 strerror(-ret));
	pv_trace(
		TRACE_VFIO,
		"%s reset via VFIO_DEVICE_PCI_HOT_RESET (empty group fd array)",
		bdf);
	return 0;
}

/*
 * Bus/slot reset: VFIO_DEVICE_GET_PCI_HOT_RESET_INFO lists every device
 * the reset affects; the kernel requires an fd for every affected group.
 */
static int hot_reset(const struct vfio_dev_io *io, const char *bdf,
		     const int *group_ids, const int *group_fds, unsigned int n,
		     struct pv_error *err)
{
	struct vfio_pci_hot_reset_info *info;
	struct vfio_pci_hot_reset *rst;
	size_t len = sizeof(*info);
	int ret, fds[VFIO_MAX_GROUPS];
	unsigned int nfds = 0;

	for (int tries = 0;; tries++) {
		info = calloc(1, len);
		if (!info)
			return -ENOMEM;
		info->argsz = (uint32_t)len;
		ret = io->ioctl(io->ctx, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO,
				info);
		if (ret == -ENOSPC && tries < 3 && info->count &&
		    info->count < 256) {
			len = sizeof(*info) +
			      info->count * sizeof(info->devices[0]);
			free(info);
			continue;
		}
		break;
	}
	if (ret < 0) {
		free(info);
		return pv_seterr(err, -ret,
				 "%s has no function reset and no hot reset "
				 "(VFIO_DEVICE_GET_PCI_HOT_RESET_INFO: %s)",
				 bdf, strerror(-ret));
	}
	if (info->flags & VFIO_PCI_HOT_RESET_FLAG_DEV_ID)
		return cdev_hot_reset(io, bdf, info, err);
	for (uint32_t i = 0; i < info->count; i++) {
		const struct vfio_pci_dependent_device *dd = &info->devices[i];
		unsigned int g;

		for (g = 0; g < n; g++)
			if (group_ids[g] == (int)dd->group_id)
				break;
		if (g == n) {
			ret = pv_seterr(err, EPERM,
					"hot reset of %s would also reset "
					"%04x:%02x:%02x.%x (IOMMU group %u), "
					"which this VM does not own: assign "
					"it too, or use a device with FLR",
					bdf, dd->segment, dd->bus,
					dd->devfn >> 3, dd->devfn & 7,
					dd->group_id);
			free(info);
			return ret;
		}
		for (unsigned int k = 0; k <= nfds; k++) {
			if (k == nfds) {
				if (nfds < VFIO_MAX_GROUPS)
					fds[nfds++] = group_fds[g];
				break;
			}
			if (fds[k] == group_fds[g])
				break;
		}
	}
	free(info);

	rst = calloc(1, sizeof(*rst) + nfds * sizeof(int));
	if (!rst)
		return -ENOMEM;
	rst->argsz = (uint32_t)(sizeof(*rst) + nfds * sizeof(int));
	rst->count = nfds;
	memcpy(rst->group_fds, fds, nfds * sizeof(int));
	ret = io->ioctl(io->ctx, VFIO_DEVICE_PCI_HOT_RESET, rst);
	free(rst);
	if (ret < 0)
		return pv_seterr(err, -ret,
				 "VFIO_DEVICE_PCI_HOT_RESET of %s: %s", bdf,
				 strerror(-ret));
	pv_trace(TRACE_VFIO,
		 "%s reset via VFIO_DEVICE_PCI_HOT_RESET (%u groups)", bdf,
		 nfds);
	return 0;
}

int vfio_device_reset(const struct vfio_dev_io *io, const char *bdf,
		      uint32_t dev_flags, const int *group_ids,
		      const int *group_fds, unsigned int n,
		      struct pv_error *err)
{
	int ret;

	if (dev_flags & VFIO_DEVICE_FLAGS_RESET) {
		ret = io->ioctl(io->ctx, VFIO_DEVICE_RESET, NULL);
		if (ret == 0) {
			pv_trace(TRACE_VFIO, "%s reset via VFIO_DEVICE_RESET",
				 bdf);
			return 0;
		}
		pv_trace(TRACE_VFIO,
			 "%s VFIO_DEVICE_RESET failed (%s), "
			 "trying hot reset",
			 bdf, strerror(-ret));
	}
	return hot_reset(io, bdf, group_ids, group_fds, n, err);
}
