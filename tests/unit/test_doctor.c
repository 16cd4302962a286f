// SPDX-License-Identifier: GPL-2.0
/* Unit tests for vfio/doctor.c against a fake host. */
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

#include "fake_sysfs.h"
#include "host/doctor.h"

struct ctx {
	struct fake_sysfs fs;
	struct doctor_opts o;
	struct pci_addr devs[4];
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
	c.o.devs = c.devs;
	c.o.mem_bytes = 256ull << 20;
	c.o.fake_memlock = true;
	c.o.memlock_bytes = 1ull << 30;
	*state = &c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

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
	fake_sysfs_write(fs,
			 "sys/kernel/mm/hugepages/hugepages-2048kB/"
			 "free_hugepages",
			 "1024\n");
	fake_sysfs_add_dev(fs, "0000:01:00.0", 0x8086, 0x10d3, 0x020000, 3,
			   "vfio-pci");
	pci_addr_parse("0000:01:00.0", &c->devs[0]);
	c->o.ndevs = 1;
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
	assert_line(c, NULL, "iommu.enabled", "FAIL", "intel_iommu=on",
		    "amd_iommu=on");
	assert_line(c, "0000:01:00.0", "device.group", "FAIL", "no IOMMU group",
		    "intel_iommu=on");
	assert_non_null(strstr(c->text, "NOT READY"));

	/* AMD firmware table but IOMMU off: the fix names amd_iommu=on. */
	fake_sysfs_write(&c->fs, "sys/firmware/acpi/tables/IVRS", "IVRS");
	fake_sysfs_write(&c->fs, "proc/cmdline",
			 "root=/dev/sda1 amd_iommu=off\n");
	assert_int_equal(run(c), 1);
	assert_line(c, NULL, "iommu.present", "OK", "IVRS", NULL);
	assert_line(c, NULL, "iommu.enabled", "FAIL", "amd_iommu=on", NULL);
	assert_line(c, NULL, "iommu.cmdline", "FAIL", "amd_iommu=off",
		    "remove");
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
		    "0000:01:00.1 is bound to e1000e",
		    "fix: passvm bind --group 0000:01:00.0");
	{
		char *l = line_for(c, "0000:01:00.0", "device.group_viable");

		/* The bridge and the pci-stub member are not blamed. */
		assert_null(strstr(l, "0000:00:1c.0"));
		assert_null(strstr(l, "0000:01:00.2"));
		free(l);
	}
	/* The member list is sorted and shows every driver. */
	assert_line(c, "0000:01:00.0", "device.group", "OK",
		    "0000:00:1c.0 (pcieport, bridge), 0000:01:00.0 (vfio-pci), "
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
	assert_line(c, NULL, "host.memlock", "FAIL", "fix: ulimit -l 262144",
		    NULL);

	/* --mem 3G needs a bigger limit. */
	c->o.memlock_bytes = 1ull << 30;
	c->o.mem_bytes = 3ull << 30;
	assert_int_equal(run(c), 1);
	assert_line(c, NULL, "host.memlock", "FAIL", "ulimit -l 3145728", NULL);
	/* ... and too few hugepages only warn. */
	assert_line(c, NULL, "host.hugepages", "WARN", "1024 free",
		    "1536 needed");
	assert_line(c, NULL, "host.hugepages", "WARN",
		    "fix: echo advise | sudo tee", "shmem_enabled");
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
	assert_line(c, NULL, "host.hugepages", "WARN", "are never", NULL);

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
	assert_line(c, NULL, "iommu.irq_remap", "FAIL", "dmar1",
		    "allow_unsafe_interrupts");
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
	assert_line(c, NULL, "module.vfio_pci", "FAIL", "modprobe vfio-pci",
		    NULL);
	assert_line(c, NULL, "module.vfio", "OK", NULL, NULL);
	assert_line(c, NULL, "dev.vfio", "FAIL", "/vfio/vfio", NULL);
	assert_line(c, "0000:01:00.0", "device.reset", "WARN", "empty", NULL);
	assert_line(c, "0000:0a:00.0", "device.present", "FAIL", "lspci -D",
		    NULL);
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
	/* Same number of checks as text lines (minus the summary line). */
	for (i = 0, c->len = 0; p[i]; i++)
		c->len += p[i] == '\n';
	assert_int_equal(nchecks, (int)c->len - 1);
	free(p);

	/* All OK → "ok":true. */
	c->o.memlock_bytes = UINT64_MAX;
	fake_sysfs_write(&c->fs, "sys/class/iommu/dmar0/intel-iommu/ecap",
			 "8\n");
	assert_int_equal(run(c), 0);
	assert_true(!strncmp(c->text, "{\"version\":1,\"ok\":true,", 23));
}

static void test_json_escaping(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	doctor_json_string(f, "a\"b\\c\nd\te\x01 f\x7f");
	fclose(f);
	assert_string_equal(buf, "\"a\\\"b\\\\c\\nd\\te\\u0001 f\\u007f\"");
	free(buf);
}

static void test_cli_usage(void **state)
{
	char *badmem[] = { "doctor", "--mem", "lots", NULL };
	char *nomem[] = { "doctor", "--mem", NULL };
	char *unknown[] = { "doctor", "--bogus", NULL };
	char *badbdf[] = { "doctor", "01:00", NULL };
	char *help[] = { "doctor", "--help", NULL };
	FILE *saved = stdout;

	stdout = fopen("/dev/null", "w");
	assert_int_equal(doctor_main(3, badmem), 2);
	assert_int_equal(doctor_main(2, nomem), 2);
	assert_int_equal(doctor_main(2, unknown), 2);
	assert_int_equal(doctor_main(2, badbdf), 2);
	assert_int_equal(doctor_main(2, help), 0);
	fclose(stdout);
	stdout = saved;
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
		cmocka_unit_test(test_json_escaping),
		cmocka_unit_test(test_cli_usage),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
