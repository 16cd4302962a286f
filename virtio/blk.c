// SPDX-License-Identifier: GPL-2.0
/* virtio-blk: requests on a raw image file, flush honoured. */
/*
 * Source: virtio 1.2 §5.2 (block device): §5.2.3 feature bits, §5.2.4
 * configuration layout, §5.2.6 device operation (request layout, status
 * byte, flush, discard and write zeroes segments). Layouts from
 * <linux/virtio_blk.h>.
 *
 * Writes go to the host page cache (pwritev); VIRTIO_BLK_F_FLUSH is
 * offered, so the guest driver issues flushes, and a flush completes only
 * after fdatasync(2) returned: what the guest synced is in the host file
 * when the guest sees the flush done. A driver that does not accept
 * FLUSH gets write-through instead (fdatasync after every write, §5.2.6.2).
 */
#include "virtio/blk.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/falloc.h>
#include <linux/virtio_ids.h>

/* PCI class 01h (mass storage) subclass 80h (other), as QEMU's. */
#define BLK_PCI_CLASS 0x018000u
#define HDR_LEN sizeof(struct virtio_blk_outhdr)
#define SEG_LEN sizeof(struct virtio_blk_discard_write_zeroes)

/* ---- requests ---- */

/* Whole-sector range [sector, sector + bytes/512) inside the disk? */
static bool range_ok(const struct virtio_blk *b, uint64_t sector,
		     uint64_t bytes)
{
	uint64_t n = bytes / VIRTIO_BLK_SECTOR;

	return !(bytes % VIRTIO_BLK_SECTOR) && sector <= b->im.sectors &&
	       n <= b->im.sectors - sector;
}

/* preadv/pwritev until done; 0 or -errno (-EIO on a short file). */
static int rw_all(struct virtio_blk *b, const struct iovec *iov, unsigned int n,
		  uint64_t off, uint64_t len, bool write)
{
	struct iovec part[VIRTQ_MAX_SIZE];
	uint64_t done = 0;

	while (done < len) {
		unsigned int k = iov_slice(iov, n, done, len - done, part,
					   VIRTQ_MAX_SIZE);
		ssize_t r = write ? pwritev(b->im.fd, part, (int)k,
					    (off_t)(off + done)) :
				    preadv(b->im.fd, part, (int)k,
					   (off_t)(off + done));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -EIO;
		done += (uint64_t)r;
	}
	return 0;
}

static int do_sync(struct virtio_blk *b)
{
	b->stats.flushes++;
	if (b->unsafe_cache)
		return 0;
	return b->sync(b->im.fd) ? -errno : 0;
}

