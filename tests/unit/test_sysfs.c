// SPDX-License-Identifier: GPL-2.0
/* Unit tests for host/sysfs.c and host/pci_addr.c against a fake sysfs tree. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fake_sysfs.h"
#include "host/sysfs.h"

static int setup(void **state)
{
	static struct fake_sysfs fs;

	if (fake_sysfs_init(&fs))
		return -1;
	*state = &fs;
	return 0;
}

static int teardown(void **state)
{
	fake_sysfs_cleanup(*state);
	return 0;
}

static void test_parse_forms(void **state)
{
	struct pci_addr a;
	char buf[PCI_ADDR_STRLEN];

	assert_int_equal(pci_addr_parse("0000:01:00.0", &a), 0);
	assert_int_equal(a.domain, 0);
	assert_int_equal(a.bus, 1);
	assert_int_equal(a.dev, 0);
	assert_int_equal(a.fn, 0);

	assert_int_equal(pci_addr_parse("02:1f.7", &a), 0);
	assert_int_equal(a.domain, 0);
	assert_int_equal(a.bus, 2);
	assert_int_equal(a.dev, 0x1f);
	assert_int_equal(a.fn, 7);

	assert_int_equal(pci_addr_parse("ABCD:Ef:0A.3", &a), 0);
	assert_int_equal(a.domain, 0xabcd);
	assert_int_equal(a.bus, 0xef);
	assert_int_equal(a.dev, 0x0a);
	pci_addr_format(&a, buf);
	assert_string_equal(buf, "abcd:ef:0a.3");
}

static void test_parse_rejects(void **state)
{
	static const char *const bad[] = {
		"",
		"0000:01:00.8",
		"01:00.8",
		"0000:01:20.0",
		"01:20.0",
		"0000:01:00",
		"0000:01:00.0 ",
		"0000:01:00.0\n",
		"x000:01:00.0",
		"0000-01:00.0",
		"0000:01.00.0",
		"1:00.0",
		"000:01:00.0",
		"00000:01:00.0",
		"0000:01:00.a",
		"0000:01:00.-1",
		"0000:g1:00.0",
		"junk",
	};
	struct pci_addr a = { 0x1234, 5, 6, 7 };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (pci_addr_parse(bad[i], &a) != -EINVAL)
			fail_msg("accepted \"%s\"", bad[i]);
	}
	/* A rejected parse leaves the output untouched. */
	assert_int_equal(a.domain, 0x1234);
	assert_int_equal(pci_addr_parse(NULL, &a), -EINVAL);
}

static void test_ids_driver_group(void **state)
{
	struct fake_sysfs *fs = *state;
	struct pci_addr a, missing;
	uint16_t v = 0, d = 0;
	uint32_t c = 0;
	char drv[32] = "x";
	int g = -1;

	assert_int_equal(fake_sysfs_add_dev(fs, "0000:01:00.0", 0x8086, 0x10d3,
					    0x020000, 7, "e1000e"),
			 0);
	pci_addr_parse("0000:01:00.0", &a);
	pci_addr_parse("0000:09:00.0", &missing);

	assert_int_equal(sysfs_pci_exists(fs->sys, &a), 1);
	assert_int_equal(sysfs_pci_exists(fs->sys, &missing), 0);
	assert_int_equal(sysfs_pci_ids(fs->sys, &a, &v, &d, &c), 0);
	assert_int_equal(v, 0x8086);
	assert_int_equal(d, 0x10d3);
	assert_int_equal(c, 0x020000);
	assert_int_equal(sysfs_pci_ids(fs->sys, &missing, &v, &d, &c), -ENOENT);

	assert_int_equal(sysfs_pci_driver(fs->sys, &a, drv, sizeof(drv)), 0);
	assert_string_equal(drv, "e1000e");
	fake_sysfs_set_driver(fs, "0000:01:00.0", NULL);
	assert_int_equal(sysfs_pci_driver(fs->sys, &a, drv, sizeof(drv)), 0);
	assert_string_equal(drv, "");
	assert_int_equal(sysfs_pci_driver(fs->sys, &missing, drv, sizeof(drv)),
			 -ENOENT);

	assert_int_equal(sysfs_iommu_group(fs->sys, &a, &g), 0);
	assert_int_equal(g, 7);
	assert_int_equal(sysfs_iommu_group(fs->sys, &missing, &g), -ENOENT);
}

static void test_no_group_is_enodev(void **state)
{
	struct fake_sysfs *fs = *state;
	struct pci_addr a;
	int g = 42;

	fake_sysfs_add_dev(fs, "0000:00:02.0", 0x1234, 0x1111, 0x030000, -1,
			   NULL);
	pci_addr_parse("00:02.0", &a);
	assert_int_equal(sysfs_iommu_group(fs->sys, &a, &g), -ENODEV);
	assert_int_equal(g, 42);
}

