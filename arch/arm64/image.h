/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loading an arm64 Linux Image (Documentation/arch/arm64/booting.rst):
 * the 64-byte header, the kernel at a 2 MiB aligned base + text_offset,
 * the initrd, and where the device tree goes. The device tree itself is
 * arch/arm64/fdt.c's; the registers (x0 = the DTB) arch/arm64/vcpu.c's.
 * KVM-free: the unit tests run it on any host.
 */
#ifndef PASSVM_ARCH_ARM64_IMAGE_H
#define PASSVM_ARCH_ARM64_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "util/log.h"

#define ARM64_IMAGE_HDR_SIZE 64
#define ARM64_IMAGE_MAGIC 0x644d5241u /* "ARM\x64", little endian */
#define ARM64_IMAGE_FLAG_BE (1ull << 0)
#define ARM64_IMAGE_PAGE_SHIFT 1 /* bits 1-2: 1 4K, 2 16K, 3 64K */
#define ARM64_IMAGE_FLAG_ANYWHERE (1ull << 3) /* physical placement */

/* What arm64_image_parse() learnt from the header (booting.rst §4). */
struct arm64_image_info {
	uint64_t text_offset; /* bytes from the 2 MiB aligned base */
	uint64_t image_size; /* bytes the kernel uses from its load address */
	uint64_t flags;
	unsigned int page_kib; /* 4, 16, 64, or 0 (unspecified) */
};

/*
 * arm64_image_parse() - check the header of the Image at @img (@len bytes,
 * borrowed). Errors (-ENOEXEC, message in @err naming the format found
 * and what to do): too short, no "ARM\x64" magic (an x86 bzImage, a
 * gzip-compressed vmlinuz, an ELF vmlinux...), big-endian, image_size 0
 * (before Linux 3.17), a text_offset or image_size that cannot be right.
 */
int arm64_image_parse(const uint8_t *img, size_t len,
		      struct arm64_image_info *info, struct pv_error *err);

struct arm64_boot_args {
	const char *kernel_path;
	const char *initrd_path; /* NULL for none */
	uint8_t *ram; /* HVA of @ram_base */
	uint64_t ram_base; /* GPA of the first RAM range, 2 MiB aligned */
	uint64_t ram_size; /* bytes of that range */
};

struct arm64_boot_result {
	uint64_t kernel_gpa; /* load address = entry point */
	uint64_t kernel_end; /* GPA end of image_size */
	uint64_t dtb_gpa; /* where the device tree goes, ARM64_DTB_MAX room */
	uint64_t initrd_gpa, initrd_size; /* 0, 0 for none */
	struct arm64_image_info info;
};

/*
 * arm64_boot_load() - read the files and lay them out in the RAM range of
 * @a (HVA @a->ram, owned by the caller): the kernel at ram_base +
 * text_offset; the device tree's room (2 MiB, 2 MiB aligned) at the top
 * of the range, but below ram_base + 31 GiB; the initrd, page aligned,
 * right below it (booting.rst: kernel and initrd within one 1 GiB
 * aligned window of at most 32 GiB). Errors: -ENOENT/-EACCES/-EINVAL (a
 * file; the message names it), -ENOEXEC (not an arm64 Image), -E2BIG
 * (does not fit: how much --mem it needs). Guest RAM may be partly
 * written on error.
 */
int arm64_boot_load(const struct arm64_boot_args *a,
		    struct arm64_boot_result *res, struct pv_error *err);

#endif
