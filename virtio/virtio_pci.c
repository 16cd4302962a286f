// SPDX-License-Identifier: GPL-2.0
/* The virtio modern PCI transport: interrupts, reset, activation, life. */
/*
 * Source: virtio 1.2 §4.1 (Virtio Over PCI Bus): §4.1.2 PCI device
 * discovery, §4.1.4 the vendor-specific capabilities, §4.1.4.3 common
 * configuration, §4.1.4.4 notification, §4.1.4.5 ISR status, §4.1.4.6
 * device-specific configuration, §4.1.4.9 PCI configuration access;
 * §2.1 device status (§2.1.2 DEVICE_NEEDS_RESET), §2.2 feature bits, §2.4
 * reset, §3.1.1 driver initialisation. Layouts and constants from
 * <linux/virtio_pci.h>, <linux/virtio_config.h>, <linux/pci_regs.h>.
 *
 * BAR0 (32-bit memory, 32 KiB), one structure per 4 KiB page:
 *   0x0000 common configuration   0x3000 notify: 4 bytes per queue
 *   0x1000 ISR status             0x4000 MSI-X table
 *   0x2000 device configuration   0x5000 MSI-X PBA
 */
#include "virtio/virtio_pci.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <linux/virtio_config.h>
#include <linux/virtio_pci.h>
#include <linux/virtio_ring.h>

#include "virtio/virtio_regs.h"

/* ---- interrupts ---- */

void virtio_intx_update(struct virtio_dev *v)
{
	bool level = v->isr && !v->msix_enabled &&
		     !(pci_cfg_get(&v->pci, PCI_COMMAND, 2) &
		       PCI_COMMAND_INTX_DISABLE);

	if (level == v->intx_level || !v->pci.intx_gsi)
		return;
	v->intx_level = level;
	if (v->irq.intx_set)
		v->irq.intx_set(v->irq.ctx, v->pci.intx_gsi, level);
}

static void raise(struct virtio_dev *v, uint16_t vector, uint8_t isr_bit)
{
	if (v->msix_enabled) {
		virtio_msix_signal(v, vector);
		return;
	}
	v->isr |= isr_bit;
	virtio_intx_update(v);
}

void virtio_dev_notify_queue(struct virtio_dev *v, unsigned int q)
{
	if (q >= v->nr_queues)
		return;
	v->stats.irqs++;
	raise(v, v->q[q].msix_vector, VIRTIO_REGS_ISR_QUEUE);
}

void virtio_dev_notify_config(struct virtio_dev *v)
{
	v->stats.config_irqs++;
	raise(v, v->msix_config, VIRTIO_PCI_ISR_CONFIG);
}

void virtio_dev_push_notify(struct virtio_dev *v, unsigned int q, uint16_t head,
			    uint32_t written)
{
	virtq_push(&v->q[q].vq, head, written);
	if (virtq_should_notify(&v->q[q].vq))
		virtio_dev_notify_queue(v, q);
}

bool virtio_dev_running(const struct virtio_dev *v)
{
	return v->active && (v->status & VIRTIO_CONFIG_S_DRIVER_OK) &&
	       !(v->status & VIRTIO_CONFIG_S_NEEDS_RESET);
}

bool virtio_dev_has(const struct virtio_dev *v, unsigned int bit)
{
	return bit < 64 && (v->guest_features >> bit) & 1;
}

void virtio_dev_needs_reset(struct virtio_dev *v, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	if (v->status & VIRTIO_CONFIG_S_NEEDS_RESET)
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	pv_warn("%s: %s: device marked DEVICE_NEEDS_RESET until the guest "
		"driver resets it",
		v->name, why);
	v->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
	v->config_generation++;
	virtio_dev_notify_config(v);
}

int virtio_dev_kick_fd(const struct virtio_dev *v, unsigned int q)
{
	return q < v->nr_queues ? v->q[q].kick_fd : -1;
}

