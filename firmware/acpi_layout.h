/*
 * Fixed guest-physical addresses of the firmware area, shared by the C code
 * and firmware/dsdt.asl (iasl's preprocessor reads this file: plain #define
 * of integer literals only, no C syntax).
 *
 * 0x000e0000..0x000fffff is reserved in the e820 map.
 */
#ifndef PASSVM_FIRMWARE_ACPI_LAYOUT_H
#define PASSVM_FIRMWARE_ACPI_LAYOUT_H

/* RSDP, then the other tables, 16-byte aligned. */
#define ACPI_TABLES_GPA 0x000e0000
#define ACPI_TABLES_SIZE 0x0001f000
/*
 * The VMM parameter block the DSDT reads through an OperationRegion:
 * 64-bit PCI window base and length (two little-endian QWords), so the
 * AML stays static while the window follows the RAM size.
 */
#define ACPI_PARAMS_GPA 0x000ff000
#define ACPI_PARAMS_SIZE 0x10

/*
 * Copies of memory/layout.h values for the DSDT (iasl cannot read C
 * integer suffixes); firmware/acpi.c asserts that they match.
 */
#define ACPI_MMIO32_BASE 0xC0000000 /* LAYOUT_MMIO32_BASE */
#define ACPI_MMIO32_END 0xDFFFFFFF /* LAYOUT_MMIO32_BASE + SIZE - 1 */
#define ACPI_MMIO32_SIZE 0x20000000 /* LAYOUT_MMIO32_SIZE */
#define ACPI_ECAM_BASE 0xE0000000 /* LAYOUT_ECAM_BASE */
#define ACPI_ECAM_SIZE 0x00100000 /* LAYOUT_ECAM_SIZE, bus 0 only */
#define ACPI_PM_BASE 0x0600 /* LAYOUT_PIO_ACPI_PM */
#define ACPI_PM_LEN 6 /* PM1a_EVT (4) + PM1a_CNT (2) */
#define ACPI_RESET_PORT 0x0CF9 /* LAYOUT_PIO_RESET */
#define ACPI_VERDICT_BASE 0xFE000000 /* LAYOUT_VERDICT_BASE */
#define ACPI_VERDICT_SIZE 0x00001000 /* LAYOUT_VERDICT_SIZE */

#endif
