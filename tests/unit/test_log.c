// SPDX-License-Identifier: GPL-2.0
/*
 * util/log.c: the rate limiter of guest-triggered warnings (per call
 * site, RATELIMIT_BURST messages per RATELIMIT_INTERVAL_NS, then the
 * count of those suppressed on the next one) and the last error kept for
 * the --result file.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/log.h"

#define IV RATELIMIT_INTERVAL_NS

static void test_bucket(void **state)
{
	struct pv_ratelimit rl = { 0 };
	unsigned int missed = 99;
	uint64_t t = 1000;

	/* A burst goes out, nothing suppressed before it. */
	for (int i = 0; i < RATELIMIT_BURST; i++) {
		assert_true(pv_ratelimit_allow(&rl, t + (uint64_t)i, &missed));
		assert_int_equal(missed, 0);
	}
	/* Then a flood within the window is held back. */
	for (int i = 0; i < 1000; i++)
		assert_false(pv_ratelimit_allow(&rl, t + IV - 1, &missed));
	/* The next window: one more, saying how many were suppressed. */
	assert_true(pv_ratelimit_allow(&rl, t + IV, &missed));
	assert_int_equal(missed, 1000);
	assert_true(pv_ratelimit_allow(&rl, t + IV + 1, &missed));
	assert_int_equal(missed, 0);
	/* A quiet site is never held back. */
	for (int i = 0; i < 20; i++) {
		assert_true(pv_ratelimit_allow(&rl, t + (uint64_t)(i + 2) * IV,
					       &missed));
		assert_int_equal(missed, 0);
	}
}

/* Through the real helper: stderr to a file, count the lines. */
static void warn_flood(int n)
{
	for (int i = 0; i < n; i++)
		pv_warn_ratelimited("guest did something %d", i);
}

static void test_call_site(void **state)
{
	char path[] = "/tmp/passvm-log-XXXXXX";
	int fd = mkstemp(path), saved = dup(2), lines = 0;
	char buf[8192];
	ssize_t n;

	assert_true(fd >= 0 && saved >= 0);
	fflush(stderr);
	dup2(fd, 2);
	warn_flood(10000);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	assert_true(n > 0);
	buf[n] = '\0';
	for (char *p = buf; (p = strchr(p, '\n')); p++)
		lines++;
	/* Within one window (the loop takes far less than 5 s). */
	assert_int_equal(lines, RATELIMIT_BURST);
	assert_non_null(
		strstr(buf, "passvm: warning: guest did something 0\n"));
	assert_null(strstr(buf, "something 5"));
	/* None of the suppressed ones was reported yet. */
	assert_int_equal(log_ratelimit_unshown(), 10000 - RATELIMIT_BURST);
	pv_ratelimit_reset_all();
	assert_int_equal(log_ratelimit_unshown(), 0);
	close(fd);
	unlink(path);
}

static void test_last_error(void **state)
{
	char buf[64];
	int saved = dup(2), null = open("/dev/null", 1);

	dup2(null, 2);
	pv_err("cannot open %s: %s", "/dev/kvm", "No such file");
	dup2(saved, 2);
	close(saved);
	close(null);
	assert_string_equal(log_last_error(buf, sizeof(buf)),
			    "cannot open /dev/kvm: No such file");
	/* Truncated to the buffer, NUL-terminated. */
	assert_int_equal(strlen(log_last_error(buf, 8)), 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bucket),
		cmocka_unit_test(test_call_site),
		cmocka_unit_test(test_last_error),
	};

	log_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