int virtio_dev_call_fd(const struct virtio_dev *v, unsigned int q)
{
	uint16_t vec;

	if (q >= v->nr_queues)
		return -1;
	vec = v->q[q].msix_vector;
	if (v->msix_enabled && virtio_msix_direct(v, vec))
		return v->vec[vec].fd;
	return v->q[q].call_fd;
}

/* ---- the I/O thread's handlers for the transport's own fds ---- */

static void drain(int fd)
{
	uint64_t n;

	while (read(fd, &n, sizeof(n)) == sizeof(n))
		;
}

static void kick_cb(struct vio_handler *h, uint32_t events)
{
	struct virtio_queue *q = h->opaque;
	struct virtio_dev *v = q->dev;
	unsigned int idx = (unsigned int)(q - v->q);

	drain(q->kick_fd);
	pthread_mutex_lock(&v->lock);
	v->stats.kicks++;
	if (virtio_dev_running(v) && q->vq.started && v->ops->notify)
		v->ops->notify(v, idx);
	pthread_mutex_unlock(&v->lock);
}

/* A kernel backend signalled a masked (or INTx) queue interrupt. */
static void call_cb(struct vio_handler *h, uint32_t events)
{
	struct virtio_queue *q = h->opaque;
	struct virtio_dev *v = q->dev;

	drain(q->call_fd);
	pthread_mutex_lock(&v->lock);
	virtio_dev_notify_queue(v, (unsigned int)(q - v->q));
	pthread_mutex_unlock(&v->lock);
}

void virtio_dev_backend_kicks(struct virtio_dev *v, bool on)
{
	v->backend_kicks = on;
	for (unsigned int i = 0; i < v->nr_queues; i++) {
		if (on)
			vio_loop_del(&v->loop, &v->q[i].kick_h);
		else if (!v->q[i].kick_h.added &&
			 vio_loop_add(&v->loop, &v->q[i].kick_h, EPOLLIN))
			pv_warn("%s: cannot watch queue %u's kicks", v->name,
				i);
	}
}

/* ---- reset and activation, on the I/O thread ---- */

static void reset_state(struct virtio_dev *v)
{
	if (v->ops->reset)
		v->ops->reset(v);
	if (v->backend_kicks)
		virtio_dev_backend_kicks(v, false);
	v->active = false;
	v->status = 0;
	v->guest_features = 0;
	v->dfselect = v->gfselect = 0;
	v->msix_config = VIRTIO_MSI_NO_VECTOR;
	v->queue_select = 0;
	v->isr = 0;
	virtio_intx_update(v);
	for (unsigned int i = 0; i < v->nr_queues; i++) {
		struct virtio_queue *q = &v->q[i];

		virtq_stop(&q->vq);
		q->vq.size = q->size_max;
		q->vq.desc_gpa = q->vq.avail_gpa = q->vq.used_gpa = 0;
		q->msix_vector = VIRTIO_MSI_NO_VECTOR;
		q->enabled = false;
		drain(q->kick_fd);
	}
}

static void do_reset(void *arg)
{
	struct virtio_dev *v = arg;

	pthread_mutex_lock(&v->lock);
	reset_state(v);
	pthread_mutex_unlock(&v->lock);
	pv_trace(TRACE_PCI, "%s: reset", v->name);
}

/* Start queue @i as the driver programmed it (lock held). */
static bool start_queue(struct virtio_dev *v, unsigned int i)
{
	struct virtio_queue *q = &v->q[i];

	if (virtq_start(&q->vq, v->mem,
			virtio_dev_has(v, VIRTIO_RING_F_EVENT_IDX),
			virtio_dev_has(v, VIRTIO_RING_F_INDIRECT_DESC))) {
		virtio_dev_needs_reset(v, "queue %u: %s", i, q->vq.err);
		return false;
	}
	return true;
}

