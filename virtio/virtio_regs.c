// SPDX-License-Identifier: GPL-2.0
/* The driver's side of the transport: common config, BAR0, capabilities. */
/*
 * Source: virtio 1.2 §4.1.3.1 (access widths), §4.1.4 (the vendor
 * capabilities and §4.1.4.9 the PCI configuration access one), §4.1.4.3
 * (common configuration fields and their rules), §4.1.4.5 (ISR),
 * §2.1/§2.2 (status and feature negotiation), from <linux/virtio_pci.h>
 * and <linux/virtio_config.h>. Runs on vCPU threads with the PCI bus lock
 * held; what touches the queues goes to the I/O thread (virtio_post).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <linux/virtio_config.h>
#include <linux/virtio_pci.h>

#include "virtio/virtio_pci.h"
#include "virtio/virtio_regs.h"

/* ---- common configuration (§4.1.4.3) ---- */

static struct virtio_queue *sel_queue(struct virtio_dev *v)
{
	return v->queue_select < v->nr_queues ? &v->q[v->queue_select] : NULL;
}

static uint64_t common_read(struct virtio_dev *v, uint32_t off)
{
	struct virtio_queue *q = sel_queue(v);

	switch (off) {
	case VIRTIO_PCI_COMMON_DFSELECT:
		return v->dfselect;
	case VIRTIO_PCI_COMMON_DF:
		return v->dfselect < 2 ? (uint32_t)(v->host_features >>
						    (32 * v->dfselect)) :
					 0;
	case VIRTIO_PCI_COMMON_GFSELECT:
		return v->gfselect;
	case VIRTIO_PCI_COMMON_GF:
		return v->gfselect < 2 ? (uint32_t)(v->guest_features >>
						    (32 * v->gfselect)) :
					 0;
	case VIRTIO_PCI_COMMON_MSIX:
		return v->msix_config;
	case VIRTIO_PCI_COMMON_NUMQ:
		return v->nr_queues;
	case VIRTIO_PCI_COMMON_STATUS:
		return v->status;
	case VIRTIO_PCI_COMMON_CFGGENERATION:
		return v->config_generation;
	case VIRTIO_PCI_COMMON_Q_SELECT:
		return v->queue_select;
	}
	if (!q) /* §4.1.4.3.2: queue_size 0 for a queue that is not there */
		return off == VIRTIO_PCI_COMMON_Q_MSIX ? VIRTIO_MSI_NO_VECTOR :
							 0;
	switch (off) {
	case VIRTIO_PCI_COMMON_Q_SIZE:
		return q->vq.size;
	case VIRTIO_PCI_COMMON_Q_MSIX:
		return q->msix_vector;
	case VIRTIO_PCI_COMMON_Q_ENABLE:
		return q->enabled;
	case VIRTIO_PCI_COMMON_Q_NOFF:
		return v->queue_select;
	case VIRTIO_PCI_COMMON_Q_DESCLO:
		return (uint32_t)q->vq.desc_gpa;
	case VIRTIO_PCI_COMMON_Q_DESCHI:
		return q->vq.desc_gpa >> 32;
	case VIRTIO_PCI_COMMON_Q_AVAILLO:
		return (uint32_t)q->vq.avail_gpa;
	case VIRTIO_PCI_COMMON_Q_AVAILHI:
		return q->vq.avail_gpa >> 32;
	case VIRTIO_PCI_COMMON_Q_USEDLO:
		return (uint32_t)q->vq.used_gpa;
	case VIRTIO_PCI_COMMON_Q_USEDHI:
		return q->vq.used_gpa >> 32;
	}
	return 0;
}

/* The natural width of the field at @off (§4.1.3.1), 0 for none. */
static uint32_t field_width(uint32_t off)
{
	if (off < VIRTIO_PCI_COMMON_MSIX)
		return off % 4 ? 0 : 4;
	if (off < VIRTIO_PCI_COMMON_STATUS)
		return off % 2 ? 0 : 2;
	if (off < VIRTIO_PCI_COMMON_Q_SELECT)
		return 1;
	if (off < VIRTIO_PCI_COMMON_Q_DESCLO)
		return off % 2 ? 0 : 2;
	if (off < VIRTIO_REGS_COMMON_LEN)
		return off % 4 ? 0 : 4;
	return 0;
}

static void set_half(uint64_t *v, uint32_t off, uint32_t lo_off, uint32_t val)
{
	if (off == lo_off)
		*v = (*v & ~0xffffffffull) | val;
	else
		*v = (*v & 0xffffffffull) | (uint64_t)val << 32;
}

