// SPDX-License-Identifier: GPL-2.0
/*
 * The type1 container backend: /dev/vfio/vfio, each IOMMU group
 * /dev/vfio/N added to it, the IOMMU type set, its IOVA constraints read,
 * device fds got from the groups; a hot reset proves ownership with the
 * group fds. Sources: Documentation/driver-api/vfio.rst (the "VFIO Usage
 * Example"), linux/vfio.h VFIO_GET_API_VERSION, VFIO_CHECK_EXTENSION,
 * VFIO_SET_IOMMU, VFIO_GROUP_GET_STATUS, VFIO_GROUP_SET_CONTAINER,
 * VFIO_GROUP_GET_DEVICE_FD, VFIO_IOMMU_GET_INFO.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "vfio/vfio.h"

int vfio_parse_iommu_info(const void *buf, size_t len,
			  struct pv_iova_range *ranges, unsigned int max,
			  unsigned int *nranges, uint32_t *dma_avail)
{
	const struct vfio_iommu_type1_info *info = buf;
	const uint8_t *base = buf;
	uint32_t off;
	unsigned int hops = 0;

	*nranges = 0;
	*dma_avail = ~0u;
	if (len < sizeof(*info))
		return -EINVAL;
	if (!(info->flags & VFIO_IOMMU_INFO_CAPS) ||
	    info->argsz < sizeof(*info) + 4)
		return 0;
	off = info->cap_offset;
	while (off) {
		const struct vfio_info_cap_header *h;

		if (off < sizeof(*info) || off + sizeof(*h) > len ||
		    hops++ > 64)
			return -EINVAL;
		h = (const void *)(base + off);
		if (h->id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE) {
			const struct vfio_iommu_type1_info_cap_iova_range *c =
				(const void *)h;

			if (off + sizeof(*c) > len)
				return -EINVAL;
			for (uint32_t i = 0; i < c->nr_iovas; i++) {
				if (off + sizeof(*c) +
					    (i + 1) *
						    sizeof(c->iova_ranges[0]) >
				    len)
					return -EINVAL;
				if (*nranges < max) {
					ranges[*nranges].start =
						c->iova_ranges[i].start;
					ranges[*nranges].end =
						c->iova_ranges[i].end;
					(*nranges)++;
				}
			}
		} else if (h->id == VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL) {
			const struct vfio_iommu_type1_info_dma_avail *c =
				(const void *)h;

			if (off + sizeof(*c) > len)
				return -EINVAL;
			*dma_avail = c->avail;
		}
		if (h->next && h->next <= off)
			return -EINVAL;
		off = h->next;
	}
	return 0;
}

static int iommu_get_info(struct vfio_ctx *ctx, struct pv_error *err)
{
	struct vfio_iommu_type1_info *info;
	size_t len = sizeof(*info);
	int ret;

	for (int tries = 0; tries < 4; tries++) {
		info = calloc(1, len);
		if (!info)
			return -ENOMEM;
		info->argsz = (uint32_t)len;
		ret = ctx->cio.ioctl(ctx->cio.ctx, VFIO_IOMMU_GET_INFO, info);
		if (ret < 0) {
			free(info);
			return pv_seterr(err, -ret, "VFIO_IOMMU_GET_INFO: %s",
					 strerror(-ret));
		}
		if (info->argsz > len && info->argsz <= 65536) {
			len = info->argsz;
			free(info);
			continue;
		}
		break;
	}
	if (info->flags & VFIO_IOMMU_INFO_PGSIZES)
		ctx->iova_pgsizes = info->iova_pgsizes;
	ret = vfio_parse_iommu_info(info, len, ctx->iova, VFIO_MAX_IOVA_RANGES,
				    &ctx->nr_iova, &ctx->dma_avail);
	free(info);
	if (ret < 0)
		return pv_seterr(
			err, -ret,
			"VFIO_IOMMU_GET_INFO: malformed capability chain");
	pv_trace(TRACE_VFIO,
		 "iommu info: page sizes 0x%llx, %u iova ranges, "
		 "dma mappings available %d",
		 (unsigned long long)ctx->iova_pgsizes, ctx->nr_iova,
		 ctx->dma_avail == ~0u ? -1 : (int)ctx->dma_avail);
	for (unsigned int i = 0; i < ctx->nr_iova; i++)
		pv_trace(TRACE_VFIO, "iova range 0x%llx-0x%llx",
			 (unsigned long long)ctx->iova[i].start,
			 (unsigned long long)ctx->iova[i].end);
	return 0;
}

static int open_container(struct vfio_ctx *ctx, struct pv_error *err)
{
	char path[160];
	int ret;

	snprintf(path, sizeof(path), "%s/vfio/vfio", ctx->dev_root);
	if (ctx->container_fd < 0) {
		ctx->container_fd = open(path, O_RDWR | O_CLOEXEC);
		if (ctx->container_fd < 0) {
			ret = errno;
			if (ret == ENOENT)
				return pv_seterr(err, ret,
						 "%s does not exist: load VFIO "
						 "(`modprobe vfio-pci`)",
						 path);
			return pv_seterr(err, ret, "cannot open %s: %s%s", path,
					 strerror(ret),
					 ret == EACCES ?
						 ": run as root, or "
						 "pass it with --iommu-fd" :
						 "");
		}
	} else {
		snprintf(path, sizeof(path), "the container fd %d",
			 ctx->container_fd);
	}
	ctx->cio = vfio_fd_io_for(ctx, &ctx->container_fd);
	ret = ctx->cio.ioctl(ctx->cio.ctx, VFIO_GET_API_VERSION, NULL);
	if (ret != VFIO_API_VERSION)
		return pv_seterr(err, EINVAL,
				 "%s: VFIO API version %d, passvm needs %d",
				 path, ret, VFIO_API_VERSION);
	pv_trace(TRACE_VFIO, "container %s api version %d", path, ret);
	if (ctx->cio.ioctl(ctx->cio.ctx, VFIO_CHECK_EXTENSION,
			   (void *)(uintptr_t)VFIO_TYPE1v2_IOMMU) > 0) {
		ctx->iommu_type = VFIO_TYPE1v2_IOMMU;
		pv_trace(TRACE_VFIO, "extension VFIO_TYPE1v2_IOMMU supported");
	} else if (ctx->cio.ioctl(ctx->cio.ctx, VFIO_CHECK_EXTENSION,
				  (void *)(uintptr_t)VFIO_TYPE1_IOMMU) > 0) {
		ctx->iommu_type = VFIO_TYPE1_IOMMU;
		pv_trace(TRACE_VFIO, "extension VFIO_TYPE1_IOMMU supported "
				     "(no VFIO_TYPE1v2_IOMMU)");
	} else {
		return pv_seterr(err, ENODEV,
				 "the VFIO container offers no type1 IOMMU: "
				 "load vfio_iommu_type1 and enable the IOMMU "
				 "(intel_iommu=on or amd_iommu=on)");
	}
	return 0;
}

static int open_group(struct vfio_ctx *ctx, struct vfio_group *g,
		      struct pv_error *err)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	struct pci_addr ours[VFIO_MAX_DEVICES];
	char path[160];
	int ret;

	snprintf(path, sizeof(path), "%s/vfio/%d", ctx->dev_root, g->id);
	if (g->fd < 0) {
		g->fd = open(path, O_RDWR | O_CLOEXEC);
		if (g->fd < 0) {
			ret = errno;
			if (ret == EBUSY)
				return pv_seterr(
					err, ret,
					"IOMMU group %d is already in use by "
					"another process (a VM?): stop it first",
					g->id);
			if (ret == ENOENT)
				return pv_seterr(
					err, ret,
					"%s does not exist: device not bound "
					"to vfio-pci: run `passvm bind BDF`",
					path);
			return pv_seterr(
				err, ret, "cannot open %s: %s%s", path,
				strerror(ret),
				ret == EACCES ? ": run as root, give your user "
						"access to it, or pass it with "
						"--vfio fd=N" :
						"");
		}
	}
	g->io = vfio_fd_io_for(ctx, &g->fd);
	ret = g->io.ioctl(g->io.ctx, VFIO_GROUP_GET_STATUS, &st);
	if (ret < 0)
		return pv_seterr(err, -ret, "VFIO_GROUP_GET_STATUS on %s: %s",
				 path, strerror(-ret));
	if (!(st.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		unsigned int n = 0;

		for (unsigned int i = 0; i < ctx->nr_devs; i++)
			ours[n++] = ctx->devs[i].addr;
		return vfio_group_not_viable_msg(ctx->sysfs_root, g->id, ours,
						 (int)n, err);
	}
	pv_trace(TRACE_VFIO, "group %d viable", g->id);
	ret = g->io.ioctl(g->io.ctx, VFIO_GROUP_SET_CONTAINER,
			  &ctx->container_fd);
	if (ret < 0)
		return pv_seterr(err, -ret,
				 "VFIO_GROUP_SET_CONTAINER for group %d: %s",
				 g->id, strerror(-ret));
	g->in_container = true;
	pv_trace(TRACE_VFIO, "group %d set to container", g->id);
	if (g == &ctx->groups[0]) {
		ret = ctx->cio.ioctl(ctx->cio.ctx, VFIO_SET_IOMMU,
				     (void *)(uintptr_t)ctx->iommu_type);
		if (ret < 0)
			return pv_seterr(err, -ret, "VFIO_SET_IOMMU: %s",
					 strerror(-ret));
		pv_trace(TRACE_VFIO, "iommu type %s set",
			 ctx->iommu_type == VFIO_TYPE1v2_IOMMU ?
				 "VFIO_TYPE1v2_IOMMU" :
				 "VFIO_TYPE1_IOMMU");
	}
	vfio_read_reserved(ctx, g);
	return 0;
}

static int open_device(struct vfio_ctx *ctx, struct vfio_device *d,
		       struct pv_error *err)
{
	struct vfio_group *g = &ctx->groups[d->group];
	int ret;

	ret = g->io.ioctl(g->io.ctx, VFIO_GROUP_GET_DEVICE_FD, d->bdf);
	if (ret < 0)
		return pv_seterr(err, -ret,
				 "VFIO_GROUP_GET_DEVICE_FD(%s) in group %d: %s",
				 d->bdf, g->id, strerror(-ret));
	d->fd = ret;
	d->io = vfio_dev_io_for(ctx, &d->fd);
	return vfio_query_device(d, err);
}

static int type1_open(struct vfio_ctx *ctx, struct pv_error *err)
{
	int ret;

	ret = open_container(ctx, err);
	for (unsigned int g = 0; !ret && g < ctx->nr_groups; g++)
		ret = open_group(ctx, &ctx->groups[g], err);
	if (!ret)
		ret = iommu_get_info(ctx, err);
	for (unsigned int i = 0; !ret && i < ctx->nr_devs; i++)
		ret = open_device(ctx, &ctx->devs[i], err);
	return ret;
}

static void type1_dma_init(struct vfio_ctx *ctx)
{
	vfio_dma_init(&ctx->dma, &ctx->cio, ctx->dma_avail, ctx->iova_pgsizes);
}

static int type1_reset(struct vfio_ctx *ctx, struct vfio_device *d,
		       struct pv_error *err)
{
	int ids[VFIO_MAX_GROUPS], fds[VFIO_MAX_GROUPS];

	for (unsigned int g = 0; g < ctx->nr_groups; g++) {
		ids[g] = ctx->groups[g].id;
		fds[g] = ctx->groups[g].fd;
	}
	return vfio_device_reset(&d->io, d->bdf, d->flags, ids, fds,
				 ctx->nr_groups, err);
}

static void type1_close(struct vfio_ctx *ctx)
{
	for (unsigned int i = ctx->nr_devs; i-- > 0;) {
		if (ctx->devs[i].fd >= 0) {
			close(ctx->devs[i].fd);
			ctx->devs[i].fd = -1;
		}
	}
	for (unsigned int g = ctx->nr_groups; g-- > 0;) {
		struct vfio_group *grp = &ctx->groups[g];

		if (grp->fd < 0)
			continue;
		if (grp->in_container && grp->io.ioctl)
			grp->io.ioctl(grp->io.ctx, VFIO_GROUP_UNSET_CONTAINER,
				      NULL);
		grp->in_container = false;
		close(grp->fd);
		grp->fd = -1;
	}
	if (ctx->container_fd >= 0) {
		close(ctx->container_fd);
		ctx->container_fd = -1;
	}
}

const struct vfio_backend_ops vfio_type1_ops = {
	.name = "type1",
	.open = type1_open,
	.dma_init = type1_dma_init,
	.reset = type1_reset,
	.close = type1_close,
};
