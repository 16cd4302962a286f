// SPDX-License-Identifier: GPL-2.0
/*
 * acpi_build(): tables followed from the RSDP the way an OS does, fields
 * checked at the byte offsets of the ACPI 6.4 specification, the DSDT's
 * _S5 and _PRT decoded from the AML, and every table disassembled by
 * `iasl -d` when iasl is installed.
 */
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

#include "firmware/acpi.h"
#include "arch/x86/layout.h"

#define RAM_SIZE 0x100000

static uint16_t get16(const uint8_t *p, size_t off)
{
	return (uint16_t)(p[off] | p[off + 1] << 8);
}

static uint32_t get32(const uint8_t *p, size_t off)
{
	return get16(p, off) | (uint32_t)get16(p, off + 2) << 16;
}

static uint64_t get64(const uint8_t *p, size_t off)
{
	return get32(p, off) | (uint64_t)get32(p, off + 4) << 32;
}

static void put_u32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint8_t sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s += *p++;
	return s;
}

static struct acpi_config config(unsigned int nr_cpus)
{
	struct acpi_config c = {
		.nr_cpus = nr_cpus,
		.lapic_addr = 0xfee00000,
		.ioapic_addr = 0xfec00000,
		.ioapic_id = 3,
		.ecam_base = 0xe0000000,
		.ecam_end_bus = 0,
		.pm_base = 0x600,
		.reset_port = 0xcf9,
		.sci_irq = 9,
		.mmio64_base = 0x8000000000ull,
		.mmio64_size = 0x4000000000ull,
	};

	return c;
}

struct tables {
	uint8_t *ram;
	uint64_t rsdp, xsdt, fadt, facs, dsdt, madt, mcfg;
};

/* Check a table's header at @gpa; returns a pointer to it. */
static const uint8_t *table(const struct tables *t, uint64_t gpa,
			    const char *sig, uint8_t rev)
{
	const uint8_t *p;
	uint32_t len;

	assert_true(gpa >= ACPI_TABLES_GPA);
	assert_true(gpa < ACPI_TABLES_GPA + ACPI_TABLES_SIZE);
	p = t->ram + gpa;
	assert_memory_equal(p, sig, 4);
	len = get32(p, 4);
	assert_true(len >= 36);
	assert_true(gpa + len <= ACPI_TABLES_GPA + ACPI_TABLES_SIZE);
	assert_int_equal(p[8], rev);
	assert_int_equal(sum(p, len), 0);
	assert_memory_equal(p + 10, "PASSVM", 6);
	return p;
}

/* Build for @nr_cpus and follow RSDP -> XSDT -> FADT -> FACS/DSDT. */
static void build(struct tables *t, unsigned int nr_cpus)
{
	struct acpi_config c = config(nr_cpus);
	struct pv_error e = { "" };
	const uint8_t *r, *x, *f;
	uint32_t i, n;

	memset(t, 0, sizeof(*t));
	t->ram = malloc(RAM_SIZE);
	assert_non_null(t->ram);
	memset(t->ram, 0xcc, RAM_SIZE);
	assert_int_equal(acpi_build(t->ram, &c, &t->rsdp, &e), 0);

	/* RSDP (5.2.5.3), 16-byte aligned in the BIOS area for scanning. */
	assert_int_equal(t->rsdp % 16, 0);
	assert_true(t->rsdp >= 0xe0000 && t->rsdp < 0x100000);
	r = t->ram + t->rsdp;
	assert_memory_equal(r, "RSD PTR ", 8);
	assert_int_equal(sum(r, 20), 0);
	assert_int_equal(r[15], 2);
	assert_int_equal(get32(r, 20), 36);
	assert_int_equal(sum(r, 36), 0);
	assert_memory_equal(r + 9, "PASSVM", 6);
	t->xsdt = get64(r, 24);

	x = table(t, t->xsdt, "XSDT", 1);
	n = (get32(x, 4) - 36) / 8;
	assert_int_equal(get32(x, 4), 36 + 8 * n);
	for (i = 0; i < n; i++) {
		uint64_t gpa = get64(x, 36 + 8 * i);
		const uint8_t *p = t->ram + gpa;

		if (!memcmp(p, "FACP", 4)) {
			assert_int_equal(t->fadt, 0);
			t->fadt = gpa;
		} else if (!memcmp(p, "APIC", 4)) {
			assert_int_equal(t->madt, 0);
			t->madt = gpa;
		} else if (!memcmp(p, "MCFG", 4)) {
			assert_int_equal(t->mcfg, 0);
			t->mcfg = gpa;
		} else {
			fail_msg("unexpected table %.4s in the XSDT", p);
		}
	}
	assert_int_not_equal(t->fadt, 0);
	assert_int_not_equal(t->madt, 0);
	assert_int_not_equal(t->mcfg, 0);
	f = table(t, t->fadt, "FACP", 6);
	assert_int_equal(get32(f, 4), 276);
	table(t, t->madt, "APIC", 5);
	table(t, t->mcfg, "MCFG", 1);

	/* FACS and DSDT: 32-bit and X_ pointers agree. */
	t->facs = get32(f, 36);
	assert_int_equal(get64(f, 132), t->facs);
	t->dsdt = get32(f, 40);
	assert_int_equal(get64(f, 140), t->dsdt);
}

