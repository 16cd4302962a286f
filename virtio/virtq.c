// SPDX-License-Identifier: GPL-2.0
/* The split-virtqueue walker: every guest value checked before use. */
/*
 * Source: virtio 1.2 §2.7 (split virtqueues): §2.7.5 descriptor table,
 * §2.7.5.3 indirect descriptors, §2.7.6 available ring, §2.7.7 used buffer
 * notification suppression, §2.7.8 used ring, §2.7.10 available buffer
 * notification suppression; layouts and flags from <linux/virtio_ring.h>.
 *
 * Guest memory is reached only through mem_map_gpa_to_hva() with the
 * length of what is read or written, so every buffer lies inside one RAM
 * region (never an MMIO BAR memslot, never outside guest RAM). The
 * driver is hostile: each ring word and descriptor is read once into a
 * local copy, and checked there.
 */
#include "virtio/virtq.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <linux/virtio_ring.h>

#define DESC_SIZE sizeof(struct vring_desc) /* 16 */
#define RING_HDR 4 /* flags + idx of the available and used rings */
#define USED_ELEM_SIZE sizeof(struct vring_used_elem) /* 8 */

/* x86 is little-endian, as the virtio 1.x rings are (§2.4 "le16"). */
static uint16_t ld16(const uint8_t *p)
{
	return __atomic_load_n((const uint16_t *)(const void *)p,
			       __ATOMIC_RELAXED);
}

static void st16(uint8_t *p, uint16_t v)
{
	__atomic_store_n((uint16_t *)(void *)p, v, __ATOMIC_RELAXED);
}

static void st32(uint8_t *p, uint32_t v)
{
	__atomic_store_n((uint32_t *)(void *)p, v, __ATOMIC_RELAXED);
}

