// SPDX-License-Identifier: GPL-2.0
/* virtio-net: tap and guest joined by vhost-net, or by the I/O thread. */
/*
 * Source: virtio 1.2 §5.1 (network device): §5.1.3 feature bits and
 * their dependencies, §5.1.4 configuration (mac, status), §5.1.6 device
 * operation (the struct virtio_net_hdr_v1 in front of every packet;
 * num_buffers is 1 without VIRTIO_NET_F_MRG_RXBUF); the tap's side from
 * Documentation/networking/tuntap.rst (IFF_VNET_HDR, TUNSETOFFLOAD).
 *
 * The tap carries the same 12-byte header as the guest's buffers, so a
 * transmitted chain goes to the tap in one writev() and a received packet
 * lands in the guest's buffers with one readv(). With vhost-net the kernel
 * does both, kicked by the queues' ioeventfds and interrupting through the
 * vectors' irqfds; passvm only sets it up.
 */
#include "virtio/net.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <linux/if_tun.h>
#include <linux/virtio_ids.h>

#include "virtio/tap.h"
#include "virtio/vhost_net.h"

#define NET_PCI_CLASS 0x020000u /* network controller, Ethernet */
#define RX_BUDGET 128 /* packets per tap wake-up: fairness */
#define F(bit) (1ull << (bit))

static void tap_watch(struct virtio_net *n, uint32_t events)
{
	if (events == n->tap_events && n->tap_h.added)
		return;
	n->tap_events = events;
	if (vio_loop_mod(&n->vdev.loop, &n->tap_h, events))
		pv_warn("%s: cannot watch tap %s: %s", n->vdev.name, n->tap,
			strerror(errno));
}

/* Guest to tap. */
static void net_tx(struct virtio_net *n)
{
	struct virtio_dev *v = &n->vdev;
	struct virtq *q = &v->q[VIRTIO_NET_TX].vq;
	bool pushed = false;
	int r;

	do {
		while ((r = virtq_pop(q, &n->chain)) > 0) {
			ssize_t w = -1;

			if (n->chain.out_bytes >= TAP_VNET_HDR_LEN)
				w = writev(n->tap_fd, n->chain.iov,
					   (int)n->chain.nout);
			if (w < 0 &&
			    (errno == EAGAIN || errno == EWOULDBLOCK)) {
				/* The tap's queue is full: wait for room. */
				virtq_unpop(q);
				tap_watch(n, n->tap_events | EPOLLOUT);
				goto out;
			}
			if (w < 0) {
				n->stats.tx_errors++;
			} else {
				n->stats.tx_packets++;
				n->stats.tx_bytes +=
					n->chain.out_bytes - TAP_VNET_HDR_LEN;
			}
			virtq_push(q, n->chain.head, 0);
			pushed = true;
		}
		if (r < 0) {
			virtio_dev_needs_reset(v, "tx queue: %s", q->err);
			return;
		}
	} while (virtq_kick_enable(q));
out:
	if (pushed && virtq_should_notify(q))
		virtio_dev_notify_queue(v, VIRTIO_NET_TX);
}

