// SPDX-License-Identifier: GPL-2.0
/*
 * The PC platform (arch/arch.h): the COM1 UART, ACPI PM block (with the
 * power button), i8042, RTC and the verdict port on the PIO bus, PCI
 * config through CF8/CFC and ECAM, the verdict page, the IOAPIC routes;
 * the bzImage with its zero page, e820 map, boot page tables and ACPI
 * tables; Ctrl-Alt-Del on the i8042.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "arch/x86/layout.h"
#include "arch/x86/x86.h"
#include "firmware/acpi.h"
#include "firmware/linux_boot.h"
#include "vmm/vm.h"
#include "vmm/vm_config.h"

#define ACPI_SCI_IRQ 9
#define EBDA_START 0x9fc00ull

const struct layout_rules arch_layout_rules = {
	.ram = { { 0, LAYOUT_LOW_RAM_MAX }, { LAYOUT_HIGH_RAM_BASE, 0 } },
	.nr_ram = 2,
	.boot_base = 0,
	.boot_size = SZ_1M,
	.boot_what = "the guest's boot code",
};

const struct arch_platform arch_platform = {
	.irq = &irq_layout_pc,
	.serial_gsi = SERIAL_COM1_IRQ,
	.pio_base = LAYOUT_PIO_PCI_BASE,
	.pio_size = LAYOUT_PIO_PCI_SIZE,
	.mmio32_base = LAYOUT_MMIO32_BASE,
	.mmio32_size = LAYOUT_MMIO32_SIZE,
	.ecam_base = LAYOUT_ECAM_BASE,
	.ecam_size = LAYOUT_ECAM_SIZE,
	/* firmware/dsdt_prt.asi: the _PRT's swizzle onto IOAPIC pins 16..23 */
	.intx_base = IRQ_PCI_GSI_BASE,
	.intx_count = IRQ_PCI_GSI_COUNT,
};

/* The CMOS RAM keeps its contents across a reboot, as on a PC. */
int arch_setup_devices(struct vm *vm, bool power_on, struct pv_error *err)
{
	struct irq_line kbd, sci;

	sci = irq_line_for(&vm->irq, ACPI_SCI_IRQ);
	acpi_pm_init(&vm->pm, &vm->stop_sink, &sci);
	kbd = irq_line_for(&vm->irq, I8042_KBD_IRQ);
	i8042_init(&vm->i8042, &vm->stop_sink, &kbd);
	if (power_on)
		rtc_init(&vm->rtc, NULL);

	const struct vm_range regs[] = {
		{ &vm->pio, LAYOUT_PIO_COM1, 8, "serial", &serial_ops,
		  &vm->serial },
		{ &vm->pio, LAYOUT_PIO_ACPI_PM, ACPI_PM_LEN, "acpi-pm",
		  &acpi_pm_ops, &vm->pm },
		{ &vm->pio, LAYOUT_PIO_I8042_DATA, 1, "i8042", &i8042_data_ops,
		  &vm->i8042 },
		{ &vm->pio, LAYOUT_PIO_I8042_CMD, 1, "i8042-cmd",
		  &i8042_cmd_ops, &vm->i8042 },
		{ &vm->pio, RTC_PORT, RTC_NR_PORTS, "rtc", &rtc_ops, &vm->rtc },
		{ &vm->pio, LAYOUT_PIO_DEBUG_EXIT, 1, "debug-exit",
		  &verdict_port_ops, &vm->verdict },
		{ &vm->pio, LAYOUT_PIO_PCI_CONF, 8, "pci-conf", &pci_cf8_ops,
		  &vm->pci },
		{ &vm->pio, LAYOUT_PIO_PCI_BASE, LAYOUT_PIO_PCI_SIZE, "pci-io",
		  &pci_window_ops, &vm->pci.win[PCI_WIN_IO] },
		{ &vm->mmio, LAYOUT_ECAM_BASE, LAYOUT_ECAM_SIZE, "pci-ecam",
		  &pci_ecam_ops, &vm->pci },
		{ &vm->mmio, LAYOUT_VERDICT_BASE, LAYOUT_VERDICT_SIZE,
		  "verdict", &verdict_mmio_ops, &vm->verdict },
		{ &vm->mmio, LAYOUT_MMIO32_BASE, LAYOUT_MMIO32_SIZE,
		  "pci-mmio32", &pci_window_ops, &vm->pci.win[PCI_WIN_MMIO32] },
		{ &vm->mmio, vm->layout.mmio64_base, vm->layout.mmio64_size,
		  "pci-mmio64", &pci_window_ops, &vm->pci.win[PCI_WIN_MMIO64] },
		/* In the kernel: no bus, but no BAR may be mapped there. */
		{ NULL, LAYOUT_IOAPIC_BASE, 0x1000, "IOAPIC", NULL, NULL },
		{ NULL, LAYOUT_MSI_BASE, LAYOUT_MSI_SIZE, "MSI", NULL, NULL },
		{ NULL, LAYOUT_KVM_IDENT_MAP, 0x4000, "KVM's TSS", NULL, NULL },
	};
	return vm_add_ranges(vm, regs, sizeof(regs) / sizeof(regs[0]), err);
}

