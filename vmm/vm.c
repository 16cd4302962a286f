// SPDX-License-Identifier: GPL-2.0
/*
 * Building, rebuilding and tearing down the VM. The order of vm_create()
 * follows the dependencies: assigned devices are opened before RAM is laid
 * out (their IOMMU constrains where RAM may go), RAM exists before the VFIO
 * DMA listener (which maps it), and devices exist before the firmware
 * tables that describe them. One boot's part (boot_build) is redone by
 * vm_reboot() on a new KVM VM, with the assigned devices kept open.
 */
#include "vmm/vm.h"

#include <errno.h>
#include <stdio.h>
#include <sys/random.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "firmware/acpi.h"
#include "firmware/linux_boot.h"
#include "vmm/kvm_irq.h"

#define COM1_IRQ 4
#define ACPI_SCI_IRQ 9
#define EBDA_START 0x9fc00ull
#define THP_SYSFS "/sys/kernel/mm/transparent_hugepage"

/*
 * --sriov: make the VFs and bind them (host/sriov_vm.c, undone by
 * vm_destroy), and add them to @bdfs after the @n devices there.
 */
static int start_sriov(struct vm *vm, const char **bdfs,
		       char (*names)[PCI_ADDR_STRLEN], unsigned int *n,
		       struct pv_error *err)
{
	const struct vm_config *o = vm->opts;
	struct pci_addr pfs[VM_MAX_SRIOV], vfs[CLI_MAX_VFIO];
	unsigned int numvfs[VM_MAX_SRIOV], nvfs = 0, i;
	struct sriov_env env;
	int ret;

	for (i = 0; i < o->nr_sriov; i++) {
		if (pci_addr_parse(o->sriov[i].pf, &pfs[i]))
			return pv_seterr(err, EINVAL,
					 "--sriov '%s' is not a PCI address",
					 o->sriov[i].pf);
		numvfs[i] = o->sriov[i].numvfs;
	}
	sriov_env_default(&env);
	ret = sriov_vm_start(&vm->sriov, &env, pfs, numvfs, o->nr_sriov, vfs,
			     CLI_MAX_VFIO - *n, &nvfs, err);
	for (i = 0; !ret && i < nvfs; i++) {
		pci_addr_format(&vfs[i], names[i]);
		bdfs[(*n)++] = names[i];
	}
	return ret;
}

/*
 * Bind the managed devices, make the --sriov VFs, then open every
 * assigned device (container, groups, device fds; each group registered
 * with KVM's VFIO device) and learn which GPAs its IOMMU cannot map,
 * before RAM is placed.
 */
static int open_assigned(struct vm *vm, struct pv_error *err)
{
	const struct vm_config *o = vm->opts;
	const char *bdfs[CLI_MAX_VFIO];
	char vf_names[CLI_MAX_VFIO][PCI_ADDR_STRLEN];
	int fds[CLI_MAX_VFIO];
	struct vfio_group_hook hook = kvm_vfio_hook(&vm->kvm_vfio);
	struct vfio_open_opts vo = {
		.mode = o->iommu,
		.iommu_fd = o->has_iommu_fd ? o->iommu_fd : -1,
		.dev_fds = fds,
	};
	unsigned int n = o->nr_vfio;
	struct bind_env env;
	int ret;

	if (!o->nr_vfio && !o->nr_sriov)
		return 0;
	bind_env_default(&env);
	for (unsigned int i = 0; i < o->nr_vfio; i++) {
		struct pci_addr a;

		bdfs[i] = o->vfio[i].bdf;
		fds[i] = o->vfio[i].has_fd ? o->vfio[i].fd : -1;
		if (o->vfio[i].has_fd && !bdfs[i][0])
			continue; /* vfio_open reads it from the fd */
		if (pci_addr_parse(o->vfio[i].bdf, &a))
			return pv_seterr(
				err, EINVAL,
				"--vfio '%s' is not a PCI address: use the form 0000:01:00.0 (see lspci -D)",
				o->vfio[i].bdf);
		if (!o->vfio[i].managed)
			continue;
		ret = bind_vfio(&env, &a, false, err);
		if (ret < 0)
			return ret;
		if (ret == 0) /* 1: it already was on vfio-pci */
			vm->managed[vm->nr_managed++] = a;
	}
	ret = start_sriov(vm, bdfs, vf_names, &n, err);
	if (ret)
		return ret;
	for (unsigned int i = o->nr_vfio; i < n; i++)
		fds[i] = -1; /* the VFs --sriov made: by BDF */
	ret = vfio_open(&vm->vfio, "/sys", bdfs, (int)n, &vo, &hook, err);
	if (ret)
		return ret;
	ret = vfio_iova_holes(&vm->vfio, vm->holes, VM_MAX_HOLES);
	if (ret < 0)
		return pv_seterr(err, -ret,
				 "cannot read the IOMMU's IOVA ranges");
	if (ret > VM_MAX_HOLES)
		return pv_seterr(
			err, E2BIG,
			"the IOMMU reports %d reserved ranges; passvm handles %d",
			ret, VM_MAX_HOLES);
	vm->nr_holes = (unsigned int)ret;
	return 0;
}

