// SPDX-License-Identifier: GPL-2.0
/* Unit tests for host/doctor*.c and host/caps.c against a fake host. */
#include <ctype.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sys/stat.h>

#include <linux/capability.h>

#include "fake_sysfs.h"
#include "host/caps.h"
#include "host/doctor.h"

#include <jansson.h>

struct ctx {
	struct fake_sysfs fs;
	struct doctor_opts o;
	struct pci_addr devs[4];
	char *fixes[32]; /* the numbered list of the text output, unwrapped */
	int nfix;
	char *text;
	size_t len;
};

static int setup(void **state)
{
	static struct ctx c;

	memset(&c, 0, sizeof(c));
	if (fake_sysfs_init(&c.fs))
		return -1;
	c.o.sysfs = c.fs.sys;
	c.o.proc = c.fs.proc;
	c.o.dev = c.fs.dev;
	c.o.acpi_tables = c.fs.acpi;
	c.o.root = c.fs.root;
	c.o.hv_vendor = ""; /* never execute CPUID in a test */
	c.o.devs = c.devs;
	c.o.mem_bytes = 256ull << 20;
	c.o.fake_memlock = true;
	c.o.memlock_bytes = 1ull << 30;
	*state = &c;
	return 0;
}

static void free_fixes(struct ctx *c)
{
	while (c->nfix > 0)
		free(c->fixes[--c->nfix]);
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	free_fixes(c);
	free(c->text);
	c->text = NULL;
	fake_sysfs_cleanup(&c->fs);
	return 0;
}

/* A host where everything is in order, with 0000:01:00.0 on vfio-pci. */
static void healthy_host(struct ctx *c)
{
	struct fake_sysfs *fs = &c->fs;

	fake_sysfs_write(fs, "sys/firmware/acpi/tables/DMAR", "DMAR");
	fake_sysfs_write(fs, "sys/class/iommu/dmar0/intel-iommu/ecap",
			 "f0207ad8\n"); /* bit 3 (IR) set */
	fake_sysfs_write(fs, "proc/cmdline",
			 "root=/dev/sda1 intel_iommu=on iommu=pt quiet\n");
	fake_sysfs_mkdir(fs, "sys/module/vfio");
	fake_sysfs_mkdir(fs, "sys/module/vfio_iommu_type1");
	fake_sysfs_mkdir(fs, "sys/module/vfio_pci");
	fake_sysfs_write(fs, "sys/module/kvm_intel/parameters/nested", "Y\n");
	fake_sysfs_write(fs, "dev/kvm", "");
	fake_sysfs_write(fs, "proc/cpuinfo",
			 "processor\t: 0\nflags\t\t: fpu vme de pse msr vmx "
			 "ept\n\nprocessor\t: 1\nflags\t\t: fpu vmx\n");
	fake_sysfs_write(fs,
			 "sys/kernel/mm/hugepages/hugepages-2048kB/"
			 "free_hugepages",
			 "1024\n");
	fake_sysfs_add_dev(fs, "0000:01:00.0", 0x8086, 0x10d3, 0x020000, 3,
			   "vfio-pci");
	pci_addr_parse("0000:01:00.0", &c->devs[0]);
	c->o.ndevs = 1;
}

/*
 * Parse the numbered list of fixes of the text output into c->fixes, each
 * unwrapped (continuation lines joined with a space). Fails the test when
 * the numbers do not run 1, 2, 3...
 */
static void parse_fixes(struct ctx *c)
{
	const char *p = strstr(c->text, "\nFixes, in order");
	char buf[2048];
	int no;

	free_fixes(c);
	if (!p)
		return;
	p = strchr(p + 1, '\n') + 1;
	while (sscanf(p, " %d. ", &no) == 1) {
		const char *eol = strchr(p, '\n');

		assert_int_equal(no, c->nfix + 1);
		p = strstr(p, ". ") + 2;
		snprintf(buf, sizeof(buf), "%.*s", (int)(eol - p), p);
		p = eol + 1;
		/* Continuation lines: indented, no number. */
		while (!strncmp(p, "     ", 5) && p[5] != ' ') {
			eol = strchr(p, '\n');
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
				 " %.*s", (int)(eol - p - 5), p + 5);
			p = eol + 1;
		}
		assert_true(c->nfix < 32);
		c->fixes[c->nfix++] = strdup(buf);
	}
}

/* Run doctor into c->text; return its result. */
static int run(struct ctx *c)
{
	FILE *f;
	int r;

	free(c->text);
	c->text = NULL;
	f = open_memstream(&c->text, &c->len);
	assert_non_null(f);
	r = doctor_run(&c->o, f);
	fclose(f);
	if (!c->o.json)
		parse_fixes(c);
	return r;
}

/* The text line for check @id (and device @dev, may be NULL); fails the
 * test when there is none. Returns a malloc'd copy. */
static char *line_for(struct ctx *c, const char *dev, const char *id)
{
	char needle[128];
	const char *p = c->text;

	snprintf(needle, sizeof(needle), " %s%s%s: ", dev ? dev : "",
		 dev ? " " : "", id);
	while (p && *p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		char *l = strndup(p, n);

		/* "STATUS" is padded to 4 columns then one space. */
		if (strlen(l) > 5 && !strncmp(l + 4, needle, strlen(needle)))
			return l;
		free(l);
		p = eol ? eol + 1 : NULL;
	}
	fail_msg("no line for %s in:\n%s", needle, c->text);
	return NULL;
}

static void assert_line(struct ctx *c, const char *dev, const char *id,
			const char *status, const char *has1, const char *has2)
{
	char *l = line_for(c, dev, id);

	if (strncmp(l, status, strlen(status)))
		fail_msg("expected %s: %s", status, l);
	if (has1 && !strstr(l, has1))
		fail_msg("\"%s\" not in: %s", has1, l);
	if (has2 && !strstr(l, has2))
		fail_msg("\"%s\" not in: %s", has2, l);
	free(l);
}

/*
 * The fix that check @id's line points to (" -- fix N"), unwrapped; fails
 * the test when there is none.
 */
static const char *fix_for(struct ctx *c, const char *dev, const char *id)
{
	char *l = line_for(c, dev, id);
	const char *p = strstr(l, " -- fix ");
	int no;

	if (!p || sscanf(p, " -- fix %d", &no) != 1 || no < 1 || no > c->nfix)
		fail_msg("no fix for: %s", l);
	free(l);
	return c->fixes[no - 1];
}

static void assert_fix(struct ctx *c, const char *dev, const char *id,
		       const char *has1, const char *has2)
{
	const char *f = fix_for(c, dev, id);

	if (has1 && !strstr(f, has1))
		fail_msg("\"%s\" not in the fix of %s: %s", has1, id, f);
	if (has2 && !strstr(f, has2))
		fail_msg("\"%s\" not in the fix of %s: %s", has2, id, f);
}

static void test_all_ok(void **state)
{
	struct ctx *c = *state;

	healthy_host(c);
	assert_int_equal(run(c), 0);
	assert_null(strstr(c->text, "WARN "));
	assert_null(strstr(c->text, "FAIL "));
	assert_non_null(strstr(c->text, "READY: "));
	assert_line(c, NULL, "iommu.present", "OK", "DMAR", NULL);
	assert_line(c, NULL, "iommu.enabled", "OK", "1 IOMMU groups", NULL);
	assert_line(c, NULL, "iommu.cmdline", "OK", "intel_iommu=on", NULL);
	assert_line(c, NULL, "iommu.irq_remap", "OK", NULL, NULL);
	assert_line(c, "0000:01:00.0", "device.present", "OK", "8086:10d3",
		    "0x020000");
	assert_line(c, "0000:01:00.0", "device.group", "OK", "IOMMU group 3",
		    "0000:01:00.0 (vfio-pci)");
	assert_line(c, "0000:01:00.0", "device.reset", "OK", "flr", NULL);
	assert_line(c, "0000:01:00.0", "device.vfio_dev", "OK", "/vfio/3",
		    NULL);
}

