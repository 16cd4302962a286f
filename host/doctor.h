/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `passvm doctor`: is this host ready for PCI passthrough, and if not, what
 * exactly fixes it, in which order. Read-only: doctor never changes
 * anything on the host. The option parsing is vmm/cli_host.c's; the JSON
 * schema is doctor_json_schema[] (host/doctor_json.c).
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
	const char *proc; /* "/proc": cmdline, cpuinfo, self/status, sys/ */
	const char *dev; /* "/dev": kvm, vfio/vfio, vfio/N */
	const char *acpi_tables; /* "/sys/firmware/acpi/tables": DMAR, IVRS */
	const char *root; /* "": prefix of /lib/modules, /usr/lib/modules */
	const char *sriov_state; /* SR-IOV records, SRIOV_STATE_DIR */
	const struct pci_addr *devs; /* devices to check, @ndevs of them */
	int ndevs; /* repeats are checked once */
	uint64_t mem_bytes; /* guest RAM to pin, bytes; 0 = default 256 MiB */
	bool json; /* JSON document instead of text lines */
	/* Text width for the list of fixes, columns; 0: the terminal's, 80
	 * when @out is not a terminal. */
	unsigned int width;
	/*
	 * Tests: when set, use @memlock_bytes (UINT64_MAX = unlimited) as the
	 * RLIMIT_MEMLOCK soft limit instead of getrlimit(2).
	 */
	bool fake_memlock;
	uint64_t memlock_bytes;
	/*
	 * Tests: the hypervisor's CPUID leaf 0x40000000 vendor string ("" for
	 * none) instead of executing CPUID; NULL in use.
	 */
	const char *hv_vendor;
};

/* doctor_opts_default() - the real host's paths and the default --mem. */
void doctor_opts_default(struct doctor_opts *o);

/*
 * doctor_run() - run every check and print the report to @out. Text: one
 * line per check ("OK", "WARN" or "FAIL", the device, the check id, the
 * evidence, and " -- fix N" when something is to be done), then each
 * distinct fix once, numbered in the order to do them, wrapped to
 * @o->width, then the verdict. Or the JSON document doctor_json_schema[]
 * describes. Returns 0 when nothing FAILed (WARNs allowed), 1 when
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
 * doctor_json_schema - the JSON document's schema as plain text (every
 * key, its type and meaning, every check id): `passvm doctor --help`
 * prints it, and the man page takes it from host/doctor_json.c (the lines
 * between the "doctor-json-schema" markers, one C string literal each,
 * with no quote or backslash inside).
 */
extern const char doctor_json_schema[];

/*
 * kernel_version_parse() - the major and minor numbers of a kernel release
 * string (uname -r, /proc/sys/kernel/osrelease: "6.18.0", "7.2.13",
 * "5.15.0-rc1", "5.4", "6.1.0-18-amd64"). Returns 0, or -EINVAL when it
 * does not start with MAJOR.MINOR.
 */
int kernel_version_parse(const char *release, unsigned int *major,
			 unsigned int *minor);

#endif