static void test_group_members_sorted(void **state)
{
	struct fake_sysfs *fs = *state;
	struct pci_addr out[8];
	char buf[PCI_ADDR_STRLEN];
	int n;

	/* Added out of order; one non-PCI member must be ignored. */
	fake_sysfs_add_dev(fs, "0000:03:00.1", 1, 2, 0x020000, 4, NULL);
	fake_sysfs_add_dev(fs, "0000:00:1c.0", 1, 2, 0x060400, 4, NULL);
	fake_sysfs_add_dev(fs, "0001:00:00.0", 1, 2, 0x020000, 4, NULL);
	fake_sysfs_add_dev(fs, "0000:03:00.0", 1, 2, 0x020000, 4, NULL);
	fake_sysfs_symlink(fs, "sys/kernel/iommu_groups/4/devices/AMDI0010:00",
			   "../../../../devices/platform/AMDI0010:00");

	n = sysfs_group_devices(fs->sys, 4, out, 8);
	assert_int_equal(n, 4);
	pci_addr_format(&out[0], buf);
	assert_string_equal(buf, "0000:00:1c.0");
	pci_addr_format(&out[1], buf);
	assert_string_equal(buf, "0000:03:00.0");
	pci_addr_format(&out[2], buf);
	assert_string_equal(buf, "0000:03:00.1");
	pci_addr_format(&out[3], buf);
	assert_string_equal(buf, "0001:00:00.0");

	/* Truncated output still reports the full count, smallest first. */
	memset(out, 0xff, sizeof(out));
	n = sysfs_group_devices(fs->sys, 4, out, 2);
	assert_int_equal(n, 4);
	pci_addr_format(&out[1], buf);
	assert_string_equal(buf, "0000:03:00.0");
	assert_int_equal(out[2].domain, 0xffff);

	assert_int_equal(sysfs_group_devices(fs->sys, 99, out, 8), -ENOENT);
}

static void test_reserved_regions(void **state)
{
	struct fake_sysfs *fs = *state;
	struct iova_resv r[4];
	int n;

	fake_sysfs_write(fs, "sys/kernel/iommu_groups/3/reserved_regions",
			 "0x00000000fee00000 0x00000000feefffff msi\n"
			 "0x000000fd00000000 0x000000ffffffffff reserved\n"
			 "0x00000000000a0000 0x00000000000bffff direct\n");
	n = sysfs_group_reserved(fs->sys, 3, r, 4);
	assert_int_equal(n, 3);
	assert_true(r[0].start == 0xfee00000ull);
	assert_true(r[0].end == 0xfeefffffull);
	assert_string_equal(r[0].type, "msi");
	assert_true(r[1].start == 0xfd00000000ull);
	assert_true(r[1].end == 0xffffffffffull);
	assert_string_equal(r[1].type, "reserved");
	assert_string_equal(r[2].type, "direct");

	/* Count exceeds @max; only the first is stored. */
	memset(r, 0, sizeof(r));
	assert_int_equal(sysfs_group_reserved(fs->sys, 3, r, 1), 3);
	assert_true(r[0].start == 0xfee00000ull);
	assert_true(r[1].start == 0);

	/* Empty file: no regions. */
	fake_sysfs_write(fs, "sys/kernel/iommu_groups/5/reserved_regions", "");
	assert_int_equal(sysfs_group_reserved(fs->sys, 5, r, 4), 0);

	/* Garbage and inverted ranges are errors, missing group -ENOENT. */
	fake_sysfs_write(fs, "sys/kernel/iommu_groups/6/reserved_regions",
			 "0xfee00000 msi\n");
	assert_int_equal(sysfs_group_reserved(fs->sys, 6, r, 4), -EINVAL);
	fake_sysfs_write(fs, "sys/kernel/iommu_groups/6/reserved_regions",
			 "0x2000 0x1000 msi\n");
	assert_int_equal(sysfs_group_reserved(fs->sys, 6, r, 4), -EINVAL);
	assert_int_equal(sysfs_group_reserved(fs->sys, 77, r, 4), -ENOENT);
}