/* Tap to guest, while it has packets and the guest has buffers. */
static void net_rx(struct virtio_net *n)
{
	struct virtio_dev *v = &n->vdev;
	struct virtq *q = &v->q[VIRTIO_NET_RX].vq;
	const uint16_t one = 1;
	bool pushed = false;
	int r = 0;

	for (int budget = RX_BUDGET; budget > 0; budget--) {
		const struct iovec *in;
		ssize_t got;

		r = virtq_pop(q, &n->chain);
		if (r == 0 && virtq_kick_enable(q))
			continue;
		if (r == 0) {
			/* No buffers: stop reading until the guest kicks. */
			n->stats.rx_no_buffers++;
			tap_watch(n, n->tap_events & ~(uint32_t)EPOLLIN);
			break;
		}
		if (r < 0) {
			virtio_dev_needs_reset(v, "rx queue: %s", q->err);
			return;
		}
		in = n->chain.iov + n->chain.nout;
		if (n->chain.in_bytes < TAP_VNET_HDR_LEN) {
			virtio_dev_needs_reset(
				v,
				"rx buffer at head %u has %u writable bytes, less than a header",
				n->chain.head, n->chain.in_bytes);
			return;
		}
		got = readv(n->tap_fd, in, (int)n->chain.nin);
		if (got < 0) {
			virtq_unpop(q);
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				pv_warn("%s: reading tap %s: %s", v->name,
					n->tap, strerror(errno));
			break;
		}
		/* §5.1.6.4: one buffer per packet without MRG_RXBUF */
		if (got >= TAP_VNET_HDR_LEN)
			iov_from_buf(
				in, n->chain.nin,
				offsetof(struct virtio_net_hdr_v1, num_buffers),
				&one, sizeof(one));
		n->stats.rx_packets++;
		n->stats.rx_bytes += (uint64_t)got;
		virtq_push(q, n->chain.head, (uint32_t)got);
		pushed = true;
	}
	if (pushed && virtq_should_notify(q))
		virtio_dev_notify_queue(v, VIRTIO_NET_RX);
}

static void tap_cb(struct vio_handler *h, uint32_t events)
{
	struct virtio_net *n = h->opaque;

	pthread_mutex_lock(&n->vdev.lock);
	if (!virtio_dev_running(&n->vdev) || n->vhost_active) {
		/* DEVICE_NEEDS_RESET: leave the tap alone until reset. */
		tap_watch(n, 0);
	} else {
		if (events & EPOLLOUT) {
			tap_watch(n, n->tap_events & ~(uint32_t)EPOLLOUT);
			net_tx(n);
		}
		if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
			net_rx(n);
	}
	pthread_mutex_unlock(&n->vdev.lock);
}

static void net_notify(struct virtio_dev *v, unsigned int q)
{
	struct virtio_net *n = v->opaque;

	if (n->vhost_active)
		return;
	if (q == VIRTIO_NET_RX) {
		tap_watch(n, n->tap_events | EPOLLIN);
		net_rx(n);
	} else if (q == VIRTIO_NET_TX && !(n->tap_events & EPOLLOUT)) {
		net_tx(n);
	}
}

/* The offloads the guest takes on receive (§5.1.3.1 dependencies). */
static unsigned int offloads(const struct virtio_dev *v)
{
	unsigned int f = 0;

	if (!virtio_dev_has(v, VIRTIO_NET_F_GUEST_CSUM))
		return 0;
	f |= TUN_F_CSUM;
	if (virtio_dev_has(v, VIRTIO_NET_F_GUEST_TSO4))
		f |= TUN_F_TSO4;
	if (virtio_dev_has(v, VIRTIO_NET_F_GUEST_TSO6))
		f |= TUN_F_TSO6;
	if (virtio_dev_has(v, VIRTIO_NET_F_GUEST_ECN))
		f |= TUN_F_TSO_ECN;
	return f;
}

static int net_activate(struct virtio_dev *v)
{
	struct virtio_net *n = v->opaque;
	struct pv_error err = { "" };
	int ret = tap_set_offload(n->tap_fd, offloads(v));

	if (ret)
		pv_warn("%s: TUNSETOFFLOAD on %s: %s", v->name, n->tap,
			strerror(-ret));
	if (n->vhost) {
		if (vhost_net_start(n->vhost, v, n->tap_fd, &err)) {
			pv_warn("%s: %s", v->name, err.msg);
			return -EIO;
		}
		n->vhost_active = true;
		return 0;
	}
	tap_watch(n, EPOLLIN);
	return 0;
}

static void net_reset(struct virtio_dev *v)
{
	struct virtio_net *n = v->opaque;

	if (n->vhost_active)
		vhost_net_stop(n->vhost, v);
	n->vhost_active = false;
	vio_loop_del(&v->loop, &n->tap_h);
	n->tap_events = 0;
}

static void net_irq_changed(struct virtio_dev *v)
{
	struct virtio_net *n = v->opaque;

	if (n->vhost_active)
		vhost_net_set_calls(n->vhost, v);
}

