// SPDX-License-Identifier: GPL-2.0
/*
 * util/log.c's rate limit for warnings a guest can provoke (issue #9: a
 * guest must not flood the host's log): PV_RATELIMIT_BURST lines per
 * window, a count of what was dropped when the next window opens.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "capture.h"
#include "util/log.h"

#define SEC 1000000000ull

static void test_burst_then_window(void **state)
{
	struct pv_ratelimit rl = { 0 };
	uint64_t sup, t0 = 5 * SEC;

	for (int i = 0; i < PV_RATELIMIT_BURST; i++) {
		assert_true(pv_ratelimit_ok(&rl, t0 + (uint64_t)i, &sup));
		assert_int_equal(sup, 0);
	}
	for (int i = 0; i < 25; i++)
		assert_false(pv_ratelimit_ok(&rl, t0 + SEC, &sup));
	/* Just before the window ends: still dropped. */
	assert_false(pv_ratelimit_ok(&rl, t0 + PV_RATELIMIT_NS - 1, &sup));
	assert_int_equal(sup, 0);
	/* The next window: let through, with the previous window's count. */
	assert_true(pv_ratelimit_ok(&rl, t0 + PV_RATELIMIT_NS, &sup));
	assert_int_equal(sup, 26);
	assert_true(pv_ratelimit_ok(&rl, t0 + PV_RATELIMIT_NS + 1, &sup));
	assert_int_equal(sup, 0);
}

/* A limit never used before lets its first line through at any time. */
static void test_first_use(void **state)
{
	struct pv_ratelimit rl = { 0 };
	uint64_t sup = 99;

	assert_true(pv_ratelimit_ok(&rl, 0, &sup));
	assert_int_equal(sup, 0);
}

static struct pv_ratelimit flood_rl;

static void flood(void)
{
	for (int i = 0; i < 500; i++)
		pv_warn_limited(&flood_rl, "flood %d", i);
}

static void test_warn_limited_prints_burst(void **state)
{
	log_init();
	assert_int_equal(stderr_lines(flood, "warning: flood"),
			 PV_RATELIMIT_BURST);
	assert_int_equal(flood_rl.suppressed, 500 - PV_RATELIMIT_BURST);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_window),
		cmocka_unit_test(test_first_use),
		cmocka_unit_test(test_warn_limited_prints_burst),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