/* x86 routes MSIs to the LAPICs: nothing an assigned device could lack. */
int arch_check_assigned(struct vm *vm, struct pv_error *err)
{
	return 0;
}

/* The e820 map: RAM as laid out, minus the legacy BIOS area. */
static unsigned int build_e820(struct vm *vm, struct e820_range *e)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < vm->layout.nr_ram; i++) {
		const struct layout_range *r = &vm->layout.ram[i];

		if (r->base == 0) {
			e[n++] = (struct e820_range){ 0, EBDA_START,
						      E820_TYPE_RAM };
			e[n++] = (struct e820_range){ EBDA_START,
						      SZ_1M - EBDA_START,
						      E820_TYPE_RESERVED };
			if (r->size > SZ_1M)
				e[n++] = (struct e820_range){ SZ_1M,
							      r->size - SZ_1M,
							      E820_TYPE_RAM };
		} else {
			e[n++] = (struct e820_range){ r->base, r->size,
						      E820_TYPE_RAM };
		}
	}
	e[n++] = (struct e820_range){ LAYOUT_ECAM_BASE, LAYOUT_ECAM_SIZE,
				      E820_TYPE_RESERVED };
	/* Keep ranges sorted: the ECAM sits between low and high RAM. */
	for (unsigned int i = 1; i < n; i++)
		for (unsigned int j = i; j && e[j].addr < e[j - 1].addr; j--) {
			struct e820_range t = e[j];

			e[j] = e[j - 1];
			e[j - 1] = t;
		}
	return n;
}

static int load_firmware(struct vm *vm, struct linux_boot_result *boot,
			 struct pv_error *err)
{
	struct acpi_config ac = {
		.nr_cpus = vm->opts->cpus,
		.lapic_addr = LAYOUT_LAPIC_BASE,
		.ioapic_addr = LAYOUT_IOAPIC_BASE,
		.ioapic_id = 0,
		.ecam_base = LAYOUT_ECAM_BASE,
		.ecam_end_bus = 0,
		.pm_base = LAYOUT_PIO_ACPI_PM,
		.reset_port = LAYOUT_PIO_RESET,
		.sci_irq = ACPI_SCI_IRQ,
		.mmio64_base = vm->layout.mmio64_base,
		.mmio64_size = vm->layout.mmio64_size,
	};
	struct e820_range e820[E820_MAX];
	struct linux_boot_args args = {
		.kernel_path = vm->opts->kernel,
		.initrd_path = vm->opts->initrd,
		.cmdline = vm->cmdline,
		.ram = vm->ram.hva,
		.low_ram_size = vm->layout.low_ram_end,
		.e820 = e820,
	};
	uint64_t rsdp;
	int ret;

	args.nr_e820 = build_e820(vm, e820);
	ret = acpi_build(vm->ram.hva, &ac, &rsdp, err);
	if (ret)
		return ret;
	args.rsdp_gpa = rsdp;
	boot_write_tables(vm->ram.hva);
	ret = linux_boot_load(&args, boot, err);
	if (ret)
		return ret;
	pv_trace(
		TRACE_BOOT,
		"bzImage protocol %u.%02u, entry 0x%llx, initrd 0x%llx+0x%llx, ACPI RSDP 0x%llx",
		boot->info.protocol >> 8, boot->info.protocol & 0xff,
		(unsigned long long)boot->entry_gpa,
		(unsigned long long)boot->initrd_gpa,
		(unsigned long long)boot->initrd_size,
		(unsigned long long)rsdp);
	return 0;
}

int arch_load_guest(struct vm *vm, struct pv_error *err)
{
	struct linux_boot_result boot;
	int ret;

	ret = load_firmware(vm, &boot, err);
	if (!ret)
		ret = vcpu_setup_boot(&vm->vcpus[0], boot.entry_gpa,
				      boot.zero_page_gpa, err);
	return ret;
}

int arch_power_button(struct vm *vm)
{
	acpi_pm_power_button(&vm->pm);
	return 0;
}

int arch_ctrl_alt_del(struct vm *vm, struct pv_error *err)
{
	return i8042_ctrl_alt_del(&vm->i8042, err);
}
