// SPDX-License-Identifier: GPL-2.0
/*
 * Pre-opened fds (--iommu-fd N, --vfio fd=N[,bdf=BDF]): a privileged
 * launcher opens /dev/vfio/vfio or /dev/iommu, the groups or the device
 * cdevs, and passes them to an unprivileged passvm. Each fd is checked to
 * be what it claims, by its kind of file and its char device
 * (host/chardev.h), then by one harmless ioctl: VFIO_GET_API_VERSION (a
 * container), IOMMU_IOAS_ALLOC and IOMMU_DESTROY (an iommufd),
 * VFIO_GROUP_GET_STATUS (a group), VFIO_DEVICE_GET_INFO (a cdev: 0 when
 * bound, -EINVAL before VFIO_DEVICE_BIND_IOMMUFD, as drivers/vfio/
 * vfio_main.c answers). A cdev's PCI address is read back from sysfs; a
 * group's is its only member unless bdf= names one. Sources: linux/vfio.h,
 * linux/iommufd.h, Documentation/driver-api/vfio.rst.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "host/chardev.h"
#include "vfio/iommufd_uapi.h"
#include "vfio/vfio.h"

/* The harmless ioctl that proves @fd is a @kind. */
static int probe_ioctl(struct vfio_ctx *ctx, int fd, enum vfio_fd_kind kind,
		       const char **call)
{
	int f = fd, ret;
	struct vfio_container_io io = vfio_fd_io_for(ctx, &f);
	struct vfio_dev_io dio;

	switch (kind) {
	case VFIO_FD_CONTAINER:
		*call = "VFIO_GET_API_VERSION";
		ret = io.ioctl(io.ctx, VFIO_GET_API_VERSION, NULL);
		return ret == VFIO_API_VERSION ? 0 : ret < 0 ? ret : -EPROTO;
	case VFIO_FD_IOMMUFD: {
		struct iommu_ioas_alloc a = { .size = sizeof(a) };
		struct iommu_destroy d = { .size = sizeof(d) };

		*call = "IOMMU_IOAS_ALLOC";
		ret = io.ioctl(io.ctx, IOMMU_IOAS_ALLOC, &a);
		if (ret < 0)
			return ret;
		d.id = a.out_ioas_id;
		io.ioctl(io.ctx, IOMMU_DESTROY, &d);
		return 0;
	}
	case VFIO_FD_GROUP: {
		struct vfio_group_status st = { .argsz = sizeof(st) };

		*call = "VFIO_GROUP_GET_STATUS";
		ret = io.ioctl(io.ctx, VFIO_GROUP_GET_STATUS, &st);
		return ret < 0 ? ret : 0;
	}
	default: {
		struct vfio_device_info info = { .argsz = sizeof(info) };

		*call = "VFIO_DEVICE_GET_INFO";
		dio = vfio_dev_io_for(ctx, &f);
		ret = dio.ioctl(dio.ctx, VFIO_DEVICE_GET_INFO, &info);
		return ret == -EINVAL ? 0 : ret < 0 ? ret : 0;
	}
	}
}

int vfio_fd_identify(struct vfio_ctx *ctx, int fd, bool iommu_side,
		     struct vfio_fd_info *fi, struct pv_error *err)
{
	const char *opt = iommu_side ? "--iommu-fd" : "--vfio fd=";
	const char *want =
		iommu_side ?
			"/dev/vfio/vfio or /dev/iommu" :
			"a VFIO group /dev/vfio/N or a device cdev /dev/vfio/devices/vfioN";
	struct chardev_id id;
	const char *call = "";
	int ret;

