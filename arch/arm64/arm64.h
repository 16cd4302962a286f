/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Between arm64's files (arch/arm64/): its per-VM state, the vGIC's
 * interrupt layout, the boot registers, and the MSI policy without an ITS.
 */
#ifndef PASSVM_ARCH_ARM64_ARM64_H
#define PASSVM_ARCH_ARM64_ARM64_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/kvm.h>

#include "arch/arch.h"

struct arch_vm {
	unsigned int ipa_bits; /* KVM_CAP_ARM_VM_IPA_SIZE, capped */
	bool ipa_type; /* KVM_CREATE_VM takes KVM_VM_TYPE_ARM_IPA_SIZE */
	struct kvm_vcpu_init init; /* preferred target + PSCI 0.2 */
	int gic_fd; /* KVM_DEV_TYPE_ARM_VGIC_V3, -1 none */
	int its_fd; /* KVM_DEV_TYPE_ARM_VGIC_ITS, -1: the host has none */
	uint64_t *mpidr; /* MPIDR_EL1 of each vCPU, for the device tree */
	unsigned int nr_cpus;
};

/* GSI g = SPI g (INTID 32 + g): the irqchip routes KVM starts with. */
extern const struct irq_layout irq_layout_arm64;

/*
 * arm64_vcpu_boot() - vCPU 0's registers at the kernel's entry
 * (booting.rst §4 "CPU mode"): PC = @entry, x0 = @dtb (GPAs), x1..x3 = 0,
 * EL1h with DAIF masked (KVM_ARM_VCPU_INIT leaves the MMU and caches off).
 */
int arm64_vcpu_boot(struct vcpu *v, uint64_t entry, uint64_t dtb,
		    struct pv_error *err);

#endif
