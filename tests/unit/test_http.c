// SPDX-License-Identifier: GPL-2.0
/* The API's HTTP/1.1 parser: any split of the input, pipelining, limits, malformed heads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "api/http.h"

static const char put[] = "PUT /machine-config HTTP/1.1\r\n"
			  "Host: localhost\r\n"
			  "Content-Type: application/json\r\n"
			  "Content-Length: 38\r\n"
			  "\r\n"
			  "{\"vcpu_count\": 2, \"mem_size_mib\": 256}";

static void test_whole_request(void **state)
{
	struct http_parser p;
	struct http_request r;

	http_parser_init(&p, 51200);
	http_parser_feed(&p, put, strlen(put));
	assert_int_equal(http_parser_next(&p, &r), HTTP_REQUEST);
	assert_string_equal(r.method, "PUT");
	assert_string_equal(r.path, "/machine-config");
	assert_int_equal(r.body_len, 38);
	assert_memory_equal(r.body, "{\"vcpu_count\": 2", 16);
	assert_true(r.keep_alive);
	http_parser_consume(&p);
	assert_true(http_parser_idle(&p));
	assert_int_equal(http_parser_next(&p, &r), HTTP_NEED_MORE);
	http_parser_free(&p);
}

/* Byte by byte: nothing is reported until the last body byte. */
static void test_byte_by_byte(void **state)
{
	struct http_parser p;
	struct http_request r;
	size_t n = strlen(put);

	http_parser_init(&p, 51200);
	for (size_t i = 0; i < n; i++) {
		http_parser_feed(&p, put + i, 1);
		if (i + 1 < n)
			assert_int_equal(http_parser_next(&p, &r),
					 HTTP_NEED_MORE);
	}
	assert_int_equal(http_parser_next(&p, &r), HTTP_REQUEST);
	assert_int_equal(r.body_len, 38);
	assert_memory_equal(r.body + 37, "}", 1);
	http_parser_free(&p);
}

/* Three requests in one read, the last one cut short, then completed. */
static void test_pipelined(void **state)
{
	const char in[] =
		"GET / HTTP/1.1\r\n\r\n"
		"GET /machine-config HTTP/1.1\r\nConnection: close\r\n\r\n"
		"PUT /vsock HTTP/1.1\r\nContent-Length: 5\r\n\r\nab";
	struct http_parser p;
	struct http_request r;

	http_parser_init(&p, 51200);
	http_parser_feed(&p, in, strlen(in));
	assert_int_equal(http_parser_next(&p, &r), HTTP_REQUEST);
	assert_string_equal(r.path, "/");
	assert_int_equal(r.body_len, 0);
	http_parser_consume(&p);
	assert_int_equal(http_parser_next(&p, &r), HTTP_REQUEST);
	assert_string_equal(r.path, "/machine-config");
	assert_false(r.keep_alive);
	http_parser_consume(&p);
	assert_int_equal(http_parser_next(&p, &r), HTTP_NEED_MORE);
	http_parser_feed(&p, "cde", 3);
	assert_int_equal(http_parser_next(&p, &r), HTTP_REQUEST);
	assert_string_equal(r.path, "/vsock");
	assert_memory_equal(r.body, "abcde", 5);
	http_parser_free(&p);
}

static void expect_bad(const char *in, size_t max_body, const char *needle)
{
	struct http_parser p;
	struct http_request r;

	http_parser_init(&p, max_body);
	http_parser_feed(&p, in, strlen(in));
	assert_int_equal(http_parser_next(&p, &r), HTTP_BAD);
	assert_int_equal(p.error, 400);
	if (!strstr(p.error_msg, needle))
		fail_msg("'%s' lacks '%s'", p.error_msg, needle);
	/* Final: more input does not revive it. */
	http_parser_feed(&p, "GET / HTTP/1.1\r\n\r\n", 18);
	assert_int_equal(http_parser_next(&p, &r), HTTP_BAD);
	http_parser_free(&p);
}

static void test_malformed(void **state)
{
	expect_bad("GET\r\n\r\n", 100, "request line");
	expect_bad("get / HTTP/1.1\r\n\r\n", 100, "method");
	expect_bad("GET / HTTP/2.0\r\n\r\n", 100, "version");
	expect_bad("GET nopath HTTP/1.1\r\n\r\n", 100, "start with '/'");
	expect_bad("GET / HTTP/1.1\r\nNoColon\r\n\r\n", 100, "header");
	expect_bad("GET / HTTP/1.1\r\nBad Name: x\r\n\r\n", 100, "header");
	expect_bad("GET / HTTP/1.1\r\n folded\r\n\r\n", 100, "folding");
	expect_bad("PUT / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 100,
		   "Content-Length");
	expect_bad("PUT / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n", 100,
		   "Content-Length");
	expect_bad("PUT / HTTP/1.1\r\nContent-Length: 2\r\n"
		   "Content-Length: 3\r\n\r\n",
		   100, "conflicting");
	expect_bad("PUT / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 100,
		   "Transfer-Encoding");
	expect_bad("PUT / HTTP/1.1\r\nExpect: 200-ok\r\n\r\n", 100, "Expect");
}

