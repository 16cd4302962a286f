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
#include <sched.h>
#include <stdio.h>
#include <sys/random.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch/arch.h"
#include "util/mmap_align.h"
#include "vmm/kvm_irq.h"

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
	cpu_set_t cpus;
	long ncpu;
	int ret;

	ret = layout_compute(&vm->layout, &arch_layout_rules, vm->opts->mem,
			     vm->phys_bits, vm->holes, vm->nr_holes, err);
	if (ret)
		return ret;
	ret = ram_backing_create(&vm->ram, vm->opts->mem, vm->opts->hugepages,
				 THP_SYSFS, err);
	if (ret)
		return ret;
	/*
	 * VFIO pins (and so faults) all of it before the guest starts: with
	 * several CPUs (those passvm may run on), fault it in parallel first
	 * and the pinning finds it.
	 */
	ncpu = sched_getaffinity(0, sizeof(cpus), &cpus) ? 1 : CPU_COUNT(&cpus);
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

int vm_add_range(struct vm *vm, struct bus *bus, uint64_t base, uint64_t len,
		 const char *name, const struct io_ops *ops, void *opaque,
		 struct pv_error *err)
{
	if (!len)
		return 0;
	if (ops != &pci_window_ops)
		pci_bus_reserve(&vm->pci, bus == &vm->pio, base, len, name);
	if (!bus)
		return 0;
	return bus_register(bus, base, len, name, ops, opaque, err);
}

int vm_add_ranges(struct vm *vm, const struct vm_range *regs, size_t n,
		  struct pv_error *err)
{
	for (size_t i = 0; i < n; i++) {
		int ret = vm_add_range(vm, regs[i].bus, regs[i].base,
				       regs[i].len, regs[i].name, regs[i].ops,
				       regs[i].opaque, err);

		if (ret)
			return ret;
	}
	return 0;
}

/*
 * The interrupt router, the buses, the console UART and the PCI bus as
 * the platform wires them (arch_platform), the platform's devices
 * (arch_setup_devices), then the assigned devices.
 */
static int setup_devices(struct vm *vm, bool power_on, struct pv_error *err)
{
	struct serial_tap tap = { verdict_serial_byte, &vm->verdict };
	const struct arch_platform *p = &arch_platform;
	struct irq_backend be;
	struct irq_line uart;
	long page = host_page_size();
	int ret;

	vm->vm_fd_store = vm->vm_fd;
	be = kvm_irq_backend(&vm->vm_fd_store);
	ret = irq_router_init(&vm->irq, &be, p->irq, kvm_max_gsi(vm), err);
	if (ret)
		return ret;

	bus_init(&vm->pio, "pio");
	bus_init(&vm->mmio, "mmio");
	uart = irq_line_for(&vm->irq, p->serial_gsi);
	ret = serial_init(&vm->serial, STDOUT_FILENO, &uart, err);
	if (ret)
		return ret;
	vm->serial_ready = true;
	serial_set_tap(&vm->serial, &tap);
	pci_bus_init(&vm->pci, p->pio_base, p->pio_size, p->mmio32_base,
		     p->mmio32_size, vm->layout.mmio64_base,
		     vm->layout.mmio64_size, &vm->stop_sink);
	pci_bus_set_intx(&vm->pci, p->intx_base, p->intx_count);
	/* BARs on host-page boundaries can be mapped (64 KiB on arm64). */
	if (page > 0)
		pci_bus_set_bar_align(&vm->pci, (uint64_t)page);
	for (unsigned int i = 0; i < vm->layout.nr_ram; i++)
		pci_bus_reserve(&vm->pci, false, vm->layout.ram[i].base,
				vm->layout.ram[i].size, "guest RAM");
	ret = arch_setup_devices(vm, power_on, err);
	if (ret)
		return ret;
	if (vm->vfio.nr_devs) { /* --vfio and --sriov devices */
		ret = vfio_attach(&vm->vfio, &vm->mem, &vm->irq, &vm->pci, err);
		if (ret)
			return ret;
	}
	ret = virtio_devices_create(&vm->virtio, vm->opts, &vm->virtio_host,
				    &vm->mem, &vm->irq, &vm->pci, vm->vm_fd,
				    err);
	if (!ret)
		ret = arch_check_assigned(vm, err);
	if (ret)
		return ret;
	pci_bus_enable_decode(&vm->pci);
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
		.arch = vm->arch,
	};
	vm->vcpus = calloc(n, sizeof(*vm->vcpus));
	if (!vm->vcpus)
		return pv_seterr(err, ENOMEM, "out of memory");
	for (unsigned int i = 0; i < n; i++)
		vm->vcpus[i].fd = -1;
	for (unsigned int i = 0; i < n; i++) {
		ret = vcpu_create(&vm->vcpus[i], &vm->vcpu_env, i, n, err);
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

/*
 * One boot on vm->vm_fd: RAM, vCPUs (the irqchip is complete only once
 * they all exist: arm64's vGIC), devices, then the guest's kernel,
 * firmware tables and boot registers.
 */
static int boot_build(struct vm *vm, bool power_on, struct pv_error *err)
{
	int ret;

	ret = setup_memory(vm, err);
	if (!ret)
		ret = create_vcpus(vm, err);
	if (!ret)
		ret = arch_irqchip_ready(vm, err);
	if (!ret)
		ret = setup_devices(vm, power_on, err);
	if (!ret)
		ret = arch_load_guest(vm, err);
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
	if (n)
		pv_trace(TRACE_KVM, "%u vCPU threads joined", n);
	/* virtio devices: I/O threads stopped, ioeventfds and irqfds gone. */
	if (vm->virtio) {
		virtio_devices_destroy(vm->virtio);
		pv_trace(TRACE_KVM, "virtio devices stopped");
	}
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
	arch_vm_free(vm);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	vm->kvm_fd = -1;
	pv_trace(TRACE_KVM, "teardown done");
}
