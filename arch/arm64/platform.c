// SPDX-License-Identifier: GPL-2.0
/*
 * The arm64 platform (arch/arch.h): the ns16550a console, the ECAM PCI
 * host bridge and the verdict page (devices/verdict.h) on the MMIO bus,
 * the GIC's ranges kept clear of BARs, MSIs through the ITS with each
 * assigned device's requester ID, and the boot: Image, initrd, device
 * tree, vCPU 0's registers. No PIO bus (so no verdict port), no power
 * button, no Ctrl-Alt-Del (Firecracker's SendCtrlAltDel is x86-only too).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "arch/arm64/arm64.h"
#include "arch/arm64/fdt.h"
#include "arch/arm64/image.h"
#include "arch/arm64/layout.h"
#include "arch/arm64/msi_policy.h"
#include "vmm/virtio_glue.h"
#include "vmm/vm.h"
#include "vmm/vm_config.h"

_Static_assert(ARM64_VERDICT_SIZE == VERDICT_MMIO_LEN, "verdict page");

const struct layout_rules arch_layout_rules = ARM64_LAYOUT_RULES;

const struct arch_platform arch_platform = {
	.irq = &irq_layout_arm64,
	.serial_gsi = ARM64_UART_SPI,
	.pio_base = ARM64_PIO_PCI_BASE,
	.pio_size = ARM64_PIO_SIZE - ARM64_PIO_PCI_BASE,
	.mmio32_base = ARM64_MMIO32_BASE,
	.mmio32_size = ARM64_MMIO32_SIZE,
	.ecam_base = ARM64_ECAM_BASE,
	.ecam_size = ARM64_ECAM_SIZE,
	.intx_base = ARM64_PCI_SPI_BASE,
	.intx_count = ARM64_PCI_SPI_COUNT,
};

int arch_setup_devices(struct vm *vm, bool power_on, struct pv_error *err)
{
	const struct arch_platform *p = &arch_platform;
	const struct vm_range regs[] = {
		{ &vm->mmio, ARM64_UART_BASE, SERIAL_NR_PORTS, "serial",
		  &serial_ops, &vm->serial },
		{ &vm->mmio, ARM64_ECAM_BASE, ARM64_ECAM_SIZE, "pci-ecam",
		  &pci_ecam_ops, &vm->pci },
		{ &vm->mmio, ARM64_VERDICT_BASE, ARM64_VERDICT_SIZE, "verdict",
		  &verdict_mmio_ops, &vm->verdict },
		/* PCI ports p->pio_base.. at CPU address base + port. */
		{ &vm->mmio, ARM64_PIO_CPU_BASE + p->pio_base, p->pio_size,
		  "pci-io", &pci_window_ops, &vm->pci.win[PCI_WIN_IO] },
		{ &vm->mmio, ARM64_MMIO32_BASE, ARM64_MMIO32_SIZE, "pci-mmio32",
		  &pci_window_ops, &vm->pci.win[PCI_WIN_MMIO32] },
		{ &vm->mmio, vm->layout.mmio64_base, vm->layout.mmio64_size,
		  "pci-mmio64", &pci_window_ops, &vm->pci.win[PCI_WIN_MMIO64] },
		/* In the kernel: no bus, but no BAR may be mapped there. */
		{ NULL, ARM64_GICD_BASE, ARM64_GICD_SIZE, "GICv3 distributor",
		  NULL, NULL },
		{ NULL, ARM64_GITS_BASE, ARM64_GITS_SIZE, "GICv3 ITS", NULL,
		  NULL },
		{ NULL, ARM64_GICR_BASE, ARM64_GICR_END - ARM64_GICR_BASE,
		  "GICv3 redistributors", NULL, NULL },
	};

	return vm_add_ranges(vm, regs, sizeof(regs) / sizeof(regs[0]), err);
}

/*
 * MSIs reach the guest through the ITS, which tells devices apart by
 * requester ID: tag each device's routes with it (assigned and virtio). Without an ITS, a
 * device that needs MSIs is refused (arch/arm64/msi_policy.h).
 */
