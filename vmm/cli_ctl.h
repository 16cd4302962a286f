/* SPDX-License-Identifier: GPL-2.0 */
/* `passvm run`'s control-plane options: API socket, config file, console, daemon. */
#ifndef PASSVM_VMM_CLI_CTL_H
#define PASSVM_VMM_CLI_CTL_H

#include <errno.h>

#include "util/log.h"
#include "vmm/vm_config.h"

/* getopt_long() values of these options, above cli.c's own. */
enum {
	O_CTL_FIRST = 512,
	O_CTL_API_SOCK = O_CTL_FIRST,
	O_CTL_CONFIG_FILE,
	O_CTL_NO_API,
	O_CTL_ID,
	O_CTL_CONSOLE,
	O_CTL_DAEMONIZE,
	O_CTL_PIDFILE,
	O_CTL_MAX_BODY,
	O_CTL_SECCOMP,
	O_CTL_NO_SECCOMP,
	O_CTL_SECCOMP_TEST,
	/* Firecracker's logger and metrics flags (its main.rs) */
	O_CTL_LOG_PATH,
	O_CTL_LEVEL,
	O_CTL_SHOW_LEVEL,
	O_CTL_SHOW_ORIGIN,
	O_CTL_METRICS_PATH,
	/* the jailer's, accepted: in cli_ctl.c jailer_opt[]'s order */
	O_CTL_START_US,
	O_CTL_START_CPU_US,
	O_CTL_PARENT_CPU_US,
	O_CTL_MMDS_LIMIT,
};

/* The rows cli_parse_run() adds to its struct option table. */
/* clang-format off */
#define CLI_CTL_OPTIONS \
	{ "api-sock", required_argument, NULL, O_CTL_API_SOCK }, \
	{ "config-file", required_argument, NULL, O_CTL_CONFIG_FILE }, \
	{ "no-api", no_argument, NULL, O_CTL_NO_API }, \
	{ "id", required_argument, NULL, O_CTL_ID }, \
	{ "console", required_argument, NULL, O_CTL_CONSOLE }, \
	{ "daemonize", no_argument, NULL, O_CTL_DAEMONIZE }, \
	{ "pidfile", required_argument, NULL, O_CTL_PIDFILE }, \
	{ "http-api-max-payload-size", required_argument, NULL, O_CTL_MAX_BODY }, \
	{ "seccomp", required_argument, NULL, O_CTL_SECCOMP }, \
	{ "no-seccomp", no_argument, NULL, O_CTL_NO_SECCOMP }, \
	{ "seccomp-test-forbidden", required_argument, NULL, O_CTL_SECCOMP_TEST }, \
	{ "log-path", required_argument, NULL, O_CTL_LOG_PATH }, \
	{ "level", required_argument, NULL, O_CTL_LEVEL }, \
	{ "show-level", no_argument, NULL, O_CTL_SHOW_LEVEL }, \
	{ "show-log-origin", no_argument, NULL, O_CTL_SHOW_ORIGIN }, \
	{ "metrics-path", required_argument, NULL, O_CTL_METRICS_PATH }, \
	{ "start-time-us", required_argument, NULL, O_CTL_START_US }, \
	{ "start-time-cpu-us", required_argument, NULL, O_CTL_START_CPU_US }, \
	{ "parent-cpu-time-us", required_argument, NULL, O_CTL_PARENT_CPU_US }, \
	{ "mmds-size-limit", required_argument, NULL, O_CTL_MMDS_LIMIT }
/* clang-format on */

/* Their part of `passvm run --help`. */
#define CLI_CTL_HELP                                                           \
	"  --api-sock PATH    serve Firecracker's REST API (HTTP/1.1) on a\n"  \
	"                     Unix socket: the VM is described over it and\n"  \
	"                     started by PUT /actions InstanceStart\n"         \
	"  --config-file FILE build and start the VM at once from a\n"         \
	"                     Firecracker-style JSON file (exit 152 if bad)\n" \
	"  --no-api           with --config-file: no API socket\n"             \
	"  --id ID            instance id for GET / (1-64 of A-Z a-z 0-9 -)\n" \
	"  --console stdio|file:PATH|socket:PATH|none\n"                       \
	"                     where COM1 goes (default stdio)\n"               \
	"  --daemonize        detach (fork, setsid, stdio to /dev/null)\n"     \
	"  --pidfile FILE     write passvm's pid there (removed at exit)\n"    \
	"  --http-api-max-payload-size BYTES\n"                                \
	"                     largest API request body (default 51200)\n"      \
	"  --seccomp on|log|off\n"                                             \
	"                     seccomp filters per thread (default on: a\n"     \
	"                     forbidden system call ends passvm with 148;\n"   \
	"                     log: allowed but logged by the kernel)\n"        \
	"  --no-seccomp       the same as --seccomp off (Firecracker's)\n"     \
	"  --log-path FILE --level LEVEL --show-level --show-log-origin\n"     \
	"  --metrics-path FILE  Firecracker's, as PUT /logger, /metrics\n"     \
	"  --start-time-us N --start-time-cpu-us N --parent-cpu-time-us N\n"   \
	"  --mmds-size-limit N  accepted (Firecracker's jailer's), unused\n"

/* Exit status for a bad --config-file or --level (Firecracker's
 * BadConfiguration). */
#define VM_EXIT_BAD_CONFIG 152

/* cli_ctl_opt()'s error for a bad --level: it exits VM_EXIT_BAD_CONFIG. */
#define CLI_CTL_BAD_LEVEL (-EDOM)

/*
 * cli_ctl_opt() - take one of the options above (@c, its getopt value, and
 * @arg) into @o. Returns 0, or -EINVAL (CLI_CTL_BAD_LEVEL for --level)
 * with a message in @err.
 */
int cli_ctl_opt(int c, const char *arg, struct vm_config *o,
		struct pv_error *err);

/*
 * cli_ctl_refused() - is @arg (an unknown option, "--name" or
 * "--name=value") one of Firecracker's flags passvm refuses (--metadata,
 * --seccomp-filter, --boot-timer, --module, --describe-snapshot,
 * --snapshot-version)? Returns -EINVAL with a message in @err saying what
 * to use instead, or 0 for another option.
 */
int cli_ctl_refused(const char *arg, struct pv_error *err);

/*
 * cli_ctl_check() - the checks once all options are read: --no-api needs
 * --config-file; --daemonize sends an unspecified console nowhere; without
 * an API socket or config file there are no metrics and the command line
 * must describe a whole VM (vm_config_check()). Returns 0 or -EINVAL with
 * a message in @err.
 */
int cli_ctl_check(struct vm_config *o, struct pv_error *err);

#endif
