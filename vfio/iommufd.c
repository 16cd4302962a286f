// SPDX-License-Identifier: GPL-2.0
/*
 * The iommufd backend, in the terms of Documentation/userspace-api/
 * iommufd.rst: open /dev/iommu (an iommufd); for each device open its VFIO
 * cdev /dev/vfio/devices/vfioN and bind it to the iommufd
 * (VFIO_DEVICE_BIND_IOMMUFD: an IOMMUFD_OBJ_DEVICE, its devid); allocate
 * one I/O address space (IOMMU_IOAS_ALLOC: the IOAS replaces the type1
 * container); attach every device to it (VFIO_DEVICE_ATTACH_IOMMUFD_PT:
 * the kernel picks or makes a HW_PAGETABLE, an automatic domain, and
 * returns its id); read the IOVA ranges the attached devices leave
 * (IOMMU_IOAS_IOVA_RANGES). Guest RAM is then mapped with IOMMU_IOAS_MAP
 * (vfio/dma.c). A hot reset proves ownership through the iommufd: no group
 * fds. Teardown: device fds closed (detach and unbind), IOMMU_DESTROY of
 * the IOAS, the iommufd closed. Sources: linux/iommufd.h, linux/vfio.h
 * (VFIO_DEVICE_BIND_IOMMUFD, VFIO_DEVICE_ATTACH_IOMMUFD_PT),
 * Documentation/driver-api/vfio.rst ("VFIO device cdev").
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vfio/iommufd_uapi.h"
#include "vfio/vfio.h"

static int open_iommufd(struct vfio_ctx *ctx, struct pv_error *err)
{
	char path[160];
	int e;

	snprintf(path, sizeof(path), "%s/iommu", ctx->dev_root);
	if (ctx->iommufd < 0) {
		ctx->iommufd = open(path, O_RDWR | O_CLOEXEC);
		if (ctx->iommufd < 0) {
			e = errno;
			return pv_seterr(
				err, e, "cannot open %s: %s%s", path,
				strerror(e),
				e == EACCES ? ": run as root, or pass it with "
					      "--iommu-fd N" :
					      "");
		}
		pv_trace(TRACE_VFIO, "iommufd %s opened (fd %d)", path,
			 ctx->iommufd);
	} else {
		pv_trace(TRACE_VFIO, "iommufd given as fd %d", ctx->iommufd);
	}
	ctx->cio = vfio_fd_io_for(ctx, &ctx->iommufd);
	return 0;
}

/* The kernel refuses to bind a device whose group a host driver holds. */
static int check_group_viable(struct vfio_ctx *ctx, struct vfio_device *d,
			      struct pv_error *err)
{
	struct pci_addr members[32], ours[VFIO_MAX_DEVICES];
	int id = ctx->groups[d->group].id, n;
	char drv[48];

	n = sysfs_group_devices(ctx->sysfs_root, id, members, 32);
	for (int i = 0; i < n && i < 32; i++) {
		bool mine = false;

		for (unsigned int k = 0; k < ctx->nr_devs; k++)
			mine |= pci_addr_equal(&members[i], &ctx->devs[k].addr);
		if (mine ||
		    !sysfs_group_member_blocks(ctx->sysfs_root, &members[i],
					       drv, sizeof(drv)))
			continue;
		for (unsigned int k = 0; k < ctx->nr_devs; k++)
			ours[k] = ctx->devs[k].addr;
		return vfio_group_not_viable_msg(ctx->sysfs_root, id, ours,
						 (int)ctx->nr_devs, err);
	}
	return 0;
}

static int open_cdev(struct vfio_ctx *ctx, struct vfio_device *d,
		     struct pv_error *err)
{
	char path[192];
	int e;

	if (d->fd >= 0) {
		pv_trace(TRACE_VFIO, "device %s cdev given as fd %d", d->bdf,
			 d->fd);
		d->io = vfio_dev_io_for(ctx, &d->fd);
		return 0;
	}
	e = -host_vfio_cdev(ctx->sysfs_root, &d->addr, d->cdev,
			    sizeof(d->cdev));
	if (e)
		return pv_seterr(
			err, e,
			"%s has no VFIO device cdev (%s/bus/pci/devices/%s/vfio-dev/): bound to vfio-pci on a kernel with CONFIG_VFIO_DEVICE_CDEV?",
			d->bdf, ctx->sysfs_root, d->bdf);
	snprintf(path, sizeof(path), "%s/vfio/devices/%s", ctx->dev_root,
		 d->cdev);
	d->fd = open(path, O_RDWR | O_CLOEXEC);
	if (d->fd < 0) {
		e = errno;
		return pv_seterr(
			err, e, "cannot open %s (the cdev of %s): %s%s", path,
			d->bdf, strerror(e),
			e == EACCES ? ": run as root, give your user access "
				      "to it, or pass it with --vfio fd=N" :
				      "");
	}
	d->io = vfio_dev_io_for(ctx, &d->fd);
	pv_trace(TRACE_VFIO, "device %s cdev %s opened (fd %d)", d->bdf, path,
		 d->fd);
	return 0;
}

