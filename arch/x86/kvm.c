// SPDX-License-Identifier: GPL-2.0
/*
 * x86's part of the KVM VM (arch/arch.h): the capabilities only x86 KVM
 * has, CPUID and the physical address width from it, the in-kernel
 * irqchip (PIC, IOAPIC, LAPICs) and PIT, and KVM's irqchip numbers.
 * Source: Documentation/virt/kvm/api.rst (KVM_GET_SUPPORTED_CPUID,
 * KVM_SET_TSS_ADDR, KVM_SET_IDENTITY_MAP_ADDR, KVM_CREATE_IRQCHIP,
 * KVM_CREATE_PIT2, KVM_IRQ_LINE).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/kvm.h>

#include "arch/x86/layout.h"
#include "arch/x86/x86.h"
#include "vmm/vm.h"

const char arch_name[] = "x86_64";
const struct arch_guest *const arch_guest = &arch_guest_x86_64;
const char arch_kvm_hint[] =
	"load kvm-intel or kvm-amd and make sure you may use it (group kvm)";

static int kvm_check_caps(struct vm *vm, struct pv_error *err)
{
	static const struct kvm_cap_need need[] = {
		{ KVM_CAP_PIT2, "KVM_CAP_PIT2" },
		{ KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID" },
	};

	return kvm_need_caps(vm, need, sizeof(need) / sizeof(need[0]), err);
}

static int get_cpuid(struct vm *vm, struct pv_error *err)
{
	struct kvm_cpuid2 *c = NULL;
	int n = 256;

	for (;;) {
		c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));
		if (!c)
			return pv_seterr(err, ENOMEM, "out of memory");
		c->nent = (uint32_t)n;
		if (!ioctl(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, c))
			break;
		free(c);
		if (errno != E2BIG || n > 4096)
			return pv_seterr(err, errno,
					 "KVM_GET_SUPPORTED_CPUID failed: %s",
					 strerror(errno));
		n *= 2;
	}
	vm->arch->cpuid = c;
	vm->phys_bits = 36;
	for (uint32_t i = 0; i < c->nent; i++)
		if (c->entries[i].function == 0x80000008)
			vm->phys_bits = c->entries[i].eax & 0xff;
	return 0;
}

int arch_kvm_open(struct vm *vm, struct pv_error *err)
{
	if (kvm_check_caps(vm, err))
		return -ENOTSUP;
	vm->arch = calloc(1, sizeof(*vm->arch));
	if (!vm->arch)
		return pv_seterr(err, ENOMEM, "out of memory");
	vm->arch->smt = vm->opts->smt;
	return get_cpuid(vm, err);
}

unsigned long arch_vm_type(const struct vm *vm)
{
	return 0;
}

int arch_vm_init(struct vm *vm, struct pv_error *err)
{
	/* Port 0x61 (speaker, NMI status) is answered in the kernel. */
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };
	uint64_t ident = LAYOUT_KVM_IDENT_MAP;

	if (ioctl(vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &ident))
		pv_trace(TRACE_KVM, "KVM_SET_IDENTITY_MAP_ADDR: %s",
			 strerror(errno));
	if (ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, (unsigned long)LAYOUT_KVM_TSS))
		return pv_seterr(err, errno, "KVM_SET_TSS_ADDR: %s",
				 strerror(errno));
	if (ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0))
		return pv_seterr(err, errno, "KVM_CREATE_IRQCHIP: %s",
				 strerror(errno));
	if (ioctl(vm->vm_fd, KVM_CREATE_PIT2, &pit))
		return pv_seterr(err, errno, "KVM_CREATE_PIT2: %s",
				 strerror(errno));
	pv_trace(TRACE_KVM, "in-kernel irqchip (PIC, IOAPIC, LAPIC) and PIT");
	return 0;
}

int arch_irqchip_ready(struct vm *vm, struct pv_error *err)
{
	return 0; /* KVM_CREATE_IRQCHIP made it whole */
}

void arch_vm_free(struct vm *vm)
{
	if (!vm->arch)
		return;
	free(vm->arch->cpuid);
	free(vm->arch);
	vm->arch = NULL;
}

int arch_kvm_irqchip(enum irq_chip chip)
{
	switch (chip) {
	case IRQ_CHIP_PIC_MASTER:
		return KVM_IRQCHIP_PIC_MASTER;
	case IRQ_CHIP_PIC_SLAVE:
		return KVM_IRQCHIP_PIC_SLAVE;
	case IRQ_CHIP_IOAPIC:
		return KVM_IRQCHIP_IOAPIC;
	default:
		return -1;
	}
}

/* x86: KVM_IRQ_LINE takes the GSI itself. */
uint32_t arch_kvm_irq_line(uint32_t gsi)
{
	return gsi;
}
