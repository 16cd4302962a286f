// SPDX-License-Identifier: GPL-2.0
/*
 * bzimage_parse() on synthetic setup headers built byte by byte at the
 * offsets of Documentation/arch/x86/boot.rst (not through passvm's own
 * structs, so a wrong struct layout shows up here).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "firmware/linux_boot.h"

#define IMG_LEN (64 * 1024)
#define SETUP_SECTS 27

static void put16(uint8_t *p, size_t off, uint16_t v)
{
	p[off] = (uint8_t)v;
	p[off + 1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, size_t off, uint32_t v)
{
	put16(p, off, (uint16_t)v);
	put16(p, off + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, size_t off, uint64_t v)
{
	put32(p, off, (uint32_t)v);
	put32(p, off + 4, (uint32_t)(v >> 32));
}

/* A plausible bzImage of @len bytes with boot protocol @proto. */
static void make_image(uint8_t *img, size_t len, uint16_t proto,
		       uint8_t setup_sects)
{
	size_t setup = ((setup_sects ? setup_sects : 4) + 1) * 512u;
	size_t i;

	memset(img, 0, len);
	img[0x1f1] = setup_sects;
	put32(img, 0x1f4, (uint32_t)((len - setup) / 16));
	put16(img, 0x1fe, 0xaa55);
	img[0x200] = 0xeb;
	img[0x201] = 0x6a; /* header ends at 0x26c */
	memcpy(img + 0x202, "HdrS", 4);
	put16(img, 0x206, proto);
	img[0x211] = 0x01; /* LOADED_HIGH */
	put32(img, 0x22c, 0x7fffffff);
	put32(img, 0x230, 0x200000);
	img[0x234] = 1;
	put16(img, 0x236, proto >= 0x020c ? 0x0001 : 0);
	put32(img, 0x238, 2047);
	put64(img, 0x258, 0x1000000);
	put32(img, 0x260, 0x800000);
	for (i = setup; i < len; i++)
		img[i] = (uint8_t)(i * 7);
}

static void test_valid(void **state)
{
	static uint8_t img[IMG_LEN];
	struct bzimage_info bi;
	struct pv_error e = { "" };

	make_image(img, sizeof(img), 0x020f, SETUP_SECTS);
	assert_int_equal(bzimage_parse(img, sizeof(img), &bi, &e), 0);
	assert_int_equal(bi.protocol, 0x020f);
	assert_int_equal(bi.setup_size, (SETUP_SECTS + 1) * 512);
	assert_int_equal(bi.kernel_size, IMG_LEN - (SETUP_SECTS + 1) * 512);
	assert_int_equal(bi.initrd_addr_max, 0x7fffffff);
	assert_int_equal(bi.cmdline_size, 2047);
	assert_int_equal(bi.init_size, 0x800000);
	assert_int_equal(bi.pref_address, 0x1000000);
	assert_int_equal(bi.kernel_alignment, 0x200000);
	assert_true(bi.relocatable);
	assert_true(bi.xloadflags_64);
}

static void test_setup_sects_zero_means_four(void **state)
{
	static uint8_t img[IMG_LEN];
	struct bzimage_info bi;
	struct pv_error e = { "" };

	make_image(img, sizeof(img), 0x020f, 0);
	assert_int_equal(bzimage_parse(img, sizeof(img), &bi, &e), 0);
	assert_int_equal(bi.setup_size, 5 * 512);
	assert_int_equal(bi.kernel_size, IMG_LEN - 5 * 512);
}

static void test_bad_magic(void **state)
{
	static uint8_t img[IMG_LEN];
	struct bzimage_info bi;
	struct pv_error e = { "" };

	make_image(img, sizeof(img), 0x020f, SETUP_SECTS);
	img[0x205] = 'X';
	assert_int_equal(bzimage_parse(img, sizeof(img), &bi, &e), -ENOEXEC);
	assert_non_null(strstr(e.msg, "HdrS"));
	assert_non_null(strstr(e.msg, "pass a bzImage"));

	/* An ELF vmlinux is the usual mistake. */
	memset(img, 0, 4096);
	memcpy(img, "\177ELF", 4);
	assert_int_equal(bzimage_parse(img, sizeof(img), &bi, &e), -ENOEXEC);
	assert_non_null(strstr(e.msg, "bzImage"));
	assert_non_null(strstr(e.msg, "it is an ELF file"));

	/* An arm64 Image given to the x86 passvm: said so, and what to use. */
	memset(img, 0, 4096);
	memcpy(img, "MZ", 2);
	memcpy(img + 0x38, "ARM\x64", 4);
	assert_int_equal(bzimage_parse(img, sizeof(img), &bi, &e), -ENOEXEC);
	assert_non_null(
		strstr(e.msg, "it is an arm64 Image, not an x86 bzImage"));
	assert_non_null(strstr(e.msg, "make ARCH=arm64"));
}

