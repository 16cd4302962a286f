// SPDX-License-Identifier: GPL-2.0
/*
 * x86's vCPUs (arch/arch.h, arch/x86/x86.h): CPUID with topology leaves,
 * MTRRs, the LAPIC's virtual wire, the 64-bit boot state and page tables,
 * and the crash report.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/kvm.h>

#include "arch/x86/x86.h"
#include "firmware/linux_boot.h"
#include "vmm/vcpu.h"

#define MSR_MTRR_DEF_TYPE 0x2ff
#define MTRR_DEF_ENABLE (1u << 11)
#define MTRR_TYPE_WB 6
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_MODE_NMI 0x4
#define APIC_MODE_EXTINT 0x7

#define X86_CR0_PE (1u << 0)
#define X86_CR0_ET (1u << 4)
#define X86_CR0_PG (1u << 31)
#define X86_CR4_PAE (1u << 5)
#define EFER_LME (1u << 8)
#define EFER_LMA (1u << 10)

static unsigned int order_of(unsigned int n)
{
	unsigned int b = 0;

	while ((1u << b) < n)
		b++;
	return b;
}

/*
 * CPUID topology of @n logical processors in one package, @t (1 or 2)
 * threads per core, APIC ID = vCPU index (Intel SDM Vol. 2A CPUID leaves
 * 01H, 04H, 0BH; AMD APM Vol. 3 leaves 8000_0008h, 8000_001Eh): the
 * thread is the low APIC ID bit when @t is 2 (Firecracker's "smt").
 */
static struct kvm_cpuid2 *make_cpuid(const struct kvm_cpuid2 *sup,
				     unsigned int id, unsigned int n,
				     unsigned int t, bool tsc_deadline)
{
	struct kvm_cpuid2 *c;
	unsigned int i, j = 0, tshift = order_of(t), shift = order_of(n);
	uint32_t max_basic = 0, vendor = 0;

	if (shift < tshift)
		shift = tshift;
	for (i = 0; i < sup->nent; i++)
		if (!sup->entries[i].function)
			vendor = sup->entries[i].ebx; /* "Auth", "Genu"... */
	c = calloc(1, sizeof(*c) + (sup->nent + 3) * sizeof(c->entries[0]));
	if (!c)
		return NULL;
	for (i = 0; i < sup->nent; i++) {
		struct kvm_cpuid_entry2 e = sup->entries[i];

		switch (e.function) {
		case 0:
			max_basic = e.eax;
			break;
		case 0x80000001:
			/*
			 * AMD, Hygon: Linux pairs SMT siblings only with
			 * TopologyExtensions (Firecracker sets it too; a
			 * nested "max" CPU may lack it).
			 */
			if (t > 1 &&
			    (vendor == 0x68747541 || vendor == 0x6f677948))
				e.ecx |= 1u << 22;
			break;
		case 1:
			e.ebx = (e.ebx & 0xffff) | (id << 24) |
				((n > 1 ? (1u << shift) : 1) << 16);
			if (n > 1)
				e.edx |= 1u << 28; /* HTT: multi-core package */
			/*
			 * KVM leaves these to userspace: the hypervisor bit
			 * (so the guest finds the KVM leaves and kvm-clock)
			 * and the TSC-deadline timer its LAPIC emulates.
			 */
			e.ecx |= 1u << 31;
			if (tsc_deadline)
				e.ecx |= 1u << 24;
			break;
		case 4:
			/*
			 * cores - 1; each cache shared by a core's threads
			 * (Linux's SMT siblings must share the last level's
			 * id: cacheinfo's cpu_llc_id comes from these bits)
			 */
			e.eax = (e.eax & 0x3ff) | ((1u << (shift - tshift)) - 1)
							  << 26;
			if (e.eax & 0x1f)
				e.eax |= (t - 1) << 14;
			break;
		case 0xb:
		case 0x1f:
			continue; /* rebuilt below */
		case 0x80000008:
			e.ecx = (e.ecx & ~0xf0ffu) | (shift << 12) |
				((n - 1) & 0xff);
			break;
		case 0x8000001e:
			e.eax = id;
			e.ebx = ((t - 1) << 8) | ((id >> tshift) & 0xff);
			e.ecx = 0;
			break;
		}
		c->entries[j++] = e;
	}
	if (max_basic >= 0xb) {
		struct kvm_cpuid_entry2 smt = {
			.function = 0xb,
			.index = 0,
			.flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
			.eax = tshift,
			.ebx = t,
			.ecx = 1u << 8,
			.edx = id,
		};
		struct kvm_cpuid_entry2 core = {
			.function = 0xb,
			.index = 1,
			.flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
			.eax = shift,
			.ebx = n,
			.ecx = 1 | 2u << 8,
			.edx = id,
		};
		struct kvm_cpuid_entry2 end = {
			.function = 0xb,
			.index = 2,
			.flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
			.ecx = 2,
			.edx = id,
		};

		c->entries[j++] = smt;
		c->entries[j++] = core;
		c->entries[j++] = end;
	}
	c->nent = j;
	return c;
}

