/* SPDX-License-Identifier: GPL-2.0 */
/* Command-line parsing for `passvm run` (kept apart from main() for tests). */
#ifndef PASSVM_VMM_CLI_H
#define PASSVM_VMM_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "util/log.h"

#define CLI_MAX_VFIO 16
#define CLI_MIN_MEM (16ull << 20)
#define CLI_MAX_MEM (1ull << 40)
#define CLI_MAX_CPUS 254 /* xAPIC IDs 0..254; 0xff is broadcast */

struct vfio_opt {
	char bdf[32];
	bool managed; /* bind to vfio-pci at start, restore at exit */
};

struct run_opts {
	const char *kernel;
	const char *initrd; /* NULL: none */
	const char *cmdline; /* NULL: "console=ttyS0" default applied later */
	uint64_t mem; /* bytes */
	unsigned int cpus;
	struct vfio_opt vfio[CLI_MAX_VFIO];
	unsigned int nr_vfio;
	bool stats;
	bool stats_json; /* --stats=json: one JSON object instead of lines */
	unsigned int trace; /* enum trace_cat mask */
	bool hugepages;
	bool reboot; /* restart the guest on reset instead of exiting */
};

/*
 * cli_parse_run() - parse `passvm run` options (argv[0] is "run").
 * Returns 0, 1 when --help was printed, or -EINVAL for a usage error
 * (message in @err, ending with what to do).
 */
int cli_parse_run(int argc, char **argv, struct run_opts *o,
		  struct pv_error *err);

/* The text of `passvm run --help`. */
extern const char cli_run_help[];

#endif