static int bind_device(struct vfio_ctx *ctx, struct vfio_device *d,
		       struct pv_error *err)
{
	struct vfio_device_bind_iommufd bind = {
		.argsz = sizeof(bind),
		.iommufd = ctx->iommufd,
	};
	int ret;

	ret = d->io.ioctl(d->io.ctx, VFIO_DEVICE_BIND_IOMMUFD, &bind);
	if (ret == -EBUSY)
		return pv_seterr(
			err, EBUSY,
			"VFIO_DEVICE_BIND_IOMMUFD(%s): the device is in use (another VM, or its IOMMU group is open through /dev/vfio): stop that first",
			d->bdf);
	if (ret < 0)
		return pv_seterr(err, -ret, "VFIO_DEVICE_BIND_IOMMUFD(%s): %s",
				 d->bdf, strerror(-ret));
	d->devid = bind.out_devid;
	d->bound = true;
	pv_trace(TRACE_VFIO, "device %s bound to the iommufd: devid %u", d->bdf,
		 d->devid);
	return 0;
}

static int alloc_ioas(struct vfio_ctx *ctx, struct pv_error *err)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a) };
	int ret;

	ret = ctx->cio.ioctl(ctx->cio.ctx, IOMMU_IOAS_ALLOC, &a);
	if (ret < 0)
		return pv_seterr(err, -ret, "IOMMU_IOAS_ALLOC: %s",
				 strerror(-ret));
	ctx->ioas_id = a.out_ioas_id;
	ctx->ioas = true;
	pv_trace(TRACE_VFIO, "IOAS %u allocated (the I/O address space)",
		 ctx->ioas_id);
	return 0;
}

static int attach_device(struct vfio_ctx *ctx, struct vfio_device *d,
			 struct pv_error *err)
{
	struct vfio_device_attach_iommufd_pt at = {
		.argsz = sizeof(at),
		.pt_id = ctx->ioas_id,
	};
	struct iommu_hw_info hw = { .size = sizeof(hw), .dev_id = d->devid };
	int ret;

	ret = d->io.ioctl(d->io.ctx, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at);
	if (ret < 0)
		return pv_seterr(
			err, -ret,
			"VFIO_DEVICE_ATTACH_IOMMUFD_PT(%s to IOAS %u): %s",
			d->bdf, ctx->ioas_id, strerror(-ret));
	d->hwpt_id = at.pt_id;
	d->attached = true;
	pv_trace(
		TRACE_VFIO,
		"device %s attached to IOAS %u through HWPT %u (automatic domain)",
		d->bdf, ctx->ioas_id, d->hwpt_id);
	/* Only narrated: IOMMU_GET_HW_INFO is 6.7+. */
	ret = ctx->cio.ioctl(ctx->cio.ctx, IOMMU_GET_HW_INFO, &hw);
	if (ret == 0)
		pv_trace(
			TRACE_VFIO,
			"device %s IOMMU hw info type %u, capabilities 0x%llx, PASID bits %u",
			d->bdf, hw.out_data_type,
			(unsigned long long)hw.out_capabilities,
			hw.out_max_pasid_log2);
	return 0;
}

