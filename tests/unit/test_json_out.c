// SPDX-License-Identifier: GPL-2.0
/* util/json_out.c: the JSON text it writes (RFC 8259). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>

#include "util/json_out.h"

static char *buf;
static size_t len;
static FILE *f;

static int open_mem(void **state)
{
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	return 0;
}

static int close_mem(void **state)
{
	if (f)
		fclose(f);
	free(buf);
	f = NULL;
	buf = NULL;
	return 0;
}

static const char *text(void)
{
	fflush(f);
	return buf;
}

static void escaped(const char *in, const char *want)
{
	close_mem(NULL);
	open_mem(NULL);
	jout_escape(f, in);
	assert_string_equal(text(), want);
}

static void test_document(void **state)
{
	struct json_out j;

	jout_init(&j, f);
	jout_object_begin(&j, NULL);
	jout_uint(&j, "a", 18446744073709551615ull);
	jout_int(&j, "b", -42);
	jout_fixed(&j, "c", 1.23456, 3);
	jout_fixed(&j, "nan", NAN, 3);
	jout_fixed(&j, "inf", INFINITY, 1);
	jout_bool(&j, "t", true);
	jout_bool(&j, "f", false);
	jout_null(&j, "n");
	jout_string(&j, "s", "x");
	jout_string(&j, "null_string", NULL);
	jout_object_begin(&j, "empty");
	jout_object_end(&j);
	jout_array_begin(&j, "arr");
	jout_uint(&j, NULL, 1);
	jout_object_begin(&j, NULL);
	jout_string(&j, "k", "v");
	jout_object_end(&j);
	jout_array_begin(&j, NULL);
	jout_array_end(&j);
	jout_array_end(&j);
	jout_object_end(&j);
	assert_string_equal(
		text(),
		"{\"a\":18446744073709551615,\"b\":-42,\"c\":1.235,"
		"\"nan\":null,\"inf\":null,\"t\":true,\"f\":false,\"n\":null,"
		"\"s\":\"x\",\"null_string\":null,\"empty\":{},"
		"\"arr\":[1,{\"k\":\"v\"},[]]}");
	assert_int_equal(j.errors, 0);
	assert_int_equal(j.depth, 0);
}

/* RFC 8259 §7: quotation mark, reverse solidus, control characters. */
static void test_escapes(void **state)
{
	escaped("plain", "\"plain\"");
	escaped("", "\"\"");
	escaped("a\"b\\c", "\"a\\\"b\\\\c\"");
	escaped("\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"");
	escaped("\x01\x1f\x7f", "\"\\u0001\\u001f\x7f\"");
	escaped("/", "\"/\"");
	/* UTF-8 passes through. */
	escaped("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",
		"\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
	/* Not UTF-8: a stray continuation, overlong, surrogate, truncated,
	 * above U+10FFFF, 0xff. */
	escaped("\x80", "\"\\ufffd\"");
	escaped("\xc0\xaf", "\"\\ufffd\\ufffd\"");
	escaped("\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"");
	escaped("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");
	escaped("a\xe2\x82", "\"a\\ufffd\\ufffd\"");
	escaped("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	escaped("\xff", "\"\\ufffd\"");
}

static void test_keys_escaped_and_misuse(void **state)
{
	struct json_out j;

	jout_init(&j, f);
	jout_object_begin(&j, NULL);
	jout_uint(&j, "we\"ird\n", 1);
	jout_object_end(&j);
	jout_object_end(&j); /* one too many: counted, nothing written */
	assert_string_equal(text(), "{\"we\\\"ird\\n\":1}");
	assert_int_equal(j.errors, 1);
}

static void test_too_deep(void **state)
{
	struct json_out j;

	jout_init(&j, f);
	for (int i = 0; i < JOUT_MAX_DEPTH + 3; i++)
		jout_array_begin(&j, NULL);
	jout_uint(&j, NULL, 7); /* too deep: dropped */
	for (int i = 0; i < JOUT_MAX_DEPTH + 3; i++)
		jout_array_end(&j);
	assert_true(j.errors > 0);
	assert_int_equal(j.depth, 0);
	/* Whatever was dropped, the brackets still balance. */
	{
		const char *t = text();
		int open = 0, close = 0;

		for (; *t; t++) {
			open += *t == '[';
			close += *t == ']';
		}
		assert_int_equal(open, JOUT_MAX_DEPTH);
		assert_int_equal(close, JOUT_MAX_DEPTH);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, open_mem, close_mem)
		T(test_document),
		T(test_escapes),
		T(test_keys_escaped_and_misuse),
		T(test_too_deep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
