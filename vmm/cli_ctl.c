// SPDX-License-Identifier: GPL-2.0
/* Parsing of `passvm run`'s control-plane options (vmm/cli_ctl.h). */
#include "vmm/cli_ctl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/model.h"
#include "util/parse.h"

/* Bounds of --http-api-max-payload-size, bytes. */
#define MAX_BODY_MIN 1024
#define MAX_BODY_MAX (16u << 20)

static int parse_console(const char *arg, struct vm_config *o,
			 struct pv_error *err)
{
	o->console_given = true;
	o->console_path = NULL;
	if (!strcmp(arg, "stdio")) {
		o->console = CONSOLE_STDIO;
		return 0;
	}
	if (!strcmp(arg, "none")) {
		o->console = CONSOLE_NONE;
		return 0;
	}
	if (!strncmp(arg, "file:", 5) && arg[5]) {
		o->console = CONSOLE_FILE;
		o->console_path = arg + 5;
		return 0;
	}
	if (!strncmp(arg, "socket:", 7) && arg[7]) {
		o->console = CONSOLE_SOCKET;
		o->console_path = arg + 7;
		return 0;
	}
	return pv_seterr(
		err, EINVAL,
		"--console '%s': give stdio, none, file:PATH or socket:PATH",
		arg);
}

/* The names of O_CTL_START_US.. (the option table's strings, merged). */
static const char *const jailer_opt[] = { "start-time-us", "start-time-cpu-us",
					  "parent-cpu-time-us",
					  "mmds-size-limit" };

int cli_ctl_opt(int c, const char *arg, struct vm_config *o,
		struct pv_error *err)
{
	enum log_level lv;
	uint64_t v;

	switch (c) {
	case O_CTL_API_SOCK:
		if (!*arg)
			return pv_seterr(err, EINVAL,
					 "--api-sock needs a socket path");
		o->api_sock = arg;
		return 0;
	case O_CTL_CONFIG_FILE:
		o->config_file = arg;
		return 0;
	case O_CTL_NO_API:
		o->no_api = true;
		return 0;
	case O_CTL_ID:
		if (!vm_id_valid(arg, true))
			return pv_seterr(
				err, EINVAL,
				"--id '%s': use 1 to %d letters, digits or '-'",
				arg, VM_ID_MAX);
		strcpy(o->id, arg);
		return 0;
	case O_CTL_CONSOLE:
		return parse_console(arg, o, err);
	case O_CTL_DAEMONIZE:
		o->daemonize = true;
		return 0;
	case O_CTL_PIDFILE:
		o->pidfile = arg;
		return 0;
	case O_CTL_MAX_BODY:
		if (parse_u64(arg, 10, &v) || v < MAX_BODY_MIN ||
		    v > MAX_BODY_MAX)
			return pv_seterr(
				err, EINVAL,
				"--http-api-max-payload-size '%s': give a number of bytes from %u to %u",
				arg, MAX_BODY_MIN, MAX_BODY_MAX);
		o->api_max_body = (unsigned int)v;
		return 0;
	case O_CTL_SECCOMP:
		if (sandbox_parse_mode(arg, &o->seccomp))
			return pv_seterr(
				err, EINVAL,
				"--seccomp '%s': give on (the default), log or off",
				arg);
		return 0;
	case O_CTL_NO_SECCOMP:
		o->seccomp = SANDBOX_OFF;
		return 0;
	case O_CTL_SECCOMP_TEST:
		for (int k = 0; k < SANDBOX_NR; k++)
			if (!strcmp(arg, sandbox_kind_name(k)))
				o->seccomp_test = k;
		if (o->seccomp_test < 0)
			return pv_seterr(
				err, EINVAL,
				"--seccomp-test-forbidden '%s': give a thread kind (main, vcpu, api, console, console-socket, signal)",
				arg);
		return 0;
	case O_CTL_LOG_PATH:
		o->logger.log_path = arg;
		o->logger.set = true;
		return 0;
	case O_CTL_LEVEL:
		/* PUT /logger's names; a bad one exits 152 as Firecracker */
		o->logger.level = model_log_level(arg, &lv);
		if (!o->logger.level)
			return pv_seterr(err, -CLI_CTL_BAD_LEVEL,
					 "--level '%s': " MODEL_LEVELS_HINT,
					 arg);
		o->logger.set = true;
		return 0;
	case O_CTL_SHOW_LEVEL:
		o->logger.show_level = o->logger.set = true;
		return 0;
	case O_CTL_SHOW_ORIGIN:
		o->logger.show_log_origin = o->logger.set = true;
		return 0;
	case O_CTL_METRICS_PATH:
		o->metrics.path = arg;
		o->metrics.set = true;
		return 0;
	case O_CTL_START_US:
	case O_CTL_START_CPU_US:
	case O_CTL_PARENT_CPU_US:
	case O_CTL_MMDS_LIMIT:
		/* the jailer's; checked, unused (passvm's metrics have no
		 * startup times, and it has no MMDS) */
		if (parse_u64(arg, 10, &v))
			return pv_seterr(err, EINVAL,
					 "--%s '%s': give a whole number",
					 jailer_opt[c - O_CTL_START_US], arg);
		return 0;
	}
	return pv_seterr(err, EINVAL, "internal: unknown option %d", c);
}

int cli_ctl_refused(const char *arg, struct pv_error *err)
{
	/* pairs of a name and what passvm has not, then "" */
	static const char refused[] =
		"metadata\0MMDS: give the guest its data on a drive or vsock\0"
		"seccomp-filter\0custom filters: use --seccomp on|log|off\0"
		"boot-timer\0boot timer: --stats times the boot\0"
		"module\0log modules: leave it out\0"
		"describe-snapshot\0snapshots\0"
		"snapshot-version\0snapshots\0";
	size_t len = strcspn(arg, "=");

	if (strncmp(arg, "--", 2))
		return 0;
	for (const char *p = refused; *p;) {
		const char *msg = p + strlen(p) + 1;

		if (!strncmp(arg + 2, p, len - 2) && !p[len - 2])
			return pv_seterr(err, EINVAL, "--%s: passvm has no %s",
					 p, msg);
		p = msg + strlen(msg) + 1;
	}
	return 0;
}

int cli_ctl_check(struct vm_config *o, struct pv_error *err)
{
	if (o->no_api && !o->config_file)
		return pv_seterr(
			err, EINVAL,
			"--no-api needs --config-file FILE: without the API the VM must be described by a file");
	if (o->no_api && o->api_sock)
		return pv_seterr(
			err, EINVAL,
			"--no-api and --api-sock contradict: drop one");
	if (o->daemonize && o->console == CONSOLE_STDIO) {
		if (o->console_given)
			return pv_seterr(
				err, EINVAL,
				"--daemonize sends stdio to /dev/null: use --console file:PATH or socket:PATH");
		o->console = CONSOLE_NONE;
	}
	/* --vfio devices get ids for GET /vm/config and the API. */
	for (unsigned int i = 0; i < o->nr_vfio; i++)
		if (!o->vfio[i].id[0])
			snprintf(o->vfio[i].id, sizeof(o->vfio[i].id), "vfio%u",
				 i);
	if (o->api_sock || o->config_file)
		return 0; /* the VM is described later: checked at start */
	if (o->metrics.set)
		return pv_seterr(
			err, EINVAL,
			"--metrics-path needs --api-sock or --config-file");
	return vm_config_check(o, err);
}
