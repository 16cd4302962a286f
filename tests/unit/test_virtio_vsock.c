// SPDX-License-Identifier: GPL-2.0
/* virtio-vsock: the CONNECT line, credit, and both ways through Unix sockets. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>

#include "virtio/virtio_regs.h"
#include "virtio/vsock.h"
#include "virtio_fake.h"

#define F(bit) (1ull << (bit))
#define CID 3
#define QB(i) (FAKE_RAM_GPA + 0x10000 * (1 + (i)))
#define RXBUF(i) (FAKE_RAM_GPA + 0x100000 + 0x2000 * (i))
#define TXBUF (FAKE_RAM_GPA + 0x200000)
#define RXLEN (VSOCK_HDR_LEN + 4096)
#define HP VSOCK_HOST_PORT_FIRST

/* ---- the CONNECT line ---- */

static int parse(const char *s, uint32_t *port, size_t *used)
{
	return vsock_parse_connect(s, strlen(s), port, used);
}

static void test_connect_line(void **state)
{
	uint32_t p = 0;
	size_t u = 0;

	assert_int_equal(parse("CONNECT 52\n", &p, &u), 1);
	assert_int_equal(p, 52);
	assert_int_equal(u, 11);
	assert_int_equal(parse("connect 1\n", &p, &u), 1); /* lowercase */
	assert_int_equal(parse("CoNnEcT\t\t4294967295 \r\n", &p, &u), 1);
	assert_int_equal(p, 4294967295u);
	/* data after the line is not the line's */
	assert_int_equal(parse("CONNECT 7\nhello", &p, &u), 1);
	assert_int_equal(u, 10);
	/* partial reads: wait for more */
	assert_int_equal(parse("", &p, &u), 0);
	assert_int_equal(parse("CONN", &p, &u), 0);
	assert_int_equal(parse("CONNECT 5", &p, &u), 0);
	/* junk, as soon as it cannot be a CONNECT */
	assert_int_equal(parse("GET / HTTP/1.0", &p, &u), -1);
	assert_int_equal(parse("CONNEKT 5\n", &p, &u), -1);
	assert_int_equal(parse("CONNECT\n", &p, &u), -1);
	assert_int_equal(parse("CONNECT \n", &p, &u), -1);
	assert_int_equal(parse("CONNECTX 5\n", &p, &u), -1);
	assert_int_equal(parse("CONNECT -5\n", &p, &u), -1);
	assert_int_equal(parse("CONNECT 5x\n", &p, &u), -1);
	assert_int_equal(parse("CONNECT 5 6\n", &p, &u), -1);
	assert_int_equal(parse("CONNECT 4294967296\n", &p, &u), -1);
	assert_int_equal(parse("CONNECT 00000000052\n", &p, &u), -1);
	/* too long: no '\n' in 32 bytes */
	assert_int_equal(parse("CONNECT                         5", &p, &u),
			 -1);
	assert_int_equal(parse("CONNECT                        5\n", &p, &u),
			 -1);
	assert_int_equal(parse("CONNECT                       5\n", &p, &u), 1);
}

/* ---- credit ---- */

static void test_credit(void **state)
{
	struct vsock_conn c = { .peer_buf_alloc = 1000,
				.tx_cnt = 300,
				.peer_fwd_cnt = 100 };

	assert_int_equal(vsock_peer_free(&c), 800);
	c.tx_cnt = 1100;
	assert_int_equal(vsock_peer_free(&c), 0);
	/* the counters are free-running u32s: they wrap */
	c.tx_cnt = 5;
	c.peer_fwd_cnt = 0xfffffff0u;
	assert_int_equal(vsock_peer_free(&c), 1000 - 21);
	/* a guest claiming more forwarded than was sent: no credit */
	c.tx_cnt = 10;
	c.peer_fwd_cnt = 20;
	assert_int_equal(vsock_peer_free(&c), 0);

	/* our side: what the guest may still send us */
	c.rx_cnt = VSOCK_BUF_ALLOC - 10;
	c.fwd_cnt = 0;
	assert_true(vsock_rx_fits(&c, 10));
	assert_false(vsock_rx_fits(&c, 11));
	c.fwd_cnt = 100;
	assert_true(vsock_rx_fits(&c, 110));
	c.rx_cnt = 5; /* wrapped */
	c.fwd_cnt = 0xfffffff0u;
	assert_true(vsock_rx_fits(&c, VSOCK_BUF_ALLOC - 21));
	assert_false(vsock_rx_fits(&c, VSOCK_BUF_ALLOC - 20));

	/* an update once the guest thinks less than half is free */
	c.rx_cnt = VSOCK_BUF_ALLOC / 2 + 1;
	c.fwd_told = 0;
	c.fwd_cnt = 0;
	assert_false(vsock_want_credit_update(&c)); /* nothing freed */
	c.fwd_cnt = 1;
	assert_true(vsock_want_credit_update(&c));
	c.fwd_told = 1;
	assert_false(vsock_want_credit_update(&c));
}

