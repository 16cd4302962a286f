// SPDX-License-Identifier: GPL-2.0
/*
 * util/log.c: the last error kept for the --result file (the rate limiter
 * is test_ratelimit.c's).
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
		cmocka_unit_test(test_last_error),
	};

	log_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
