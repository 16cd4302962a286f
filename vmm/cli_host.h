/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The front ends of the host administration commands, `passvm doctor`,
 * `passvm bind`, `passvm unbind` and `passvm sriov`: option parsing
 * (getopt) into the option structs of host/doctor.h, host/bind.h and
 * host/sriov.h, beside vmm/cli.c's `passvm run`. Every device list goes
 * through pci_addr_list_add() or pci_addr_parse_arg().
 */
#ifndef PASSVM_VMM_CLI_HOST_H
#define PASSVM_VMM_CLI_HOST_H

#include <stdbool.h>

#include "util/log.h"
#include "host/doctor.h"
#include "host/pci_addr.h"
#include "host/vf_link.h"

/*
 * cli_parse_doctor() - parse `passvm doctor [BDF...] [--mem SIZE] [--json]`
 * (argv[0] is "doctor") into @o (set to doctor_opts_default() first) and
 * @devs (repeats dropped; @o->devs points into it: free it with
 * pci_addr_list_free() after use). Returns 0, 1 when --help was printed to
 * stdout, -EINVAL on a usage error (message in @err, saying what to do) or
 * -ENOMEM.
 */
int cli_parse_doctor(int argc, char **argv, struct doctor_opts *o,
		     struct pci_addr_list *devs, struct pv_error *err);

struct bind_cli {
	struct pci_addr_list devs; /* distinct, in the order given */
	bool group; /* --group: every member of each device's group */
	bool force; /* --force (bind only) */
	bool dry_run; /* --dry-run: print the sysfs writes, make none */
};

/*
 * cli_parse_bind() - parse `passvm bind BDF... [--group] [--force]
 * [--dry-run]` (@bind) or `passvm unbind BDF... [--group] [--dry-run]`
 * into @b (zeroed first; free b->devs after use). Returns as
 * cli_parse_doctor().
 */
int cli_parse_bind(int argc, char **argv, bool bind, struct bind_cli *b,
		   struct pv_error *err);

enum sriov_action { SRIOV_SHOW, SRIOV_NUMVFS, SRIOV_REMOVE, SRIOV_VF };

struct sriov_cli {
	struct pci_addr pf;
	enum sriov_action action;
	unsigned int numvfs; /* --numvfs N */
	bool bind; /* --bind: the new VFs to vfio-pci */
	bool force; /* --force: VFs bound to a host driver may go */
	bool dry_run; /* --dry-run: print the writes, make none */
	struct vf_link_req vf; /* --vf N and its settings */
};

/*
 * cli_parse_sriov() - parse `passvm sriov PF [--numvfs N [--bind] |
 * --remove | --vf N [--mac MAC] [--vlan VID] [--qos Q] [--trust on|off]
 * [--spoofchk on|off]] [--force] [--dry-run]` into @s. Returns as
 * cli_parse_doctor().
 */
int cli_parse_sriov(int argc, char **argv, struct sriov_cli *s,
		    struct pv_error *err);

/*
 * cli_doctor(), cli_bind(), cli_unbind(), cli_sriov() - the subcommands
 * on the real host; argv[0] is the subcommand's name. Return the exit
 * status: 0, 1 on failure (for doctor: something FAILed), 2 on a usage
 * error.
 */
int cli_doctor(int argc, char **argv);
int cli_bind(int argc, char **argv);
int cli_unbind(int argc, char **argv);
int cli_sriov(int argc, char **argv);

/* The text of `passvm doctor --help` before the JSON schema. */
extern const char cli_doctor_help[];

#endif
