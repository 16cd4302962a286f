/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How a run ended, passvm's exit status for it, and the --result file: one
 * JSON object (its keys are what result_print() writes; README, passvm(1),
 * `passvm run --help` and the lab's ci scenario state them, and
 * tests/unit/test_result_docs.c holds each to the code), written
 * atomically (a temporary file in the same directory, then rename(2)) on
 * every exit path. Its figures are the --stats=json members
 * (stats_json_members(): one writer, one set of figures).
 */
#ifndef PASSVM_VMM_RESULT_H
#define PASSVM_VMM_RESULT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "devices/verdict.h"
#include "util/log.h"
#include "vmm/stats.h"

#define RESULT_SCHEMA 1

enum run_end_kind {
	RUN_END_ERROR, /* passvm failed: exit 1 */
	RUN_END_USAGE, /* bad options: 2 */
	RUN_END_BAD_CONFIG, /* bad --config-file: 152 */
	RUN_END_POWEROFF, /* ACPI S5: 0 */
	RUN_END_RESET, /* guest reset (no --reboot, or a reset loop): 3 */
	RUN_END_CRASH, /* triple fault, KVM internal error: 4 */
	RUN_END_TIMEOUT, /* --timeout: 5, whatever the guest did after */
	RUN_END_VERDICT, /* an enabled verdict channel: 64 + V */
	RUN_END_SIGNAL, /* SIGINT/SIGTERM/SIGHUP, Ctrl-a x: 128 + signal */
	RUN_END_BAD_SYSCALL, /* a forbidden system call (seccomp): 148 */
	RUN_END_NR,
};

/* "error", "usage-error", ..., "signal": the result file's "end". */
extern const char *const run_end_names[RUN_END_NR];

struct run_end {
	enum run_end_kind kind;
	int signal; /* RUN_END_SIGNAL */
	bool has_verdict; /* a verdict was given (whatever the end) */
	unsigned int verdict; /* raw, 0..255 */
	enum verdict_channel channel;
	/* --timeout: set, and what happened once it fired. */
	bool timeout_set, timed_out;
	uint64_t timeout_ns, grace_ns;
	/* After the power button: RUN_END_TIMEOUT when the guest did not
	 * stop by itself within the grace period, else how it stopped. */
	enum run_end_kind guest_end;
	char message[512]; /* "" or what went wrong */
};

/*
 * run_exit_status() - passvm's exit status for @e (the project's table:
 * README "Exit status"): 0 power-off, 1 error, 2 usage, 3 reset, 4 crash,
 * 5 timeout, 64 + V for a verdict V (V above VM_EXIT_VERDICT_MAX gives
 * 64 + VM_EXIT_VERDICT_MAX), 128 + signal, 148 a forbidden system call,
 * 152 bad config. Pure.
 */
int run_exit_status(const struct run_end *e);

/* Everything the result file says. */
struct run_report {
	struct run_end end;
	int exit_status;
	bool guest_started; /* false: the figures are zeros */
	struct vm_stats stats;
	const char *console; /* "stdio", "file:PATH", ... (not owned) */
	const char *version; /* passvm --version's words */
};

/* result_print() - @r as one JSON object on one line, to @f. */
void result_print(FILE *f, const struct run_report *r);

/*
 * result_write() - result_print() into @path atomically: a temporary file
 * "PATH.XXXXXX" beside it, fsync, rename over @path. A reader sees the old
 * file or the whole new one, never a part. Returns 0, or a negative errno
 * with a message in @err (the temporary file is removed then).
 */
int result_write(const char *path, const struct run_report *r,
		 struct pv_error *err);

#endif
