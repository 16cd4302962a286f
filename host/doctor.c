// SPDX-License-Identifier: GPL-2.0
/*
 * `passvm doctor`: read-only checks of the host and of the devices to pass
 * through. Sources: Documentation/ABI/testing/sysfs-bus-pci,
 * sysfs-kernel-iommu_groups, sysfs-class-iommu-intel-iommu,
 * Documentation/driver-api/vfio.rst, the Intel VT-d spec §11.4.3 (ECAP.IR is
 * bit 3), PCI Local Bus 3.0 §6.8.2 (the MSI-X capability), proc(5).
 *
 * JSON output (--json), version 1. One object:
 *
 *   {
 *     "version": 1,            schema version; bumped on incompatible change
 *     "ok": true|false,        false iff some check has status "fail"
 *     "checks": [              in the order the text output prints them
 *       {
 *         "id": "iommu.enabled",       stable check name (list below)
 *         "device": "0000:01:00.0"|null,  the device checked, null = host
 *         "status": "ok"|"warn"|"fail",   warn never makes "ok" false
 *         "evidence": "...",           what was found, human-readable
 *         "fix": "..."|null            the command/change that fixes it
 *       }, ...
 *     ]
 *   }
 *
 * Check ids. Host: iommu.present, iommu.enabled, iommu.cmdline,
 * iommu.irq_remap, module.vfio, module.vfio_iommu_type1, module.vfio_pci,
 * dev.vfio, host.memlock, host.hugepages. Per device: device.present,
 * device.driver, device.group, device.group_viable, device.vfio_dev,
 * device.reset, device.msix. A device that is missing gets only
 * device.present. device.driver is a WARN when the device is not on
 * vfio-pci (`--vfio BDF,managed` or `passvm bind` fixes that at run time);
 * device.msix is informational (always "ok").
 *
 * Strings are UTF-8 with '"', '\\' and control characters escaped.
 */
#include "host/doctor.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/pci_cap.h"
#include "util/log.h"
#include "util/parse.h"
#include "util/range.h"

#define CAP_IPC_LOCK_BIT 14 /* include/uapi/linux/capability.h */
#define ECAP_IR (1ull << 3) /* VT-d extended capability: intr. remapping */
#define PCI_CAP_ID_MSIX 0x11
#define PAGE_4K 4096ull
#define MAX_GROUP 64

enum status { ST_OK, ST_WARN, ST_FAIL };

struct check {
	char id[32];
	char dev[PCI_ADDR_STRLEN];
	enum status st;
	char evidence[768];
	char fix[512];
};

struct report {
	struct check *c;
	int n, cap;
	bool oom;
};

void doctor_opts_default(struct doctor_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->sysfs = "/sys";
	o->proc = "/proc";
	o->dev = "/dev";
	o->acpi_tables = "/sys/firmware/acpi/tables";
	o->mem_bytes = DOCTOR_DEFAULT_MEM;
}

/*
 * Add a check. @fix may be NULL; the evidence is a printf format.
 */
