// SPDX-License-Identifier: GPL-2.0
/* The split-virtqueue walker against well-formed and malformed chains. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <linux/virtio_ring.h>

#include "virtio/virtq.h"
#include "virtio_fake.h"
#include "virtq_fuzz.h"

#define Q_BASE (FAKE_RAM_GPA + 0x1000)
#define BUF (FAKE_RAM_GPA + 0x100000) /* buffers from 1 MiB into RAM */
#define TABLE (FAKE_RAM_GPA + 0x80000) /* an indirect table */
#define RAM_END (FAKE_RAM_GPA + FAKE_RAM_SIZE)

struct t {
	struct vfake_guest g;
	struct vfake_vq fq;
	struct virtq q;
	struct virtq_chain c;
};

static struct t *setup_q(uint16_t size, bool event_idx, bool indirect)
{
	struct t *t = calloc(1, sizeof(*t));

	vfake_guest_init(&t->g);
	vfake_vq_init(&t->fq, &t->g, Q_BASE, size);
	t->q.size = size;
	t->q.desc_gpa = t->fq.desc;
	t->q.avail_gpa = t->fq.avail;
	t->q.used_gpa = t->fq.used;
	assert_int_equal(virtq_start(&t->q, &t->g.mem, event_idx, indirect), 0);
	return t;
}

static void done(struct t *t)
{
	vfake_guest_destroy(&t->g);
	free(t);
}

/* Pop, expect -EINVAL and the queue broken with @msg in its reason. */
static void expect_broken(struct t *t, const char *msg)
{
	assert_int_equal(virtq_pop(&t->q, &t->c), -EINVAL);
	assert_true(t->q.broken);
	if (!strstr(t->q.err, msg))
		fail_msg("reason '%s' does not mention '%s'", t->q.err, msg);
	/* A broken queue yields nothing more. */
	assert_int_equal(virtq_pop(&t->q, &t->c), 0);
}

static void test_good_chain(void **state)
{
	struct t *t = setup_q(8, false, false);

	assert_int_equal(virtq_pop(&t->q, &t->c), 0); /* empty */
	vfake_vq_desc(&t->fq, 3, BUF, 16, VRING_DESC_F_NEXT, 5);
	vfake_vq_desc(&t->fq, 5, BUF + 0x1000, 100,
		      VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 0);
	vfake_vq_desc(&t->fq, 0, BUF + 0x2000, 1, VRING_DESC_F_WRITE, 0);
	vfake_vq_post(&t->fq, 3);
	assert_int_equal(virtq_pop(&t->q, &t->c), 1);
	assert_int_equal(t->c.head, 3);
	assert_int_equal(t->c.nout, 1);
	assert_int_equal(t->c.nin, 2);
	assert_int_equal(t->c.out_bytes, 16);
	assert_int_equal(t->c.in_bytes, 101);
	assert_ptr_equal(t->c.iov[0].iov_base, vfake_hva(&t->g, BUF));
	assert_ptr_equal(t->c.iov[2].iov_base, vfake_hva(&t->g, BUF + 0x2000));
	assert_int_equal(virtq_pop(&t->q, &t->c), 0);
	done(t);
}

static void test_head_out_of_range(void **state)
{
	struct t *t = setup_q(8, false, false);

	vfake_vq_post(&t->fq, 8);
	expect_broken(t, "out of range");
	done(t);
}

static void test_next_out_of_range(void **state)
{
	struct t *t = setup_q(8, false, false);

	vfake_vq_desc(&t->fq, 0, BUF, 16, VRING_DESC_F_NEXT, 200);
	vfake_vq_post(&t->fq, 0);
	expect_broken(t, "out of range");
	done(t);
}

static void test_addr_outside_ram(void **state)
{
	struct t *t = setup_q(8, false, false);

	vfake_vq_desc(&t->fq, 0, 0x10, 16, 0, 0); /* below RAM */
	vfake_vq_post(&t->fq, 0);
	expect_broken(t, "not inside guest RAM");
	done(t);
}

static void test_len_past_ram(void **state)
{
	struct t *t = setup_q(8, false, false);

	vfake_vq_desc(&t->fq, 0, RAM_END - 8, 16, VRING_DESC_F_WRITE, 0);
	vfake_vq_post(&t->fq, 0);
	expect_broken(t, "not inside guest RAM");
	done(t);
}