static void test_bad_boot_flag(void **state)
{
	static uint8_t img[IMG_LEN];
	struct bzimage_info bi;
	struct pv_error e = { "" };

	make_image(img, sizeof(img), 0x020f, SETUP_SECTS);
	put16(img, 0x1fe, 0);
	assert_int_equal(bzimage_parse(img, sizeof(img), &bi, &e), -ENOEXEC);
}

static void test_old_protocol(void **state)
{
	static uint8_t img[IMG_LEN];
	struct bzimage_info bi;
	struct pv_error e = { "" };

	make_image(img, sizeof(img), 0x0205, SETUP_SECTS);
	assert_int_equal(bzimage_parse(img, sizeof(img), &bi, &e), -ENOEXEC);
	assert_non_null(strstr(e.msg, "2.05"));
	assert_non_null(strstr(e.msg, "2.06"));
	assert_non_null(strstr(e.msg, "newer"));

	/* 2.06 is the oldest accepted; no init_size, so it is estimated. */
	make_image(img, sizeof(img), 0x0206, SETUP_SECTS);
	assert_int_equal(bzimage_parse(img, sizeof(img), &bi, &e), 0);
	assert_int_equal(bi.init_size, 4 * bi.kernel_size);
	assert_int_equal(bi.pref_address, 0);
}

static void test_no_64bit_entry(void **state)
{
	static uint8_t img[IMG_LEN];
	struct bzimage_info bi;
	struct pv_error e = { "" };

	/* >= 2.12 must say XLF_KERNEL_64. */
	make_image(img, sizeof(img), 0x020f, SETUP_SECTS);
	put16(img, 0x236, 0x0002);
	assert_int_equal(bzimage_parse(img, sizeof(img), &bi, &e), -ENOEXEC);
	assert_non_null(strstr(e.msg, "XLF_KERNEL_64"));
	assert_non_null(strstr(e.msg, "x86_64"));

	/* 2.11 has no xloadflags: accepted, flag reported as absent. */
	make_image(img, sizeof(img), 0x020b, SETUP_SECTS);
	assert_int_equal(bzimage_parse(img, sizeof(img), &bi, &e), 0);
	assert_false(bi.xloadflags_64);
}

static void test_zimage(void **state)
{
	static uint8_t img[IMG_LEN];
	struct bzimage_info bi;
	struct pv_error e = { "" };

	make_image(img, sizeof(img), 0x020f, SETUP_SECTS);
	img[0x211] = 0;
	assert_int_equal(bzimage_parse(img, sizeof(img), &bi, &e), -ENOEXEC);
	assert_non_null(strstr(e.msg, "bzImage"));
}

static void test_truncated(void **state)
{
	static uint8_t img[IMG_LEN];
	struct bzimage_info bi;
	size_t len;

	make_image(img, sizeof(img), 0x020f, SETUP_SECTS);
	/* Every cut of 16 bytes or more is caught (syssize vs file). */
	for (len = 0; len + 16 <= sizeof(img); len += 97) {
		struct pv_error e = { "" };
		uint8_t *copy = malloc(len ? len : 1);

		/* Exact-size heap copy so an overread trips sanitizers. */
		memcpy(copy, img, len);
		assert_int_equal(bzimage_parse(copy, len, &bi, &e), -ENOEXEC);
		assert_true(strlen(e.msg) > 10);
		assert_non_null(strchr(e.msg, ':'));
		free(copy);
	}
}

static void test_huge_setup_sects(void **state)
{
	static uint8_t img[IMG_LEN];
	struct bzimage_info bi;
	struct pv_error e = { "" };

	make_image(img, sizeof(img), 0x020f, SETUP_SECTS);
	img[0x1f1] = 255; /* 128 KiB of setup, in a 64 KiB file */
	assert_int_equal(bzimage_parse(img, sizeof(img), &bi, &e), -ENOEXEC);
	assert_non_null(strstr(e.msg, "setup_sects 255"));
	assert_non_null(strstr(e.msg, "truncated"));
}

