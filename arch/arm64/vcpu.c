// SPDX-License-Identifier: GPL-2.0
/*
 * arm64's vCPUs (arch/arch.h): KVM_ARM_VCPU_INIT with PSCI 0.2 (the
 * guest powers secondaries on with PSCI CPU_ON, handled in KVM; they start
 * powered off), MPIDR_EL1 for the device tree, the boot registers and the
 * crash report. Sources: Documentation/virt/kvm/api.rst
 * (KVM_ARM_VCPU_INIT, KVM_SET_ONE_REG/KVM_GET_ONE_REG for arm64 core and
 * system registers), Documentation/arch/arm64/booting.rst §4.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>

#include "arch/arm64/arm64.h"
#include "vmm/vcpu.h"

#define CORE_REG(name)                                         \
	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
	 KVM_REG_ARM_CORE_REG(name))
#define REG_MPIDR_EL1 ARM64_SYS_REG(3, 0, 0, 0, 5)
#define REG_ESR_EL1 ARM64_SYS_REG(3, 0, 5, 2, 0)
#define REG_FAR_EL1 ARM64_SYS_REG(3, 0, 6, 0, 0)
#define PSR_MODE_EL1H 0x5
#define PSR_DAIF (0xfu << 6)

static int get_reg(const struct vcpu *v, uint64_t id, uint64_t *val)
{
	struct kvm_one_reg r = { .id = id, .addr = (uint64_t)(uintptr_t)val };

	return ioctl(v->fd, KVM_GET_ONE_REG, &r) ? -errno : 0;
}

static int set_reg(const struct vcpu *v, uint64_t id, uint64_t val)
{
	struct kvm_one_reg r = { .id = id, .addr = (uint64_t)(uintptr_t)&val };

	return ioctl(v->fd, KVM_SET_ONE_REG, &r) ? -errno : 0;
}

int arch_vcpu_init(struct vcpu *v, struct arch_vm *arch, unsigned int nr_cpus,
		   struct pv_error *err)
{
	struct kvm_vcpu_init init = arch->init;
	uint64_t mpidr = 0;
	int ret;

	if (v->id > 0)
		init.features[0] |= 1u << KVM_ARM_VCPU_POWER_OFF;
	if (ioctl(v->fd, KVM_ARM_VCPU_INIT, &init))
		return pv_seterr(err, errno, "KVM_ARM_VCPU_INIT on vCPU %u: %s",
				 v->id, strerror(errno));
	ret = get_reg(v, REG_MPIDR_EL1, &mpidr);
	if (ret)
		return pv_seterr(err, -ret, "vCPU %u: reading MPIDR_EL1: %s",
				 v->id, strerror(-ret));
	if (v->id < arch->nr_cpus)
		arch->mpidr[v->id] = mpidr;
	pv_trace(TRACE_KVM, "vcpu %u created (fd %d, MPIDR 0x%llx%s)", v->id,
		 v->fd, (unsigned long long)mpidr,
		 v->id ? ", off until PSCI CPU_ON" : "");
	return 0;
}

int arm64_vcpu_boot(struct vcpu *v, uint64_t entry, uint64_t dtb,
		    struct pv_error *err)
{
	static const struct {
		uint64_t id;
		const char *name;
	} regs[] = {
		{ CORE_REG(regs.regs[0]), "x0" },
		{ CORE_REG(regs.regs[1]), "x1" },
		{ CORE_REG(regs.regs[2]), "x2" },
		{ CORE_REG(regs.regs[3]), "x3" },
		{ CORE_REG(regs.pstate), "PSTATE" },
		{ CORE_REG(regs.pc), "PC" },
	};
	uint64_t val[6] = { dtb, 0, 0, 0, PSR_MODE_EL1H | PSR_DAIF, entry };

	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		int ret = set_reg(v, regs[i].id, val[i]);

		if (ret)
			return pv_seterr(err, -ret, "vCPU %u: setting %s: %s",
					 v->id, regs[i].name, strerror(-ret));
	}
	pv_trace(TRACE_BOOT, "vcpu 0: EL1h, PC 0x%llx, x0 (device tree) 0x%llx",
		 (unsigned long long)entry, (unsigned long long)dtb);
	return 0;
}

void arch_vcpu_report_crash(struct vcpu *v, uint32_t exit_reason)
{
	uint64_t pc = 0, pstate = 0, sp = 0, esr = 0, far = 0;

	get_reg(v, CORE_REG(regs.pc), &pc);
	get_reg(v, CORE_REG(regs.pstate), &pstate);
	get_reg(v, CORE_REG(sp_el1), &sp);
	get_reg(v, REG_ESR_EL1, &esr);
	get_reg(v, REG_FAR_EL1, &far);
	pv_err("vCPU %u: PC 0x%llx PSTATE 0x%llx SP_EL1 0x%llx ESR_EL1 0x%llx FAR_EL1 0x%llx",
	       v->id, (unsigned long long)pc, (unsigned long long)pstate,
	       (unsigned long long)sp, (unsigned long long)esr,
	       (unsigned long long)far);
}
