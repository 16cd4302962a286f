// SPDX-License-Identifier: GPL-2.0-only
/* The unit tests' minimal bzImage (see boot_image.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "boot_image.h"

static void put16(uint8_t *b, size_t off, uint16_t v)
{
	memcpy(b + off, &v, 2);
}

static void put32(uint8_t *b, size_t off, uint32_t v)
{
	memcpy(b + off, &v, 4);
}

void make_test_bzimage(const char *path, const uint8_t *code, size_t len)
{
	uint8_t img[4096] = { 0 };
	FILE *f;

	assert_true(len <= sizeof(img) - 1024 - 0x200);
	img[0x1f1] = 1; /* setup_sects: setup is 2 x 512 bytes */
	put16(img, 0x1fe, 0xaa55);
	img[0x200] = 0xeb; /* the jump: the header ends at 0x202 + 0x6a */
	img[0x201] = 0x6a;
	memcpy(img + 0x202, "HdrS", 4);
	put16(img, 0x206, 0x020f);
	img[0x211] = 0x01; /* loadflags: LOADED_HIGH */
	put32(img, 0x214, 0x100000); /* code32_start */
	put32(img, 0x22c, 0x7fffffff); /* initrd_addr_max */
	put32(img, 0x230, 0x200000); /* kernel_alignment */
	img[0x234] = 1; /* relocatable */
	put16(img, 0x236, 0x1); /* xloadflags: XLF_KERNEL_64 */
	put32(img, 0x238, 2047); /* cmdline_size */
	put32(img, 0x260, 0x100000); /* init_size */
	put32(img, 0x1f4, (sizeof(img) - 1024) / 16); /* syssize */
	memcpy(img + 1024 + 0x200, code, len);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(img, 1, sizeof(img), f), sizeof(img));
	assert_int_equal(fclose(f), 0);
}