static void add(struct report *r, const char *id, const char *dev,
		enum status st, const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static void add(struct report *r, const char *id, const char *dev,
		enum status st, const char *fix, const char *fmt, ...)
{
	struct check *c;
	va_list ap;

	if (r->n == r->cap) {
		int cap = r->cap ? r->cap * 2 : 32;
		struct check *g = realloc(r->c, (size_t)cap * sizeof(*g));

		if (!g) {
			r->oom = true;
			return;
		}
		r->c = g;
		r->cap = cap;
	}
	c = &r->c[r->n++];
	memset(c, 0, sizeof(*c));
	snprintf(c->id, sizeof(c->id), "%s", id);
	snprintf(c->dev, sizeof(c->dev), "%s", dev ? dev : "");
	c->st = st;
	snprintf(c->fix, sizeof(c->fix), "%s", fix ? fix : "");
	va_start(ap, fmt);
	vsnprintf(c->evidence, sizeof(c->evidence), fmt, ap);
	va_end(ap);
}

/* Append printf output to the NUL-terminated @buf of @size bytes. */
static void append(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void append(char *buf, size_t size, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used + 1 >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, size - used, fmt, ap);
	va_end(ap);
}

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* Count the entries of @path (not "." and ".."); -errno if unreadable. */
static int count_entries(const char *path)
{
	struct dirent *de;
	int n = 0;
	DIR *d = opendir(path);

	if (!d)
		return -errno;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* Does the kernel command line contain the option @opt (whole word)? */
static bool has_opt(const char *cmdline, const char *opt)
{
	size_t len = strlen(opt);
	const char *p = cmdline;

	while ((p = strstr(p, opt))) {
		if ((p == cmdline || isspace((unsigned char)p[-1])) &&
		    (!p[len] || isspace((unsigned char)p[len])))
			return true;
		p += len;
	}
	return false;
}

/* Human-readable byte count, e.g. "256 MiB". */
static void fmt_bytes(char *buf, size_t len, uint64_t b)
{
	static const char *const unit[] = { "bytes", "KiB", "MiB", "GiB",
					    "TiB" };
	int i = 0;

	while (i < 4 && b >= 1024 && b % 1024 == 0) {
		b /= 1024;
		i++;
	}
	snprintf(buf, len, "%llu %s", (unsigned long long)b, unit[i]);
}

/* ---- host checks ---- */

enum vendor { V_UNKNOWN, V_INTEL, V_AMD };

static enum vendor check_iommu(const struct doctor_opts *o, struct report *r)
{
	static const char *const opts[] = {
		"intel_iommu=on",  "amd_iommu=on",  "iommu=pt",
		"intel_iommu=off", "amd_iommu=off", "iommu=off",
	};
	char path[4096], cmdline[4096] = "", found[160] = "";
	size_t i;
	enum vendor v = V_UNKNOWN;
	const char *fix_on;
	bool dmar, ivrs;
	int groups;

	sysfs_path(path, sizeof(path), "%s/DMAR", o->acpi_tables);
	dmar = exists(path);
	sysfs_path(path, sizeof(path), "%s/IVRS", o->acpi_tables);
	ivrs = exists(path);
	sysfs_path(path, sizeof(path), "%s/kernel/iommu_groups", o->sysfs);
	groups = count_entries(path);
	if (groups < 0)
		groups = 0;
	sysfs_path(path, sizeof(path), "%s/cmdline", o->proc);
	sysfs_read_text(path, cmdline, sizeof(cmdline));

	if (dmar)
		v = V_INTEL;
	else if (ivrs)
		v = V_AMD;
	fix_on =
		v == V_INTEL ?
			"add intel_iommu=on to the kernel command line "
			"(GRUB_CMDLINE_LINUX in /etc/default/grub, then "
			"`update-grub` and reboot)" :
		v == V_AMD ?
			"add amd_iommu=on to the kernel command line "
			"(GRUB_CMDLINE_LINUX in /etc/default/grub, then "
			"`update-grub` and reboot)" :
			"enable VT-d / AMD-Vi (IOMMU) in the firmware setup, "
			"then add intel_iommu=on (Intel) or amd_iommu=on (AMD) "
			"to the kernel command line and reboot";

	if (dmar || ivrs)
		add(r, "iommu.present", NULL, ST_OK, NULL,
		    "ACPI %s table present (%s IOMMU)", dmar ? "DMAR" : "IVRS",
		    dmar ? "Intel VT-d" : "AMD-Vi");
	else if (groups)
		add(r, "iommu.present", NULL, ST_OK, NULL,
		    "no DMAR/IVRS ACPI table, but %d IOMMU groups exist (another IOMMU, e.g. virtio-iommu)",
		    groups);
	else
		add(r, "iommu.present", NULL, ST_FAIL, fix_on,
		    "no DMAR or IVRS table in %s: the firmware reports no IOMMU",
		    o->acpi_tables);

	if (groups)
		add(r, "iommu.enabled", NULL, ST_OK, NULL,
		    "%d IOMMU groups in %s/kernel/iommu_groups", groups,
		    o->sysfs);
	else
		add(r, "iommu.enabled", NULL, ST_FAIL, fix_on,
		    "%s/kernel/iommu_groups is empty: the kernel did not enable an IOMMU",
		    o->sysfs);

	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (has_opt(cmdline, opts[i]))
			append(found, sizeof(found), "%s%s",
			       found[0] ? " " : "", opts[i]);
	if (strstr(found, "=off"))
		add(r, "iommu.cmdline", NULL, ST_FAIL,
		    "remove intel_iommu=off / amd_iommu=off / iommu=off from the kernel command line and reboot",
		    "the kernel command line disables the IOMMU: %s", found);
	else if (found[0])
		add(r, "iommu.cmdline", NULL, ST_OK, NULL,
		    "kernel command line has %s", found);
	else if (groups)
		add(r, "iommu.cmdline", NULL, ST_OK, NULL,
		    "no IOMMU option on the kernel command line; the kernel enabled the IOMMU by default");
	else
		add(r, "iommu.cmdline", NULL, ST_WARN, fix_on,
		    "no intel_iommu=on / amd_iommu=on on the kernel command line (%s/cmdline)",
		    o->proc);
	return v;
}

static void check_irq_remap(const struct doctor_opts *o, enum vendor v,
			    struct report *r)
{
	char path[4096], text[64], cmdline[4096] = "", units[256] = "";
	const char *fix =
		"enable interrupt remapping (remove intremap=off/nointremap from the kernel command line; enable x2APIC/IR in the firmware); as an unsafe last resort `modprobe vfio_iommu_type1 allow_unsafe_interrupts=1`";
	int with = 0, without = 0;
	bool unsafe_ok = false;
	struct dirent *de;
	DIR *d;

	sysfs_path(path, sizeof(path), "%s/cmdline", o->proc);
	sysfs_read_text(path, cmdline, sizeof(cmdline));
	sysfs_path(
		path, sizeof(path),
		"%s/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts",
		o->sysfs);
	if (!sysfs_read_text(path, text, sizeof(text)) &&
	    (text[0] == 'Y' || text[0] == '1'))
		unsafe_ok = true;

	if (has_opt(cmdline, "intremap=off") ||
	    has_opt(cmdline, "nointremap")) {
		add(r, "iommu.irq_remap", NULL, unsafe_ok ? ST_WARN : ST_FAIL,
		    fix,
		    "interrupt remapping is disabled on the kernel command line%s",
		    unsafe_ok ?
			    " (allow_unsafe_interrupts=Y: devices can forge interrupts)" :
			    "");
		return;
	}

	sysfs_path(path, sizeof(path), "%s/class/iommu", o->sysfs);
	d = opendir(path);
	while (d && (de = readdir(d))) {
		char ecap_path[4096];
		unsigned long long ecap;

		if (de->d_name[0] == '.')
			continue;
		if (sysfs_path(ecap_path, sizeof(ecap_path),
			       "%s/%s/intel-iommu/ecap", path, de->d_name) ||
		    sysfs_read_text(ecap_path, text, sizeof(text)))
			continue;
		ecap = strtoull(text, NULL, 16);
		if (ecap & ECAP_IR) {
			with++;
		} else {
			without++;
			append(units, sizeof(units), "%s%s",
			       units[0] ? ", " : "", de->d_name);
		}
	}
	if (d)
		closedir(d);

	if (without)
		add(r, "iommu.irq_remap", NULL, unsafe_ok ? ST_WARN : ST_FAIL,
		    fix,
		    "VT-d unit(s) %s lack interrupt remapping (ecap bit 3 clear)%s",
		    units,
		    unsafe_ok ?
			    "; allow_unsafe_interrupts=Y lets VFIO run anyway" :
			    ": vfio_iommu_type1 will refuse to attach groups");
	else if (with)
		add(r, "iommu.irq_remap", NULL, ST_OK, NULL,
		    "%d VT-d unit(s) with interrupt remapping (ecap bit 3 set)",
		    with);
	else
		add(r, "iommu.irq_remap", NULL, ST_WARN, NULL,
		    "cannot tell whether interrupt remapping is available (no %s/class/iommu/*/intel-iommu/ecap%s); if VFIO says \"No interrupt remapping support\", it is not",
		    o->sysfs, v == V_AMD ? " on AMD" : "");
}

static void check_modules(const struct doctor_opts *o, struct report *r)
{
	static const char *const mods[] = { "vfio", "vfio_iommu_type1",
					    "vfio_pci" };
	char path[4096], id[32];
	size_t i;

	for (i = 0; i < sizeof(mods) / sizeof(mods[0]); i++) {
		snprintf(id, sizeof(id), "module.%s", mods[i]);
		sysfs_path(path, sizeof(path), "%s/module/%s", o->sysfs,
			   mods[i]);
		if (exists(path))
			add(r, id, NULL, ST_OK, NULL, "%s is loaded (%s)",
			    mods[i], path);
		else
			add(r, id, NULL, ST_FAIL, "modprobe vfio-pci",
			    "%s is not loaded (no %s)", mods[i], path);
	}
}

/* Check @path for read/write access; add a check for it. */
static void check_access(struct report *r, const char *id, const char *dev,
			 const char *path, bool needed_now)
{
	char fix[512];

	if (!exists(path)) {
		add(r, id, dev, needed_now ? ST_FAIL : ST_WARN,
		    needed_now ?
			    "modprobe vfio-pci" :
			    "appears once the device is bound: `passvm bind` it or use --vfio BDF,managed",
		    "%s does not exist", path);
		return;
	}
	if (access(path, R_OK | W_OK)) {
		snprintf(fix, sizeof(fix),
			 "run passvm as root, or `sudo chown %u %s`",
			 (unsigned int)getuid(), path);
		add(r, id, dev, ST_FAIL, fix,
		    "no read/write access to %s for uid %u: %s", path,
		    (unsigned int)getuid(), strerror(errno));
		return;
	}
	add(r, id, dev, ST_OK, NULL, "%s is accessible (read/write)", path);
}

/* CapEff from /proc/self/status; false if unreadable. */
static bool has_cap_ipc_lock(const struct doctor_opts *o)
{
	char path[4096], line[256];
	bool found = false;
	FILE *f;

	sysfs_path(path, sizeof(path), "%s/self/status", o->proc);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "CapEff:", 7)) {
			unsigned long long caps = strtoull(line + 7, NULL, 16);

			found = caps & (1ull << CAP_IPC_LOCK_BIT);
			break;
		}
	}
	fclose(f);
	return found;
}

