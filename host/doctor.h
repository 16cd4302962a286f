/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `passvm doctor [BDF...] [--mem SIZE] [--json]`: is this host ready for
 * PCI passthrough, and if not, what exactly fixes it. Read-only: doctor
 * never changes anything on the host. The JSON schema is documented at the
 * top of vfio/doctor.c.
 */
#ifndef PASSVM_HOST_DOCTOR_H
#define PASSVM_HOST_DOCTOR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "host/sysfs.h"

#define DOCTOR_DEFAULT_MEM (256ull << 20)

struct doctor_opts {
	const char *sysfs; /* "/sys" */
	const char *proc; /* "/proc": cmdline, self/status */
	const char *dev; /* "/dev": vfio/vfio, vfio/N */
	const char *acpi_tables; /* "/sys/firmware/acpi/tables": DMAR, IVRS */
	const struct pci_addr *devs; /* devices to check, @ndevs of them */
	int ndevs;
	uint64_t mem_bytes; /* guest RAM to pin, bytes; 0 = default 256 MiB */
	bool json; /* JSON document instead of text lines */
	/*
	 * Tests: when set, use @memlock_bytes (UINT64_MAX = unlimited) as the
	 * RLIMIT_MEMLOCK soft limit instead of getrlimit(2).
	 */
	bool fake_memlock;
	uint64_t memlock_bytes;
};

/* doctor_opts_default() - the real host's paths and the default --mem. */
void doctor_opts_default(struct doctor_opts *o);

/*
 * doctor_run() - run every check and print the report to @out (text: one
 * line per check, "OK", "WARN" or "FAIL", the evidence and the fix; or the
 * JSON document). Returns 0 when nothing FAILed (WARNs allowed), 1 when
 * something did, or a negative errno when the report could not be made
 * (-ENOMEM).
 */
int doctor_run(const struct doctor_opts *o, FILE *out);

/*
 * doctor_json_string() - write @s to @out as a JSON string literal with
 * quotes, escaping '"', '\\' and control characters (RFC 8259 §7).
 */
void doctor_json_string(FILE *out, const char *s);

/*
 * doctor_main() - the `passvm doctor` subcommand; argv[0] is "doctor".
 * Returns the exit status: 0 all needed checks OK, 1 something FAILed, 2
 * usage error.
 */
int doctor_main(int argc, char **argv);

#endif