static void do_activate(void *arg)
{
	struct virtio_dev *v = arg;

	pthread_mutex_lock(&v->lock);
	if (v->active || !(v->status & VIRTIO_CONFIG_S_DRIVER_OK))
		goto out;
	for (unsigned int i = 0; i < v->nr_queues; i++)
		if (v->q[i].enabled && !start_queue(v, i))
			goto out;
	v->active = true;
	if (v->ops->activate && v->ops->activate(v) < 0) {
		v->active = false;
		virtio_dev_needs_reset(v, "the device could not start");
		goto out;
	}
	pv_trace(TRACE_PCI, "%s: DRIVER_OK, features 0x%llx", v->name,
		 (unsigned long long)v->guest_features);
	/* Chains made available before DRIVER_OK. */
	for (unsigned int i = 0; i < v->nr_queues; i++)
		if (v->q[i].vq.started && virtio_dev_running(v) &&
		    v->ops->notify)
			v->ops->notify(v, i);
out:
	pthread_mutex_unlock(&v->lock);
}

struct late_queue {
	struct virtio_dev *v;
	unsigned int q;
};

/* A queue enabled after DRIVER_OK. */
static void do_start_late(void *arg)
{
	struct late_queue *lq = arg;
	struct virtio_dev *v = lq->v;

	pthread_mutex_lock(&v->lock);
	if (virtio_dev_running(v) && start_queue(v, lq->q) && v->ops->notify)
		v->ops->notify(v, lq->q);
	pthread_mutex_unlock(&v->lock);
}

static void do_irq_changed(void *arg)
{
	struct virtio_dev *v = arg;

	pthread_mutex_lock(&v->lock);
	if (v->active && v->ops->irq_changed)
		v->ops->irq_changed(v);
	pthread_mutex_unlock(&v->lock);
}

void virtio_post(struct virtio_dev *v, unsigned int actions, unsigned int qi)
{
	struct late_queue lq = { v, qi };

	if (actions & VIRTIO_POST_RESET)
		vio_loop_call(&v->loop, do_reset, v);
	if (actions & VIRTIO_POST_ACTIVATE)
		vio_loop_call(&v->loop, do_activate, v);
	if (actions & VIRTIO_POST_START_QUEUE)
		vio_loop_call(&v->loop, do_start_late, &lq);
	if ((actions & VIRTIO_POST_IRQ) && v->ops->irq_changed)
		vio_loop_call(&v->loop, do_irq_changed, v);
}

/* ---- life cycle ---- */

static int new_eventfd(struct virtio_dev *v, int *fd, struct pv_error *err)
{
	*fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (*fd < 0)
		return pv_seterr(err, errno, "%s: eventfd: %s", v->name,
				 strerror(errno));
	return 0;
}

int virtio_dev_init(struct virtio_dev *v, const struct virtio_dev_params *p,
		    struct pv_error *err)
{
	char tname[16];
	int ret;

	memset(v, 0, sizeof(*v));
	v->inited = true;
	for (unsigned int i = 0; i < VIRTIO_MAX_QUEUES; i++)
		v->q[i].kick_fd = v->q[i].call_fd = -1;
	for (unsigned int i = 0; i <= VIRTIO_MAX_QUEUES; i++)
		v->vec[i].fd = -1;
	v->loop.epfd = v->loop.wake_fd = -1;
	snprintf(v->name, sizeof(v->name), "%s", p->name);
	if (!p->nr_queues || p->nr_queues > VIRTIO_MAX_QUEUES ||
	    !p->queue_size || p->queue_size > VIRTQ_MAX_SIZE ||
	    p->cfg_size > VIRTIO_REGS_NOTIFY - VIRTIO_REGS_DEVICE)
		return pv_seterr(err, EINVAL, "%s: bad virtio device shape",
				 v->name);
	pthread_mutex_init(&v->lock, NULL);
	v->ops = p->ops;
	v->opaque = p->opaque;
	v->mem = p->env.mem;
	v->irq = p->env.irq;
	v->ioev = p->env.ioev;
	v->nr_queues = p->nr_queues;
	v->nr_vectors = p->nr_queues + 1;
	v->cfg_size = p->cfg_size;
	v->host_features = p->features | 1ull << VIRTIO_F_VERSION_1 |
			   1ull << VIRTIO_RING_F_INDIRECT_DESC |
			   1ull << VIRTIO_RING_F_EVENT_IDX;
	v->host_features &= ~(1ull << VIRTIO_F_ACCESS_PLATFORM);

