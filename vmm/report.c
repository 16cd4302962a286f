// SPDX-License-Identifier: GPL-2.0
/*
 * The end of every `passvm run`, whatever ended it: the figures are taken
 * while guest RAM is still resident, the VM is torn down (devices reset
 * and given back), the outcomes of that are added, then --stats is
 * printed and the --result file written, from the same figures.
 */
#include "vmm/vm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "revision.h"
#include "sandbox/sandbox.h"

static const char *console_name(const struct vm_config *o, char *buf,
				size_t len)
{
	switch (o->console) {
	case CONSOLE_FILE:
		snprintf(buf, len, "file:%s", o->console_path);
		return buf;
	case CONSOLE_SOCKET:
		snprintf(buf, len, "socket:%s", o->console_path);
		return buf;
	case CONSOLE_NONE:
		return "none";
	default:
		return "stdio";
	}
}

/* passvm --version's words. */
static const char *version(void)
{
	return strcmp(PASSVM_REVISION, PASSVM_VERSION) ? PASSVM_VERSION
		       " (" PASSVM_REVISION ")" :
							 PASSVM_VERSION;
}

/* @r as result_print() writes it, in a malloc'd string (NULL: no memory). */
static char *print_to_string(const struct run_report *r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	result_print(f, r);
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}

void run_arm_trap_result(const struct vm_config *o, struct vm *vm)
{
	static const char mark[] = "@PASSVM-SIGSYS-MESSAGE@";
	struct run_report *r;
	char *text[2] = { NULL, NULL }, *tmp = NULL, console[4200];
	const char *tail[2];
	size_t n;
	int fd = -1;

	if (!o->result || sandbox_mode() != SANDBOX_ON)
		return;
	r = calloc(1, sizeof(*r));
	n = strlen(o->result);
	tmp = malloc(n + 8);
	if (!r || !tmp)
		goto fail;
	r->end.kind = RUN_END_BAD_SYSCALL;
	memcpy(r->end.message, mark, sizeof(mark));
	r->end.timeout_set = o->timeout_ns != 0;
	r->end.timeout_ns = o->timeout_ns;
	r->end.grace_ns = o->timeout_grace_ns;
	r->exit_status = run_exit_status(&r->end);
	r->console = console_name(o, console, sizeof(console));
	r->version = version();
	for (int i = 0; i < 2; i++) {
		char *at;

		r->guest_started = i;
		text[i] = print_to_string(r);
		at = text[i] ? strstr(text[i], mark) : NULL;
		if (!at)
			goto fail;
		*at = '\0';
		tail[i] = at + sizeof(mark) - 1;
	}
	memcpy(tmp, o->result, n);
	memcpy(tmp + n, ".XXXXXX", 8);
	fd = mkostemp(tmp, O_CLOEXEC);
	/* mkstemp's 0600; a result is for the CI job to read. */
	if (fd < 0 || fchmod(fd, 0644))
		goto fail;
	if (sandbox_set_result(fd, tmp, o->result, text[0], tail,
			       &vm->first_entry_ns))
		goto fail;
	fd = -1; /* the sandbox's now */
	goto out;
fail:
	pv_warn("--result '%s': a forbidden system call would leave no result file: %s",
		o->result, strerror(errno ? errno : ENOMEM));
	if (fd >= 0) {
		close(fd);
		unlink(tmp);
	}
out:
	free(text[0]);
	free(text[1]);
	free(tmp);
	free(r);
}

int run_finish(const struct vm_config *o, struct vm *vm, bool built,
	       struct run_end *end)
{
	struct run_report *r = calloc(1, sizeof(*r));
	struct pv_error err = { "" };
	char console[4200];
	int status;

	if (end->kind == RUN_END_ERROR && !end->message[0])
		log_last_error(end->message, sizeof(end->message));
	status = run_exit_status(end);
	if (end->kind == RUN_END_VERDICT && end->verdict > VM_EXIT_VERDICT_MAX)
		pv_warn("the guest's verdict %u is above %d: exit status %d "
			"(the --result file has %u)",
			end->verdict, VM_EXIT_VERDICT_MAX, status,
			end->verdict);
	if (!r) {
		if (built)
			vm_destroy(vm);
		pv_err("out of memory: no --stats or --result");
		return status;
	}
	if (built) {
		vm_stats_snapshot(&r->stats, vm);
		pv_trace(TRACE_KVM, "exit figures taken");
		r->guest_started = vm->first_entry_ns != 0;
		vm_destroy(vm);
		/* Launch to exit: the teardown (device resets) included. */
		r->stats.exit_ns = log_elapsed_ns();
	}
	if (vm)
		vm_stats_outcomes(&r->stats, vm);
	if (o->stats && built)
		stats_print(&r->stats, o->stats_json);
	/* This exit path writes the result: a trap no longer does. */
	sandbox_clear_result();
	if (o->result) {
		r->end = *end;
		r->exit_status = status;
		r->console = console_name(o, console, sizeof(console));
		r->version = version();
		if (result_write(o->result, r, &err))
			pv_err("%s", err.msg);
	}
	free(r);
	return status;
}
