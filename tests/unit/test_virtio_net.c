// SPDX-License-Identifier: GPL-2.0
/* virtio-net's userspace path, against a socketpair playing the tap. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include <linux/virtio_config.h>
#include <linux/virtio_pci.h>
#include <linux/virtio_ring.h>

#include "virtio/net.h"
#include "virtio/virtio_regs.h"
#include "virtio_fake.h"

#define F(bit) (1ull << (bit))
#define RXQ (FAKE_RAM_GPA + 0x10000)
#define TXQ (FAKE_RAM_GPA + 0x20000)
#define BUF (FAKE_RAM_GPA + 0x100000)

struct t {
	struct vfake_env e;
	struct virtio_net *n;
	struct vfake_vq q[2];
	int sv[2]; /* sv[0] is the device's "tap", sv[1] the host's side */
};

static int setup(void **state)
{
	static const uint8_t mac[6] = { 0x06, 0, 0xac, 0x10, 0, 2 };
	struct t *t = calloc(1, sizeof(*t));
	struct pv_error err = { "" };
	struct virtio_net_params p = { .name = "net0",
				       .tap = "fake0",
				       .has_mac = true,
				       .vhost = VIRTIO_NET_VHOST_OFF };

	assert_int_equal(
		socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, t->sv),
		0);
	p.tap_fd = t->sv[0];
	memcpy(p.mac, mac, 6);
	vfake_env_init(&t->e);
	if (virtio_net_create(&t->n, &p, &t->e.env, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(virtio_dev_plug(&t->n->vdev, &t->e.g.bus, &err), 0);
	pci_bus_enable_decode(&t->e.g.bus);
	vfake_vq_init(&t->q[0], &t->e.g, RXQ, 16);
	vfake_vq_init(&t->q[1], &t->e.g, TXQ, 16);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct t *t = *state;

	virtio_net_destroy(t->n);
	vfake_env_destroy(&t->e);
	close(t->sv[0]);
	close(t->sv[1]);
	free(t);
	return 0;
}

static struct virtio_dev *dev(struct t *t)
{
	return &t->n->vdev;
}

static void up(struct t *t)
{
	assert_true(drv_setup(dev(t),
			      F(VIRTIO_F_VERSION_1) | F(VIRTIO_NET_F_MAC) |
				      F(VIRTIO_NET_F_STATUS) |
				      F(VIRTIO_NET_F_GUEST_CSUM) |
				      F(VIRTIO_RING_F_INDIRECT_DESC),
			      t->q, 2, true));
	assert_true(virtio_dev_running(dev(t)));
}

static void test_config_and_features(void **state)
{
	struct t *t = *state;
	uint8_t c[8];
	uint64_t f = dev(t)->host_features;

	for (int i = 0; i < 8; i++)
		c[i] = (uint8_t)drv_read(dev(t), VIRTIO_REGS_DEVICE + i, 1);
	assert_memory_equal(c, "\x06\x00\xac\x10\x00\x02", 6);
	assert_int_equal(c[6] | c[7] << 8, VIRTIO_NET_S_LINK_UP);
	assert_true(f & F(VIRTIO_NET_F_MAC));
	assert_true(f & F(VIRTIO_NET_F_CSUM));
	assert_true(f & F(VIRTIO_NET_F_GUEST_TSO4));
	assert_true(f & F(VIRTIO_NET_F_HOST_TSO6));
	assert_true(f & F(VIRTIO_NET_F_GUEST_ECN));
	assert_true(f & F(VIRTIO_NET_F_HOST_ECN));
	/* no vhost: one buffer per packet */
	assert_false(f & F(VIRTIO_NET_F_MRG_RXBUF));
	assert_false(f & F(VIRTIO_NET_F_CTRL_VQ));
}

static void test_tx(void **state)
{
	struct t *t = *state;
	uint8_t *b = vfake_hva(&t->e.g, BUF), got[256];
	uint32_t id, len;

	up(t);
	memset(b, 0, 12); /* the virtio_net_hdr_v1 */
	for (int i = 0; i < 60; i++)
		b[0x1000 + i] = (uint8_t)i;
	vfake_vq_desc(&t->q[1], 0, BUF, 12, VRING_DESC_F_NEXT, 1);
	vfake_vq_desc(&t->q[1], 1, BUF + 0x1000, 60, 0, 0);
	vfake_vq_post(&t->q[1], 0);
	drv_write(dev(t), VIRTIO_REGS_NOTIFY + 4, 1, 2);
	drv_poll(dev(t), 0);
	/* one packet on the "tap", header and frame as one record */
	assert_int_equal(read(t->sv[1], got, sizeof(got)), 72);
	assert_memory_equal(got + 12, b + 0x1000, 60);
	assert_true(vfake_vq_used(&t->q[1], &id, &len));
	assert_int_equal(id, 0);
	assert_int_equal(len, 0);
	assert_int_equal(eventfd_take(dev(t)->vec[1].fd), 1);
	assert_int_equal(t->n->stats.tx_packets, 1);
	assert_int_equal(t->n->stats.tx_bytes, 60);
}

static void post_rx(struct t *t, uint16_t i, uint64_t gpa)
{
	vfake_vq_desc(&t->q[0], i, gpa, 2048, VRING_DESC_F_WRITE, 0);
	vfake_vq_post(&t->q[0], i);
}

static void test_rx(void **state)
{
	struct t *t = *state;
	uint8_t pkt[112], *b = vfake_hva(&t->e.g, BUF);
	uint32_t id, len;
	uint16_t nb;

	up(t);
	post_rx(t, 0, BUF);
	drv_write(dev(t), VIRTIO_REGS_NOTIFY, 0, 2);
	drv_poll(dev(t), 0);
	memset(pkt, 0, 12);
	for (int i = 12; i < 112; i++)
		pkt[i] = (uint8_t)(i ^ 0x5a);
	memset(b, 0xff, 12);
	assert_int_equal(write(t->sv[1], pkt, sizeof(pkt)), sizeof(pkt));
	drv_poll(dev(t), 10);
	assert_true(vfake_vq_used(&t->q[0], &id, &len));
	assert_int_equal(len, 112);
	assert_memory_equal(b + 12, pkt + 12, 100);
	memcpy(&nb, b + offsetof(struct virtio_net_hdr_v1, num_buffers), 2);
	assert_int_equal(nb, 1);
	assert_int_equal(eventfd_take(dev(t)->vec[0].fd), 1);
	assert_int_equal(t->n->stats.rx_packets, 1);
}

static void test_rx_waits_for_buffers(void **state)
{
	struct t *t = *state;
	uint8_t pkt[64] = { 0 };
	uint32_t id, len;

	up(t);
	/* A packet with no buffer posted: it waits in the tap. */
	assert_int_equal(write(t->sv[1], pkt, sizeof(pkt)), sizeof(pkt));
	drv_poll(dev(t), 10);
	assert_false(vfake_vq_used(&t->q[0], &id, &len));
	assert_true(t->n->stats.rx_no_buffers >= 1);
	/* The device stopped polling the tap (no busy loop)... */
	assert_int_equal(drv_poll(dev(t), 10), 0);
	/* ...until the guest gives buffers and kicks. */
	post_rx(t, 3, BUF);
	drv_write(dev(t), VIRTIO_REGS_NOTIFY, 0, 2);
	drv_poll(dev(t), 10);
	assert_true(vfake_vq_used(&t->q[0], &id, &len));
	assert_int_equal(id, 3);
	assert_int_equal(len, 64);
}

static void test_rx_chain_without_room(void **state)
{
	struct t *t = *state;
	uint8_t pkt[64] = { 0 };

	up(t);
	/* a receive buffer the device may not write: the driver's bug */
	vfake_vq_desc(&t->q[0], 0, BUF, 2048, 0, 0);
	vfake_vq_post(&t->q[0], 0);
	assert_int_equal(write(t->sv[1], pkt, sizeof(pkt)), sizeof(pkt));
	drv_write(dev(t), VIRTIO_REGS_NOTIFY, 0, 2);
	drv_poll(dev(t), 10);
	assert_true(drv_read(dev(t), VIRTIO_PCI_COMMON_STATUS, 1) &
		    VIRTIO_CONFIG_S_NEEDS_RESET);
	/* The readable tap no longer wakes the I/O thread (no spinning). */
	assert_int_equal(drv_poll(dev(t), 10), 0);
}

static void test_reset_stops_the_tap(void **state)
{
	struct t *t = *state;
	uint8_t pkt[64] = { 0 };
	uint32_t id, len;

	up(t);
	post_rx(t, 0, BUF);
	drv_write(dev(t), VIRTIO_PCI_COMMON_STATUS, 0, 1);
	assert_int_equal(write(t->sv[1], pkt, sizeof(pkt)), sizeof(pkt));
	assert_int_equal(drv_poll(dev(t), 10), 0);
	assert_false(vfake_vq_used(&t->q[0], &id, &len));
	/* and a new driver gets the waiting packet */
	vfake_vq_init(&t->q[0], &t->e.g, RXQ, 16);
	vfake_vq_init(&t->q[1], &t->e.g, TXQ, 16);
	up(t);
	post_rx(t, 0, BUF);
	drv_write(dev(t), VIRTIO_REGS_NOTIFY, 0, 2);
	drv_poll(dev(t), 10);
	assert_true(vfake_vq_used(&t->q[0], &id, &len));
	assert_int_equal(len, 64);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_config_and_features),
		T(test_tx),
		T(test_rx),
		T(test_rx_waits_for_buffers),
		T(test_rx_chain_without_room),
		T(test_reset_stops_the_tap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
