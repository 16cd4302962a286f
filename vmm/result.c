// SPDX-License-Identifier: GPL-2.0
/* How a run ended and the --result file; the contract is vmm/result.h. */
#include "vmm/result.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/io.h"
#include "sandbox/sandbox.h"
#include "util/json_out.h"
#include "vmm/cli_ctl.h"

const char *const run_end_names[RUN_END_NR] = {
	[RUN_END_ERROR] = "error",
	[RUN_END_USAGE] = "usage-error",
	[RUN_END_BAD_CONFIG] = "bad-config",
	[RUN_END_POWEROFF] = "power-off",
	[RUN_END_RESET] = "reset",
	[RUN_END_CRASH] = "crash",
	[RUN_END_TIMEOUT] = "timeout",
	[RUN_END_VERDICT] = "verdict",
	[RUN_END_SIGNAL] = "signal",
	[RUN_END_BAD_SYSCALL] = "bad-syscall",
};

int run_exit_status(const struct run_end *e)
{
	switch (e->kind) {
	case RUN_END_POWEROFF:
		return VM_EXIT_POWEROFF;
	case RUN_END_USAGE:
		return VM_EXIT_USAGE;
	case RUN_END_BAD_CONFIG:
		return VM_EXIT_BAD_CONFIG;
	case RUN_END_RESET:
		return VM_EXIT_RESET;
	case RUN_END_CRASH:
		return VM_EXIT_CRASH;
	case RUN_END_TIMEOUT:
		return VM_EXIT_TIMEOUT;
	case RUN_END_VERDICT:
		return VM_EXIT_VERDICT_BASE +
		       (e->verdict > VM_EXIT_VERDICT_MAX ? VM_EXIT_VERDICT_MAX :
							   (int)e->verdict);
	case RUN_END_SIGNAL:
		return 128 + e->signal;
	case RUN_END_BAD_SYSCALL:
		return SANDBOX_EXIT_BAD_SYSCALL;
	default:
		return VM_EXIT_VMM_ERROR;
	}
}

static const char *end_name(enum run_end_kind k)
{
	return k < RUN_END_NR ? run_end_names[k] : "error";
}

void result_print(FILE *f, const struct run_report *r)
{
	const struct run_end *e = &r->end;
	struct json_out j;

	jout_init(&j, f);
	jout_object_begin(&j, NULL);
	jout_uint(&j, "schema", RESULT_SCHEMA);
	jout_string(&j, "passvm_version", r->version);
	jout_string(&j, "end", end_name(e->kind));
	jout_int(&j, "exit_status", r->exit_status);
	jout_string(&j, "message", e->message[0] ? e->message : NULL);
	if (e->kind == RUN_END_SIGNAL)
		jout_int(&j, "signal", e->signal);
	else
		jout_null(&j, "signal");
	if (e->has_verdict) {
		jout_object_begin(&j, "verdict");
		jout_uint(&j, "value", e->verdict);
		jout_string(&j, "channel", verdict_channel_names[e->channel]);
		jout_object_end(&j);
	} else {
		jout_null(&j, "verdict");
	}
	if (e->timeout_set) {
		jout_object_begin(&j, "timeout");
		jout_fixed(&j, "after_s", e->timeout_ns / 1e9, 3);
		jout_fixed(&j, "grace_s", e->grace_ns / 1e9, 3);
		jout_bool(&j, "fired", e->timed_out);
		jout_string(&j, "guest_end",
			    e->timed_out ? end_name(e->guest_end) : NULL);
		jout_object_end(&j);
	} else {
		jout_null(&j, "timeout");
	}
	jout_string(&j, "console", r->console);
	jout_bool(&j, "guest_started", r->guest_started);
	stats_json_members(&j, &r->stats);
	jout_object_end(&j);
	fputc('\n', f);
}

int result_write(const char *path, const struct run_report *r,
		 struct pv_error *err)
{
	size_t n = strlen(path);
	char *tmp = malloc(n + 8);
	int fd, e = 0;
	FILE *f;

	if (!tmp)
		return pv_seterr(err, ENOMEM, "--result: out of memory");
	memcpy(tmp, path, n);
	memcpy(tmp + n, ".XXXXXX", 8);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		pv_seterr(err, e, "--result '%s': cannot create %s: %s", path,
			  tmp, strerror(e));
		free(tmp);
		return -e;
	}
	f = fdopen(fd, "w");
	if (!f) {
		e = errno;
		close(fd);
	} else {
		result_print(f, r);
		if (fflush(f) || ferror(f) || fsync(fd))
			e = errno ? errno : EIO;
		if (fclose(f) && !e)
			e = errno;
	}
	/* mkstemp's 0600; a result is for the CI job to read. */
	if (!e && chmod(tmp, 0644))
		e = errno;
	if (!e && rename(tmp, path))
		e = errno;
	if (e) {
		unlink(tmp);
		pv_seterr(err, e, "--result '%s': cannot write it: %s", path,
			  strerror(e));
	}
	free(tmp);
	return e ? -e : 0;
}
