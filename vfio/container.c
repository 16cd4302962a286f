// SPDX-License-Identifier: GPL-2.0
/*
 * The whole assignment, whichever IOMMU backend carries it: the devices
 * checked in sysfs, the backend chosen (host_iommu_choose(), pre-opened
 * fds, the fallback from iommufd to the type1 container), the IOMMU's IOVA
 * constraints as holes for the layout, telling the VMM about each VFIO
 * file (struct vfio_group_hook: it registers them with KVM), attach and
 * teardown in reverse. The backends are vfio/type1.c and vfio/iommufd.c.
 * Sources: Documentation/driver-api/vfio.rst,
 * Documentation/userspace-api/iommufd.rst.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	ctx->iommufd = -1;
	ctx->dma_avail = ~0u;
	for (unsigned int i = 0; i < VFIO_MAX_GROUPS; i++)
		ctx->groups[i].fd = -1;
	for (unsigned int i = 0; i < VFIO_MAX_DEVICES; i++)
		ctx->devs[i].fd = ctx->devs[i].given_fd = -1;
	snprintf(ctx->sysfs_root, sizeof(ctx->sysfs_root), "/sys");
	snprintf(ctx->dev_root, sizeof(ctx->dev_root), "/dev");
}

/* ------------------------------------------------------------------ */
/* IOVA ranges and holes                                               */

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

struct vfio_container_io vfio_fd_io_for(struct vfio_ctx *ctx, int *fd)
{
	if (ctx->iof.fd_io)
		return ctx->iof.fd_io(ctx->iof.opaque, fd);
	return vfio_fd_container_io(fd);
}

struct vfio_dev_io vfio_dev_io_for(struct vfio_ctx *ctx, int *fd)
{
	if (ctx->iof.dev_io)
		return ctx->iof.dev_io(ctx->iof.opaque, fd);
	return vfio_fd_dev_io(fd);
}

const char *vfio_backend_name(const struct vfio_ctx *ctx)
{
	return ctx->be ? ctx->be->name : "none";
}

void vfio_read_reserved(struct vfio_ctx *ctx, struct vfio_group *g)
{
	int ret;

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
}

int vfio_open_sysfs(struct vfio_ctx *ctx, const char *const *bdfs, int n,
		    struct pv_error *err)
{
	int ret;

	/* Check every device in sysfs before touching /dev. */
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
	return 0;
}

/* host_iommu_choose() on this host's facts and these devices. */
static int choose_backend(struct vfio_ctx *ctx, char *why, size_t len,
			  bool *fallback)
{
	struct pci_addr addrs[VFIO_MAX_DEVICES];
	bool cdev[VFIO_MAX_DEVICES];
	struct iommufd_host h;
	char name[16], path[192];

	host_iommufd_probe(ctx->dev_root, "", NULL, &h);
	for (unsigned int i = 0; i < ctx->nr_devs; i++) {
		addrs[i] = ctx->devs[i].addr;
		cdev[i] = false;
		if (host_vfio_cdev(ctx->sysfs_root, &addrs[i], name,
				   sizeof(name)))
			continue;
		snprintf(path, sizeof(path), "%s/vfio/devices/%s",
			 ctx->dev_root, name);
		cdev[i] = access(path, F_OK) == 0;
	}
	return host_iommu_choose(ctx->mode, &h, cdev, addrs, ctx->nr_devs, why,
				 len, fallback);
}

/* Undo a failed iommufd open so the type1 container can start afresh. */
static void reset_for_fallback(struct vfio_ctx *ctx)
{
	vfio_unhook_groups(ctx);
	ctx->be->close(ctx);
	ctx->be = NULL;
	ctx->nr_iova = 0;
	ctx->iova_pgsizes = 0;
	for (unsigned int i = 0; i < ctx->nr_devs; i++) {
		struct vfio_device *d = &ctx->devs[i];

		d->fd = -1;
		d->cdev[0] = '\0';
		d->devid = d->hwpt_id = 0;
	}
	for (unsigned int g = 0; g < ctx->nr_groups; g++)
		ctx->groups[g].nr_resv = 0;
}

