// SPDX-License-Identifier: GPL-2.0
/* virtio-blk's cold side: the image (checks, lock) and a new one while the guest runs. */
/*
 * Source: fcntl(2) open file description locks (F_OFD_SETLK); virtio 1.2
 * §4.1.4.3 (config_generation), §4.1.4.5 (ISR status: the configuration
 * change bit), §5.2.4 (capacity). Built -Oz, apart from the request path
 * in blk.c (HOT_SRCS, -O2): this runs once per disk and per PATCH.
 */
#include "virtio/blk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the image ---- */

/*
 * blk_image_open()'s checks; with @held (an image open now), a @path that
 * is @held's file is not locked again (its lock is @held's: a second
 * lock would conflict with it) and 1 is returned.
 */
static int image_open(struct blk_image *im, const char *path, bool read_only,
		      const struct blk_image *held, struct pv_error *err)
{
	struct flock fl = {
		.l_type = read_only ? F_RDLCK : F_WRLCK,
		.l_whence = SEEK_SET,
	};
	struct stat st, hs;
	bool same = false;
	off_t end;
	int e;

	im->fd = open(path, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	im->read_only = read_only;
	if (im->fd < 0) {
		e = errno;
		if (e == ENOENT)
			return pv_seterr(
				err, e,
				"disk %s: no such file: give the path of a raw image (make one with truncate -s 1G %s, or mke2fs)",
				path, path);
		if (!read_only && (e == EACCES || e == EROFS || e == EPERM) &&
		    !access(path, R_OK))
			return pv_seterr(
				err, EACCES,
				"disk %s: passvm may read it but not write it (%s): add ,ro to --disk, or make it writable",
				path, strerror(e));
		return pv_seterr(
			err, e == EPERM ? EACCES : e,
			"disk %s: cannot open it: %s: check its permissions",
			path, strerror(e));
	}
	if (fstat(im->fd, &st) ||
	    (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))) {
		blk_image_close(im);
		return pv_seterr(
			err, EINVAL,
			"disk %s: not a regular file or a block device: give a raw image file",
			path);
	}
	end = lseek(im->fd, 0, SEEK_END);
	if (end < (off_t)VIRTIO_BLK_SECTOR) {
		blk_image_close(im);
		return pv_seterr(
			err, EINVAL,
			"disk %s: it is %s (%lld bytes): a disk needs at least one 512-byte sector; grow it with truncate -s SIZE %s",
			path, end <= 0 ? "empty" : "too small",
			(long long)(end < 0 ? 0 : end), path);
	}
	im->size = (uint64_t)end;
	im->sectors = im->size / VIRTIO_BLK_SECTOR;
	if (held && !fstat(held->fd, &hs))
		same = hs.st_dev == st.st_dev && hs.st_ino == st.st_ino;
	if (!same && fcntl(im->fd, F_OFD_SETLK, &fl)) {
		e = errno;
		blk_image_close(im);
		if (e == EAGAIN || e == EACCES)
			return pv_seterr(
				err, EBUSY,
				"disk %s: another process holds a lock on it (another VM %s it?): stop that one, or give this VM a copy%s",
				path, read_only ? "writing" : "using",
				read_only ? "" : " (or ,ro if both only read)");
		return pv_seterr(
			err, e,
			"disk %s: cannot lock it (fcntl F_OFD_SETLK: %s): put the image on a local filesystem",
			path, strerror(e));
	}
	if (im->size % VIRTIO_BLK_SECTOR)
		pv_warn("disk %s: its size (%llu bytes) is not a multiple of 512: the last %llu bytes are not used",
			path, (unsigned long long)im->size,
			(unsigned long long)(im->size % VIRTIO_BLK_SECTOR));
	return same;
}

int blk_image_open(struct blk_image *im, const char *path, bool read_only,
		   struct pv_error *err)
{
	return image_open(im, path, read_only, NULL, err);
}

void blk_image_close(struct blk_image *im)
{
	if (im->fd >= 0)
		close(im->fd); /* the OFD lock goes with it */
	im->fd = -1;
}

/* ---- a new image while the guest runs ---- */

struct blk_change {
	struct virtio_blk *b;
	struct blk_image *im; /* in: the new image; out: the one let go */
	const char *path;
};

/*
 * On the I/O thread, between two requests (each is served whole in
 * blk_notify), so none uses a closed fd. §4.1.4.3: config_generation
 * changes with the configuration; §4.1.4.5: the change is signalled on
 * the config vector (or ISR bit 1), once the driver runs the device.
 */
static void do_change(void *arg)
{
	struct blk_change *c = arg;
	struct virtio_blk *b = c->b;
	struct virtio_dev *v = &b->vdev;
	struct blk_image old;

	pthread_mutex_lock(&v->lock);
	old = b->im;
	b->im = *c->im;
	*c->im = old;
	snprintf(b->path, sizeof(b->path), "%s", c->path);
	b->cfg.capacity = b->im.sectors;
	v->config_generation++;
	if (virtio_dev_running(v))
		virtio_dev_notify_config(v);
	pthread_mutex_unlock(&v->lock);
}

int virtio_blk_change(struct virtio_blk *b, const char *path,
		      struct blk_image *old, struct pv_error *err)
{
	struct blk_change c = { b, old, path };
	int ret = image_open(old, path, b->im.read_only, &b->im, err);
	int fd = old->fd;

	if (ret < 0)
		return ret;
	if (ret) /* the same file (grown?): keep the fd that holds its lock */
		old->fd = b->im.fd;
	vio_loop_call(&b->vdev.loop, do_change, &c);
	if (ret)
		old->fd = fd; /* its lockless second fd goes */
	return 0;
}
