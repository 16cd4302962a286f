/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest-physical address map of an arm64 passvm microVM (GPA, bytes),
 * close to QEMU's "virt" machine so guests find what they expect:
 *
 *   0x0800_0000 .. +64 KiB          GICv3 distributor
 *   0x0808_0000 .. +128 KiB         GICv3 ITS (when the host has one)
 *   0x080a_0000 .. 0x08ff_ffff      GICv3 redistributors, 128 KiB per vCPU
 *   0x0900_0000 .. +4 KiB           ns16550a UART (the console)
 *   0x0901_0000 .. +4 KiB           verdict register (devices/verdict.h;
 *                                   /verdict@9010000 in the device tree)
 *   0x1000_0000 .. 0x3efe_ffff      PCI 32-bit MMIO window
 *   0x3eff_0000 .. +64 KiB          PCI I/O window (ports 0..0xffff)
 *   0x3f00_0000 .. +1 MiB           PCIe ECAM, bus 0
 *   0x4000_0000 .. RAM              (around IOMMU-reserved ranges)
 *   mmio64_base .. +mmio64_size     PCI 64-bit MMIO window, above RAM
 *
 * The host's SMMU keeps its MSI doorbell window (typically 0x0800_0000 +
 * 1 MiB, "msi" in reserved_regions) at an IOVA below guest RAM: it
 * never collides with RAM, and any other reserved range is avoided by
 * layout_compute(). Constants only.
 */
#ifndef PASSVM_ARCH_ARM64_LAYOUT_H
#define PASSVM_ARCH_ARM64_LAYOUT_H

#include "memory/layout.h"

#define ARM64_GICD_BASE 0x08000000ull
#define ARM64_GICD_SIZE 0x10000ull
#define ARM64_GITS_BASE 0x08080000ull
#define ARM64_GITS_SIZE 0x20000ull
#define ARM64_GICR_BASE 0x080a0000ull
#define ARM64_GICR_STRIDE 0x20000ull /* RD_base + SGI_base frames */
#define ARM64_GICR_END 0x09000000ull
#define ARM64_MAX_CPUS ((ARM64_GICR_END - ARM64_GICR_BASE) / ARM64_GICR_STRIDE)
#define ARM64_UART_BASE 0x09000000ull
#define ARM64_UART_SIZE 0x1000ull
/* One page outside RAM, 64 KiB aligned (a 64 KiB-page guest maps it). */
#define ARM64_VERDICT_BASE 0x09010000ull
#define ARM64_VERDICT_SIZE 0x1000ull
#define ARM64_MMIO32_BASE 0x10000000ull
#define ARM64_MMIO32_SIZE 0x2eff0000ull
#define ARM64_PIO_CPU_BASE 0x3eff0000ull /* CPU address of port 0 */
#define ARM64_PIO_SIZE 0x10000ull
#define ARM64_PIO_PCI_BASE 0x1000ull /* ports BARs are placed in */
#define ARM64_ECAM_BASE 0x3f000000ull
#define ARM64_ECAM_SIZE 0x100000ull /* bus 0: 32 dev x 8 fn x 4 KiB */
#define ARM64_RAM_BASE 0x40000000ull

/*
 * Interrupts (GIC INTIDs: SPI n is INTID 32 + n; a GSI is an SPI number).
 * The device tree gives SPIs as <0 n flags>, PPIs as <1 n flags>.
 */
#define ARM64_NR_IRQS 128 /* INTIDs the vGIC has: 32 private + 96 SPIs */
#define ARM64_NR_SPIS (ARM64_NR_IRQS - 32)
#define ARM64_UART_SPI 1
#define ARM64_PCI_SPI_BASE 3 /* INTA..INTD swizzled onto SPIs 3..6 */
#define ARM64_PCI_SPI_COUNT 4
#define ARM64_PPI_VGIC_MAINT 9
#define ARM64_PPI_TIMER_HYP 10
#define ARM64_PPI_TIMER_VIRT 11
#define ARM64_PPI_TIMER_SEC 13
#define ARM64_PPI_TIMER_PHYS 14

/* Where the kernel Image, device tree and initrd go. */
#define ARM64_KERNEL_ALIGN 0x200000ull /* booting.rst: 2 MiB */
#define ARM64_DTB_MAX 0x200000ull /* booting.rst: at most 2 MiB */
#define ARM64_FDT_BUF 0x10000ull /* what passvm's tree is built in */

/* arm64's RAM: from ARM64_RAM_BASE up; the kernel at its start. */
#define ARM64_LAYOUT_RULES                                                    \
	{                                                                     \
		.ram = { { ARM64_RAM_BASE, 0 } }, .nr_ram = 1,                \
		.boot_base = ARM64_RAM_BASE, .boot_size = ARM64_KERNEL_ALIGN, \
		.boot_what = "the guest kernel",                              \
	}

_Static_assert(ARM64_MAX_CPUS >= 1, "no room for a redistributor");
_Static_assert(ARM64_UART_BASE + ARM64_UART_SIZE <= ARM64_VERDICT_BASE &&
		       ARM64_VERDICT_BASE + ARM64_VERDICT_SIZE <=
			       ARM64_MMIO32_BASE,
	       "verdict page between the UART and the MMIO32 window");
_Static_assert(ARM64_MMIO32_BASE + ARM64_MMIO32_SIZE <= ARM64_PIO_CPU_BASE,
	       "MMIO32 window runs into the I/O window");
_Static_assert(ARM64_PIO_CPU_BASE + ARM64_PIO_SIZE <= ARM64_ECAM_BASE,
	       "I/O window runs into the ECAM");
_Static_assert(ARM64_ECAM_BASE + ARM64_ECAM_SIZE <= ARM64_RAM_BASE,
	       "ECAM runs into RAM");

#endif
