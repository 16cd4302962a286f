// SPDX-License-Identifier: GPL-2.0
/* The one size parser (util/parse.c) every front end uses. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "util/parse.h"

static void test_size_suffixes(void **state)
{
	uint64_t b;

	assert_int_equal(parse_size("512K", &b), 0);
	assert_int_equal(b, 512ull << 10);
	assert_int_equal(parse_size("256", &b), 0);
	assert_int_equal(b, 256ull << 20);
	assert_int_equal(parse_size("3g", &b), 0);
	assert_int_equal(b, 3ull << 30);
	assert_int_equal(parse_size("1GiB", &b), 0);
	assert_int_equal(b, 1ull << 30);
	assert_int_equal(parse_size("4096B", &b), 0);
	assert_int_equal(b, 4096);
	assert_int_not_equal(parse_size("", &b), 0);
	assert_int_not_equal(parse_size("-1M", &b), 0);
	assert_int_not_equal(parse_size("12Q", &b), 0);
	assert_int_not_equal(parse_size("M", &b), 0);
	assert_int_not_equal(parse_size("99999999999999999999G", &b), 0);
	assert_int_not_equal(parse_size("17179869184G", &b), 0);
}

static void test_size_forms(void **state)
{
	uint64_t b = 0;

	assert_int_equal(parse_size("256M", &b), 0);
	assert_true(b == 256ull << 20);
	assert_int_equal(parse_size("4g", &b), 0);
	assert_true(b == 4ull << 30);
	assert_int_equal(parse_size("512", &b), 0);
	assert_true(b == 512ull << 20);
	assert_int_equal(parse_size("1024KiB", &b), 0);
	assert_true(b == 1ull << 20);
	assert_int_equal(parse_size("2GB", &b), 0);
	assert_true(b == 2ull << 30);
	b = 7;
	assert_int_equal(parse_size("", &b), -EINVAL);
	assert_int_equal(parse_size("-1G", &b), -EINVAL);
	assert_int_equal(parse_size("1X", &b), -EINVAL);
	assert_int_equal(parse_size("1Gx", &b), -EINVAL);
	assert_int_equal(parse_size("99999999999T", &b), -EINVAL);
	assert_true(b == 7);
}

/* run and doctor once parsed --mem differently: one parser now. */
static void test_bytes_suffix_and_zero(void **state)
{
	uint64_t b = 1;

	assert_int_equal(parse_size("1048576B", &b), 0);
	assert_true(b == 1ull << 20);
	assert_int_equal(parse_size("0", &b), 0);
	assert_true(b == 0);
	assert_int_equal(parse_size("1BiB", &b), -EINVAL);
	assert_int_equal(parse_size("+1M", &b), -EINVAL);
}

static void test_duration(void **state)
{
	uint64_t ns = 0;

	assert_int_equal(parse_duration("90s", &ns), 0);
	assert_true(ns == 90ull * 1000000000ull);
	assert_int_equal(parse_duration("10m", &ns), 0);
	assert_true(ns == 600ull * 1000000000ull);
	assert_int_equal(parse_duration("10min", &ns), 0);
	assert_true(ns == 600ull * 1000000000ull);
	assert_int_equal(parse_duration("1h", &ns), 0);
	assert_true(ns == 3600ull * 1000000000ull);
	assert_int_equal(parse_duration("30", &ns), 0); /* bare: seconds */
	assert_true(ns == 30ull * 1000000000ull);
	assert_int_equal(parse_duration("500ms", &ns), 0);
	assert_true(ns == 500ull * 1000000ull);
	assert_int_equal(parse_duration("1.5s", &ns), 0);
	assert_true(ns == 1500ull * 1000000ull);
	assert_int_equal(parse_duration("0.25m", &ns), 0);
	assert_true(ns == 15ull * 1000000000ull);
	assert_int_equal(parse_duration("0", &ns), 0);
	assert_true(ns == 0);
	assert_int_equal(parse_duration("720h", &ns), 0); /* 30 days */
	assert_int_not_equal(parse_duration("721h", &ns), 0);
	assert_int_not_equal(parse_duration("", &ns), 0);
	assert_int_not_equal(parse_duration("-1s", &ns), 0);
	assert_int_not_equal(parse_duration("s", &ns), 0);
	assert_int_not_equal(parse_duration("10d", &ns), 0);
	assert_int_not_equal(parse_duration("1.s", &ns), 0);
	assert_int_not_equal(parse_duration("1.2345s", &ns), 0);
	assert_int_not_equal(parse_duration("10 s", &ns), 0);
	assert_int_not_equal(parse_duration("99999999999999999999s", &ns), 0);
}