static unsigned int write_status(struct virtio_dev *v, uint8_t val)
{
	uint8_t old = v->status, added = (uint8_t)(val & ~old);
	uint64_t bad;

	if (!val)
		return VIRTIO_POST_RESET;
	/* DEVICE_NEEDS_RESET is the device's; the driver cannot clear it. */
	v->status = val | (old & VIRTIO_CONFIG_S_NEEDS_RESET);
	if (added & VIRTIO_CONFIG_S_FEATURES_OK) {
		bad = v->guest_features & ~v->host_features;
		if (bad || !virtio_dev_has(v, VIRTIO_F_VERSION_1)) {
			/* §2.2.2: refuse; the driver reads it back clear. */
			v->status &= (uint8_t)~VIRTIO_CONFIG_S_FEATURES_OK;
			pv_warn("%s: the driver asked for features 0x%llx: %s; "
				"FEATURES_OK refused",
				v->name, (unsigned long long)v->guest_features,
				bad ? "some were not offered" :
				      "passvm's devices need VIRTIO_F_VERSION_1 (a modern driver)");
		}
	}
	if ((added & VIRTIO_CONFIG_S_DRIVER_OK) &&
	    (v->status & VIRTIO_CONFIG_S_FEATURES_OK))
		return VIRTIO_POST_ACTIVATE;
	return VIRTIO_POST_NONE;
}

static unsigned int common_write(struct virtio_dev *v, uint32_t off,
				 uint64_t val)
{
	struct virtio_queue *q = sel_queue(v);

	switch (off) {
	case VIRTIO_PCI_COMMON_DFSELECT:
		v->dfselect = (uint32_t)val;
		return VIRTIO_POST_NONE;
	case VIRTIO_PCI_COMMON_GFSELECT:
		v->gfselect = (uint32_t)val;
		return VIRTIO_POST_NONE;
	case VIRTIO_PCI_COMMON_GF:
		if (v->gfselect < 2 &&
		    !(v->status & VIRTIO_CONFIG_S_FEATURES_OK))
			set_half(&v->guest_features, v->gfselect, 0,
				 (uint32_t)val);
		return VIRTIO_POST_NONE;
	case VIRTIO_PCI_COMMON_MSIX:
		v->msix_config = virtio_msix_assign(v, (uint16_t)val);
		return VIRTIO_POST_NONE;
	case VIRTIO_PCI_COMMON_STATUS:
		return write_status(v, (uint8_t)val);
	case VIRTIO_PCI_COMMON_Q_SELECT:
		v->queue_select = (uint16_t)val;
		return VIRTIO_POST_NONE;
	}
	if (!q)
		return VIRTIO_POST_NONE;
	switch (off) {
	case VIRTIO_PCI_COMMON_Q_MSIX:
		q->msix_vector = virtio_msix_assign(v, (uint16_t)val);
		return v->active ? VIRTIO_POST_IRQ : VIRTIO_POST_NONE;
	case VIRTIO_PCI_COMMON_Q_ENABLE:
		/* §4.1.4.3.2: the driver MUST NOT write 0. */
		if (!(val & 1) || q->enabled)
			return VIRTIO_POST_NONE;
		q->enabled = true;
		return v->active ? VIRTIO_POST_START_QUEUE : VIRTIO_POST_NONE;
	}
	/* The rest configures a queue that is not enabled yet. */
	if (q->enabled)
		return VIRTIO_POST_NONE;
	switch (off) {
	case VIRTIO_PCI_COMMON_Q_SIZE:
		q->vq.size = (uint16_t)val;
		break;
	case VIRTIO_PCI_COMMON_Q_DESCLO:
	case VIRTIO_PCI_COMMON_Q_DESCHI:
		set_half(&q->vq.desc_gpa, off, VIRTIO_PCI_COMMON_Q_DESCLO,
			 (uint32_t)val);
		break;
	case VIRTIO_PCI_COMMON_Q_AVAILLO:
	case VIRTIO_PCI_COMMON_Q_AVAILHI:
		set_half(&q->vq.avail_gpa, off, VIRTIO_PCI_COMMON_Q_AVAILLO,
			 (uint32_t)val);
		break;
	case VIRTIO_PCI_COMMON_Q_USEDLO:
	case VIRTIO_PCI_COMMON_Q_USEDHI:
		set_half(&q->vq.used_gpa, off, VIRTIO_PCI_COMMON_Q_USEDLO,
			 (uint32_t)val);
		break;
	}
	return VIRTIO_POST_NONE;
}