static void net_cfg_read(struct virtio_dev *v, uint32_t off, uint8_t *data,
			 uint32_t len)
{
	struct virtio_net *n = v->opaque;

	memcpy(data, (const uint8_t *)&n->cfg + off, len);
}

static const struct virtio_dev_ops net_ops = {
	.cfg_read = net_cfg_read,
	.activate = net_activate,
	.reset = net_reset,
	.notify = net_notify,
	.irq_changed = net_irq_changed,
};

int virtio_net_create(struct virtio_net **out,
		      const struct virtio_net_params *p,
		      const struct virtio_env *env, struct pv_error *err)
{
	struct virtio_dev_params vp = {
		.device_id = VIRTIO_ID_NET,
		.class_code = NET_PCI_CLASS,
		.nr_queues = 2,
		.queue_size = VIRTIO_NET_QUEUE_SIZE,
		.cfg_size = sizeof(struct virtio_net_config),
		.ops = &net_ops,
		.env = *env,
		.features =
			F(VIRTIO_NET_F_CSUM) | F(VIRTIO_NET_F_GUEST_CSUM) |
			F(VIRTIO_NET_F_HOST_TSO4) | F(VIRTIO_NET_F_HOST_TSO6) |
			F(VIRTIO_NET_F_GUEST_TSO4) |
			F(VIRTIO_NET_F_GUEST_TSO6) | F(VIRTIO_NET_F_GUEST_ECN) |
			F(VIRTIO_NET_F_HOST_ECN) | F(VIRTIO_NET_F_STATUS),
	};
	char name[48];
	struct virtio_net *n;
	int ret;

	*out = NULL;
	n = calloc(1, sizeof(*n));
	if (!n)
		return pv_seterr(err, ENOMEM, "out of memory");
	snprintf(n->tap, sizeof(n->tap), "%s", p->tap);
	n->tap_fd = p->tap_fd;
	if (n->tap_fd < 0) {
		n->tap_fd = tap_open(p->tap, err);
		if (n->tap_fd < 0) {
			free(n);
			return -EINVAL;
		}
		n->own_tap = true;
	}
	if (p->vhost != VIRTIO_NET_VHOST_OFF) {
		n->vhost = vhost_net_open(
			env->mem, p->vhost == VIRTIO_NET_VHOST_ON,
			p->vhost_fd > 0 ? p->vhost_fd : -1, err);
		if (!n->vhost && err->msg[0]) {
			virtio_net_destroy(n);
			return -ENODEV;
		}
		if (n->vhost &&
		    (vhost_net_features(n->vhost) & F(VIRTIO_NET_F_MRG_RXBUF)))
			vp.features |= F(VIRTIO_NET_F_MRG_RXBUF);
	}
	if (p->has_mac) {
		memcpy(n->cfg.mac, p->mac, 6);
		vp.features |= F(VIRTIO_NET_F_MAC);
	}
	if (p->mtu) { /* §5.1.4: the guest's MTU advice */
		n->cfg.mtu = (uint16_t)p->mtu;
		vp.features |= F(VIRTIO_NET_F_MTU);
	}
	n->cfg.status = VIRTIO_NET_S_LINK_UP;
	snprintf(name, sizeof(name), "virtio-net %s", p->name);
	vp.name = name;
	vp.opaque = n;
	n->tap_h = (struct vio_handler){ .fd = n->tap_fd,
					 .cb = tap_cb,
					 .opaque = n };
	ret = virtio_dev_init(&n->vdev, &vp, err);
	if (ret) {
		virtio_net_destroy(n);
		return ret;
	}
	pv_trace(TRACE_PCI, "%s: tap %s, %s", name, p->tap,
		 n->vhost ? "vhost-net" : "userspace path");
	*out = n;
	return 0;
}

void virtio_net_destroy(struct virtio_net *n)
{
	if (!n)
		return;
	virtio_dev_destroy(&n->vdev);
	vhost_net_close(n->vhost);
	if (n->own_tap && n->tap_fd >= 0)
		close(n->tap_fd);
	free(n);
}