static void test_addr_wraps(void **state)
{
	struct t *t = setup_q(8, false, false);

	vfake_vq_desc(&t->fq, 0, UINT64_MAX - 4, 16, 0, 0);
	vfake_vq_post(&t->fq, 0);
	expect_broken(t, "not inside guest RAM");
	done(t);
}

static void test_points_into_mmio_bar(void **state)
{
	struct t *t = setup_q(8, false, false);

	/* A memslot of a BAR is guest-physical memory, but not RAM. */
	vfake_vq_desc(&t->fq, 0, FAKE_MMIO_GPA, 64, VRING_DESC_F_WRITE, 0);
	vfake_vq_post(&t->fq, 0);
	expect_broken(t, "not inside guest RAM");
	done(t);
}

static void test_loop(void **state)
{
	struct t *t = setup_q(8, false, false);

	vfake_vq_desc(&t->fq, 0, BUF, 16, VRING_DESC_F_NEXT, 1);
	vfake_vq_desc(&t->fq, 1, BUF, 16, VRING_DESC_F_NEXT, 0);
	vfake_vq_post(&t->fq, 0);
	expect_broken(t, "longer than the queue size");
	done(t);
}

static void test_self_loop(void **state)
{
	struct t *t = setup_q(256, false, false);

	vfake_vq_desc(&t->fq, 7, BUF, 0, VRING_DESC_F_NEXT, 7);
	vfake_vq_post(&t->fq, 7);
	expect_broken(t, "longer than the queue size");
	done(t);
}

static void test_chain_as_long_as_queue(void **state)
{
	struct t *t = setup_q(4, false, false);

	for (uint16_t i = 0; i < 4; i++)
		vfake_vq_desc(&t->fq, i, BUF + 64 * i, 64,
			      i < 3 ? VRING_DESC_F_NEXT : 0, i + 1);
	vfake_vq_post(&t->fq, 0);
	assert_int_equal(virtq_pop(&t->q, &t->c), 1);
	assert_int_equal(t->c.nout, 4);
	done(t);
}

static void test_indirect_longer_than_queue(void **state)
{
	struct t *t = setup_q(4, false, true);

	for (uint16_t i = 0; i < 5; i++)
		vfake_desc_at(&t->g, TABLE, i, BUF, 8,
			      i < 4 ? VRING_DESC_F_NEXT : 0, i + 1);
	vfake_vq_desc(&t->fq, 0, TABLE, 5 * 16, VRING_DESC_F_INDIRECT, 0);
	vfake_vq_post(&t->fq, 0);
	expect_broken(t, "longer than the queue size");
	done(t);
}

static void test_indirect_good(void **state)
{
	struct t *t = setup_q(4, false, true);

	vfake_desc_at(&t->g, TABLE, 0, BUF, 16, VRING_DESC_F_NEXT, 2);
	vfake_desc_at(&t->g, TABLE, 2, BUF + 16, 512,
		      VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 1);
	vfake_desc_at(&t->g, TABLE, 1, BUF + 1024, 1, VRING_DESC_F_WRITE, 0);
	/* §2.7.5.3.2: a direct descriptor may come first */
	vfake_vq_desc(&t->fq, 2, BUF + 4096, 8, VRING_DESC_F_NEXT, 3);
	vfake_vq_desc(&t->fq, 3, TABLE, 3 * 16,
		      VRING_DESC_F_INDIRECT | VRING_DESC_F_WRITE, 0);
	vfake_vq_post(&t->fq, 2);
	assert_int_equal(virtq_pop(&t->q, &t->c), 1);
	assert_int_equal(t->c.head, 2);
	assert_int_equal(t->c.nout, 2);
	assert_int_equal(t->c.nin, 2);
	assert_int_equal(t->c.out_bytes, 24);
	assert_int_equal(t->c.in_bytes, 513);
	done(t);
}

static void test_indirect_not_negotiated(void **state)
{
	struct t *t = setup_q(4, false, false);

	vfake_desc_at(&t->g, TABLE, 0, BUF, 16, 0, 0);
	vfake_vq_desc(&t->fq, 0, TABLE, 16, VRING_DESC_F_INDIRECT, 0);
	vfake_vq_post(&t->fq, 0);
	expect_broken(t, "not negotiated");
	done(t);
}

