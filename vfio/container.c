// SPDX-License-Identifier: GPL-2.0
/*
 * The VFIO container and the whole assignment: container -> groups ->
 * devices, the IOMMU's IOVA constraints, telling the VMM about each group
 * (struct vfio_group_hook: it registers them with KVM), and teardown in
 * reverse. Sources: Documentation/driver-api/vfio.rst (the "VFIO Usage
 * Example"), linux/vfio.h VFIO_GET_API_VERSION, VFIO_CHECK_EXTENSION,
 * VFIO_SET_IOMMU, VFIO_GROUP_GET_STATUS, VFIO_GROUP_SET_CONTAINER,
 * VFIO_GROUP_GET_DEVICE_FD, VFIO_IOMMU_GET_INFO.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/vfio.h>

#include "host/caps.h"
#include "vfio/vfio_pci_priv.h"

void vfio_ctx_init(struct vfio_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->container_fd = -1;
	ctx->dma_avail = ~0u;
	for (unsigned int i = 0; i < VFIO_MAX_GROUPS; i++)
		ctx->groups[i].fd = -1;
	for (unsigned int i = 0; i < VFIO_MAX_DEVICES; i++)
		ctx->devs[i].fd = -1;
	snprintf(ctx->sysfs_root, sizeof(ctx->sysfs_root), "/sys");
	snprintf(ctx->dev_root, sizeof(ctx->dev_root), "/dev");
}

/* ------------------------------------------------------------------ */
/* IOVA ranges and holes                                               */

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

#define HOLE_LIMIT (1ull << 63)

struct span {
	uint64_t start, end; /* inclusive */
};

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

int vfio_compute_holes(const struct pv_iova_range *valid, unsigned int nvalid,
		       const struct iova_resv *resv, unsigned int nresv,
		       struct layout_range *out, unsigned int max)
{
	struct span *s;
	unsigned int n = 0, nout = 0;
	uint64_t cursor = 0;
	bool done = false;

