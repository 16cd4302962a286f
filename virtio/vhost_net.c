// SPDX-License-Identifier: GPL-2.0
/* vhost-net set-up: memory table from the RAM regions, rings, tap backend. */
/*
 * Source: <linux/vhost.h> and <linux/vhost_types.h> (the ioctls and their
 * structures), drivers/vhost/net.c's handling of them: the rings must be
 * stopped (no backend) before VHOST_SET_VRING_BASE, the features must be a
 * subset of VHOST_GET_FEATURES, and without VHOST_NET_F_VIRTIO_NET_HDR
 * the tap itself adds and strips the 12-byte virtio-net header.
 */
#include "virtio/vhost_net.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vhost.h>

#define MAX_REGIONS 64
#define NR_RINGS 2 /* rx 0, tx 1 */

struct vhost_net {
	int fd;
	uint64_t features;
	struct mem_map *mem;
	struct mem_listener l;
	bool listening, started;
	bool borrowed; /* fd is the caller's: reset its owner, never close */
	pthread_mutex_t lock; /* the region table */
	unsigned int nr;
	struct vhost_memory_region regions[MAX_REGIONS];
};

#define to_vhost(p) \
	((struct vhost_net *)((char *)(p)-offsetof(struct vhost_net, l)))

static int push_table(struct vhost_net *h)
{
	struct vhost_memory *t;
	int ret = 0;

	t = calloc(1, sizeof(*t) + h->nr * sizeof(t->regions[0]));
	if (!t)
		return -ENOMEM;
	t->nregions = h->nr;
	memcpy(t->regions, h->regions, h->nr * sizeof(t->regions[0]));
	if (ioctl(h->fd, VHOST_SET_MEM_TABLE, t))
		ret = -errno;
	free(t);
	return ret;
}

static int region_add(struct mem_listener *l, const struct mem_region *r,
		      struct pv_error *err)
{
	struct vhost_net *h = to_vhost(l);
	int ret = 0;

	if (r->kind != MEM_REGION_RAM)
		return 0; /* a BAR: never a place vhost may read or write */
	pthread_mutex_lock(&h->lock);
	if (h->nr == MAX_REGIONS) {
		ret = pv_seterr(err, ENOSPC,
				"vhost-net: more than %d RAM regions",
				MAX_REGIONS);
	} else {
		h->regions[h->nr++] = (struct vhost_memory_region){
			.guest_phys_addr = r->gpa,
			.memory_size = r->size,
			.userspace_addr = (uint64_t)(uintptr_t)r->hva,
		};
		if (h->started && (ret = push_table(h)))
			pv_seterr(err, -ret,
				  "vhost-net: VHOST_SET_MEM_TABLE: %s",
				  strerror(-ret));
	}
	pthread_mutex_unlock(&h->lock);
	return ret;
}

static void region_del(struct mem_listener *l, const struct mem_region *r)
{
	struct vhost_net *h = to_vhost(l);

	pthread_mutex_lock(&h->lock);
	for (unsigned int i = 0; i < h->nr; i++) {
		if (h->regions[i].guest_phys_addr != r->gpa ||
		    r->kind != MEM_REGION_RAM)
			continue;
		h->regions[i] = h->regions[--h->nr];
		if (h->started && push_table(h))
			pv_warn("vhost-net: VHOST_SET_MEM_TABLE after removing %s failed",
				r->name);
		break;
	}
	pthread_mutex_unlock(&h->lock);
}

struct vhost_net *vhost_net_open(struct mem_map *mem, bool required, int fd,
				 struct pv_error *err)
{
	struct vhost_net *h = calloc(1, sizeof(*h));
	int e;