/* Where init's arguments start: the first word that is exactly "--". */
static void test_cmdline_init_args(void **state)
{
	assert_int_equal(cmdline_init_args(""), 0);
	assert_int_equal(cmdline_init_args("console=ttyS0 quiet"), 19);
	assert_int_equal(cmdline_init_args("quiet -- single"), 6);
	assert_int_equal(cmdline_init_args("-- init"), 0);
	assert_int_equal(cmdline_init_args("quiet\t--\tx"), 6);
	assert_int_equal(cmdline_init_args("quiet --"), 6);
	/* "--" inside a word, or "---", is no separator */
	assert_int_equal(cmdline_init_args("a--b --- c"), 10);
	assert_int_equal(cmdline_init_args("x=-- y"), 6);
}

/* sysfs choice attributes: the bracketed word. */
static void test_sysfs_choice(void **state)
{
	char w[16];

	assert_int_equal(
		parse_sysfs_choice("always [madvise] never\n", w, sizeof(w)),
		0);
	assert_string_equal(w, "madvise");
	assert_int_equal(parse_sysfs_choice("[always] madvise never", w, 4),
			 -EINVAL); /* does not fit */
	assert_string_equal(w, "");
	assert_int_equal(
		parse_sysfs_choice("always madvise never", w, sizeof(w)),
		-EINVAL);
	assert_int_equal(parse_sysfs_choice("a [] b", w, sizeof(w)), -EINVAL);
	assert_int_equal(parse_sysfs_choice("a [b", w, sizeof(w)), -EINVAL);
}

/* The words of a /proc or sysfs line, as sscanf's %s read them. */
static void test_words(void **state)
{
	char line[] = "  0x00000000fee00000\t0x00000000feefffff  msi \n";
	char blank[] = " \t\n", four[] = "a b c d", *w[3];

	assert_int_equal(parse_words(line, w, 3), 3);
	assert_string_equal(w[0], "0x00000000fee00000");
	assert_string_equal(w[1], "0x00000000feefffff");
	assert_string_equal(w[2], "msi");
	assert_int_equal(parse_words(blank, w, 3), 0);
	/* Past the third word nothing is read: the third ends at its blank. */
	assert_int_equal(parse_words(four, w, 3), 3);
	assert_string_equal(w[2], "c");
}

static void test_u64(void **state)
{
	uint64_t v = 7;

	assert_int_equal(parse_u64("0x00000000feefffff", 16, &v), 0);
	assert_true(v == 0xfeefffffull);
	assert_int_equal(parse_u64("fee00000", 16, &v), 0);
	assert_true(v == 0xfee00000ull);
	assert_int_equal(parse_u64("16314284", 10, &v), 0);
	assert_true(v == 16314284);
	assert_int_equal(parse_u64("18446744073709551615", 10, &v), 0);
	assert_true(v == UINT64_MAX);
	v = 7;
	assert_int_equal(parse_u64("18446744073709551616", 10, &v), -ERANGE);
	assert_int_equal(parse_u64("", 10, &v), -EINVAL);
	assert_int_equal(parse_u64("-1", 10, &v), -EINVAL);
	assert_int_equal(parse_u64(" 1", 10, &v), -EINVAL);
	assert_int_equal(parse_u64("12kB", 10, &v), -EINVAL);
	assert_int_equal(parse_u64("ff", 10, &v), -EINVAL);
	assert_int_equal(parse_u64("0xg", 16, &v), -EINVAL);
	assert_true(v == 7); /* untouched on error */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_size_suffixes),
		cmocka_unit_test(test_size_forms),
		cmocka_unit_test(test_bytes_suffix_and_zero),
		cmocka_unit_test(test_sysfs_choice),
		cmocka_unit_test(test_cmdline_init_args),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_u64),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
