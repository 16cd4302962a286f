// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk: the image checks and lock, requests on a temp file, and a
 * new image while the guest runs (PATCH /drives path_on_host).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <linux/virtio_config.h>
#include <linux/virtio_pci.h>
#include <linux/virtio_ring.h>

#include "virtio/blk.h"
#include "virtio/virtio_regs.h"
#include "virtio_fake.h"
#include "vmm/virtio_glue.h"

#define SECTORS 64
#define F(bit) (1ull << (bit))

struct t {
	char path[64];
	struct vfake_env e;
	struct virtio_blk *b;
	struct virtq_chain c;
	uint8_t hdr[16], data[8192], status;
	unsigned int syncs;
};

static struct t *current;

static int count_sync(int fd)
{
	current->syncs++;
	return fdatasync(fd);
}

static void make_image(const char *path, off_t size)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, size), 0);
	close(fd);
}

static struct t *new_t(bool ro, const char *serial)
{
	struct t *t = calloc(1, sizeof(*t));
	struct pv_error err = { "" };
	struct virtio_blk_params p = { .name = "blk0",
				       .read_only = ro,
				       .serial = serial };

	snprintf(t->path, sizeof(t->path), "/tmp/passvm-blk-XXXXXX");
	close(mkstemp(t->path));
	make_image(t->path, SECTORS * 512);
	p.path = t->path;
	vfake_env_init(&t->e);
	if (virtio_blk_create(&t->b, &p, &t->e.env, &err))
		fail_msg("virtio_blk_create: %s", err.msg);
	current = t;
	t->b->sync = count_sync;
	return t;
}

static void free_t(struct t *t)
{
	virtio_blk_destroy(t->b);
	vfake_env_destroy(&t->e);
	unlink(t->path);
	free(t);
}

/* Negotiate @features (as the driver did) without a full setup. */
static void negotiate(struct t *t, uint64_t features)
{
	t->b->vdev.guest_features = features | F(VIRTIO_F_VERSION_1);
}

/* A request chain: header | [data out] || [data in] | status. */
static int req(struct t *t, uint32_t type, uint64_t sector, void *out,
	       uint32_t out_len, void *in, uint32_t in_len, uint32_t *written)
{
	struct virtio_blk_outhdr h = { .type = type, .sector = sector };
	struct virtq_chain *c = &t->c;

	memcpy(t->hdr, &h, sizeof(h));
	memset(c, 0, sizeof(*c));
	c->iov[c->nout++] = (struct iovec){ t->hdr, 16 };
	if (out_len)
		c->iov[c->nout++] = (struct iovec){ out, out_len };
	if (in_len)
		c->iov[c->nout + c->nin++] = (struct iovec){ in, in_len };
	c->iov[c->nout + c->nin++] = (struct iovec){ &t->status, 1 };
	c->out_bytes = 16 + out_len;
	c->in_bytes = in_len + 1;
	t->status = 0xee;
	return virtio_blk_request(t->b, c, written);
}

static void test_write_read(void **state)
{
	struct t *t = new_t(false, NULL);
	uint8_t buf[1024], back[1024];
	uint32_t w;

	negotiate(t, F(VIRTIO_BLK_F_FLUSH));
	for (int i = 0; i < 1024; i++)
		buf[i] = (uint8_t)(i * 7);
	assert_int_equal(req(t, VIRTIO_BLK_T_OUT, 3, buf, 1024, NULL, 0, &w),
			 VIRTIO_BLK_S_OK);
	assert_int_equal(w, 1);
	assert_int_equal(t->status, VIRTIO_BLK_S_OK);
	assert_int_equal(t->syncs, 0); /* write-back: no sync per write */
	assert_int_equal(req(t, VIRTIO_BLK_T_IN, 3, NULL, 0, back, 1024, &w),
			 VIRTIO_BLK_S_OK);
	assert_int_equal(w, 1025);
	assert_memory_equal(buf, back, 1024);
	/* the bytes are in the file, at sector 3 */
	{
		int fd = open(t->path, O_RDONLY);

		assert_int_equal(pread(fd, back, 1024, 3 * 512), 1024);
		close(fd);
	}
	assert_memory_equal(buf, back, 1024);
	free_t(t);
}

