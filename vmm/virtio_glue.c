// SPDX-License-Identifier: GPL-2.0
/* The virtio devices of a VM: built from its description, plugged, counted. */
#include "vmm/virtio_glue.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "virtio/blk.h"
#include "virtio/net.h"
#include "virtio/tap.h"
#include "virtio/vsock.h"

int virtio_devices_check(const struct vm_config *c, struct pv_error *err)
{
	const struct vsock_cfg *v = &c->vsock;

	for (unsigned int i = 0; i < c->nr_disks; i++) {
		const struct disk_cfg *d = &c->disks[i];

		if (!d->path)
			return pv_seterr(
				err, EINVAL,
				"drive '%s': vhost-user drives (socket) are not supported: give path_on_host, a raw image",
				d->id);
		for (unsigned int j = 0; j < i; j++) {
			if (!strcmp(d->id, c->disks[j].id))
				return pv_seterr(
					err, EINVAL,
					"drive id '%s' is used twice: give each disk its own id",
					d->id);
			if (c->disks[j].path &&
			    !strcmp(d->path, c->disks[j].path))
				return pv_seterr(
					err, EINVAL,
					"disk %s is given twice (drives '%s' and '%s'): one image is one disk",
					d->path, c->disks[j].id, d->id);
		}
	}
	for (unsigned int i = 0; i < c->nr_nets; i++)
		for (unsigned int j = 0; j < i; j++) {
			if (!strcmp(c->nets[i].id, c->nets[j].id))
				return pv_seterr(
					err, EINVAL,
					"interface id '%s' is used twice: give each its own id",
					c->nets[i].id);
			if (c->nets[i].tap_fd &&
			    (c->nets[i].tap_fd == c->nets[j].tap_fd ||
			     c->nets[i].tap_fd == c->nets[j].vhost_fd))
				return pv_seterr(
					err, EINVAL,
					"fd %d is given twice (interfaces '%s' and '%s'): give each interface its own tap",
					c->nets[i].tap_fd, c->nets[j].id,
					c->nets[i].id);
			if (c->nets[i].vhost_fd &&
			    (c->nets[i].vhost_fd == c->nets[j].vhost_fd ||
			     c->nets[i].vhost_fd == c->nets[j].tap_fd))
				return pv_seterr(
					err, EINVAL,
					"fd %d is given twice (interfaces '%s' and '%s'): each interface needs a /dev/vhost-net of its own",
					c->nets[i].vhost_fd, c->nets[j].id,
					c->nets[i].id);
			if (c->nets[i].tap && c->nets[j].tap &&
			    !strcmp(c->nets[i].tap, c->nets[j].tap))
				return pv_seterr(
					err, EINVAL,
					"tap %s is given twice (interfaces '%s' and '%s'): give each interface its own tap",
					c->nets[i].tap, c->nets[j].id,
					c->nets[i].id);
		}
	if (!v->present)
		return 0;
	if (v->cid < 3 || v->cid == UINT32_MAX)
		return pv_seterr(
			err, EINVAL,
			"vsock: guest CID %u is reserved: give a CID from 3 to 4294967294",
			v->cid);
	if (!v->uds_path || !*v->uds_path ||
	    strlen(v->uds_path) > VIRTIO_UDS_MAX)
		return pv_seterr(
			err, EINVAL,
			"vsock: uds_path '%s' must be 1 to %d bytes (a Unix socket path, with room for _PORT)",
			v->uds_path ? v->uds_path : "", VIRTIO_UDS_MAX);
	return 0;
}

int net_fd_check(const char *sysfs, const char *what, int fd,
		 enum chardev_kind want, struct pv_error *err)
{
	struct chardev_id id;
	int ret = host_fd_chardev(sysfs, fd, &id);

	/* vfio/fds.c's words: one copy of each format in the binary */
	if (ret == -EBADF)
		return pv_seterr(
			err, EBADF,
			"%s%s%d: fd %d is not open: the launcher must pass it open, without close-on-exec",
			"--net ", what, fd, fd);
	if (ret < 0 || id.kind != want)
		return pv_seterr(err, EINVAL, "%s%s%d: fd %d is %s, not %s",
				 "--net ", what, fd, fd, id.desc,
				 chardev_kind_name(want));
	return 0;
}

/*
 * Interface @i's host side into @h: its tap opened by name, or the
 * inherited tap fd checked and adopted (its name then in h->tap_name),
 * and an inherited vhost-net fd checked (vhost_net_open's VHOST_SET_OWNER
 * and VHOST_GET_FEATURES are its harmless ioctls, each boot).
 */
static int net_host_open(struct virtio_host *h, unsigned int i,
			 const struct net_cfg *n, const char *sysfs,
			 struct pv_error *err)
{
	int ret;