	s = calloc(nvalid + nresv + 1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	/* The complement of the valid ranges. */
	if (nvalid) {
		struct span *v = calloc(nvalid, sizeof(*v));

		if (!v) {
			free(s);
			return -ENOMEM;
		}
		for (unsigned int i = 0; i < nvalid; i++) {
			v[i].start = valid[i].start;
			v[i].end = valid[i].end;
		}
		qsort(v, nvalid, sizeof(*v), span_cmp);
		for (unsigned int i = 0; i < nvalid && !done; i++) {
			if (v[i].end < v[i].start || v[i].end < cursor)
				continue;
			if (v[i].start > cursor)
				s[n++] =
					(struct span){ cursor, v[i].start - 1 };
			if (v[i].end == UINT64_MAX)
				done = true;
			else
				cursor = v[i].end + 1;
		}
		if (!done)
			s[n++] = (struct span){ cursor, UINT64_MAX };
		free(v);
	}
	for (unsigned int i = 0; i < nresv; i++)
		if (resv[i].end >= resv[i].start)
			s[n++] = (struct span){ resv[i].start, resv[i].end };
	qsort(s, n, sizeof(*s), span_cmp);
	/* Merge overlapping and adjacent spans. */
	for (unsigned int i = 0; i < n;) {
		struct span m = s[i++];

		while (i < n &&
		       (m.end == UINT64_MAX || s[i].start <= m.end + 1)) {
			if (s[i].end > m.end)
				m.end = s[i].end;
			i++;
		}
		/*
		 * Nothing above 2^63 is guest-physical on x86 (52 bits at
		 * most): clamp there so base + size never overflows.
		 */
		if (m.start >= HOLE_LIMIT)
			continue;
		if (m.end >= HOLE_LIMIT)
			m.end = HOLE_LIMIT - 1;
		if (nout < max) {
			out[nout].base = m.start;
			out[nout].size = m.end - m.start + 1;
		}
		nout++;
	}
	free(s);
	return (int)nout;
}

int vfio_iova_holes(struct vfio_ctx *ctx, struct layout_range *out,
		    unsigned int max)
{
	struct iova_resv resv[VFIO_MAX_GROUPS * 16];
	unsigned int nresv = 0;

	for (unsigned int g = 0; g < ctx->nr_groups; g++)
		for (int i = 0; i < ctx->groups[g].nr_resv; i++)
			resv[nresv++] = ctx->groups[g].resv[i];
	return vfio_compute_holes(ctx->iova, ctx->nr_iova, resv, nresv, out,
				  max);
}

/* ------------------------------------------------------------------ */
/* Open                                                                */

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
				 ret == EACCES ? ": run as root" : "");
	}
	ctx->cio = vfio_fd_container_io(&ctx->container_fd);
	ret = ioctl(ctx->container_fd, VFIO_GET_API_VERSION);
	if (ret != VFIO_API_VERSION)
		return pv_seterr(err, EINVAL,
				 "%s: VFIO API version %d, passvm needs %d",
				 path, ret, VFIO_API_VERSION);
	pv_trace(TRACE_VFIO, "container %s api version %d", path, ret);
	if (ioctl(ctx->container_fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) >
	    0) {
		ctx->iommu_type = VFIO_TYPE1v2_IOMMU;
		pv_trace(TRACE_VFIO, "extension VFIO_TYPE1v2_IOMMU supported");
	} else if (ioctl(ctx->container_fd, VFIO_CHECK_EXTENSION,
			 VFIO_TYPE1_IOMMU) > 0) {
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
			return pv_seterr(err, ret,
					 "%s does not exist: device not bound "
					 "to vfio-pci: run `passvm bind BDF`",
					 path);
		return pv_seterr(err, ret, "cannot open %s: %s%s", path,
				 strerror(ret),
				 ret == EACCES ? ": run as root or give "
						 "your user access to it" :
						 "");
	}
	if (ioctl(g->fd, VFIO_GROUP_GET_STATUS, &st) < 0)
		return pv_seterr(err, errno, "VFIO_GROUP_GET_STATUS on %s: %s",
				 path, strerror(errno));
	if (!(st.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		unsigned int n = 0;

		for (unsigned int i = 0; i < ctx->nr_devs; i++)
			ours[n++] = ctx->devs[i].addr;
		return vfio_group_not_viable_msg(ctx->sysfs_root, g->id, ours,
						 (int)n, err);
	}
	pv_trace(TRACE_VFIO, "group %d viable", g->id);
	if (ioctl(g->fd, VFIO_GROUP_SET_CONTAINER, &ctx->container_fd) < 0)
		return pv_seterr(err, errno,
				 "VFIO_GROUP_SET_CONTAINER for group %d: %s",
				 g->id, strerror(errno));
	g->in_container = true;
	pv_trace(TRACE_VFIO, "group %d set to container", g->id);
	if (g == &ctx->groups[0]) {
		if (ioctl(ctx->container_fd, VFIO_SET_IOMMU, ctx->iommu_type) <
		    0)
			return pv_seterr(err, errno, "VFIO_SET_IOMMU: %s",
					 strerror(errno));
		pv_trace(TRACE_VFIO, "iommu type %s set",
			 ctx->iommu_type == VFIO_TYPE1v2_IOMMU ?
				 "VFIO_TYPE1v2_IOMMU" :
				 "VFIO_TYPE1_IOMMU");
	}
	ret = sysfs_group_reserved(ctx->sysfs_root, g->id, g->resv, 16);
	if (ret < 0) {
		pv_warn("cannot read reserved regions of IOMMU group %d: %s",
			g->id, strerror(-ret));
		ret = 0;
	}
	g->nr_resv = ret > 16 ? 16 : ret;
	for (int i = 0; i < g->nr_resv; i++)
		pv_trace(TRACE_VFIO, "group %d reserved 0x%llx-0x%llx %s",
			 g->id, (unsigned long long)g->resv[i].start,
			 (unsigned long long)g->resv[i].end, g->resv[i].type);
	return 0;
}

int vfio_hook_groups(struct vfio_ctx *ctx, struct pv_error *err)
{
	for (unsigned int i = 0; i < ctx->nr_groups; i++) {
		struct vfio_group *g = &ctx->groups[i];
		int ret;

		if (!ctx->hook.add || g->hooked || g->fd < 0)
			continue;
		ret = ctx->hook.add(ctx->hook.opaque, g->id, g->fd, err);
		if (ret)
			return ret;
		g->hooked = true;
	}
	return 0;
}

void vfio_unhook_groups(struct vfio_ctx *ctx)
{
	for (unsigned int i = ctx->nr_groups; i-- > 0;) {
		struct vfio_group *g = &ctx->groups[i];

		if (g->hooked && ctx->hook.del)
			ctx->hook.del(ctx->hook.opaque, g->id, g->fd);
		g->hooked = false;
	}
}

static int open_device(struct vfio_ctx *ctx, struct vfio_device *d,
		       struct pv_error *err)
{
	struct vfio_group *g = &ctx->groups[d->group];
	struct vfio_device_info info = { .argsz = sizeof(info) };
	int ret;

