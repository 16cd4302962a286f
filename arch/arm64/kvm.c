// SPDX-License-Identifier: GPL-2.0
/*
 * arm64's part of the KVM VM (arch/arch.h): the capabilities (PSCI 0.2,
 * the IPA size), the in-kernel GICv3 and its ITS, and KVM's encodings of
 * interrupt lines. Sources: Documentation/virt/kvm/api.rst
 * (KVM_ARM_PREFERRED_TARGET, KVM_CREATE_DEVICE, KVM_IRQ_LINE's arm64
 * encoding, KVM_SET_GSI_ROUTING "irqchip.pin is the SPI number - 32" on
 * arm64, KVM_CAP_ARM_VM_IPA_SIZE), devices/arm-vgic-v3.rst (ADDR
 * groups, NR_IRQS, CTRL_INIT after the vCPUs exist) and
 * devices/arm-vgic-its.rst.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "arch/arm64/arm64.h"
#include "arch/arm64/layout.h"
#include "vmm/vm.h"

#define IPA_MAX_BITS 48 /* 4 KiB pages, 4 levels: plenty for BARs */
#define IPA_DEFAULT_BITS 40 /* KVM_CREATE_VM type 0 */

const char arch_name[] = "arm64";
const struct arch_guest *const arch_guest = &arch_guest_arm64;
const char arch_kvm_hint[] =
	"boot the host kernel at EL2 (KVM is built in: dmesg says \"kvm [1]: ... initialized\") and make sure you may use /dev/kvm (group kvm)";

/*
 * The SPIs routed by default: the ones passvm wires (the UART, PCI INTx)
 * and room to spare.
 */
#define DEFAULT_SPIS 32

const struct irq_layout irq_layout_arm64 = {
	.chip = IRQ_CHIP_GIC,
	.nr_pins = DEFAULT_SPIS, /* GSI g = SPI g */
	.msi_base = ARM64_NR_SPIS, /* MSI GSIs above every SPI's */
	/* MSIs are writes to the ITS's GITS_TRANSLATER, in its frame */
	.msi_addr_base = ARM64_GITS_BASE,
	.msi_addr_size = ARM64_GITS_SIZE,
};

_Static_assert(ARM64_UART_SPI < DEFAULT_SPIS &&
		       ARM64_PCI_SPI_BASE + ARM64_PCI_SPI_COUNT <= DEFAULT_SPIS,
	       "an SPI passvm uses has no default route");

static int check_cap(struct vm *vm, int cap, const char *name,
		     struct pv_error *err)
{
	if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, cap) > 0)
		return 0;
	return pv_seterr(
		err, ENOTSUP,
		"this kernel's KVM lacks %s: passvm needs Linux 4.19 or later on arm64",
		name);
}

int arch_kvm_open(struct vm *vm, struct pv_error *err)
{
	struct arch_vm *a;
	int ipa, ret;

	ret = check_cap(vm, KVM_CAP_ARM_PSCI_0_2, "KVM_CAP_ARM_PSCI_0_2", err);
	if (!ret)
		ret = check_cap(vm, KVM_CAP_ONE_REG, "KVM_CAP_ONE_REG", err);
	if (!ret)
		ret = check_cap(vm, KVM_CAP_DEVICE_CTRL, "KVM_CAP_DEVICE_CTRL",
				err);
	if (ret)
		return ret;
	if (vm->opts->cpus > ARM64_MAX_CPUS)
		return pv_seterr(
			err, EINVAL,
			"--cpus %u: passvm's arm64 guests have room for %llu vCPUs (GICv3 redistributors)",
			vm->opts->cpus, (unsigned long long)ARM64_MAX_CPUS);
	a = calloc(1, sizeof(*a));
	if (!a)
		return pv_seterr(err, ENOMEM, "out of memory");
	vm->arch = a;
	a->gic_fd = a->its_fd = -1;
	a->nr_cpus = vm->opts->cpus;
	a->mpidr = calloc(a->nr_cpus, sizeof(*a->mpidr));
	if (!a->mpidr)
		return pv_seterr(err, ENOMEM, "out of memory");
	ipa = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_VM_IPA_SIZE);
	a->ipa_type = ipa > 0;
	a->ipa_bits = ipa > 0 ? (unsigned int)ipa : IPA_DEFAULT_BITS;
	if (a->ipa_bits > IPA_MAX_BITS)
		a->ipa_bits = IPA_MAX_BITS;
	vm->phys_bits = a->ipa_bits;
	pv_trace(TRACE_KVM, "arm64: IPA %u bits%s", a->ipa_bits,
		 a->ipa_type ? "" : " (KVM's default)");
	return 0;
}

unsigned long arch_vm_type(const struct vm *vm)
{
	return vm->arch->ipa_type ?
		       KVM_VM_TYPE_ARM_IPA_SIZE(vm->arch->ipa_bits) :
		       0;
}