static void test_no_iommu(void **state)
{
	struct ctx *c = *state;

	fake_sysfs_add_dev(&c->fs, "0000:01:00.0", 0x8086, 0x10d3, 0x020000, -1,
			   "e1000e");
	pci_addr_parse("0000:01:00.0", &c->devs[0]);
	c->o.ndevs = 1;
	assert_int_equal(run(c), 1);
	assert_line(c, NULL, "iommu.present", "FAIL", "DMAR", NULL);
	assert_line(c, NULL, "host.machine", "OK", "bare metal", NULL);
	assert_fix(c, NULL, "iommu.present", "enable VT-d", "firmware setup");
	assert_fix(c, NULL, "iommu.enabled", "intel_iommu=on", "amd_iommu=on");
	assert_line(c, "0000:01:00.0", "device.group", "FAIL", "no IOMMU group",
		    NULL);
	assert_fix(c, "0000:01:00.0", "device.group", "intel_iommu=on", NULL);
	assert_non_null(strstr(c->text, "NOT READY"));

	/* AMD firmware table but IOMMU off: the fix names amd_iommu=on. */
	fake_sysfs_write(&c->fs, "sys/firmware/acpi/tables/IVRS", "IVRS");
	fake_sysfs_write(&c->fs, "proc/cmdline",
			 "root=/dev/sda1 amd_iommu=off\n");
	assert_int_equal(run(c), 1);
	assert_line(c, NULL, "iommu.present", "OK", "IVRS", NULL);
	assert_line(c, NULL, "iommu.enabled", "FAIL", NULL, NULL);
	assert_fix(c, NULL, "iommu.enabled", "amd_iommu=on", NULL);
	assert_line(c, NULL, "iommu.cmdline", "FAIL", "amd_iommu=off", NULL);
	assert_fix(c, NULL, "iommu.cmdline", "remove", NULL);
}

static void test_group_not_viable(void **state)
{
	struct ctx *c = *state;

	healthy_host(c);
	fake_sysfs_add_dev(&c->fs, "0000:00:1c.0", 0x8086, 0xa110, 0x060400, 3,
			   "pcieport");
	fake_sysfs_add_dev(&c->fs, "0000:01:00.2", 0x8086, 0x10d3, 0x020000, 3,
			   "pci-stub");
	fake_sysfs_add_dev(&c->fs, "0000:01:00.1", 0x8086, 0x10d3, 0x020000, 3,
			   "e1000e");
	assert_int_equal(run(c), 1);
	assert_line(c, "0000:01:00.0", "device.group_viable", "FAIL",
		    "0000:01:00.1 is bound to e1000e", NULL);
	assert_fix(c, "0000:01:00.0", "device.group_viable",
		   "passvm bind --group 0000:01:00.0", NULL);
	{
		char *l = line_for(c, "0000:01:00.0", "device.group_viable");

		/* The bridge and the pci-stub member are not blamed. */
		assert_null(strstr(l, "0000:00:1c.0"));
		assert_null(strstr(l, "0000:01:00.2"));
		free(l);
	}
	/* The member list is sorted and shows every driver. */
	assert_line(
		c, "0000:01:00.0", "device.group", "OK",
		"0000:00:1c.0 (pcieport, PCI bridge), 0000:01:00.0 (vfio-pci), "
		"0000:01:00.1 (e1000e), 0000:01:00.2 (pci-stub)",
		NULL);

	fake_sysfs_set_driver(&c->fs, "0000:01:00.1", NULL);
	assert_int_equal(run(c), 0);
	assert_line(c, "0000:01:00.0", "device.group_viable", "OK", NULL, NULL);
}

static void test_memlock(void **state)
{
	struct ctx *c = *state;

	healthy_host(c);
	c->o.memlock_bytes = 64ull << 20;
	assert_int_equal(run(c), 1);
	assert_line(c, NULL, "host.memlock", "FAIL", "67108864 bytes",
		    "268435456 bytes");
	assert_fix(c, NULL, "host.memlock", "ulimit -l 262144", NULL);

	/* --mem 3G needs a bigger limit. */
	c->o.memlock_bytes = 1ull << 30;
	c->o.mem_bytes = 3ull << 30;
	assert_int_equal(run(c), 1);
	assert_fix(c, NULL, "host.memlock", "ulimit -l 3145728", NULL);
	/* ... and too few hugepages only warn. */
	assert_line(c, NULL, "host.hugepages", "WARN", "1024 free",
		    "1536 needed");
	assert_fix(c, NULL, "host.hugepages", "echo madvise | sudo tee",
		   "transparent_hugepage/enabled");
	/* Unless shmem gets transparent huge pages anyway. */
	fake_sysfs_write(&c->fs,
			 "sys/kernel/mm/transparent_hugepage/shmem_enabled",
			 "always within_size [advise] never deny force\n");
	run(c);
	assert_line(c, NULL, "host.hugepages", "OK", "1536 needed",
		    "shmem_enabled=advise");
	fake_sysfs_write(&c->fs,
			 "sys/kernel/mm/transparent_hugepage/shmem_enabled",
			 "always within_size advise [never] deny force\n");
	run(c);
	assert_line(c, NULL, "host.hugepages", "WARN", "are off",
		    "shmem_enabled=never");
	/* Or anonymous memory does (passvm then backs RAM with it). */
	fake_sysfs_write(&c->fs, "sys/kernel/mm/transparent_hugepage/enabled",
			 "always [madvise] never\n");
	run(c);
	assert_line(c, NULL, "host.hugepages", "OK",
		    "anonymous memory with transparent huge pages",
		    "enabled=madvise");
	fake_sysfs_write(&c->fs, "sys/kernel/mm/transparent_hugepage/enabled",
			 "always madvise [never]\n");

	c->o.memlock_bytes = UINT64_MAX;
	assert_int_equal(run(c), 0);
	assert_line(c, NULL, "host.memlock", "OK", "unlimited", NULL);
	c->o.mem_bytes = 256ull << 20;

	/* CAP_IPC_LOCK makes the limit irrelevant. */
	c->o.memlock_bytes = 0;
	fake_sysfs_write(&c->fs, "proc/self/status",
			 "Name:\tpassvm\nCapEff:\t0000000000004000\n");
	assert_int_equal(run(c), 0);
	assert_line(c, NULL, "host.memlock", "OK", "CAP_IPC_LOCK", NULL);
	fake_sysfs_write(&c->fs, "proc/self/status",
			 "Name:\tpassvm\nCapEff:\t0000000000002000\n");
	assert_int_equal(run(c), 1);
}

static void test_irq_remap(void **state)
{
	struct ctx *c = *state;

	healthy_host(c);
	fake_sysfs_write(&c->fs, "sys/class/iommu/dmar1/intel-iommu/ecap",
			 "f0207ad0\n"); /* bit 3 clear */
	assert_int_equal(run(c), 1);
	assert_line(c, NULL, "iommu.irq_remap", "FAIL", "dmar1", NULL);
	assert_fix(c, NULL, "iommu.irq_remap", "allow_unsafe_interrupts",
		   "remove intremap=off");
	fake_sysfs_write(&c->fs,
			 "sys/module/vfio_iommu_type1/parameters/"
			 "allow_unsafe_interrupts",
			 "Y\n");
	assert_int_equal(run(c), 0);
	assert_line(c, NULL, "iommu.irq_remap", "WARN", "dmar1", NULL);
}