static void test_split_header_and_status(void **state)
{
	struct t *t = new_t(false, NULL);
	struct virtio_blk_outhdr h = { .type = VIRTIO_BLK_T_IN, .sector = 0 };
	uint8_t a[5], b[11 + 512 + 1];
	struct virtq_chain *c = &t->c;
	uint32_t w;

	/* header in two pieces, data and status in one buffer (ANY_LAYOUT) */
	memcpy(a, &h, 5);
	memcpy(b, (uint8_t *)&h + 5, 11);
	memset(c, 0, sizeof(*c));
	c->iov[0] = (struct iovec){ a, 5 };
	c->iov[1] = (struct iovec){ b, 11 };
	c->nout = 2;
	c->out_bytes = 16;
	c->iov[2] = (struct iovec){ b + 11, 513 };
	c->nin = 1;
	c->in_bytes = 513;
	b[11 + 512] = 0xee;
	assert_int_equal(virtio_blk_request(t->b, c, &w), VIRTIO_BLK_S_OK);
	assert_int_equal(b[11 + 512], VIRTIO_BLK_S_OK);
	assert_int_equal(w, 513);
	free_t(t);
}

static void test_bad_ranges(void **state)
{
	struct t *t = new_t(false, NULL);
	uint8_t buf[1024];
	uint32_t w;

	/* past the end, straddling the end, not whole sectors, wrap */
	assert_int_equal(
		req(t, VIRTIO_BLK_T_IN, SECTORS, NULL, 0, buf, 512, &w),
		VIRTIO_BLK_S_IOERR);
	assert_int_equal(t->status, VIRTIO_BLK_S_IOERR);
	assert_int_equal(w, 1);
	assert_int_equal(
		req(t, VIRTIO_BLK_T_OUT, SECTORS - 1, buf, 1024, NULL, 0, &w),
		VIRTIO_BLK_S_IOERR);
	assert_int_equal(req(t, VIRTIO_BLK_T_IN, 0, NULL, 0, buf, 100, &w),
			 VIRTIO_BLK_S_IOERR);
	assert_int_equal(
		req(t, VIRTIO_BLK_T_IN, UINT64_MAX, NULL, 0, buf, 512, &w),
		VIRTIO_BLK_S_IOERR);
	assert_int_equal(req(t, 99, 0, NULL, 0, NULL, 0, &w),
			 VIRTIO_BLK_S_UNSUPP);
	assert_int_equal(t->b->stats.errors, 5);
	free_t(t);
}

static void test_not_a_request(void **state)
{
	struct t *t = new_t(false, NULL);
	struct virtq_chain *c = &t->c;
	uint32_t w;

	memset(c, 0, sizeof(*c));
	c->iov[0] = (struct iovec){ t->hdr, 8 }; /* short header */
	c->nout = 1;
	c->out_bytes = 8;
	c->iov[1] = (struct iovec){ &t->status, 1 };
	c->nin = 1;
	c->in_bytes = 1;
	assert_int_equal(virtio_blk_request(t->b, c, &w), -EINVAL);
	c->iov[0].iov_len = c->out_bytes = 16;
	c->nin = c->in_bytes = 0; /* no status byte */
	assert_int_equal(virtio_blk_request(t->b, c, &w), -EINVAL);
	free_t(t);
}

