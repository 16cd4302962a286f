// SPDX-License-Identifier: GPL-2.0
/* passvm: a minimal KVM VMM for PCI device assignment through VFIO. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "api/router.h"
#include "revision.h"
#include "sandbox/sandbox.h"
#include "util/log.h"
#include "vmm/api_run.h"
#include "vmm/cli.h"
#include "vmm/cli_ctl.h"
#include "vmm/cli_host.h"
#include "vmm/cli_jail.h"
#include "vmm/daemon.h"
#include "vmm/preflight.h"
#include "vmm/term.h"
#include "vmm/vm.h"

static const char usage[] =
	"Usage: passvm COMMAND [options]\n"
	"\n"
	"  run      boot a microVM, optionally with assigned PCI devices\n"
	"  doctor   check that this host can assign devices, and say how to fix it\n"
	"  bind     bind PCI devices to vfio-pci (remembering their driver)\n"
	"  unbind   give PCI devices back to their original driver\n"
	"  jail     run passvm run unprivileged: chroot, namespaces, cgroup,\n"
	"           no capabilities (as Firecracker's jailer)\n"
	"  sriov    make or remove a PF's SR-IOV VFs, set a VF's MAC and VLAN\n"
	"\n"
	"`passvm COMMAND --help` describes each command; `passvm --api-sock\n"
	"PATH ...` (Firecracker's command line) is `passvm run --api-sock ...`.\n"
	"  --help     this text\n"
	"  --version  passvm's version\n";

static void noop(int sig)
{
	(void)sig;
}

static int cmd_run(int argc, char **argv)
{
	char msgs[1024], banner[512];
	struct run_end end = { .kind = RUN_END_ERROR };
	struct pv_error err = { "" };
	struct vm_config o;
	struct sigaction sa;
	sigset_t set;
	struct vm vm;
	int ret;

	ret = cli_parse_run(argc, argv, &o, &err);
	if (ret > 0)
		return 0;
	if (ret < 0) {
		pv_err("%s", err.msg);
		end.kind = ret == CLI_CTL_BAD_LEVEL ? RUN_END_BAD_CONFIG :
						      RUN_END_USAGE;
		snprintf(end.message, sizeof(end.message), "%s", err.msg);
		return run_finish(&o, NULL, false, &end);
	}
	/* --log-path, --level...: first, as Firecracker's main() */
	if (o.logger.set && api_apply_logger(&o, &err)) {
		pv_err("%s", err.msg);
		return run_finish(&o, NULL, false, &end);
	}
	trace_mask = o.trace;
	/* Before any thread: each installs its own filter (sandbox.h). */
	if (sandbox_init(o.seccomp, term_restore, &err)) {
		pv_err("%s", err.msg);
		return VM_EXIT_VMM_ERROR;
	}
	sandbox_set_test(o.seccomp_test);

	/*
	 * SIGUSR1 kicks vCPUs out of KVM_RUN (unblocked only in vCPU
	 * threads); SIGINT/SIGTERM/SIGHUP are taken by a signal thread so the
	 * VM is torn down in order (devices reset, drivers restored).
	 */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = noop;
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	if (o.api_sock || o.config_file)
		return api_run(&o);
	/* Before --daemonize sends stderr away. */
	if (preflight_warnings(&o, "/proc/meminfo", msgs, sizeof(msgs)))
		fputs(msgs, stderr);
	if (daemon_begin(&o, &err) || console_redirect(&o, &err)) {
		pv_err("%s", err.msg);
		return run_finish(&o, NULL, false, &end);
	}
	if (vm_create(&vm, &o, &err)) {
		pv_err("%s", err.msg);
		ret = run_finish(&o, &vm, false, &end);
		daemon_end(&o);
		return ret;
	}
	daemon_ready();
	if (isatty(STDIN_FILENO)) {
		preflight_banner(&o, banner, sizeof(banner));
		fprintf(stderr, "%s\n", banner);
	}
	term_raw();
	vm_run(&vm);
	term_restore();
	ret = run_finish(&o, &vm, true, &vm.end);
	daemon_end(&o);
	return ret;
}

int main(int argc, char **argv)
{
	log_init();
	if (argc < 2) {
		fputs(usage, stderr);
		return VM_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		fputs(usage, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		/* The git revision it was built from, when built in git. */
		if (strcmp(PASSVM_REVISION, PASSVM_VERSION))
			printf("passvm %s (%s)\n", PASSVM_VERSION,
			       PASSVM_REVISION);
		else
			printf("passvm %s\n", PASSVM_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
	/* `firecracker --api-sock PATH --id ID ...` as the SDK runs it */
	if (!strncmp(argv[1], "--", 2) && argv[1][2])
		return cmd_run(argc, argv);
	if (!strcmp(argv[1], "doctor"))
		return cli_doctor(argc - 1, argv + 1);
	if (!strcmp(argv[1], "bind"))
		return cli_bind(argc - 1, argv + 1);
	if (!strcmp(argv[1], "unbind"))
		return cli_unbind(argc - 1, argv + 1);
	if (!strcmp(argv[1], "jail"))
		return cli_jail(argc - 1, argv + 1);
	if (!strcmp(argv[1], "sriov"))
		return cli_sriov(argc - 1, argv + 1);
	pv_err("unknown command '%s': try passvm --help", argv[1]);
	return VM_EXIT_USAGE;
}