static void release(struct tables *t)
{
	free(t->ram);
}

static void test_fadt(void **state)
{
	struct tables t;
	const uint8_t *f;
	uint32_t flags;

	build(&t, 2);
	f = t.ram + t.fadt;
	assert_int_equal(get16(f, 46), 9); /* SCI_INT */
	assert_int_equal(get32(f, 48), 0); /* SMI_CMD: ACPI mode */
	assert_int_equal(get32(f, 56), 0x600); /* PM1a_EVT_BLK */
	assert_int_equal(get32(f, 60), 0); /* PM1b_EVT_BLK */
	assert_int_equal(get32(f, 64), 0x604); /* PM1a_CNT_BLK */
	assert_int_equal(get32(f, 76), 0); /* PM_TMR_BLK */
	assert_int_equal(f[88], 4); /* PM1_EVT_LEN */
	assert_int_equal(f[89], 2); /* PM1_CNT_LEN */
	assert_int_equal(f[91], 0); /* PM_TMR_LEN */
	assert_int_equal(get16(f, 109) & 0x02, 0); /* no 8042 */
	assert_int_equal(get16(f, 109) & 0x04, 0x04); /* no VGA */
	assert_int_equal(get16(f, 109) & 0x10, 0x10); /* ASPM controls */
	flags = get32(f, 112);
	assert_int_equal(flags & (1u << 0), 1u << 0); /* WBINVD */
	assert_int_equal(flags & (1u << 2), 1u << 2); /* PROC_C1 */
	/* PWR_BUTTON clear: the fixed power button --timeout presses. */
	assert_int_equal(flags & (1u << 4), 0);
	assert_int_equal(flags & (1u << 5), 1u << 5); /* SLP_BUTTON */
	assert_int_equal(flags & (1u << 10), 1u << 10); /* RESET_REG_SUP */
	assert_int_equal(flags & (1u << 20), 0); /* not HW_REDUCED_ACPI */
	/* RESET_REG: GAS in I/O space, 8 bits at 0xcf9; RESET_VALUE. */
	assert_int_equal(f[116], 1);
	assert_int_equal(f[117], 8);
	assert_int_equal(get64(f, 120), 0xcf9);
	assert_int_equal(f[128], ACPI_RESET_VALUE);
	/* X_PM1a_EVT_BLK (148) and X_PM1a_CNT_BLK (172). */
	assert_int_equal(f[148], 1);
	assert_int_equal(f[149], 32);
	assert_int_equal(get64(f, 152), 0x600);
	assert_int_equal(f[172], 1);
	assert_int_equal(f[173], 16);
	assert_int_equal(get64(f, 176), 0x604);
	/* X_PM_TMR_BLK (208) empty. */
	assert_int_equal(get64(f, 212), 0);
	release(&t);
}