static void test_indirect_nested(void **state)
{
	struct t *t = setup_q(4, false, true);

	vfake_desc_at(&t->g, TABLE, 0, TABLE + 256, 16, VRING_DESC_F_INDIRECT,
		      0);
	vfake_desc_at(&t->g, TABLE + 256, 0, BUF, 16, 0, 0);
	vfake_vq_desc(&t->fq, 0, TABLE, 16, VRING_DESC_F_INDIRECT, 0);
	vfake_vq_post(&t->fq, 0);
	expect_broken(t, "inside one");
	done(t);
}

static void test_indirect_zero_length(void **state)
{
	struct t *t = setup_q(4, false, true);

	vfake_vq_desc(&t->fq, 0, TABLE, 0, VRING_DESC_F_INDIRECT, 0);
	vfake_vq_post(&t->fq, 0);
	expect_broken(t, "indirect table of 0 bytes");
	done(t);
}

static void test_indirect_odd_length(void **state)
{
	struct t *t = setup_q(4, false, true);

	vfake_vq_desc(&t->fq, 0, TABLE, 24, VRING_DESC_F_INDIRECT, 0);
	vfake_vq_post(&t->fq, 0);
	expect_broken(t, "indirect table of 24 bytes");
	done(t);
}

static void test_indirect_with_next(void **state)
{
	struct t *t = setup_q(4, false, true);

	vfake_desc_at(&t->g, TABLE, 0, BUF, 16, 0, 0);
	vfake_vq_desc(&t->fq, 0, TABLE, 16,
		      VRING_DESC_F_INDIRECT | VRING_DESC_F_NEXT, 1);
	vfake_vq_post(&t->fq, 0);
	expect_broken(t, "INDIRECT with NEXT");
	done(t);
}

static void test_indirect_table_outside_ram(void **state)
{
	struct t *t = setup_q(4, false, true);

	vfake_vq_desc(&t->fq, 0, RAM_END - 16, 32, VRING_DESC_F_INDIRECT, 0);
	vfake_vq_post(&t->fq, 0);
	expect_broken(t, "indirect table GPA");
	done(t);
}

static void test_indirect_next_out_of_table(void **state)
{
	struct t *t = setup_q(8, false, true);

	vfake_desc_at(&t->g, TABLE, 0, BUF, 16, VRING_DESC_F_NEXT, 2);
	vfake_vq_desc(&t->fq, 0, TABLE, 2 * 16, VRING_DESC_F_INDIRECT, 0);
	vfake_vq_post(&t->fq, 0);
	expect_broken(t, "in the indirect table");
	done(t);
}

static void test_readable_after_writable(void **state)
{
	struct t *t = setup_q(8, false, false);

	vfake_vq_desc(&t->fq, 0, BUF, 16,
		      VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 1);
	vfake_vq_desc(&t->fq, 1, BUF + 64, 16, 0, 0);
	vfake_vq_post(&t->fq, 0);
	expect_broken(t, "readable descriptor 1 after a writable one");
	done(t);
}

static void test_readable_after_writable_indirect(void **state)
{
	struct t *t = setup_q(8, false, true);

	vfake_vq_desc(&t->fq, 0, BUF, 16,
		      VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 1);
	vfake_vq_desc(&t->fq, 1, TABLE, 16, VRING_DESC_F_INDIRECT, 0);
	vfake_desc_at(&t->g, TABLE, 0, BUF + 64, 16, 0, 0);
	vfake_vq_post(&t->fq, 0);
	expect_broken(t, "after a writable one");
	done(t);
}

static void test_over_4g(void **state)
{
	struct t *t = setup_q(8, false, false);

	vfake_vq_desc(&t->fq, 0, BUF, 16, VRING_DESC_F_NEXT, 1);
	vfake_vq_desc(&t->fq, 1, BUF, UINT32_MAX, 0, 0);
	vfake_vq_post(&t->fq, 0);
	expect_broken(t, "4 GiB");
	done(t);
}

static void test_avail_idx_runaway(void **state)
{
	struct t *t = setup_q(8, false, false);
	uint16_t idx = 9;

	memcpy((uint8_t *)vfake_hva(&t->g, t->fq.avail) + 2, &idx, 2);
	expect_broken(t, "ahead");
	done(t);
}

