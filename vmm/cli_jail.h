/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `passvm jail`: its options, and what of a `passvm run` description goes
 * into the jail (jail/jail.h does the work).
 */
#ifndef PASSVM_VMM_CLI_JAIL_H
#define PASSVM_VMM_CLI_JAIL_H

#include "jail/jail.h"
#include "util/log.h"
#include "vmm/vm_config.h"

/* The text of `passvm jail --help`. */
extern const char cli_jail_help[];

/*
 * cli_parse_jail() - parse `passvm jail OPTIONS -- run RUN-OPTIONS`
 * (argv[0] is "jail") into @s (jail_spec_init() first) and the run
 * options' position: *@run_argc and *@run_argv (run_argv[0] is "run").
 * Returns 0, 1 when --help was printed, or -EINVAL with what to do in
 * @err.
 */
int cli_parse_jail(int argc, char **argv, struct jail_spec *s, int *run_argc,
		   char ***run_argv, struct pv_error *err);

/*
 * cli_jail_plan() - what the VM @o needs in the jail @s: its files (kernel,
 * initrd, config file, disks; relative ones under @cwd, an absolute path
 * without symlinks resolved, which becomes s->cwd too), the directories of
 * what it creates, /dev/kvm, /dev/null, /dev/urandom, the VFIO nodes and
 * sysfs pieces of each --vfio device (from @sysfs), /dev/net/tun and
 * /dev/vhost-net for network interfaces that passvm opens itself, and
 * RLIMIT_MEMLOCK (guest RAM + JAIL_MEMLOCK_MARGIN when devices may be
 * assigned) unless given; the inherited fds the options name (--kvm-fd,
 * --net fd=N,vhost-fd=M) into s->keep_fds, their nodes left out. Refuses
 * what cannot work in a jail: ,managed devices, --sriov, --daemonize,
 * --net tap=NAME without --netns, --vfio fd=N and --iommu-fd (a VFIO fd
 * is named by /sys/dev/char, which the jail's sysfs lacks). Returns 0 or
 * -errno with @err.
 */
int cli_jail_plan(struct jail_spec *s, const struct vm_config *o,
		  const char *sysfs, const char *cwd, struct pv_error *err);

/* cli_jail() - the command; argv[0] is "jail". Returns the exit status. */
int cli_jail(int argc, char **argv);

#endif