static int set_lapic_lints(struct vcpu *v)
{
	struct kvm_lapic_state s;
	uint32_t *lint0, *lint1;

	if (ioctl(v->fd, KVM_GET_LAPIC, &s))
		return -errno;
	lint0 = (uint32_t *)&s.regs[APIC_LVT_LINT0];
	lint1 = (uint32_t *)&s.regs[APIC_LVT_LINT1];
	/* Virtual wire mode: the PIC's INTR on LINT0, NMI on LINT1. */
	*lint0 = (*lint0 & ~0x700u) | (APIC_MODE_EXTINT << 8);
	*lint1 = (*lint1 & ~0x700u) | (APIC_MODE_NMI << 8);
	if (ioctl(v->fd, KVM_SET_LAPIC, &s))
		return -errno;
	return 0;
}

int arch_vcpu_init(struct vcpu *v, struct arch_vm *arch, unsigned int nr_cpus,
		   struct pv_error *err)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e[1];
	} msrs = { 0 };
	struct kvm_cpuid2 *cpuid;
	int ret;

	unsigned int id = v->id;

	cpuid = make_cpuid(arch->cpuid, id, nr_cpus,
			   arch->smt && nr_cpus > 1 ? 2 : 1,
			   ioctl(v->env->kvm_fd, KVM_CHECK_EXTENSION,
				 KVM_CAP_TSC_DEADLINE_TIMER) > 0);
	if (!cpuid)
		return pv_seterr(err, ENOMEM, "out of memory");
	ret = ioctl(v->fd, KVM_SET_CPUID2, cpuid) ? -errno : 0;
	free(cpuid);
	if (ret)
		return pv_seterr(err, -ret,
				 "KVM_SET_CPUID2 on vCPU %u failed: %s", id,
				 strerror(-ret));
	/*
	 * Write-back by default: with non-coherent DMA KVM honours guest
	 * MTRRs, and an all-UC guest would crawl. Device memory gets UC/WC
	 * from the guest's PAT (ioremap), which wins over WB.
	 */
	msrs.hdr.nmsrs = 1;
	msrs.e[0].index = MSR_MTRR_DEF_TYPE;
	msrs.e[0].data = MTRR_DEF_ENABLE | MTRR_TYPE_WB;
	if (ioctl(v->fd, KVM_SET_MSRS, &msrs) != 1)
		pv_warn("vCPU %u: cannot set MTRR default type", id);
	ret = set_lapic_lints(v);
	if (ret)
		return pv_seterr(err, -ret,
				 "vCPU %u: cannot set up its LAPIC: %s", id,
				 strerror(-ret));
	pv_trace(TRACE_KVM, "vcpu %u created (fd %d, APIC ID %u)", id, v->fd,
		 id);
	return 0;
}

void boot_write_tables(uint8_t *ram)
{
	uint64_t *gdt = (uint64_t *)(ram + BOOT_GDT_GPA);
	uint64_t *pml4 = (uint64_t *)(ram + BOOT_PML4_GPA);
	uint64_t *pdpt = (uint64_t *)(ram + BOOT_PML4_GPA + 0x1000);
	uint64_t *pd = (uint64_t *)(ram + BOOT_PML4_GPA + 0x2000);

	gdt[0] = 0;
	gdt[1] = 0;
	gdt[2] = 0x00af9b000000ffffull; /* 0x10: 64-bit code */
	gdt[3] = 0x00cf93000000ffffull; /* 0x18: data */
	memset(pml4, 0, 0x6000);
	pml4[0] = (BOOT_PML4_GPA + 0x1000) | 0x3; /* present, writable */
	for (int i = 0; i < 4; i++)
		pdpt[i] = (BOOT_PML4_GPA + 0x2000 + 0x1000ull * i) | 0x3;
	for (uint64_t i = 0; i < 4 * 512; i++)
		pd[i] = (i << 21) | 0x83; /* 2 MiB page, present, writable */
}

