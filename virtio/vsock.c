// SPDX-License-Identifier: GPL-2.0
/* virtio-vsock: the queues, the packets, the listener on uds_path. */
/*
 * Source: virtio 1.2 §5.10 (socket device): §5.10.4 configuration
 * (guest_cid), §5.10.6 device operation: packet header, §5.10.6.2 flow
 * control between the queues (the tx queue is served even when the rx
 * queue is full: what we owe the guest waits in per-connection flags,
 * bounded by the number of connections), §5.10.6.3 credit, §5.10.6.6
 * stream sockets (REQUEST/RESPONSE/RST/SHUTDOWN). Layouts from
 * <linux/virtio_vsock.h>. The host side is Firecracker's (vsock.h).
 */
#include "virtio/vsock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <linux/virtio_ids.h>

#define VSOCK_PCI_CLASS 0x078000u /* communication controller, other */
#define HDR VSOCK_HDR_LEN

static struct virtio_vsock_hdr hdr_for(const struct virtio_vsock *d,
				       uint32_t local, uint32_t peer,
				       uint16_t op)
{
	struct virtio_vsock_hdr h = {
		.src_cid = VSOCK_HOST_CID,
		.dst_cid = d->guest_cid,
		.src_port = local,
		.dst_port = peer,
		.type = VIRTIO_VSOCK_TYPE_STREAM,
		.op = op,
		.buf_alloc = VSOCK_BUF_ALLOC,
	};

	return h;
}

static void stray_rst(struct virtio_vsock *d, const struct virtio_vsock_hdr *in)
{
	if (in->op == VIRTIO_VSOCK_OP_RST || d->nr_stray == 64)
		return; /* never answer a RST; a full queue drops it */
	d->stray_rst[d->nr_stray][0] = in->dst_port;
	d->stray_rst[d->nr_stray][1] = in->src_port;
	d->nr_stray++;
}

/* ---- to the guest: one packet into one rx chain ---- */

static void put_hdr(struct virtio_vsock *d, struct vsock_conn *c,
		    struct virtio_vsock_hdr *h)
{
	if (c) {
		h->fwd_cnt = c->fwd_cnt;
		c->fwd_told = c->fwd_cnt;
	}
	iov_from_buf(d->chain.iov + d->chain.nout, d->chain.nin, 0, h,
		     sizeof(*h));
}

/* Data from the Unix side, as much as credit and the buffer allow. */
static uint32_t emit_data(struct virtio_vsock *d, struct vsock_conn *c)
{
	struct virtio_vsock_hdr h;
	struct iovec part[VIRTQ_MAX_SIZE];
	uint32_t room = d->chain.in_bytes - HDR, credit = vsock_peer_free(c);
	uint32_t max = room < credit ? room : credit;
	unsigned int k;
	ssize_t n;

	if (max > VSOCK_MAX_PKT)
		max = VSOCK_MAX_PKT;
	c->pending &= ~(uint32_t)VSOCK_PEND_DATA;
	if (!max) {
		/* §5.10.6.3: out of credit: ask, once, and wait for it. */
		if (!credit && !c->credit_asked) {
			c->credit_asked = true;
			vsock_conn_owe(c, VSOCK_PEND_CREDIT_REQUEST);
		}
		vsock_conn_update_events(c);
		return 0;
	}
	k = iov_slice(d->chain.iov + d->chain.nout, d->chain.nin, HDR, max,
		      part, VIRTQ_MAX_SIZE);
	n = c->fd < 0 ? 0 : readv(c->fd, part, (int)k);
	if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
		vsock_conn_update_events(c);
		return 0;
	}
	if (n < 0) {
		vsock_conn_owe(c, VSOCK_PEND_RST);
		return 0;
	}
	if (n == 0) {
		/* EOF: the host side sends no more; the guest may go on. */
		c->host_eof = true;
		c->shutdown_flags |= VIRTIO_VSOCK_SHUTDOWN_SEND;
		vsock_conn_owe(c, VSOCK_PEND_SHUTDOWN);
		vsock_conn_update_events(c);
		return 0;
	}
	h = hdr_for(d, c->local_port, c->peer_port, VIRTIO_VSOCK_OP_RW);
	h.len = (uint32_t)n;
	put_hdr(d, c, &h);
	c->tx_cnt += (uint32_t)n;
	c->credit_asked = false;
	d->stats.to_guest_bytes += (uint64_t)n;
	if ((uint32_t)n == max)
		c->pending |= VSOCK_PEND_DATA; /* maybe more: look again */
	else
		vsock_conn_update_events(c);
	return HDR + (uint32_t)n;
}

