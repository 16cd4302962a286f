// SPDX-License-Identifier: GPL-2.0
/*
 * util/log.c: the last error kept for the --result file, and the lines in
 * passvm's format and in Firecracker's (struct log_format: a logger with a
 * log_path) with and without show_level and show_origin (the rate limiter
 * is test_ratelimit.c's).
 */
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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

/* Run @fn with stderr in a temporary file; its text into @out (@len). */
static void capture(void (*fn)(void), char *out, size_t len)
{
	char path[] = "/tmp/passvm-test-log-XXXXXX";
	int fd = mkstemp(path), saved = dup(2);
	ssize_t n;

	assert_true(fd >= 0);
	unlink(path);
	fflush(stderr);
	dup2(fd, 2);
	fn();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(fd, out, len - 1, 0);
	close(fd);
	assert_true(n >= 0);
	out[n] = '\0';
}

/* Called, not jumped to: the line's origin is then in warn_once. */
__attribute__((optimize("no-optimize-sibling-calls"))) static void
warn_once(void)
{
	pv_warn("vCPU %u: %s", 0, "unhandled MSR");
}

static void three_levels(void)
{
	pv_err("e");
	pv_warn("w");
	pv_info("i");
}

/*
 * One Firecracker line of @text: its date and time are real, and what
 * follows them is "[@tag] @msg" with @tag copied out (@tlen bytes).
 * Returns where the next line starts.
 */
static const char *fc_line(const char *text, char *tag, size_t tlen,
			   const char *msg)
{
	struct tm now, tm = { 0 };
	char nsec[16], rest[256];
	time_t t = time(NULL);
	const char *nl;
	int n = 0;

	assert_int_equal(sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d.%15[0-9] [%n",
				&tm.tm_year, &tm.tm_mon, &tm.tm_mday,
				&tm.tm_hour, &tm.tm_min, &tm.tm_sec, nsec, &n),
			 7);
	assert_int_equal(strlen(nsec), 9); /* nanoseconds, as Firecracker */
	assert_true(n > 0);
	/* UTC: within a minute of gmtime_r()'s now */
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	gmtime_r(&t, &now);
	assert_true(llabs((long long)(timegm(&tm) - t)) < 60);
	nl = strchr(text, '\n');
	assert_non_null(nl);
	snprintf(rest, sizeof(rest), "%.*s", (int)(nl - text - n), text + n);
	assert_non_null(strstr(rest, "] "));
	snprintf(tag, tlen, "%.*s", (int)(strstr(rest, "] ") - rest), rest);
	assert_string_equal(strstr(rest, "] ") + 2, msg);
	return nl + 1;
}

/* passvm's own lines until a logger has a log_path. */
static void test_passvm_format(void **state)
{
	char out[512];

	memset(&log_format, 0, sizeof(log_format));
	capture(warn_once, out, sizeof(out));
	assert_string_equal(out, "passvm: warning: vCPU 0: unhandled MSR\n");
	capture(three_levels, out, sizeof(out));
	assert_string_equal(out, "passvm: e\npassvm: warning: w\npassvm: i\n");
}

/* Firecracker's "TIME [ID:THREAD] msg", then with :LEVEL. */
static void test_fc_format_level(void **state)
{
	char out[1024], tag[128];
	const char *p;

	log_format = (struct log_format){ .id = "vm-1" };
	capture(warn_once, out, sizeof(out));
	p = fc_line(out, tag, sizeof(tag), "vCPU 0: unhandled MSR");
	assert_string_equal(tag, "vm-1:main");
	assert_string_equal(p, "");

	log_format.show_level = true;
	capture(three_levels, out, sizeof(out));
	p = fc_line(out, tag, sizeof(tag), "e");
	assert_string_equal(tag, "vm-1:main:ERROR");
	p = fc_line(p, tag, sizeof(tag), "w");
	assert_string_equal(tag, "vm-1:main:WARN");
	p = fc_line(p, tag, sizeof(tag), "i");
	assert_string_equal(tag, "vm-1:main:INFO");
	assert_string_equal(p, "");
	memset(&log_format, 0, sizeof(log_format));
}

#ifdef __PIE__
extern const char __executable_start[];
#define CODE_OFFSET(f) ((uintptr_t)(f) - (uintptr_t)__executable_start)
#else
#define CODE_OFFSET(f) ((uintptr_t)(f))
#endif

/* :ORIGIN: "passvm:0xADDR", ADDR inside the function that logged. */
static void test_fc_format_origin(void **state)
{
	char out[1024], tag[128];
	unsigned long a;

	log_format = (struct log_format){ .id = "vm-1", .show_origin = true };
	capture(warn_once, out, sizeof(out));
	fc_line(out, tag, sizeof(tag), "vCPU 0: unhandled MSR");
	assert_int_equal(sscanf(tag, "vm-1:main:passvm:%lx", &a), 1);
	assert_true(a >= CODE_OFFSET(warn_once));
	assert_true(a < CODE_OFFSET(warn_once) + 256);

	log_format.show_level = true;
	capture(warn_once, out, sizeof(out));
	fc_line(out, tag, sizeof(tag), "vCPU 0: unhandled MSR");
	assert_int_equal(sscanf(tag, "vm-1:main:WARN:passvm:%lx", &a), 1);
	assert_true(a >= CODE_OFFSET(warn_once));
	memset(&log_format, 0, sizeof(log_format));
}

static char comm[16]; /* the kernel's name of the thread named below */

static void *named(void *arg)
{
	if (arg) {
		log_thread_name(arg);
		pthread_getname_np(pthread_self(), comm, sizeof(comm));
	}
	pv_warn("from a thread");
	return NULL;
}

static void two_threads(void)
{
	pthread_t t;

	pthread_create(&t, NULL, named, "fc_vcpu 3");
	pthread_join(t, NULL);
	pthread_create(&t, NULL, named, NULL);
	pthread_join(t, NULL);
}

/* THREAD: log_thread_name()'s (kept also as the kernel's comm); "-" if none. */
static void test_fc_format_thread(void **state)
{
	char out[1024], tag[128];
	const char *p;

	log_format = (struct log_format){ .id = "anonymous-instance" };
	capture(two_threads, out, sizeof(out));
	p = fc_line(out, tag, sizeof(tag), "from a thread");
	assert_string_equal(tag, "anonymous-instance:fc_vcpu 3");
	assert_string_equal(comm, "fc_vcpu 3");
	fc_line(p, tag, sizeof(tag), "from a thread");
	assert_string_equal(tag, "anonymous-instance:-");
	memset(&log_format, 0, sizeof(log_format));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_last_error),
		cmocka_unit_test(test_passvm_format),
		cmocka_unit_test(test_fc_format_level),
		cmocka_unit_test(test_fc_format_origin),
		cmocka_unit_test(test_fc_format_thread),
	};

	log_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