static int brk(struct virtq *q, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int brk(struct virtq *q, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(q->err, sizeof(q->err), fmt, ap);
	va_end(ap);
	q->broken = true;
	return -EINVAL;
}

static uint8_t *map_ring(struct virtq *q, const char *what, uint64_t gpa,
			 uint64_t len, uint64_t align)
{
	uint8_t *p;

	if (gpa & (align - 1)) {
		brk(q, "%s at GPA 0x%llx is not %llu-byte aligned", what,
		    (unsigned long long)gpa, (unsigned long long)align);
		return NULL;
	}
	p = mem_map_gpa_to_hva(q->mem, gpa, len);
	if (!p)
		brk(q, "%s at GPA 0x%llx+0x%llx is not inside guest RAM", what,
		    (unsigned long long)gpa, (unsigned long long)len);
	return p;
}

int virtq_start(struct virtq *q, struct mem_map *mem, bool event_idx,
		bool indirect)
{
	uint64_t n = q->size;

	q->mem = mem;
	q->started = false;
	q->broken = false;
	q->err[0] = '\0';
	q->event_idx = event_idx;
	q->indirect = indirect;
	q->last_avail = q->used_idx = q->signalled_used = 0;
	q->signalled_valid = false;
	if (!n || n > VIRTQ_MAX_SIZE || (n & (n - 1)))
		return brk(q, "queue size %llu is not a power of two up to %u",
			   (unsigned long long)n, VIRTQ_MAX_SIZE);
	/* The event-index words follow each ring; map them always. */
	q->desc =
		map_ring(q, "descriptor table", q->desc_gpa, DESC_SIZE * n, 16);
	if (q->desc)
		q->avail = map_ring(q, "available ring", q->avail_gpa,
				    RING_HDR + 2 * n + 2, 2);
	if (q->desc && q->avail)
		q->used = map_ring(q, "used ring", q->used_gpa,
				   RING_HDR + USED_ELEM_SIZE * n + 2, 4);
	if (!q->desc || !q->avail || !q->used)
		return -EINVAL;
	q->started = true;
	return 0;
}

void virtq_stop(struct virtq *q)
{
	q->started = false;
	q->broken = false;
	q->desc = q->avail = q->used = NULL;
	q->last_avail = q->used_idx = 0;
	q->signalled_valid = false;
}

static uint16_t avail_idx(struct virtq *q)
{
	uint16_t v = ld16(q->avail + 2);

	/* Ring entries and descriptors are read after the index. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return v;
}

bool virtq_has_avail(struct virtq *q)
{
	return q->started && !q->broken && avail_idx(q) != q->last_avail;
}

/* The walk of one chain: where we are and what we have collected. */
struct walk {
	const uint8_t *table; /* HVA of the current descriptor table */
	uint32_t table_len; /* its entries */
	bool in_indirect;
	bool seen_write;
	uint32_t count; /* buffer descriptors walked */
	uint64_t bytes;
};

static int add_buf(struct virtq *q, struct virtq_chain *c, struct walk *w,
		   const struct vring_desc *d, uint32_t idx)
{
	uint16_t flags = d->flags;
	void *hva;

	if (++w->count > q->size)
		return brk(
			q,
			"chain at head %u is longer than the queue size %u (a loop?)",
			c->head, q->size);
	if (flags & VRING_DESC_F_WRITE)
		w->seen_write = true;
	else if (w->seen_write)
		return brk(
			q,
			"chain at head %u: readable descriptor %u after a writable one",
			c->head, idx);
	if (!d->len)
		return 0;
	w->bytes += d->len;
	if (w->bytes > UINT32_MAX)
		return brk(q, "chain at head %u is longer than 4 GiB", c->head);
	hva = mem_map_gpa_to_hva(q->mem, d->addr, d->len);
	if (!hva)
		return brk(
			q,
			"chain at head %u: descriptor %u%s (GPA 0x%llx+0x%x) is not inside guest RAM",
			c->head, idx, w->in_indirect ? " (indirect)" : "",
			(unsigned long long)d->addr, d->len);
	c->iov[c->nout + c->nin] =
		(struct iovec){ .iov_base = hva, .iov_len = d->len };
	if (flags & VRING_DESC_F_WRITE) {
		c->nin++;
		c->in_bytes += d->len;
	} else {
		c->nout++;
		c->out_bytes += d->len;
	}
	return 0;
}

static int enter_indirect(struct virtq *q, struct virtq_chain *c,
			  struct walk *w, const struct vring_desc *d)
{
	if (!q->indirect)
		return brk(
			q,
			"chain at head %u uses INDIRECT_DESC, which was not negotiated",
			c->head);
	if (w->in_indirect)
		return brk(q, "chain at head %u: indirect table inside one",
			   c->head);
	if (d->flags & VRING_DESC_F_NEXT)
		return brk(q, "chain at head %u: INDIRECT with NEXT", c->head);
	if (!d->len || d->len % DESC_SIZE)
		return brk(
			q,
			"chain at head %u: indirect table of %u bytes (not a non-zero multiple of 16)",
			c->head, d->len);
	w->table = mem_map_gpa_to_hva(q->mem, d->addr, d->len);
	if (!w->table)
		return brk(
			q,
			"chain at head %u: indirect table GPA 0x%llx+0x%x is not inside guest RAM",
			c->head, (unsigned long long)d->addr, d->len);
	w->table_len = d->len / DESC_SIZE;
	w->in_indirect = true;
	return 0;
}

int virtq_pop(struct virtq *q, struct virtq_chain *c)
{
	struct walk w = { .table = q->desc, .table_len = q->size };
	uint16_t idx, pending;
	int ret;

	if (!q->started || q->broken)
		return 0;
	idx = avail_idx(q);
	pending = (uint16_t)(idx - q->last_avail);
	if (!pending)
		return 0;
	if (pending > q->size)
		return brk(
			q,
			"available index %u is %u ahead of the device's %u (queue size %u)",
			idx, pending, q->last_avail, q->size);
	c->head = ld16(q->avail + RING_HDR + 2 * (q->last_avail % q->size));
	c->nout = c->nin = 0;
	c->out_bytes = c->in_bytes = 0;
	idx = c->head;
	for (;;) {
		struct vring_desc d;

		if (idx >= w.table_len)
			return brk(
				q,
				"chain at head %u: descriptor index %u out of range (%u%s)",
				c->head, idx, w.table_len,
				w.in_indirect ? " in the indirect table" : "");
		memcpy(&d, w.table + DESC_SIZE * idx, sizeof(d));
		if (d.flags & VRING_DESC_F_INDIRECT) {
			ret = enter_indirect(q, c, &w, &d);
			if (ret)
				return ret;
			idx = 0;
			continue;
		}
		ret = add_buf(q, c, &w, &d, idx);
		if (ret)
			return ret;
		if (!(d.flags & VRING_DESC_F_NEXT))
			break;
		idx = d.next;
	}
	q->last_avail++;
	return 1;
}

void virtq_unpop(struct virtq *q)
{
	q->last_avail--;
}

void virtq_push(struct virtq *q, uint16_t head, uint32_t written)
{
	uint8_t *e;

	if (!q->started)
		return;
	e = q->used + RING_HDR + USED_ELEM_SIZE * (q->used_idx % q->size);
	st32(e, head);
	st32(e + 4, written);
	q->used_idx++;
	/* §2.7.8: the entry (and the buffer) before the index. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	st16(q->used + 2, q->used_idx);
}

bool virtq_should_notify(struct virtq *q)
{
	uint16_t old, event;
	bool valid;

	if (!q->started)
		return false;
	/* The used index is visible before we read the driver's wish. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!q->event_idx)
		return !(ld16(q->avail) & VRING_AVAIL_F_NO_INTERRUPT);
	old = q->signalled_used;
	valid = q->signalled_valid;
	event = ld16(q->avail + RING_HDR + 2 * q->size); /* used_event */
	q->signalled_used = q->used_idx;
	q->signalled_valid = true;
	if (!valid)
		return true;
	return vring_need_event(event, q->used_idx, old);
}

bool virtq_kick_enable(struct virtq *q)
{
	if (!q->started || q->broken)
		return false;
	if (q->event_idx) /* avail_event */
		st16(q->used + RING_HDR + USED_ELEM_SIZE * q->size,
		     q->last_avail);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return avail_idx(q) != q->last_avail;
}

/* Copy @len bytes between @buf and the chain's @iov from byte @off. */
static size_t iov_copy(const struct iovec *iov, unsigned int n, size_t off,
		       uint8_t *buf, size_t len, bool to_buf)
{
	size_t done = 0;

	for (unsigned int i = 0; i < n && done < len; i++) {
		size_t seg = iov[i].iov_len, k;
		uint8_t *p;

		if (off >= seg) {
			off -= seg;
			continue;
		}
		p = (uint8_t *)iov[i].iov_base + off;
		k = seg - off < len - done ? seg - off : len - done;
		if (to_buf)
			memcpy(buf + done, p, k);
		else
			memcpy(p, buf + done, k);
		done += k;
		off = 0;
	}
	return done;
}

size_t iov_to_buf(const struct iovec *iov, unsigned int n, size_t off,
		  void *buf, size_t len)
{
	return iov_copy(iov, n, off, buf, len, true);
}

size_t iov_from_buf(const struct iovec *iov, unsigned int n, size_t off,
		    const void *buf, size_t len)
{
	return iov_copy(iov, n, off, (uint8_t *)buf, len, false);
}

unsigned int iov_slice(const struct iovec *iov, unsigned int n, size_t off,
		       size_t len, struct iovec *out, unsigned int max)
{
	unsigned int k = 0;

	for (unsigned int i = 0; i < n && len && k < max; i++) {
		size_t seg = iov[i].iov_len, take;

		if (off >= seg) {
			off -= seg;
			continue;
		}
		take = seg - off < len ? seg - off : len;
		out[k].iov_base = (uint8_t *)iov[i].iov_base + off;
		out[k].iov_len = take;
		k++;
		len -= take;
		off = 0;
	}
	return k;
}
