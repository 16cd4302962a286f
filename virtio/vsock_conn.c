// SPDX-License-Identifier: GPL-2.0
/* A vsock connection: its credit, its buffer, its Unix socket. */
/*
 * Source: virtio 1.2 §5.10.6.3 (buffer space management): the guest may
 * send us peer_free = buf_alloc - (rx_cnt - fwd_cnt) bytes, where
 * buf_alloc is VSOCK_BUF_ALLOC and fwd_cnt counts what we have written to
 * the Unix socket. Data the socket does not take at once waits in the
 * connection's buffer, which that credit bounds: rx_cnt - fwd_cnt is
 * always buf_len. Everything runs on the device's I/O thread with its
 * lock held.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "virtio/vsock.h"

uint32_t vsock_peer_free(const struct vsock_conn *c)
{
	uint32_t used = c->tx_cnt - c->peer_fwd_cnt;

	/* A guest claiming more forwarded than we sent gets no credit. */
	return used > c->peer_buf_alloc ? 0 : c->peer_buf_alloc - used;
}

bool vsock_rx_fits(const struct vsock_conn *c, uint32_t len)
{
	uint32_t held = c->rx_cnt - c->fwd_cnt;

	return held <= VSOCK_BUF_ALLOC && len <= VSOCK_BUF_ALLOC - held;
}

/*
 * Tell the guest when its view of our free space (what it has sent minus
 * the fwd_cnt we last told it) is below half and we have freed some:
 * Linux's sender waits for that update, it does not ask.
 */
bool vsock_want_credit_update(const struct vsock_conn *c)
{
	uint32_t unseen = c->rx_cnt - c->fwd_told;

	return c->fwd_cnt != c->fwd_told && unseen > VSOCK_BUF_ALLOC / 2;
}

static void conn_cb(struct vio_handler *h, uint32_t events);

struct vsock_conn *vsock_conn_new(struct virtio_vsock *d, int fd,
				  enum vsock_conn_state st, uint32_t local,
				  uint32_t peer)
{
	struct vsock_conn *c;
	unsigned int i;

	for (i = 0; i < VSOCK_MAX_CONNS && d->conns[i]; i++)
		;
	if (i == VSOCK_MAX_CONNS)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->dev = d;
	c->fd = fd;
	c->state = st;
	c->local_port = local;
	c->peer_port = peer;
	c->h = (struct vio_handler){ .fd = fd, .cb = conn_cb, .opaque = c };
	d->conns[i] = c;
	d->nr_conns++;
	return c;
}

struct vsock_conn *vsock_conn_find(struct virtio_vsock *d, uint32_t local,
				   uint32_t peer)
{
	for (unsigned int i = 0; i < VSOCK_MAX_CONNS; i++) {
		struct vsock_conn *c = d->conns[i];

		if (c && c->local_port == local && c->peer_port == peer &&
		    c->state != VSOCK_AWAIT_CONNECT)
			return c;
	}
	return NULL;
}

static void close_fd(struct vsock_conn *c)
{
	if (c->fd < 0)
		return;
	vio_loop_del(&c->dev->vdev.loop, &c->h);
	close(c->fd);
	c->fd = -1;
	c->events = 0;
}

static void rxq_remove(struct virtio_vsock *d, struct vsock_conn *c)
{
	struct vsock_conn **p = &d->rxq_head, *prev = NULL;

	for (; *p; prev = *p, p = &(*p)->rxq_next) {
		if (*p != c)
			continue;
		*p = c->rxq_next;
		if (d->rxq_tail == c)
			d->rxq_tail = prev;
		break;
	}
	c->in_rxq = false;
	c->rxq_next = NULL;
}

void vsock_conn_free(struct vsock_conn *c)
{
	struct virtio_vsock *d = c->dev;

	close_fd(c);
	if (c->in_rxq)
		rxq_remove(d, c);
	for (unsigned int i = 0; i < VSOCK_MAX_CONNS; i++)
		if (d->conns[i] == c) {
			d->conns[i] = NULL;
			d->nr_conns--;
		}
	free(c->buf);
	free(c);
}