	memset(fi, 0, sizeof(*fi));
	fi->group = -1;
	ret = host_fd_chardev(ctx->sysfs_root, fd, &id);
	if (ret == -EBADF)
		return pv_seterr(
			err, EBADF,
			"%s%s%d: fd %d is not open: the launcher must pass it open, without close-on-exec",
			opt, iommu_side ? " " : "", fd, fd);
	if (ret < 0)
		return pv_seterr(err, EINVAL, "%s%s%d: fd %d is %s, not %s",
				 opt, iommu_side ? " " : "", fd, fd, id.desc,
				 want);
	switch (id.kind) {
	case CHARDEV_VFIO_CONTAINER:
		fi->kind = VFIO_FD_CONTAINER;
		break;
	case CHARDEV_IOMMUFD:
		fi->kind = VFIO_FD_IOMMUFD;
		break;
	case CHARDEV_VFIO_GROUP:
		fi->kind = VFIO_FD_GROUP;
		fi->group = id.group;
		break;
	case CHARDEV_VFIO_CDEV:
		fi->kind = VFIO_FD_CDEV;
		fi->addr = id.addr;
		snprintf(fi->cdev, sizeof(fi->cdev), "%s", id.cdev);
		break;
	default:
		fi->kind = VFIO_FD_NONE;
	}
	if (fi->kind == VFIO_FD_NONE ||
	    iommu_side != (fi->kind == VFIO_FD_CONTAINER ||
			   fi->kind == VFIO_FD_IOMMUFD))
		return pv_seterr(err, EINVAL,
				 "%s%s%d: fd %d is %s (%s), not %s", opt,
				 iommu_side ? " " : "", fd, fd,
				 chardev_kind_name(id.kind), id.desc, want);
	ret = probe_ioctl(ctx, fd, fi->kind, &call);
	if (ret < 0)
		return pv_seterr(
			err, EINVAL,
			"%s%s%d: fd %d looks like %s but %s on it fails: %s",
			opt, iommu_side ? " " : "", fd, fd,
			chardev_kind_name(id.kind), call, strerror(-ret));
	pv_trace(TRACE_VFIO, "fd %d is %s (%s), %s answers", fd,
		 chardev_kind_name(id.kind), id.desc, call);
	return 0;
}

/* The one PCI function of group @group, for a group fd without bdf=. */
static int group_only_member(struct vfio_ctx *ctx, int fd, int group, char *bdf,
			     struct pv_error *err)
{
	struct pci_addr m[8];
	int n = sysfs_group_devices(ctx->sysfs_root, group, m, 8);

	if (n < 0)
		return pv_seterr(err, -n,
				 "--vfio fd=%d: cannot list IOMMU group %d: %s",
				 fd, group, strerror(-n));
	if (n != 1)
		return pv_seterr(
			err, EINVAL,
			"--vfio fd=%d: IOMMU group %d has %d devices: say which with --vfio fd=%d,bdf=BDF",
			fd, group, n, fd);
	pci_addr_format(&m[0], bdf);
	return 0;
}

int vfio_resolve_fds(struct vfio_ctx *ctx, const char *const *bdfs, int n,
		     const struct vfio_open_opts *opts, const char **names,
		     char (*bdfbuf)[PCI_ADDR_STRLEN], struct vfio_fd_info *fi,
		     struct vfio_fd_info *iommu, struct pv_error *err)
{
	struct pci_addr a;
	int ret;

	if (opts && opts->iommu_fd >= 0) {
		ret = vfio_fd_identify(ctx, opts->iommu_fd, true, iommu, err);
		if (ret)
			return ret;
	}
	for (int i = 0; i < n; i++) {
		int fd = opts && opts->dev_fds ? opts->dev_fds[i] : -1;

		names[i] = bdfs[i];
		memset(&fi[i], 0, sizeof(fi[i]));
		if (fd < 0)
			continue;
		ret = vfio_fd_identify(ctx, fd, false, &fi[i], err);
		if (ret)
			return ret;
		if (fi[i].kind == VFIO_FD_CDEV) {
			pci_addr_format(&fi[i].addr, bdfbuf[i]);
		} else if (!bdfs[i] || !bdfs[i][0]) {
			ret = group_only_member(ctx, fd, fi[i].group, bdfbuf[i],
						err);
			if (ret)
				return ret;
		} else {
			snprintf(bdfbuf[i], PCI_ADDR_STRLEN, "%s", bdfs[i]);
		}
		if (bdfs[i] && bdfs[i][0] && pci_addr_parse(bdfs[i], &a))
			return pv_seterr(
				err, EINVAL,
				"--vfio fd=%d,bdf=%s: not a PCI address: use %s",
				fd, bdfs[i], pci_addr_forms);
		if (fi[i].kind == VFIO_FD_CDEV && bdfs[i] && bdfs[i][0] &&
		    !pci_addr_equal(&a, &fi[i].addr))
			return pv_seterr(
				err, EINVAL,
				"--vfio fd=%d,bdf=%s: fd %d is the cdev %s of %s",
				fd, bdfs[i], fd, fi[i].cdev, bdfbuf[i]);
		names[i] = bdfbuf[i];
	}
	return 0;
}

