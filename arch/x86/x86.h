/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Between the x86 implementation's files (arch/x86/): its per-VM state
 * and the 64-bit boot of vCPU 0.
 */
#ifndef PASSVM_ARCH_X86_X86_H
#define PASSVM_ARCH_X86_X86_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/arch.h"

struct kvm_cpuid2;

struct arch_vm {
	struct kvm_cpuid2 *cpuid; /* KVM_GET_SUPPORTED_CPUID, owned */
	bool smt; /* two threads per core in CPUID (vm_config's smt) */
};

/*
 * vcpu_setup_boot() - BSP registers for the 64-bit Linux boot protocol
 * (Documentation/arch/x86/boot.rst "64-bit BOOT PROTOCOL"): long mode with
 * the identity-mapped page tables at BOOT_PML4_GPA, __BOOT_CS 0x10 /
 * __BOOT_DS 0x18, RIP = @entry (GPA), RSI = @zero_page (GPA).
 */
int vcpu_setup_boot(struct vcpu *v, uint64_t entry, uint64_t zero_page,
		    struct pv_error *err);

/*
 * boot_write_tables() - GDT and page tables identity-mapping the first
 * 4 GiB with 2 MiB pages, into guest RAM at BOOT_GDT_GPA/BOOT_PML4_GPA.
 * @ram: HVA of GPA 0, at least 1 MiB.
 */
void boot_write_tables(uint8_t *ram);

#endif