/* The next control packet @c owes, else its data. Bytes written. */
static uint32_t emit(struct virtio_vsock *d, struct vsock_conn *c, bool *freed)
{
	static const struct {
		uint32_t flag;
		uint16_t op;
	} order[] = {
		{ VSOCK_PEND_RST, VIRTIO_VSOCK_OP_RST },
		{ VSOCK_PEND_REQUEST, VIRTIO_VSOCK_OP_REQUEST },
		{ VSOCK_PEND_RESPONSE, VIRTIO_VSOCK_OP_RESPONSE },
		{ VSOCK_PEND_CREDIT_UPDATE, VIRTIO_VSOCK_OP_CREDIT_UPDATE },
		{ VSOCK_PEND_CREDIT_REQUEST, VIRTIO_VSOCK_OP_CREDIT_REQUEST },
	};
	struct virtio_vsock_hdr h;

	*freed = false;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (!(c->pending & order[i].flag))
			continue;
		c->pending &= ~order[i].flag;
		h = hdr_for(d, c->local_port, c->peer_port, order[i].op);
		put_hdr(d, c, &h);
		if (order[i].op == VIRTIO_VSOCK_OP_RST) {
			d->stats.rst_sent++;
			vsock_conn_free(c);
			*freed = true;
		}
		return HDR;
	}
	/* Data before a SHUTDOWN(SEND): it comes after the last byte. */
	if (c->pending & VSOCK_PEND_DATA)
		return emit_data(d, c);
	if (c->pending & VSOCK_PEND_SHUTDOWN) {
		c->pending &= ~(uint32_t)VSOCK_PEND_SHUTDOWN;
		h = hdr_for(d, c->local_port, c->peer_port,
			    VIRTIO_VSOCK_OP_SHUTDOWN);
		h.flags = c->shutdown_flags;
		put_hdr(d, c, &h);
		return HDR;
	}
	return 0;
}

void vsock_kick_rx(struct virtio_vsock *d)
{
	struct virtio_dev *v = &d->vdev;
	struct virtq *q = &v->q[VSOCK_RXQ].vq;
	bool pushed = false;

	while (virtio_dev_running(v) && (d->rxq_head || d->nr_stray)) {
		struct vsock_conn *c;
		uint32_t w = 0;
		bool freed;
		int r = virtq_pop(q, &d->chain);

		if (r == 0 && virtq_kick_enable(q))
			continue;
		if (r == 0)
			break; /* no buffers: the guest kicks when it has some */
		if (r < 0 || d->chain.in_bytes < HDR) {
			virtio_dev_needs_reset(
				v, "rx queue: %s",
				r < 0 ? q->err :
					"a buffer shorter than a packet header");
			return;
		}
		if (d->nr_stray) {
			struct virtio_vsock_hdr h = hdr_for(
				d, d->stray_rst[0][0], d->stray_rst[0][1],
				VIRTIO_VSOCK_OP_RST);

			put_hdr(d, NULL, &h);
			memmove(d->stray_rst[0], d->stray_rst[1],
				--d->nr_stray * sizeof(d->stray_rst[0]));
			d->stats.rst_sent++;
			virtq_push(q, d->chain.head, HDR);
			pushed = true;
			continue;
		}
		c = d->rxq_head;
		d->rxq_head = c->rxq_next;
		if (!d->rxq_head)
			d->rxq_tail = NULL;
		c->in_rxq = false;
		c->rxq_next = NULL;
		w = emit(d, c, &freed);
		if (!w) {
			virtq_unpop(q);
		} else {
			virtq_push(q, d->chain.head, w);
			pushed = true;
		}
		if (!freed && c->pending)
			vsock_conn_owe(c, 0); /* back in line, at the end */
	}
	if (pushed && virtq_should_notify(q))
		virtio_dev_notify_queue(v, VSOCK_RXQ);
}