static void test_facs(void **state)
{
	struct tables t;
	const uint8_t *p;

	build(&t, 2);
	assert_int_equal(t.facs % 64, 0);
	p = t.ram + t.facs;
	assert_memory_equal(p, "FACS", 4);
	assert_int_equal(get32(p, 4), 64);
	release(&t);
}

static void check_madt(unsigned int nr_cpus)
{
	struct tables t;
	const uint8_t *m;
	uint32_t len, off;
	unsigned int lapics = 0, ioapics = 0, nmis = 0, iso9 = 0;
	uint8_t seen[256] = { 0 };

	build(&t, nr_cpus);
	m = t.ram + t.madt;
	len = get32(m, 4);
	assert_int_equal(get32(m, 36), 0xfee00000);
	assert_int_equal(get32(m, 40) & 1, 1); /* PCAT_COMPAT */
	for (off = 44; off < len; off += m[off + 1]) {
		const uint8_t *s = m + off;

		assert_true(s[1] >= 2 && off + s[1] <= len);
		switch (s[0]) {
		case 0: /* Processor Local APIC */
			assert_int_equal(s[1], 8);
			assert_int_equal(s[3], lapics); /* IDs in order */
			assert_int_equal(get32(s, 4) & 1, 1);
			seen[s[3]]++;
			lapics++;
			break;
		case 1: /* I/O APIC */
			assert_int_equal(s[1], 12);
			assert_int_equal(s[2], 3);
			assert_int_equal(get32(s, 4), 0xfec00000);
			assert_int_equal(get32(s, 8), 0);
			ioapics++;
			break;
		case 2: /* Interrupt Source Override */
			assert_int_equal(s[1], 10);
			assert_int_not_equal(s[3], 0); /* PIT stays on GSI 0 */
			if (s[3] == 9) {
				assert_int_equal(get32(s, 4), 9);
				assert_int_equal(get16(s, 8), 0x000d);
				iso9++;
			}
			break;
		case 4: /* Local APIC NMI */
			assert_int_equal(s[1], 6);
			assert_int_equal(s[2], 0xff);
			assert_int_equal(s[5], 1); /* LINT1 */
			nmis++;
			break;
		default:
			fail_msg("unexpected MADT entry type %u", s[0]);
		}
	}
	assert_int_equal(off, len);
	assert_int_equal(lapics, nr_cpus);
	assert_int_equal(ioapics, 1);
	assert_int_equal(iso9, 1);
	assert_int_equal(nmis, 1);
	for (off = 0; off < nr_cpus; off++)
		assert_int_equal(seen[off], 1);
	release(&t);
}

static void test_madt(void **state)
{
	check_madt(1);
	check_madt(2);
	check_madt(7);
	check_madt(255);
}

static void test_bad_cpu_count(void **state)
{
	struct acpi_config c = config(0);
	struct pv_error e = { "" };
	uint8_t *ram = calloc(1, RAM_SIZE);
	uint64_t rsdp = 1;

	assert_int_equal(acpi_build(ram, &c, &rsdp, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "1 to 255"));
	c.nr_cpus = 256;
	assert_int_equal(acpi_build(ram, &c, &rsdp, &e), -EINVAL);
	assert_int_equal(rsdp, 1);
	free(ram);
}

static void test_mcfg(void **state)
{
	struct tables t;
	const uint8_t *m;

	build(&t, 2);
	m = t.ram + t.mcfg;
	assert_int_equal(get32(m, 4), 44 + 16);
	assert_int_equal(get64(m, 44), 0xe0000000);
	assert_int_equal(get16(m, 52), 0); /* segment */
	assert_int_equal(m[54], 0); /* start bus */
	assert_int_equal(m[55], 0); /* end bus */
	release(&t);
}