	h->vhost_fd[i] = 0;
	if (!n->tap_fd) {
		h->tap_fd[i] = tap_open(n->tap, err);
		if (h->tap_fd[i] < 0)
			return -EINVAL;
		snprintf(h->tap_name[i], sizeof(h->tap_name[i]), "%s", n->tap);
	} else {
		ret = net_fd_check(sysfs, "fd=", n->tap_fd, CHARDEV_TUN, err);
		if (!ret)
			ret = tap_adopt(n->tap_fd, h->tap_name[i], err);
		if (ret)
			return ret;
		h->tap_fd[i] = n->tap_fd;
	}
	h->nr_taps = i + 1;
	if (n->vhost_fd) {
		ret = net_fd_check(sysfs, "vhost-fd=", n->vhost_fd,
				   CHARDEV_VHOST_NET, err);
		if (ret)
			return ret;
		fcntl(n->vhost_fd, F_SETFD, FD_CLOEXEC);
		h->vhost_fd[i] = n->vhost_fd;
	}
	return 0;
}

int virtio_host_open(struct virtio_host *h, const struct vm_config *c,
		     struct pv_error *err)
{
	int ret;

	memset(h, 0, sizeof(*h));
	h->vsock_fd = -1;
	ret = virtio_devices_check(c, err);
	if (ret)
		return ret;
	for (unsigned int i = 0; i < c->nr_disks; i++) {
		const struct disk_cfg *d = &c->disks[i];

		ret = blk_image_open(&h->image[i], d->path, d->read_only, err);
		if (ret)
			goto fail;
		h->nr_images = i + 1;
	}
	for (unsigned int i = 0; i < c->nr_nets; i++) {
		ret = net_host_open(h, i, &c->nets[i], "/sys", err);
		if (ret)
			goto fail;
	}
	if (c->vsock.present) {
		h->vsock_fd = vsock_uds_listen(c->vsock.uds_path, err);
		if (h->vsock_fd < 0) {
			ret = h->vsock_fd;
			goto fail;
		}
		h->vsock_open = true;
	}
	return 0;
fail:
	virtio_host_close(h, c);
	return ret;
}

void virtio_host_close(struct virtio_host *h, const struct vm_config *c)
{
	for (unsigned int i = 0; i < h->nr_images; i++)
		blk_image_close(&h->image[i]);
	for (unsigned int i = 0; i < h->nr_taps; i++) {
		close(h->tap_fd[i]);
		if (h->vhost_fd[i] > 0)
			close(h->vhost_fd[i]);
	}
	h->nr_images = h->nr_taps = 0;
	if (h->vsock_open) {
		close(h->vsock_fd);
		unlink(c->vsock.uds_path);
	}
	h->vsock_open = false;
	h->vsock_fd = -1;
}

/* What every device of one boot is built with. */
struct build {
	struct virtio_devices *vd;
	const struct virtio_host *host;
	struct virtio_env env; /* irq: filled per device (next_dev) */
	struct irq_router *irq;
	struct pci_bus *pci;
};

/*
 * The next slot of @b->vd for a device of @kind and @id: its own MSI owner
 * on the router, its env in *@env. The device is counted once built.
 */
static struct virtio_glue_dev *next_dev(struct build *b, enum virtio_kind kind,
					const char *id, struct virtio_env *env,
					struct pv_error *err)
{
	struct virtio_glue_dev *g;

	if (b->vd->nr == VIRTIO_GLUE_MAX_DEVS) {
		pv_seterr(err, ENOSPC, "%s: too many virtio devices", id);
		return NULL;
	}
	g = &b->vd->dev[b->vd->nr];
	memset(g, 0, sizeof(*g));
	g->kind = kind;
	g->id = id;
	*env = b->env;
	if (virtio_irq_backend_init(&g->irq, b->irq, id, &env->irq, err))
		return NULL;
	return g;
}

void virtio_devices_use_devid(struct virtio_devices *vd, struct irq_router *irq)
{
	for (unsigned int i = 0; vd && i < vd->nr; i++)
		irq_owner_set_devid(irq, vd->dev[i].irq.owner,
				    vd->dev[i].vdev->pci.devfn);
}

/* Count @g (built) and put it on the bus with its I/O thread running. */
static int plug(struct build *b, struct virtio_glue_dev *g,
		struct virtio_dev *v, struct pv_error *err)
{
	int ret;

	g->vdev = v;
	b->vd->nr++;
	ret = virtio_dev_plug(v, b->pci, err);
	if (!ret)
		ret = virtio_dev_start(v, err);
	return ret;
}

static int create_disk(struct build *b, const struct disk_cfg *d,
		       const struct blk_image *image, struct pv_error *err)
{
	struct virtio_blk_params p = {
		.name = d->id,
		.path = d->path,
		.image = image,
		.read_only = d->read_only,
		.serial = d->serial,
		/* Firecracker's "Unsafe": flushes are not passed on */
		.unsafe_cache =
			d->cache_type && !strcmp(d->cache_type, "Unsafe"),
	};
	struct virtio_glue_dev *g;
	struct virtio_env env;
	int ret;

	g = next_dev(b, VIRTIO_KIND_BLK, d->id, &env, err);
	if (!g)
		return -ENOSPC;
	ret = virtio_blk_create(&g->u.blk, &p, &env, err);
	return ret ? ret : plug(b, g, &g->u.blk->vdev, err);
}

static int create_disks(struct build *b, const struct vm_config *c,
			struct pv_error *err)
{
	int ret = 0;