static int setup_memory(struct vm *vm, struct pv_error *err)
{
	uint64_t off = 0;
	long ncpu;
	int ret;

	ret = layout_compute(&vm->layout, vm->opts->mem, vm->phys_bits,
			     vm->holes, vm->nr_holes, err);
	if (ret)
		return ret;
	ret = ram_backing_create(&vm->ram, vm->opts->mem, vm->opts->hugepages,
				 THP_SYSFS, err);
	if (ret)
		return ret;
	/*
	 * VFIO pins (and so faults) all of it before the guest starts: with
	 * several CPUs, fault it in parallel first and the pinning finds it.
	 */
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	if (vm->opts->nr_vfio && ncpu > 1)
		ram_backing_prefault(&vm->ram, (unsigned int)ncpu);
	mem_map_init(&vm->mem);
	kvm_mem_listener_init(&vm->kvm_mem, vm->vm_fd, kvm_nr_memslots(vm));
	ret = mem_map_add_listener(&vm->mem, &vm->kvm_mem.l, err);
	if (ret)
		return ret;
	for (unsigned int i = 0; i < vm->layout.nr_ram; i++) {
		struct mem_region r = {
			.gpa = vm->layout.ram[i].base,
			.size = vm->layout.ram[i].size,
			.hva = (uint8_t *)vm->ram.hva + off,
			.kind = MEM_REGION_RAM,
		};

		snprintf(r.name, sizeof(r.name), "ram%u", i);
		ret = mem_map_add(&vm->mem, &r, err);
		if (ret)
			return ret;
		off += r.size;
	}
	return 0;
}

