/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What kind of file a kernel image is, from its first bytes, so a loader
 * that cannot boot it says what it found ("an arm64 Image", "an x86
 * bzImage", "a gzip-compressed file", ...) instead of only "bad magic".
 * Shared by the architectures' loaders.
 */
#ifndef PASSVM_FIRMWARE_KERNEL_FORMAT_H
#define PASSVM_FIRMWARE_KERNEL_FORMAT_H

#include <stddef.h>
#include <stdint.h>

enum kernel_format {
	KERNEL_UNKNOWN,
	KERNEL_X86_BZIMAGE, /* "HdrS" at 0x202 (x86 boot.rst) */
	KERNEL_ARM64_IMAGE, /* "ARM\x64" at 0x38 (arm64 booting.rst) */
	KERNEL_EFI_ZBOOT, /* "MZ", "zimg" at 4: a compressed EFI kernel */
	KERNEL_PE, /* "MZ": some other EFI/PE executable */
	KERNEL_ELF, /* a vmlinux */
	KERNEL_GZIP,
	KERNEL_XZ,
	KERNEL_ZSTD,
	KERNEL_LZ4,
	KERNEL_BZIP2,
};

/* kernel_format_of() - the format of the @len bytes at @buf (a prefix of
 * the file is enough: 4 KiB covers every signature). */
enum kernel_format kernel_format_of(const uint8_t *buf, size_t len);

/*
 * kernel_format_name() - "an x86 bzImage", "an arm64 Image", "a
 * gzip-compressed file", "an ELF file for x86-64" ... (static storage;
 * "a file of unknown format" when nothing matches).
 */
const char *kernel_format_name(const uint8_t *buf, size_t len);

#endif
