// SPDX-License-Identifier: GPL-2.0
/* virtio-blk: the image checks and lock, and requests on a temp file. */
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