	if (!h) {
		pv_seterr(err, ENOMEM, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&h->lock, NULL);
	h->mem = mem;
	h->borrowed = fd >= 0;
	h->fd = h->borrowed ? fd : open("/dev/vhost-net", O_RDWR | O_CLOEXEC);
	if (h->fd < 0) {
		e = errno;
		free(h);
		if (required)
			pv_seterr(
				err, e,
				"vhost=on, but /dev/vhost-net: %s: load vhost_net (modprobe vhost_net) and give passvm access to it (or pass it open: vhost-fd=N), or use vhost=off",
				strerror(e));
		else
			pv_trace(
				TRACE_PCI,
				"no /dev/vhost-net (%s): virtio-net in passvm's I/O thread",
				strerror(e));
		return NULL;
	}
	if (ioctl(h->fd, VHOST_SET_OWNER) ||
	    ioctl(h->fd, VHOST_GET_FEATURES, &h->features)) {
		e = errno;
		if (!h->borrowed)
			close(h->fd);
		free(h);
		if (e == EBUSY && fd >= 0)
			pv_seterr(
				err, e,
				"vhost-fd=%d: /dev/vhost-net already has an owner (the launcher called VHOST_SET_OWNER?): pass it freshly opened",
				fd);
		else
			pv_seterr(err, e,
				  "vhost-net: VHOST_SET_OWNER/GET_FEATURES: %s",
				  strerror(e));
		return NULL;
	}
	h->l.name = "vhost-net";
	h->l.region_add = region_add;
	h->l.region_del = region_del;
	if (mem_map_add_listener(mem, &h->l, err)) {
		vhost_net_close(h);
		return NULL;
	}
	h->listening = true;
	return h;
}

uint64_t vhost_net_features(const struct vhost_net *h)
{
	return h->features;
}

static int vring_file(struct vhost_net *h, unsigned long req, unsigned int i,
		      int fd)
{
	struct vhost_vring_file f = { .index = i, .fd = fd };

	return ioctl(h->fd, req, &f) ? -errno : 0;
}

static int start_ring(struct vhost_net *h, struct virtio_dev *v, unsigned int i,
		      const char **what)
{
	const struct virtq *q = &v->q[i].vq;
	struct vhost_vring_state num = { .index = i, .num = q->size };
	struct vhost_vring_state base = { .index = i, .num = 0 };
	struct vhost_vring_addr a = {
		.index = i,
		.desc_user_addr = (uint64_t)(uintptr_t)q->desc,
		.avail_user_addr = (uint64_t)(uintptr_t)q->avail,
		.used_user_addr = (uint64_t)(uintptr_t)q->used,
	};
	int ret;

	*what = "VHOST_SET_VRING_NUM";
	if (ioctl(h->fd, VHOST_SET_VRING_NUM, &num))
		return -errno;
	*what = "VHOST_SET_VRING_BASE";
	if (ioctl(h->fd, VHOST_SET_VRING_BASE, &base))
		return -errno;
	*what = "VHOST_SET_VRING_ADDR";
	if (ioctl(h->fd, VHOST_SET_VRING_ADDR, &a))
		return -errno;
	*what = "VHOST_SET_VRING_KICK";
	ret = vring_file(h, VHOST_SET_VRING_KICK, i, virtio_dev_kick_fd(v, i));
	if (ret)
		return ret;
	*what = "VHOST_SET_VRING_CALL";
	return vring_file(h, VHOST_SET_VRING_CALL, i, virtio_dev_call_fd(v, i));
}

int vhost_net_start(struct vhost_net *h, struct virtio_dev *v, int tap_fd,
		    struct pv_error *err)
{
	uint64_t f = v->guest_features & h->features;
	const char *what = "VHOST_SET_FEATURES";
	int ret = 0;

	if (ioctl(h->fd, VHOST_SET_FEATURES, &f))
		ret = -errno;
	if (!ret) {
		what = "VHOST_SET_MEM_TABLE";
		pthread_mutex_lock(&h->lock);
		ret = push_table(h);
		pthread_mutex_unlock(&h->lock);
	}
	for (unsigned int i = 0; !ret && i < NR_RINGS; i++)
		ret = start_ring(h, v, i, &what);
	for (unsigned int i = 0; !ret && i < NR_RINGS; i++) {
		what = "VHOST_NET_SET_BACKEND";
		ret = vring_file(h, VHOST_NET_SET_BACKEND, i, tap_fd);
	}
	if (ret) {
		vhost_net_stop(h, v);
		return pv_seterr(err, -ret, "vhost-net: %s: %s", what,
				 strerror(-ret));
	}
	h->started = true;
	virtio_dev_backend_kicks(v, true);
	pv_trace(TRACE_PCI, "%s: vhost-net started, features 0x%llx", v->name,
		 (unsigned long long)f);
	return 0;
}

void vhost_net_stop(struct vhost_net *h, struct virtio_dev *v)
{
	for (unsigned int i = 0; i < NR_RINGS; i++) {
		struct vhost_vring_state s = { .index = i };

		vring_file(h, VHOST_NET_SET_BACKEND, i, -1);
		/* Stops the ring: its worker no longer touches guest RAM. */
		ioctl(h->fd, VHOST_GET_VRING_BASE, &s);
	}
	h->started = false;
	virtio_dev_backend_kicks(v, false);
}

void vhost_net_set_calls(struct vhost_net *h, struct virtio_dev *v)
{
	for (unsigned int i = 0; h->started && i < NR_RINGS; i++)
		if (vring_file(h, VHOST_SET_VRING_CALL, i,
			       virtio_dev_call_fd(v, i)))
			pv_warn("%s: VHOST_SET_VRING_CALL: %s", v->name,
				strerror(errno));
}

void vhost_net_close(struct vhost_net *h)
{
	if (!h)
		return;
	if (h->listening)
		mem_map_remove_listener(h->mem, &h->l, false);
	if (!h->borrowed)
		close(h->fd);
	else if (ioctl(h->fd, VHOST_RESET_OWNER))
		pv_warn("vhost-net: VHOST_RESET_OWNER on fd %d: %s", h->fd,
			strerror(errno));
	free(h);
}