/* ---- from the guest ---- */

static void guest_connect(struct virtio_vsock *d,
			  const struct virtio_vsock_hdr *h)
{
	struct vsock_conn *c = NULL;
	int fd = -ECONNREFUSED;

	if (d->nr_conns < VSOCK_MAX_CONNS)
		fd = vsock_uds_connect(d->uds_path, h->dst_port);
	if (fd >= 0)
		c = vsock_conn_new(d, fd, VSOCK_ESTABLISHED, h->dst_port,
				   h->src_port);
	if (!c) {
		if (fd >= 0)
			close(fd);
		d->stats.refused++;
		stray_rst(d, h); /* nobody listens on <uds_path>_<port> */
		return;
	}
	c->peer_buf_alloc = h->buf_alloc;
	c->peer_fwd_cnt = h->fwd_cnt;
	d->stats.guest_conns++;
	vsock_conn_owe(c, VSOCK_PEND_RESPONSE);
	vsock_conn_update_events(c);
}

static void shutdown_from_guest(struct vsock_conn *c, uint32_t flags)
{
	c->peer_no_rcv |= !!(flags & VIRTIO_VSOCK_SHUTDOWN_RCV);
	c->peer_no_send |= !!(flags & VIRTIO_VSOCK_SHUTDOWN_SEND);
	if (c->peer_no_rcv && c->peer_no_send) {
		/* §5.10.6.6: a clean close wants our RST. Flush first. */
		vsock_conn_flush(c);
		vsock_conn_owe(c, VSOCK_PEND_RST);
		return;
	}
	vsock_conn_flush(c); /* half-closes when drained */
	vsock_conn_update_events(c);
}

static void established(struct vsock_conn *c)
{
	char ok[24];
	int n = snprintf(ok, sizeof(ok), "OK %u\n", c->local_port);

	/* A few bytes on a fresh socket: a short write means it is gone. */
	if (write(c->fd, ok, (size_t)n) != n) {
		vsock_conn_owe(c, VSOCK_PEND_RST);
		return;
	}
	c->state = VSOCK_ESTABLISHED;
	c->dev->stats.host_conns++;
	vsock_conn_update_events(c);
}

static void from_guest(struct virtio_vsock *d, const struct virtio_vsock_hdr *h)
{
	const struct virtq_chain *ch = &d->chain;
	struct vsock_conn *c;

	if (h->src_cid != d->guest_cid)
		return; /* §5.10.6.4: not from this guest: drop it */
	if (h->dst_cid != VSOCK_HOST_CID ||
	    h->type != VIRTIO_VSOCK_TYPE_STREAM) {
		stray_rst(d, h); /* no route to other CIDs; streams only */
		return;
	}
	c = vsock_conn_find(d, h->dst_port, h->src_port);
	if (!c) {
		if (h->op == VIRTIO_VSOCK_OP_REQUEST)
			guest_connect(d, h);
		else
			stray_rst(d, h);
		return;
	}
	c->peer_buf_alloc = h->buf_alloc;
	c->peer_fwd_cnt = h->fwd_cnt;
	switch (h->op) {
	case VIRTIO_VSOCK_OP_RESPONSE:
		if (c->state == VSOCK_REQUESTED)
			established(c);
		else
			vsock_conn_owe(c, VSOCK_PEND_RST);
		break;
	case VIRTIO_VSOCK_OP_RST:
		vsock_conn_free(c);
		break;
	case VIRTIO_VSOCK_OP_SHUTDOWN:
		shutdown_from_guest(c, h->flags);
		break;
	case VIRTIO_VSOCK_OP_RW:
		if (c->state != VSOCK_ESTABLISHED ||
		    vsock_conn_from_guest(c, ch->iov, ch->nout, HDR, h->len))
			vsock_conn_owe(c, VSOCK_PEND_RST);
		break;
	case VIRTIO_VSOCK_OP_CREDIT_UPDATE:
		vsock_conn_update_events(c); /* maybe we may read again */
		break;
	case VIRTIO_VSOCK_OP_CREDIT_REQUEST:
		vsock_conn_owe(c, VSOCK_PEND_CREDIT_UPDATE);
		break;
	default: /* a second REQUEST, an unknown op */
		vsock_conn_owe(c, VSOCK_PEND_RST);
		break;
	}
}