/* Every form a user may type names the same device. */
static void test_parse_arg_forms(void **state)
{
	static const char *const forms[] = {
		"0000:01:00.0",
		"01:00.0",
		"/sys/bus/pci/devices/0000:01:00.0",
		"/sys/bus/pci/devices/0000:01:00.0/",
		"/sys/bus/pci/devices/0000:01:00.0//",
		"/sys/bus/pci/devices/01:00.0",
		"path=/sys/bus/pci/devices/0000:01:00.0/",
		"host=0000:01:00.0",
		"host=01:00.0",
	};
	static const char *const bad[] = {
		"",
		"garbage",
		"host=",
		"host=0000:01:00.8",
		"host=/sys/bus/pci/devices/0000:01:00.0",
		"HOST=01:00.0",
		"path=0000:01:00.0",
		"/sys/bus/pci/devices/",
		"/sys/bus/pci/devices/junk",
		"/sys/devices/pci0000:00/0000:01:00.0",
		"sys/bus/pci/devices/0000:01:00.0",
		"01:00.0/",
		"01:00.0,managed",
		" 01:00.0",
	};
	struct pci_addr a, want = { 0, 1, 0, 0 };
	size_t i;

	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		memset(&a, 0xff, sizeof(a));
		if (pci_addr_parse_arg(forms[i], strlen(forms[i]), &a))
			fail_msg("rejected \"%s\"", forms[i]);
		assert_true(pci_addr_equal(&a, &want));
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		a = (struct pci_addr){ 0x1234, 5, 6, 7 };
		if (pci_addr_parse_arg(bad[i], strlen(bad[i]), &a) != -EINVAL)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_int_equal(a.domain, 0x1234);
	}
	/* @len bounds the text: the part before ",managed". */
	assert_int_equal(pci_addr_parse_arg("host=01:00.0,managed", 12, &a), 0);
	assert_true(pci_addr_equal(&a, &want));
	assert_int_equal(pci_addr_parse_arg("01:00.0", 0, &a), -EINVAL);
	assert_int_equal(pci_addr_parse_arg(NULL, 3, &a), -EINVAL);
}

static void test_addr_list(void **state)
{
	struct pci_addr_list l = { 0 };
	struct pv_error e = { "" };
	char buf[PCI_ADDR_STRLEN];
	int i;

	assert_int_equal(pci_addr_list_add(&l, "01:00.0", &e), 0);
	assert_int_equal(pci_addr_list_add(&l, "host=0000:01:00.0", &e), 1);
	assert_int_equal(
		pci_addr_list_add(&l, "/sys/bus/pci/devices/0000:01:00.0/", &e),
		1);
	assert_int_equal(pci_addr_list_add(&l, "0000:02:00.1", &e), 0);
	assert_int_equal(pci_addr_list_add(&l, "0000:01:00.0", &e), 1);
	assert_int_equal(l.n, 2);
	pci_addr_format(&l.a[0], buf);
	assert_string_equal(buf, "0000:01:00.0");
	pci_addr_format(&l.a[1], buf);
	assert_string_equal(buf, "0000:02:00.1");

	assert_int_equal(pci_addr_list_add(&l, "01:00", &e), -EINVAL);
	assert_non_null(strstr(e.msg, "'01:00'"));
	assert_non_null(strstr(e.msg, "host=0000:01:00.0"));
	assert_non_null(strstr(e.msg, "/sys/bus/pci/devices/0000:01:00.0"));
	assert_int_equal(l.n, 2);

	/* It grows past its first allocation. */
	for (i = 0; i < 20; i++) {
		snprintf(buf, sizeof(buf), "%02x:00.0", 0x10 + i);
		assert_int_equal(pci_addr_list_add(&l, buf, &e), 0);
	}
	assert_int_equal(l.n, 22);
	assert_int_equal(l.a[21].bus, 0x10 + 19);
	pci_addr_list_free(&l);
	assert_null(l.a);
	assert_int_equal(l.n, 0);
}

static void test_infra_class(void **state)
{
	struct fake_sysfs *fs = *state;
	struct pci_addr a;
	uint32_t cls = 0;

	fake_sysfs_add_dev(fs, "0000:00:00.0", 0x8086, 0x3e30, 0x060000, 1,
			   NULL);
	fake_sysfs_add_dev(fs, "0000:00:1c.0", 0x8086, 0xa110, 0x060400, 2,
			   "pcieport");
	fake_sysfs_add_dev(fs, "0000:01:00.0", 0x8086, 0x10d3, 0x020000, 3,
			   "e1000e");
	pci_addr_parse("00:00.0", &a);
	assert_true(sysfs_pci_is_infra(fs->sys, &a, &cls));
	assert_int_equal(cls, 0x060000);
	assert_false(sysfs_pci_is_bridge(fs->sys, &a));
	pci_addr_parse("00:1c.0", &a);
	assert_true(sysfs_pci_is_infra(fs->sys, &a, NULL));
	assert_true(sysfs_pci_is_bridge(fs->sys, &a));
	pci_addr_parse("01:00.0", &a);
	assert_false(sysfs_pci_is_infra(fs->sys, &a, &cls));
	pci_addr_parse("09:00.0", &a);
	assert_false(sysfs_pci_is_infra(fs->sys, &a, &cls));

	assert_string_equal(pci_bridge_kind(0x060000), "host bridge");
	assert_string_equal(pci_bridge_kind(0x060100), "ISA bridge");
	assert_string_equal(pci_bridge_kind(0x060400), "PCI bridge");
	assert_string_equal(pci_bridge_kind(0x060401), "PCI bridge");
	assert_string_equal(pci_bridge_kind(0x068000), "bridge");
	assert_string_equal(pci_bridge_kind(0x020000), "bridge");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_forms),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_parse_arg_forms),
		cmocka_unit_test(test_addr_list),
		cmocka_unit_test_setup_teardown(test_infra_class, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ids_driver_group, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_group_is_enodev, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_group_members_sorted,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_reserved_regions, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