static void test_modules_dev_and_missing_device(void **state)
{
	struct ctx *c = *state;
	char path[512];

	healthy_host(c);
	snprintf(path, sizeof(path), "%s/module/vfio_pci", c->fs.sys);
	assert_int_equal(remove(path), 0);
	snprintf(path, sizeof(path), "%s/vfio/vfio", c->fs.dev);
	assert_int_equal(remove(path), 0);
	fake_sysfs_dev_attr(&c->fs, "0000:01:00.0", "reset_method", "\n");
	pci_addr_parse("0000:0a:00.0", &c->devs[1]);
	c->o.ndevs = 2;
	assert_int_equal(run(c), 1);
	assert_line(c, NULL, "module.vfio_pci", "FAIL", NULL, NULL);
	assert_fix(c, NULL, "module.vfio_pci", "modprobe vfio-pci", NULL);
	assert_line(c, NULL, "module.vfio", "OK", NULL, NULL);
	assert_line(c, NULL, "dev.vfio", "FAIL", "/vfio/vfio", NULL);
	assert_line(c, "0000:01:00.0", "device.reset", "WARN", "empty", NULL);
	assert_line(c, "0000:0a:00.0", "device.present", "FAIL", NULL, NULL);
	assert_fix(c, "0000:0a:00.0", "device.present", "lspci -D", NULL);
	assert_null(strstr(c->text, "0000:0a:00.0 device.group"));
}

/* Put an MSI-X capability at 0x40 into @bdf's config space. */
static void set_msix(struct ctx *c, const char *bdf, unsigned int nvec,
		     uint32_t table, uint32_t pba)
{
	uint8_t cfg[256] = { 0x86, 0x80, 0xd3, 0x10 };
	uint16_t ctrl = (uint16_t)(nvec - 1);

	cfg[0x06] = 0x10; /* capability list */
	cfg[0x34] = 0x40;
	cfg[0x40] = 0x05; /* MSI, to walk past */
	cfg[0x41] = 0x50;
	cfg[0x50] = 0x11;
	cfg[0x51] = 0x00;
	cfg[0x52] = ctrl & 0xff;
	cfg[0x53] = ctrl >> 8;
	memcpy(&cfg[0x54], &table, 4);
	memcpy(&cfg[0x58], &pba, 4);
	fake_sysfs_set_config(&c->fs, bdf, cfg, sizeof(cfg));
}

static void test_msix_layout(void **state)
{
	struct ctx *c = *state;

	healthy_host(c);
	/* nvme-like: 64 vectors, table at BAR0+0x2000, PBA at 0x3000. */
	set_msix(c, "0000:01:00.0", 64, 0x2000 | 0, 0x3000 | 0);
	assert_int_equal(run(c), 0);
	assert_line(c, "0000:01:00.0", "device.msix", "OK",
		    "64 vectors, table in BAR0 at 0x2000 (1 KiB)",
		    "hold 3072 bytes besides");
	assert_line(c, "0000:01:00.0", "device.msix", "OK",
		    "BAR0 is 16 KiB, more than the table's pages", NULL);

	/* The PBA in the table's page is not "other registers". */
	set_msix(c, "0000:01:00.0", 128, 0x0, 0x800);
	assert_int_equal(run(c), 0);
	assert_line(c, "0000:01:00.0", "device.msix", "OK",
		    "hold 2032 bytes besides", NULL);

	/* A table that fills its page exactly. */
	set_msix(c, "0000:01:00.0", 256, 0x1000, 0x3000);
	assert_int_equal(run(c), 0);
	assert_line(c, "0000:01:00.0", "device.msix", "OK",
		    "the table fills its 4 KiB page(s)", NULL);

	/*
	 * 2048 vectors (32 KiB) at 0x2000 of a 16 KiB BAR: the table's
	 * pages inside the BAR are all table, not 2^64 - 24 KiB "besides".
	 */
	set_msix(c, "0000:01:00.0", 2048, 0x2000, 0x3000);
	assert_int_equal(run(c), 0);
	assert_line(c, "0000:01:00.0", "device.msix", "OK",
		    "the table fills its 4 KiB page(s)", NULL);
	assert_null(strstr(c->text, "bytes besides"));

	/* Table in BAR3: resource line 4 has no size → unknown. */
	set_msix(c, "0000:01:00.0", 5, 0x0 | 3, 0x2000 | 3);
	assert_int_equal(run(c), 0);
	assert_line(c, "0000:01:00.0", "device.msix", "OK",
		    "table in BAR3 at 0x0", "BAR3 is of unknown size");

	/* No capability list at all. */
	fake_sysfs_set_config(&c->fs, "0000:01:00.0",
			      (const uint8_t[64]){ 0x86, 0x80 }, 64);
	assert_int_equal(run(c), 0);
	assert_line(c, "0000:01:00.0", "device.msix", "OK", "no capability",
		    NULL);
}

/* ---- a tiny JSON checker ---- */

struct jp {
	const char *p;
	int depth;
};

static void jws(struct jp *j)
{
	while (isspace((unsigned char)*j->p))
		j->p++;
}

/* Parse a string into @out (unescaped, @len bytes); false on error. */
static bool jstring(struct jp *j, char *out, size_t len)
{
	size_t n = 0;

	if (*j->p != '"')
		return false;
	j->p++;
	while (*j->p && *j->p != '"') {
		char ch = *j->p++;

		if ((unsigned char)ch < 0x20)
			return false;
		if (ch == '\\') {
			ch = *j->p++;
			if (ch == 'u') {
				int i;

				for (i = 0; i < 4; i++)
					if (!isxdigit((unsigned char)*j->p++))
						return false;
				ch = '?';
			} else if (ch == 'n') {
				ch = '\n';
			} else if (ch == 't') {
				ch = '\t';
			} else if (ch == 'r') {
				ch = '\r';
			} else if (!strchr("\"\\/bf", ch)) {
				return false;
			}
		}
		if (out && n + 1 < len)
			out[n++] = ch;
	}
	if (out)
		out[n] = '\0';
	if (*j->p != '"')
		return false;
	j->p++;
	return true;
}

static bool jvalue(struct jp *j);

static bool jobject(struct jp *j)
{
	j->p++;
	jws(j);
	if (*j->p == '}') {
		j->p++;
		return true;
	}
	for (;;) {
		jws(j);
		if (!jstring(j, NULL, 0))
			return false;
		jws(j);
		if (*j->p++ != ':')
			return false;
		if (!jvalue(j))
			return false;
		jws(j);
		if (*j->p == ',') {
			j->p++;
			continue;
		}
		return *j->p++ == '}';
	}
}

static bool jarray(struct jp *j)
{
	j->p++;
	jws(j);
	if (*j->p == ']') {
		j->p++;
		return true;
	}
	for (;;) {
		if (!jvalue(j))
			return false;
		jws(j);
		if (*j->p == ',') {
			j->p++;
			continue;
		}
		return *j->p++ == ']';
	}
}

static bool jvalue(struct jp *j)
{
	jws(j);
	if (*j->p == '{')
		return jobject(j);
	if (*j->p == '[')
		return jarray(j);
	if (*j->p == '"')
		return jstring(j, NULL, 0);
	if (!strncmp(j->p, "true", 4) || !strncmp(j->p, "null", 4)) {
		j->p += 4;
		return true;
	}
	if (!strncmp(j->p, "false", 5)) {
		j->p += 5;
		return true;
	}
	if (isdigit((unsigned char)*j->p)) {
		while (isdigit((unsigned char)*j->p))
			j->p++;
		return true;
	}
	return false;
}