static void check_memlock(const struct doctor_opts *o, uint64_t mem,
			  struct report *r)
{
	char have[32], need[32], fix[256];
	uint64_t lim;

	if (has_cap_ipc_lock(o)) {
		add(r, "host.memlock", NULL, ST_OK, NULL,
		    "CAP_IPC_LOCK is effective (CapEff bit 14): RLIMIT_MEMLOCK does not apply");
		return;
	}
	if (o->fake_memlock) {
		lim = o->memlock_bytes;
	} else {
		struct rlimit rl;

		if (getrlimit(RLIMIT_MEMLOCK, &rl)) {
			add(r, "host.memlock", NULL, ST_WARN, NULL,
			    "getrlimit(RLIMIT_MEMLOCK): %s", strerror(errno));
			return;
		}
		lim = rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX :
						     (uint64_t)rl.rlim_cur;
	}
	fmt_bytes(need, sizeof(need), mem);
	if (lim == UINT64_MAX) {
		add(r, "host.memlock", NULL, ST_OK, NULL,
		    "RLIMIT_MEMLOCK is unlimited (guest RAM %s)", need);
		return;
	}
	fmt_bytes(have, sizeof(have), lim);
	if (lim >= mem) {
		add(r, "host.memlock", NULL, ST_OK, NULL,
		    "RLIMIT_MEMLOCK is %llu bytes (%s), guest RAM needs %llu bytes (%s)",
		    (unsigned long long)lim, have, (unsigned long long)mem,
		    need);
		return;
	}
	snprintf(
		fix, sizeof(fix),
		"ulimit -l %llu (in a root shell before starting passvm, or set memlock in /etc/security/limits.conf), or run passvm as root",
		(unsigned long long)((mem + 1023) / 1024));
	add(r, "host.memlock", NULL, ST_FAIL, fix,
	    "RLIMIT_MEMLOCK is %llu bytes (%s) but VFIO pins all guest RAM: %llu bytes (%s) needed; DMA mapping would fail with ENOMEM",
	    (unsigned long long)lim, have, (unsigned long long)mem, need);
}

