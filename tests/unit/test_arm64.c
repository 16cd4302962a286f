// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for arm64's KVM-free parts: the Image header and placement
 * (arch/arm64/image.c: kernel at RAM base + text_offset, device tree at
 * the top of the 32 GiB window, initrd below it; an x86 bzImage, a gzip
 * file or an older kernel refused naming what it is), the RAM layout
 * around the SMMU's MSI window and other reserved ranges
 * (ARM64_LAYOUT_RULES with memory/layout.c), and the MSI policy without
 * an ITS (arch/arm64/msi_policy.h).
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

#include "arch/arm64/image.h"
#include "arch/arm64/layout.h"
#include "arch/arm64/msi_policy.h"
#include "firmware/kernel_format.h"

#define KLEN 0x10000
#define RAM (64 * SZ_1M)

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* An Image header (booting.rst §4) in front of a recognisable body. */
static void make_image(uint8_t *img, size_t len, uint64_t text_offset,
		       uint64_t image_size, uint64_t flags)
{
	for (size_t i = 0; i < len; i++)
		img[i] = (uint8_t)(i * 13 + 1);
	memcpy(img, "MZ\0\0", 4); /* code0: the EFI stub's "MZ" */
	put64(img + 8, text_offset);
	put64(img + 16, image_size);
	put64(img + 24, flags);
	memset(img + 32, 0, 24);
	memcpy(img + 0x38, "ARM\x64", 4);
}

static void test_header(void **state)
{
	static uint8_t img[4096];
	struct arm64_image_info info;
	struct pv_error e = { "" };

	make_image(img, sizeof(img), 0, 0x1ab0000, 0xa); /* Debian's 6.1 */
	assert_int_equal(arm64_image_parse(img, sizeof(img), &info, &e), 0);
	assert_int_equal(info.text_offset, 0);
	assert_int_equal(info.image_size, 0x1ab0000);
	assert_int_equal(info.page_kib, 4);
	assert_int_equal(kernel_format_of(img, sizeof(img)),
			 KERNEL_ARM64_IMAGE);
	assert_string_equal(kernel_format_name(img, sizeof(img)),
			    "an arm64 Image");

	make_image(img, sizeof(img), 0x80000, 0x1000000, 0x6);
	assert_int_equal(arm64_image_parse(img, sizeof(img), &info, &e), 0);
	assert_int_equal(info.text_offset, 0x80000);
	assert_int_equal(info.page_kib, 64);

	/* Big-endian, pre-3.17 (image_size 0), a text_offset past 2 MiB. */
	make_image(img, sizeof(img), 0, 0x1000000, 0x1);
	assert_int_equal(arm64_image_parse(img, sizeof(img), &info, &e),
			 -ENOEXEC);
	assert_non_null(strstr(e.msg, "big-endian"));
	make_image(img, sizeof(img), 0x80000, 0, 0);
	assert_int_equal(arm64_image_parse(img, sizeof(img), &info, &e),
			 -ENOEXEC);
	assert_non_null(strstr(e.msg, "3.17"));
	make_image(img, sizeof(img), 0x200000, 0x1000000, 0);
	assert_int_equal(arm64_image_parse(img, sizeof(img), &info, &e),
			 -ENOEXEC);
	assert_non_null(strstr(e.msg, "inconsistent"));
	assert_int_equal(arm64_image_parse(img, 32, &info, &e), -ENOEXEC);
}

/* What passvm says when --kernel is not an arm64 Image: what it is. */
static void test_wrong_format(void **state)
{
	static uint8_t img[4096];
	struct arm64_image_info info;
	struct pv_error e = { "" };

	memset(img, 0, sizeof(img));
	memcpy(img + 0x202, "HdrS", 4);
	assert_int_equal(arm64_image_parse(img, sizeof(img), &info, &e),
			 -ENOEXEC);
	assert_non_null(strstr(e.msg, "is an x86 bzImage, not an arm64 Image"));
	assert_non_null(strstr(e.msg, "x86_64"));

	memset(img, 0, sizeof(img));
	memcpy(img, "\x1f\x8b\x08", 3);
	assert_int_equal(arm64_image_parse(img, sizeof(img), &info, &e),
			 -ENOEXEC);
	assert_non_null(strstr(e.msg, "a gzip-compressed file"));
	assert_non_null(strstr(e.msg, "zcat"));

	memset(img, 0, sizeof(img));
	memcpy(img, "\177ELF", 4);
	img[18] = 183; /* EM_AARCH64 */
	assert_int_equal(arm64_image_parse(img, sizeof(img), &info, &e),
			 -ENOEXEC);
	assert_non_null(strstr(e.msg, "an ELF file for arm64"));

	memset(img, 0, sizeof(img));
	memcpy(img, "MZ\0\0zimg", 8);
	assert_int_equal(arm64_image_parse(img, sizeof(img), &info, &e),
			 -ENOEXEC);
	assert_non_null(strstr(e.msg, "zboot"));
}

static char kpath[64], ipath[64];

