// SPDX-License-Identifier: GPL-2.0
/*
 * linux_boot_load() with synthetic bzImages and initrds in temp files and a
 * heap buffer as guest RAM. The zero page is checked at the byte offsets
 * of Documentation/arch/x86/boot.rst and zero-page.rst.
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

#include "firmware/linux_boot.h"

#define MiB (1024ull * 1024)
#define IMG_LEN (96 * 1024)
#define SETUP_SECTS 15
#define SETUP_LEN ((SETUP_SECTS + 1) * 512)

struct fixture {
	char dir[64];
	char kernel[128];
	char initrd[128];
	uint8_t img[IMG_LEN];
	uint8_t *ram;
	uint64_t ram_size;
	struct e820_range e820[3];
	struct linux_boot_args args;
};

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

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Write a bzImage with protocol @proto into f->kernel. */
static void write_kernel(struct fixture *f, uint16_t proto)
{
	uint8_t *img = f->img;
	size_t i;

	memset(img, 0, IMG_LEN);
	img[0x1f1] = SETUP_SECTS;
	put32(img, 0x1f4, (IMG_LEN - SETUP_LEN) / 16);
	put16(img, 0x1fe, 0xaa55);
	img[0x200] = 0xeb;
	img[0x201] = 0x6a; /* header ends at 0x26c */
	memcpy(img + 0x202, "HdrS", 4);
	put16(img, 0x206, proto);
	img[0x211] = 0x01 | 0x20; /* LOADED_HIGH | QUIET_FLAG */
	put32(img, 0x22c, 0x7fffffff);
	put32(img, 0x230, 0x200000);
	img[0x234] = 1;
	put16(img, 0x236, 0x0001);
	put32(img, 0x238, 2047);
	put64(img, 0x258, 0x1000000);
	put32(img, 0x260, 12 * MiB);
	/* Past the header end: must not reach the zero page. */
	memset(img + 0x26c, 0xaa, 0x290 - 0x26c);
	for (i = SETUP_LEN; i < IMG_LEN; i++)
		img[i] = (uint8_t)(i * 13 + 1);
	write_file(f->kernel, img, IMG_LEN);
}

static void write_initrd(struct fixture *f, size_t len)
{
	uint8_t *d = malloc(len ? len : 1);
	size_t i;

	assert_non_null(d);
	for (i = 0; i < len; i++)
		d[i] = (uint8_t)(i * 31 + 7);
	write_file(f->initrd, d, len);
	free(d);
}

