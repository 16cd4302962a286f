// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for util/range.h: overlap, containment and intersection of
 * half-open ranges, including ranges at the top of the 64-bit space where
 * base + size would wrap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "util/range.h"

#define TOP UINT64_MAX

static void test_overlaps(void **state)
{
	assert_true(range_overlaps(0x1000, 0x1000, 0x1fff, 1));
	assert_false(range_overlaps(0x1000, 0x1000, 0x2000, 1));
	assert_false(range_overlaps(0x2000, 1, 0x1000, 0x1000));
	assert_true(range_overlaps(0x1800, 1, 0x1000, 0x1000));
	assert_false(range_overlaps(0x1000, 0, 0x1000, 0x1000));
	assert_false(range_overlaps(0x1000, 0x1000, 0x1000, 0));
	/* Near 2^64: a + alen wraps, the answer must not. */
	assert_true(range_overlaps(TOP, 1, TOP - 15, 16));
	assert_false(range_overlaps(TOP, 1, 0, 0x1000));
	assert_false(range_overlaps(0, 0x1000, TOP - 0xf, 0x20));
	assert_true(range_overlaps(TOP - 0xf, 0x20, TOP - 1, 1));
}

static void test_contains(void **state)
{
	assert_true(range_contains(0x2000, 0x100, 0x2000, 0x100));
	assert_true(range_contains(0x2000, 0x100, 0x20ff, 1));
	assert_false(range_contains(0x2000, 0x100, 0x20ff, 2));
	assert_false(range_contains(0x2000, 0x100, 0x1fff, 1));
	/* The wrap that let an offset into an MSI-X table: off + len = 0. */
	assert_false(range_contains(0x2000, 0x100, TOP, 1));
	assert_false(range_contains(0x2000, 0x100, TOP - 7, 8));
	assert_false(range_contains(0, 0x4000, TOP - 3, 8));
	assert_true(range_contains(TOP - 0xff, 0x100, TOP, 1));
	assert_true(range_contains(0, 0x100, 0x100, 0));
	assert_false(range_contains(0, 0x100, 0x101, 0));
}

static void test_intersect_len(void **state)
{
	assert_int_equal(range_intersect_len(0x1000, 0x1000, 0x1800, 0x1000),
			 0x800);
	assert_int_equal(range_intersect_len(0x1800, 0x1000, 0x1000, 0x1000),
			 0x800);
	assert_int_equal(range_intersect_len(0x1000, 0x3000, 0x2000, 0x10),
			 0x10);
	assert_int_equal(range_intersect_len(0x2000, 0x10, 0x1000, 0x3000),
			 0x10);
	assert_int_equal(range_intersect_len(0x1000, 0x1000, 0x2000, 0x10), 0);
	/* Both reach past 2^64: [TOP - 7, TOP - 0xf + 0x100) in common. */
	assert_int_equal(range_intersect_len(TOP - 0xf, 0x100, TOP - 7, 0x100),
			 0xf8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_overlaps),
		cmocka_unit_test(test_contains),
		cmocka_unit_test(test_intersect_len),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
