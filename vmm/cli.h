/* SPDX-License-Identifier: GPL-2.0 */
/* Command-line parsing for `passvm run` (kept apart from main() for tests). */
#ifndef PASSVM_VMM_CLI_H
#define PASSVM_VMM_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "arch/arch.h"
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

/*
 * cli_parse_run_arch() - cli_parse_run() for a guest of architecture @g
 * (cli_parse_run() passes arch_guest, this binary's): --help describes
 * @g, and a --verdict port where @g has no I/O ports is a usage error
 * naming --verdict mmio (the unit tests parse for both architectures).
 */
int cli_parse_run_arch(int argc, char **argv, struct vm_config *o,
		       const struct arch_guest *g, struct pv_error *err);

/*
 * cli_run_help_print() - the text of `passvm run --help` for a guest of
 * architecture @g (its verdict page's GPA and port and what --timeout
 * does, from the layout header: arch/arch.h struct arch_guest) on @out.
 */
void cli_run_help_print(FILE *out, const struct arch_guest *g);

#endif