void vfio_close_given(const struct vfio_open_opts *opts, int n)
{
	if (!opts)
		return;
	if (opts->iommu_fd >= 0)
		close(opts->iommu_fd);
	for (int i = 0; opts->dev_fds && i < n; i++)
		if (opts->dev_fds[i] >= 0)
			close(opts->dev_fds[i]);
}

bool vfio_opts_gave_fds(const struct vfio_open_opts *opts, int n)
{
	if (!opts)
		return false;
	if (opts->iommu_fd >= 0)
		return true;
	for (int i = 0; opts->dev_fds && i < n; i++)
		if (opts->dev_fds[i] >= 0)
			return true;
	return false;
}

/*
 * Put the pre-opened fds where the backends look for them and say which
 * backend they force (0: none). Their kinds were checked by
 * vfio_resolve_fds(); a group fd must be the device's own group.
 */
int vfio_place_given_fds(struct vfio_ctx *ctx, const struct vfio_fd_info *fi,
			 const struct vfio_fd_info *iommu, int iommu_fd,
			 struct pv_error *err)
{
	int force = 0, want;

	if (iommu_fd >= 0) {
		fcntl(iommu_fd, F_SETFD, FD_CLOEXEC);
		force = iommu->kind == VFIO_FD_IOMMUFD ? IOMMU_BACKEND_IOMMUFD :
							 IOMMU_BACKEND_TYPE1;
		if (force == IOMMU_BACKEND_IOMMUFD)
			ctx->iommufd = iommu_fd;
		else
			ctx->container_fd = iommu_fd;
	}
	for (unsigned int i = 0; i < ctx->nr_devs; i++) {
		struct vfio_device *d = &ctx->devs[i];
		struct vfio_group *g = &ctx->groups[d->group];

		if (d->given_fd < 0)
			continue;
		fcntl(d->given_fd, F_SETFD, FD_CLOEXEC);
		want = fi[i].kind == VFIO_FD_CDEV ? IOMMU_BACKEND_IOMMUFD :
						    IOMMU_BACKEND_TYPE1;
		if (force && want != force)
			return pv_seterr(
				err, EINVAL,
				"--vfio fd=%d is a %s but the other fds are for %s: give group and container fds, or device cdevs and /dev/iommu",
				d->given_fd,
				want == IOMMU_BACKEND_IOMMUFD ? "device cdev" :
								"VFIO group",
				iommu_backend_name(force));
		force = want;
		if (fi[i].kind == VFIO_FD_CDEV) {
			d->fd = d->given_fd;
			snprintf(d->cdev, sizeof(d->cdev), "%s", fi[i].cdev);
		} else if (fi[i].group != g->id) {
			return pv_seterr(
				err, EINVAL,
				"--vfio fd=%d is IOMMU group %d, but %s is in group %d",
				d->given_fd, fi[i].group, d->bdf, g->id);
		} else if (g->fd < 0) {
			g->fd = d->given_fd;
		} else if (g->fd != d->given_fd) {
			return pv_seterr(
				err, EINVAL,
				"IOMMU group %d is given twice (fds %d and %d): give it once",
				g->id, g->fd, d->given_fd);
		}
		d->given_fd = -1; /* placed: closed with the others */
	}
	if (force && ctx->mode != IOMMU_MODE_AUTO &&
	    (int)ctx->mode != (force == IOMMU_BACKEND_IOMMUFD ?
				       IOMMU_MODE_IOMMUFD :
				       IOMMU_MODE_TYPE1))
		return pv_seterr(
			err, EINVAL,
			"--iommu %s contradicts the fds given, which are for %s",
			iommu_mode_name(ctx->mode), iommu_backend_name(force));
	return force;
}