void vsock_conn_owe(struct vsock_conn *c, uint32_t what)
{
	struct virtio_vsock *d = c->dev;

	if (what & VSOCK_PEND_RST) {
		/* Nothing more goes either way: the socket is closed now. */
		close_fd(c);
		c->pending = VSOCK_PEND_RST;
	} else if (c->pending & VSOCK_PEND_RST) {
		return;
	} else {
		c->pending |= what;
	}
	if (c->in_rxq)
		return;
	c->in_rxq = true;
	c->rxq_next = NULL;
	if (d->rxq_tail)
		d->rxq_tail->rxq_next = c;
	else
		d->rxq_head = c;
	d->rxq_tail = c;
}

void vsock_conn_update_events(struct vsock_conn *c)
{
	uint32_t ev = 0;

	if (c->fd < 0)
		return;
	if (c->state == VSOCK_AWAIT_CONNECT) {
		ev = EPOLLIN;
	} else if (c->state == VSOCK_ESTABLISHED) {
		/* Read only what we could send: credit, and not queued. */
		if (!(c->pending & VSOCK_PEND_DATA) && !c->host_eof &&
		    !c->peer_no_rcv && vsock_peer_free(c))
			ev |= EPOLLIN;
		if (c->buf_len)
			ev |= EPOLLOUT;
	}
	if (ev == c->events && (ev == 0 || c->h.added))
		return;
	c->events = ev;
	if (vio_loop_mod(&c->dev->vdev.loop, &c->h, ev))
		vsock_conn_owe(c, VSOCK_PEND_RST);
}