/*
 * Read the value of "key" in the object starting at @obj (flat objects
 * only) into @out; "null" for null. false when absent.
 */
static bool jfield(const char *obj, const char *key, char *out, size_t len)
{
	char needle[64];
	const char *end = strchr(obj, '}');
	const char *p;
	struct jp j;

	snprintf(needle, sizeof(needle), "\"%s\":", key);
	p = strstr(obj, needle);
	if (!p || (end && p > end))
		return false;
	j.p = p + strlen(needle);
	if (!strncmp(j.p, "null", 4)) {
		snprintf(out, len, "null");
		return true;
	}
	return jstring(&j, out, len);
}

static void test_json(void **state)
{
	static const char *const statuses[] = { "ok", "warn", "fail" };
	static const char *const texts[] = { "OK", "WARN", "FAIL" };
	struct ctx *c = *state;
	char *json, *p, id[64], dev[32], st[16], ev[1024], fix[512];
	char want[160];
	int nchecks = 0, i;
	struct jp j;

	healthy_host(c);
	/* Make it interesting: a warn (quote in the evidence: unknown IR), a
	 * fail, a null device and a non-null one. */
	snprintf(ev, sizeof(ev), "%s/class/iommu/dmar0/intel-iommu/ecap",
		 c->fs.sys);
	assert_int_equal(unlink(ev), 0);
	c->o.memlock_bytes = 4096;
	assert_int_equal(run(c), 1);
	p = strdup(c->text);
	c->o.json = true;
	assert_int_equal(run(c), 1);
	json = c->text;

	j.p = json;
	j.depth = 0;
	assert_true(jvalue(&j));
	jws(&j);
	assert_int_equal(*j.p, '\0');
	assert_true(
		!strncmp(json, "{\"version\":1,\"ok\":false,\"checks\":[", 34));
	assert_non_null(strstr(json, "\\\"No interrupt remapping support\\\""));

	/* Each check object matches a text line with the same status. */
	for (const char *o = strstr(json, "{\"id\":"); o;
	     o = strstr(o + 1, "{\"id\":")) {
		assert_true(jfield(o, "id", id, sizeof(id)));
		assert_true(jfield(o, "device", dev, sizeof(dev)));
		assert_true(jfield(o, "status", st, sizeof(st)));
		assert_true(jfield(o, "evidence", ev, sizeof(ev)));
		assert_true(jfield(o, "fix", fix, sizeof(fix)));
		for (i = 0; i < 3; i++)
			if (!strcmp(st, statuses[i]))
				break;
		assert_true(i < 3);
		snprintf(want, sizeof(want), "%-4s %s%s%s: ", texts[i],
			 strcmp(dev, "null") ? dev : "",
			 strcmp(dev, "null") ? " " : "", id);
		if (!strstr(p, want))
			fail_msg("JSON check \"%s\" not in text output", want);
		assert_non_null(strstr(p, ev));
		if (!strcmp(id, "host.memlock")) {
			assert_string_equal(st, "fail");
			assert_non_null(strstr(fix, "ulimit -l"));
		}
		if (!strcmp(id, "iommu.irq_remap"))
			assert_string_equal(st, "warn");
		if (!strcmp(id, "device.present"))
			assert_string_equal(dev, "0000:01:00.0");
		if (!strcmp(id, "iommu.enabled")) {
			assert_string_equal(dev, "null");
			assert_string_equal(fix, "null");
		}
		nchecks++;
	}
	/* Same number of checks as check lines in the text. */
	for (i = 0, c->len = 0; p[i]; i++)
		c->len += (i == 0 || p[i - 1] == '\n') &&
			  (!strncmp(p + i, "OK ", 3) ||
			   !strncmp(p + i, "WARN ", 5) ||
			   !strncmp(p + i, "FAIL ", 5));
	assert_int_equal(nchecks, (int)c->len);
	/* The fixes: the text's numbered list, in order, as JSON strings. */
	j.p = strstr(json, "],\"fixes\":[");
	assert_non_null(j.p);
	j.p += strlen("],\"fixes\":[");
	assert_true(c->nfix >= 1);
	for (i = 0; i < c->nfix; i++) {
		jws(&j);
		assert_true(jstring(&j, fix, sizeof(fix)));
		assert_string_equal(fix, c->fixes[i]);
		jws(&j);
		assert_int_equal(*j.p++, i + 1 < c->nfix ? ',' : ']');
	}
	free(p);

	/* All OK → "ok":true. */
	c->o.memlock_bytes = UINT64_MAX;
	fake_sysfs_write(&c->fs, "sys/class/iommu/dmar0/intel-iommu/ecap",
			 "8\n");
	assert_int_equal(run(c), 0);
	assert_true(!strncmp(c->text, "{\"version\":1,\"ok\":true,", 23));
}

