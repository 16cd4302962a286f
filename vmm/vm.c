// SPDX-License-Identifier: GPL-2.0
/*
 * Building, running and tearing down the VM. The order of vm_create()
 * follows the dependencies: assigned devices are opened before RAM is laid
 * out (their IOMMU constrains where RAM may go), RAM exists before the VFIO
 * DMA listener (which maps it), and devices exist before the firmware
 * tables that describe them.
 */
#include "vmm/vm.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "firmware/acpi.h"
#include "firmware/linux_boot.h"
#include "vmm/term.h"

#define KVM_DEV "/dev/kvm"
#define DEFAULT_CMDLINE "console=ttyS0"
#define COM1_IRQ 4
#define ACPI_SCI_IRQ 9
#define EBDA_START 0x9fc00ull

static int kvm_check_caps(struct vm *vm, struct pv_error *err)
{
	static const struct {
		int cap;
		const char *name;
	} need[] = {
		{ KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP" },
		{ KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY" },
		{ KVM_CAP_IRQ_ROUTING, "KVM_CAP_IRQ_ROUTING" },
		{ KVM_CAP_IRQFD, "KVM_CAP_IRQFD" },
		{ KVM_CAP_PIT2, "KVM_CAP_PIT2" },
		{ KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT" },
		{ KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID" },
	};

	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, need[i].cap) <= 0)
			return pv_seterr(
				err, ENOTSUP,
				"this kernel's KVM lacks %s: passvm needs Linux 4.11 or later",
				need[i].name);
	return 0;
}

static int kvm_open_vm(struct vm *vm, struct pv_error *err)
{
	int max_vcpus, n = 256;

	vm->kvm_fd = open(KVM_DEV, O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0)
		return pv_seterr(
			err, errno,
			"cannot open " KVM_DEV
			": %s: load kvm-intel or kvm-amd and make sure you may use it (group kvm)",
			strerror(errno));
	if (ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		return pv_seterr(err, ENOTSUP, "unsupported KVM API version");
	if (kvm_check_caps(vm, err))
		return -ENOTSUP;
	max_vcpus = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
	if (max_vcpus <= 0)
		max_vcpus = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION,
				  KVM_CAP_NR_VCPUS);
	if (max_vcpus > 0 && vm->opts->cpus > (unsigned int)max_vcpus)
		return pv_seterr(
			err, EINVAL,
			"--cpus %u exceeds this host's KVM limit of %d vCPUs",
			vm->opts->cpus, max_vcpus);
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0)
		return pv_seterr(err, errno, "KVM_CREATE_VM failed: %s",
				 strerror(errno));
	pv_trace(TRACE_KVM, "vm created (fd %d), up to %d vCPUs", vm->vm_fd,
		 max_vcpus);
	vm->run_size = (size_t)ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	for (;;) {
		vm->cpuid =
			calloc(1, sizeof(*vm->cpuid) +
					  n * sizeof(vm->cpuid->entries[0]));
		if (!vm->cpuid)
			return pv_seterr(err, ENOMEM, "out of memory");
		vm->cpuid->nent = (uint32_t)n;
		if (!ioctl(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, vm->cpuid))
			break;
		free(vm->cpuid);
		vm->cpuid = NULL;
		if (errno != E2BIG || n > 4096)
			return pv_seterr(err, errno,
					 "KVM_GET_SUPPORTED_CPUID failed: %s",
					 strerror(errno));
		n *= 2;
	}
	vm->phys_bits = 36;
	for (uint32_t i = 0; i < vm->cpuid->nent; i++)
		if (vm->cpuid->entries[i].function == 0x80000008)
			vm->phys_bits = vm->cpuid->entries[i].eax & 0xff;
	return 0;
}

static int kvm_irqchip(struct vm *vm, struct pv_error *err)
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

/*
 * Bind the managed devices, then open every assigned device (container,
 * groups, device fds) and learn which GPAs its IOMMU cannot map, before
 * RAM is placed.
 */
static int open_assigned(struct vm *vm, struct layout_range *holes,
			 unsigned int *nr_holes, struct pv_error *err)
{
	const struct vm_config *o = vm->opts;
	const char *bdfs[CLI_MAX_VFIO];
	struct bind_env env;
	int ret;

	if (!o->nr_vfio)
		return 0;
	bind_env_default(&env);
	for (unsigned int i = 0; i < o->nr_vfio; i++) {
		struct pci_addr a;

		bdfs[i] = o->vfio[i].bdf;
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
	ret = vfio_open(&vm->vfio, "/sys", bdfs, (int)o->nr_vfio, vm->vm_fd,
			err);
	if (ret)
		return ret;
	ret = vfio_iova_holes(&vm->vfio, holes, 64);
	if (ret < 0)
		return pv_seterr(err, -ret,
				 "cannot read the IOMMU's IOVA ranges");
	if (ret > 64)
		return pv_seterr(
			err, E2BIG,
			"the IOMMU reports %d reserved ranges; passvm handles 64",
			ret);
	*nr_holes = (unsigned int)ret;
	return 0;
}

static int setup_memory(struct vm *vm, const struct layout_range *holes,
			unsigned int nr_holes, struct pv_error *err)
{
	uint64_t off = 0;
	int ret, slots;

	ret = layout_compute(&vm->layout, vm->opts->mem, vm->phys_bits, holes,
			     nr_holes, err);
	if (ret)
		return ret;
	ret = ram_backing_create(&vm->ram, vm->opts->mem, vm->opts->hugepages,
				 err);
	if (ret)
		return ret;
	mem_map_init(&vm->mem);
	slots = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_MEMSLOTS);
	kvm_mem_listener_init(&vm->kvm_mem, vm->vm_fd,
			      slots > 0 ? (unsigned int)slots : 32);
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

static void stop_cb(void *opaque, enum vm_stop_reason why, int code)
{
	vm_stop(opaque, why, code);
}

static int setup_devices(struct vm *vm, struct pv_error *err)
{
	struct irq_backend be;
	struct irq_line com1, kbd;
	int max_gsi, ret;

	vm->vm_fd_store = vm->vm_fd;
	be = kvm_irq_backend(&vm->vm_fd_store);
	max_gsi = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQ_ROUTING);
	ret = irq_router_init(&vm->irq, &be,
			      max_gsi > 0 ? (uint32_t)max_gsi : IRQ_MAX_GSI,
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
	acpi_pm_init(&vm->pm, &vm->stop_sink);
	kbd = irq_line_for(&vm->irq, I8042_KBD_IRQ);
	i8042_init(&vm->i8042, &vm->stop_sink, &kbd);
	debug_exit_init(&vm->dbg, &vm->stop_sink);
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
		  &debug_exit_ops, &vm->dbg },
		{ &vm->pio, LAYOUT_PIO_PCI_CONF, 8, "pci-conf", &pci_cf8_ops,
		  &vm->pci },
		{ &vm->pio, LAYOUT_PIO_PCI_BASE, LAYOUT_PIO_PCI_SIZE, "pci-io",
		  &pci_window_ops, &vm->pci.win[PCI_WIN_IO] },
		{ &vm->mmio, LAYOUT_ECAM_BASE, LAYOUT_ECAM_SIZE, "pci-ecam",
		  &pci_ecam_ops, &vm->pci },
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
	if (vm->opts->nr_vfio) {
		ret = vfio_attach(&vm->vfio, &vm->mem, &vm->irq, &vm->pci, err);
		if (ret)
			return ret;
	}
	ret = virtio_devices_create(&vm->virtio, vm->opts, &vm->mem, &vm->irq,
				    &vm->pci, vm->vm_fd, err);
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
		.cmdline =
			vm->opts->cmdline ? vm->opts->cmdline : DEFAULT_CMDLINE,
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

int vm_create(struct vm *vm, const struct vm_config *o, struct pv_error *err)
{
	struct linux_boot_result boot;
	struct layout_range holes[64];
	unsigned int nr_holes = 0;
	int ret;

	memset(vm, 0, sizeof(*vm));
	vm->opts = o;
	vm->kvm_fd = vm->vm_fd = -1;
	vfio_ctx_init(&vm->vfio);
	pthread_mutex_init(&vm->stop_lock, NULL);
	pthread_cond_init(&vm->stop_cond, NULL);
	vm_pause_init(&vm->pause);
	vm->stop_sink.request_stop = stop_cb;
	vm->stop_sink.opaque = vm;

	ret = kvm_open_vm(vm, err);
	if (!ret)
		ret = kvm_irqchip(vm, err);
	if (ret)
		goto fail;
	ret = open_assigned(vm, holes, &nr_holes, err);
	if (ret)
		goto fail;
	ret = setup_memory(vm, holes, nr_holes, err);
	if (!ret)
		ret = setup_devices(vm, err);
	if (!ret)
		ret = load_firmware(vm, &boot, err);
	if (ret)
		goto fail;
	vm->vcpus = calloc(o->cpus, sizeof(*vm->vcpus));
	if (!vm->vcpus) {
		ret = pv_seterr(err, ENOMEM, "out of memory");
		goto fail;
	}
	for (unsigned int i = 0; i < o->cpus; i++)
		vm->vcpus[i].fd = -1;
	for (unsigned int i = 0; i < o->cpus; i++) {
		ret = vcpu_create(&vm->vcpus[i], vm, i, vm->cpuid, o->cpus,
				  err);
		vm->nr_vcpus = i + 1;
		if (ret)
			goto fail;
	}
	ret = vcpu_setup_boot(&vm->vcpus[0], boot.entry_gpa, boot.zero_page_gpa,
			      err);
	if (ret)
		goto fail;
	return 0;
fail:
	vm_destroy(vm);
	return ret;
}

void vm_stop(struct vm *vm, enum vm_stop_reason why, int code)
{
	static const char *const why_names[] = {
		[VM_STOP_POWEROFF] = "power-off",
		[VM_STOP_RESET] = "reset",
		[VM_STOP_DEBUG_EXIT] = "debug exit",
		[VM_STOP_CRASH] = "crash",
		[VM_STOP_VMM_ERROR] = "passvm error",
		[VM_STOP_SIGNAL] = "signal",
	};

	pthread_mutex_lock(&vm->stop_lock);
	if (!vm->stopping) {
		vm->stopping = true;
		vm->stop_reason = why;
		vm->stop_code = code;
		pthread_cond_broadcast(&vm->stop_cond);
		pv_trace(TRACE_KVM, "stop requested: %s (%d)", why_names[why],
			 code);
	}
	pthread_mutex_unlock(&vm->stop_lock);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		vcpu_kick(&vm->vcpus[i]);
}

bool vm_stopping(struct vm *vm)
{
	return __atomic_load_n(&vm->stopping, __ATOMIC_ACQUIRE);
}

void vm_note_first_entry(struct vm *vm)
{
	vm->first_entry_ns = log_elapsed_ns();
}

static void quit_cb(void *opaque)
{
	vm_stop(opaque, VM_STOP_SIGNAL, SIGINT);
}

struct sig_waiter {
	struct vm *vm;
	sigset_t set;
};

static void *signal_thread(void *arg)
{
	struct sig_waiter *w = arg;
	int sig;

	while (!sigwait(&w->set, &sig)) {
		if (sig == SIGUSR2)
			break; /* vm_run's wake-up to end this thread */
		vm_stop(w->vm, VM_STOP_SIGNAL, sig);
	}
	return NULL;
}

int vm_run(struct vm *vm)
{
	struct sig_waiter w = { .vm = vm };
	struct pv_error err = { "" };
	pthread_t sig_thread;
	bool console = false;
	int status;

	sigemptyset(&w.set);
	sigaddset(&w.set, SIGINT);
	sigaddset(&w.set, SIGTERM);
	sigaddset(&w.set, SIGHUP);
	sigaddset(&w.set, SIGUSR2);
	pthread_create(&sig_thread, NULL, signal_thread, &w);

	if (console_start(&vm->serial, quit_cb, vm, &err))
		pv_warn("%s: the guest gets no console input", err.msg);
	else
		console = true;
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		if (vcpu_start(&vm->vcpus[i], &err)) {
			pv_err("%s", err.msg);
			vm_stop(vm, VM_STOP_VMM_ERROR, 0);
			break;
		}
	}
	pthread_mutex_lock(&vm->stop_lock);
	while (!vm->stopping)
		pthread_cond_wait(&vm->stop_cond, &vm->stop_lock);
	pthread_mutex_unlock(&vm->stop_lock);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		vcpu_kick(&vm->vcpus[i]);
	if (console)
		console_stop();
	pthread_kill(sig_thread, SIGUSR2);
	pthread_join(sig_thread, NULL);

	switch (vm->stop_reason) {
	case VM_STOP_POWEROFF:
		status = VM_EXIT_POWEROFF;
		break;
	case VM_STOP_RESET:
		status = VM_EXIT_RESET;
		break;
	case VM_STOP_DEBUG_EXIT:
		status = vm->stop_code & 0xff;
		break;
	case VM_STOP_CRASH:
		status = VM_EXIT_CRASH;
		break;
	case VM_STOP_SIGNAL:
		status = 128 + vm->stop_code;
		break;
	default:
		status = VM_EXIT_VMM_ERROR;
		break;
	}
	return status;
}

void vm_destroy(struct vm *vm)
{
	vm_stop(vm, VM_STOP_VMM_ERROR, 0);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		vcpu_destroy(&vm->vcpus[i]);
	free(vm->vcpus);
	vm->vcpus = NULL;
	vm->nr_vcpus = 0;
	/* Devices are reset and closed (device, group, container) first. */
	vfio_close(&vm->vfio);
	virtio_devices_destroy(vm->virtio);
	vm->virtio = NULL;
	if (vm->serial_ready)
		serial_destroy(&vm->serial);
	vm->serial_ready = false;
	if (vm->nr_managed) {
		struct pv_error err = { "" };
		struct bind_env env;

		bind_env_default(&env);
		for (unsigned int i = 0; i < vm->nr_managed; i++)
			if (bind_restore(&env, &vm->managed[i], &err))
				pv_warn("%s", err.msg);
		vm->nr_managed = 0;
	}
	if (vm->ram.hva) {
		ram_backing_destroy(&vm->ram);
		pv_trace(TRACE_MEM, "guest RAM released");
	}
	free(vm->cpuid);
	vm->cpuid = NULL;
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	if (vm->vm_fd >= 0)
		pv_trace(TRACE_KVM, "vm closed");
	vm->vm_fd = vm->kvm_fd = -1;
}
