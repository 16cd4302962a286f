// SPDX-License-Identifier: GPL-2.0
/* The virtio PCI transport: capabilities, features, status, reset, MSI-X. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <linux/pci_regs.h>
#include <linux/virtio_config.h>
#include <linux/virtio_pci.h>
#include <linux/virtio_ring.h>

#include "virtio/virtio_pci.h"
#include "virtio/virtio_regs.h"
#include "virtio_fake.h"

#define QBASE(i) (FAKE_RAM_GPA + 0x10000 * (1 + (i)))
#define BUF (FAKE_RAM_GPA + 0x200000)
#define F(bit) (1ull << (bit))
#define GOOD_FEATURES (F(VIRTIO_F_VERSION_1) | F(VIRTIO_RING_F_EVENT_IDX))

/* A test device model: two queues, 8 bytes of config, counts calls. */
struct tdev {
	struct virtio_dev v;
	struct vfake_env e;
	struct vfake_vq q[2];
	unsigned int activated, resets, notified[2], irq_changes;
	int activate_ret;
	uint8_t cfg[8];
	struct virtq_chain c;
};

static void t_cfg_read(struct virtio_dev *v, uint32_t off, uint8_t *d,
		       uint32_t len)
{
	memcpy(d, ((struct tdev *)v->opaque)->cfg + off, len);
}

static void t_cfg_write(struct virtio_dev *v, uint32_t off, const uint8_t *d,
			uint32_t len)
{
	memcpy(((struct tdev *)v->opaque)->cfg + off, d, len);
}

static int t_activate(struct virtio_dev *v)
{
	struct tdev *t = v->opaque;

	t->activated++;
	return t->activate_ret;
}

static void t_reset(struct virtio_dev *v)
{
	((struct tdev *)v->opaque)->resets++;
}

/* Echo device: every chain comes back with its writable bytes used. */
static void t_notify(struct virtio_dev *v, unsigned int q)
{
	struct tdev *t = v->opaque;
	int r;

	t->notified[q]++;
	while ((r = virtq_pop(&v->q[q].vq, &t->c)) > 0)
		virtio_dev_push_notify(v, q, t->c.head, t->c.in_bytes);
	if (r < 0)
		virtio_dev_needs_reset(v, "queue %u: %s", q, v->q[q].vq.err);
}

static void t_irq_changed(struct virtio_dev *v)
{
	((struct tdev *)v->opaque)->irq_changes++;
}

static const struct virtio_dev_ops tops = {
	.cfg_read = t_cfg_read,
	.cfg_write = t_cfg_write,
	.activate = t_activate,
	.reset = t_reset,
	.notify = t_notify,
	.irq_changed = t_irq_changed,
};

static int setup(void **state)
{
	struct tdev *t = calloc(1, sizeof(*t));
	struct pv_error err = { "" };
	struct virtio_dev_params p = {
		.name = "test",
		.device_id = 42,
		.class_code = 0xff0000,
		.features = F(3),
		.nr_queues = 2,
		.queue_size = 16,
		.cfg_size = sizeof(t->cfg),
		.ops = &tops,
		.opaque = t,
	};

	vfake_env_init(&t->e);
	p.env = t->e.env;
	assert_int_equal(virtio_dev_init(&t->v, &p, &err), 0);
	assert_int_equal(virtio_dev_plug(&t->v, &t->e.g.bus, &err), 0);
	pci_bus_enable_decode(&t->e.g.bus);
	for (int i = 0; i < 2; i++)
		vfake_vq_init(&t->q[i], &t->e.g, QBASE(i), 16);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tdev *t = *state;

	virtio_dev_destroy(&t->v);
	vfake_env_destroy(&t->e);
	free(t);
	return 0;
}

static uint8_t status_of(struct tdev *t)
{
	return (uint8_t)drv_read(&t->v, VIRTIO_PCI_COMMON_STATUS, 1);
}