/* ---- the device, with a fake guest driver ---- */

struct t {
	char dir[32], uds[64];
	struct vfake_env e;
	struct virtio_vsock *d;
	struct vfake_vq q[3];
	uint16_t next_rx;
};

static int setup(void **state)
{
	struct t *t = calloc(1, sizeof(*t));
	struct pv_error err = { "" };
	struct vsock_params p = { .guest_cid = CID, .listen_fd = -1 };

	snprintf(t->dir, sizeof(t->dir), "/tmp/passvm-vs-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->uds, sizeof(t->uds), "%s/v.sock", t->dir);
	p.uds_path = t->uds;
	vfake_env_init(&t->e);
	if (virtio_vsock_create(&t->d, &p, &t->e.env, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(virtio_dev_plug(&t->d->vdev, &t->e.g.bus, &err), 0);
	pci_bus_enable_decode(&t->e.g.bus);
	for (int i = 0; i < 3; i++)
		vfake_vq_init(&t->q[i], &t->e.g, QB(i), 16);
	assert_true(
		drv_setup(&t->d->vdev, F(VIRTIO_F_VERSION_1), t->q, 3, true));
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct t *t = *state;
	char p[96];

	virtio_vsock_destroy(t->d);
	vfake_env_destroy(&t->e);
	snprintf(p, sizeof(p), "%s/v.sock_5001", t->dir);
	unlink(p);
	unlink(t->uds);
	rmdir(t->dir);
	free(t);
	return 0;
}

static struct virtio_dev *dev(struct t *t)
{
	return &t->d->vdev;
}

static void poll_dev(struct t *t)
{
	drv_poll(dev(t), 20);
}

static void post_rx(struct t *t, int n)
{
	for (int i = 0; i < n; i++, t->next_rx++) {
		uint16_t k = t->next_rx % 16;

		vfake_vq_desc(&t->q[0], k, RXBUF(k), RXLEN, VRING_DESC_F_WRITE,
			      0);
		vfake_vq_post(&t->q[0], k);
	}
	drv_write(dev(t), VIRTIO_REGS_NOTIFY, 0, 2);
	poll_dev(t);
}

/* The next packet the device gave the guest; false if none. */
static bool rx_pkt(struct t *t, struct virtio_vsock_hdr *h, char *data)
{
	uint32_t id, len;

	if (!vfake_vq_used(&t->q[0], &id, &len))
		return false;
	memcpy(h, vfake_hva(&t->e.g, RXBUF(id)), sizeof(*h));
	assert_int_equal(len, VSOCK_HDR_LEN + h->len);
	if (data) {
		memcpy(data,
		       (uint8_t *)vfake_hva(&t->e.g, RXBUF(id)) + VSOCK_HDR_LEN,
		       h->len);
		data[h->len] = '\0';
	}
	return true;
}

static void tx_pkt(struct t *t, uint16_t op, uint32_t src_port,
		   uint32_t dst_port, uint32_t buf_alloc, uint32_t fwd_cnt,
		   uint32_t flags, const char *payload)
{
	static uint16_t slot;
	struct virtio_vsock_hdr h = { .src_cid = CID,
				      .dst_cid = VSOCK_HOST_CID,
				      .src_port = src_port,
				      .dst_port = dst_port,
				      .type = VIRTIO_VSOCK_TYPE_STREAM,
				      .op = op,
				      .flags = flags,
				      .buf_alloc = buf_alloc,
				      .fwd_cnt = fwd_cnt };
	uint64_t b = TXBUF + 0x1000 * (slot % 16);
	uint32_t id, len;

	h.len = payload ? (uint32_t)strlen(payload) : 0;
	memcpy(vfake_hva(&t->e.g, b), &h, sizeof(h));
	if (payload)
		memcpy((uint8_t *)vfake_hva(&t->e.g, b) + sizeof(h), payload,
		       h.len);
	vfake_vq_desc(&t->q[1], slot % 16, b, sizeof(h) + h.len, 0, 0);
	vfake_vq_post(&t->q[1], slot % 16);
	slot++;
	drv_write(dev(t), VIRTIO_REGS_NOTIFY + 4, 1, 2);
	poll_dev(t);
	assert_true(vfake_vq_used(&t->q[1], &id, &len));
}

static int uds_client(struct t *t, const char *suffix)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(a.sun_path, sizeof(a.sun_path), "%s%s", t->uds, suffix);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	return fd;
}

/* Read what the device sent on @fd (it is local: all there by now). */
static ssize_t rd(int fd, char *buf, size_t n)
{
	ssize_t r = recv(fd, buf, n - 1, MSG_DONTWAIT);

	buf[r > 0 ? r : 0] = '\0';
	return r;
}

/* Host client: CONNECT, the guest accepts; returns the client fd. */
static int host_connect(struct t *t, uint32_t gport, uint32_t buf_alloc)
{
	struct virtio_vsock_hdr h;
	char ok[32];
	int fd = uds_client(t, "");

	assert_int_equal(write(fd, "CONNECT 5000\n", 13), 13);
	poll_dev(t);
	assert_true(rx_pkt(t, &h, NULL));
	assert_int_equal(h.op, VIRTIO_VSOCK_OP_REQUEST);
	assert_int_equal(h.src_cid, VSOCK_HOST_CID);
	assert_int_equal(h.dst_cid, CID);
	assert_int_equal(h.dst_port, gport);
	assert_int_equal(h.type, VIRTIO_VSOCK_TYPE_STREAM);
	assert_int_equal(h.buf_alloc, VSOCK_BUF_ALLOC);
	tx_pkt(t, VIRTIO_VSOCK_OP_RESPONSE, gport, h.src_port, buf_alloc, 0, 0,
	       NULL);
	snprintf(ok, sizeof(ok), "OK %u\n", h.src_port);
	{
		char got[32];

		assert_int_equal(rd(fd, got, sizeof(got)), strlen(ok));
		assert_string_equal(got, ok);
	}
	return fd;
}

static void test_host_initiated(void **state)
{
	struct t *t = *state;
	struct virtio_vsock_hdr h;
	char buf[64];
	int fd;

	post_rx(t, 8);
	fd = host_connect(t, 5000, 65536);
	assert_int_equal(t->d->stats.host_conns, 1);
	/* host -> guest */
	assert_int_equal(write(fd, "hello", 5), 5);
	poll_dev(t);
	assert_true(rx_pkt(t, &h, buf));
	assert_int_equal(h.op, VIRTIO_VSOCK_OP_RW);
	assert_int_equal(h.src_port, HP);
	assert_string_equal(buf, "hello");
	/* guest -> host */
	tx_pkt(t, VIRTIO_VSOCK_OP_RW, 5000, HP, 65536, 5, 0, "world");
	assert_int_equal(rd(fd, buf, sizeof(buf)), 5);
	assert_string_equal(buf, "world");
	/* a second client gets the next host port */
	close(host_connect(t, 5000, 65536));
	/* the guest closes cleanly: SHUTDOWN both ways, our RST, EOF */
	tx_pkt(t, VIRTIO_VSOCK_OP_SHUTDOWN, 5000, HP, 65536, 5,
	       VIRTIO_VSOCK_SHUTDOWN_RCV | VIRTIO_VSOCK_SHUTDOWN_SEND, NULL);
	while (rx_pkt(t, &h, NULL) && h.src_port != HP)
		;
	assert_int_equal(h.op, VIRTIO_VSOCK_OP_RST);
	assert_int_equal(h.src_port, HP);
	assert_int_equal(rd(fd, buf, sizeof(buf)), 0); /* EOF */
	close(fd);
}

static void test_host_port_round_robin(void **state)
{
	struct t *t = *state;
	struct virtio_vsock_hdr h;

	post_rx(t, 12);
	close(host_connect(t, 5000, 4096));
	poll_dev(t);
	while (rx_pkt(t, &h, NULL)) /* its SHUTDOWN(SEND): the client left */
		assert_int_equal(h.op, VIRTIO_VSOCK_OP_SHUTDOWN);
	close(host_connect(t, 5000, 4096));
	poll_dev(t);
	/* the two REQUESTs came from 2^30 and 2^30 + 1 */
	assert_int_equal(t->d->next_port, HP + 2);
	while (rx_pkt(t, &h, NULL))
		;
}

static void test_credit_limits_host_to_guest(void **state)
{
	struct t *t = *state;
	struct virtio_vsock_hdr h;
	char buf[64];
	int fd;

	post_rx(t, 8);
	fd = host_connect(t, 5000, 8); /* the guest can take 8 bytes */
	assert_int_equal(write(fd, "0123456789abcdefghij", 20), 20);
	poll_dev(t);
	assert_true(rx_pkt(t, &h, buf));
	assert_int_equal(h.op, VIRTIO_VSOCK_OP_RW);
	assert_string_equal(buf, "01234567");
	/* out of credit: it asks, and sends nothing more */
	assert_true(rx_pkt(t, &h, NULL));
	assert_int_equal(h.op, VIRTIO_VSOCK_OP_CREDIT_REQUEST);
	assert_false(rx_pkt(t, &h, NULL));
	/* the guest read 8: the rest comes, 8 at a time */
	tx_pkt(t, VIRTIO_VSOCK_OP_CREDIT_UPDATE, 5000, HP, 8, 8, 0, NULL);
	assert_true(rx_pkt(t, &h, buf));
	assert_string_equal(buf, "89abcdef");
	close(fd);
}

static void test_credit_update_to_guest(void **state)
{
	struct t *t = *state;
	struct virtio_vsock_hdr h;
	static char big[2048];
	char *sink = malloc(VSOCK_BUF_ALLOC);
	uint32_t sent = 0, got = 0, updates = 0;
	int fd;

	post_rx(t, 8);
	fd = host_connect(t, 5000, 65536);
	/* a small socket buffer: most of it waits in the connection's */
	setsockopt(t->d->conns[0]->fd, SOL_SOCKET, SO_SNDBUF, &(int){ 4096 },
		   sizeof(int));
	memset(big, 'x', sizeof(big) - 1);
	/* More than half our buffer, faster than the client reads. */
	while (sent <= VSOCK_BUF_ALLOC / 2) {
		tx_pkt(t, VIRTIO_VSOCK_OP_RW, 5000, HP, 65536, 0, 0, big);
		sent += sizeof(big) - 1;
	}
	/* We told the guest what we freed, without being asked. */
	while (rx_pkt(t, &h, NULL)) {
		assert_int_equal(h.op, VIRTIO_VSOCK_OP_CREDIT_UPDATE);
		assert_true(h.fwd_cnt > 0 && h.fwd_cnt <= sent);
		updates++;
	}
	assert_true(updates >= 1);
	assert_true(t->d->conns[0]->buf_len > 0);
	/* every byte reaches the client, what waited in our buffer too */
	for (int i = 0; i < 100 && got < sent; i++) {
		ssize_t r = recv(fd, sink, VSOCK_BUF_ALLOC, MSG_DONTWAIT);

		if (r > 0)
			got += (uint32_t)r;
		poll_dev(t);
	}
	assert_int_equal(got, sent);
	assert_int_equal(t->d->conns[0]->fwd_cnt, sent);
	assert_int_equal(t->d->conns[0]->buf_len, 0);
	/* beyond its credit: RST */
	t->d->conns[0]->rx_cnt += VSOCK_BUF_ALLOC; /* as if it had sent it */
	tx_pkt(t, VIRTIO_VSOCK_OP_RW, 5000, HP, 65536, 0, 0, "one too many");
	post_rx(t, 2);
	while (rx_pkt(t, &h, NULL) && h.op != VIRTIO_VSOCK_OP_RST)
		;
	assert_int_equal(h.op, VIRTIO_VSOCK_OP_RST);
	free(sink);
	close(fd);
}

static void test_guest_refuses(void **state)
{
	struct t *t = *state;
	struct virtio_vsock_hdr h;
	char buf[32];
	int fd = uds_client(t, "");

	post_rx(t, 4);
	assert_int_equal(write(fd, "connect 6000\n", 13), 13);
	poll_dev(t);
	assert_true(rx_pkt(t, &h, NULL));
	assert_int_equal(h.op, VIRTIO_VSOCK_OP_REQUEST);
	tx_pkt(t, VIRTIO_VSOCK_OP_RST, 6000, h.src_port, 0, 0, 0, NULL);
	assert_int_equal(rd(fd, buf, sizeof(buf)), 0); /* closed, no OK */
	close(fd);
	assert_int_equal(t->d->nr_conns, 0);
}

static void test_junk_line_closes(void **state)
{
	struct t *t = *state;
	struct virtio_vsock_hdr h;
	char buf[8];
	int fd = uds_client(t, "");

	post_rx(t, 4);
	/* in pieces, then junk */
	assert_int_equal(write(fd, "CONN", 4), 4);
	poll_dev(t);
	assert_int_equal(t->d->nr_conns, 1);
	assert_int_equal(write(fd, "ECT x\n", 6), 6);
	poll_dev(t);
	assert_int_equal(rd(fd, buf, sizeof(buf)), 0);
	assert_int_equal(t->d->nr_conns, 0);
	assert_false(rx_pkt(t, &h, NULL)); /* the guest heard nothing */
	close(fd);
}

static void test_guest_initiated(void **state)
{
	struct t *t = *state;
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct virtio_vsock_hdr h;
	char buf[32];
	int l = socket(AF_UNIX, SOCK_STREAM, 0), s;

	snprintf(a.sun_path, sizeof(a.sun_path), "%s_5001", t->uds);
	assert_int_equal(bind(l, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(l, 4), 0);
	post_rx(t, 4);
	tx_pkt(t, VIRTIO_VSOCK_OP_REQUEST, 1234, 5001, 65536, 0, 0, NULL);
	s = accept(l, NULL, NULL);
	assert_true(s >= 0);
	assert_true(rx_pkt(t, &h, NULL));
	assert_int_equal(h.op, VIRTIO_VSOCK_OP_RESPONSE);
	assert_int_equal(h.src_port, 5001);
	assert_int_equal(h.dst_port, 1234);
	tx_pkt(t, VIRTIO_VSOCK_OP_RW, 1234, 5001, 65536, 0, 0, "ping");
	assert_int_equal(rd(s, buf, sizeof(buf)), 4);
	assert_string_equal(buf, "ping");
	assert_int_equal(write(s, "pong", 4), 4);
	poll_dev(t);
	assert_true(rx_pkt(t, &h, buf));
	assert_string_equal(buf, "pong");
	/* the host side closes: SHUTDOWN(SEND) to the guest */
	close(s);
	poll_dev(t);
	assert_true(rx_pkt(t, &h, NULL));
	assert_int_equal(h.op, VIRTIO_VSOCK_OP_SHUTDOWN);
	assert_int_equal(h.flags, VIRTIO_VSOCK_SHUTDOWN_SEND);
	close(l);
}

static void test_guest_connect_nobody_listens(void **state)
{
	struct t *t = *state;
	struct virtio_vsock_hdr h;

	post_rx(t, 4);
	tx_pkt(t, VIRTIO_VSOCK_OP_REQUEST, 1234, 5002, 65536, 0, 0, NULL);
	assert_true(rx_pkt(t, &h, NULL));
	assert_int_equal(h.op, VIRTIO_VSOCK_OP_RST);
	assert_int_equal(h.src_port, 5002);
	assert_int_equal(h.dst_port, 1234);
	assert_int_equal(t->d->stats.refused, 1);
}

static void test_stray_packets(void **state)
{
	struct t *t = *state;
	struct virtio_vsock_hdr h = { .src_cid = CID,
				      .dst_cid = 7, /* another VM */
				      .src_port = 1,
				      .dst_port = 2,
				      .type = VIRTIO_VSOCK_TYPE_STREAM,
				      .op = VIRTIO_VSOCK_OP_REQUEST };
	uint32_t id, len;

	post_rx(t, 4);
	memcpy(vfake_hva(&t->e.g, TXBUF + 0xf000), &h, sizeof(h));
	vfake_vq_desc(&t->q[1], 15, TXBUF + 0xf000, sizeof(h), 0, 0);
	vfake_vq_post(&t->q[1], 15);
	drv_write(dev(t), VIRTIO_REGS_NOTIFY + 4, 1, 2);
	poll_dev(t);
	assert_true(vfake_vq_used(&t->q[1], &id, &len));
	assert_true(rx_pkt(t, &h, NULL));
	assert_int_equal(h.op, VIRTIO_VSOCK_OP_RST);
	/* RW for no connection: RST; a RST for none: nothing */
	tx_pkt(t, VIRTIO_VSOCK_OP_RW, 9, 9, 0, 0, 0, "x");
	assert_true(rx_pkt(t, &h, NULL));
	assert_int_equal(h.op, VIRTIO_VSOCK_OP_RST);
	tx_pkt(t, VIRTIO_VSOCK_OP_RST, 9, 9, 0, 0, 0, NULL);
	assert_false(rx_pkt(t, &h, NULL));
}

static void test_short_tx_needs_reset(void **state)
{
	struct t *t = *state;
	uint32_t id, len;

	vfake_vq_desc(&t->q[1], 0, TXBUF, 20, 0, 0); /* < 44 bytes */
	vfake_vq_post(&t->q[1], 0);
	drv_write(dev(t), VIRTIO_REGS_NOTIFY + 4, 1, 2);
	poll_dev(t);
	assert_false(vfake_vq_used(&t->q[1], &id, &len));
	assert_true(drv_read(dev(t), VIRTIO_PCI_COMMON_STATUS, 1) &
		    VIRTIO_CONFIG_S_NEEDS_RESET);
	/* a host client now gets nothing but EOF */
	{
		char buf[8];
		int fd = uds_client(t, "");

		poll_dev(t);
		assert_int_equal(rd(fd, buf, sizeof(buf)), 0);
		close(fd);
	}
}

static void test_reset_closes_connections(void **state)
{
	struct t *t = *state;
	char buf[8];
	int fd;

	post_rx(t, 4);
	fd = host_connect(t, 5000, 4096);
	drv_write(dev(t), VIRTIO_PCI_COMMON_STATUS, 0, 1);
	assert_int_equal(t->d->nr_conns, 0);
	assert_int_equal(rd(fd, buf, sizeof(buf)), 0);
	close(fd);
}

static void test_uds_in_use(void **state)
{
	struct t *t = *state;
	struct pv_error err = { "" };
	char path[96];
	int fd;

	/* a live listener: refused */
	assert_true(vsock_uds_listen(t->uds, &err) < 0);
	assert_non_null(strstr(err.msg, "in use"));
	/* a plain file: refused */
	snprintf(path, sizeof(path), "%s/file", t->dir);
	close(open(path, O_CREAT | O_WRONLY, 0600));
	assert_int_equal(vsock_uds_listen(path, &err), -EEXIST);
	unlink(path);
	/* a stale socket (nobody listens): replaced */
	snprintf(path, sizeof(path), "%s/stale", t->dir);
	fd = vsock_uds_listen(path, &err);
	close(fd);
	fd = vsock_uds_listen(path, &err);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_connect_line),
		cmocka_unit_test(test_credit),
		T(test_host_initiated),
		T(test_host_port_round_robin),
		T(test_credit_limits_host_to_guest),
		T(test_credit_update_to_guest),
		T(test_guest_refuses),
		T(test_junk_line_closes),
		T(test_guest_initiated),
		T(test_guest_connect_nobody_listens),
		T(test_stray_packets),
		T(test_short_tx_needs_reset),
		T(test_reset_closes_connections),
		T(test_uds_in_use),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