/* ---- BAR0 ---- */

static void region_read(struct virtio_dev *v, uint64_t off, uint8_t *data,
			uint32_t len)
{
	memset(data, 0, len);
	if (off < VIRTIO_REGS_COMMON_LEN) {
		uint32_t w = field_width((uint32_t)off);

		if (w && len <= w)
			virtio_put_le(data, len, common_read(v, (uint32_t)off));
		else if (w == 4 && len == 8) /* a 64-bit address as one */
			virtio_put_le(data, 8,
				      common_read(v, (uint32_t)off) |
					      common_read(v, (uint32_t)off + 4)
						      << 32);
	} else if (off == VIRTIO_REGS_ISR) {
		/* §4.1.4.5.1: reading clears it and deasserts INTx. */
		data[0] = v->isr;
		v->isr = 0;
		virtio_intx_update(v);
	} else if (off >= VIRTIO_REGS_DEVICE &&
		   off - VIRTIO_REGS_DEVICE < v->cfg_size) {
		uint32_t o = (uint32_t)(off - VIRTIO_REGS_DEVICE);

		if (len <= v->cfg_size - o && v->ops->cfg_read)
			v->ops->cfg_read(v, o, data, len);
	} else if (off >= VIRTIO_REGS_MSIX_TABLE &&
		   off < VIRTIO_REGS_MSIX_TABLE + 16 * v->nr_vectors) {
		virtio_msix_table_read(v, off - VIRTIO_REGS_MSIX_TABLE, data,
				       len);
	} else if (off >= VIRTIO_REGS_MSIX_PBA &&
		   off < VIRTIO_REGS_MSIX_PBA + 8) {
		virtio_msix_pba_read(v, off - VIRTIO_REGS_MSIX_PBA, data, len);
	}
}

static unsigned int region_write(struct virtio_dev *v, uint64_t off,
				 const uint8_t *data, uint32_t len)
{
	if (off < VIRTIO_REGS_COMMON_LEN) {
		uint32_t w = field_width((uint32_t)off);

		if (w && len == w)
			return common_write(v, (uint32_t)off,
					    virtio_get_le(data, len));
		if (w == 4 && len == 8) /* queue_desc & co. as one */
			return common_write(v, (uint32_t)off,
					    virtio_get_le(data, 4)) |
			       common_write(v, (uint32_t)off + 4,
					    virtio_get_le(data + 4, 4));
		pv_trace(TRACE_PCI,
			 "%s: common config write of %u bytes at "
			 "0x%llx ignored",
			 v->name, len, (unsigned long long)off);
	} else if (off >= VIRTIO_REGS_DEVICE &&
		   off - VIRTIO_REGS_DEVICE < v->cfg_size) {
		uint32_t o = (uint32_t)(off - VIRTIO_REGS_DEVICE);

		if (len <= v->cfg_size - o && v->ops->cfg_write)
			v->ops->cfg_write(v, o, data, len);
	} else if (off >= VIRTIO_REGS_NOTIFY &&
		   off < VIRTIO_REGS_NOTIFY +
				   VIRTIO_REGS_NOTIFY_MULT * v->nr_queues) {
		/* No ioeventfd here (yet): signal the same eventfd. */
		unsigned int qi = (unsigned int)((off - VIRTIO_REGS_NOTIFY) /
						 VIRTIO_REGS_NOTIFY_MULT);
		uint64_t one = 1;

		v->stats.trapped_kicks++;
		if (write(v->q[qi].kick_fd, &one, sizeof(one)) < 0)
			pv_warn("%s: kick of queue %u lost: %s", v->name, qi,
				strerror(errno));
	} else if (off >= VIRTIO_REGS_MSIX_TABLE &&
		   off < VIRTIO_REGS_MSIX_TABLE + 16 * v->nr_vectors) {
		virtio_msix_table_write(v, off - VIRTIO_REGS_MSIX_TABLE, data,
					len);
		return VIRTIO_POST_IRQ;
	}
	return VIRTIO_POST_NONE;
}

static void bar_read(struct pci_dev *d, int bar, uint64_t off, uint8_t *data,
		     uint32_t len)
{
	struct virtio_dev *v = d->opaque;

	memset(data, 0xff, len);
	if (bar != 0)
		return;
	pthread_mutex_lock(&v->lock);
	v->stats.reg_accesses++;
	region_read(v, off, data, len);
	pthread_mutex_unlock(&v->lock);
}

