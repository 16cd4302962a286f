/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The unit tests' minimal bzImage: one source for the smoke and jail tests.
 */
#ifndef PASSVM_TESTS_BOOT_IMAGE_H
#define PASSVM_TESTS_BOOT_IMAGE_H

#include <stddef.h>
#include <stdint.h>

/*
 * make_test_bzimage() - write to @path a minimal boot protocol 2.15 bzImage
 * (setup header complete up to init_size, LOADED_HIGH, XLF_KERNEL_64) whose
 * 64-bit entry (protected-mode start + 0x200) runs the @len bytes of @code
 * (at most 2560). Fails the calling cmocka test on any I/O error.
 * Source: Documentation/arch/x86/boot.rst.
 */
void make_test_bzimage(const char *path, const uint8_t *code, size_t len);

#endif
