// SPDX-License-Identifier: GPL-2.0
/* The virtio devices of a VM: built from its description, plugged, counted. */
#include "vmm/virtio_glue.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "virtio/blk.h"
#include "virtio/net.h"
#include "virtio/vsock.h"
#include "vmm/virtio_irq.h"

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
			if (!strcmp(c->nets[i].tap, c->nets[j].tap))
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

static int plug(struct virtio_dev *v, struct pci_bus *pci, struct pv_error *err)
{
	int ret = virtio_dev_plug(v, pci, err);

	if (!ret)
		ret = virtio_dev_start(v, err);
	return ret;
}

static int create_disk(struct virtio_devices *vd, const struct disk_cfg *d,
		       const struct virtio_env *env, struct pci_bus *pci,
		       struct pv_error *err)
{
	struct virtio_blk_params p = {
		.name = d->id,
		.path = d->path,
		.read_only = d->read_only,
		.serial = d->serial,
		/* Firecracker's "Unsafe": flushes are not passed on */
		.unsafe_cache =
			d->cache_type && !strcmp(d->cache_type, "Unsafe"),
	};
	int ret;

	if (d->rate_limiter)
		pv_warn("drive '%s': passvm does not apply rate limiters yet",
			d->id);
	ret = virtio_blk_create(&vd->blk[vd->nr_blk], &p, env, err);
	if (ret)
		return ret;
	return plug(&vd->blk[vd->nr_blk++]->vdev, pci, err);
}

static int create_disks(struct virtio_devices *vd, const struct vm_config *c,
			const struct virtio_env *env, struct pci_bus *pci,
			struct pv_error *err)
{
	int ret = 0;

	/* The root drive takes the first slot: the guest calls it vda. */
	for (unsigned int i = 0; !ret && i < c->nr_disks; i++)
		if (c->disks[i].root)
			ret = create_disk(vd, &c->disks[i], env, pci, err);
	for (unsigned int i = 0; !ret && i < c->nr_disks; i++)
		if (!c->disks[i].root)
			ret = create_disk(vd, &c->disks[i], env, pci, err);
	return ret;
}

static int create_nets(struct virtio_devices *vd, const struct vm_config *c,
		       const struct virtio_env *env, struct pci_bus *pci,
		       struct pv_error *err)
{
	static const enum virtio_net_vhost vhost[] = {
		[VM_VHOST_AUTO] = VIRTIO_NET_VHOST_AUTO,
		[VM_VHOST_ON] = VIRTIO_NET_VHOST_ON,
		[VM_VHOST_OFF] = VIRTIO_NET_VHOST_OFF,
	};

	for (unsigned int i = 0; i < c->nr_nets; i++) {
		const struct net_cfg *n = &c->nets[i];
		struct virtio_net_params p = {
			.name = n->id,
			.tap = n->tap,
			.tap_fd = -1,
			.has_mac = n->has_mac,
			.mtu = n->mtu,
			.vhost = vhost[n->vhost],
		};
		int ret;

		if (n->rx_rate_limiter || n->tx_rate_limiter)
			pv_warn("interface '%s': passvm does not apply rate limiters yet",
				n->id);
		memcpy(p.mac, n->mac, 6);
		ret = virtio_net_create(&vd->net[i], &p, env, err);
		if (ret)
			return ret;
		vd->nr_net = i + 1;
		ret = plug(&vd->net[i]->vdev, pci, err);
		if (ret)
			return ret;
	}
	return 0;
}