/* Count the occurrences of @needle in @hay. */
static int count_of(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static void set_dmi(struct ctx *c, const char *vendor, const char *product)
{
	char text[128];

	snprintf(text, sizeof(text), "%s\n", vendor);
	fake_sysfs_write(&c->fs, "sys/class/dmi/id/sys_vendor", text);
	snprintf(text, sizeof(text), "%s\n", product);
	fake_sysfs_write(&c->fs, "sys/class/dmi/id/product_name", text);
}

static void set_cpu_flags(struct ctx *c, const char *flags)
{
	char text[256];

	snprintf(text, sizeof(text), "processor\t: 0\nflags\t\t: %s\n", flags);
	fake_sysfs_write(&c->fs, "proc/cpuinfo", text);
}

static void test_vm_without_iommu(void **state)
{
	static const char *const said =
		"this is a virtual machine (QEMU) with no virtual IOMMU: "
		"passthrough needs the hypervisor to give this VM one, e.g. "
		"QEMU -device intel-iommu, or run on bare metal";
	struct ctx *c = *state;
	int i;

	/* A QEMU guest without -device intel-iommu. */
	set_dmi(c, "QEMU", "Standard PC (Q35 + ICH9, 2009)");
	set_cpu_flags(c, "fpu vme hypervisor lahf_lm");
	assert_int_equal(run(c), 1);
	assert_line(c, NULL, "host.machine", "FAIL", said, NULL);
	assert_fix(c, NULL, "host.machine", "-device intel-iommu",
		   "bare metal");
	/* The IOMMU checks point at the same fix, listed once, first. */
	assert_string_equal(fix_for(c, NULL, "iommu.present"), c->fixes[0]);
	assert_string_equal(fix_for(c, NULL, "iommu.enabled"), c->fixes[0]);
	assert_string_equal(fix_for(c, NULL, "host.machine"), c->fixes[0]);
	/* ... and nobody is told to change the firmware setup. */
	assert_null(strstr(c->text, "firmware setup"));
	assert_null(strstr(c->text, "enable VT-d"));
	for (i = 0; i < c->nfix; i++)
		assert_null(strstr(c->fixes[i], "VT-d"));

	/* Hypervisor flag only: the CPUID vendor names it. */
	fake_sysfs_write(&c->fs, "sys/class/dmi/id/sys_vendor", "");
	fake_sysfs_write(&c->fs, "sys/class/dmi/id/product_name", "");
	c->o.hv_vendor = "KVMKVMKVM";
	run(c);
	assert_line(c, NULL, "host.machine", "FAIL",
		    "virtual machine (KVM) with no virtual IOMMU", "KVMKVMKVM");
	c->o.hv_vendor = "";
	run(c);
	assert_line(c, NULL, "host.machine", "FAIL",
		    "virtual machine (unknown hypervisor)", NULL);

	/* DMI alone is enough (a hypervisor hiding its CPUID bit). */
	set_cpu_flags(c, "fpu vme");
	set_dmi(c, "Microsoft Corporation", "Virtual Machine");
	run(c);
	assert_line(c, NULL, "host.machine", "FAIL", "(Microsoft Hyper-V)",
		    NULL);
	set_dmi(c, "Amazon EC2", "m5.large");
	run(c);
	assert_line(c, NULL, "host.machine", "FAIL", "(Amazon EC2)", NULL);
	set_dmi(c, "Google", "Google Compute Engine");
	run(c);
	assert_line(c, NULL, "host.machine", "FAIL", "(Google Compute Engine)",
		    NULL);
	set_dmi(c, "VMware, Inc.", "VMware Virtual Platform");
	run(c);
	assert_line(c, NULL, "host.machine", "FAIL", "(VMware)", NULL);

	/* A bare-metal cloud instance, and a Surface laptop, are not VMs. */
	set_dmi(c, "Amazon EC2", "m5.metal");
	run(c);
	assert_line(c, NULL, "host.machine", "OK", "bare metal", NULL);
	assert_fix(c, NULL, "iommu.present", "enable VT-d", "firmware setup");
	set_dmi(c, "Microsoft Corporation", "Surface Laptop 5");
	run(c);
	assert_line(c, NULL, "host.machine", "OK", "bare metal", NULL);

	/* A VM given a virtual IOMMU (the lab's L2) is fine. */
	set_dmi(c, "QEMU", "Standard PC (Q35 + ICH9, 2009)");
	set_cpu_flags(c, "fpu hypervisor");
	healthy_host(c);
	assert_int_equal(run(c), 0);
	assert_line(c, NULL, "host.machine", "OK",
		    "virtual machine (QEMU) with a virtual IOMMU (DMAR table)",
		    NULL);
}

static void test_kvm(void **state)
{
	struct ctx *c = *state;
	char path[512];

	healthy_host(c);
	assert_int_equal(run(c), 0);
	assert_line(c, NULL, "dev.kvm", "OK", "/kvm is accessible",
		    "kvm_intel is loaded, nested=Y");

	/* AMD, nesting off. */
	snprintf(path, sizeof(path), "%s/module/kvm_intel/parameters/nested",
		 c->fs.sys);
	assert_int_equal(remove(path), 0);
	snprintf(path, sizeof(path), "%s/module/kvm_intel/parameters",
		 c->fs.sys);
	assert_int_equal(remove(path), 0);
	snprintf(path, sizeof(path), "%s/module/kvm_intel", c->fs.sys);
	assert_int_equal(remove(path), 0);
	fake_sysfs_write(&c->fs, "sys/module/kvm_amd/parameters/nested", "0\n");
	run(c);
	assert_line(c, NULL, "dev.kvm", "OK", "kvm_amd is loaded, nested=0",
		    "cannot run KVM");

	/* Not accessible (meaningless for root, who may open anything). */
	snprintf(path, sizeof(path), "%s/kvm", c->fs.dev);
	if (geteuid()) {
		assert_int_equal(chmod(path, 0), 0);
		assert_int_equal(run(c), 1);
		assert_line(c, NULL, "dev.kvm", "FAIL", "no read/write access",
			    NULL);
		assert_fix(c, NULL, "dev.kvm", "usermod -aG kvm", NULL);
	}

	/* Missing, with the module loaded: dmesg, or a container. */
	assert_int_equal(remove(path), 0);
	assert_int_equal(run(c), 1);
	assert_fix(c, NULL, "dev.kvm", "dmesg", "--device /dev/kvm");

	/* Missing, no module, a VMX CPU: load kvm_intel. */
	snprintf(path, sizeof(path), "%s/module/kvm_amd/parameters/nested",
		 c->fs.sys);
	assert_int_equal(remove(path), 0);
	snprintf(path, sizeof(path), "%s/module/kvm_amd/parameters", c->fs.sys);
	assert_int_equal(remove(path), 0);
	snprintf(path, sizeof(path), "%s/module/kvm_amd", c->fs.sys);
	assert_int_equal(remove(path), 0);
	run(c);
	assert_line(c, NULL, "dev.kvm", "FAIL", "the CPU has VMX", NULL);
	assert_string_equal(fix_for(c, NULL, "dev.kvm"), "modprobe kvm_intel");
	set_cpu_flags(c, "fpu svm");
	run(c);
	assert_string_equal(fix_for(c, NULL, "dev.kvm"), "modprobe kvm_amd");

	/* No VMX/SVM: the firmware on bare metal, nesting in a VM. */
	set_cpu_flags(c, "fpu");
	run(c);
	assert_fix(c, NULL, "dev.kvm", "enable VT-x", "firmware setup");
	set_cpu_flags(c, "fpu hypervisor");
	run(c);
	assert_fix(c, NULL, "dev.kvm", "nested virtualization", NULL);
}

static void test_modules_cannot_load(void **state)
{
	struct ctx *c = *state;
	char path[512];
	int i;

	healthy_host(c);
	snprintf(path, sizeof(path), "%s/module/vfio_pci", c->fs.sys);
	assert_int_equal(remove(path), 0);
	assert_int_equal(run(c), 1);
	assert_string_equal(fix_for(c, NULL, "module.vfio_pci"),
			    "modprobe vfio-pci");

	/* No modules for the running kernel (a container, a bare kernel). */
	snprintf(path, sizeof(path), "%s/lib/modules/%s", c->fs.root,
		 FAKE_SYSFS_RELEASE);
	assert_int_equal(rmdir(path), 0);
	run(c);
	assert_line(c, NULL, "module.vfio_pci", "FAIL", "has no modules", NULL);
	assert_fix(c, NULL, "module.vfio_pci",
		   "apt install linux-image-" FAKE_SYSFS_RELEASE, "container");
	for (i = 0; i < c->nfix; i++)
		assert_int_not_equal(strncmp(c->fixes[i], "modprobe", 8), 0);
	/* /usr/lib/modules (merged /usr) counts as well. */
	fake_sysfs_mkdir(&c->fs, "usr/lib/modules/" FAKE_SYSFS_RELEASE);
	run(c);
	assert_string_equal(fix_for(c, NULL, "module.vfio_pci"),
			    "modprobe vfio-pci");

	/* nomodule on the command line. */
	fake_sysfs_write(&c->fs, "proc/cmdline",
			 "root=/dev/sda1 intel_iommu=on nomodule\n");
	run(c);
	assert_fix(c, NULL, "module.vfio_pci", "remove nomodule", NULL);
	assert_null(strstr(c->text, "modprobe vfio-pci"));

	/* modules_disabled = 1: nothing loads until a reboot. */
	fake_sysfs_write(&c->fs, "proc/cmdline",
			 "root=/dev/sda1 intel_iommu=on\n");
	fake_sysfs_write(&c->fs, "proc/sys/kernel/modules_disabled", "1\n");
	run(c);
	assert_fix(c, NULL, "module.vfio_pci", "until it reboots",
		   "modules-load.d");
	/* The same goes for /dev/kvm's module and /dev/vfio/vfio. */
	snprintf(path, sizeof(path), "%s/kvm", c->fs.dev);
	assert_int_equal(remove(path), 0);
	snprintf(path, sizeof(path), "%s/module/kvm_intel/parameters/nested",
		 c->fs.sys);
	assert_int_equal(remove(path), 0);
	snprintf(path, sizeof(path), "%s/module/kvm_intel/parameters",
		 c->fs.sys);
	assert_int_equal(remove(path), 0);
	snprintf(path, sizeof(path), "%s/module/kvm_intel", c->fs.sys);
	assert_int_equal(remove(path), 0);
	snprintf(path, sizeof(path), "%s/vfio/vfio", c->fs.dev);
	assert_int_equal(remove(path), 0);
	run(c);
	assert_fix(c, NULL, "dev.kvm", "until it reboots", NULL);
	assert_fix(c, NULL, "dev.vfio", "until it reboots", NULL);
	assert_null(strstr(c->text, "modprobe"));
	fake_sysfs_write(&c->fs, "proc/sys/kernel/modules_disabled", "0\n");
	run(c);
	assert_string_equal(fix_for(c, NULL, "dev.kvm"), "modprobe kvm_intel");
}

static void test_fixes_once_in_order_wrapped(void **state)
{
	struct ctx *c = *state;
	const char *p, *list;
	int i;

	/* Bare metal with the IOMMU off, no vfio modules, a low memlock
	 * limit and no hugepages; the device is on its own driver. */
	fake_sysfs_write(&c->fs, "sys/firmware/acpi/tables/DMAR", "DMAR");
	fake_sysfs_write(&c->fs, "proc/cpuinfo", "flags\t\t: fpu vmx\n");
	fake_sysfs_write(&c->fs, "dev/kvm", "");
	fake_sysfs_add_dev(&c->fs, "0000:01:00.0", 0x8086, 0x10d3, 0x020000, -1,
			   "e1000e");
	pci_addr_parse("0000:01:00.0", &c->devs[0]);
	c->o.ndevs = 1;
	c->o.memlock_bytes = 1 << 20;
	c->o.width = 60;
	assert_int_equal(run(c), 1);

	/* The kernel first, modules, access, the device, tuning last. */
	if (c->nfix != 5)
		fail_msg("%d fixes in:\n%s", c->nfix, c->text);
	assert_non_null(strstr(c->fixes[0], "intel_iommu=on"));
	assert_string_equal(c->fixes[1], "modprobe vfio-pci");
	assert_non_null(strstr(c->fixes[2], "ulimit -l"));
	assert_non_null(strstr(c->fixes[3], "passvm bind 0000:01:00.0"));
	assert_non_null(strstr(c->fixes[4], "transparent_hugepage/enabled"));
	/* Three modules, /dev/vfio/vfio: one fix, listed once; so is the
	 * IOMMU's for the host and the device. */
	assert_string_equal(fix_for(c, NULL, "module.vfio"), c->fixes[1]);
	assert_string_equal(fix_for(c, NULL, "dev.vfio"), c->fixes[1]);
	assert_string_equal(fix_for(c, "0000:01:00.0", "device.group"),
			    c->fixes[0]);
	list = strstr(c->text, "\nFixes, in order");
	assert_non_null(list);
	assert_int_equal(count_of(c->text, "modprobe vfio-pci"), 1);
	assert_int_equal(count_of(c->text, "add intel_iommu=on"), 1);
	assert_int_equal(count_of(c->text, " -- fix 1\n"), 3);
	assert_int_equal(count_of(c->text, " -- fix 2\n"), 4);
	/* The check lines come before the list. */
	assert_null(strstr(list, "FAIL "));
	/* Wrapped to the width, continuation lines indented; the verdict
	 * last. */
	for (p = list + 1; *p; p = strchr(p, '\n') + 1) {
		size_t n = strcspn(p, "\n"), k, words = 0;
		bool quoted = false;

		/* Longer only when it is one word after the lead. */
		for (k = 5; k < n; k++) {
			quoted ^= p[k] == '`';
			words += !quoted && p[k] == ' ';
		}
		if (n > 60 && words)
			fail_msg("line longer than 60: %.*s", (int)n, p);
	}
	assert_non_null(strstr(list, "\n     "));
	assert_true(strstr(c->text, "\nNOT READY: ") > list);
	/* A `quoted command` is never broken. */
	for (i = 0; i < c->nfix; i++)
		if (strstr(c->fixes[i], "`ulimit -l 262144`"))
			break;
	assert_true(i < c->nfix);
	assert_non_null(strstr(list, "`ulimit -l 262144`"));

	/* Nothing to fix: no list. */
	free(c->text);
	c->text = NULL;
	fake_sysfs_cleanup(&c->fs);
	assert_int_equal(fake_sysfs_init(&c->fs), 0);
	c->o.width = 0;
	c->o.memlock_bytes = 1ull << 30;
	c->o.ndevs = 0;
	healthy_host(c);
	assert_int_equal(run(c), 0);
	assert_null(strstr(c->text, "Fixes"));
	assert_int_equal(c->nfix, 0);
}

static void test_infrastructure_never_bound(void **state)
{
	struct ctx *c = *state;
	int i;

	healthy_host(c);
	/* An Intel desktop: the slot shares group 3 with the chipset. */
	fake_sysfs_add_dev(&c->fs, "0000:00:1f.0", 0x8086, 0xa305, 0x060100, 3,
			   "lpc_ich");
	fake_sysfs_add_dev(&c->fs, "0000:00:1f.3", 0x8086, 0xa348, 0x040300, 3,
			   "snd_hda_intel");
	fake_sysfs_add_dev(&c->fs, "0000:00:00.0", 0x8086, 0x3e30, 0x060000, 3,
			   "skl_uncore");
	assert_int_equal(run(c), 1);
	assert_line(c, "0000:01:00.0", "device.group_viable", "FAIL",
		    "0000:00:1f.0 (ISA bridge, lpc_ich)",
		    "0000:00:00.0 (host bridge, skl_uncore)");
	assert_fix(c, "0000:01:00.0", "device.group_viable",
		   "slot with an IOMMU group of its own", "ACS");
	assert_null(strstr(c->text, "passvm bind"));
	for (i = 0; i < c->nfix; i++)
		assert_null(strstr(c->fixes[i], "bind"));
	assert_line(c, "0000:01:00.0", "device.group", "OK",
		    "0000:00:1f.0 (lpc_ich, ISA bridge)", NULL);

	/* Without a driver they do not block: the audio function does,
	 * and binding the group is the fix. */
	fake_sysfs_set_driver(&c->fs, "0000:00:1f.0", NULL);
	fake_sysfs_set_driver(&c->fs, "0000:00:00.0", NULL);
	run(c);
	assert_line(c, "0000:01:00.0", "device.group_viable", "FAIL",
		    "0000:00:1f.3 is bound to snd_hda_intel", NULL);
	assert_string_equal(fix_for(c, "0000:01:00.0", "device.group_viable"),
			    "passvm bind --group 0000:01:00.0");

	/* A bridge asked about directly: not passable, no bind advice. */
	pci_addr_parse("0000:00:00.0", &c->devs[0]);
	run(c);
	assert_line(c, "0000:00:00.0", "device.present", "FAIL",
		    "class 0x060000 (host bridge)", "cannot be passed through");
	assert_null(strstr(c->text, "0000:00:00.0 device.driver"));
	assert_null(strstr(c->text, "passvm bind"));
}

static void test_repeated_devices_checked_once(void **state)
{
	struct ctx *c = *state;

	healthy_host(c);
	fake_sysfs_add_dev(&c->fs, "0000:02:00.0", 0x8086, 0x10d3, 0x020000, 4,
			   "vfio-pci");
	pci_addr_parse("01:00.0", &c->devs[1]);
	pci_addr_parse("0000:02:00.0", &c->devs[2]);
	pci_addr_parse("0000:01:00.0", &c->devs[3]);
	c->o.ndevs = 4;
	assert_int_equal(run(c), 0);
	assert_int_equal(count_of(c->text, "0000:01:00.0 device.present"), 1);
	assert_int_equal(count_of(c->text, "0000:01:00.0 device.group:"), 1);
	assert_int_equal(count_of(c->text, "0000:02:00.0 device.present"), 1);
}

static void test_kernel_version(void **state)
{
	static const struct {
		const char *s;
		unsigned int major, minor;
	} good[] = {
		{ "6.18.0", 6, 18 },
		{ "7.2.13", 7, 2 },
		{ "5.4", 5, 4 },
		{ "5.15.0-rc1", 5, 15 },
		{ "6.1.0-18-amd64", 6, 1 },
		{ "4.19.0", 4, 19 },
		{ "10.0", 10, 0 },
	};
	static const char *const bad[] = { "",	  "6",	  "6.", ".18",
					   "x.y", "v6.1", "6.x" };
	struct ctx *c = *state;
	unsigned int ma, mi;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ma = mi = 999;
		if (kernel_version_parse(good[i].s, &ma, &mi))
			fail_msg("rejected \"%s\"", good[i].s);
		assert_int_equal(ma, good[i].major);
		assert_int_equal(mi, good[i].minor);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (!kernel_version_parse(bad[i], &ma, &mi))
			fail_msg("accepted \"%s\"", bad[i]);

	/* No reset_method: "older than 5.15" only when it is. */
	healthy_host(c);
	{
		char path[512];

		snprintf(path, sizeof(path),
			 "%s/devices/pci0000:00/0000:01:00.0/reset_method",
			 c->fs.sys);
		assert_int_equal(remove(path), 0);
	}
	for (i = 0; i < 4; i++) {
		static const char *const rel[] = { "6.18.0\n", "7.2.13\n",
						   "5.15.0-rc1\n", "5.4\n" };

		fake_sysfs_write(&c->fs, "proc/sys/kernel/osrelease", rel[i]);
		run(c);
		if (i < 3) {
			assert_line(c, "0000:01:00.0", "device.reset", "WARN",
				    "has no reset method", NULL);
			assert_null(strstr(c->text, "older than"));
		} else {
			assert_line(c, "0000:01:00.0", "device.reset", "WARN",
				    "kernel 5.4 is older than 5.15", NULL);
		}
	}
}

static void test_cap_ipc_lock(void **state)
{
	struct ctx *c = *state;
	char path[512];

	assert_int_equal(host_cap_effective(c->fs.proc, CAP_IPC_LOCK), 0);
	fake_sysfs_write(&c->fs, "proc/self/status",
			 "Name:\tpassvm\nCapInh:\t0000000000004000\n"
			 "CapEff:\t000001ffffffffff\n");
	assert_int_equal(host_cap_effective(c->fs.proc, CAP_IPC_LOCK), 1);
	assert_int_equal(host_cap_effective(c->fs.proc, 63), 0);
	assert_int_equal(host_cap_effective(c->fs.proc, 64), -EINVAL);
	fake_sysfs_write(&c->fs, "proc/self/status", "CapEff:\tzz\n");
	assert_int_equal(host_cap_effective(c->fs.proc, CAP_IPC_LOCK), -EINVAL);
	fake_sysfs_write(&c->fs, "proc/self/status", "Name:\tpassvm\n");
	assert_int_equal(host_cap_effective(c->fs.proc, CAP_IPC_LOCK), -ENOENT);
	snprintf(path, sizeof(path), "%s/self/status", c->fs.proc);
	assert_int_equal(remove(path), 0);
	assert_int_equal(host_cap_effective(c->fs.proc, CAP_IPC_LOCK), -ENOENT);
}

/* Every key of the document and every check id is in the schema text. */
static void test_json_schema(void **state)
{
	static const char *const keys[] = { "version", "ok",	   "checks",
					    "fixes",   "id",	   "device",
					    "status",  "evidence", "fix" };
	struct ctx *c = *state;
	char id[64], line[256], *text = NULL;
	size_t i, len = 0;
	FILE *f, *src;
	int nids = 0;

	/* A run with every host check and every device check. */
	healthy_host(c);
	c->o.json = true;
	run(c);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char k[32];

		snprintf(k, sizeof(k), "\"%s\":", keys[i]);
		assert_non_null(strstr(c->text, k));
		snprintf(k, sizeof(k), "  %s ", keys[i]);
		if (!strstr(doctor_json_schema, k))
			fail_msg("key %s is not in the schema", keys[i]);
	}
	for (const char *o = strstr(c->text, "{\"id\":"); o;
	     o = strstr(o + 1, "{\"id\":")) {
		char want[80];

		assert_true(jfield(o, "id", id, sizeof(id)));
		snprintf(want, sizeof(want), "  %s ", id);
		if (!strstr(doctor_json_schema, want))
			fail_msg("check %s is not in the schema", id);
		nids++;
	}
	assert_true(nids >= 19);

	/* The man page's extraction rule gives back the same text. */
	src = fopen("host/doctor_json.c", "r");
	assert_non_null(src);
	f = open_memstream(&text, &len);
	while (fgets(line, sizeof(line), src)) {
		static bool on;
		size_t n = strlen(line);

		if (strstr(line, "doctor-json-schema: begin")) {
			on = true;
			continue;
		}
		if (strstr(line, "doctor-json-schema: end"))
			on = false;
		if (!on || strncmp(line, "\t\"", 2) || n < 6 ||
		    strcmp(line + n - 4, "\\n\"\n"))
			continue;
		assert_null(memchr(line + 2, '"', n - 6));
		assert_null(memchr(line + 2, '\\', n - 6));
		fprintf(f, "%.*s\n", (int)(n - 6), line + 2);
	}
	fclose(f);
	fclose(src);
	assert_string_equal(text, doctor_json_schema);
	free(text);
}

