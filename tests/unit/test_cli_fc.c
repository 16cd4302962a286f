// SPDX-License-Identifier: GPL-2.0
/*
 * Firecracker's own command-line flags (vmm/cli_ctl.c), for launchers that
 * run passvm in the firecracker binary's place: the logger's and the
 * metrics' flags into the same vm_config fields as PUT /logger and PUT
 * /metrics, --level's names and its exit 152, the jailer's argv (its
 * start times checked), the flags refused with what to use instead; through the real binary, the log lines a bad run
 * writes to --log-path.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "api/router.h"
#include "arch/arch.h"
#include "run_passvm.h"
#include "vmm/cli.h"
#include "vmm/cli_ctl.h"

/* `passvm` (as `passvm --api-sock ...` is parsed) and @ap into @o. */
static int parse(struct vm_config *o, struct pv_error *e, ...)
{
	char *argv[32];
	va_list ap;
	int argc;

	va_start(ap, e);
	argc = vargv(argv, 32, "passvm", ap);
	va_end(ap);
	memset(e, 0, sizeof(*e));
	return cli_parse_run(argc, argv, o, e);
}

static void test_logger_and_metrics_flags(void **state)
{
	struct vm_config o;
	struct pv_error e;

	assert_int_equal(parse(&o, &e, "--api-sock", "/tmp/s", "--log-path",
			       "/tmp/fc.log", "--level", "debug",
			       "--show-level", "--show-log-origin",
			       "--metrics-path", "/tmp/fc.metrics", NULL),
			 0);
	assert_true(o.logger.set);
	assert_string_equal(o.logger.log_path, "/tmp/fc.log");
	assert_string_equal(o.logger.level, "Debug"); /* PUT /logger's */
	assert_true(o.logger.show_level);
	assert_true(o.logger.show_log_origin);
	assert_true(o.metrics.set);
	assert_string_equal(o.metrics.path, "/tmp/fc.metrics");
	assert_false(o.metrics.emit_id);

	/* Without them: nothing set, so the API may set them. */
	assert_int_equal(parse(&o, &e, "--api-sock", "/tmp/s", NULL), 0);
	assert_false(o.logger.set);
	assert_false(o.logger.show_level);
	assert_false(o.metrics.set);
	/* A flag alone sets the logger (Firecracker's LOGGER.update). */
	assert_int_equal(
		parse(&o, &e, "--api-sock", "/tmp/s", "--show-level", NULL), 0);
	assert_true(o.logger.set && o.logger.show_level);
	assert_null(o.logger.log_path);
	assert_false(o.logger.show_log_origin);
}

static void test_level_names(void **state)
{
	static const char *const in[][2] = {
		{ "Error", "Error" },  { "WARNING", "Warning" },
		{ "warn", "Warning" }, { "info", "Info" },
		{ "DeBuG", "Debug" },  { "trace", "Trace" },
		{ "OFF", "Off" },
	};
	static const char *const bad[] = { "Loud", "", "Warnings", "Inf", "0" };
	struct vm_config o;
	struct pv_error e;

	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		assert_int_equal(parse(&o, &e, "--api-sock", "/tmp/s",
				       "--level", in[i][0], NULL),
				 0);
		assert_string_equal(o.logger.level, in[i][1]);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(&o, &e, "--api-sock", "/tmp/s",
				       "--level", bad[i], NULL),
				 CLI_CTL_BAD_LEVEL);
		assert_non_null(strstr(e.msg, "--level '"));
		assert_non_null(strstr(e.msg, "give Error, Warning, Info"));
	}
	/* The equals form too. */
	assert_int_equal(parse(&o, &e, "--level=Loud", NULL),
			 CLI_CTL_BAD_LEVEL);
	assert_int_equal(
		parse(&o, &e, "--api-sock=/tmp/s", "--level=Trace", NULL), 0);
	assert_string_equal(o.logger.level, "Trace");
}

/* The jailer's exec of firecracker, as in its env.rs (both forms). */
static void test_jailer_argv(void **state)
{
	char *eq[] = { "passvm",
		       "--id=vm-42",
		       "--start-time-us=123456789",
		       "--start-time-cpu-us=4321",
		       "--parent-cpu-time-us=77",
		       "--api-sock",
		       "/run/firecracker.socket",
		       NULL };
	char *sep[] = { "passvm",
			"--id",
			"a-b-c",
			"--start-time-us",
			"18446744073709551615",
			"--start-time-cpu-us",
			"0",
			"--api-sock",
			"/run/firecracker.socket",
			"--mmds-size-limit",
			"51200",
			NULL };
	struct vm_config o;
	struct pv_error e = { "" };

	assert_int_equal(cli_parse_run(7, eq, &o, &e), 0);
	assert_string_equal(o.id, "vm-42");
	assert_string_equal(o.api_sock, "/run/firecracker.socket");

	assert_int_equal(cli_parse_run(11, sep, &o, &e), 0);
	assert_string_equal(o.id, "a-b-c");
	assert_string_equal(o.api_sock, "/run/firecracker.socket");
}

static void test_jailer_bad_numbers(void **state)
{
	static const char *const opt[] = { "--start-time-us",
					   "--start-time-cpu-us",
					   "--parent-cpu-time-us",
					   "--mmds-size-limit" };
	static const char *const bad[] = { "-1", "12x", "",
					   " 5", "+5",	"18446744073709551616",
					   "1e6" };
	struct vm_config o;
	struct pv_error e;
	char want[64];

	for (size_t i = 0; i < 4; i++)
		for (size_t j = 0; j < sizeof(bad) / sizeof(bad[0]); j++) {
			assert_int_equal(parse(&o, &e, "--api-sock", "/tmp/s",
					       opt[i], bad[j], NULL),
					 -EINVAL);
			snprintf(want, sizeof(want), "%s '%s': give a whole",
				 opt[i], bad[j]);
			assert_non_null(strstr(e.msg, want));
		}
}

