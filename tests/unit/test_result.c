// SPDX-License-Identifier: GPL-2.0
/*
 * How a run ends: the exit-status mapping (vmm/result.c, the project's
 * table), the --timeout state machine (vmm/timeout.c), and the --result
 * file: every end kind parsed back with jansson against the documented
 * keys, and the atomic replace.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "vmm/result.h"
#include "vmm/timeout.h"

#define S(x) ((uint64_t)(x)*1000000000ull)

static void test_exit_status_mapping(void **state)
{
	struct run_end e = { 0 };
	static const struct {
		enum run_end_kind kind;
		int status;
	} table[] = {
		{ RUN_END_POWEROFF, 0 },     { RUN_END_ERROR, 1 },
		{ RUN_END_USAGE, 2 },	     { RUN_END_RESET, 3 },
		{ RUN_END_CRASH, 4 },	     { RUN_END_TIMEOUT, 5 },
		{ RUN_END_BAD_CONFIG, 152 },
	};

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		e.kind = table[i].kind;
		assert_int_equal(run_exit_status(&e), table[i].status);
	}
	e.kind = RUN_END_VERDICT;
	e.verdict = 0;
	assert_int_equal(run_exit_status(&e), 64);
	e.verdict = 1;
	assert_int_equal(run_exit_status(&e), 65);
	e.verdict = 63;
	assert_int_equal(run_exit_status(&e), 127);
	/* Above 63: reported as 63, never into the 128+SIG range. */
	e.verdict = 64;
	assert_int_equal(run_exit_status(&e), 127);
	e.verdict = 255;
	assert_int_equal(run_exit_status(&e), 127);
	e.kind = RUN_END_SIGNAL;
	e.signal = 15;
	assert_int_equal(run_exit_status(&e), 143);
	e.signal = 2;
	assert_int_equal(run_exit_status(&e), 130);
	/* Every kind has a name for the result file. */
	for (int k = 0; k < RUN_END_NR; k++)
		assert_non_null(run_end_names[k]);
}

static void test_timeout_machine(void **state)
{
	struct run_timeout t;
	uint64_t next;

	/* No --timeout: never anything. */
	timeout_start(&t, 0, S(10), S(1));
	assert_int_equal(timeout_poll(&t, S(1000), &next), TIMEOUT_NONE);
	assert_true(next == TIMEOUT_NEVER);
	assert_false(timeout_fired(&t));

	/* 90 s from 2 s, grace 10 s. */
	timeout_start(&t, S(90), S(10), S(2));
	assert_int_equal(timeout_poll(&t, S(2), &next), TIMEOUT_NONE);
	assert_true(next == S(92));
	assert_int_equal(timeout_poll(&t, S(92) - 1, &next), TIMEOUT_NONE);
	assert_false(timeout_fired(&t));
	/* A late poll still asks once, and the grace counts from then. */
	assert_int_equal(timeout_poll(&t, S(93), &next), TIMEOUT_ASK);
	assert_true(timeout_fired(&t));
	assert_true(next == S(103));
	assert_int_equal(timeout_poll(&t, S(95), &next), TIMEOUT_NONE);
	assert_true(next == S(103));
	assert_int_equal(timeout_poll(&t, S(103), &next), TIMEOUT_STOP);
	assert_true(next == TIMEOUT_NEVER);
	assert_int_equal(t.state, TIMEOUT_EXPIRED);
	/* Each action once. */
	assert_int_equal(timeout_poll(&t, S(200), &next), TIMEOUT_NONE);
	assert_true(timeout_fired(&t));

	/* Grace 0: no power button, stop at the deadline. */
	timeout_start(&t, S(1), 0, 0);
	assert_int_equal(timeout_poll(&t, S(1), &next), TIMEOUT_STOP);
	assert_true(timeout_fired(&t));
	assert_true(next == TIMEOUT_NEVER);
}

/*
 * arm64 has no power button: --timeout 5s --timeout-grace 10s stops the
 * guest at 5 s (no grace, none in the result file), an end whose exit
 * status is 5; x86 presses its ACPI button and waits the grace period.
 */
static void test_timeout_arch(void **state)
{
	struct run_end e = { .kind = RUN_END_TIMEOUT };
	struct run_timeout t;
	uint64_t next;

	assert_true(timeout_grace(&arch_guest_arm64, S(10)) == 0);
	timeout_start(&t, S(5), timeout_grace(&arch_guest_arm64, S(10)), 0);
	assert_int_equal(timeout_poll(&t, S(5) - 1, &next), TIMEOUT_NONE);
	assert_int_equal(timeout_poll(&t, S(5), &next), TIMEOUT_STOP);
	assert_true(timeout_fired(&t));
	assert_true(next == TIMEOUT_NEVER);
	assert_int_equal(run_exit_status(&e), 5);

	assert_true(timeout_grace(&arch_guest_x86_64, S(10)) == S(10));
	timeout_start(&t, S(5), timeout_grace(&arch_guest_x86_64, S(10)), 0);
	assert_int_equal(timeout_poll(&t, S(5), &next), TIMEOUT_ASK);
	assert_int_equal(timeout_poll(&t, S(15), &next), TIMEOUT_STOP);
}

