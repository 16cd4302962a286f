/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What differs between the architectures passvm runs on, behind one
 * interface. Each function and object here has one implementation per
 * architecture and the Makefile's ARCH picks which is built:
 *
 *   x86_64  arch/x86/ (kvm.c, vcpu.c, platform.c), with the PC's device
 *           models, ACPI tables and bzImage loader that still live in
 *           devices/ and firmware/
 *   arm64   arch/arm64/ (kvm.c: the vGICv3 and its ITS; vcpu.c: PSCI
 *           vCPUs; platform.c: the devices and the boot; fdt.c: the device
 *           tree; image.c: the Image loader; layout.c: the memory map)
 *
 * Everything else (guest memory, PCI, VFIO, the interrupt router, the
 * buses, the run loop, the API) is shared and calls these at fixed
 * points of the VM's life (vmm/vm.c, vmm/kvm_vm.c, vmm/vcpu.c):
 *
 *   kvm_open_dev   -> arch_kvm_open        capabilities, CPUID or IPA size
 *   kvm_create_vm  -> arch_vm_type, arch_vm_init   the in-kernel irqchip
 *   boot_build     -> layout (arch_layout_rules), vCPUs (arch_vcpu_init),
 *                     arch_irqchip_ready, devices (arch_platform,
 *                     arch_setup_devices), arch_load_guest
 *   vm_destroy     -> arch_vm_free
 *
 * State of its own an architecture keeps in struct arch_vm (vm->arch,
 * allocated by arch_kvm_open, freed by arch_vm_free), defined by each.
 */
#ifndef PASSVM_ARCH_ARCH_H
#define PASSVM_ARCH_ARCH_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/irq.h"
#include "memory/layout.h"
#include "util/log.h"

struct vm;
struct vcpu;
struct arch_vm;

/* "x86_64" or "arm64", for messages. */
extern const char arch_name[];

/*
 * What a guest of an architecture has that the user is told about and the
 * options depend on (passvm run --help, --verdict, --timeout): data from
 * the architecture's layout header (arch/x86/layout.h,
 * arch/arm64/layout.h), one object per architecture. Both are built into
 * the host's unit tests; arch_guest is this binary's.
 */
struct arch_guest {
	const char *name; /* "x86_64", "arm64" (arch_name) */
	const char *kernel; /* what --kernel takes: "bzImage", "Image" */
	const char *console; /* the console UART, for --help ("COM1") */
	uint64_t verdict_mmio; /* GPA of the verdict page (devices/verdict.h) */
	int verdict_port; /* I/O port of the verdict channel, -1: no port I/O */
	/*
	 * --timeout can press a power button the guest's kernel knows (x86:
	 * the ACPI fixed-feature button); without one --timeout stops the
	 * guest at once and --timeout-grace does not apply.
	 */
	bool power_button;
	/*
	 * passvm run --help's words for the two above, so that a binary
	 * carries its own architecture's only (vmm/cli_help.c prints them):
	 * the rest of --verdict's channel list (with a port, a printf format
	 * of the port number, %x; without, of the name, %s) and the --timeout
	 * and --timeout-grace options (with a power button plain text;
	 * without, a format of the name, %s, twice).
	 */
	const char *help_port;
	const char *help_timeout;
};
extern const struct arch_guest arch_guest_x86_64, arch_guest_arm64;
extern const struct arch_guest *const arch_guest;

/* Where guest RAM may go (memory/layout.h). */
extern const struct layout_rules arch_layout_rules;

/*
 * The platform's fixed wiring, which the shared device setup (vmm/vm.c)
 * reads: the interrupt controller's default routes, the console UART's
 * line, the PCI host bridge's windows (I/O in PCI port numbers, the 32-bit
 * MMIO window and ECAM as GPAs, bytes) and how INTx pin P (1 = INTA) of
 * slot S reaches a GSI: intx_base + (S + P - 1) % intx_count (the
 * firmware's _PRT or interrupt-map says the same).
 */
struct arch_platform {
	const struct irq_layout *irq;
	uint32_t serial_gsi;
	uint64_t pio_base, pio_size;
	uint64_t mmio32_base, mmio32_size;
	uint64_t ecam_base, ecam_size;
	uint32_t intx_base, intx_count;
};
extern const struct arch_platform arch_platform;