int vfio_open(struct vfio_ctx *ctx, const char *sysfs_root,
	      const char *const *bdfs, int n, const struct vfio_open_opts *opts,
	      const struct vfio_group_hook *hook, struct pv_error *err)
{
	const char *names[VFIO_MAX_DEVICES];
	char bdfbuf[VFIO_MAX_DEVICES][PCI_ADDR_STRLEN], why[512];
	struct vfio_fd_info fi[VFIO_MAX_DEVICES], iommu = { 0 };
	int iommu_fd = opts ? opts->iommu_fd : -1, ret, be;
	bool fallback = false;

	vfio_ctx_init(ctx);
	snprintf(ctx->sysfs_root, sizeof(ctx->sysfs_root), "%s",
		 sysfs_root ? sysfs_root : "/sys");
	if (hook)
		ctx->hook = *hook;
	if (opts) {
		ctx->mode = opts->mode;
		ctx->iof = opts->io;
		if (opts->dev_root)
			snprintf(ctx->dev_root, sizeof(ctx->dev_root), "%s",
				 opts->dev_root);
	}
	if (n <= 0 || n > VFIO_MAX_DEVICES) {
		vfio_close_given(opts, n);
		return pv_seterr(err, EINVAL,
				 "%d devices to assign (1 to %d supported)", n,
				 VFIO_MAX_DEVICES);
	}
	/* Pre-opened fds: what each one is, and whose. */
	ret = vfio_resolve_fds(ctx, bdfs, n, opts, names, bdfbuf, fi, &iommu,
			       err);
	if (!ret)
		ret = vfio_open_sysfs(ctx, names, n, err);
	if (ret) {
		vfio_close_given(opts, n);
		vfio_close(ctx);
		return ret;
	}
	for (int i = 0; i < n; i++)
		ctx->devs[i].given_fd =
			opts && opts->dev_fds ? opts->dev_fds[i] : -1;
	ret = vfio_place_given_fds(ctx, fi, &iommu, iommu_fd, err);
	if (ret < 0)
		goto fail;
	be = ret;
	if (be) {
		snprintf(why, sizeof(why), "%s, as the fds given are for it",
			 iommu_backend_name(be));
	} else {
		be = choose_backend(ctx, why, sizeof(why), &fallback);
		if (be < 0) {
			ret = pv_seterr(err, -be, "%s", why);
			goto fail;
		}
	}
	if (fallback)
		pv_warn("IOMMU backend: %s", why);
	pv_trace(TRACE_VFIO, "backend %s", why);
	ctx->be = be == IOMMU_BACKEND_IOMMUFD ? &vfio_iommufd_ops :
						&vfio_type1_ops;
	ret = ctx->be->open(ctx, err);
	/* Before any device is used (reset, mapped, given interrupts). */
	if (!ret)
		ret = vfio_hook_groups(ctx, err);
	if (ret && ctx->be == &vfio_iommufd_ops &&
	    ctx->mode == IOMMU_MODE_AUTO && !vfio_opts_gave_fds(opts, n)) {
		pv_warn("iommufd failed (%s): falling back to the type1 container",
			err->msg);
		pv_trace(TRACE_VFIO, "backend type1: iommufd failed: %s",
			 err->msg);
		reset_for_fallback(ctx);
		ctx->be = &vfio_type1_ops;
		ret = ctx->be->open(ctx, err);
		if (!ret)
			ret = vfio_hook_groups(ctx, err);
	}
	if (ret)
		goto fail;
	return 0;
fail:
	vfio_close(ctx);
	return ret;
}

/* ------------------------------------------------------------------ */
/* KVM's view: the VFIO files                                          */

int vfio_hook_groups(struct vfio_ctx *ctx, struct pv_error *err)
{
	char name[64];
	int ret;

	if (!ctx->hook.add)
		return 0;
	if (ctx->be == &vfio_iommufd_ops) {
		for (unsigned int i = 0; i < ctx->nr_devs; i++) {
			struct vfio_device *d = &ctx->devs[i];

			if (d->hooked || d->fd < 0)
				continue;
			snprintf(name, sizeof(name), "device %s", d->bdf);
			ret = ctx->hook.add(ctx->hook.opaque, name, d->fd, err);
			if (ret)
				return ret;
			d->hooked = true;
		}
		return 0;
	}
	for (unsigned int i = 0; i < ctx->nr_groups; i++) {
		struct vfio_group *g = &ctx->groups[i];

		if (g->hooked || g->fd < 0)
			continue;
		snprintf(name, sizeof(name), "group %d", g->id);
		ret = ctx->hook.add(ctx->hook.opaque, name, g->fd, err);
		if (ret)
			return ret;
		g->hooked = true;
	}
	return 0;
}