/* IOMMU_IOAS_IOVA_RANGES, after every attach (the ranges narrow). */
static int read_iova_ranges(struct vfio_ctx *ctx, struct pv_error *err)
{
	struct iommu_iova_range *r = NULL;
	struct iommu_ioas_iova_ranges q;
	uint32_t n = VFIO_MAX_IOVA_RANGES;
	int ret;

	for (int tries = 0; tries < 3; tries++) {
		free(r);
		r = calloc(n, sizeof(*r));
		if (!r)
			return -ENOMEM;
		q = (struct iommu_ioas_iova_ranges){
			.size = sizeof(q),
			.ioas_id = ctx->ioas_id,
			.num_iovas = n,
			.allowed_iovas = (uintptr_t)r,
		};
		ret = ctx->cio.ioctl(ctx->cio.ctx, IOMMU_IOAS_IOVA_RANGES, &q);
		if (ret != -EMSGSIZE || q.num_iovas <= n || q.num_iovas > 4096)
			break;
		n = q.num_iovas;
	}
	if (ret < 0) {
		free(r);
		return pv_seterr(err, -ret, "IOMMU_IOAS_IOVA_RANGES: %s",
				 strerror(-ret));
	}
	/* More ranges than kept: the rest count as holes (safe). */
	ctx->nr_iova = q.num_iovas < VFIO_MAX_IOVA_RANGES ?
			       q.num_iovas :
			       VFIO_MAX_IOVA_RANGES;
	for (unsigned int i = 0; i < ctx->nr_iova; i++) {
		ctx->iova[i].start = r[i].start;
		ctx->iova[i].end = r[i].last;
		pv_trace(TRACE_VFIO, "IOAS %u allows IOVA 0x%llx-0x%llx",
			 ctx->ioas_id, (unsigned long long)r[i].start,
			 (unsigned long long)r[i].last);
	}
	free(r);
	ctx->iova_pgsizes = q.out_iova_alignment;
	pv_trace(TRACE_VFIO, "IOAS %u: %u IOVA ranges, alignment 0x%llx",
		 ctx->ioas_id, q.num_iovas,
		 (unsigned long long)q.out_iova_alignment);
	return 0;
}

static int iommufd_open(struct vfio_ctx *ctx, struct pv_error *err)
{
	int ret;

	ret = open_iommufd(ctx, err);
	for (unsigned int i = 0; !ret && i < ctx->nr_devs; i++) {
		struct vfio_device *d = &ctx->devs[i];

		ret = check_group_viable(ctx, d, err);
		if (!ret)
			ret = open_cdev(ctx, d, err);
		if (!ret)
			ret = bind_device(ctx, d, err);
	}
	if (!ret)
		ret = alloc_ioas(ctx, err);
	for (unsigned int i = 0; !ret && i < ctx->nr_devs; i++) {
		ret = attach_device(ctx, &ctx->devs[i], err);
		if (!ret)
			ret = vfio_query_device(&ctx->devs[i], err);
	}
	if (!ret)
		ret = read_iova_ranges(ctx, err);
	/* The layout also avoids the groups' reserved regions. */
	for (unsigned int g = 0; !ret && g < ctx->nr_groups; g++)
		vfio_read_reserved(ctx, &ctx->groups[g]);
	return ret;
}

static void iommufd_dma_init(struct vfio_ctx *ctx)
{
	vfio_dma_init_iommufd(&ctx->dma, &ctx->cio, ctx->ioas_id,
			      ctx->iova_pgsizes);
}

static int iommufd_reset(struct vfio_ctx *ctx, struct vfio_device *d,
			 struct pv_error *err)
{
	return vfio_device_reset(&d->io, d->bdf, d->flags, NULL, NULL, 0, err);
}

static void iommufd_close(struct vfio_ctx *ctx)
{
	for (unsigned int i = ctx->nr_devs; i-- > 0;) {
		struct vfio_device *d = &ctx->devs[i];

		if (d->attached) {
			struct vfio_device_detach_iommufd_pt dt = {
				.argsz = sizeof(dt),
			};

			if (d->io.ioctl(d->io.ctx,
					VFIO_DEVICE_DETACH_IOMMUFD_PT,
					&dt) == 0)
				pv_trace(TRACE_VFIO,
					 "device %s detached from HWPT %u",
					 d->bdf, d->hwpt_id);
		}
		d->attached = false;
		if (d->fd >= 0) {
			close(d->fd);
			if (d->bound)
				pv_trace(TRACE_VFIO,
					 "device %s unbound (cdev closed)",
					 d->bdf);
		}
		d->fd = -1;
		d->bound = false;
	}
	if (ctx->ioas) {
		struct iommu_destroy ds = {
			.size = sizeof(ds),
			.id = ctx->ioas_id,
		};

		if (ctx->cio.ioctl(ctx->cio.ctx, IOMMU_DESTROY, &ds) == 0)
			pv_trace(TRACE_VFIO, "IOAS %u destroyed", ctx->ioas_id);
		ctx->ioas = false;
	}
	if (ctx->iommufd >= 0) {
		close(ctx->iommufd);
		pv_trace(TRACE_VFIO, "iommufd closed");
	}
	ctx->iommufd = -1;
}

const struct vfio_backend_ops vfio_iommufd_ops = {
	.name = "iommufd",
	.open = iommufd_open,
	.dma_init = iommufd_dma_init,
	.reset = iommufd_reset,
	.close = iommufd_close,
};
