// SPDX-License-Identifier: GPL-2.0
/*
 * The end of every `passvm run`, whatever ended it: the figures are taken
 * while guest RAM is still resident, the VM is torn down (devices reset
 * and given back), the outcomes of that are added, then --stats is
 * printed and the --result file written, from the same figures.
 */
#include "vmm/vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "revision.h"

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
	if (o->result) {
		r->end = *end;
		r->exit_status = status;
		r->console = console_name(o, console, sizeof(console));
		r->version = strcmp(PASSVM_REVISION, PASSVM_VERSION) ?
				     PASSVM_VERSION " (" PASSVM_REVISION ")" :
				     PASSVM_VERSION;
		if (result_write(o->result, r, &err))
			pv_err("%s", err.msg);
	}
	free(r);
	return status;
}