	d->fd = ioctl(g->fd, VFIO_GROUP_GET_DEVICE_FD, d->bdf);
	if (d->fd < 0) {
		ret = errno;
		d->fd = -1;
		return pv_seterr(err, ret,
				 "VFIO_GROUP_GET_DEVICE_FD(%s) in group %d: %s",
				 d->bdf, g->id, strerror(ret));
	}
	d->io = vfio_fd_dev_io(&d->fd);
	ret = d->io.ioctl(d->io.ctx, VFIO_DEVICE_GET_INFO, &info);
	if (ret < 0)
		return pv_seterr(err, -ret, "VFIO_DEVICE_GET_INFO(%s): %s",
				 d->bdf, strerror(-ret));
	if (!(info.flags & VFIO_DEVICE_FLAGS_PCI))
		return pv_seterr(err, ENODEV, "%s is not a vfio-pci device",
				 d->bdf);
	d->flags = info.flags;
	d->num_regions = info.num_regions;
	d->num_irqs = info.num_irqs;
	pv_trace(TRACE_VFIO, "device %s fd %d, %u regions, %u irqs%s", d->bdf,
		 d->fd, d->num_regions, d->num_irqs,
		 (d->flags & VFIO_DEVICE_FLAGS_RESET) ? ", reset" : "");
	return 0;
}

