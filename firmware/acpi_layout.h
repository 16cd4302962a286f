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

#endif
