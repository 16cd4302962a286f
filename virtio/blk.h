/* SPDX-License-Identifier: GPL-2.0 */
/* virtio-blk on a raw image file (virtio 1.2 §5.2). */
#ifndef PASSVM_VIRTIO_BLK_H
#define PASSVM_VIRTIO_BLK_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/virtio_blk.h>

#include "virtio/virtio_pci.h"

#define VIRTIO_BLK_QUEUE_SIZE 256
#define VIRTIO_BLK_SECTOR 512u
#define VIRTIO_BLK_MAX_DISCARD_SEG 32u
#define VIRTIO_BLK_MAX_DISCARD_SECTORS (1u << 22) /* 2 GiB per segment */

/*
 * A raw image, opened and locked. The lock is an open file description
 * lock (fcntl F_OFD_SETLK) on the whole file, as QEMU takes one: shared
 * (F_RDLCK) for a read-only disk, exclusive (F_WRLCK) for a read-write
 * one, so two VMs never write one image and none reads an image another
 * writes. It goes with the fd.
 */
struct blk_image {
	int fd;
	bool read_only;
	uint64_t size; /* bytes */
	uint64_t sectors; /* capacity: size / 512 */
};

/*
 * blk_image_open() - open @path (a regular file or a block device)
 * read-only or read-write and lock it. Errors, each saying what to do:
 * -ENOENT (missing), -EACCES (unreadable, or read-write asked of a file
 * passvm may only read: ",ro"), -EINVAL (a directory or other kind, or
 * smaller than one 512-byte sector: an empty image), -EBUSY (another
 * process holds a conflicting lock).
 */
int blk_image_open(struct blk_image *im, const char *path, bool read_only,
		   struct pv_error *err);
void blk_image_close(struct blk_image *im);

struct virtio_blk_stats {
	uint64_t reads, writes, flushes, discards, write_zeroes, get_ids;
	uint64_t read_bytes, written_bytes, errors;
};

struct virtio_blk {
	struct virtio_dev vdev;
	struct blk_image im;
	char path[4096];
	char serial[VIRTIO_BLK_ID_BYTES]; /* NUL-padded, not terminated */
	struct virtio_blk_config cfg;
	struct virtq_chain chain;
	/* fdatasync(2); a test may count the calls. */
	int (*sync)(int fd);
	bool unsafe_cache;
	bool own_image; /* opened here (else the VMM's, kept across boots) */
	struct virtio_blk_stats stats;
};

struct virtio_blk_params {
	const char *name; /* e.g. "blk0" or the drive id */
	const char *path;
	/*
	 * NULL: open and lock @path here (closed with the device). Else an
	 * image the caller opened with blk_image_open() and keeps open (and
	 * locked) across devices, e.g. across a guest reboot; not owned.
	 */
	const struct blk_image *image;
	bool read_only;
	const char *serial; /* NULL: none (GET_ID answers zeros) */
	/*
	 * Firecracker's cache_type "Unsafe": flushes complete without
	 * reaching the host file (a guest's sync is not durable).
	 */
	bool unsafe_cache;
};

/*
 * virtio_blk_create() - open and lock the image (or take @p->image) and
 * build the device
 * (features: SEG_MAX, FLUSH, and RO for a read-only disk, else DISCARD
 * and WRITE_ZEROES). Not yet on a bus. Errors: blk_image_open's, -EINVAL
 * (a serial longer than 20 bytes), the transport's; @err names the disk.
 */
int virtio_blk_create(struct virtio_blk **out,
		      const struct virtio_blk_params *p,
		      const struct virtio_env *env, struct pv_error *err);

/* virtio_blk_destroy() - the device, then the image it opened (unlocked). */
void virtio_blk_destroy(struct virtio_blk *b);

/*
 * virtio_blk_change() - serve the disk from the image at @path from now
 * on, as Firecracker's PATCH /drives path_on_host (its update_disk_image):
 * @path is opened as blk_image_open() does, with the disk's read-only
 * flag (an error there changes nothing: the message names the problem);
 * then, on the I/O thread between two requests (the ones served before
 * used the old file), the new image replaces the old, the capacity
 * (sectors of 512 bytes) in the configuration is the new size,
 * config_generation changes and, if the driver runs the device, the
 * configuration change interrupt is raised (virtio 1.2 §4.1.4.3,
 * §4.1.4.5, §5.2.4). @path naming the file in use (same device and
 * inode) re-reads its size and keeps its fd and lock. *@old gets the
 * image the device let go, for the caller to close (blk_image_close: fd
 * and lock released); it is the caller's own @p->image when the device
 * was built over one. Call with no lock held that the device's I/O
 * thread takes. Returns 0 or blk_image_open's errors.
 */
int virtio_blk_change(struct virtio_blk *b, const char *path,
		      struct blk_image *old, struct pv_error *err);

/*
 * virtio_blk_request() - serve one request chain (§5.2.6): header, data,
 * status byte. Returns the status byte written (VIRTIO_BLK_S_*) and the
 * bytes written into the chain in *@written, or -EINVAL for a chain that
 * is not a request at all (no 16-byte header or no status byte: the
 * caller marks the device DEVICE_NEEDS_RESET). Exposed for tests.
 */
int virtio_blk_request(struct virtio_blk *b, const struct virtq_chain *c,
		       uint32_t *written);

#endif