	/* The root drive takes the first slot: the guest calls it vda. */
	for (unsigned int i = 0; !ret && i < c->nr_disks; i++)
		if (c->disks[i].root)
			ret = create_disk(b, &c->disks[i], &b->host->image[i],
					  err);
	for (unsigned int i = 0; !ret && i < c->nr_disks; i++)
		if (!c->disks[i].root)
			ret = create_disk(b, &c->disks[i], &b->host->image[i],
					  err);
	return ret;
}

static int create_net(struct build *b, const struct net_cfg *n, unsigned int i,
		      struct pv_error *err)
{
	static const enum virtio_net_vhost vhost[] = {
		[VM_VHOST_AUTO] = VIRTIO_NET_VHOST_AUTO,
		[VM_VHOST_ON] = VIRTIO_NET_VHOST_ON,
		[VM_VHOST_OFF] = VIRTIO_NET_VHOST_OFF,
	};
	struct virtio_net_params p = {
		.name = n->id,
		.tap = b->host->tap_name[i],
		.tap_fd = b->host->tap_fd[i],
		.vhost_fd = b->host->vhost_fd[i],
		.has_mac = n->has_mac,
		.mtu = n->mtu,
		.vhost = vhost[n->vhost],
	};
	struct virtio_glue_dev *g;
	struct virtio_env env;
	int ret;

	memcpy(p.mac, n->mac, 6);
	g = next_dev(b, VIRTIO_KIND_NET, n->id, &env, err);
	if (!g)
		return -ENOSPC;
	ret = virtio_net_create(&g->u.net, &p, &env, err);
	return ret ? ret : plug(b, g, &g->u.net->vdev, err);
}

static int create_vsock(struct build *b, const struct vsock_cfg *v,
			struct pv_error *err)
{
	struct vsock_params vp = { .guest_cid = v->cid,
				   .uds_path = v->uds_path,
				   .listen_fd = b->host->vsock_fd };
	struct virtio_glue_dev *g;
	struct virtio_env env;
	int ret;

	g = next_dev(b, VIRTIO_KIND_VSOCK, "vsock", &env, err);
	if (!g)
		return -ENOSPC;
	ret = virtio_vsock_create(&g->u.vsock, &vp, &env, err);
	return ret ? ret : plug(b, g, &g->u.vsock->vdev, err);
}

int virtio_devices_create(struct virtio_devices **out,
			  const struct vm_config *c,
			  const struct virtio_host *h, struct mem_map *mem,
			  struct irq_router *irq, struct pci_bus *pci,
			  int vm_fd, struct pv_error *err)
{
	struct build b = {
		.host = h, .env = { .mem = mem }, .irq = irq, .pci = pci
	};
	struct virtio_devices *vd;
	int ret;

	*out = NULL;
	if (!c->nr_disks && !c->nr_nets && !c->vsock.present)
		return 0;
	vd = calloc(1, sizeof(*vd));
	if (!vd)
		return pv_seterr(err, ENOMEM, "out of memory");
	b.vd = vd;
	b.env.ioev = kvm_ioeventfd_backend(&vd->ioev, vm_fd);
	ret = create_disks(&b, c, err);
	for (unsigned int i = 0; !ret && i < c->nr_nets; i++)
		ret = create_net(&b, &c->nets[i], i, err);
	if (!ret && c->vsock.present)
		ret = create_vsock(&b, &c->vsock, err);
	if (ret) {
		virtio_devices_destroy(vd);
		return ret;
	}
	*out = vd;
	return 0;
}

void virtio_devices_destroy(struct virtio_devices *vd)
{
	if (!vd)
		return;
	for (unsigned int i = 0; i < vd->nr; i++) {
		struct virtio_glue_dev *g = &vd->dev[i];

		switch (g->kind) {
		case VIRTIO_KIND_BLK:
			virtio_blk_destroy(g->u.blk);
			break;
		case VIRTIO_KIND_NET:
			virtio_net_destroy(g->u.net);
			break;
		case VIRTIO_KIND_VSOCK:
			virtio_vsock_destroy(g->u.vsock);
			break;
		}
	}
	free(vd);
}

int virtio_disk_change(struct virtio_devices *vd, struct virtio_host *h,
		       struct vm_config *c, unsigned int i, const char *path,
		       struct pv_error *err)
{
	struct disk_cfg *d = &c->disks[i];
	struct virtio_blk *b;
	struct blk_image old;
	unsigned int k = 0;
	int ret;

	/* Its device: the one named by the description's id (create_disk). */
	while (vd && k < vd->nr && vd->dev[k].id != d->id)
		k++;
	if (!vd || k == vd->nr)
		return pv_seterr(err, ENODEV, "drive '%s': no device", d->id);
	b = vd->dev[k].u.blk;
	ret = virtio_blk_change(b, path, &old, err);
	if (ret)
		return ret;
	h->image[i] = b->im; /* what the next boot uses */
	blk_image_close(&old);
	return vm_config_set_str(c, &d->path, path) ?
		       pv_seterr(err, ENOMEM, "out of memory") :
		       0;
}
