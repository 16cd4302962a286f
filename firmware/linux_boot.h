/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loading a Linux bzImage for the 64-bit boot protocol
 * (Documentation/arch/x86/boot.rst, protocol >= 2.06): the setup header,
 * the protected-mode kernel, the initrd, the command line and the zero
 * page with its e820 map. Registers and page tables are the VMM's job;
 * this fills guest RAM only.
 */
#ifndef PASSVM_FIRMWARE_LINUX_BOOT_H
#define PASSVM_FIRMWARE_LINUX_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/log.h"

#define E820_TYPE_RAM 1
#define E820_TYPE_RESERVED 2
#define E820_MAX 32

/* Low memory used by the boot path (GPA). */
#define BOOT_GDT_GPA 0x500
#define BOOT_ZERO_PAGE_GPA 0x7000
#define BOOT_PML4_GPA 0x9000 /* PML4, PDPT, 4 PDs: 0x9000..0xefff */
#define BOOT_CMDLINE_GPA 0x20000
#define BOOT_CMDLINE_MAX 0x10000 /* bytes incl. NUL, capped by the header */
#define BOOT_KERNEL_GPA 0x100000

struct e820_range {
	uint64_t addr, size; /* GPA, bytes */
	uint32_t type; /* E820_TYPE_* */
};

/* What bzimage_parse() learnt from the setup header. */
struct bzimage_info {
	uint16_t protocol; /* e.g. 0x020f for 2.15 */
	uint32_t setup_size; /* bytes of real-mode setup incl. boot sector */
	uint64_t kernel_size; /* bytes of protected-mode kernel */
	uint32_t initrd_addr_max; /* highest byte address an initrd may use */
	uint32_t cmdline_size; /* max cmdline bytes excl. NUL */
	uint32_t init_size; /* bytes the kernel needs from load address */
	uint64_t pref_address;
	uint32_t kernel_alignment;
	bool relocatable;
	bool xloadflags_64; /* XLF_KERNEL_64: has the 64-bit entry */
};

/*
 * bzimage_parse() - validate a bzImage in memory (@img, @len bytes).
 * Errors (-ENOEXEC with a message naming the problem and the fix): too
 * short, no "HdrS" magic, boot protocol < 2.06, a header shorter than its
 * protocol's fields, no 64-bit entry, sizes that do not match the file.
 */
int bzimage_parse(const uint8_t *img, size_t len, struct bzimage_info *info,
		  struct pv_error *err);

struct linux_boot_args {
	const char *kernel_path;
	const char *initrd_path; /* NULL for none */
	const char *cmdline; /* NULL for "" */
	uint8_t *ram; /* HVA of guest RAM at GPA 0 */
	uint64_t low_ram_size; /* bytes of RAM contiguous from GPA 0 */
	const struct e820_range *e820; /* the guest's memory map, sorted */
	unsigned int nr_e820;
	uint64_t rsdp_gpa; /* 0 if no ACPI */
};

struct linux_boot_result {
	uint64_t entry_gpa; /* 64-bit entry: kernel load address + 0x200 */
	uint64_t zero_page_gpa; /* goes in RSI */
	uint64_t initrd_gpa, initrd_size;
	struct bzimage_info info;
};

/*
 * linux_boot_load() - read the files and lay them out in guest RAM:
 * kernel at BOOT_KERNEL_GPA, command line at BOOT_CMDLINE_GPA, initrd at the
 * highest page-aligned address below min(initrd_addr_max, low_ram_size)
 * that does not overlap the kernel's init_size, zero page at
 * BOOT_ZERO_PAGE_GPA with the setup header copied in and type_of_loader,
 * loadflags, cmd_line_ptr, ramdisk_image/size, e820_table and acpi_rsdp_addr
 * (protocol >= 2.14) filled in.
 * Errors: -ENOENT/-EACCES (file; message names it), -ENOEXEC (not a
 * bzImage), -E2BIG (kernel, initrd or command line does not fit: message
 * says how much memory or which limit).
 */
int linux_boot_load(const struct linux_boot_args *a,
		    struct linux_boot_result *res, struct pv_error *err);

#endif