/* result_print() of @r, parsed. */
static json_t *print_parse(const struct run_report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	json_error_t je;
	json_t *v;

	assert_non_null(f);
	result_print(f, r);
	fclose(f);
	assert_true(len > 2 && buf[len - 1] == '\n');
	assert_null(memchr(buf, '\n', len - 1)); /* one line */
	v = json_loads(buf, 0, &je);
	if (!v)
		fail_msg("not JSON (%s): %s", je.text, buf);
	free(buf);
	return v;
}

static void fill(struct run_report *r, enum run_end_kind kind)
{
	memset(r, 0, sizeof(*r));
	r->end.kind = kind;
	r->exit_status = run_exit_status(&r->end);
	r->console = "file:/tmp/console.log";
	r->version = "0.1.0 (test)";
}

/*
 * Every end writes the same top-level keys, null where they do not apply:
 * those of a run that has them all (a verdict, a timeout). Which keys
 * those are, README, --help, passvm(1) and the lab say: test_result_docs
 * holds each to the code.
 */
static void check_schema(json_t *v)
{
	struct run_report *r = calloc(1, sizeof(*r));
	const char *key;
	json_t *full, *x;

	assert_non_null(r);
	fill(r, RUN_END_TIMEOUT);
	r->end.has_verdict = r->end.timeout_set = r->end.timed_out = true;
	full = print_parse(r);
	free(r);
	assert_int_equal(json_object_size(v), json_object_size(full));
	json_object_foreach(full, key, x)
	{
		if (!json_object_get(v, key))
			fail_msg("no key %s", key);
	}
	json_decref(full);
	assert_int_equal(json_integer_value(json_object_get(v, "schema")),
			 RESULT_SCHEMA);
}

static void test_result_every_end(void **state)
{
	struct run_report *r = calloc(1, sizeof(*r));
	json_t *v, *x;

	for (int k = 0; k < RUN_END_NR; k++) {
		fill(r, (enum run_end_kind)k);
		if (k == RUN_END_SIGNAL)
			r->end.signal = 15;
		if (k == RUN_END_ERROR)
			strcpy(r->end.message, "cannot open \"x\"\n: no");
		if (k == RUN_END_VERDICT) {
			r->end.has_verdict = true;
			r->end.verdict = 200;
			r->end.channel = VERDICT_SERIAL;
		}
		r->exit_status = run_exit_status(&r->end);
		v = print_parse(r);
		check_schema(v);
		assert_string_equal(
			json_string_value(json_object_get(v, "end")),
			run_end_names[k]);
		assert_int_equal(
			json_integer_value(json_object_get(v, "exit_status")),
			r->exit_status);
		assert_string_equal(
			json_string_value(json_object_get(v, "console")),
			"file:/tmp/console.log");
		x = json_object_get(v, "signal");
		if (k == RUN_END_SIGNAL)
			assert_int_equal(json_integer_value(x), 15);
		else
			assert_true(json_is_null(x));
		x = json_object_get(v, "message");
		if (k == RUN_END_ERROR)
			assert_string_equal(json_string_value(x),
					    "cannot open \"x\"\n: no");
		else
			assert_true(json_is_null(x));
		x = json_object_get(v, "verdict");
		if (k == RUN_END_VERDICT) {
			/* The raw value, not the capped exit status. */
			assert_int_equal(
				json_integer_value(json_object_get(x, "value")),
				200);
			assert_string_equal(json_string_value(json_object_get(
						    x, "channel")),
					    "serial");
			assert_int_equal(r->exit_status, 127);
		} else {
			assert_true(json_is_null(x));
		}
		assert_true(json_is_null(json_object_get(v, "timeout")));
		json_decref(v);
	}
	free(r);
}

