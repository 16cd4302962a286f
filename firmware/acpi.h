/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ACPI tables for the microVM (ACPI 6.4): RSDP, XSDT, FADT (full, not
 * hardware-reduced: PM1a event/control blocks in I/O space for S5
 * poweroff, reset register at port 0xcf9), FACS, DSDT (ASL compiled by
 * iasl at build time: firmware/dsdt.asl), MADT (one Local APIC per vCPU,
 * the IOAPIC, ISA overrides), MCFG (ECAM for bus 0).
 */
#ifndef PASSVM_FIRMWARE_ACPI_H
#define PASSVM_FIRMWARE_ACPI_H

#include <stdint.h>

#include "firmware/acpi_layout.h"
#include "util/log.h"

struct acpi_config {
	unsigned int nr_cpus; /* APIC IDs 0..nr_cpus-1 */
	uint32_t lapic_addr; /* GPA */
	uint32_t ioapic_addr; /* GPA */
	uint8_t ioapic_id;
	uint64_t ecam_base; /* GPA of bus 0 */
	uint8_t ecam_end_bus;
	uint16_t pm_base; /* PM1a_EVT at pm_base, PM1a_CNT at +4 */
	uint16_t reset_port; /* FADT RESET_REG, value ACPI_RESET_VALUE */
	uint8_t sci_irq;
	uint64_t mmio64_base; /* 64-bit PCI window for the DSDT, GPA */
	uint64_t mmio64_size; /* bytes, 0 = none */
};

#define ACPI_RESET_VALUE 0x06
#define ACPI_S5_SLP_TYP 5 /* value of \_S5 in dsdt.asl */

/* The DSDT's AML, linked in by firmware/dsdt_aml.S. */
extern const uint8_t dsdt_aml[];
extern const uint8_t dsdt_aml_end[];

/*
 * acpi_build() - write all tables into guest RAM at ACPI_TABLES_GPA and the
 * DSDT parameter block at ACPI_PARAMS_GPA. @ram is the HVA of GPA 0 and
 * must cover 1 MiB. Returns the RSDP's GPA in *rsdp_gpa.
 * Errors: -E2BIG if the tables outgrow ACPI_TABLES_SIZE; -EINVAL if
 * nr_cpus is 0 or above 255 (xAPIC IDs), or the linked-in DSDT is broken.
 */
int acpi_build(uint8_t *ram, const struct acpi_config *c, uint64_t *rsdp_gpa,
	       struct pv_error *err);

/* acpi_checksum() - the byte that makes @len bytes sum to zero. */
uint8_t acpi_checksum(const void *data, uint32_t len);

#endif