static void test_bad_syssize(void **state)
{
	static uint8_t img[IMG_LEN];
	struct bzimage_info bi;
	struct pv_error e = { "" };

	make_image(img, sizeof(img), 0x020f, SETUP_SECTS);
	put32(img, 0x1f4, 0xffffffff);
	assert_int_equal(bzimage_parse(img, sizeof(img), &bi, &e), -ENOEXEC);
	assert_non_null(strstr(e.msg, "syssize"));
	put32(img, 0x1f4, 0);
	assert_int_equal(bzimage_parse(img, sizeof(img), &bi, &e), -ENOEXEC);
}

static void test_header_length_byte(void **state)
{
	static uint8_t img[IMG_LEN];
	struct bzimage_info bi;
	struct pv_error e = { "" };

	make_image(img, sizeof(img), 0x020f, SETUP_SECTS);
	img[0x201] = 0x8e; /* ends at 0x290: the largest that fits */
	assert_int_equal(bzimage_parse(img, sizeof(img), &bi, &e), 0);
	img[0x201] = 0x8f;
	assert_int_equal(bzimage_parse(img, sizeof(img), &bi, &e), -ENOEXEC);
	assert_non_null(strstr(e.msg, "0x291"));
}

/*
 * A header that ends (0x202 + the byte at 0x201) before the fields of its
 * own protocol: only the header goes to the zero page, so the kernel
 * would get a header without the fields the loader read (fuzz_bzimage).
 */
static void test_header_shorter_than_protocol(void **state)
{
	static uint8_t img[IMG_LEN];
	struct bzimage_info bi;
	struct pv_error e = { "" };

	make_image(img, sizeof(img), 0x020f, SETUP_SECTS);
	img[0x201] = 0x62; /* ends at 0x264: init_size included */
	assert_int_equal(bzimage_parse(img, sizeof(img), &bi, &e), 0);
	img[0x201] = 0x61;
	assert_int_equal(bzimage_parse(img, sizeof(img), &bi, &e), -ENOEXEC);
	assert_non_null(
		strstr(e.msg, "before the fields of boot protocol 2.15"));
	img[0x201] = 0;
	assert_int_equal(bzimage_parse(img, sizeof(img), &bi, &e), -ENOEXEC);
	/* 2.06 to 2.09 end at cmdline_size. */
	make_image(img, sizeof(img), 0x0206, SETUP_SECTS);
	img[0x201] = 0x3a;
	assert_int_equal(bzimage_parse(img, sizeof(img), &bi, &e), 0);
	img[0x201] = 0x39;
	assert_int_equal(bzimage_parse(img, sizeof(img), &bi, &e), -ENOEXEC);
}

static void test_zero_init_size(void **state)
{
	static uint8_t img[IMG_LEN];
	struct bzimage_info bi;
	struct pv_error e = { "" };

	make_image(img, sizeof(img), 0x020f, SETUP_SECTS);
	put32(img, 0x260, 0);
	assert_int_equal(bzimage_parse(img, sizeof(img), &bi, &e), -ENOEXEC);
	assert_non_null(strstr(e.msg, "init_size"));
}

/* Random header bytes: never a crash, and any error has a message. */
static void test_garbage_headers(void **state)
{
	static uint8_t img[IMG_LEN];
	unsigned int seed = 12345, round, ok = 0;

	for (round = 0; round < 2000; round++) {
		struct bzimage_info bi;
		struct pv_error e = { "" };
		size_t i, len;
		int ret;

		make_image(img, sizeof(img), 0x020f, SETUP_SECTS);
		for (i = 0x1f1; i < 0x290; i++)
			if (rand_r(&seed) % 32 == 0)
				img[i] = (uint8_t)rand_r(&seed);
		len = round % 2 ? sizeof(img) :
				  (size_t)rand_r(&seed) % sizeof(img);
		ret = bzimage_parse(img, len, &bi, &e);
		if (ret == 0) {
			ok++;
			assert_true(bi.setup_size < len);
			assert_int_equal(bi.setup_size + bi.kernel_size, len);
			assert_true(bi.protocol >= 0x0206);
		} else {
			assert_int_equal(ret, -ENOEXEC);
			assert_true(strlen(e.msg) > 10);
		}
	}
	/* Both outcomes must have been exercised. */
	assert_true(ok > 0 && ok < 2000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_setup_sects_zero_means_four),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_bad_boot_flag),
		cmocka_unit_test(test_old_protocol),
		cmocka_unit_test(test_no_64bit_entry),
		cmocka_unit_test(test_zimage),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_huge_setup_sects),
		cmocka_unit_test(test_bad_syssize),
		cmocka_unit_test(test_header_length_byte),
		cmocka_unit_test(test_header_shorter_than_protocol),
		cmocka_unit_test(test_zero_init_size),
		cmocka_unit_test(test_garbage_headers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