/* A body over the cap is refused from its Content-Length, unread. */
static void test_oversize_body(void **state)
{
	expect_bad("PUT /drives/x HTTP/1.1\r\nContent-Length: 51201\r\n\r\n",
		   51200, "larger than the limit of 51200");
}

/* A head that never ends is cut at HTTP_MAX_HEAD bytes. */
static void test_long_head(void **state)
{
	static char in[HTTP_MAX_HEAD + 64];
	struct http_parser p;
	struct http_request r;

	memset(in, 'a', sizeof(in));
	memcpy(in, "GET / HTTP/1.1\r\nX-Long: ", 24);
	http_parser_init(&p, 100);
	http_parser_feed(&p, in, sizeof(in));
	assert_int_equal(http_parser_next(&p, &r), HTTP_BAD);
	assert_non_null(strstr(p.error_msg, "longer than"));
	http_parser_free(&p);
}

/* A client flooding ahead of the answers is stopped, not buffered. */
static void test_flood(void **state)
{
	static char junk[65536];
	struct http_parser p;
	struct http_request r;

	memset(junk, '\n', sizeof(junk));
	http_parser_init(&p, 1024);
	for (int i = 0; i < 4; i++)
		http_parser_feed(&p, junk, sizeof(junk));
	assert_int_equal(http_parser_next(&p, &r), HTTP_BAD);
	assert_true(p.len <= HTTP_MAX_HEAD + 1024 + HTTP_FEED_SLACK);
	http_parser_free(&p);
}

static void test_expect_continue(void **state)
{
	const char in[] = "PUT /boot-source HTTP/1.1\r\nContent-Length: 4\r\n"
			  "Expect: 100-continue\r\n\r\n";
	struct http_parser p;
	struct http_request r;

	http_parser_init(&p, 100);
	http_parser_feed(&p, in, strlen(in));
	assert_int_equal(http_parser_next(&p, &r), HTTP_NEED_MORE);
	assert_true(http_parser_wants_continue(&p));
	assert_false(http_parser_wants_continue(&p)); /* once */
	http_parser_feed(&p, "{}{}", 4);
	assert_int_equal(http_parser_next(&p, &r), HTTP_REQUEST);
	http_parser_free(&p);
}

static void test_http10_query_absolute(void **state)
{
	const char in[] = "GET http://localhost/vm/config?x=1 HTTP/1.0\n\n";
	struct http_parser p;
	struct http_request r;

	http_parser_init(&p, 100);
	http_parser_feed(&p, in, strlen(in));
	assert_int_equal(http_parser_next(&p, &r), HTTP_REQUEST);
	assert_string_equal(r.path, "/vm/config");
	assert_false(r.keep_alive);
	http_parser_free(&p);
}

static void test_response(void **state)
{
	char buf[512];
	size_t n;

	n = http_format_response(buf, sizeof(buf), 204, NULL, true);
	assert_true(n > 0);
	assert_string_equal(buf, "HTTP/1.1 204 No Content\r\n"
				 "Server: Firecracker API\r\n"
				 "Connection: keep-alive\r\n\r\n");
	n = http_format_response(buf, sizeof(buf), 400,
				 "{\"fault_message\":\"x\"}", false);
	assert_int_equal(n, strlen(buf));
	assert_non_null(strstr(buf, "HTTP/1.1 400 Bad Request\r\n"));
	assert_non_null(strstr(buf, "Content-Type: application/json\r\n"));
	assert_non_null(strstr(buf, "Content-Length: 21\r\n"));
	assert_non_null(strstr(buf, "Connection: close\r\n"));
	assert_int_equal(http_format_response(buf, 16, 200, "{}", true), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_request),
		cmocka_unit_test(test_byte_by_byte),
		cmocka_unit_test(test_pipelined),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_oversize_body),
		cmocka_unit_test(test_long_head),
		cmocka_unit_test(test_flood),
		cmocka_unit_test(test_expect_continue),
		cmocka_unit_test(test_http10_query_absolute),
		cmocka_unit_test(test_response),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
