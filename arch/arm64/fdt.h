/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The arm64 guest's device tree, built with libfdt (Devicetree
 * Specification 0.4; the bindings of Linux's
 * Documentation/devicetree/bindings: arm/cpus.yaml, arm/psci.yaml,
 * interrupt-controller/arm,gic-v3.yaml, timer/arm,arch_timer.yaml,
 * serial/8250.yaml, pci/host-generic-pci.yaml, pci/pci-msi.txt): memory,
 * PSCI vCPUs, the GICv3 with its ITS, the architected timer, the ns16550a
 * console, the ECAM PCIe host bridge with INTx and MSI maps, the verdict
 * page ("passvm,verdict", devices/verdict.h), and /chosen.
 * KVM-free: the unit tests read the blob back with libfdt.
 */
#ifndef PASSVM_ARCH_ARM64_FDT_H
#define PASSVM_ARCH_ARM64_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memory/layout.h"
#include "util/log.h"

#define ARM64_FDT_PHANDLE_GIC 1
#define ARM64_FDT_PHANDLE_ITS 2
#define ARM64_UART_CLOCK 1843200 /* Hz: the 16550's 1.8432 MHz crystal */
/* GIC interrupt specifiers (arm,gic-v3.yaml): type, number, flags. */
#define ARM64_FDT_IRQ_SPI 0
#define ARM64_FDT_IRQ_PPI 1
#define ARM64_FDT_IRQ_LEVEL_HIGH 4

/* What the tree describes (GPAs and sizes in bytes; all borrowed). */
struct arm64_fdt_config {
	unsigned int nr_cpus;
	const uint64_t *mpidr; /* MPIDR_EL1 of each vCPU */
	const struct layout_range *ram;
	unsigned int nr_ram;
	uint64_t gicd_base, gicd_size;
	uint64_t gicr_base, gicr_size; /* all vCPUs' redistributors */
	bool its; /* the host has a GICv3 ITS: MSIs through it */
	uint64_t its_base, its_size;
	uint64_t uart_base, uart_size;
	uint32_t uart_spi;
	uint64_t verdict_base, verdict_size; /* 0: none */
	uint64_t ecam_base, ecam_size; /* bus 0 .. ecam_size / 1 MiB - 1 */
	uint64_t pio_cpu_base,
		pio_size; /* PCI ports 0.. at this GPA; 0: none */
	uint64_t mmio32_base, mmio32_size;
	uint64_t mmio64_base, mmio64_size; /* 0: none */
	uint32_t pci_spi_base, pci_spi_count; /* INTx swizzle onto SPIs */
	const char *bootargs;
	uint64_t initrd_start, initrd_end; /* GPA, [start, end); 0: none */
};

/*
 * arm64_fdt_platform() - the configuration of passvm's arm64 platform
 * (arch/arm64/layout.h: the GICv3 with @nr_cpus redistributors and, when
 * @its, its ITS; the UART, the verdict page, the ECAM, the PCI I/O and
 * 32-bit windows, the INTx SPIs): one source for the guest's tree and
 * its tests. What is the run's own stays zero, for the caller: mpidr,
 * ram, the 64-bit window, bootargs, initrd. Pure.
 */
struct arm64_fdt_config arm64_fdt_platform(unsigned int nr_cpus, bool its);

/*
 * arm64_fdt_build() - write the tree for @c into @buf (@size bytes,
 * owned by the caller). Errors: -E2BIG when it does not fit in @size
 * (the message says how large it needs to be... at least more than
 * @size), -EINVAL for a configuration that cannot be described (no vCPU,
 * no RAM, a PCI swizzle of more than 4 SPIs); message in @err.
 */
int arm64_fdt_build(void *buf, size_t size, const struct arm64_fdt_config *c,
		    struct pv_error *err);

#endif