static void bar_write(struct pci_dev *d, int bar, uint64_t off,
		      const uint8_t *data, uint32_t len)
{
	struct virtio_dev *v = d->opaque;
	unsigned int actions, qi;

	if (bar != 0)
		return;
	pthread_mutex_lock(&v->lock);
	v->stats.reg_accesses++;
	qi = v->queue_select;
	actions = region_write(v, off, data, len);
	pthread_mutex_unlock(&v->lock);
	virtio_post(v, actions, qi);
}

static void ioeventfds(struct virtio_dev *v, bool assign)
{
	struct pv_error err = { "" };

	for (unsigned int i = 0; i < v->nr_queues; i++) {
		struct virtio_queue *q = &v->q[i];
		uint64_t gpa = v->bar_addr + VIRTIO_REGS_NOTIFY +
			       VIRTIO_REGS_NOTIFY_MULT * i;

		if (!v->ioev.set || q->ioeventfd == assign)
			continue;
		if (!v->ioev.set(v->ioev.ctx, gpa, q->kick_fd, assign, &err)) {
			q->ioeventfd = assign;
		} else if (assign && !v->warned_ioeventfd) {
			v->warned_ioeventfd = true;
			pv_warn("%s: %s: its queue notifications will exit to "
				"passvm",
				v->name, err.msg);
		}
	}
}

static int bar_map(struct pci_dev *d, int bar, uint64_t addr)
{
	struct virtio_dev *v = d->opaque;

	if (bar != 0)
		return 0;
	pthread_mutex_lock(&v->lock);
	v->bar_addr = addr;
	v->bar_mapped = true;
	ioeventfds(v, true);
	pthread_mutex_unlock(&v->lock);
	/* Nothing is mmapped: all but the notify addresses trap. */
	return 0;
}

static void bar_unmap(struct pci_dev *d, int bar, uint64_t addr)
{
	struct virtio_dev *v = d->opaque;

	if (bar != 0)
		return;
	pthread_mutex_lock(&v->lock);
	ioeventfds(v, false);
	v->bar_mapped = false;
	pthread_mutex_unlock(&v->lock);
}

/* ---- config space: the capabilities (§4.1.4) ---- */

static void put_cap(struct virtio_dev *v, uint8_t off, uint8_t next,
		    uint8_t len, uint8_t type, uint32_t bar_off,
		    uint32_t bar_len)
{
	struct pci_dev *d = &v->pci;

	d->cfg[off + VIRTIO_PCI_CAP_VNDR] = PCI_CAP_ID_VNDR;
	d->cfg[off + VIRTIO_PCI_CAP_NEXT] = next;
	d->cfg[off + VIRTIO_PCI_CAP_LEN] = len;
	d->cfg[off + VIRTIO_PCI_CAP_CFG_TYPE] = type;
	d->cfg[off + VIRTIO_PCI_CAP_BAR] = VIRTIO_REGS_BAR;
	pci_cfg_set(d, off + VIRTIO_PCI_CAP_OFFSET, 4, bar_off);
	pci_cfg_set(d, off + VIRTIO_PCI_CAP_LENGTH, 4, bar_len);
}