static int zero_range(struct virtio_blk *b, uint64_t off, uint64_t len,
		      bool unmap)
{
	/* Never written; not const, so it is .bss, not 64 KiB of the file. */
	static uint8_t zeros[65536];

	/* Punching reads back zeros too (and frees the blocks). */
	if (unmap &&
	    !fallocate(b->im.fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		       (off_t)off, (off_t)len))
		return 0;
	if (!fallocate(b->im.fd, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE,
		       (off_t)off, (off_t)len))
		return 0;
	/* The filesystem knows neither: write the zeros. */
	while (len) {
		size_t k = len < sizeof(zeros) ? len : sizeof(zeros);
		ssize_t r = pwrite(b->im.fd, zeros, k, (off_t)off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -EIO;
		off += (uint64_t)r;
		len -= (uint64_t)r;
	}
	return 0;
}

/* §5.2.6: DISCARD and WRITE_ZEROES carry segments in the readable part. */
static int segments(struct virtio_blk *b, const struct virtq_chain *c,
		    uint32_t type)
{
	uint32_t len = c->out_bytes - HDR_LEN, n = len / SEG_LEN;
	bool wz = type == VIRTIO_BLK_T_WRITE_ZEROES;

	if (b->im.read_only)
		return VIRTIO_BLK_S_IOERR;
	if (!n || len % SEG_LEN || n > VIRTIO_BLK_MAX_DISCARD_SEG)
		return VIRTIO_BLK_S_UNSUPP;
	for (uint32_t i = 0; i < n; i++) {
		struct virtio_blk_discard_write_zeroes s;
		uint64_t off, bytes;

		iov_to_buf(c->iov, c->nout, HDR_LEN + i * SEG_LEN, &s,
			   sizeof(s));
		/* §5.2.6.2: unknown flags, or unmap on a discard: UNSUPP. */
		if (s.flags & ~(uint32_t)VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP ||
		    (!wz && s.flags))
			return VIRTIO_BLK_S_UNSUPP;
		bytes = (uint64_t)s.num_sectors * VIRTIO_BLK_SECTOR;
		if (s.num_sectors > VIRTIO_BLK_MAX_DISCARD_SECTORS ||
		    !range_ok(b, s.sector, bytes))
			return VIRTIO_BLK_S_IOERR;
		off = s.sector * VIRTIO_BLK_SECTOR;
		if (wz) {
			b->stats.write_zeroes++;
			if (zero_range(b, off, bytes, s.flags))
				return VIRTIO_BLK_S_IOERR;
		} else {
			/* A hint: where the file cannot punch, ignore it. */
			b->stats.discards++;
			(void)!fallocate(b->im.fd,
					 FALLOC_FL_PUNCH_HOLE |
						 FALLOC_FL_KEEP_SIZE,
					 (off_t)off, (off_t)bytes);
		}
	}
	if (!virtio_dev_has(&b->vdev, VIRTIO_BLK_F_FLUSH) && do_sync(b))
		return VIRTIO_BLK_S_IOERR;
	return VIRTIO_BLK_S_OK;
}

static int serve(struct virtio_blk *b, const struct virtq_chain *c,
		 uint32_t type, uint64_t sector, uint32_t *written)
{
	const struct iovec *in = c->iov + c->nout;
	uint32_t data_in = c->in_bytes - 1, data_out = c->out_bytes - HDR_LEN;
	struct iovec out[VIRTQ_MAX_SIZE];
	unsigned int nout;
	uint32_t k;

	switch (type) {
	case VIRTIO_BLK_T_IN:
		b->stats.reads++;
		if (!range_ok(b, sector, data_in) ||
		    rw_all(b, in, c->nin, sector * VIRTIO_BLK_SECTOR, data_in,
			   false))
			return VIRTIO_BLK_S_IOERR;
		b->stats.read_bytes += data_in;
		*written += data_in;
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_OUT:
		b->stats.writes++;
		if (b->im.read_only || !range_ok(b, sector, data_out))
			return VIRTIO_BLK_S_IOERR;
		nout = iov_slice(c->iov, c->nout, HDR_LEN, data_out, out,
				 VIRTQ_MAX_SIZE);
		if (rw_all(b, out, nout, sector * VIRTIO_BLK_SECTOR, data_out,
			   true))
			return VIRTIO_BLK_S_IOERR;
		b->stats.written_bytes += data_out;
		if (!virtio_dev_has(&b->vdev, VIRTIO_BLK_F_FLUSH) && do_sync(b))
			return VIRTIO_BLK_S_IOERR;
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_FLUSH:
		return do_sync(b) ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_GET_ID:
		b->stats.get_ids++;
		k = data_in < VIRTIO_BLK_ID_BYTES ? data_in :
						    VIRTIO_BLK_ID_BYTES;
		*written += (uint32_t)iov_from_buf(in, c->nin, 0, b->serial, k);
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		return segments(b, c, type);
	default:
		return VIRTIO_BLK_S_UNSUPP;
	}
}

int virtio_blk_request(struct virtio_blk *b, const struct virtq_chain *c,
		       uint32_t *written)
{
	struct virtio_blk_outhdr h;
	uint8_t status;
	int st;

	if (c->out_bytes < HDR_LEN || c->in_bytes < 1)
		return -EINVAL;
	iov_to_buf(c->iov, c->nout, 0, &h, sizeof(h));
	*written = 0;
	st = serve(b, c, h.type, h.sector, written);
	if (st != VIRTIO_BLK_S_OK)
		b->stats.errors++;
	status = (uint8_t)st;
	iov_from_buf(c->iov + c->nout, c->nin, c->in_bytes - 1, &status, 1);
	*written += 1;
	return st;
}

/* ---- the device ---- */

static void blk_notify(struct virtio_dev *v, unsigned int qi)
{
	struct virtio_blk *b = v->opaque;
	struct virtq *q = &v->q[qi].vq;
	bool pushed = false;
	uint32_t written;
	int r;

	do {
		while ((r = virtq_pop(q, &b->chain)) > 0) {
			if (virtio_blk_request(b, &b->chain, &written) < 0) {
				virtio_dev_needs_reset(
					v,
					"request at head %u has no 16-byte header or no status byte",
					b->chain.head);
				return;
			}
			virtq_push(q, b->chain.head, written);
			pushed = true;
		}
		if (r < 0) {
			virtio_dev_needs_reset(v, "queue %u: %s", qi, q->err);
			return;
		}
	} while (virtq_kick_enable(q));
	if (pushed && virtq_should_notify(q))
		virtio_dev_notify_queue(v, qi);
}

static void blk_cfg_read(struct virtio_dev *v, uint32_t off, uint8_t *data,
			 uint32_t len)
{
	struct virtio_blk *b = v->opaque;

	memcpy(data, (const uint8_t *)&b->cfg + off, len);
}

static const struct virtio_dev_ops blk_ops = {
	.cfg_read = blk_cfg_read,
	.notify = blk_notify,
};

int virtio_blk_create(struct virtio_blk **out,
		      const struct virtio_blk_params *p,
		      const struct virtio_env *env, struct pv_error *err)
{
	struct virtio_dev_params vp = {
		.device_id = VIRTIO_ID_BLOCK,
		.class_code = BLK_PCI_CLASS,
		.nr_queues = 1,
		.queue_size = VIRTIO_BLK_QUEUE_SIZE,
		.cfg_size = sizeof(struct virtio_blk_config),
		.ops = &blk_ops,
		.env = *env,
	};
	char name[48];
	struct virtio_blk *b;
	int ret;

	*out = NULL;
	if (p->serial && strlen(p->serial) > VIRTIO_BLK_ID_BYTES)
		return pv_seterr(err, EINVAL,
				 "disk %s: serial '%s' is longer than %d bytes",
				 p->path, p->serial, VIRTIO_BLK_ID_BYTES);
	if (strlen(p->path) >= sizeof(b->path))
		return pv_seterr(err, ENAMETOOLONG,
				 "disk %.64s...: path too long", p->path);
	b = calloc(1, sizeof(*b));
	if (!b)
		return pv_seterr(err, ENOMEM, "out of memory");
	b->im.fd = -1;
	if (p->image) {
		b->im = *p->image;
	} else {
		ret = blk_image_open(&b->im, p->path, p->read_only, err);
		if (ret) {
			free(b);
			return ret;
		}
		b->own_image = true;
	}
	snprintf(b->path, sizeof(b->path), "%s", p->path);
	if (p->serial) /* NUL-padded, as many bytes as fit (§5.2.6) */
		memcpy(b->serial, p->serial, strlen(p->serial));
	b->sync = fdatasync;
	b->unsafe_cache = p->unsafe_cache;
	b->cfg.capacity = b->im.sectors;
	b->cfg.seg_max = VIRTIO_BLK_QUEUE_SIZE - 2; /* header and status */
	b->cfg.max_discard_sectors = VIRTIO_BLK_MAX_DISCARD_SECTORS;
	b->cfg.max_discard_seg = VIRTIO_BLK_MAX_DISCARD_SEG;
	b->cfg.discard_sector_alignment = 1;
	b->cfg.max_write_zeroes_sectors = VIRTIO_BLK_MAX_DISCARD_SECTORS;
	b->cfg.max_write_zeroes_seg = VIRTIO_BLK_MAX_DISCARD_SEG;
	b->cfg.write_zeroes_may_unmap = 1;
	vp.features = 1ull << VIRTIO_BLK_F_SEG_MAX | 1ull << VIRTIO_BLK_F_FLUSH;
	if (p->read_only)
		vp.features |= 1ull << VIRTIO_BLK_F_RO;
	else
		vp.features |= 1ull << VIRTIO_BLK_F_DISCARD |
			       1ull << VIRTIO_BLK_F_WRITE_ZEROES;
	snprintf(name, sizeof(name), "virtio-blk %s", p->name);
	vp.name = name;
	vp.opaque = b;
	ret = virtio_dev_init(&b->vdev, &vp, err);
	if (ret) {
		virtio_blk_destroy(b);
		return ret;
	}
	pv_trace(TRACE_PCI, "%s: %s, %llu sectors%s%s%.20s", name, p->path,
		 (unsigned long long)b->im.sectors,
		 p->read_only ? ", read-only" : "",
		 p->serial ? ", serial " : "", p->serial ? p->serial : "");
	*out = b;
	return 0;
}

void virtio_blk_destroy(struct virtio_blk *b)
{
	if (!b)
		return;
	virtio_dev_destroy(&b->vdev);
	if (b->own_image)
		blk_image_close(&b->im);
	free(b);
}