int virtio_devices_create(struct virtio_devices **out,
			  const struct vm_config *c, struct mem_map *mem,
			  struct irq_router *irq, struct pci_bus *pci,
			  int vm_fd, struct pv_error *err)
{
	struct virtio_env env = { .mem = mem };
	struct virtio_devices *vd;
	int ret;

	*out = NULL;
	if (!c->nr_disks && !c->nr_nets && !c->vsock.present)
		return 0;
	ret = virtio_devices_check(c, err);
	if (ret)
		return ret;
	vd = calloc(1, sizeof(*vd));
	if (!vd)
		return pv_seterr(err, ENOMEM, "out of memory");
	env.irq = virtio_irq_backend_for(irq);
	env.ioev = kvm_ioeventfd_backend(&vd->ioev, vm_fd);
	ret = create_disks(vd, c, &env, pci, err);
	if (!ret)
		ret = create_nets(vd, c, &env, pci, err);
	if (!ret && c->vsock.present) {
		struct vsock_params vp = { .guest_cid = c->vsock.cid,
					   .uds_path = c->vsock.uds_path };

		ret = virtio_vsock_create(&vd->vsock, &vp, &env, err);
		if (!ret)
			ret = plug(&vd->vsock->vdev, pci, err);
	}
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
	for (unsigned int i = 0; i < vd->nr_blk; i++)
		virtio_blk_destroy(vd->blk[i]);
	for (unsigned int i = 0; i < vd->nr_net; i++)
		virtio_net_destroy(vd->net[i]);
	virtio_vsock_destroy(vd->vsock);
	free(vd);
}
static void print_common(const char *what, const struct virtio_dev *v)
{
	fprintf(stderr,
		"passvm: stats: %s (00:%02x.0): notifications %llu (trapped %llu), interrupts %llu, config interrupts %llu, register accesses %llu\n",
		what, v->pci.devfn >> 3, (unsigned long long)v->stats.kicks,
		(unsigned long long)v->stats.trapped_kicks,
		(unsigned long long)v->stats.irqs,
		(unsigned long long)v->stats.config_irqs,
		(unsigned long long)v->stats.reg_accesses);
}

void virtio_devices_print_stats(const struct virtio_devices *vd)
{
	if (!vd)
		return;
	for (unsigned int i = 0; i < vd->nr_blk; i++) {
		const struct virtio_blk *b = vd->blk[i];
		const struct virtio_blk_stats *s = &b->stats;

		print_common(b->vdev.name, &b->vdev);
		fprintf(stderr,
			"passvm: stats: %s: reads %llu (%llu KiB), writes %llu (%llu KiB), flushes %llu, discards %llu, write-zeroes %llu, get-id %llu, errors %llu\n",
			b->vdev.name, (unsigned long long)s->reads,
			(unsigned long long)(s->read_bytes >> 10),
			(unsigned long long)s->writes,
			(unsigned long long)(s->written_bytes >> 10),
			(unsigned long long)s->flushes,
			(unsigned long long)s->discards,
			(unsigned long long)s->write_zeroes,
			(unsigned long long)s->get_ids,
			(unsigned long long)s->errors);
	}
	for (unsigned int i = 0; i < vd->nr_net; i++) {
		const struct virtio_net *n = vd->net[i];
		const struct virtio_net_stats *s = &n->stats;

		print_common(n->vdev.name, &n->vdev);
		if (n->vhost)
			fprintf(stderr,
				"passvm: stats: %s: tap %s, data path vhost-net (packets counted in the kernel)\n",
				n->vdev.name, n->tap);
		else
			fprintf(stderr,
				"passvm: stats: %s: tap %s, data path userspace: rx %llu packets (%llu KiB), tx %llu packets (%llu KiB), tx errors %llu, rx out of buffers %llu\n",
				n->vdev.name, n->tap,
				(unsigned long long)s->rx_packets,
				(unsigned long long)(s->rx_bytes >> 10),
				(unsigned long long)s->tx_packets,
				(unsigned long long)(s->tx_bytes >> 10),
				(unsigned long long)s->tx_errors,
				(unsigned long long)s->rx_no_buffers);
	}
	if (vd->vsock) {
		const struct vsock_stats *s = &vd->vsock->stats;

		print_common(vd->vsock->vdev.name, &vd->vsock->vdev);
		fprintf(stderr,
			"passvm: stats: virtio-vsock: connections from the host %llu, from the guest %llu, refused %llu, RSTs sent %llu, to the guest %llu KiB, from the guest %llu KiB\n",
			(unsigned long long)s->host_conns,
			(unsigned long long)s->guest_conns,
			(unsigned long long)s->refused,
			(unsigned long long)s->rst_sent,
			(unsigned long long)(s->to_guest_bytes >> 10),
			(unsigned long long)(s->from_guest_bytes >> 10));
	}
}
