// SPDX-License-Identifier: GPL-2.0
/*
 * Telling kernel image formats apart (firmware/kernel_format.h). Sources:
 * Documentation/arch/x86/boot.rst ("HdrS" at 0x202),
 * Documentation/arch/arm64/booting.rst (magic "ARM\x64" at 0x38),
 * drivers/firmware/efi/libstub/zboot-header.S ("zimg" at 4), the ELF
 * header (e_machine at 18), and the compressors' magic numbers.
 */
#include "firmware/kernel_format.h"

#include <string.h>

#define EM_X86_64 62
#define EM_AARCH64 183
#define EM_386 3

static int at(const uint8_t *buf, size_t len, size_t off, const char *magic,
	      size_t n)
{
	return len >= off + n && !memcmp(buf + off, magic, n);
}

enum kernel_format kernel_format_of(const uint8_t *buf, size_t len)
{
	if (!buf)
		return KERNEL_UNKNOWN;
	if (at(buf, len, 0x38, "ARM\x64", 4))
		return KERNEL_ARM64_IMAGE;
	if (at(buf, len, 0x202, "HdrS", 4))
		return KERNEL_X86_BZIMAGE;
	if (at(buf, len, 0, "MZ", 2))
		return at(buf, len, 4, "zimg", 4) ? KERNEL_EFI_ZBOOT :
						    KERNEL_PE;
	if (at(buf, len, 0,
	       "\x7f"
	       "ELF",
	       4))
		return KERNEL_ELF;
	if (at(buf, len, 0, "\x1f\x8b", 2))
		return KERNEL_GZIP;
	if (at(buf, len, 0,
	       "\xfd"
	       "7zXZ",
	       5))
		return KERNEL_XZ;
	if (at(buf, len, 0, "\x28\xb5\x2f\xfd", 4))
		return KERNEL_ZSTD;
	if (at(buf, len, 0, "\x02\x21\x4c\x18", 4) ||
	    at(buf, len, 0, "\x04\x22\x4d\x18", 4))
		return KERNEL_LZ4;
	if (at(buf, len, 0, "BZh", 3))
		return KERNEL_BZIP2;
	return KERNEL_UNKNOWN;
}

const char *kernel_format_name(const uint8_t *buf, size_t len)
{
	switch (kernel_format_of(buf, len)) {
	case KERNEL_X86_BZIMAGE:
		return "an x86 bzImage";
	case KERNEL_ARM64_IMAGE:
		return "an arm64 Image";
	case KERNEL_EFI_ZBOOT:
		return "a compressed EFI kernel (zboot)";
	case KERNEL_PE:
		return "an EFI/PE executable";
	case KERNEL_ELF:
		if (len >= 20) {
			unsigned int m = buf[18] | buf[19] << 8;

			if (m == EM_X86_64)
				return "an ELF file for x86-64 (a vmlinux?)";
			if (m == EM_AARCH64)
				return "an ELF file for arm64 (a vmlinux?)";
			if (m == EM_386)
				return "an ELF file for i386";
		}
		return "an ELF file";
	case KERNEL_GZIP:
		return "a gzip-compressed file";
	case KERNEL_XZ:
		return "an xz-compressed file";
	case KERNEL_ZSTD:
		return "a zstd-compressed file";
	case KERNEL_LZ4:
		return "an lz4-compressed file";
	case KERNEL_BZIP2:
		return "a bzip2-compressed file";
	default:
		return "a file of unknown format";
	}
}
