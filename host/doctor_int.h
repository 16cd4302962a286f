/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The inside of `passvm doctor`, shared by host/doctor.c (the report and
 * its output), host/doctor_facts.c (what the checks share),
 * host/doctor_host.c (host checks), host/doctor_dev.c (device checks) and
 * host/doctor_json.c (the JSON document). Not for other users.
 */
#ifndef PASSVM_HOST_DOCTOR_INT_H
#define PASSVM_HOST_DOCTOR_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "host/doctor.h"

enum status { ST_OK, ST_WARN, ST_FAIL };

/*
 * When a fix is to be done, relative to the others: what needs the
 * machine (firmware, the hypervisor) first, then the kernel (install,
 * command line, reboot), modules, access rights, devices, and optional
 * tuning last. The list of fixes is sorted by step, then by first
 * appearance.
 */
enum step {
	STEP_MACHINE,
	STEP_KERNEL,
	STEP_MODULE,
	STEP_ACCESS,
	STEP_DEVICE,
	STEP_TUNING,
};

struct check {
	char id[32];
	char dev[PCI_ADDR_STRLEN]; /* "" for the host */
	enum status st;
	enum step step;
	char evidence[768];
	char fix[512]; /* "" for none */
	int fixno; /* 1-based place in the list of fixes; 0 none */
	/* More members of the JSON object (",\"key\":..."), owned, or NULL. */
	char *json;
};

struct report {
	struct check *c;
	int n, cap;
	bool oom;
};

enum iommu_vendor { V_UNKNOWN, V_INTEL, V_AMD };

/* What the checks share, read once (doctor_gather()). */
struct host_facts {
	enum iommu_vendor vendor; /* from the DMAR / IVRS ACPI table */
	int groups; /* entries of /sys/kernel/iommu_groups */
	char cmdline[4096]; /* /proc/cmdline */
	char release[128]; /* /proc/sys/kernel/osrelease, "" unknown */
	bool kver_known;
	unsigned int kmajor, kminor;
	bool cpu_vmx, cpu_svm; /* /proc/cpuinfo flags */
	bool vm; /* runs under a hypervisor */
	char vm_name[64]; /* "QEMU", "VMware", ... when @vm */
	char vm_why[256]; /* the evidence for @vm */
	bool modules_ok; /* the kernel can load modules */
	char modules_why[256]; /* why not, when !@modules_ok */
	char modules_fix[512]; /* what to do instead of modprobe */
	const char *iommu_fix; /* how to get an IOMMU enabled */
};

/* doctor_add() - append a check; the evidence is a printf format. */
void doctor_add(struct report *r, const char *id, const char *dev,
		enum status st, enum step step, const char *fix,
		const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/*
 * doctor_attach_json() - give the last check added the extra JSON members
 * @json (",\"key\":value...", malloc'd; the report owns it from now on
 * and frees it, also when there is no check to take it).
 */
void doctor_attach_json(struct report *r, char *json);

/* doctor_append() - printf onto the NUL-terminated @buf of @size bytes. */
void doctor_append(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* doctor_exists() - does @path exist (stat)? */
bool doctor_exists(const char *path);

/* doctor_fmt_bytes() - "256 MiB" for 268435456 bytes. */
void doctor_fmt_bytes(char *buf, size_t len, uint64_t bytes);

/* doctor_has_opt() - does @cmdline contain the whole word @opt? */
bool doctor_has_opt(const char *cmdline, const char *opt);

/*
 * doctor_modprobe_fix() - "modprobe @mod" when modules can be loaded,
 * else what to do instead; written to @buf (@len bytes), returned.
 */
const char *doctor_modprobe_fix(const struct host_facts *h, const char *mod,
				char *buf, size_t len);

/* doctor_gather() - fill @h from the host (or the fake tree in @o). */
void doctor_gather(const struct doctor_opts *o, struct host_facts *h);

/* doctor_check_host() - the host checks, in output order. */
void doctor_check_host(const struct doctor_opts *o, const struct host_facts *h,
		       struct report *r);

/*
 * doctor_check_access() - check @id: read/write access to @path (of
 * device @dev, NULL for the host); its absence FAILs when @needed_now,
 * else WARNs (/dev/vfio/N appears when the device is bound).
 */
void doctor_check_access(struct report *r, const struct host_facts *h,
			 const char *id, const char *dev, const char *path,
			 bool needed_now);

/* doctor_check_device() - the checks of one device @a. */
void doctor_check_device(const struct doctor_opts *o,
			 const struct host_facts *h, const struct pci_addr *a,
			 struct report *r);

/*
 * doctor_check_sriov() - check device.sriov of @a when it is an SR-IOV PF
 * (its VFs, their groups and drivers, autoprobe) or a VF (its PF); no
 * check for other devices. Adds the JSON "sriov" object.
 */
void doctor_check_sriov(const struct doctor_opts *o, const struct pci_addr *a,
			struct report *r);

/*
 * doctor_print_json() - the JSON document for @r; @fixes (@nfix of them)
 * are the distinct fixes in the order to do them.
 */
void doctor_print_json(const struct report *r, bool ok,
		       const char *const *fixes, int nfix, FILE *out);

#endif