static void test_flush_syncs(void **state)
{
	struct t *t = new_t(false, NULL);
	uint8_t buf[512] = { 1 };
	uint32_t w;

	negotiate(t, F(VIRTIO_BLK_F_FLUSH));
	assert_int_equal(req(t, VIRTIO_BLK_T_OUT, 0, buf, 512, NULL, 0, &w),
			 VIRTIO_BLK_S_OK);
	assert_int_equal(t->syncs, 0);
	assert_int_equal(req(t, VIRTIO_BLK_T_FLUSH, 0, NULL, 0, NULL, 0, &w),
			 VIRTIO_BLK_S_OK);
	assert_int_equal(t->syncs, 1);
	assert_int_equal(t->b->stats.flushes, 1);
	free_t(t);
}

static void test_writethrough_without_flush(void **state)
{
	struct t *t = new_t(false, NULL);
	uint8_t buf[512] = { 1 };
	uint32_t w;

	negotiate(t, 0); /* the driver did not take FLUSH */
	assert_int_equal(req(t, VIRTIO_BLK_T_OUT, 0, buf, 512, NULL, 0, &w),
			 VIRTIO_BLK_S_OK);
	assert_int_equal(t->syncs, 1);
	free_t(t);
}

static void test_get_id(void **state)
{
	struct t *t = new_t(false, "lab-disk-1");
	uint8_t id[VIRTIO_BLK_ID_BYTES + 4];
	uint32_t w;

	memset(id, 0xaa, sizeof(id));
	assert_int_equal(req(t, VIRTIO_BLK_T_GET_ID, 0, NULL, 0, id,
			     VIRTIO_BLK_ID_BYTES, &w),
			 VIRTIO_BLK_S_OK);
	assert_int_equal(w, VIRTIO_BLK_ID_BYTES + 1);
	assert_memory_equal(id, "lab-disk-1\0\0\0\0\0\0\0\0\0\0", 20);
	assert_int_equal(id[20], 0xaa);
	free_t(t);
}

static void test_read_only(void **state)
{
	struct t *t = new_t(true, NULL);
	uint8_t buf[512] = { 0 };
	struct virtio_blk_discard_write_zeroes s = { .sector = 0,
						     .num_sectors = 1 };
	uint32_t w;

	assert_true(t->b->vdev.host_features & F(VIRTIO_BLK_F_RO));
	assert_false(t->b->vdev.host_features & F(VIRTIO_BLK_F_DISCARD));
	assert_int_equal(req(t, VIRTIO_BLK_T_OUT, 0, buf, 512, NULL, 0, &w),
			 VIRTIO_BLK_S_IOERR);
	assert_int_equal(req(t, VIRTIO_BLK_T_WRITE_ZEROES, 0, &s, sizeof(s),
			     NULL, 0, &w),
			 VIRTIO_BLK_S_IOERR);
	assert_int_equal(req(t, VIRTIO_BLK_T_IN, 0, NULL, 0, buf, 512, &w),
			 VIRTIO_BLK_S_OK);
	free_t(t);
}

static void fill(struct t *t, uint8_t v)
{
	uint8_t buf[SECTORS * 512];
	int fd = open(t->path, O_WRONLY);

	memset(buf, v, sizeof(buf));
	assert_int_equal(pwrite(fd, buf, sizeof(buf), 0), sizeof(buf));
	close(fd);
}

static void test_write_zeroes(void **state)
{
	struct t *t = new_t(false, NULL);
	struct virtio_blk_discard_write_zeroes s[2] = {
		{ .sector = 2, .num_sectors = 2, .flags = 0 },
		{ .sector = 10,
		  .num_sectors = 1,
		  .flags = VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP },
	};
	uint8_t back[512 * 12], zero[1024] = { 0 };
	uint32_t w;

	negotiate(t, F(VIRTIO_BLK_F_FLUSH));
	fill(t, 0x5a);
	assert_int_equal(
		req(t, VIRTIO_BLK_T_WRITE_ZEROES, 0, s, sizeof(s), NULL, 0, &w),
		VIRTIO_BLK_S_OK);
	assert_int_equal(
		req(t, VIRTIO_BLK_T_IN, 0, NULL, 0, back, sizeof(back), &w),
		VIRTIO_BLK_S_OK);
	assert_int_equal(back[2 * 512 - 1], 0x5a);
	assert_memory_equal(back + 2 * 512, zero, 1024);
	assert_int_equal(back[4 * 512], 0x5a);
	assert_memory_equal(back + 10 * 512, zero, 512);
	assert_int_equal(back[11 * 512], 0x5a);
	assert_int_equal(t->b->stats.write_zeroes, 2);
	free_t(t);
}