int arch_check_assigned(struct vm *vm, struct pv_error *err)
{
	bool its = vm->arch->its_fd >= 0;

	for (unsigned int i = 0; i < vm->vfio.nr_devs; i++) {
		struct vfio_device *d = &vm->vfio.devs[i];
		struct vfio_pci_irq_kinds k;

		if (!d->model)
			continue;
		vfio_pci_get_irq_kinds(d->model, &k);
		switch (arm64_msi_verdict(its, k.msi, k.msix, k.intx)) {
		case ARM64_MSI_OK:
			if (its)
				vfio_pci_use_devid(d->model);
			break;
		case ARM64_MSI_INTX_ONLY:
			pv_warn("%s: this host's KVM has no GICv3 ITS, so the guest cannot use the device's %s: it gets INTx only (slower)",
				d->bdf, k.msix ? "MSI-X" : "MSI");
			break;
		case ARM64_MSI_REFUSE:
			return pv_seterr(
				err, ENOTSUP,
				"%s has only MSI/MSI-X interrupts, and this host's KVM has no GICv3 ITS to deliver them: assign it on a host whose interrupt controller has an ITS (GICv3 with ITS; dmesg: \"ITS@...\")",
				d->bdf);
		}
	}
	/* passvm's own virtio devices: their MSI-X goes through the ITS too */
	if (its)
		virtio_devices_use_devid(vm->virtio, &vm->irq);
	return 0;
}

int arch_load_guest(struct vm *vm, struct pv_error *err)
{
	const struct arch_vm *a = vm->arch;
	const struct layout_range *ram0 = &vm->layout.ram[0];
	struct arm64_boot_args args = {
		.kernel_path = vm->opts->kernel,
		.initrd_path = vm->opts->initrd,
		.ram = vm->ram.hva,
		.ram_base = ram0->base,
		.ram_size = ram0->size,
	};
	struct arm64_boot_result boot;
	struct arm64_fdt_config fc;
	void *fdt;
	int ret;

	ret = arm64_boot_load(&args, &boot, err);
	if (ret)
		return ret;
	fc = arm64_fdt_platform(a->nr_cpus, a->its_fd >= 0);
	fc.mpidr = a->mpidr;
	fc.ram = vm->layout.ram;
	fc.nr_ram = vm->layout.nr_ram;
	fc.mmio64_base = vm->layout.mmio64_base;
	fc.mmio64_size = vm->layout.mmio64_size;
	/* vmm/vm.c setup_verdict(): root=, then passvm.token= */
	fc.bootargs = vm->cmdline;
	fc.initrd_start = boot.initrd_gpa;
	fc.initrd_end = boot.initrd_gpa + boot.initrd_size;
	fdt = calloc(1, ARM64_FDT_BUF);
	if (!fdt)
		return pv_seterr(err, ENOMEM, "out of memory");
	ret = arm64_fdt_build(fdt, ARM64_FDT_BUF, &fc, err);
	if (!ret) {
		memcpy(vm->ram.hva + (boot.dtb_gpa - ram0->base), fdt,
		       fdt_totalsize(fdt));
		pv_trace(TRACE_BOOT, "device tree: %u bytes at 0x%llx",
			 fdt_totalsize(fdt), (unsigned long long)boot.dtb_gpa);
	}
	free(fdt);
	if (!ret)
		ret = arm64_vcpu_boot(&vm->vcpus[0], boot.kernel_gpa,
				      boot.dtb_gpa, err);
	return ret;
}

/* No ACPI and no GPIO keys: nothing the guest would take as a button. */
int arch_power_button(struct vm *vm)
{
	return -ENOTSUP;
}

int arch_ctrl_alt_del(struct vm *vm, struct pv_error *err)
{
	return pv_seterr(err, ENOTSUP,
			 "SendCtrlAltDel is not supported on arm64 (no "
			 "keyboard controller; Firecracker's is x86-only "
			 "too): stop the guest from inside, or send "
			 "passvm SIGTERM");
}
