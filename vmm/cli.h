/* SPDX-License-Identifier: GPL-2.0 */
/* Command-line parsing for `passvm run` (kept apart from main() for tests). */
#ifndef PASSVM_VMM_CLI_H
#define PASSVM_VMM_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "util/log.h"

#include "vmm/vm_config.h"

/* `passvm run` fills the VM description (vmm/vm_config.h) directly. */
#define CLI_MAX_VFIO VM_MAX_PASSTHROUGH
#define CLI_MIN_MEM VM_MIN_MEM
#define CLI_MAX_MEM VM_MAX_MEM
#define CLI_MAX_CPUS VM_MAX_CPUS

/*
 * cli_parse_run() - parse `passvm run` options (argv[0] is "run") into @o
 * (initialised here; its strings point into @argv). Returns 0, 1 when
 * --help was printed, or -EINVAL for a usage error (message in @err, ending
 * with what to do; @o->result is then the --result FILE wherever it was
 * given, also after the bad option, so the usage error reaches it).
 */
int cli_parse_run(int argc, char **argv, struct vm_config *o,
		  struct pv_error *err);

/* The text of `passvm run --help`. */
extern const char cli_run_help[];

#endif