static void test_discard_punches(void **state)
{
	struct t *t = new_t(false, NULL);
	struct virtio_blk_discard_write_zeroes s = { .sector = 0,
						     .num_sectors = SECTORS };
	struct stat before, after;
	uint32_t w;

	fill(t, 0x33);
	fsync(t->b->im.fd);
	fstat(t->b->im.fd, &before);
	assert_int_equal(
		req(t, VIRTIO_BLK_T_DISCARD, 0, &s, sizeof(s), NULL, 0, &w),
		VIRTIO_BLK_S_OK);
	fstat(t->b->im.fd, &after);
	/* /tmp here is ext4: the blocks are gone, the size kept */
	assert_int_equal(after.st_size, before.st_size);
	assert_true(after.st_blocks < before.st_blocks);
	/* malformed segments: unmap on a discard, junk flags, too many */
	s.flags = VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP;
	assert_int_equal(
		req(t, VIRTIO_BLK_T_DISCARD, 0, &s, sizeof(s), NULL, 0, &w),
		VIRTIO_BLK_S_UNSUPP);
	s.flags = 0;
	s.num_sectors = SECTORS + 1;
	assert_int_equal(
		req(t, VIRTIO_BLK_T_DISCARD, 0, &s, sizeof(s), NULL, 0, &w),
		VIRTIO_BLK_S_IOERR);
	assert_int_equal(req(t, VIRTIO_BLK_T_DISCARD, 0, &s, 8, NULL, 0, &w),
			 VIRTIO_BLK_S_UNSUPP);
	free_t(t);
}

/* ---- the image ---- */

static int open_img(struct blk_image *im, const char *path, bool ro,
		    struct pv_error *err)
{
	memset(err, 0, sizeof(*err));
	return blk_image_open(im, path, ro, err);
}

static void test_image_errors(void **state)
{
	char dir[] = "/tmp/passvm-blkd-XXXXXX", path[64];
	struct blk_image im;
	struct pv_error err;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/missing.img", dir);
	assert_int_equal(open_img(&im, path, false, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "no such file"));
	assert_int_equal(open_img(&im, dir, true, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "not a regular file"));
	make_image(path, 0);
	assert_int_equal(open_img(&im, path, false, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "empty"));
	make_image(path, 100);
	assert_int_equal(open_img(&im, path, true, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "too small"));
	make_image(path, 4096 + 100); /* 8 sectors, 100 bytes unused */
	assert_int_equal(open_img(&im, path, true, &err), 0);
	assert_int_equal(im.sectors, 8);
	blk_image_close(&im);
	unlink(path);
	rmdir(dir);
}

static void test_image_rw_on_read_only_file(void **state)
{
	char path[] = "/tmp/passvm-blkro-XXXXXX";
	struct blk_image im;
	struct pv_error err;
	int fd = mkstemp(path), flags = FS_IMMUTABLE_FL, zero = 0;

	assert_int_equal(ftruncate(fd, 4096), 0);
	if (geteuid() == 0) {
		/* root ignores modes: an immutable file is read-only to all */
		if (ioctl(fd, FS_IOC_SETFLAGS, &flags)) {
			close(fd);
			unlink(path);
			skip();
		}
	} else {
		fchmod(fd, 0400);
	}
	assert_int_equal(open_img(&im, path, false, &err), -EACCES);
	assert_non_null(strstr(err.msg, "add ,ro"));
	assert_int_equal(open_img(&im, path, true, &err), 0);
	blk_image_close(&im);
	if (geteuid() == 0)
		ioctl(fd, FS_IOC_SETFLAGS, &zero);
	close(fd);
	unlink(path);
}