/* Which IOMMU interface passvm run will use, and why. */
static void test_iommu_backend(void **state)
{
	struct ctx *c = *state;
	struct fake_sysfs *fs = &c->fs;

	healthy_host(c);
	fake_sysfs_write(fs, "boot/config-" FAKE_SYSFS_RELEASE,
			 "CONFIG_VFIO=m\n# CONFIG_IOMMUFD is not set\n");
	assert_int_equal(run(c), 0);
	assert_line(c, NULL, "host.iommufd", "OK", "the type1 container",
		    "built without CONFIG_IOMMUFD");
	assert_line(c, "0000:01:00.0", "device.backend", "OK",
		    "the type1 container", NULL);

	/* /dev/iommu and the device's cdev: iommufd. */
	fake_sysfs_write(fs, "boot/config-" FAKE_SYSFS_RELEASE,
			 "CONFIG_IOMMUFD=y\nCONFIG_VFIO_DEVICE_CDEV=y\n");
	fake_sysfs_symlink(fs, "dev/iommu", "/dev/null");
	fake_sysfs_mkdir(fs, "sys/devices/pci0000:00/0000:01:00.0/vfio-dev/"
			     "vfio0");
	fake_sysfs_mkdir(fs, "dev/vfio/devices");
	fake_sysfs_write(fs, "dev/vfio/devices/vfio0", "");
	assert_int_equal(run(c), 0);
	assert_line(c, NULL, "host.iommufd", "OK", "will use iommufd", NULL);
	assert_line(c, NULL, "dev.iommu", "OK", "/iommu is accessible", NULL);
	assert_line(c, "0000:01:00.0", "device.backend", "OK",
		    "iommufd through its VFIO cdev", "vfio/devices/vfio0");

	/* /dev/iommu but no cdev: type1, and a warning naming the device. */
	fake_sysfs_write(
		fs, "boot/config-" FAKE_SYSFS_RELEASE,
		"CONFIG_IOMMUFD=y\n# CONFIG_VFIO_DEVICE_CDEV is not set\n");
	{
		char p[512];

		snprintf(
			p, sizeof(p),
			"%s/sys/devices/pci0000:00/0000:01:00.0/vfio-dev/vfio0",
			fs->root);
		rmdir(p);
	}
	assert_int_equal(run(c), 0);
	assert_line(c, "0000:01:00.0", "device.backend", "WARN",
		    "0000:01:00.0 has no VFIO device cdev",
		    "without CONFIG_VFIO_DEVICE_CDEV");
}