void vfio_unhook_groups(struct vfio_ctx *ctx)
{
	char name[64];

	for (unsigned int i = ctx->nr_devs; i-- > 0;) {
		struct vfio_device *d = &ctx->devs[i];

		snprintf(name, sizeof(name), "device %s", d->bdf);
		if (d->hooked && ctx->hook.del)
			ctx->hook.del(ctx->hook.opaque, name, d->fd);
		d->hooked = false;
	}
	for (unsigned int i = ctx->nr_groups; i-- > 0;) {
		struct vfio_group *g = &ctx->groups[i];

		snprintf(name, sizeof(name), "group %d", g->id);
		if (g->hooked && ctx->hook.del)
			ctx->hook.del(ctx->hook.opaque, name, g->fd);
		g->hooked = false;
	}
}

/* ------------------------------------------------------------------ */
/* Attach and close                                                    */

static int reset_device(struct vfio_ctx *ctx, struct vfio_device *d,
			struct pv_error *err)
{
	if (!ctx->be)
		return pv_seterr(err, ENODEV, "no IOMMU backend");
	return ctx->be->reset(ctx, d, err);
}

int vfio_attach(struct vfio_ctx *ctx, struct mem_map *mem,
		struct irq_router *irq, struct pci_bus *bus,
		struct pv_error *err)
{
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
	if (!ctx->be)
		return pv_seterr(err, ENODEV, "vfio_attach before vfio_open");
	ctx->be->dma_init(ctx);
	ret = mem_map_add_listener(mem, &ctx->dma.l, err);
	if (ret)
		return ret;
	ctx->dma_listening = true;
	pv_trace(
		TRACE_VFIO,
		"dma listener registered (%s): %u mappings, %llu bytes in %.1f ms",
		ctx->be->name, ctx->dma.nr_mappings,
		(unsigned long long)ctx->dma.mapped_bytes,
		ctx->dma.map_ns / 1e6);

	for (unsigned int i = 0; i < ctx->nr_devs; i++) {
		struct vfio_device *d = &ctx->devs[i];
		struct pv_error rerr;

		/* A device without any reset still works, warn only. */
		if (d->fresh)
			pv_trace(TRACE_VFIO,
				 "%s: reset by vfio-pci when it was opened",
				 d->bdf);
		else if (reset_device(ctx, d, &rerr))
			pv_warn("%s not reset before boot: %s", d->bdf,
				rerr.msg);
		d->fresh = false;
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
	/* Devices: off the bus, quiet, reset, unmapped. */
	for (unsigned int i = ctx->nr_devs; i-- > 0;) {
		struct vfio_device *d = &ctx->devs[i];
		struct pv_error rerr;

		if (d->on_bus && ctx->bus) {
			pci_bus_remove(ctx->bus, &d->model->pdev);
			d->on_bus = false;
		}
		if (!d->model)
			continue;
		vfio_pci_quiesce(d->model);
		d->reset_tried = true;
		if (ctx->closing && (d->flags & VFIO_DEVICE_FLAGS_RESET)) {
			/* No new DMA; the close resets it (vfio-pci). */
			vfio_pci_stop_dma(d->model);
			d->reset_ret = 0;
			pv_trace(
				TRACE_VFIO,
				"%s: bus master off; vfio-pci resets it at close",
				d->bdf);
		} else {
			d->reset_ret = reset_device(ctx, d, &rerr);
			if (d->reset_ret)
				pv_warn("%s not reset after the guest: %s",
					d->bdf, rerr.msg);
		}
		vfio_pci_fini(d->model);
		free(d->model);
		d->model = NULL;
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
	const char *name = vfio_backend_name(ctx);
	bool had_backend = ctx->be != NULL;

	ctx->closing = true;
	vfio_detach(ctx);
	/* The VMM lets go of each file while its fd is still open. */
	vfio_unhook_groups(ctx);
	if (ctx->be) {
		ctx->be->close(ctx);
	} else {
		/* Opened before a backend was chosen (given fds). */
		vfio_type1_ops.close(ctx);
		vfio_iommufd_ops.close(ctx);
	}
	for (unsigned int i = 0; i < ctx->nr_devs; i++) {
		if (ctx->devs[i].given_fd >= 0)
			close(ctx->devs[i].given_fd);
		ctx->devs[i].given_fd = -1;
	}
	/* vm_destroy closes again what boot_teardown closed: say it once. */
	if (had_backend)
		pv_trace(TRACE_VFIO, "closed %u devices, %u groups (%s)",
			 ctx->nr_devs, ctx->nr_groups, name);
	ctx->be = NULL;
}