static void test_image_lock(void **state)
{
	char path[] = "/tmp/passvm-blklk-XXXXXX";
	struct blk_image a, b, c;
	struct pv_error err;

	close(mkstemp(path));
	make_image(path, 4096);
	/* two writers: the second one is refused */
	assert_int_equal(open_img(&a, path, false, &err), 0);
	assert_int_equal(open_img(&b, path, false, &err), -EBUSY);
	assert_non_null(strstr(err.msg, "another process holds a lock"));
	/* a reader against a writer too */
	assert_int_equal(open_img(&b, path, true, &err), -EBUSY);
	blk_image_close(&a);
	/* readers share; a writer then waits for both to go */
	assert_int_equal(open_img(&a, path, true, &err), 0);
	assert_int_equal(open_img(&b, path, true, &err), 0);
	assert_int_equal(open_img(&c, path, false, &err), -EBUSY);
	blk_image_close(&a);
	assert_int_equal(open_img(&c, path, false, &err), -EBUSY);
	blk_image_close(&b);
	assert_int_equal(open_img(&c, path, false, &err), 0);
	blk_image_close(&c);
	unlink(path);
}

/* ---- through the queue ---- */

static void test_through_the_queue(void **state)
{
	struct t *t = new_t(false, "q");
	struct vfake_vq q;
	struct virtio_blk_outhdr h = { .type = VIRTIO_BLK_T_OUT, .sector = 1 };
	uint64_t hdr = FAKE_RAM_GPA + 0x200000, data = hdr + 0x1000,
		 st = hdr + 0x3000;
	struct pv_error err;
	uint32_t id, len;
	uint8_t cap[8];

	assert_int_equal(virtio_dev_plug(&t->b->vdev, &t->e.g.bus, &err), 0);
	pci_bus_enable_decode(&t->e.g.bus);
	/* the capacity in the device configuration */
	for (int i = 0; i < 8; i++)
		cap[i] = (uint8_t)drv_read(&t->b->vdev, VIRTIO_REGS_DEVICE + i,
					   1);
	assert_int_equal(cap[0], SECTORS);
	vfake_vq_init(&q, &t->e.g, FAKE_RAM_GPA + 0x10000, 16);
	assert_true(drv_setup(&t->b->vdev,
			      F(VIRTIO_F_VERSION_1) | F(VIRTIO_BLK_F_FLUSH) |
				      F(VIRTIO_RING_F_INDIRECT_DESC),
			      &q, 1, true));
	memcpy(vfake_hva(&t->e.g, hdr), &h, sizeof(h));
	memset(vfake_hva(&t->e.g, data), 0x77, 1024);
	vfake_vq_desc(&q, 0, hdr, 16, VRING_DESC_F_NEXT, 1);
	vfake_vq_desc(&q, 1, data, 1024, VRING_DESC_F_NEXT, 2);
	vfake_vq_desc(&q, 2, st, 1, VRING_DESC_F_WRITE, 0);
	vfake_vq_post(&q, 0);
	drv_write(&t->b->vdev, VIRTIO_REGS_NOTIFY, 0, 2);
	drv_poll(&t->b->vdev, 0);
	assert_true(vfake_vq_used(&q, &id, &len));
	assert_int_equal(id, 0);
	assert_int_equal(len, 1);
	assert_int_equal(*(uint8_t *)vfake_hva(&t->e.g, st), VIRTIO_BLK_S_OK);
	assert_int_equal(eventfd_take(t->b->vdev.vec[0].fd), 1);
	assert_int_equal(t->b->stats.writes, 1);
	/* a malformed request (no status byte): DEVICE_NEEDS_RESET */
	vfake_vq_desc(&q, 3, hdr, 16, 0, 0);
	vfake_vq_post(&q, 3);
	drv_write(&t->b->vdev, VIRTIO_REGS_NOTIFY, 0, 2);
	drv_poll(&t->b->vdev, 0);
	assert_true(drv_read(&t->b->vdev, VIRTIO_PCI_COMMON_STATUS, 1) &
		    VIRTIO_CONFIG_S_NEEDS_RESET);
	free_t(t);
}