/*
 * The transparent huge page mode for shmem (guest RAM is a memfd), the
 * bracketed word of /sys/kernel/mm/transparent_hugepage/shmem_enabled
 * ("always within_size [advise] never deny force"), or "" if unreadable.
 * With "never" (Debian's default) guest RAM without --hugepages is made of
 * 4 KiB pages: slower pinning, 4 KiB IOMMU and EPT/NPT mappings.
 * Source: Documentation/admin-guide/mm/transhuge.rst ("shmem").
 */
static void shmem_thp_mode(const struct doctor_opts *o, char *mode, size_t len)
{
	char path[4096], text[128], *s, *e;

	mode[0] = '\0';
	sysfs_path(path, sizeof(path),
		   "%s/kernel/mm/transparent_hugepage/shmem_enabled", o->sysfs);
	if (sysfs_read_text(path, text, sizeof(text)))
		return;
	s = strchr(text, '[');
	e = s ? strchr(s, ']') : NULL;
	if (e)
		snprintf(mode, len, "%.*s", (int)(e - s - 1), s + 1);
}

static void check_hugepages(const struct doctor_opts *o, uint64_t mem,
			    struct report *r)
{
	char path[4096], text[64], fix[512], thp[32];
	uint64_t need = (mem + (2ull << 20) - 1) >> 21, fr = 0;
	bool readable;