/* Refused, each saying what to use instead; a usage error (exit 2). */
static void test_refused(void **state)
{
	static const char *const cases[][3] = {
		{ "--metadata", "/tmp/m.json", "no MMDS" },
		{ "--metadata=/tmp/m.json", NULL, "no MMDS" },
		{ "--seccomp-filter", "f.bpf", "--seccomp on|log|off" },
		{ "--seccomp-filter=f.bpf", NULL, "--seccomp on|log|off" },
		{ "--boot-timer", NULL, "--stats" },
		{ "--module", "api_server", "no log modules" },
		{ "--describe-snapshot", "s", "no snapshots" },
		{ "--snapshot-version", NULL, "no snapshots" },
	};
	struct vm_config o;
	struct pv_error e;
	char name[32];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(parse(&o, &e, "--api-sock", "/tmp/s",
				       cases[i][0], cases[i][1], NULL),
				 -EINVAL);
		snprintf(name, sizeof(name),
			 "%.*s:", (int)strcspn(cases[i][0], "="), cases[i][0]);
		assert_ptr_equal(strstr(e.msg, name), e.msg);
		assert_non_null(strstr(e.msg, cases[i][2]));
	}
	/* Only those names: a longer one is an unknown option. */
	assert_int_equal(
		parse(&o, &e, "--api-sock", "/tmp/s", "--metadatax", NULL),
		-EINVAL);
	assert_non_null(strstr(e.msg, "unknown option '--metadatax'"));
}

/* Metrics are the API thread's: a plain run has none to write. */
static void test_metrics_need_api(void **state)
{
	struct vm_config o;
	struct pv_error e;

	assert_int_equal(parse(&o, &e, "--kernel", "bz", "--metrics-path",
			       "/tmp/m", NULL),
			 -EINVAL);
	assert_non_null(strstr(e.msg, "--api-sock or --config-file"));
	assert_int_equal(parse(&o, &e, "--kernel", "bz", "--log-path", "/tmp/l",
			       "--level", "Warning", NULL),
			 0);
	assert_int_equal(parse(&o, &e, "--config-file", "/tmp/c.json",
			       "--no-api", "--metrics-path", "/tmp/m", NULL),
			 0);
}

/* Run the real binary with @args; its --log-path @path's text in @text. */
static int run_logged(const char *const *args, const char *path, char *text,
		      size_t len, char *err, size_t elen)
{
	static char out[4096];
	FILE *f;
	size_t n;
	int st = run_passvm(args, out, sizeof(out), err, elen);

	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(text, 1, len - 1, f);
	fclose(f);
	text[n] = '\0';
	return st;
}

/* The line of @text holding @tag starts with Firecracker's date and time. */
static void check_fc_line(const char *text, const char *tag)
{
	const char *line = strstr(text, tag);

	assert_non_null(line);
	while (line > text && line[-1] != '\n')
		line--;
	/* 2026-12-01T20:24:40.123456789 */
	assert_int_equal(strspn(line, "0123456789-T:."), 29);
	assert_int_equal(line[10], 'T');
	assert_int_equal(line[29], ' ');
}

/*
 * The real binary: a run that fails writes its error to --log-path in
 * Firecracker's format, with the level for --show-level, the origin for
 * --show-log-origin, the instance id of --id=; a bad --level exits 152
 * before anything is opened.
 */
static void test_binary_log_lines(void **state)
{
	char path[] = "/tmp/passvm-test-fc-log-XXXXXX", text[4096];
	const char *lvl[] = { "passvm",	 "--api-sock", "/tmp/never.sock",
			      "--level", "Loud",       NULL };
	const char *run[] = { "passvm",	      "--id=vm-9",
			      "--kernel",     "/nonexistent/bzImage",
			      "--log-path",   path,
			      "--show-level", NULL };
	static char out[4096], err[4096];
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(run_passvm(lvl, out, sizeof(out), err, sizeof(err)),
			 VM_EXIT_BAD_CONFIG);
	assert_non_null(strstr(err, "--level 'Loud'"));
	assert_int_equal(access("/tmp/never.sock", F_OK), -1);

	assert_int_equal(
		run_logged(run, path, text, sizeof(text), err, sizeof(err)), 1);
	check_fc_line(text, " [vm-9:main:ERROR] ");
	assert_string_equal(err, ""); /* stderr is the log from the start */

	run[6] = "--show-log-origin";
	assert_int_equal(truncate(path, 0), 0);
	assert_int_equal(
		run_logged(run, path, text, sizeof(text), err, sizeof(err)), 1);
	check_fc_line(text, " [vm-9:main:passvm:0x");
	assert_null(strstr(text, "ERROR"));
	unlink(path);
}

/* One help line per flag group, no more. */
static void test_help(void **state)
{
	char *h = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&h, &len);

	cli_run_help_print(f, &arch_guest_x86_64);
	fclose(f);
	assert_non_null(
		strstr(h, "  --log-path FILE --level LEVEL --show-level"));
	assert_non_null(strstr(h, "--metrics-path FILE"));
	assert_non_null(strstr(h, "--parent-cpu-time-us N"));
	assert_non_null(strstr(h, "--mmds-size-limit N"));
	assert_non_null(strstr(h, "152 bad --config-file or\n--level."));
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_logger_and_metrics_flags),
		cmocka_unit_test(test_level_names),
		cmocka_unit_test(test_jailer_argv),
		cmocka_unit_test(test_jailer_bad_numbers),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_metrics_need_api),
		cmocka_unit_test(test_binary_log_lines),
		cmocka_unit_test(test_help),
	};

	log_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
