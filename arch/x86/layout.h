/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest-physical address map of an x86 passvm microVM (GPA, bytes):
 *
 *   0x0000_0000 .. low_ram_end     RAM (low_ram_end <= 3 GiB)
 *     0x0009_fc00 .. 0x000f_ffff   reserved (EBDA, ACPI tables, BIOS area)
 *   0xc000_0000 .. 0xdfff_ffff     PCI 32-bit MMIO window (BARs)
 *   0xe000_0000 .. +ECAM_SIZE      PCIe ECAM (MCFG), bus 0
 *   0xfe00_0000 .. 0xfe00_0fff     verdict register (devices/verdict.h)
 *   0xfec0_0000                    IOAPIC
 *   0xfee0_0000 .. 0xfeef_ffff     LAPIC / MSI window (never RAM)
 *   0xfffb_c000 .. 0xffff_ffff     KVM identity map + TSS (Intel only)
 *   4 GiB .. high_ram_end          RAM above 4 GiB, if any
 *   mmio64_base .. +mmio64_size    PCI 64-bit MMIO window, above RAM,
 *                                  aligned so large BARs fit naturally
 *
 * I/O ports: 0x3f8 COM1, 0x60/0x64 i8042, 0x70/0x71 RTC, 0x600 ACPI PM1 block, 0xcf8/0xcfc
 * PCI config, 0xcf9 reset, 0xf4 verdict port, 0xc000..0xffff PCI I/O window.
 *
 * Constants only: firmware/, devices/ and the tests include it too.
 */
#ifndef PASSVM_ARCH_X86_LAYOUT_H
#define PASSVM_ARCH_X86_LAYOUT_H

#include "memory/layout.h"

#define LAYOUT_LOW_RAM_MAX 0xc0000000ull
#define LAYOUT_MMIO32_BASE 0xc0000000ull
#define LAYOUT_MMIO32_SIZE 0x20000000ull
#define LAYOUT_ECAM_BASE 0xe0000000ull
#define LAYOUT_ECAM_SIZE 0x100000ull /* bus 0 only: 32 dev x 8 fn x 4 KiB */
/* One page, outside RAM and every window: /dev/mem may map it. */
#define LAYOUT_VERDICT_BASE 0xfe000000ull
#define LAYOUT_VERDICT_SIZE 0x1000ull
#define LAYOUT_IOAPIC_BASE 0xfec00000ull
#define LAYOUT_LAPIC_BASE 0xfee00000ull
#define LAYOUT_MSI_BASE 0xfee00000ull
#define LAYOUT_MSI_SIZE 0x100000ull
#define LAYOUT_KVM_IDENT_MAP 0xfffbc000ull
#define LAYOUT_KVM_TSS 0xfffbd000ull
#define LAYOUT_HIGH_RAM_BASE SZ_4G

#define LAYOUT_PIO_COM1 0x3f8
#define LAYOUT_PIO_I8042_DATA 0x60
#define LAYOUT_PIO_I8042_CMD 0x64
#define LAYOUT_PIO_ACPI_PM 0x600 /* PM1a_EVT 0x600 (4), PM1a_CNT 0x604 (2) */
#define LAYOUT_PIO_PCI_CONF 0xcf8
#define LAYOUT_PIO_RESET 0xcf9
#define LAYOUT_PIO_DEBUG_EXIT 0xf4
#define LAYOUT_PIO_PCI_BASE 0xc000
#define LAYOUT_PIO_PCI_SIZE 0x4000

#endif