	sysfs_path(path, sizeof(path),
		   "%s/kernel/mm/hugepages/hugepages-2048kB/free_hugepages",
		   o->sysfs);
	readable = !sysfs_read_text(path, text, sizeof(text));
	if (readable)
		fr = strtoull(text, NULL, 10);
	if (fr >= need) {
		add(r, "host.hugepages", NULL, ST_OK, NULL,
		    "%llu free 2 MiB hugepages, %llu needed: --hugepages will work",
		    (unsigned long long)fr, (unsigned long long)need);
		return;
	}
	shmem_thp_mode(o, thp, sizeof(thp));
	if (thp[0] && strcmp(thp, "never") && strcmp(thp, "deny")) {
		add(r, "host.hugepages", NULL, ST_OK, NULL,
		    "%llu free 2 MiB hugepages (%llu needed for --hugepages); without it guest RAM gets transparent huge pages (shmem_enabled=%s)",
		    (unsigned long long)fr, (unsigned long long)need, thp);
		return;
	}
	snprintf(
		fix, sizeof(fix),
		"echo advise | sudo tee %s/kernel/mm/transparent_hugepage/shmem_enabled; or reserve hugepages for --hugepages: echo %llu | sudo tee %s/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages",
		o->sysfs, (unsigned long long)need, o->sysfs);
	add(r, "host.hugepages", NULL, ST_WARN, fix,
	    "%llu free 2 MiB hugepages, %llu needed for --hugepages, and shmem transparent huge pages are %s: guest RAM will be 4 KiB pages (slower pinning, 4 KiB IOMMU and EPT mappings)",
	    (unsigned long long)fr, (unsigned long long)need,
	    thp[0] ? thp : "unavailable");
}

/* ---- per-device checks ---- */

static void check_group(const struct doctor_opts *o, const struct pci_addr *a,
			const char *bdf, bool on_vfio, struct report *r)
{
	char list[700] = "", bad[600] = "", fix[128], path[4096];
	struct pci_addr m[MAX_GROUP];
	int g, n, i, ret;

	ret = sysfs_iommu_group(o->sysfs, a, &g);
	if (ret) {
		add(r, "device.group", bdf, ST_FAIL,
		    "enable the IOMMU: intel_iommu=on or amd_iommu=on on the kernel command line (see iommu.enabled)",
		    "%s has no IOMMU group (%s)", bdf,
		    ret == -ENODEV ? "no iommu_group link" : strerror(-ret));
		return;
	}
	n = sysfs_group_devices(o->sysfs, g, m, MAX_GROUP);
	if (n < 0) {
		add(r, "device.group", bdf, ST_FAIL, NULL,
		    "cannot list IOMMU group %d: %s", g, strerror(-n));
		return;
	}
	for (i = 0; i < n && i < MAX_GROUP; i++) {
		char mb[PCI_ADDR_STRLEN], drv[64];
		bool blocks;

		pci_addr_format(&m[i], mb);
		blocks = sysfs_group_member_blocks(o->sysfs, &m[i], drv,
						   sizeof(drv));
		append(list, sizeof(list), "%s%s (%s%s)", list[0] ? ", " : "",
		       mb, drv[0] ? drv : "no driver",
		       sysfs_pci_is_bridge(o->sysfs, &m[i]) ? ", bridge" : "");
		if (pci_addr_equal(&m[i], a) || !blocks)
			continue;
		append(bad, sizeof(bad), "%s%s is bound to %s",
		       bad[0] ? "; " : "", mb, drv);
	}
	add(r, "device.group", bdf, ST_OK, NULL, "IOMMU group %d: %s", g, list);
	if (bad[0]) {
		snprintf(fix, sizeof(fix), "passvm bind --group %s", bdf);
		add(r, "device.group_viable", bdf, ST_FAIL, fix,
		    "group %d is not viable: %s (every member must be on vfio-pci, pci-stub or no driver; bridges excepted)",
		    g, bad);
	} else {
		add(r, "device.group_viable", bdf, ST_OK, NULL,
		    "group %d is viable: every other member is on vfio-pci, pci-stub, no driver, or is a bridge",
		    g);
	}
	sysfs_path(path, sizeof(path), "%s/vfio/%d", o->dev, g);
	check_access(r, "device.vfio_dev", bdf, path, on_vfio);
}