/* ---- a new image while the guest runs (PATCH /drives path_on_host) ---- */

static uint8_t cfg_generation(struct t *t)
{
	return (uint8_t)drv_read(&t->b->vdev, VIRTIO_PCI_COMMON_CFGGENERATION,
				 1);
}

static uint64_t capacity(struct t *t)
{
	return drv_read(&t->b->vdev, VIRTIO_REGS_DEVICE, 4) |
	       drv_read(&t->b->vdev, VIRTIO_REGS_DEVICE + 4, 4) << 32;
}

static bool fd_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

/* A plugged disk the driver set up (MSI-X: vector 1 is the config's). */
static struct t *running_t(bool ro, bool msix, struct vfake_vq *q)
{
	struct t *t = new_t(ro, NULL);
	struct pv_error err;

	assert_int_equal(virtio_dev_plug(&t->b->vdev, &t->e.g.bus, &err), 0);
	pci_bus_enable_decode(&t->e.g.bus);
	vfake_vq_init(q, &t->e.g, FAKE_RAM_GPA + 0x10000, 16);
	assert_true(drv_setup(&t->b->vdev,
			      F(VIRTIO_F_VERSION_1) | F(VIRTIO_BLK_F_FLUSH), q,
			      1, msix));
	return t;
}

static void test_change_image(void **state)
{
	struct vfake_vq q;
	struct t *t = running_t(false, true, &q);
	struct virtio_dev *v = &t->b->vdev;
	char path[64], dir[] = "/tmp/passvm-blkc-XXXXXX";
	uint8_t gen = cfg_generation(t), buf[512];
	struct blk_image old, other;
	struct pv_error err;
	int fd = t->b->im.fd;
	uint32_t w;

	/* the I/O thread runs: the change is made there */
	assert_int_equal(virtio_dev_start(v, &err), 0);
	assert_int_equal(capacity(t), SECTORS);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/new.img", dir);
	/* what start-up refuses is refused, and nothing changes */
	assert_int_equal(virtio_blk_change(t->b, path, &old, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "no such file"));
	assert_int_equal(virtio_blk_change(t->b, dir, &old, &err), -EISDIR);
	assert_non_null(strstr(err.msg, "cannot open it"));
	make_image(path, 0);
	assert_int_equal(virtio_blk_change(t->b, path, &old, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "empty"));
	make_image(path, 2 * SECTORS * 512);
	assert_int_equal(open_img(&other, path, true, &err), 0);
	assert_int_equal(virtio_blk_change(t->b, path, &old, &err), -EBUSY);
	assert_non_null(strstr(err.msg, "another process holds a lock"));
	blk_image_close(&other);
	assert_int_equal(t->b->im.fd, fd);
	assert_string_equal(t->b->path, t->path);
	assert_int_equal(capacity(t), SECTORS);
	assert_int_equal(cfg_generation(t), gen);
	assert_int_equal(eventfd_take(v->vec[1].fd), 0);

	/* the new image: its size, a new generation, the config interrupt */
	other.fd = open(path, O_WRONLY);
	assert_int_equal(
		pwrite(other.fd, "new image", 9, (2 * SECTORS - 1) * 512), 9);
	close(other.fd);
	assert_int_equal(virtio_blk_change(t->b, path, &old, &err), 0);
	assert_int_equal(old.fd, fd);
	assert_true(fd_open(fd)); /* the caller's to close */
	assert_int_not_equal(t->b->im.fd, fd);
	assert_string_equal(t->b->path, path);
	assert_int_equal(capacity(t), 2 * SECTORS);
	assert_int_not_equal(cfg_generation(t), gen);
	assert_int_equal(eventfd_take(v->vec[1].fd), 1);
	assert_int_equal(eventfd_take(v->vec[0].fd), 0);
	assert_int_equal(v->stats.config_irqs, 1);
	assert_false(t->b->im.read_only);
	/* requests go to the new file: its last sector is in range */
	assert_int_equal(
		req(t, VIRTIO_BLK_T_IN, 2 * SECTORS - 1, NULL, 0, buf, 512, &w),
		VIRTIO_BLK_S_OK);
	assert_memory_equal(buf, "new image", 9);
	/* the lock moved: the old file is free once closed, the new held */
	assert_int_equal(open_img(&other, t->path, false, &err), -EBUSY);
	blk_image_close(&old);
	assert_false(fd_open(fd));
	assert_int_equal(open_img(&other, t->path, false, &err), 0);
	blk_image_close(&other);
	assert_int_equal(open_img(&other, path, true, &err), -EBUSY);

	/* the same file grown: its new size, the fd and its lock kept */
	fd = t->b->im.fd;
	gen = cfg_generation(t);
	assert_int_equal(truncate(path, 3 * SECTORS * 512), 0);
	assert_int_equal(virtio_blk_change(t->b, path, &old, &err), 0);
	assert_int_equal(t->b->im.fd, fd);
	assert_int_not_equal(old.fd, fd);
	blk_image_close(&old);
	assert_true(fd_open(fd));
	assert_int_equal(capacity(t), 3 * SECTORS);
	assert_int_not_equal(cfg_generation(t), gen);
	assert_int_equal(eventfd_take(v->vec[1].fd), 1);
	assert_int_equal(open_img(&other, path, true, &err), -EBUSY);
	free_t(t);
	unlink(path);
	rmdir(dir);
}