	pci_dev_init(&v->pci, v->name, VIRTIO_PCI_VENDOR,
		     (uint16_t)(VIRTIO_PCI_DEVICE_BASE + p->device_id),
		     p->class_code, PCI_CFG_SIZE, &virtio_pci_ops, v);
	v->pci.cfg[PCI_REVISION_ID] = 1;
	pci_cfg_set(&v->pci, PCI_SUBSYSTEM_VENDOR_ID, 2, VIRTIO_PCI_VENDOR);
	pci_cfg_set(&v->pci, PCI_SUBSYSTEM_ID, 2, VIRTIO_PCI_SUBSYS_ID);
	v->pci.cfg[PCI_INTERRUPT_PIN] = 1; /* INTA# */
	ret = pci_dev_set_bar(&v->pci, VIRTIO_REGS_BAR, PCI_BAR_MEM32, false,
			      VIRTIO_REGS_BAR_SIZE);
	if (ret)
		return pv_seterr(err, -ret, "%s: BAR0", v->name);
	virtio_build_caps(v);

	/* "virtio-blk rootfs" runs in thread "vio-rootfs" */
	snprintf(tname, sizeof(tname), "vio-%.11s",
		 strrchr(v->name, ' ') ? strrchr(v->name, ' ') + 1 : v->name);
	ret = vio_loop_init(&v->loop, tname, err);
	if (ret)
		return ret;
	for (unsigned int i = 0; i < v->nr_queues; i++) {
		struct virtio_queue *q = &v->q[i];

		q->dev = v;
		q->size_max = p->queue_size;
		if (new_eventfd(v, &q->kick_fd, err) ||
		    new_eventfd(v, &q->call_fd, err))
			return -errno;
		q->kick_h = (struct vio_handler){ .fd = q->kick_fd,
						  .cb = kick_cb,
						  .opaque = q };
		q->call_h = (struct vio_handler){ .fd = q->call_fd,
						  .cb = call_cb,
						  .opaque = q };
		if (vio_loop_add(&v->loop, &q->kick_h, EPOLLIN) ||
		    vio_loop_add(&v->loop, &q->call_h, EPOLLIN))
			return pv_seterr(err, errno, "%s: epoll_ctl: %s",
					 v->name, strerror(errno));
	}
	reset_state(v);
	return 0;
}

int virtio_dev_plug(struct virtio_dev *v, struct pci_bus *bus,
		    struct pv_error *err)
{
	int ret = pci_bus_add(bus, &v->pci, -1, err);

	if (!ret)
		v->on_bus = true;
	return ret;
}

int virtio_dev_start(struct virtio_dev *v, struct pv_error *err)
{
	return vio_loop_start(&v->loop, err);
}

void virtio_dev_destroy(struct virtio_dev *v)
{
	if (!v->inited)
		return;
	if (v->on_bus)
		pci_bus_remove(v->pci.bus, &v->pci);
	v->on_bus = false;
	vio_loop_destroy(&v->loop);
	if (v->ops) {
		pthread_mutex_lock(&v->lock);
		reset_state(v);
		pthread_mutex_unlock(&v->lock);
	}
	virtio_msix_free(v);
	for (unsigned int i = 0; i < VIRTIO_MAX_QUEUES; i++) {
		if (v->q[i].kick_fd >= 0)
			close(v->q[i].kick_fd);
		if (v->q[i].call_fd >= 0)
			close(v->q[i].call_fd);
		v->q[i].kick_fd = v->q[i].call_fd = -1;
	}
	v->inited = false;
}