static void test_zero_length_skipped(void **state)
{
	struct t *t = setup_q(8, false, false);

	/* A zero-length buffer at a bogus address carries no bytes. */
	vfake_vq_desc(&t->fq, 0, 0xdead0000ull, 0, VRING_DESC_F_NEXT, 1);
	vfake_vq_desc(&t->fq, 1, BUF, 4, VRING_DESC_F_WRITE, 0);
	vfake_vq_post(&t->fq, 0);
	assert_int_equal(virtq_pop(&t->q, &t->c), 1);
	assert_int_equal(t->c.nout, 0);
	assert_int_equal(t->c.nin, 1);
	done(t);
}

static void start_fails(uint16_t size, uint64_t desc, uint64_t avail,
			uint64_t used, const char *msg)
{
	struct vfake_guest g;
	struct virtq q = { .size = size,
			   .desc_gpa = desc,
			   .avail_gpa = avail,
			   .used_gpa = used };

	vfake_guest_init(&g);
	assert_int_equal(virtq_start(&q, &g.mem, true, true), -EINVAL);
	assert_false(q.started);
	if (!strstr(q.err, msg))
		fail_msg("'%s' does not mention '%s'", q.err, msg);
	vfake_guest_destroy(&g);
}

static void test_start_checks(void **state)
{
	uint64_t b = Q_BASE;

	start_fails(6, b, b + 0x1000, b + 0x2000, "power of two");
	start_fails(512, b, b + 0x2000, b + 0x3000, "power of two");
	start_fails(0, b, b + 0x1000, b + 0x2000, "power of two");
	start_fails(8, b + 8, b + 0x1000, b + 0x2000, "16-byte aligned");
	start_fails(8, b, b + 0x1001, b + 0x2000, "2-byte aligned");
	start_fails(8, b, b + 0x1000, b + 0x2002, "4-byte aligned");
	start_fails(8, 0x1000, b + 0x1000, b + 0x2000, "descriptor table");
	start_fails(8, b, RAM_END - 8, b + 0x2000, "available ring");
	start_fails(8, b, b + 0x1000, FAKE_MMIO_GPA, "used ring");
}

static void test_push_and_notify(void **state)
{
	struct t *t = setup_q(8, false, false);
	uint32_t id, len;
	uint16_t flags = VRING_AVAIL_F_NO_INTERRUPT;

	vfake_vq_desc(&t->fq, 4, BUF, 64, VRING_DESC_F_WRITE, 0);
	vfake_vq_post(&t->fq, 4);
	assert_int_equal(virtq_pop(&t->q, &t->c), 1);
	virtq_push(&t->q, t->c.head, 17);
	assert_true(vfake_vq_used(&t->fq, &id, &len));
	assert_int_equal(id, 4);
	assert_int_equal(len, 17);
	assert_true(virtq_should_notify(&t->q));
	memcpy(vfake_hva(&t->g, t->fq.avail), &flags, 2);
	assert_false(virtq_should_notify(&t->q));
	done(t);
}

static void test_event_idx(void **state)
{
	struct t *t = setup_q(8, true, false);

	for (uint16_t i = 0; i < 4; i++) {
		vfake_vq_desc(&t->fq, i, BUF, 64, VRING_DESC_F_WRITE, 0);
		vfake_vq_post(&t->fq, i);
	}
	/* The driver wants an interrupt once entry 2 is used. */
	vfake_vq_set_used_event(&t->fq, 2);
	assert_int_equal(virtq_pop(&t->q, &t->c), 1);
	virtq_push(&t->q, t->c.head, 1);
	assert_true(virtq_should_notify(&t->q)); /* the first one always */
	assert_int_equal(virtq_pop(&t->q, &t->c), 1);
	virtq_push(&t->q, t->c.head, 1);
	assert_false(virtq_should_notify(&t->q)); /* used idx 2: not yet */
	assert_int_equal(virtq_pop(&t->q, &t->c), 1);
	virtq_push(&t->q, t->c.head, 1);
	assert_true(virtq_should_notify(&t->q)); /* entry 2 used */
	/* Kicks: the device asks for the next one at its position. */
	assert_true(virtq_kick_enable(&t->q)); /* one still waits */
	assert_int_equal(vfake_vq_avail_event(&t->fq), 3);
	assert_int_equal(virtq_pop(&t->q, &t->c), 1);
	assert_false(virtq_kick_enable(&t->q));
	assert_int_equal(vfake_vq_avail_event(&t->fq), 4);
	done(t);
}