static void vsock_tx(struct virtio_vsock *d)
{
	struct virtio_dev *v = &d->vdev;
	struct virtq *q = &v->q[VSOCK_TXQ].vq;
	bool pushed = false;
	int r;

	do {
		while ((r = virtq_pop(q, &d->chain)) > 0) {
			struct virtio_vsock_hdr h;

			if (d->chain.out_bytes < HDR) {
				virtio_dev_needs_reset(
					v,
					"tx packet at head %u shorter than its header",
					d->chain.head);
				return;
			}
			iov_to_buf(d->chain.iov, d->chain.nout, 0, &h, HDR);
			if (h.len > d->chain.out_bytes - HDR) {
				virtio_dev_needs_reset(
					v,
					"tx packet at head %u: len %u, %u bytes of payload",
					d->chain.head, h.len,
					d->chain.out_bytes - (uint32_t)HDR);
				return;
			}
			from_guest(d, &h);
			virtq_push(q, d->chain.head, 0);
			pushed = true;
		}
		if (r < 0) {
			virtio_dev_needs_reset(v, "tx queue: %s", q->err);
			return;
		}
	} while (virtq_kick_enable(q));
	if (pushed && virtq_should_notify(q))
		virtio_dev_notify_queue(v, VSOCK_TXQ);
}

static void vsock_notify(struct virtio_dev *v, unsigned int q)
{
	struct virtio_vsock *d = v->opaque;

	if (q == VSOCK_TXQ)
		vsock_tx(d);
	if (q != VSOCK_EVQ) /* event buffers are kept, never used */
		vsock_kick_rx(d);
}

static void close_all(struct virtio_vsock *d)
{
	for (unsigned int i = 0; i < VSOCK_MAX_CONNS; i++)
		if (d->conns[i])
			vsock_conn_free(d->conns[i]);
	d->nr_stray = 0;
	d->rxq_head = d->rxq_tail = NULL;
}

static void vsock_reset(struct virtio_dev *v)
{
	close_all(v->opaque);
}

/* ---- the host side: uds_path, and the requests' clock ---- */

static void arm_timer(struct virtio_vsock *d, bool on)
{
	struct itimerspec t = { 0 };

	if (on == d->timer_armed)
		return;
	if (on)
		t.it_value.tv_nsec = t.it_interval.tv_nsec = 500000000;
	timerfd_settime(d->timer_fd, 0, &t, NULL);
	d->timer_armed = on;
}

