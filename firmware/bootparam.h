/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to firmware/: the x86 boot protocol's setup header and zero page
 * ("struct boot_params"), as laid out in Documentation/arch/x86/boot.rst
 * ("THE REAL-MODE KERNEL HEADER", "DETAILS OF HEADER FIELDS") and
 * Documentation/arch/x86/zero-page.rst. Written from the documents; every
 * field used is pinned by a static_assert on its offset.
 */
#ifndef PASSVM_FIRMWARE_BOOTPARAM_H
#define PASSVM_FIRMWARE_BOOTPARAM_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

/* Offsets in the bzImage file, which equal those in the zero page. */
#define BP_HDR_START 0x1f1 /* first byte of the setup header */
#define BP_HDR_LEN_BYTE 0x201 /* header ends at 0x202 + this byte */
#define BP_HDR_MAX_END 0x290 /* boot_params has room up to here */
#define BP_HDR_MAGIC 0x53726448 /* "HdrS" */
#define BP_BOOT_FLAG 0xaa55

/* loadflags */
#define BP_LOADED_HIGH 0x01
#define BP_CAN_USE_HEAP 0x80
/* xloadflags */
#define BP_XLF_KERNEL_64 0x0001

/* The setup header, at offset 0x1f1 of the image and of the zero page. */
struct bp_setup_header {
	uint8_t setup_sects;
	uint16_t root_flags;
	uint32_t syssize;
	uint16_t ram_size;
	uint16_t vid_mode;
	uint16_t root_dev;
	uint16_t boot_flag;
	uint16_t jump;
	uint32_t header;
	uint16_t version;
	uint32_t realmode_swtch;
	uint16_t start_sys_seg;
	uint16_t kernel_version;
	uint8_t type_of_loader;
	uint8_t loadflags;
	uint16_t setup_move_size;
	uint32_t code32_start;
	uint32_t ramdisk_image;
	uint32_t ramdisk_size;
	uint32_t bootsect_kludge;
	uint16_t heap_end_ptr;
	uint8_t ext_loader_ver;
	uint8_t ext_loader_type;
	uint32_t cmd_line_ptr;
	uint32_t initrd_addr_max;
	uint32_t kernel_alignment;
	uint8_t relocatable_kernel;
	uint8_t min_alignment;
	uint16_t xloadflags;
	uint32_t cmdline_size;
	uint32_t hardware_subarch;
	uint64_t hardware_subarch_data;
	uint32_t payload_offset;
	uint32_t payload_length;
	uint64_t setup_data;
	uint64_t pref_address;
	uint32_t init_size;
	uint32_t handover_offset;
	uint32_t kernel_info_offset;
} __attribute__((packed));

#define BP_HDR_OFF(f) (BP_HDR_START + offsetof(struct bp_setup_header, f))
static_assert(BP_HDR_OFF(syssize) == 0x1f4, "syssize");
static_assert(BP_HDR_OFF(boot_flag) == 0x1fe, "boot_flag");
static_assert(BP_HDR_OFF(header) == 0x202, "header");
static_assert(BP_HDR_OFF(version) == 0x206, "version");
static_assert(BP_HDR_OFF(type_of_loader) == 0x210, "type_of_loader");
static_assert(BP_HDR_OFF(loadflags) == 0x211, "loadflags");
static_assert(BP_HDR_OFF(ramdisk_image) == 0x218, "ramdisk_image");
static_assert(BP_HDR_OFF(ramdisk_size) == 0x21c, "ramdisk_size");
static_assert(BP_HDR_OFF(heap_end_ptr) == 0x224, "heap_end_ptr");
static_assert(BP_HDR_OFF(cmd_line_ptr) == 0x228, "cmd_line_ptr");
static_assert(BP_HDR_OFF(initrd_addr_max) == 0x22c, "initrd_addr_max");
static_assert(BP_HDR_OFF(kernel_alignment) == 0x230, "kernel_alignment");
static_assert(BP_HDR_OFF(relocatable_kernel) == 0x234, "relocatable");
static_assert(BP_HDR_OFF(xloadflags) == 0x236, "xloadflags");
static_assert(BP_HDR_OFF(cmdline_size) == 0x238, "cmdline_size");
static_assert(BP_HDR_OFF(pref_address) == 0x258, "pref_address");
static_assert(BP_HDR_OFF(init_size) == 0x260, "init_size");
static_assert(BP_HDR_OFF(kernel_info_offset) == 0x268, "kernel_info");
static_assert(sizeof(struct bp_setup_header) == 0x26c - BP_HDR_START,
	      "setup header size");

/* One e820 entry in the zero page (20 bytes, packed). */
struct bp_e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
} __attribute__((packed));

#define BP_E820_MAX 128

/* The zero page (4096 bytes); only the fields passvm sets are named. */
struct bp_boot_params {
	uint8_t pad0[0x070];
	uint64_t acpi_rsdp_addr; /* 0x070, protocol >= 2.14 */
	uint8_t pad1[0x0c0 - 0x078];
	uint32_t ext_ramdisk_image; /* 0x0c0 */
	uint32_t ext_ramdisk_size; /* 0x0c4 */
	uint32_t ext_cmd_line_ptr; /* 0x0c8 */
	uint8_t pad2[0x1e8 - 0x0cc];
	uint8_t e820_entries; /* 0x1e8 */
	uint8_t pad3[BP_HDR_START - 0x1e9];
	struct bp_setup_header hdr; /* 0x1f1 */
	uint8_t pad4[0x2d0 - 0x26c];
	struct bp_e820_entry e820_table[BP_E820_MAX]; /* 0x2d0 */
	uint8_t pad5[0x1000 - 0x2d0 - 20 * BP_E820_MAX];
} __attribute__((packed));

static_assert(offsetof(struct bp_boot_params, acpi_rsdp_addr) == 0x070,
	      "acpi_rsdp_addr");
static_assert(offsetof(struct bp_boot_params, ext_ramdisk_image) == 0x0c0,
	      "ext_ramdisk_image");
static_assert(offsetof(struct bp_boot_params, ext_cmd_line_ptr) == 0x0c8,
	      "ext_cmd_line_ptr");
static_assert(offsetof(struct bp_boot_params, e820_entries) == 0x1e8,
	      "e820_entries");
static_assert(offsetof(struct bp_boot_params, hdr) == 0x1f1, "hdr");
static_assert(offsetof(struct bp_boot_params, e820_table) == 0x2d0,
	      "e820_table");
static_assert(sizeof(struct bp_e820_entry) == 20, "e820 entry");
static_assert(sizeof(struct bp_boot_params) == 0x1000, "zero page");

#endif