/* An SR-IOV PF at 0000:02:00.0 (igb) with two VFs made by the fake kernel
 * with autoprobe off; VF 1 on vfio-pci. */
static void sriov_host(struct ctx *c)
{
	char path[512];

	healthy_host(c);
	fake_sysfs_add_driver(&c->fs, "igbvf");
	fake_sysfs_add_dev(&c->fs, "0000:02:00.0", 0x8086, 0x10c9, 0x020000, 5,
			   "igb");
	fake_sysfs_add_pf(&c->fs, "0000:02:00.0", 7, 0x80, 2, 0x8086, 0x10ca,
			  30, "igbvf");
	fake_sysfs_add_net(&c->fs, "0000:02:00.0", "enp2s0", "up", 0x1003);
	fake_sysfs_dev_attr(&c->fs, "0000:02:00.0", "sriov_drivers_autoprobe",
			    "0\n");
	snprintf(path, sizeof(path),
		 "%s/bus/pci/devices/0000:02:00.0/sriov_numvfs", c->fs.sys);
	fake_sysfs_kernel(&c->fs, path, "2");
	fake_sysfs_set_driver(&c->fs, "0000:02:10.2", "vfio-pci");
	pci_addr_parse("0000:02:00.0", &c->devs[0]);
	pci_addr_parse("0000:02:10.2", &c->devs[1]);
	c->o.ndevs = 2;
}