/*
 * A read-only disk stays one (Firecracker keeps is_read_only); without
 * MSI-X the change is ISR bit 1 on INTx; before DRIVER_OK no interrupt.
 */
static void test_change_image_ro_intx(void **state)
{
	struct vfake_vq q;
	struct t *t = running_t(true, false, &q);
	struct virtio_dev *v = &t->b->vdev;
	char path[] = "/tmp/passvm-blkr-XXXXXX";
	struct blk_image old, other;
	struct pv_error err;

	close(mkstemp(path));
	make_image(path, 4 * 512);
	assert_int_equal(v->isr, 0);
	assert_int_equal(virtio_blk_change(t->b, path, &old, &err), 0);
	blk_image_close(&old);
	assert_true(t->b->im.read_only);
	assert_int_equal(capacity(t), 4);
	assert_int_equal(drv_read(v, VIRTIO_REGS_ISR, 1),
			 VIRTIO_PCI_ISR_CONFIG);
	/* a shared lock: another reader may open it, a writer not */
	assert_int_equal(open_img(&other, path, true, &err), 0);
	blk_image_close(&other);
	assert_int_equal(open_img(&other, path, false, &err), -EBUSY);
	/* reset by the driver: a change then raises nothing */
	drv_write(v, VIRTIO_PCI_COMMON_STATUS, 0, 1);
	assert_int_equal(virtio_blk_change(t->b, t->path, &old, &err), 0);
	blk_image_close(&old);
	assert_int_equal(capacity(t), SECTORS);
	assert_int_equal(v->isr, 0);
	assert_int_equal(v->stats.config_irqs, 1);
	free_t(t);
	unlink(path);
}

/*
 * The VMM's side (vmm/virtio_glue.c): the new image is what a --reboot
 * uses (the host's table), the description names it, the old one is
 * closed; another drive's file (locked) or a device that is not there is
 * refused.
 */