static void check_reset(const struct doctor_opts *o, const char *bdf,
			struct report *r)
{
	char path[4096], text[256];

	sysfs_path(path, sizeof(path), "%s/bus/pci/devices/%s/reset_method",
		   o->sysfs, bdf);
	if (sysfs_read_text(path, text, sizeof(text)))
		add(r, "device.reset", bdf, ST_WARN, NULL,
		    "no reset_method file (kernel older than 5.15, or no reset available): the device may keep state between VM runs");
	else if (!text[0])
		add(r, "device.reset", bdf, ST_WARN, NULL,
		    "reset_method is empty: the device cannot be reset and may keep state between VM runs");
	else
		add(r, "device.reset", bdf, ST_OK, NULL, "reset methods: %s",
		    text);
}

/* Size of BAR @bar from the sysfs resource file, 0 if unknown/unset. */
static uint64_t bar_size(const struct doctor_opts *o, const char *bdf, int bar)
{
	char path[4096], line[256];
	uint64_t size = 0;
	int i = 0;
	FILE *f;

	sysfs_path(path, sizeof(path), "%s/bus/pci/devices/%s/resource",
		   o->sysfs, bdf);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long start, end, flags;

		if (i++ != bar)
			continue;
		if (sscanf(line, "%llx %llx %llx", &start, &end, &flags) == 3 &&
		    end > start)
			size = end - start + 1;
		break;
	}
	fclose(f);
	return size;
}

static void check_msix(const struct doctor_opts *o, const char *bdf,
		       struct report *r)
{
	uint8_t cfg[256];
	char path[4096], tsz[32], bsz[32];
	struct pci_msix_layout l;
	uint64_t size, tstart, tlen, pstart, pg0, pg1, other;
	unsigned int nvec, tbir, pbir;
	int fd, len, guard = 0;
	uint8_t pos;

	sysfs_path(path, sizeof(path), "%s/bus/pci/devices/%s/config", o->sysfs,
		   bdf);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		add(r, "device.msix", bdf, ST_OK, NULL, "cannot read %s: %s",
		    path, strerror(errno));
		return;
	}
	len = (int)read(fd, cfg, sizeof(cfg));
	close(fd);
	if (len < 64) {
		add(r, "device.msix", bdf, ST_OK, NULL,
		    "config space unreadable (%d bytes)", len);
		return;
	}
	if (!(cfg[0x06] & 0x10)) {
		add(r, "device.msix", bdf, ST_OK, NULL,
		    "no capability list, so no MSI-X: INTx or MSI only");
		return;
	}
	for (pos = cfg[0x34] & 0xfc; pos && guard < 48; guard++) {
		if (pos + 12 > len) {
			add(r, "device.msix", bdf, ST_OK, NULL,
			    "only %d bytes of config space readable (run as root to see the capabilities)",
			    len);
			return;
		}
		if (cfg[pos] == PCI_CAP_ID_MSIX)
			break;
		pos = cfg[pos + 1] & 0xfc;
	}
	if (!pos || guard == 48) {
		add(r, "device.msix", bdf, ST_OK, NULL,
		    "no MSI-X capability: INTx or MSI only");
		return;
	}
	pci_msix_layout(cfg, (size_t)len, pos, &l); /* fits: checked above */
	nvec = l.nvec;
	tbir = l.table_bir;
	pbir = l.pba_bir;
	tstart = l.table_off;
	pstart = l.pba_off;
	size = tbir < 6 ? bar_size(o, bdf, (int)tbir) : 0;
	fmt_bytes(tsz, sizeof(tsz), l.table_size);
	fmt_bytes(bsz, sizeof(bsz), size);

	/*
	 * Bytes in the table's 4 KiB pages (inside the BAR) that are neither
	 * table nor PBA; a table or PBA running past the BAR counts only
	 * inside it.
	 */
	pg0 = tstart & ~(PAGE_4K - 1);
	pg1 = (tstart + l.table_size + PAGE_4K - 1) & ~(PAGE_4K - 1);
	if (size && pg1 > size)
		pg1 = size > pg0 ? size : pg0;
	tlen = range_intersect_len(pg0, pg1 - pg0, tstart, l.table_size);
	other = (pg1 - pg0) - tlen;
	if (pbir == tbir) /* the PBA's bytes there, less those in the table */
		other -= range_intersect_len(pg0, pg1 - pg0, pstart,
					     l.pba_size) -
			 range_intersect_len(tstart, tlen, pstart, l.pba_size);
	add(r, "device.msix", bdf, ST_OK, NULL,
	    "MSI-X: %u vectors, table in BAR%u at 0x%llx (%s), PBA in BAR%u at 0x%llx; BAR%u is %s%s; %s",
	    nvec, tbir, (unsigned long long)tstart, tsz, pbir,
	    (unsigned long long)pstart, tbir, size ? bsz : "of unknown size",
	    size && size > pg1 - pg0 ?
		    ", more than the table's pages: the rest is mapped directly" :
		    "",
	    other ? "the table's 4 KiB page(s)" :
		    "the table fills its 4 KiB page(s)");
	if (other && !r->oom)
		append(r->c[r->n - 1].evidence, sizeof(r->c[r->n - 1].evidence),
		       " hold %llu bytes besides the table and PBA (registers there, if any, are trapped and forwarded)",
		       (unsigned long long)other);
}