static void set_ram(struct fixture *f, uint64_t size)
{
	free(f->ram);
	f->ram = malloc(size);
	assert_non_null(f->ram);
	memset(f->ram, 0x55, size); /* stale contents */
	f->ram_size = size;
	f->args.ram = f->ram;
	f->args.low_ram_size = size;
	f->e820[2].size = size - f->e820[2].addr;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	strcpy(f->dir, "/tmp/passvm-lb-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->kernel, sizeof(f->kernel), "%s/bzImage", f->dir);
	snprintf(f->initrd, sizeof(f->initrd), "%s/initrd", f->dir);
	f->e820[0] = (struct e820_range){ 0, 0x9fc00, E820_TYPE_RAM };
	f->e820[1] = (struct e820_range){ 0x9fc00, 0x100000 - 0x9fc00,
					  E820_TYPE_RESERVED };
	f->e820[2] = (struct e820_range){ 0x100000, 0, E820_TYPE_RAM };
	f->args.kernel_path = f->kernel;
	f->args.initrd_path = NULL;
	f->args.cmdline = "console=ttyS0 panic=-1";
	f->args.e820 = f->e820;
	f->args.nr_e820 = 3;
	f->args.rsdp_gpa = 0xe0000;
	set_ram(f, 64 * MiB);
	write_kernel(f, 0x020f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	unlink(f->kernel);
	unlink(f->initrd);
	rmdir(f->dir);
	free(f->ram);
	free(f);
	return 0;
}

static void test_zero_page(void **state)
{
	struct fixture *f = *state;
	struct linux_boot_result res;
	struct pv_error e = { "" };
	const uint8_t *zp;
	unsigned int i;

	assert_int_equal(linux_boot_load(&f->args, &res, &e), 0);
	assert_int_equal(res.entry_gpa, 0x100000 + 0x200);
	assert_int_equal(res.zero_page_gpa, BOOT_ZERO_PAGE_GPA);
	assert_int_equal(res.info.protocol, 0x020f);
	zp = f->ram + res.zero_page_gpa;

	/* Outside the header: zeroed (sentinel at 0x1ef included). */
	for (i = 0; i < 0x1f1; i++)
		if ((i < 0x70 || i >= 0x78) && i != 0x1e8)
			assert_int_equal(zp[i] * 1000 + i, i);
	for (i = 0x26c; i < 0x2d0; i++)
		assert_int_equal(zp[i] * 1000 + i, i);
	/* The header copied at the same offsets. */
	assert_memory_equal(zp + 0x202, "HdrS", 4);
	assert_int_equal(zp[0x1f1], SETUP_SECTS);
	assert_int_equal(get16(zp, 0x1fe), 0xaa55);
	assert_int_equal(get16(zp, 0x206), 0x020f);
	assert_int_equal(get32(zp, 0x238), 2047);
	assert_int_equal(get32(zp, 0x260), 12 * MiB);
	/* What the loader fills in. */
	assert_int_equal(zp[0x210], 0xff);
	assert_int_equal(zp[0x211], 0x01 | 0x20 | 0x80);
	assert_int_not_equal(get16(zp, 0x224), 0);
	assert_int_equal(get32(zp, 0x228), BOOT_CMDLINE_GPA);
	assert_int_equal(get32(zp, 0x0c8), 0);
	assert_string_equal((const char *)f->ram + BOOT_CMDLINE_GPA,
			    "console=ttyS0 panic=-1");
	assert_int_equal(get64(zp, 0x070), 0xe0000);
	/* No initrd. */
	assert_int_equal(get32(zp, 0x218), 0);
	assert_int_equal(get32(zp, 0x21c), 0);
	/* e820: count at 0x1e8, 20-byte entries from 0x2d0. */
	assert_int_equal(zp[0x1e8], 3);
	for (i = 0; i < 3; i++) {
		const uint8_t *ent = zp + 0x2d0 + 20 * i;

		assert_int_equal(get64(ent, 0), f->e820[i].addr);
		assert_int_equal(get64(ent, 8), f->e820[i].size);
		assert_int_equal(get32(ent, 16), f->e820[i].type);
	}
	assert_int_equal(get64(zp, 0x2d0 + 20 * 3), 0);
	/* Protected-mode kernel at 1 MiB. */
	assert_memory_equal(f->ram + 0x100000, f->img + SETUP_LEN,
			    IMG_LEN - SETUP_LEN);
	assert_int_equal(res.info.kernel_size, IMG_LEN - SETUP_LEN);
}

static void test_rsdp_needs_2_14(void **state)
{
	struct fixture *f = *state;
	struct linux_boot_result res;
	struct pv_error e = { "" };

	write_kernel(f, 0x020d);
	assert_int_equal(linux_boot_load(&f->args, &res, &e), 0);
	assert_int_equal(get64(f->ram + BOOT_ZERO_PAGE_GPA, 0x070), 0);
	write_kernel(f, 0x020e);
	assert_int_equal(linux_boot_load(&f->args, &res, &e), 0);
	assert_int_equal(get64(f->ram + BOOT_ZERO_PAGE_GPA, 0x070), 0xe0000);
}

static void check_initrd(struct fixture *f, const struct linux_boot_result *r,
			 size_t len, uint64_t top)
{
	const uint8_t *zp = f->ram + BOOT_ZERO_PAGE_GPA;
	/* pref_address 16 MiB + init_size 12 MiB */
	uint64_t kernel_end = 0x1000000 + 12 * MiB;
	size_t i;

	assert_int_equal(r->initrd_size, len);
	assert_int_equal(r->initrd_gpa % 4096, 0);
	assert_true(r->initrd_gpa >= kernel_end);
	assert_true(r->initrd_gpa + len <= top);
	/* As high as possible: the next page up would not fit. */
	assert_true(r->initrd_gpa + 4096 + len > top);
	assert_int_equal(get32(zp, 0x218), (uint32_t)r->initrd_gpa);
	assert_int_equal(get32(zp, 0x21c), (uint32_t)len);
	assert_int_equal(get32(zp, 0x0c0), 0);
	assert_int_equal(get32(zp, 0x0c4), 0);
	for (i = 0; i < len; i++)
		if (f->ram[r->initrd_gpa + i] != (uint8_t)(i * 31 + 7))
			fail_msg("initrd byte %zu differs", i);
}

static void test_initrd_top_of_ram(void **state)
{
	struct fixture *f = *state;
	struct linux_boot_result res;
	struct pv_error e = { "" };

	write_initrd(f, 3 * MiB + 123);
	f->args.initrd_path = f->initrd;
	assert_int_equal(linux_boot_load(&f->args, &res, &e), 0);
	check_initrd(f, &res, 3 * MiB + 123, f->ram_size);
}

static void test_initrd_below_addr_max(void **state)
{
	struct fixture *f = *state;
	struct linux_boot_result res;
	struct pv_error e = { "" };

	put32(f->img, 0x22c, 0x2ffffff); /* 48 MiB - 1, RAM is 64 MiB */
	write_file(f->kernel, f->img, IMG_LEN);
	write_initrd(f, 5000);
	f->args.initrd_path = f->initrd;
	assert_int_equal(linux_boot_load(&f->args, &res, &e), 0);
	check_initrd(f, &res, 5000, 0x3000000);
}

static void test_initrd_too_big_for_ram(void **state)
{
	struct fixture *f = *state;
	struct linux_boot_result res;
	struct pv_error e = { "" };

	/* 64 MiB RAM, kernel up to 28 MiB: 40 MiB cannot fit. */
	write_initrd(f, 40 * MiB);
	f->args.initrd_path = f->initrd;
	assert_int_equal(linux_boot_load(&f->args, &res, &e), -E2BIG);
	assert_non_null(strstr(e.msg, "initrd (40 MiB)"));
	assert_non_null(strstr(e.msg, "64 MiB of RAM"));
	assert_non_null(strstr(e.msg, "give more --mem"));

	/* With more RAM it loads. */
	set_ram(f, 128 * MiB);
	assert_int_equal(linux_boot_load(&f->args, &res, &e), 0);
	check_initrd(f, &res, 40 * MiB, 128 * MiB);
}

static void test_initrd_above_addr_max(void **state)
{
	struct fixture *f = *state;
	struct linux_boot_result res;
	struct pv_error e = { "" };

	/* Plenty of RAM but the kernel wants the initrd below 32 MiB. */
	put32(f->img, 0x22c, 0x1ffffff);
	write_file(f->kernel, f->img, IMG_LEN);
	write_initrd(f, 8 * MiB);
	f->args.initrd_path = f->initrd;
	assert_int_equal(linux_boot_load(&f->args, &res, &e), -E2BIG);
	assert_non_null(strstr(e.msg, "0x1ffffff"));
	assert_non_null(strstr(e.msg, "smaller initrd"));
}

static void test_cmdline_too_long(void **state)
{
	struct fixture *f = *state;
	struct linux_boot_result res;
	struct pv_error e = { "" };
	char line[40];

	put32(f->img, 0x238, 16);
	write_file(f->kernel, f->img, IMG_LEN);
	memset(line, 'x', 16);
	line[16] = 0;
	f->args.cmdline = line;
	assert_int_equal(linux_boot_load(&f->args, &res, &e), 0);
	assert_string_equal((const char *)f->ram + BOOT_CMDLINE_GPA, line);
	strcat(line, "y");
	assert_int_equal(linux_boot_load(&f->args, &res, &e), -E2BIG);
	assert_non_null(strstr(e.msg, "17 bytes"));
	assert_non_null(strstr(e.msg, "at most 16"));
	assert_non_null(strstr(e.msg, "shorten"));
}

static void test_null_cmdline(void **state)
{
	struct fixture *f = *state;
	struct linux_boot_result res;
	struct pv_error e = { "" };

	f->args.cmdline = NULL;
	assert_int_equal(linux_boot_load(&f->args, &res, &e), 0);
	assert_int_equal(f->ram[BOOT_CMDLINE_GPA], 0);
}

static void test_kernel_too_big_for_ram(void **state)
{
	struct fixture *f = *state;
	struct linux_boot_result res;
	struct pv_error e = { "" };

	put32(f->img, 0x260, 100 * MiB); /* init_size */
	write_file(f->kernel, f->img, IMG_LEN);
	assert_int_equal(linux_boot_load(&f->args, &res, &e), -E2BIG);
	assert_non_null(strstr(e.msg, "init_size"));
	assert_non_null(strstr(e.msg, "give more --mem"));
	set_ram(f, 128 * MiB);
	assert_int_equal(linux_boot_load(&f->args, &res, &e), 0);
}

static void test_missing_files(void **state)
{
	struct fixture *f = *state;
	struct linux_boot_result res;
	struct pv_error e = { "" };
	char path[160];

	snprintf(path, sizeof(path), "%s/nope", f->dir);
	f->args.kernel_path = path;
	assert_int_equal(linux_boot_load(&f->args, &res, &e), -ENOENT);
	assert_non_null(strstr(e.msg, path));
	assert_non_null(strstr(e.msg, "kernel"));

	f->args.kernel_path = f->kernel;
	f->args.initrd_path = path;
	assert_int_equal(linux_boot_load(&f->args, &res, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "initrd"));
}

static void test_not_a_bzimage(void **state)
{
	struct fixture *f = *state;
	struct linux_boot_result res;
	struct pv_error e = { "" };

	memcpy(f->img + 0x202, "NoPe", 4);
	write_file(f->kernel, f->img, IMG_LEN);
	assert_int_equal(linux_boot_load(&f->args, &res, &e), -ENOEXEC);
	assert_non_null(strstr(e.msg, f->kernel));
	assert_non_null(strstr(e.msg, "bzImage"));

	write_file(f->kernel, f->img, 100); /* truncated */
	assert_int_equal(linux_boot_load(&f->args, &res, &e), -ENOEXEC);
}

static void test_e820_limits(void **state)
{
	struct fixture *f = *state;
	struct linux_boot_result res;
	struct pv_error e = { "" };
	static struct e820_range many[129];
	unsigned int i;

	for (i = 0; i < 129; i++)
		many[i] = (struct e820_range){ i * 4096ull, 4096, 1 };
	f->args.e820 = many;
	f->args.nr_e820 = 129;
	assert_int_equal(linux_boot_load(&f->args, &res, &e), -E2BIG);
	assert_non_null(strstr(e.msg, "129"));
	f->args.nr_e820 = 128;
	assert_int_equal(linux_boot_load(&f->args, &res, &e), 0);
	assert_int_equal(f->ram[BOOT_ZERO_PAGE_GPA + 0x1e8], 128);
	assert_int_equal(get64(f->ram + BOOT_ZERO_PAGE_GPA, 0x2d0 + 20 * 127),
			 127 * 4096);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_zero_page, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rsdp_needs_2_14, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_initrd_top_of_ram, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_initrd_below_addr_max,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_initrd_too_big_for_ram,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_initrd_above_addr_max,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_cmdline_too_long, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_null_cmdline, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_kernel_too_big_for_ram,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_files, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_not_a_bzimage, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_e820_limits, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