static int dev_attr(int fd, uint32_t group, uint64_t attr, void *val)
{
	struct kvm_device_attr a = {
		.group = group,
		.attr = attr,
		.addr = (uint64_t)(uintptr_t)val,
	};

	return ioctl(fd, KVM_SET_DEVICE_ATTR, &a) ? -errno : 0;
}

static void close_gic(struct arch_vm *a)
{
	if (a->its_fd >= 0)
		close(a->its_fd);
	if (a->gic_fd >= 0)
		close(a->gic_fd);
	a->its_fd = a->gic_fd = -1;
}

/* The ITS, when this KVM has one; a failure only leaves MSIs out. */
static void create_its(struct vm *vm)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_ITS };
	uint64_t base = ARM64_GITS_BASE;
	int ret;

	if (ioctl(vm->vm_fd, KVM_CREATE_DEVICE, &cd)) {
		pv_trace(TRACE_KVM, "no GICv3 ITS (%s): no MSIs",
			 strerror(errno));
		return;
	}
	ret = dev_attr((int)cd.fd, KVM_DEV_ARM_VGIC_GRP_ADDR,
		       KVM_VGIC_ITS_ADDR_TYPE, &base);
	if (ret) {
		pv_warn("the GICv3 ITS refused its address (%s): the guest gets no MSIs",
			strerror(-ret));
		close((int)cd.fd);
		return;
	}
	vm->arch->its_fd = (int)cd.fd;
}

int arch_vm_init(struct vm *vm, struct pv_error *err)
{
	struct arch_vm *a = vm->arch;
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	uint64_t dist = ARM64_GICD_BASE, redist = ARM64_GICR_BASE;
	int ret;

	close_gic(a); /* a --reboot restart: the old VM's */
	memset(&a->init, 0, sizeof(a->init));
	if (ioctl(vm->vm_fd, KVM_ARM_PREFERRED_TARGET, &a->init))
		return pv_seterr(err, errno,
				 "KVM_ARM_PREFERRED_TARGET: %s: this host's "
				 "CPU cannot run KVM guests",
				 strerror(errno));
	a->init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
	if (ioctl(vm->vm_fd, KVM_CREATE_DEVICE, &cd))
		return pv_seterr(
			err, errno,
			"this host's KVM cannot emulate a GICv3 (KVM_CREATE_DEVICE: %s): passvm's arm64 guests need one; a host with a GICv2 only is not supported",
			strerror(errno));
	a->gic_fd = (int)cd.fd;
	ret = dev_attr(a->gic_fd, KVM_DEV_ARM_VGIC_GRP_ADDR,
		       KVM_VGIC_V3_ADDR_TYPE_DIST, &dist);
	if (!ret)
		ret = dev_attr(a->gic_fd, KVM_DEV_ARM_VGIC_GRP_ADDR,
			       KVM_VGIC_V3_ADDR_TYPE_REDIST, &redist);
	if (ret)
		return pv_seterr(err, -ret, "GICv3: setting its addresses: %s",
				 strerror(-ret));
	create_its(vm);
	pv_trace(TRACE_KVM,
		 "vGICv3 (distributor 0x%llx, redistributors 0x%llx)%s, "
		 "vCPU target %u",
		 (unsigned long long)dist, (unsigned long long)redist,
		 a->its_fd >= 0 ? " with an ITS" : ", no ITS", a->init.target);
	return 0;
}

int arch_irqchip_ready(struct vm *vm, struct pv_error *err)
{
	struct arch_vm *a = vm->arch;
	uint32_t nr_irqs = ARM64_NR_IRQS;
	int ret;

	ret = dev_attr(a->gic_fd, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr_irqs);
	if (!ret)
		ret = dev_attr(a->gic_fd, KVM_DEV_ARM_VGIC_GRP_CTRL,
			       KVM_DEV_ARM_VGIC_CTRL_INIT, NULL);
	if (ret)
		return pv_seterr(err, -ret, "GICv3: initialising it: %s",
				 strerror(-ret));
	if (a->its_fd >= 0) {
		ret = dev_attr(a->its_fd, KVM_DEV_ARM_VGIC_GRP_CTRL,
			       KVM_DEV_ARM_VGIC_CTRL_INIT, NULL);
		if (ret)
			return pv_seterr(err, -ret,
					 "GICv3 ITS: initialising it: %s",
					 strerror(-ret));
	}
	return 0;
}

void arch_vm_free(struct vm *vm)
{
	if (!vm->arch)
		return;
	close_gic(vm->arch);
	free(vm->arch->mpidr);
	free(vm->arch);
	vm->arch = NULL;
}

int arch_kvm_irqchip(enum irq_chip chip)
{
	return chip == IRQ_CHIP_GIC ? 0 : -1;
}

/* api.rst KVM_IRQ_LINE, arm64: type SPI in bits 24..27, the INTID below. */
uint32_t arch_kvm_irq_line(uint32_t gsi)
{
	return (KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | (gsi + 32);
}