static void test_sriov(void **state)
{
	struct ctx *c = *state;
	json_t *doc, *checks, *ck, *sr, *vfs;
	json_error_t jerr;
	size_t i;
	int seen = 0;

	sriov_host(c);
	assert_int_equal(run(c), 0);
	assert_line(
		c, "0000:02:00.0", "device.sriov", "OK",
		"SR-IOV PF with 2 of 7 VFs, driver igb, netdev enp2s0, autoprobe off",
		": VF 0 0000:02:10.0 (group 30, no driver); VF 1 0000:02:10.2 (group 31, vfio-pci)");
	assert_line(
		c, "0000:02:10.2", "device.sriov", "OK",
		"SR-IOV VF 1 of PF 0000:02:00.0 (driver igb, netdev enp2s0)",
		"passvm sriov 0000:02:00.0 --vf 1 --mac");
	/* A device that is neither gets no such check. */
	pci_addr_parse("0000:01:00.0", &c->devs[0]);
	c->o.ndevs = 1;
	run(c);
	assert_null(strstr(c->text, "device.sriov"));

	/* JSON: the sriov objects, parsed as any consumer would. */
	pci_addr_parse("0000:02:00.0", &c->devs[0]);
	c->o.ndevs = 2;
	c->o.json = true;
	run(c);
	doc = json_loads(c->text, 0, &jerr);
	if (!doc)
		fail_msg("not JSON: %s\n%s", jerr.text, c->text);
	checks = json_object_get(doc, "checks");
	json_array_foreach(checks, i, ck)
	{
		const char *id = json_string_value(json_object_get(ck, "id"));
		const char *dev =
			json_string_value(json_object_get(ck, "device"));

		sr = json_object_get(ck, "sriov");
		if (strcmp(id, "device.sriov")) {
			assert_null(sr);
			continue;
		}
		assert_non_null(sr);
		seen++;
		if (!strcmp(dev, "0000:02:00.0")) {
			assert_string_equal(
				json_string_value(json_object_get(sr, "role")),
				"pf");
			assert_int_equal(json_integer_value(json_object_get(
						 sr, "totalvfs")),
					 7);
			assert_int_equal(json_integer_value(
						 json_object_get(sr, "numvfs")),
					 2);
			assert_true(json_is_false(
				json_object_get(sr, "autoprobe")));
			assert_string_equal(json_string_value(json_object_get(
						    sr, "netdev")),
					    "enp2s0");
			vfs = json_object_get(sr, "vfs");
			assert_int_equal(json_array_size(vfs), 2);
			assert_string_equal(
				json_string_value(json_object_get(
					json_array_get(vfs, 1), "device")),
				"0000:02:10.2");
			assert_int_equal(
				json_integer_value(json_object_get(
					json_array_get(vfs, 1), "group")),
				31);
			assert_string_equal(
				json_string_value(json_object_get(
					json_array_get(vfs, 1), "driver")),
				"vfio-pci");
			assert_true(json_is_null(json_object_get(
				json_array_get(vfs, 0), "driver")));
		} else {
			assert_string_equal(dev, "0000:02:10.2");
			assert_string_equal(
				json_string_value(json_object_get(sr, "role")),
				"vf");
			assert_string_equal(
				json_string_value(json_object_get(sr, "pf")),
				"0000:02:00.0");
			assert_int_equal(json_integer_value(
						 json_object_get(sr, "index")),
					 1);
		}
	}
	assert_int_equal(seen, 2);
	json_decref(doc);
	/* Every key of the sriov objects is in the schema. */
	{
		static const char *const keys[] = {
			"sriov",     "role",   "totalvfs",    "numvfs",
			"autoprobe", "driver", "netdev",      "vfs",
			"pf",	     "index",  "device.sriov"
		};
		char k[32];

		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			snprintf(k, sizeof(k), "  %s ", keys[i]);
			if (!strstr(doctor_json_schema, k))
				fail_msg("%s is not in the schema", keys[i]);
		}
	}
}

/* VFs left by a passvm run that died: warn, and say how to clean up. */
static void test_sriov_left_over(void **state)
{
	struct ctx *c = *state;
	char state_dir[256];

	sriov_host(c);
	c->o.ndevs = 1;
	snprintf(state_dir, sizeof(state_dir), "%s/sriov", c->fs.root);
	c->o.sriov_state = state_dir;
	fake_sysfs_write(&c->fs, "sriov/0000:02:00.0",
			 "autoprobe 1\nowner 2147483646\n");
	assert_int_equal(run(c), 0); /* a warning only */
	assert_line(c, "0000:02:00.0", "device.sriov", "WARN",
		    "made by a passvm run (pid 2147483646) that is gone",
		    "autoprobe off (was on)");
	assert_string_equal(fix_for(c, "0000:02:00.0", "device.sriov"),
			    "passvm sriov 0000:02:00.0 --remove");
	/* The owner is alive (this process): fine. */
	{
		char rec[64];

		snprintf(rec, sizeof(rec), "autoprobe 1\nowner %d\n",
			 (int)getpid());
		fake_sysfs_write(&c->fs, "sriov/0000:02:00.0", rec);
	}
	run(c);
	assert_line(c, "0000:02:00.0", "device.sriov", "OK", "2 of 7 VFs",
		    NULL);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_all_ok),
		T(test_no_iommu),
		T(test_group_not_viable),
		T(test_memlock),
		T(test_irq_remap),
		T(test_modules_dev_and_missing_device),
		T(test_msix_layout),
		T(test_json),
		T(test_vm_without_iommu),
		T(test_kvm),
		T(test_modules_cannot_load),
		T(test_fixes_once_in_order_wrapped),
		T(test_infrastructure_never_bound),
		T(test_repeated_devices_checked_once),
		T(test_kernel_version),
		T(test_cap_ipc_lock),
		T(test_json_schema),
		T(test_iommu_backend),
		T(test_sriov),
		T(test_sriov_left_over),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
