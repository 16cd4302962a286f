/* SPDX-License-Identifier: GPL-2.0 */
/* Split virtqueues as the device sees them: walk chains, return buffers. */
#ifndef PASSVM_VIRTIO_VIRTQ_H
#define PASSVM_VIRTIO_VIRTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "memory/mem_map.h"

/*
 * The largest queue size a passvm device offers (QueueSizeMax). A chain
 * has at most this many descriptors (virtio 1.2 §2.7.5.3.1: "A driver
 * MUST NOT create a descriptor chain longer than the Queue Size"), so a
 * chain's iovec array has this many entries.
 */
#define VIRTQ_MAX_SIZE 256

/*
 * One descriptor chain, popped from the available ring. iov[0..nout) are
 * the device-readable buffers, iov[nout..nout+nin) the device-writable
 * ones, each an HVA range inside one guest RAM region (zero-length
 * descriptors are dropped). Byte totals fit in 32 bits (§2.7.5.2).
 */
struct virtq_chain {
	uint16_t head; /* descriptor index, for virtq_push() */
	unsigned int nout, nin;
	uint32_t out_bytes, in_bytes;
	struct iovec iov[VIRTQ_MAX_SIZE];
};

/*
 * A split virtqueue (virtio 1.2 §2.7). The transport fills size and the
 * three GPAs from what the driver programmed and calls virtq_start(); the
 * device's I/O thread then pops and pushes. Not thread-safe: one thread
 * (the device's I/O thread) owns a started queue.
 */
struct virtq {
	uint16_t size; /* entries, a power of two <= VIRTQ_MAX_SIZE */
	uint64_t desc_gpa, avail_gpa, used_gpa;

	struct mem_map *mem; /* guest RAM: the only way in (not owned) */
	bool started;
	bool event_idx; /* VIRTIO_F_EVENT_IDX negotiated (§2.7.7, §2.7.10) */
	bool indirect; /* VIRTIO_F_INDIRECT_DESC negotiated (§2.7.5.3) */
	bool broken; /* the driver broke a rule: see err */

	uint8_t *desc, *avail, *used; /* HVAs of the three rings */
	uint16_t last_avail; /* next available-ring entry to take */
	uint16_t used_idx; /* next used-ring entry to fill */
	uint16_t signalled_used; /* used idx at the last notification */
	bool signalled_valid;
	char err[160]; /* what was malformed (when broken) */
};

/*
 * virtq_start() - check and map what the driver programmed: @q->size a
 * power of two in 1..VIRTQ_MAX_SIZE, the rings aligned (§2.7: descriptor
 * table 16, available ring 2, used ring 4 bytes) and each entirely inside
 * one guest RAM region of @mem (the event-index words included). Resets
 * the indices. Errors: -EINVAL with @q->err saying which rule was broken
 * (the queue is then broken and stays unstarted).
 */
int virtq_start(struct virtq *q, struct mem_map *mem, bool event_idx,
		bool indirect);

/* virtq_stop() - forget the mapping (device reset). */
void virtq_stop(struct virtq *q);

/*
 * virtq_pop() - take the next available chain into @c.
 * Returns 1 (a chain), 0 (nothing available, or the queue is not started
 * or broken) or -EINVAL when the driver broke a rule: descriptor index
 * out of range, buffer not entirely in guest RAM, a loop or a chain longer
 * than the queue size, more than 4 GiB, a readable descriptor after a
 * writable one (§2.6.4.2), INDIRECT not negotiated, INDIRECT with NEXT, an
 * indirect table nested, empty or not a multiple of 16 bytes, or the
 * available index moving more than the queue size. The queue is then
 * broken (@q->err says why) and the caller marks the device
 * DEVICE_NEEDS_RESET (§2.1.2). Guest memory is read once per field (a
 * racing driver cannot make a checked value change).
 */
int virtq_pop(struct virtq *q, struct virtq_chain *c);

/*
 * virtq_unpop() - put the last popped chain back (the device could not
 * use it yet, e.g. no room in a host socket): the next pop returns it.
 */
void virtq_unpop(struct virtq *q);

/*
 * virtq_push() - return chain @head to the driver with @written bytes
 * written into its device-writable part (§2.7.8). The used index is
 * published with release ordering after the entry.
 */
void virtq_push(struct virtq *q, uint16_t head, uint32_t written);

/*
 * virtq_should_notify() - after pushes: whether the driver wants a used
 * buffer notification now (§2.7.7: VRING_AVAIL_F_NO_INTERRUPT, or the
 * used_event index with EVENT_IDX). Call once per batch of pushes.
 */
bool virtq_should_notify(struct virtq *q);

/*
 * virtq_kick_enable() - tell the driver the device wants an available
 * buffer notification for the next chain (§2.7.10: avail_event with
 * EVENT_IDX), then look again. Returns true when chains arrived meanwhile
 * (process them before sleeping).
 */
bool virtq_kick_enable(struct virtq *q);

/* virtq_has_avail() - whether a chain is waiting (cheap, no checks). */
bool virtq_has_avail(struct virtq *q);

/*
 * iov helpers on a chain's iovecs: copy @len bytes at byte offset @off
 * of the concatenated buffers. Return the bytes copied (less when the
 * buffers end first).
 */
size_t iov_to_buf(const struct iovec *iov, unsigned int n, size_t off,
		  void *buf, size_t len);
size_t iov_from_buf(const struct iovec *iov, unsigned int n, size_t off,
		    const void *buf, size_t len);

/*
 * iov_slice() - the part of @iov[0..n) from byte @off for at most @len
 * bytes, as up to @max iovecs in @out. Returns the number of iovecs.
 */
unsigned int iov_slice(const struct iovec *iov, unsigned int n, size_t off,
		       size_t len, struct iovec *out, unsigned int max);

#endif