static void set_seg(struct kvm_segment *s, uint16_t sel, uint8_t type, int l,
		    int db)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->base = 0;
	s->limit = 0xffffffff;
	s->type = type;
	s->present = 1;
	s->s = 1;
	s->l = (uint8_t)l;
	s->db = (uint8_t)db;
	s->g = 1;
}

int vcpu_setup_boot(struct vcpu *v, uint64_t entry, uint64_t zero_page,
		    struct pv_error *err)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct kvm_fpu fpu;

	if (ioctl(v->fd, KVM_GET_SREGS, &sregs))
		return pv_seterr(err, errno, "KVM_GET_SREGS: %s",
				 strerror(errno));
	set_seg(&sregs.cs, 0x10, 0xb, 1, 0);
	set_seg(&sregs.ds, 0x18, 0x3, 0, 1);
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	sregs.gdt.base = BOOT_GDT_GPA;
	sregs.gdt.limit = 4 * 8 - 1;
	sregs.cr3 = BOOT_PML4_GPA;
	sregs.cr4 = X86_CR4_PAE;
	sregs.cr0 = X86_CR0_PE | X86_CR0_PG | X86_CR0_ET;
	sregs.efer = EFER_LME | EFER_LMA;
	if (ioctl(v->fd, KVM_SET_SREGS, &sregs))
		return pv_seterr(err, errno, "KVM_SET_SREGS: %s",
				 strerror(errno));
	memset(&regs, 0, sizeof(regs));
	regs.rflags = 0x2;
	regs.rip = entry;
	regs.rsi = zero_page;
	if (ioctl(v->fd, KVM_SET_REGS, &regs))
		return pv_seterr(err, errno, "KVM_SET_REGS: %s",
				 strerror(errno));
	memset(&fpu, 0, sizeof(fpu));
	fpu.fcw = 0x37f;
	fpu.mxcsr = 0x1f80;
	if (ioctl(v->fd, KVM_SET_FPU, &fpu))
		return pv_seterr(err, errno, "KVM_SET_FPU: %s",
				 strerror(errno));
	pv_trace(TRACE_BOOT, "vcpu 0: long mode, RIP 0x%llx, RSI 0x%llx",
		 (unsigned long long)entry, (unsigned long long)zero_page);
	return 0;
}

/*
 * One line of register state for a crash report. Returns true when it is
 * the architectural reset state (RIP 0xfff0 in real mode): KVM on AMD SVM
 * re-initialises the vCPU on a shutdown intercept (the VMCB is undefined
 * after it), so the state at the triple fault is gone.
 */
static bool dump_regs(const struct vcpu *v)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (ioctl(v->fd, KVM_GET_REGS, &regs) ||
	    ioctl(v->fd, KVM_GET_SREGS, &sregs))
		return false;
	pv_err("vCPU %u: RIP 0x%llx RSP 0x%llx RFLAGS 0x%llx CR0 0x%llx CR3 0x%llx CR4 0x%llx EFER 0x%llx",
	       v->id, (unsigned long long)regs.rip,
	       (unsigned long long)regs.rsp, (unsigned long long)regs.rflags,
	       (unsigned long long)sregs.cr0, (unsigned long long)sregs.cr3,
	       (unsigned long long)sregs.cr4, (unsigned long long)sregs.efer);
	return regs.rip == 0xfff0 && !(sregs.cr0 & 1) &&
	       sregs.cs.base == 0xffff0000;
}

void arch_vcpu_report_crash(struct vcpu *v, uint32_t exit_reason)
{
	if (dump_regs(v) && exit_reason == KVM_EXIT_SHUTDOWN)
		pv_err("vCPU %u: (that is the reset state: KVM on AMD re-initialises a vCPU after a triple fault, so its state is lost; boot the guest with earlyprintk=serial,ttyS0 to see how it crashed)",
		       v->id);
}