static void test_params_block(void **state)
{
	struct tables t;

	build(&t, 2);
	assert_int_equal(get64(t.ram, ACPI_PARAMS_GPA), 0x8000000000ull);
	assert_int_equal(get64(t.ram, ACPI_PARAMS_GPA + 8), 0x4000000000ull);
	release(&t);
}

/* AML decoding, ACPI 6.4 sec. 20.2: just enough for _S5 and _PRT. */
static uint32_t pkg_length(const uint8_t *p, uint32_t *bytes)
{
	uint32_t n = p[0] >> 6, len, i;

	if (!n) {
		*bytes = 1;
		return p[0] & 0x3f;
	}
	len = p[0] & 0x0f;
	for (i = 0; i < n; i++)
		len |= (uint32_t)p[1 + i] << (4 + 8 * i);
	*bytes = n + 1;
	return len;
}

static uint64_t aml_int(const uint8_t **pp)
{
	const uint8_t *p = *pp;

	switch (p[0]) {
	case 0x00:
		*pp += 1;
		return 0;
	case 0x01:
		*pp += 1;
		return 1;
	case 0x0a:
		*pp += 2;
		return p[1];
	case 0x0b:
		*pp += 3;
		return get16(p, 1);
	case 0x0c:
		*pp += 5;
		return get32(p, 1);
	case 0x0e:
		*pp += 9;
		return get64(p, 1);
	}
	fail_msg("not an AML integer: opcode 0x%02x", p[0]);
	return 0;
}

/* Find "Name (@name, Package" in the AML; returns the first element. */
static const uint8_t *find_name_package(const uint8_t *aml, uint32_t len,
					const char *name, uint32_t *count)
{
	uint32_t i, n;

	for (i = 0; i + 6 < len; i++) {
		if (aml[i] != 0x08 || memcmp(aml + i + 1, name, 4) ||
		    aml[i + 5] != 0x12)
			continue;
		pkg_length(aml + i + 6, &n);
		*count = aml[i + 6 + n];
		return aml + i + 7 + n;
	}
	fail_msg("no Name (%s, Package) in the DSDT", name);
	return NULL;
}

static void test_dsdt(void **state)
{
	struct tables t;
	const uint8_t *d, *p;
	uint32_t len, count, i, hits[32][4] = { { 0 } };

	build(&t, 2);
	d = table(&t, t.dsdt, "DSDT", 2);
	len = get32(d, 4);
	assert_int_equal(len, (uint32_t)(dsdt_aml_end - dsdt_aml));
	assert_memory_equal(d, dsdt_aml, len);
	assert_int_equal(sum(dsdt_aml, len), 0); /* iasl's own checksum */

	p = find_name_package(d + 36, len - 36, "_S5_", &count);
	assert_int_equal(count, 4);
	assert_int_equal(aml_int(&p), ACPI_S5_SLP_TYP);
	assert_int_equal(aml_int(&p), ACPI_S5_SLP_TYP);

	/* _PRT: slot.pin -> GSI 16 + (slot + pin) % 8, each exactly once. */
	p = find_name_package(d + 36, len - 36, "_PRT", &count);
	assert_int_equal(count, 128);
	for (i = 0; i < count; i++) {
		uint32_t n, plen;
		uint64_t addr, pin, src, gsi;
		const uint8_t *start;

		assert_int_equal(p[0], 0x12);
		plen = pkg_length(p + 1, &n);
		start = p + 1;
		assert_int_equal(p[1 + n], 4);
		p += 2 + n;
		addr = aml_int(&p);
		pin = aml_int(&p);
		src = aml_int(&p);
		gsi = aml_int(&p);
		assert_int_equal(p, start + plen);
		assert_int_equal(addr & 0xffff, 0xffff);
		assert_true((addr >> 16) < 32 && pin < 4);
		assert_int_equal(src, 0);
		assert_int_equal(gsi, 16 + ((addr >> 16) + pin) % 8);
		hits[addr >> 16][pin]++;
	}
	for (i = 0; i < 128; i++)
		assert_int_equal(hits[i / 4][i % 4], 1);
	release(&t);
}