static void write_file(char *path, const uint8_t *data, size_t len)
{
	int fd;

	strcpy(path, "/tmp/passvm-arm64-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void test_load(void **state)
{
	static uint8_t img[KLEN], initrd[100000];
	uint8_t *ram = calloc(1, RAM);
	struct arm64_boot_args a = {
		.kernel_path = kpath,
		.initrd_path = ipath,
		.ram = ram,
		.ram_base = ARM64_RAM_BASE,
		.ram_size = RAM,
	};
	struct arm64_boot_result r;
	struct pv_error e = { "" };

	assert_non_null(ram);
	make_image(img, sizeof(img), 0x80000, 0x400000, 0xa);
	for (size_t i = 0; i < sizeof(initrd); i++)
		initrd[i] = (uint8_t)(i * 7);
	write_file(kpath, img, sizeof(img));
	write_file(ipath, initrd, sizeof(initrd));

	if (arm64_boot_load(&a, &r, &e))
		fail_msg("arm64_boot_load: %s", e.msg);
	assert_int_equal(r.kernel_gpa, ARM64_RAM_BASE + 0x80000);
	assert_int_equal(r.kernel_end, ARM64_RAM_BASE + 0x80000 + 0x400000);
	assert_memory_equal(ram + 0x80000, img, sizeof(img));
	/* device tree: the last 2 MiB block; initrd page aligned below it */
	assert_int_equal(r.dtb_gpa, ARM64_RAM_BASE + RAM - ARM64_DTB_MAX);
	assert_int_equal(r.initrd_size, sizeof(initrd));
	assert_int_equal(r.initrd_gpa % 4096, 0);
	assert_true(r.initrd_gpa + r.initrd_size <= r.dtb_gpa);
	assert_true(r.dtb_gpa - (r.initrd_gpa + r.initrd_size) < 4096);
	assert_memory_equal(ram + (r.initrd_gpa - ARM64_RAM_BASE), initrd,
			    sizeof(initrd));

	/* The kernel's image_size and the tree do not fit in 4 MiB. */
	a.ram_size = 4 * SZ_1M;
	assert_int_equal(arm64_boot_load(&a, &r, &e), -E2BIG);
	assert_non_null(strstr(e.msg, "give more --mem"));

	/* A file shorter than its header's image_size is fine; longer not. */
	a.ram_size = RAM;
	make_image(img, sizeof(img), 0, 0x1000, 0);
	write_file(kpath, img, sizeof(img));
	assert_int_equal(arm64_boot_load(&a, &r, &e), -ENOEXEC);
	assert_non_null(strstr(e.msg, "corrupt"));

	/* The kernel file is missing: its path in the message. */
	a.kernel_path = "/nonexistent/Image";
	assert_int_equal(arm64_boot_load(&a, &r, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "/nonexistent/Image"));
	unlink(kpath);
	unlink(ipath);
	free(ram);
}

/* RAM from 1 GiB up, around what the SMMU reserves. */
static void test_layout(void **state)
{
	const struct layout_rules rules = ARM64_LAYOUT_RULES;
	struct layout_range resv[] = {
		{ 0x8000000, 0x100000 }, /* the SMMUv3's "msi" window */
		{ 0x50000000, 0x200000 }, /* a "direct" region inside RAM */
	};
	struct guest_layout l;
	struct pv_error e = { "" };

	assert_int_equal(layout_compute(&l, &rules, SZ_1G, 40, resv, 1, &e), 0);
	assert_int_equal(l.nr_ram, 1);
	assert_int_equal(l.ram[0].base, ARM64_RAM_BASE);
	assert_int_equal(l.ram[0].size, SZ_1G);
	assert_int_equal(l.low_ram_end, ARM64_RAM_BASE + SZ_1G);
	assert_true(l.mmio64_base >= ARM64_RAM_BASE + SZ_1G);
	assert_true(l.mmio64_base + l.mmio64_size <= 1ull << 40);

	assert_int_equal(layout_compute(&l, &rules, SZ_1G, 40, resv, 2, &e), 0);
	assert_int_equal(l.nr_ram, 2);
	assert_int_equal(l.ram[0].base, ARM64_RAM_BASE);
	assert_int_equal(l.ram[0].size, 0x10000000);
	assert_int_equal(l.ram[1].base, 0x50200000);
	assert_int_equal(l.ram[0].size + l.ram[1].size, SZ_1G);

	/* Where the kernel must go: no way around it. */
	resv[1].base = ARM64_RAM_BASE + 0x100000;
	assert_int_equal(layout_compute(&l, &rules, SZ_1G, 40, resv, 2, &e),
			 -ERANGE);
	assert_non_null(strstr(e.msg, "the guest kernel"));
}

static void test_msi_policy(void **state)
{
	/* its, msi, msix, intx */
	assert_int_equal(arm64_msi_verdict(true, true, true, false),
			 ARM64_MSI_OK);
	assert_int_equal(arm64_msi_verdict(false, false, false, true),
			 ARM64_MSI_OK);
	assert_int_equal(arm64_msi_verdict(false, false, true, true),
			 ARM64_MSI_INTX_ONLY);
	assert_int_equal(arm64_msi_verdict(false, true, false, false),
			 ARM64_MSI_REFUSE);
	assert_int_equal(arm64_msi_verdict(false, false, true, false),
			 ARM64_MSI_REFUSE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_wrong_format),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_msi_policy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