/* Walk the capability list; the offset of vendor cap @type (or MSI-X). */
static uint32_t find_cap(struct tdev *t, int vndr_type, bool msix)
{
	uint32_t p = drv_cfg_read(&t->v, PCI_CAPABILITY_LIST, 1);

	for (int n = 0; p && n < 48; n++) {
		uint32_t id = drv_cfg_read(&t->v, p, 1);

		if (msix && id == PCI_CAP_ID_MSIX)
			return p;
		if (!msix && id == PCI_CAP_ID_VNDR &&
		    (int)drv_cfg_read(&t->v, p + VIRTIO_PCI_CAP_CFG_TYPE, 1) ==
			    vndr_type)
			return p;
		p = drv_cfg_read(&t->v, p + 1, 1);
	}
	return 0;
}

static void test_ids_and_caps(void **state)
{
	struct tdev *t = *state;
	uint32_t c;

	assert_int_equal(drv_cfg_read(&t->v, PCI_VENDOR_ID, 2), 0x1af4);
	assert_int_equal(drv_cfg_read(&t->v, PCI_DEVICE_ID, 2), 0x1040 + 42);
	assert_true(drv_cfg_read(&t->v, PCI_REVISION_ID, 1) >= 1);
	assert_true(drv_cfg_read(&t->v, PCI_SUBSYSTEM_ID, 2) >= 0x40);
	assert_true(drv_cfg_read(&t->v, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
	c = find_cap(t, VIRTIO_PCI_CAP_COMMON_CFG, false);
	assert_true(c);
	assert_int_equal(drv_cfg_read(&t->v, c + VIRTIO_PCI_CAP_BAR, 1), 0);
	assert_int_equal(drv_cfg_read(&t->v, c + VIRTIO_PCI_CAP_LENGTH, 4),
			 sizeof(struct virtio_pci_common_cfg));
	c = find_cap(t, VIRTIO_PCI_CAP_NOTIFY_CFG, false);
	assert_true(c);
	assert_int_equal(drv_cfg_read(&t->v, c + VIRTIO_PCI_NOTIFY_CAP_MULT, 4),
			 VIRTIO_REGS_NOTIFY_MULT);
	assert_true(find_cap(t, VIRTIO_PCI_CAP_ISR_CFG, false));
	c = find_cap(t, VIRTIO_PCI_CAP_DEVICE_CFG, false);
	assert_int_equal(drv_cfg_read(&t->v, c + VIRTIO_PCI_CAP_LENGTH, 4), 8);
	assert_true(find_cap(t, VIRTIO_PCI_CAP_PCI_CFG, false));
	c = find_cap(t, 0, true);
	assert_true(c);
	/* table size 3 (2 queues + config) */
	assert_int_equal(drv_cfg_read(&t->v, c + PCI_MSIX_FLAGS, 2) &
				 PCI_MSIX_FLAGS_QSIZE,
			 2);
	assert_int_equal(drv_read(&t->v, VIRTIO_PCI_COMMON_NUMQ, 2), 2);
}

static void test_offered_features(void **state)
{
	struct tdev *t = *state;
	uint64_t f;

	drv_write(&t->v, VIRTIO_PCI_COMMON_DFSELECT, 0, 4);
	f = drv_read(&t->v, VIRTIO_PCI_COMMON_DF, 4);
	drv_write(&t->v, VIRTIO_PCI_COMMON_DFSELECT, 1, 4);
	f |= drv_read(&t->v, VIRTIO_PCI_COMMON_DF, 4) << 32;
	assert_true(f & F(VIRTIO_F_VERSION_1));
	assert_true(f & F(VIRTIO_RING_F_EVENT_IDX));
	assert_true(f & F(VIRTIO_RING_F_INDIRECT_DESC));
	assert_true(f & F(3));
	assert_false(f & F(VIRTIO_F_ACCESS_PLATFORM));
	assert_false(f & F(VIRTIO_F_RING_PACKED));
	drv_write(&t->v, VIRTIO_PCI_COMMON_DFSELECT, 2, 4);
	assert_int_equal(drv_read(&t->v, VIRTIO_PCI_COMMON_DF, 4), 0);
}

static void test_features_ok_needs_version_1(void **state)
{
	struct tdev *t = *state;

	assert_false(
		drv_setup(&t->v, F(VIRTIO_RING_F_EVENT_IDX), t->q, 2, false));
	assert_false(status_of(t) & VIRTIO_CONFIG_S_FEATURES_OK);
	assert_int_equal(t->activated, 0);
}

static void test_features_ok_refuses_unoffered(void **state)
{
	struct tdev *t = *state;

	assert_false(drv_setup(&t->v,
			       GOOD_FEATURES | F(VIRTIO_F_ACCESS_PLATFORM),
			       t->q, 2, false));
	assert_false(drv_setup(&t->v, GOOD_FEATURES | F(5), t->q, 2, false));
	assert_true(drv_setup(&t->v, GOOD_FEATURES | F(3), t->q, 2, false));
	assert_true(virtio_dev_has(&t->v, 3));
	assert_true(virtio_dev_has(&t->v, VIRTIO_RING_F_EVENT_IDX));
	assert_false(virtio_dev_has(&t->v, VIRTIO_RING_F_INDIRECT_DESC));
	/* Features are frozen once FEATURES_OK is set. */
	drv_write(&t->v, VIRTIO_PCI_COMMON_GFSELECT, 0, 4);
	drv_write(&t->v, VIRTIO_PCI_COMMON_GF, 0, 4);
	assert_true(virtio_dev_has(&t->v, VIRTIO_RING_F_EVENT_IDX));
}

static void test_activate_and_echo(void **state)
{
	struct tdev *t = *state;
	uint32_t id, len;

	assert_true(drv_setup(&t->v, GOOD_FEATURES, t->q, 2, true));
	assert_int_equal(t->activated, 1);
	assert_true(virtio_dev_running(&t->v));
	assert_true(t->v.q[0].vq.started && t->v.q[1].vq.started);
	assert_int_equal(t->v.q[1].msix_vector, 1);
	/* Activation looks at every queue once (chains made early). */
	assert_int_equal(t->notified[1], 1);
	vfake_vq_desc(&t->q[1], 0, BUF, 64, VRING_DESC_F_WRITE, 0);
	vfake_vq_post(&t->q[1], 0);
	/* The notify address traps (no ioeventfd in this BAR access). */
	drv_write(&t->v, VIRTIO_REGS_NOTIFY + 4, 1, 2);
	assert_true(drv_poll(&t->v, 0) >= 1);
	assert_int_equal(t->notified[1], 2);
	assert_true(vfake_vq_used(&t->q[1], &id, &len));
	assert_int_equal(len, 64);
	/* The queue's vector fired through its eventfd. */
	assert_int_equal(eventfd_take(t->v.vec[1].fd), 1);
	assert_int_equal(t->v.stats.trapped_kicks, 1);
	assert_int_equal(t->v.stats.kicks, 1);
}

static void test_ioeventfd_at_notify_addresses(void **state)
{
	struct tdev *t = *state;
	uint64_t bar = t->v.pci.bars[0].addr;

	assert_true(t->v.pci.bars[0].decoded);
	assert_int_equal(t->e.ioev.assigned, 2);
	assert_int_equal(t->e.ioev.gpa[0], bar + VIRTIO_REGS_NOTIFY);
	assert_int_equal(t->e.ioev.gpa[1], bar + VIRTIO_REGS_NOTIFY + 4);
	/* Memory decode off: the ioeventfds go. */
	drv_cfg_write(&t->v, PCI_COMMAND, 2, 0);
	assert_int_equal(t->e.ioev.removed, 2);
}

static void test_bad_queue_needs_reset(void **state)
{
	struct tdev *t = *state;

	t->q[0].desc = 0x1000; /* not guest RAM */
	assert_true(drv_setup(&t->v, GOOD_FEATURES, t->q, 2, true));
	assert_true(status_of(t) & VIRTIO_CONFIG_S_NEEDS_RESET);
	assert_false(virtio_dev_running(&t->v));
	assert_int_equal(t->activated, 0);
	/* The configuration change interrupt went to its vector (2). */
	assert_int_equal(eventfd_take(t->v.vec[2].fd), 1);
	/* Reset clears it; a good setup then runs. */
	drv_write(&t->v, VIRTIO_PCI_COMMON_STATUS, 0, 1);
	assert_int_equal(status_of(t), 0);
	t->q[0].desc = QBASE(0);
	assert_true(drv_setup(&t->v, GOOD_FEATURES, t->q, 2, true));
	assert_true(virtio_dev_running(&t->v));
}

static void test_malformed_chain_needs_reset_intx(void **state)
{
	struct tdev *t = *state;

	assert_true(drv_setup(&t->v, GOOD_FEATURES, t->q, 2, false));
	vfake_vq_desc(&t->q[0], 0, BUF, 16, VRING_DESC_F_NEXT, 0); /* loop */
	vfake_vq_post(&t->q[0], 0);
	drv_write(&t->v, VIRTIO_REGS_NOTIFY, 0, 2);
	drv_poll(&t->v, 0);
	assert_true(status_of(t) & VIRTIO_CONFIG_S_NEEDS_RESET);
	/* No MSI-X: ISR bit 1 and the INTx line. */
	assert_int_equal(t->e.irq.intx_level, 1);
	assert_int_equal(drv_read(&t->v, VIRTIO_REGS_ISR, 1),
			 VIRTIO_PCI_ISR_CONFIG);
	assert_int_equal(t->e.irq.intx_level, 0); /* the read deasserted */
	assert_int_equal(drv_read(&t->v, VIRTIO_REGS_ISR, 1), 0);
	/* Further kicks are ignored until reset. */
	drv_write(&t->v, VIRTIO_REGS_NOTIFY, 0, 2);
	drv_poll(&t->v, 0);
	assert_int_equal(t->notified[0], 2); /* activation and one kick */
}

static void test_reset(void **state)
{
	struct tdev *t = *state;

	assert_true(drv_setup(&t->v, GOOD_FEATURES, t->q, 2, true));
	assert_int_equal(t->resets, 2); /* setup resets first, and init */
	drv_write(&t->v, VIRTIO_PCI_COMMON_STATUS, 0, 1);
	assert_int_equal(t->resets, 3);
	assert_int_equal(status_of(t), 0);
	assert_false(virtio_dev_running(&t->v));
	assert_int_equal(drv_read(&t->v, VIRTIO_PCI_COMMON_MSIX, 2),
			 VIRTIO_MSI_NO_VECTOR);
	drv_write(&t->v, VIRTIO_PCI_COMMON_Q_SELECT, 1, 2);
	assert_int_equal(drv_read(&t->v, VIRTIO_PCI_COMMON_Q_ENABLE, 2), 0);
	assert_int_equal(drv_read(&t->v, VIRTIO_PCI_COMMON_Q_SIZE, 2), 16);
	assert_int_equal(drv_read(&t->v, VIRTIO_PCI_COMMON_Q_MSIX, 2),
			 VIRTIO_MSI_NO_VECTOR);
	assert_int_equal(drv_read(&t->v, VIRTIO_PCI_COMMON_Q_DESCLO, 4), 0);
	drv_write(&t->v, VIRTIO_PCI_COMMON_GFSELECT, 0, 4);
	assert_int_equal(drv_read(&t->v, VIRTIO_PCI_COMMON_GF, 4), 0);
	assert_false(t->v.q[0].vq.started);
}

static void test_activate_failure(void **state)
{
	struct tdev *t = *state;

	t->activate_ret = -EIO;
	assert_true(drv_setup(&t->v, GOOD_FEATURES, t->q, 2, false));
	assert_true(status_of(t) & VIRTIO_CONFIG_S_NEEDS_RESET);
	assert_false(virtio_dev_running(&t->v));
}

static void test_vector_assignment(void **state)
{
	struct tdev *t = *state;

	drv_write(&t->v, VIRTIO_PCI_COMMON_Q_SELECT, 0, 2);
	drv_write(&t->v, VIRTIO_PCI_COMMON_Q_MSIX, 7, 2); /* table has 3 */
	assert_int_equal(drv_read(&t->v, VIRTIO_PCI_COMMON_Q_MSIX, 2),
			 VIRTIO_MSI_NO_VECTOR);
	t->e.irq.fail_attach = true; /* no GSI left */
	drv_write(&t->v, VIRTIO_PCI_COMMON_Q_MSIX, 1, 2);
	assert_int_equal(drv_read(&t->v, VIRTIO_PCI_COMMON_Q_MSIX, 2),
			 VIRTIO_MSI_NO_VECTOR);
	t->e.irq.fail_attach = false;
	drv_write(&t->v, VIRTIO_PCI_COMMON_Q_MSIX, 1, 2);
	assert_int_equal(drv_read(&t->v, VIRTIO_PCI_COMMON_Q_MSIX, 2), 1);
	assert_int_equal(t->e.irq.attached, 1);
	drv_write(&t->v, VIRTIO_PCI_COMMON_Q_SELECT, 9, 2); /* no queue 9 */
	assert_int_equal(drv_read(&t->v, VIRTIO_PCI_COMMON_Q_SIZE, 2), 0);
}

static void test_msix_mask_and_pba(void **state)
{
	struct tdev *t = *state;
	uint64_t ctrl =
		VIRTIO_REGS_MSIX_TABLE + 16 + PCI_MSIX_ENTRY_VECTOR_CTRL;

	assert_true(drv_setup(&t->v, GOOD_FEATURES, t->q, 2, true));
	/* The last route made: queue 1's vector, as the driver wrote it. */
	assert_int_equal(t->e.irq.last_addr, 0xfee00000u + (1u << 12));
	assert_int_equal(t->e.irq.last_data, 0x4001);
	drv_write(&t->v, ctrl, PCI_MSIX_ENTRY_CTRL_MASKBIT, 4);
	pthread_mutex_lock(&t->v.lock);
	virtio_dev_notify_queue(&t->v, 1);
	pthread_mutex_unlock(&t->v.lock);
	assert_int_equal(eventfd_take(t->v.vec[1].fd), 0);
	assert_int_equal(drv_read(&t->v, VIRTIO_REGS_MSIX_PBA, 8), 2);
	/* A backend is told to signal the queue's own call fd meanwhile. */
	assert_int_equal(virtio_dev_call_fd(&t->v, 1), t->v.q[1].call_fd);
	drv_write(&t->v, ctrl, 0, 4); /* unmask: the pending one goes */
	assert_int_equal(eventfd_take(t->v.vec[1].fd), 1);
	assert_int_equal(drv_read(&t->v, VIRTIO_REGS_MSIX_PBA, 8), 0);
	assert_int_equal(virtio_dev_call_fd(&t->v, 1), t->v.vec[1].fd);
	assert_true(t->irq_changes >= 2);
	/* The function mask holds every vector. */
	drv_cfg_write(&t->v, VIRTIO_CAP_MSIX + PCI_MSIX_FLAGS, 2,
		      PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	pthread_mutex_lock(&t->v.lock);
	virtio_dev_notify_queue(&t->v, 0);
	pthread_mutex_unlock(&t->v.lock);
	assert_int_equal(eventfd_take(t->v.vec[0].fd), 0);
	drv_cfg_write(&t->v, VIRTIO_CAP_MSIX + PCI_MSIX_FLAGS, 2,
		      PCI_MSIX_FLAGS_ENABLE);
	assert_int_equal(eventfd_take(t->v.vec[0].fd), 1);
}

/*
 * One MSI-X register write reaches the interrupt controller once: the
 * routes it changes are made inside one batch of the backend.
 */
static void test_msix_routes_batched(void **state)
{
	struct tdev *t = *state;
	struct vfake_irq *f = &t->e.irq;
	unsigned int routed, batches, unbatched;

	assert_true(drv_setup(&t->v, GOOD_FEATURES, t->q, 2, true));
	unbatched = f->unbatched_routes;
	/* the function mask off again: every unmasked vector re-routed */
	drv_cfg_write(&t->v, VIRTIO_CAP_MSIX + PCI_MSIX_FLAGS, 2,
		      PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	routed = f->routed;
	batches = f->batches;
	drv_cfg_write(&t->v, VIRTIO_CAP_MSIX + PCI_MSIX_FLAGS, 2,
		      PCI_MSIX_FLAGS_ENABLE);
	assert_true(f->routed >= routed + 2); /* queues 0 and 1 */
	assert_int_equal(f->batches, batches + 1);
	/* one table entry's data word: one batch, one route */
	routed = f->routed;
	drv_write(&t->v, VIRTIO_REGS_MSIX_TABLE + 16 + PCI_MSIX_ENTRY_DATA,
		  0x4011, 4);
	assert_int_equal(f->routed, routed + 1);
	assert_int_equal(f->last_data, 0x4011);
	assert_int_equal(f->batches, batches + 2);
	assert_int_equal(f->unbatched_routes, unbatched);
	assert_int_equal(f->batch_depth, 0);
}

static void test_call_fd_from_backend(void **state)
{
	struct tdev *t = *state;
	uint64_t one = 1;

	assert_true(drv_setup(&t->v, GOOD_FEATURES, t->q, 2, false));
	/* INTx mode: a kernel backend's signal becomes ISR bit 0 + INTx. */
	assert_int_equal(virtio_dev_call_fd(&t->v, 0), t->v.q[0].call_fd);
	assert_int_equal(write(t->v.q[0].call_fd, &one, 8), 8);
	drv_poll(&t->v, 0);
	assert_int_equal(t->e.irq.intx_level, 1);
	assert_int_equal(drv_read(&t->v, VIRTIO_REGS_ISR, 1), 1);
}

static void test_device_config_and_pci_cfg_window(void **state)
{
	struct tdev *t = *state;
	uint32_t c = find_cap(t, VIRTIO_PCI_CAP_PCI_CFG, false);

	memcpy(t->cfg, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
	assert_int_equal(drv_read(&t->v, VIRTIO_REGS_DEVICE + 2, 2), 0x4433);
	drv_write(&t->v, VIRTIO_REGS_DEVICE + 4, 0xaabbccdd, 4);
	assert_int_equal(t->cfg[4], 0xdd);
	/* Reads past the device config are zero, writes dropped. */
	assert_int_equal(drv_read(&t->v, VIRTIO_REGS_DEVICE + 8, 4), 0);
	/* §4.1.4.9: num_queues through config space. */
	drv_cfg_write(&t->v, c + VIRTIO_PCI_CAP_BAR, 1, 0);
	drv_cfg_write(&t->v, c + VIRTIO_PCI_CAP_OFFSET, 4,
		      VIRTIO_PCI_COMMON_NUMQ);
	drv_cfg_write(&t->v, c + VIRTIO_PCI_CAP_LENGTH, 4, 2);
	assert_int_equal(drv_cfg_read(&t->v, c + 16, 4) & 0xffff, 2);
	/* and a write: queue_select = 1 */
	drv_cfg_write(&t->v, c + VIRTIO_PCI_CAP_OFFSET, 4,
		      VIRTIO_PCI_COMMON_Q_SELECT);
	drv_cfg_write(&t->v, c + 16, 4, 1);
	assert_int_equal(drv_read(&t->v, VIRTIO_PCI_COMMON_Q_SELECT, 2), 1);
}

static void test_odd_register_accesses(void **state)
{
	struct tdev *t = *state;

	/* A 64-bit queue_desc write, and one of the wrong width. */
	drv_write(&t->v, VIRTIO_PCI_COMMON_Q_SELECT, 0, 2);
	drv_write(&t->v, VIRTIO_PCI_COMMON_Q_DESCLO, 0x123456789000ull, 8);
	assert_int_equal(drv_read(&t->v, VIRTIO_PCI_COMMON_Q_DESCHI, 4),
			 0x1234);
	drv_write(&t->v, VIRTIO_PCI_COMMON_Q_SIZE, 0xffff, 4); /* ignored */
	assert_int_equal(drv_read(&t->v, VIRTIO_PCI_COMMON_Q_SIZE, 2), 16);
	/* A queue size that is no power of two: needs reset at DRIVER_OK. */
	t->q[1].size = 12;
	assert_true(drv_setup(&t->v, GOOD_FEATURES, t->q, 2, false));
	assert_true(status_of(t) & VIRTIO_CONFIG_S_NEEDS_RESET);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_ids_and_caps),
		T(test_offered_features),
		T(test_features_ok_needs_version_1),
		T(test_features_ok_refuses_unoffered),
		T(test_activate_and_echo),
		T(test_ioeventfd_at_notify_addresses),
		T(test_bad_queue_needs_reset),
		T(test_malformed_chain_needs_reset_intx),
		T(test_reset),
		T(test_activate_failure),
		T(test_vector_assignment),
		T(test_msix_mask_and_pba),
		T(test_msix_routes_batched),
		T(test_call_fd_from_backend),
		T(test_device_config_and_pci_cfg_window),
		T(test_odd_register_accesses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