int vfio_open(struct vfio_ctx *ctx, const char *sysfs_root,
	      const char *const *bdfs, int n,
	      const struct vfio_group_hook *hook, struct pv_error *err)
{
	int ret;

	vfio_ctx_init(ctx);
	snprintf(ctx->sysfs_root, sizeof(ctx->sysfs_root), "%s",
		 sysfs_root ? sysfs_root : "/sys");
	if (hook)
		ctx->hook = *hook;
	if (n <= 0 || n > VFIO_MAX_DEVICES)
		return pv_seterr(err, EINVAL,
				 "%d devices to assign (1 to %d supported)", n,
				 VFIO_MAX_DEVICES);

	/* Check every device in sysfs before touching /dev/vfio. */
	for (int i = 0; i < n; i++) {
		struct vfio_device *d = &ctx->devs[ctx->nr_devs];
		int group;
		unsigned int g;

		if (pci_addr_parse(bdfs[i], &d->addr))
			return pv_seterr(err, EINVAL,
					 "'%s' is not a PCI address "
					 "(expected DDDD:BB:DD.F)",
					 bdfs[i]);
		pci_addr_format(&d->addr, d->bdf);
		for (unsigned int k = 0; k < ctx->nr_devs; k++)
			if (!strcmp(ctx->devs[k].bdf, d->bdf))
				return pv_seterr(err, EINVAL,
						 "%s is assigned twice",
						 d->bdf);
		ret = vfio_check_driver(ctx->sysfs_root, &d->addr, err);
		if (ret)
			return ret;
		ret = sysfs_iommu_group(ctx->sysfs_root, &d->addr, &group);
		if (ret == -ENODEV)
			return pv_seterr(
				err, ENODEV,
				"%s has no IOMMU group: enable the "
				"IOMMU (intel_iommu=on or amd_iommu=on "
				"on the host kernel command line)",
				d->bdf);
		if (ret < 0)
			return pv_seterr(
				err, -ret,
				"cannot read the IOMMU group of %s: %s", d->bdf,
				strerror(-ret));
		for (g = 0; g < ctx->nr_groups; g++)
			if (ctx->groups[g].id == group)
				break;
		if (g == ctx->nr_groups) {
			if (g == VFIO_MAX_GROUPS)
				return pv_seterr(err, ENOSPC,
						 "too many IOMMU groups");
			ctx->groups[g].id = group;
			ctx->groups[g].fd = -1;
			ctx->nr_groups++;
		}
		d->group = (int)g;
		d->fd = -1;
		ctx->nr_devs++;
	}

	ret = open_container(ctx, err);
	if (ret)
		goto fail;
	for (unsigned int g = 0; g < ctx->nr_groups; g++) {
		ret = open_group(ctx, &ctx->groups[g], err);
		if (ret)
			goto fail;
	}
	ret = iommu_get_info(ctx, err);
	if (ret)
		goto fail;
	for (unsigned int i = 0; i < ctx->nr_devs; i++) {
		ret = open_device(ctx, &ctx->devs[i], err);
		if (ret)
			goto fail;
	}
	/* Before any device is used (reset, mapped, given interrupts). */
	ret = vfio_hook_groups(ctx, err);
	if (ret)
		goto fail;
	return 0;
fail:
	vfio_close(ctx);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Attach and close                                                    */

static void group_lists(struct vfio_ctx *ctx, int *ids, int *fds)
{
	for (unsigned int g = 0; g < ctx->nr_groups; g++) {
		ids[g] = ctx->groups[g].id;
		fds[g] = ctx->groups[g].fd;
	}
}

int vfio_attach(struct vfio_ctx *ctx, struct mem_map *mem,
		struct irq_router *irq, struct pci_bus *bus,
		struct pv_error *err)
{
	int ids[VFIO_MAX_GROUPS], fds[VFIO_MAX_GROUPS];
	struct rlimit rl;
	int ret;

	ctx->mem = mem;
	ctx->irq = irq;
	ctx->bus = bus;
	if (getrlimit(RLIMIT_MEMLOCK, &rl) == 0) {
		ret = vfio_memlock_check(
			mem_map_ram_bytes(mem), rl.rlim_cur,
			host_cap_effective("/proc", CAP_IPC_LOCK) == 1, err);
		if (ret)
			return ret;
	}
	vfio_dma_init(&ctx->dma, &ctx->cio, ctx->dma_avail, ctx->iova_pgsizes);
	ret = mem_map_add_listener(mem, &ctx->dma.l, err);
	if (ret)
		return ret;
	ctx->dma_listening = true;
	pv_trace(TRACE_VFIO, "dma listener registered: %u mappings, %llu bytes",
		 ctx->dma.nr_mappings,
		 (unsigned long long)ctx->dma.mapped_bytes);

	group_lists(ctx, ids, fds);
	for (unsigned int i = 0; i < ctx->nr_devs; i++) {
		struct vfio_device *d = &ctx->devs[i];
		struct pv_error rerr;

		/* A device without any reset still works, warn only. */
		if (vfio_device_reset(&d->io, d->bdf, d->flags, ids, fds,
				      ctx->nr_groups, &rerr))
			pv_warn("%s not reset before boot: %s", d->bdf,
				rerr.msg);
		d->model = calloc(1, sizeof(*d->model));
		if (!d->model)
			return pv_seterr(err, ENOMEM, "out of memory");
		ret = vfio_pci_init(d->model, d->bdf, &d->io, mem, irq, err);
		if (ret) {
			free(d->model);
			d->model = NULL;
			return ret;
		}
		ret = pci_bus_add(bus, &d->model->pdev, -1, err);
		if (ret)
			return ret;
		d->on_bus = true;
		ret = vfio_pci_start(d->model, err);
		if (ret)
			return ret;
	}
	return 0;
}

void vfio_detach(struct vfio_ctx *ctx)
{
	int ids[VFIO_MAX_GROUPS], fds[VFIO_MAX_GROUPS];

	group_lists(ctx, ids, fds);
	/* Devices: off the bus, quiet, reset, unmapped. */
	for (unsigned int i = ctx->nr_devs; i-- > 0;) {
		struct vfio_device *d = &ctx->devs[i];
		struct pv_error rerr;

		if (d->on_bus && ctx->bus) {
			pci_bus_remove(ctx->bus, &d->model->pdev);
			d->on_bus = false;
		}
		if (d->model) {
			vfio_pci_quiesce(d->model);
			d->reset_tried = true;
			d->reset_ret =
				vfio_device_reset(&d->io, d->bdf, d->flags, ids,
						  fds, ctx->nr_groups, &rerr);
			if (d->reset_ret)
				pv_warn("%s not reset after the guest: %s",
					d->bdf, rerr.msg);
			vfio_pci_fini(d->model);
			free(d->model);
			d->model = NULL;
		}
	}
	/* DMA: only now that no device can master any more. */
	if (ctx->dma_listening) {
		mem_map_remove_listener(ctx->mem, &ctx->dma.l, true);
		ctx->dma_listening = false;
	}
	ctx->mem = NULL;
	ctx->irq = NULL;
	ctx->bus = NULL;
}

void vfio_close(struct vfio_ctx *ctx)
{
	vfio_detach(ctx);
	/* The VMM lets go of each group while its fd is still open. */
	vfio_unhook_groups(ctx);
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
		if (grp->in_container)
			ioctl(grp->fd, VFIO_GROUP_UNSET_CONTAINER);
		grp->in_container = false;
		close(grp->fd);
		grp->fd = -1;
	}
	if (ctx->container_fd >= 0) {
		close(ctx->container_fd);
		ctx->container_fd = -1;
	}
	pv_trace(TRACE_VFIO, "closed %u devices, %u groups", ctx->nr_devs,
		 ctx->nr_groups);
}