static void test_iov_helpers(void **state)
{
	uint8_t a[3], b[5], out[8] = { 0 };
	struct iovec iov[2] = { { a, 3 }, { b, 5 } }, s[2];
	const uint8_t in[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	assert_int_equal(iov_from_buf(iov, 2, 0, in, 8), 8);
	assert_int_equal(b[0], 4);
	assert_int_equal(iov_to_buf(iov, 2, 2, out, 8), 6);
	assert_int_equal(out[0], 3);
	assert_int_equal(out[5], 8);
	assert_int_equal(iov_slice(iov, 2, 2, 3, s, 2), 2);
	assert_ptr_equal(s[0].iov_base, a + 2);
	assert_int_equal(s[0].iov_len, 1);
	assert_int_equal(s[1].iov_len, 2);
}

/* The fuzz entry point on random and mutated inputs: never a crash. */
static void test_fuzz_entry(void **state)
{
	uint8_t buf[8192];
	unsigned int seed = 12345;
	int chains = 0;

	for (int round = 0; round < 3000; round++) {
		size_t n = (size_t)(rand_r(&seed) % sizeof(buf));

		for (size_t i = 0; i < n; i++)
			buf[i] = (uint8_t)rand_r(&seed);
		/*
		 * Every other input made plausible: descriptors in RAM with
		 * small lengths, small indices in the available ring, so
		 * the walk gets deep before it breaks a rule.
		 */
		if (round % 2 && n > 2) {
			uint16_t qs = (uint16_t)(1u << (buf[0] % 9));
			size_t avail = 2 + 16ull * qs;

			for (size_t d = 2; d + 16 <= n && d < avail; d += 16) {
				memset(buf + d + 3, 0, 5);
				buf[d + 2] = 0x01; /* GPA 0x1xxxx */
				memset(buf + d + 9, 0, 3);
				buf[d + 12] &= 7;
				buf[d + 13] = 0;
				buf[d + 14] %= (uint8_t)(qs < 8 ? qs : 8);
				buf[d + 15] = 0;
			}
			for (size_t k = avail + 3;
			     k < n && k < avail + 4 + 2 * qs; k += 2)
				buf[k] = 0;
			if (avail + 3 < n)
				buf[avail + 2] &= 3; /* avail idx */
		}
		chains += virtq_fuzz_one(buf, n);
	}
	print_message("fuzz: %d chains walked\n", chains);
	/* Some inputs must have made it through a whole chain. */
	assert_true(chains > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_chain),
		cmocka_unit_test(test_head_out_of_range),
		cmocka_unit_test(test_next_out_of_range),
		cmocka_unit_test(test_addr_outside_ram),
		cmocka_unit_test(test_len_past_ram),
		cmocka_unit_test(test_addr_wraps),
		cmocka_unit_test(test_points_into_mmio_bar),
		cmocka_unit_test(test_loop),
		cmocka_unit_test(test_self_loop),
		cmocka_unit_test(test_chain_as_long_as_queue),
		cmocka_unit_test(test_indirect_longer_than_queue),
		cmocka_unit_test(test_indirect_good),
		cmocka_unit_test(test_indirect_not_negotiated),
		cmocka_unit_test(test_indirect_nested),
		cmocka_unit_test(test_indirect_zero_length),
		cmocka_unit_test(test_indirect_odd_length),
		cmocka_unit_test(test_indirect_with_next),
		cmocka_unit_test(test_indirect_table_outside_ram),
		cmocka_unit_test(test_indirect_next_out_of_table),
		cmocka_unit_test(test_readable_after_writable),
		cmocka_unit_test(test_readable_after_writable_indirect),
		cmocka_unit_test(test_over_4g),
		cmocka_unit_test(test_avail_idx_runaway),
		cmocka_unit_test(test_zero_length_skipped),
		cmocka_unit_test(test_start_checks),
		cmocka_unit_test(test_push_and_notify),
		cmocka_unit_test(test_event_idx),
		cmocka_unit_test(test_iov_helpers),
		cmocka_unit_test(test_fuzz_entry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