static void check_device(const struct doctor_opts *o, const struct pci_addr *a,
			 struct report *r)
{
	char bdf[PCI_ADDR_STRLEN], drv[64], fix[128];
	uint16_t ven, dev;
	uint32_t cls;
	int ret;

	pci_addr_format(a, bdf);
	ret = sysfs_pci_ids(o->sysfs, a, &ven, &dev, &cls);
	if (ret) {
		add(r, "device.present", bdf, ST_FAIL,
		    "check the address with `lspci -D`",
		    "no PCI device %s (%s)", bdf, strerror(-ret));
		return;
	}
	add(r, "device.present", bdf, ST_OK, NULL, "%04x:%04x class 0x%06x%s",
	    ven, dev, cls,
	    sysfs_pci_is_bridge(o->sysfs, a) ?
		    " (PCI bridge: cannot be passed through)" :
		    "");
	if (sysfs_pci_driver(o->sysfs, a, drv, sizeof(drv)))
		drv[0] = '\0';
	snprintf(fix, sizeof(fix), "passvm bind %s (or --vfio %s,managed)", bdf,
		 bdf);
	if (!strcmp(drv, "vfio-pci"))
		add(r, "device.driver", bdf, ST_OK, NULL, "bound to vfio-pci");
	else
		add(r, "device.driver", bdf, ST_WARN, fix, "bound to %s",
		    drv[0] ? drv : "no driver");
	check_group(o, a, bdf, !strcmp(drv, "vfio-pci"), r);
	check_reset(o, bdf, r);
	check_msix(o, bdf, r);
}

/* ---- output ---- */

static const char *const st_name[] = { "ok", "warn", "fail" };
static const char *const st_text[] = { "OK", "WARN", "FAIL" };

void doctor_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		switch (ch) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		default:
			if (ch < 0x20 || ch == 0x7f)
				fprintf(out, "\\u%04x", ch);
			else
				fputc(ch, out);
		}
	}
	fputc('"', out);
}

static void print_json(const struct report *r, bool ok, FILE *out)
{
	int i;

	fprintf(out, "{\"version\":1,\"ok\":%s,\"checks\":[",
		ok ? "true" : "false");
	for (i = 0; i < r->n; i++) {
		const struct check *c = &r->c[i];

		fprintf(out, "%s\n{\"id\":", i ? "," : "");
		doctor_json_string(out, c->id);
		fputs(",\"device\":", out);
		if (c->dev[0])
			doctor_json_string(out, c->dev);
		else
			fputs("null", out);
		fprintf(out,
			",\"status\":\"%s\",\"evidence\":", st_name[c->st]);
		doctor_json_string(out, c->evidence);
		fputs(",\"fix\":", out);
		if (c->fix[0])
			doctor_json_string(out, c->fix);
		else
			fputs("null", out);
		fputc('}', out);
	}
	fputs("\n]}\n", out);
}