/*
 * arch_kvm_open() - after /dev/kvm is open (vm->kvm_fd) and the shared
 * capabilities are checked: the architecture's capabilities, vm->phys_bits
 * (the guest-physical address width) and vm->arch. Errors: -ENOTSUP (what
 * is missing and what to do), -ENOMEM.
 */
int arch_kvm_open(struct vm *vm, struct pv_error *err);

/* A hint for a host where /dev/kvm cannot be opened. */
extern const char arch_kvm_hint[];

/* arch_vm_type() - KVM_CREATE_VM's argument (x86: 0; arm64: the IPA size). */
unsigned long arch_vm_type(const struct vm *vm);

/*
 * arch_vm_init() - right after KVM_CREATE_VM (vm->vm_fd), before memory
 * and vCPUs: the in-kernel interrupt controller and what else the VM
 * needs (x86: TSS, PIC/IOAPIC, PIT; arm64: the vGICv3 and, when the host
 * has one, its ITS). Errors: -errno, message in @err.
 */
int arch_vm_init(struct vm *vm, struct pv_error *err);

/*
 * arch_vcpu_init() - after KVM_CREATE_VCPU and the kvm_run mapping of @v
 * (vCPU @v->id of @nr_cpus): its architectural setup (x86: CPUID, MTRRs,
 * LAPIC; arm64: KVM_ARM_VCPU_INIT with PSCI 0.2, secondaries powered off).
 */
int arch_vcpu_init(struct vcpu *v, struct arch_vm *arch, unsigned int nr_cpus,
		   struct pv_error *err);

/*
 * arch_irqchip_ready() - once every vCPU exists and before any route,
 * line or irqfd is set (arm64: KVM_DEV_ARM_VGIC_CTRL_INIT, which also
 * installs KVM's default routes; x86: nothing).
 */
int arch_irqchip_ready(struct vm *vm, struct pv_error *err);

/*
 * arch_setup_devices() - register the platform's devices (the console
 * UART, the PCI host bridge's config access and windows, and the
 * architecture's own) with vm_add_range(); @power_on is false on a
 * --reboot restart. Runs after the router, buses, UART and PCI bus are
 * initialised, before the assigned devices are attached.
 */
int arch_setup_devices(struct vm *vm, bool power_on, struct pv_error *err);

/*
 * arch_check_assigned() - after the assigned and the virtio devices are
 * attached, before the guest runs: refuse what this platform cannot give
 * them (arm64: MSIs of an assigned device without an ITS) and set what
 * its interrupt controller needs (arm64 with an ITS: every device's MSIs
 * carry its requester ID).
 */
int arch_check_assigned(struct vm *vm, struct pv_error *err);

/*
 * arch_load_guest() - the kernel, initrd and command line in guest RAM,
 * the firmware tables (ACPI or a device tree), and vCPU 0's boot
 * registers. Errors: the loader's, message in @err naming the file.
 */
int arch_load_guest(struct vm *vm, struct pv_error *err);

/* arch_vm_free() - release vm->arch (safe on NULL and on partial state). */
void arch_vm_free(struct vm *vm);

/*
 * arch_vcpu_report_crash() - the register state of @v on stderr after the
 * guest crashed (KVM exit @exit_reason), with any hint on reading it.
 */
void arch_vcpu_report_crash(struct vcpu *v, uint32_t exit_reason);

/*
 * arch_kvm_irqchip() - KVM's irqchip number for @chip in a routing entry,
 * or -1 when this architecture has no such controller.
 */
int arch_kvm_irqchip(enum irq_chip chip);

/* arch_kvm_irq_line() - KVM_IRQ_LINE's irq field for GSI @gsi. */
uint32_t arch_kvm_irq_line(uint32_t gsi);

/*
 * arch_power_button() - press the guest's power button (--timeout's first
 * step; x86: the ACPI fixed-feature button, an SCI). Errors: -ENOTSUP
 * where the platform has none (arm64).
 */
int arch_power_button(struct vm *vm);

/*
 * arch_ctrl_alt_del() - press Ctrl-Alt-Del (Firecracker's SendCtrlAltDel;
 * x86: the i8042). Errors: -ENOTSUP where there is no such key path.
 */
int arch_ctrl_alt_del(struct vm *vm, struct pv_error *err);

#endif