void virtio_build_caps(struct virtio_dev *v)
{
	struct pci_dev *d = &v->pci;
	uint8_t after_isr =
		v->cfg_size ? VIRTIO_CAP_DEVICE : VIRTIO_CAP_PCI_CFG;
	uint32_t pci_cfg = VIRTIO_CAP_PCI_CFG;

	pci_cfg_set(d, PCI_STATUS, 2, PCI_STATUS_CAP_LIST);
	d->cfg[PCI_CAPABILITY_LIST] = VIRTIO_CAP_MSIX;
	virtio_msix_init(v, VIRTIO_CAP_MSIX);
	d->cfg[VIRTIO_CAP_MSIX + PCI_CAP_LIST_NEXT] = VIRTIO_CAP_COMMON;
	put_cap(v, VIRTIO_CAP_COMMON, VIRTIO_CAP_NOTIFY,
		sizeof(struct virtio_pci_cap), VIRTIO_PCI_CAP_COMMON_CFG,
		VIRTIO_REGS_COMMON, VIRTIO_REGS_COMMON_LEN);
	put_cap(v, VIRTIO_CAP_NOTIFY, VIRTIO_CAP_ISR,
		sizeof(struct virtio_pci_notify_cap), VIRTIO_PCI_CAP_NOTIFY_CFG,
		VIRTIO_REGS_NOTIFY, VIRTIO_REGS_NOTIFY_MULT * v->nr_queues);
	pci_cfg_set(d, VIRTIO_CAP_NOTIFY + VIRTIO_PCI_NOTIFY_CAP_MULT, 4,
		    VIRTIO_REGS_NOTIFY_MULT);
	put_cap(v, VIRTIO_CAP_ISR, after_isr, sizeof(struct virtio_pci_cap),
		VIRTIO_PCI_CAP_ISR_CFG, VIRTIO_REGS_ISR, VIRTIO_REGS_ISR_LEN);
	if (v->cfg_size)
		put_cap(v, VIRTIO_CAP_DEVICE, VIRTIO_CAP_PCI_CFG,
			sizeof(struct virtio_pci_cap),
			VIRTIO_PCI_CAP_DEVICE_CFG, VIRTIO_REGS_DEVICE,
			v->cfg_size);
	/* §4.1.4.9: a window into BAR0 through config space. */
	put_cap(v, VIRTIO_CAP_PCI_CFG, 0, sizeof(struct virtio_pci_cfg_cap),
		VIRTIO_PCI_CAP_PCI_CFG, 0, 0);
	d->wmask[pci_cfg + VIRTIO_PCI_CAP_BAR] = 0xff;
	/* offset, length and pci_cfg_data */
	memset(&d->wmask[pci_cfg + VIRTIO_PCI_CAP_OFFSET], 0xff, 12);
}

/* §4.1.4.9: the access cap.bar/offset/length selects, if valid. */
static bool pci_cfg_window(struct virtio_dev *v, uint32_t *off, uint32_t *len)
{
	const struct pci_dev *d = &v->pci;
	uint32_t c = VIRTIO_CAP_PCI_CFG;

	*off = pci_cfg_get(d, c + VIRTIO_PCI_CAP_OFFSET, 4);
	*len = pci_cfg_get(d, c + VIRTIO_PCI_CAP_LENGTH, 4);
	return d->cfg[c + VIRTIO_PCI_CAP_BAR] == VIRTIO_REGS_BAR &&
	       (*len == 1 || *len == 2 || *len == 4) && !(*off % *len) &&
	       *off < VIRTIO_REGS_BAR_SIZE;
}

static bool is_cfg_data(uint32_t off, uint32_t len)
{
	uint32_t data = VIRTIO_CAP_PCI_CFG + sizeof(struct virtio_pci_cap);

	return off < data + 4 && off + len > data;
}

static void cfg_read(struct pci_dev *d, uint32_t off, uint32_t len,
		     uint32_t *val)
{
	struct virtio_dev *v = d->opaque;
	uint32_t boff, blen;
	uint8_t buf[4] = { 0 };

	if (!is_cfg_data(off, len) || !pci_cfg_window(v, &boff, &blen))
		return;
	bar_read(d, VIRTIO_REGS_BAR, boff, buf, blen);
	*val = (uint32_t)virtio_get_le(buf, len);
}

static void cfg_write(struct pci_dev *d, uint32_t off, uint32_t len,
		      uint32_t val)
{
	struct virtio_dev *v = d->opaque;
	uint32_t boff, blen;

	if (off <= VIRTIO_CAP_MSIX + PCI_MSIX_FLAGS + 1 &&
	    off + len > VIRTIO_CAP_MSIX + PCI_MSIX_FLAGS) {
		pthread_mutex_lock(&v->lock);
		virtio_msix_ctrl_changed(v);
		virtio_intx_update(v);
		pthread_mutex_unlock(&v->lock);
		virtio_post(v, VIRTIO_POST_IRQ, 0);
	} else if (off <= PCI_COMMAND + 1 && off + len > PCI_COMMAND) {
		pthread_mutex_lock(&v->lock);
		virtio_intx_update(v); /* INTx disable */
		pthread_mutex_unlock(&v->lock);
	} else if (is_cfg_data(off, len) && pci_cfg_window(v, &boff, &blen)) {
		uint8_t buf[4];

		virtio_put_le(buf, 4, val);
		bar_write(d, VIRTIO_REGS_BAR, boff, buf, blen);
	}
}

const struct pci_dev_ops virtio_pci_ops = {
	.cfg_read = cfg_read,
	.cfg_write = cfg_write,
	.bar_read = bar_read,
	.bar_write = bar_write,
	.bar_map = bar_map,
	.bar_unmap = bar_unmap,
};