/*
 * \_SB.VRDT: _HID "PSVM0001" (no driver binds it) and one Memory32Fixed
 * (ACPI 6.4 sec. 6.4.3.4: tag 0x86, length 9, read-write) for the
 * verdict page at LAYOUT_VERDICT_BASE.
 */
static void test_dsdt_verdict(void **state)
{
	static const uint8_t hid[] = { 0x08, '_', 'H', 'I', 'D', 0x0d, 'P', 'S',
				       'V',  'M', '0', '0', '0', '1',  0x00 };
	uint8_t mem[12] = { 0x86, 0x09, 0x00, 0x01 };
	struct tables t;
	const uint8_t *d;
	uint32_t len;

	put_u32(mem + 4, (uint32_t)LAYOUT_VERDICT_BASE);
	put_u32(mem + 8, (uint32_t)LAYOUT_VERDICT_SIZE);
	build(&t, 1);
	d = t.ram + t.dsdt;
	len = get32(d, 4);
	assert_non_null(memmem(d, len, "VRDT", 4));
	assert_non_null(memmem(d, len, hid, sizeof(hid)));
	assert_non_null(memmem(d, len, mem, sizeof(mem)));
	release(&t);
}

static int have_iasl(void)
{
	return system("command -v iasl >/dev/null 2>&1") == 0;
}

static void dump(const char *dir, const char *name, const uint8_t *p,
		 uint32_t len)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.dat", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Disassemble @name.dat; fail on a non-zero exit or a flagged problem. */
static void disassemble(const char *dir, const char *name)
{
	char cmd[512];
	int ret;

	snprintf(cmd, sizeof(cmd),
		 "cd %s && iasl -d %s.dat >%s.log 2>&1 && test -s %s.dsl && "
		 "! grep -Eqi 'incorrect checksum|invalid|error' %s.dsl",
		 dir, name, name, name, name);
	ret = system(cmd);
	if (ret) {
		snprintf(cmd, sizeof(cmd), "cat %s/%s.log %s/%s.dsl", dir, name,
			 dir, name);
		(void)!system(cmd);
		fail_msg("iasl -d %s.dat failed (status %d)", name, ret);
	}
}

static void test_iasl_disassembles(void **state)
{
	char dir[] = "/tmp/passvm-acpi-XXXXXX";
	char cmd[128];
	struct tables t;

	if (!have_iasl())
		skip();
	assert_non_null(mkdtemp(dir));
	build(&t, 2);
	/*
	 * The RSDP has no table header, so iasl -d (20200925) cannot take
	 * it as a binary file; build() has checked it byte by byte.
	 */
	dump(dir, "xsdt", t.ram + t.xsdt, get32(t.ram + t.xsdt, 4));
	dump(dir, "facp", t.ram + t.fadt, get32(t.ram + t.fadt, 4));
	dump(dir, "facs", t.ram + t.facs, 64);
	dump(dir, "dsdt", t.ram + t.dsdt, get32(t.ram + t.dsdt, 4));
	dump(dir, "apic", t.ram + t.madt, get32(t.ram + t.madt, 4));
	dump(dir, "mcfg", t.ram + t.mcfg, get32(t.ram + t.mcfg, 4));
	disassemble(dir, "xsdt");
	disassemble(dir, "facp");
	disassemble(dir, "facs");
	disassemble(dir, "dsdt");
	disassemble(dir, "apic");
	disassemble(dir, "mcfg");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	(void)!system(cmd);
	release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fadt),
		cmocka_unit_test(test_facs),
		cmocka_unit_test(test_madt),
		cmocka_unit_test(test_bad_cpu_count),
		cmocka_unit_test(test_mcfg),
		cmocka_unit_test(test_params_block),
		cmocka_unit_test(test_dsdt),
		cmocka_unit_test(test_dsdt_verdict),
		cmocka_unit_test(test_iasl_disassembles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