/* The CMOS RAM keeps its contents across a reboot, as on a PC. */
static int setup_devices(struct vm *vm, bool power_on, struct pv_error *err)
{
	struct serial_tap tap = { verdict_serial_byte, &vm->verdict };
	struct irq_backend be;
	struct irq_line com1, kbd, sci;
	int ret;

	vm->vm_fd_store = vm->vm_fd;
	be = kvm_irq_backend(&vm->vm_fd_store);
	ret = irq_router_init(&vm->irq, &be, &irq_layout_pc, kvm_max_gsi(vm),
			      err);
	if (ret)
		return ret;

	bus_init(&vm->pio, "pio");
	bus_init(&vm->mmio, "mmio");
	com1 = irq_line_for(&vm->irq, COM1_IRQ);
	ret = serial_init(&vm->serial, STDOUT_FILENO, &com1, err);
	if (ret)
		return ret;
	vm->serial_ready = true;
	serial_set_tap(&vm->serial, &tap);
	sci = irq_line_for(&vm->irq, ACPI_SCI_IRQ);
	acpi_pm_init(&vm->pm, &vm->stop_sink, &sci);
	kbd = irq_line_for(&vm->irq, I8042_KBD_IRQ);
	i8042_init(&vm->i8042, &vm->stop_sink, &kbd);
	if (power_on)
		rtc_init(&vm->rtc, NULL);
	pci_bus_init(&vm->pci, LAYOUT_PIO_PCI_BASE, LAYOUT_PIO_PCI_SIZE,
		     LAYOUT_MMIO32_BASE, LAYOUT_MMIO32_SIZE,
		     vm->layout.mmio64_base, vm->layout.mmio64_size,
		     &vm->stop_sink);

	struct {
		struct bus *bus;
		uint64_t base, len;
		const char *name;
		const struct io_ops *ops;
		void *opaque;
	} regs[] = {
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
	for (unsigned int i = 0; i < vm->layout.nr_ram; i++)
		pci_bus_reserve(&vm->pci, false, vm->layout.ram[i].base,
				vm->layout.ram[i].size, "guest RAM");
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		if (!regs[i].len)
			continue;
		if (regs[i].ops != &pci_window_ops)
			pci_bus_reserve(&vm->pci, regs[i].bus == &vm->pio,
					regs[i].base, regs[i].len,
					regs[i].name);
		if (!regs[i].bus)
			continue;
		ret = bus_register(regs[i].bus, regs[i].base, regs[i].len,
				   regs[i].name, regs[i].ops, regs[i].opaque,
				   err);
		if (ret)
			return ret;
	}
	if (vm->vfio.nr_devs) { /* --vfio and --sriov devices */
		ret = vfio_attach(&vm->vfio, &vm->mem, &vm->irq, &vm->pci, err);
		if (ret)
			return ret;
	}
	ret = virtio_devices_create(&vm->virtio, vm->opts, &vm->virtio_host,
				    &vm->mem, &vm->irq, &vm->pci, vm->vm_fd,
				    err);
	if (ret)
		return ret;
	pci_bus_enable_decode(&vm->pci);
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

static bool stopping_cb(void *opaque)
{
	return vm_stopping(opaque);
}

static void first_entry_cb(void *opaque)
{
	struct vm *vm = opaque;

	/* The figure is launch to the first boot's first instruction. */
	if (!vm->first_entry_ns)
		vm->first_entry_ns = log_elapsed_ns();
}

static void pause_point_cb(void *opaque)
{
	vm_pause_point(opaque);
}

static int create_vcpus(struct vm *vm, struct pv_error *err)
{
	unsigned int n = vm->opts->cpus;
	int ret;

	vm->vcpu_env = (struct vcpu_env){
		.kvm_fd = vm->kvm_fd,
		.vm_fd = vm->vm_fd,
		.run_size = vm->run_size,
		.pio = &vm->pio,
		.mmio = &vm->mmio,
		.stop = &vm->stop_sink,
		.stopping = stopping_cb,
		.first_entry = first_entry_cb,
		.pause_point = pause_point_cb,
		.opaque = vm,
	};
	vm->vcpus = calloc(n, sizeof(*vm->vcpus));
	if (!vm->vcpus)
		return pv_seterr(err, ENOMEM, "out of memory");
	for (unsigned int i = 0; i < n; i++)
		vm->vcpus[i].fd = -1;
	for (unsigned int i = 0; i < n; i++) {
		ret = vcpu_create(&vm->vcpus[i], &vm->vcpu_env, i, vm->cpuid, n,
				  err);
		vm->nr_vcpus = i + 1;
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * The verdict channels, once per run: with the serial one, a random token
 * the guest finds on its command line as passvm.token=.
 */
static int setup_verdict(struct vm *vm, struct pv_error *err)
{
	uint8_t rnd[VERDICT_TOKEN_LEN / 2];
	char *base;
	int ret = 0;

	if (vm->opts->verdict & VERDICT_BIT(VERDICT_SERIAL)) {
		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			return pv_seterr(err, errno,
					 "cannot draw the verdict token: %s",
					 strerror(errno));
		for (size_t i = 0; i < sizeof(rnd); i++)
			snprintf(vm->token + 2 * i, 3, "%02x", rnd[i]);
	}
	verdict_init(&vm->verdict, vm->opts->verdict, vm->token,
		     &vm->stop_sink);
	/* The boot args, root= for a root drive, then the token. */
	base = vm_config_boot_cmdline(vm->opts);
	if (!base)
		return pv_seterr(err, ENOMEM, "out of memory");
	if (verdict_cmdline(vm->cmdline, sizeof(vm->cmdline), base,
			    vm->token[0] ? vm->token : NULL))
		ret = pv_seterr(err, ENOSPC,
				"the kernel command line is too long (%zu "
				"bytes, at most %d with passvm.token=)",
				strlen(base), VM_CMDLINE_MAX - 32);
	free(base);
	return ret;
}

/* One boot on vm->vm_fd: RAM, devices, firmware, vCPUs. */
static int boot_build(struct vm *vm, bool power_on, struct pv_error *err)
{
	struct linux_boot_result boot;
	int ret;

	ret = setup_memory(vm, err);
	if (!ret)
		ret = setup_devices(vm, power_on, err);
	if (!ret)
		ret = load_firmware(vm, &boot, err);
	if (!ret)
		ret = create_vcpus(vm, err);
	if (!ret)
		ret = vcpu_setup_boot(&vm->vcpus[0], boot.entry_gpa,
				      boot.zero_page_gpa, err);
	return ret;
}

/*
 * Undo boot_build (and a KVM VM's assignment state); safe when partial.
 * @final: passvm is done with the assigned devices too (closed here, so
 * vfio-pci's reset at close is not preceded by one of ours).
 */
static void boot_teardown(struct vm *vm, bool final)
{
	struct vcpu *vcpus;
	unsigned int n;

	/* vm_stop() kicks vCPUs under stop_lock: take them away under it. */
	pthread_mutex_lock(&vm->stop_lock);
	vcpus = vm->vcpus;
	n = vm->nr_vcpus;
	vm->vcpus = NULL;
	vm->nr_vcpus = 0;
	pthread_mutex_unlock(&vm->stop_lock);
	for (unsigned int i = 0; i < n; i++)
		vcpu_destroy(&vcpus[i]);
	free(vcpus);
	/* virtio devices: I/O threads stopped, ioeventfds and irqfds gone. */
	virtio_devices_destroy(vm->virtio);
	vm->virtio = NULL;
	/* Assigned devices: quiet, reset, unmapped; still open and bound. */
	if (final)
		vfio_close(&vm->vfio);
	else
		vfio_detach(&vm->vfio);
	if (vm->serial_ready)
		serial_destroy(&vm->serial);
	vm->serial_ready = false;
	if (vm->ram.hva) {
		ram_backing_destroy(&vm->ram);
		pv_trace(TRACE_MEM, "guest RAM released");
	}
}

/* Let go of the KVM VM: its VFIO device first, then the VM fd. */
static void kvm_vm_close(struct vm *vm)
{
	vfio_unhook_groups(&vm->vfio);
	kvm_vfio_close(&vm->kvm_vfio);
	if (vm->vm_fd >= 0) {
		close(vm->vm_fd);
		pv_trace(TRACE_KVM, "vm closed");
	}
	vm->vm_fd = -1;
}

/* vm_run() waits on stop_cond with deadlines on CLOCK_MONOTONIC. */
static void cond_init_monotonic(pthread_cond_t *c)
{
	pthread_condattr_t ca;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(c, &ca);
	pthread_condattr_destroy(&ca);
}

int vm_create(struct vm *vm, const struct vm_config *o, struct pv_error *err)
{
	int ret;

	memset(vm, 0, sizeof(*vm));
	vm->opts = o;
	vm->kvm_fd = vm->vm_fd = -1;
	vfio_ctx_init(&vm->vfio);
	kvm_vfio_init(&vm->kvm_vfio, -1);
	pthread_mutex_init(&vm->stop_lock, NULL);
	cond_init_monotonic(&vm->stop_cond);
	vm_pause_init(&vm->pause);
	pthread_mutex_init(&vm->boot_lock, NULL);
	vm->stop_sink.request_stop = vm_stop_cb;
	vm->stop_sink.opaque = vm;

	ret = setup_verdict(vm, err);
	if (!ret)
		ret = kvm_open_dev(vm, err);
	if (!ret)
		ret = kvm_create_vm(vm, err);
	if (!ret) {
		kvm_vfio_init(&vm->kvm_vfio, vm->vm_fd);
		ret = open_assigned(vm, err);
	}
	if (!ret)
		ret = virtio_host_open(&vm->virtio_host, o, err);
	if (!ret)
		ret = boot_build(vm, true, err);
	if (ret)
		vm_destroy(vm);
	else
		vm->booted = true;
	return ret;
}

int vm_reboot(struct vm *vm, struct pv_error *err)
{
	int ret;

	/* The API thread may be reading this boot's counters or devices. */
	pthread_mutex_lock(&vm->boot_lock);
	vm->booted = false;
	vm_stats_add(&vm->past, vm);
	boot_teardown(vm, false);
	kvm_vm_close(vm);
	vm->reboots++;
	pv_trace(TRACE_KVM, "guest reset: rebuilding it (reboot %u)",
		 vm->reboots);
	ret = kvm_create_vm(vm, err);
	if (!ret) {
		kvm_vfio_init(&vm->kvm_vfio, vm->vm_fd);
		ret = vfio_hook_groups(&vm->vfio, err);
	}
	if (!ret)
		ret = boot_build(vm, false, err);
	vm->booted = !ret;
	pthread_mutex_unlock(&vm->boot_lock);
	if (ret)
		return ret;
	vm_rearm(vm);
	return 0;
}

void vm_destroy(struct vm *vm)
{
	vm_stop(vm, VM_STOP_VMM_ERROR, 0);
	boot_teardown(vm, true);
	/* Devices closed (device, group, container) after their reset. */
	vfio_close(&vm->vfio);
	virtio_host_close(&vm->virtio_host, vm->opts);
	kvm_vm_close(vm);
	if (vm->nr_managed) {
		struct pv_error err = { "" };
		struct bind_env env;

		bind_env_default(&env);
		for (unsigned int i = 0; i < vm->nr_managed; i++) {
			int ret = bind_restore(&env, &vm->managed[i], &err);

			if (ret)
				pv_warn("%s", err.msg);
			vm->restored[vm->nr_restored].addr = vm->managed[i];
			vm->restored[vm->nr_restored++].ret = ret;
		}
		vm->nr_managed = 0;
	}
	sriov_vm_stop(&vm->sriov); /* --sriov VFs: unbound, removed */
	free(vm->cpuid);
	vm->cpuid = NULL;
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	vm->kvm_fd = -1;
}