static void test_disk_change_glue(void **state)
{
	struct virtio_devices *vd = calloc(1, sizeof(*vd));
	char dir[] = "/tmp/passvm-blkg-XXXXXX", p[3][64];
	struct virtio_blk_params bp = { .name = "a" };
	struct blk_image other;
	struct virtio_host h;
	struct vfake_env *e = calloc(1, sizeof(*e));
	struct vm_config c;
	struct pv_error err;
	int fd;

	assert_non_null(mkdtemp(dir));
	vm_config_init(&c);
	for (int i = 0; i < 3; i++) {
		snprintf(p[i], sizeof(p[i]), "%s/%d.img", dir, i);
		make_image(p[i], (i + 1) * 4096);
	}
	for (int i = 0; i < 2; i++) {
		snprintf(c.disks[i].id, sizeof(c.disks[i].id), "d%d", i);
		assert_int_equal(vm_config_set_str(&c, &c.disks[i].path, p[i]),
				 0);
	}
	c.nr_disks = 2;
	assert_int_equal(virtio_host_open(&h, &c, &err), 0);
	vfake_env_init(e);
	bp.path = c.disks[0].path;
	bp.image = &h.image[0];
	assert_int_equal(
		virtio_blk_create(&vd->dev[0].u.blk, &bp, &e->env, &err), 0);
	vd->dev[0].kind = VIRTIO_KIND_BLK;
	vd->dev[0].id = c.disks[0].id;
	vd->nr = 1;
	fd = h.image[0].fd;
	/* drive d1's file: locked by it */
	assert_int_equal(virtio_disk_change(vd, &h, &c, 0, p[1], &err), -EBUSY);

	assert_int_equal(virtio_disk_change(vd, &h, &c, 0, dir, &err), -EISDIR);
	assert_int_equal(h.image[0].fd, fd);
	assert_string_equal(c.disks[0].path, p[0]);
	assert_int_equal(virtio_disk_change(vd, &h, &c, 0, p[2], &err), 0);
	assert_false(fd_open(fd));
	assert_int_equal(h.image[0].fd, vd->dev[0].u.blk->im.fd);
	assert_int_equal(h.image[0].sectors, 24);
	assert_string_equal(c.disks[0].path, p[2]);
	assert_int_equal(open_img(&other, p[0], false, &err), 0);
	blk_image_close(&other);
	assert_int_equal(open_img(&other, p[2], true, &err), -EBUSY);
	/* drive d1 has no device in this boot */
	assert_int_equal(virtio_disk_change(vd, &h, &c, 1, p[0], &err),
			 -ENODEV);
	virtio_blk_destroy(vd->dev[0].u.blk); /* the host's image stays */
	assert_true(fd_open(h.image[0].fd));
	virtio_host_close(&h, &c);
	vfake_env_destroy(e);
	free(e);
	vm_config_release(&c);
	free(vd);
	for (int i = 0; i < 3; i++)
		unlink(p[i]);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_read),
		cmocka_unit_test(test_split_header_and_status),
		cmocka_unit_test(test_bad_ranges),
		cmocka_unit_test(test_not_a_request),
		cmocka_unit_test(test_flush_syncs),
		cmocka_unit_test(test_writethrough_without_flush),
		cmocka_unit_test(test_get_id),
		cmocka_unit_test(test_read_only),
		cmocka_unit_test(test_write_zeroes),
		cmocka_unit_test(test_discard_punches),
		cmocka_unit_test(test_image_errors),
		cmocka_unit_test(test_image_rw_on_read_only_file),
		cmocka_unit_test(test_image_lock),
		cmocka_unit_test(test_through_the_queue),
		cmocka_unit_test(test_change_image),
		cmocka_unit_test(test_change_image_ro_intx),
		cmocka_unit_test(test_disk_change_glue),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