static void print_text(const struct report *r, int nwarn, int nfail, FILE *out)
{
	int i;

	for (i = 0; i < r->n; i++) {
		const struct check *c = &r->c[i];

		fprintf(out, "%-4s %s%s%s: %s", st_text[c->st], c->dev,
			c->dev[0] ? " " : "", c->id, c->evidence);
		if (c->fix[0] && c->st != ST_OK)
			fprintf(out, " -- fix: %s", c->fix);
		fputc('\n', out);
	}
	fprintf(out, "%s: %d checks, %d warnings, %d failures\n",
		nfail ? "NOT READY" : "READY", r->n, nwarn, nfail);
}

int doctor_run(const struct doctor_opts *o, FILE *out)
{
	uint64_t mem = o->mem_bytes ? o->mem_bytes : DOCTOR_DEFAULT_MEM;
	struct report r = { 0 };
	char path[4096];
	int i, nwarn = 0, nfail = 0;
	enum vendor v;

	v = check_iommu(o, &r);
	check_irq_remap(o, v, &r);
	check_modules(o, &r);
	sysfs_path(path, sizeof(path), "%s/vfio/vfio", o->dev);
	check_access(&r, "dev.vfio", NULL, path, true);
	check_memlock(o, mem, &r);
	check_hugepages(o, mem, &r);
	for (i = 0; i < o->ndevs; i++)
		check_device(o, &o->devs[i], &r);
	if (r.oom) {
		free(r.c);
		return -ENOMEM;
	}
	for (i = 0; i < r.n; i++) {
		nwarn += r.c[i].st == ST_WARN;
		nfail += r.c[i].st == ST_FAIL;
	}
	if (o->json)
		print_json(&r, !nfail, out);
	else
		print_text(&r, nwarn, nfail, out);
	fflush(out);
	free(r.c);
	return nfail ? 1 : 0;
}

/* ---- the subcommand ---- */

static void doctor_usage(FILE *f)
{
	fprintf(f,
		"usage: passvm doctor [BDF...] [--mem SIZE] [--json]\n"
		"Check that this host can pass PCI devices through with VFIO,\n"
		"and say what fixes what is missing. Changes nothing.\n"
		"  -m, --mem SIZE  guest RAM to pin (K/M/G/T suffix; no suffix\n"
		"                  means MiB; default 256M)\n"
		"  -j, --json      JSON document (schema in vfio/doctor.c)\n"
		"  -h, --help      this text\n"
		"Exit status: 0 ready (warnings allowed), 1 not ready, 2 usage.\n");
}

int doctor_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mem", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct doctor_opts o;
	struct pci_addr *addrs = NULL;
	int c, i, n, r;

	doctor_opts_default(&o);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":m:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (parse_size(optarg, &o.mem_bytes) || !o.mem_bytes) {
				pv_err("doctor: bad --mem \"%s\": use a size like 512M or 4G",
				       optarg);
				return 2;
			}
			break;
		case 'j':
			o.json = true;
			break;
		case 'h':
			doctor_usage(stdout);
			return 0;
		case ':':
			pv_err("doctor: %s needs a value: see `passvm doctor --help`",
			       argv[optind - 1]);
			return 2;
		default:
			pv_err("doctor: unknown option \"%s\": see `passvm doctor --help`",
			       argv[optind - 1]);
			return 2;
		}
	}
	n = argc - optind;
	if (n > 0) {
		addrs = calloc((size_t)n, sizeof(*addrs));
		if (!addrs) {
			pv_err("doctor: out of memory");
			return 1;
		}
	}
	for (i = 0; i < n; i++) {
		if (pci_addr_parse(argv[optind + i], &addrs[i])) {
			pv_err("doctor: bad PCI address \"%s\": use DDDD:BB:DD.F (e.g. 0000:01:00.0)",
			       argv[optind + i]);
			free(addrs);
			return 2;
		}
	}
	o.devs = addrs;
	o.ndevs = n;
	r = doctor_run(&o, stdout);
	free(addrs);
	if (r < 0) {
		pv_err("doctor: %s", strerror(-r));
		return 1;
	}
	return r;
}