static void test_result_timeout_and_devices(void **state)
{
	struct run_report *r = calloc(1, sizeof(*r));
	json_t *v, *t, *d;

	fill(r, RUN_END_TIMEOUT);
	r->end.timeout_set = r->end.timed_out = true;
	r->end.timeout_ns = S(90);
	r->end.grace_ns = S(10);
	r->end.guest_end = RUN_END_POWEROFF;
	r->guest_started = true;
	r->stats.first_entry_ns = 41200000;
	r->stats.exit_ns = S(3);
	r->stats.nr_vfio = 1;
	strcpy(r->stats.vfio[0].bdf, "0000:00:03.0");
	r->stats.vfio[0].s.bar_reads = 12;
	r->stats.vfio[0].managed = true;
	r->stats.vfio[0].reset = STATS_OK;
	r->stats.vfio[0].restored = STATS_FAILED;
	strcpy(r->stats.vfio[0].driver, "vfio-pci");
	r->stats.verdict_ignored[VERDICT_PORT] = 3;
	v = print_parse(r);
	check_schema(v);
	assert_int_equal(json_integer_value(json_object_get(v, "exit_status")),
			 5);
	t = json_object_get(v, "timeout");
	assert_true(json_is_object(t));
	assert_true(json_real_value(json_object_get(t, "after_s")) == 90.0);
	assert_true(json_real_value(json_object_get(t, "grace_s")) == 10.0);
	assert_true(json_is_true(json_object_get(t, "fired")));
	assert_string_equal(json_string_value(json_object_get(t, "guest_end")),
			    "power-off");
	assert_true(json_is_true(json_object_get(v, "guest_started")));
	assert_true(json_real_value(json_object_get(
			    v, "launch_to_first_instruction_ms")) == 41.2);
	d = json_array_get(json_object_get(v, "vfio"), 0);
	assert_string_equal(json_string_value(json_object_get(d, "bdf")),
			    "0000:00:03.0");
	assert_int_equal(
		json_integer_value(json_object_get(d, "trapped_bar_reads")),
		12);
	assert_true(json_is_true(json_object_get(d, "managed")));
	assert_true(json_is_true(json_object_get(d, "reset_ok")));
	assert_true(json_is_false(json_object_get(d, "host_driver_restored")));
	assert_string_equal(
		json_string_value(json_object_get(d, "driver_at_exit")),
		"vfio-pci");
	assert_int_equal(
		json_integer_value(json_object_get(
			json_object_get(v, "verdict_writes_ignored"), "port")),
		3);
	json_decref(v);

	/* Not reached: reset and restore are null, not false. */
	r->stats.vfio[0].reset = STATS_NA;
	r->stats.vfio[0].restored = STATS_NA;
	r->stats.vfio[0].driver[0] = '\0';
	v = print_parse(r);
	d = json_array_get(json_object_get(v, "vfio"), 0);
	assert_true(json_is_null(json_object_get(d, "reset_ok")));
	assert_true(json_is_null(json_object_get(d, "host_driver_restored")));
	assert_true(json_is_null(json_object_get(d, "driver_at_exit")));
	json_decref(v);
	free(r);
}

/* Files in @dir other than . and .. */
static int count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static json_t *load(const char *path)
{
	json_error_t je;
	json_t *v = json_load_file(path, 0, &je);

	if (!v)
		fail_msg("%s: %s", path, je.text);
	return v;
}

static void test_result_atomic_replace(void **state)
{
	char dir[] = "/tmp/passvm-result-XXXXXX";
	char path[128], sub[160];
	struct run_report *r = calloc(1, sizeof(*r));
	struct pv_error err;
	struct stat st;
	json_t *v;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/result.json", dir);
	fill(r, RUN_END_POWEROFF);
	assert_int_equal(result_write(path, r, &err), 0);
	v = load(path);
	assert_string_equal(json_string_value(json_object_get(v, "end")),
			    "power-off");
	json_decref(v);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	/* A second run replaces it whole; no temporary file is left. */
	fill(r, RUN_END_SIGNAL);
	r->end.signal = 15;
	r->exit_status = 143;
	assert_int_equal(result_write(path, r, &err), 0);
	v = load(path);
	assert_string_equal(json_string_value(json_object_get(v, "end")),
			    "signal");
	json_decref(v);
	assert_int_equal(count_files(dir), 1);
	/* rename(2) replaces the name: an open reader keeps the old file. */
	FILE *old = fopen(path, "r");

	assert_non_null(old);
	fill(r, RUN_END_CRASH);
	assert_int_equal(result_write(path, r, &err), 0);
	v = json_loadf(old, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(v, "end")),
			    "signal");
	json_decref(v);
	fclose(old);
	/* A directory that does not exist: an error naming the path. */
	snprintf(sub, sizeof(sub), "%s/nope/result.json", dir);
	assert_int_equal(result_write(sub, r, &err), -ENOENT);
	assert_non_null(strstr(err.msg, sub));
	/* rename onto a directory fails: the temporary file is removed and
	 * what was there is untouched. */
	snprintf(sub, sizeof(sub), "%s/adir", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	assert_true(result_write(sub, r, &err) < 0);
	assert_non_null(strstr(err.msg, "cannot write"));
	assert_int_equal(count_files(dir), 2); /* result.json, adir */
	v = load(path);
	assert_string_equal(json_string_value(json_object_get(v, "end")),
			    "crash");
	json_decref(v);
	rmdir(sub);
	unlink(path);
	rmdir(dir);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_status_mapping),
		cmocka_unit_test(test_timeout_machine),
		cmocka_unit_test(test_timeout_arch),
		cmocka_unit_test(test_result_every_end),
		cmocka_unit_test(test_result_timeout_and_devices),
		cmocka_unit_test(test_result_atomic_replace),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