/* Write what we can of the buffer to the socket. 0, or -1: broken. */
static int write_buf(struct vsock_conn *c)
{
	while (c->buf_len) {
		uint32_t first = VSOCK_BUF_ALLOC - c->buf_head;
		struct iovec iov[2] = {
			{ c->buf + c->buf_head,
			  first < c->buf_len ? first : c->buf_len },
			{ c->buf, first < c->buf_len ? c->buf_len - first : 0 },
		};
		ssize_t w = writev(c->fd, iov, iov[1].iov_len ? 2 : 1);

		if (w < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		c->buf_head = (c->buf_head + (uint32_t)w) % VSOCK_BUF_ALLOC;
		c->buf_len -= (uint32_t)w;
		c->fwd_cnt += (uint32_t)w;
	}
	return 0;
}

/* After a write: half-close when the guest sends no more, tell credit. */
static void after_write(struct vsock_conn *c)
{
	if (!c->buf_len && c->peer_no_send && !c->wr_shut && c->fd >= 0) {
		shutdown(c->fd, SHUT_WR);
		c->wr_shut = true;
	}
	if (vsock_want_credit_update(c))
		vsock_conn_owe(c, VSOCK_PEND_CREDIT_UPDATE);
	vsock_conn_update_events(c);
}

int vsock_conn_from_guest(struct vsock_conn *c, const struct iovec *iov,
			  unsigned int n, size_t off, uint32_t len)
{
	struct iovec part[VIRTQ_MAX_SIZE];
	unsigned int k;

	if (!vsock_rx_fits(c, len) || c->fd < 0 || c->wr_shut)
		return -1; /* beyond its credit, or after SHUTDOWN(SEND) */
	c->rx_cnt += len;
	c->dev->stats.from_guest_bytes += len;
	if (!c->buf_len) {
		ssize_t w;

		k = iov_slice(iov, n, off, len, part, VIRTQ_MAX_SIZE);
		w = writev(c->fd, part, (int)k);
		if (w < 0 && errno != EAGAIN && errno != EINTR)
			return -1;
		if (w > 0) {
			c->fwd_cnt += (uint32_t)w;
			off += (size_t)w;
			len -= (uint32_t)w;
		}
	}
	if (len) {
		uint32_t tail;

		if (!c->buf && !(c->buf = malloc(VSOCK_BUF_ALLOC)))
			return -1;
		/* Credit bounds it: buf_len + len <= VSOCK_BUF_ALLOC. */
		tail = (c->buf_head + c->buf_len) % VSOCK_BUF_ALLOC;
		if (tail + len <= VSOCK_BUF_ALLOC) {
			iov_to_buf(iov, n, off, c->buf + tail, len);
		} else {
			uint32_t first = VSOCK_BUF_ALLOC - tail;

			iov_to_buf(iov, n, off, c->buf + tail, first);
			iov_to_buf(iov, n, off + first, c->buf, len - first);
		}
		c->buf_len += len;
	}
	after_write(c);
	return 0;
}

void vsock_conn_flush(struct vsock_conn *c)
{
	if (c->fd < 0)
		return;
	if (write_buf(c)) {
		vsock_conn_owe(c, VSOCK_PEND_RST);
		return;
	}
	after_write(c);
}

uint32_t vsock_next_port(struct virtio_vsock *d)
{
	for (uint32_t tries = 0; tries < VSOCK_MAX_CONNS + 1; tries++) {
		uint32_t p = d->next_port++;
		bool used = false;

		if (d->next_port >= VSOCK_HOST_PORT_END)
			d->next_port = VSOCK_HOST_PORT_FIRST;
		for (unsigned int i = 0; i < VSOCK_MAX_CONNS && !used; i++)
			used = d->conns[i] && d->conns[i]->local_port == p;
		if (!used)
			return p;
	}
	return d->next_port; /* not reached: at most 1023 are in use */
}

void vsock_conn_read_line(struct vsock_conn *c)
{
	struct virtio_vsock *d = c->dev;
	uint32_t port;
	size_t used;
	int r = 0;

	/* Byte by byte: what follows the '\n' belongs to the stream. */
	while (c->line_len < sizeof(c->line)) {
		ssize_t n = read(c->fd, c->line + c->line_len, 1);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			vsock_conn_free(c); /* gone before it said anything */
			return;
		}
		c->line_len++;
		r = vsock_parse_connect(c->line, c->line_len, &port, &used);
		if (r)
			break;
	}
	if (r != 1) {
		/* junk, another command, or no '\n' in 32 bytes */
		pv_trace(TRACE_PCI, "vsock: host connection sent %.*s: closed",
			 (int)c->line_len, c->line);
		d->stats.refused++;
		vsock_conn_free(c);
		return;
	}
	c->state = VSOCK_REQUESTED;
	c->peer_port = port;
	c->local_port = vsock_next_port(d);
	c->requested_ms = log_elapsed_ns() / 1000000;
	vsock_request_started(d);
	vsock_conn_owe(c, VSOCK_PEND_REQUEST);
	vsock_conn_update_events(c);
	vsock_kick_rx(d);
}

static void conn_cb(struct vio_handler *h, uint32_t events)
{
	struct vsock_conn *c = h->opaque;
	struct virtio_vsock *d = c->dev;

	pthread_mutex_lock(&d->vdev.lock);
	if (!virtio_dev_running(&d->vdev)) {
		/* DEVICE_NEEDS_RESET: drop it (the client sees EOF). */
		vsock_conn_free(c);
	} else if (c->state == VSOCK_AWAIT_CONNECT) {
		vsock_conn_read_line(c);
	} else if (c->state == VSOCK_ESTABLISHED) {
		if (events & EPOLLOUT)
			vsock_conn_flush(c);
		if (c->fd >= 0 && (events & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
			vsock_conn_owe(c, VSOCK_PEND_DATA);
			vsock_conn_update_events(c);
			vsock_kick_rx(d);
		}
	} else {
		vsock_conn_update_events(c);
	}
	pthread_mutex_unlock(&d->vdev.lock);
}