/* A REQUEST the guest left unanswered: give up on it, as Firecracker. */
static void timer_cb(struct vio_handler *h, uint32_t events)
{
	struct virtio_vsock *d = h->opaque;
	uint64_t now = log_elapsed_ns() / 1000000, n;
	bool waiting = false;

	if (read(d->timer_fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		return;
	pthread_mutex_lock(&d->vdev.lock);
	for (unsigned int i = 0; i < VSOCK_MAX_CONNS; i++) {
		struct vsock_conn *c = d->conns[i];

		if (!c || c->state != VSOCK_REQUESTED || c->fd < 0)
			continue;
		if (now - c->requested_ms < VSOCK_REQUEST_TIMEOUT_MS) {
			waiting = true;
			continue;
		}
		d->stats.refused++;
		vsock_conn_owe(c, VSOCK_PEND_RST); /* closes the client */
	}
	arm_timer(d, waiting);
	vsock_kick_rx(d);
	pthread_mutex_unlock(&d->vdev.lock);
}

static void listen_cb(struct vio_handler *h, uint32_t events)
{
	struct virtio_vsock *d = h->opaque;
	int fd;

	pthread_mutex_lock(&d->vdev.lock);
	while ((fd = accept4(d->listen_fd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		struct vsock_conn *c = NULL;

		/* No driver (yet, or any more): nothing to connect to. */
		if (virtio_dev_running(&d->vdev))
			c = vsock_conn_new(d, fd, VSOCK_AWAIT_CONNECT, 0, 0);
		if (!c) {
			d->stats.refused++;
			close(fd);
			continue;
		}
		vsock_conn_update_events(c);
	}
	pthread_mutex_unlock(&d->vdev.lock);
}

void vsock_request_started(struct virtio_vsock *d)
{
	arm_timer(d, true);
}

static void vsock_cfg_read(struct virtio_dev *v, uint32_t off, uint8_t *data,
			   uint32_t len)
{
	struct virtio_vsock *d = v->opaque;

	memcpy(data, (const uint8_t *)&d->cfg + off, len);
}

static const struct virtio_dev_ops vsock_ops = {
	.cfg_read = vsock_cfg_read,
	.reset = vsock_reset,
	.notify = vsock_notify,
};

int virtio_vsock_create(struct virtio_vsock **out, const struct vsock_params *p,
			const struct virtio_env *env, struct pv_error *err)
{
	struct virtio_dev_params vp = {
		.name = "virtio-vsock",
		.device_id = VIRTIO_ID_VSOCK,
		.class_code = VSOCK_PCI_CLASS,
		.nr_queues = 3,
		.queue_size = VSOCK_QUEUE_SIZE,
		.cfg_size = sizeof(struct virtio_vsock_config),
		.ops = &vsock_ops,
		.env = *env,
	};
	struct virtio_vsock *d;
	int ret;

	*out = NULL;
	if (p->guest_cid <= VSOCK_HOST_CID || p->guest_cid == UINT32_MAX)
		return pv_seterr(
			err, EINVAL,
			"vsock: guest CID %u is reserved: use 3 or more",
			p->guest_cid);
	d = calloc(1, sizeof(*d));
	if (!d)
		return pv_seterr(err, ENOMEM, "out of memory");
	d->listen_fd = d->timer_fd = -1;
	if (strlen(p->uds_path) >= sizeof(d->uds_path) - 12) {
		free(d);
		return pv_seterr(err, ENAMETOOLONG,
				 "vsock: uds path %s is too long", p->uds_path);
	}
	strcpy(d->uds_path, p->uds_path);
	d->guest_cid = p->guest_cid;
	d->cfg.guest_cid = p->guest_cid;
	d->next_port = VSOCK_HOST_PORT_FIRST;
	vp.opaque = d;
	ret = virtio_dev_init(&d->vdev, &vp, err);
	if (!ret && p->listen_fd >= 0) {
		d->listen_fd = p->listen_fd;
	} else if (!ret) {
		d->listen_fd = vsock_uds_listen(p->uds_path, err);
		ret = d->listen_fd < 0 ? d->listen_fd : 0;
		d->own_listen = !ret;
	}
	if (!ret) {
		d->timer_fd = timerfd_create(CLOCK_MONOTONIC,
					     TFD_NONBLOCK | TFD_CLOEXEC);
		if (d->timer_fd < 0)
			ret = pv_seterr(err, errno, "vsock: timerfd: %s",
					strerror(errno));
	}
	if (!ret) {
		d->listen_h = (struct vio_handler){ .fd = d->listen_fd,
						    .cb = listen_cb,
						    .opaque = d };
		d->timer_h = (struct vio_handler){ .fd = d->timer_fd,
						   .cb = timer_cb,
						   .opaque = d };
		if (vio_loop_add(&d->vdev.loop, &d->listen_h, EPOLLIN) ||
		    vio_loop_add(&d->vdev.loop, &d->timer_h, EPOLLIN))
			ret = pv_seterr(err, errno, "vsock: epoll_ctl: %s",
					strerror(errno));
	}
	if (ret) {
		virtio_vsock_destroy(d);
		return ret;
	}
	pv_trace(TRACE_PCI, "virtio-vsock: guest CID %u, host side on %s",
		 p->guest_cid, p->uds_path);
	*out = d;
	return 0;
}

void virtio_vsock_destroy(struct virtio_vsock *d)
{
	if (!d)
		return;
	virtio_dev_destroy(&d->vdev); /* the thread stops, reset closes all */
	close_all(d);
	if (d->own_listen) {
		close(d->listen_fd);
		unlink(d->uds_path);
	}
	if (d->timer_fd >= 0)
		close(d->timer_fd);
	free(d);
}
