/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VM: KVM VM with in-kernel irqchip and PIT, guest memory, buses,
 * devices, assigned devices and vCPUs, how it stops, and how it restarts
 * in place when the guest resets under --reboot.
 *
 * What lives for the whole run: /dev/kvm, the VFIO container, groups and
 * device fds (devices stay bound), the managed bindings, the virtio
 * devices' host side (images and their locks, taps, the vsock socket), the
 * CMOS RAM and the --stats counters. What one boot builds and a reboot
 * rebuilds: the KVM VM (irqchip, PIT, LAPICs, memslots, routes), guest
 * RAM, the device models (virtio ones with their I/O threads, ioeventfds
 * and irqfds), the assigned devices' models (reset in between), firmware
 * and vCPUs.
 */
#ifndef PASSVM_VMM_VM_H
#define PASSVM_VMM_VM_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/acpi_pm.h"
#include "devices/i8042.h"
#include "devices/io.h"
#include "devices/irq.h"
#include "devices/pci.h"
#include "devices/rtc.h"
#include "devices/serial.h"
#include "devices/verdict.h"
#include "memory/backing.h"
#include "memory/layout.h"
#include "memory/mem_map.h"
#include "host/bind.h"
#include "host/sriov.h"
#include "host/sysfs.h"
#include "vfio/vfio.h"
#include "vmm/bus.h"
#include "vmm/cli.h"
#include "vmm/kvm_mem.h"
#include "vmm/kvm_vfio.h"
#include "vmm/reboot.h"
#include "vmm/result.h"
#include "vmm/stats.h"
#include "vmm/timeout.h"
#include "vmm/vcpu.h"
#include "vmm/virtio_glue.h"
#include "vmm/vm_ctl.h"

#define VM_MAX_HOLES 64
/* The guest's command line with passvm.token= added, bytes with NUL. */
#define VM_CMDLINE_MAX 4096

struct vm {
	const struct vm_config *opts;
	int kvm_fd, vm_fd;
	int vm_fd_store; /* for the irq backend */
	size_t run_size;
	struct arch_vm *arch; /* the architecture's own (arch/arch.h) */
	unsigned int phys_bits;

	/* GPA ranges RAM must avoid (the assigned devices' IOMMU). */
	struct layout_range holes[VM_MAX_HOLES];
	unsigned int nr_holes;
	struct guest_layout layout;
	struct ram_backing ram;
	struct mem_map mem;
	struct kvm_mem_listener kvm_mem;

	struct bus pio, mmio;
	struct irq_router irq;
	struct pci_bus pci;
	struct serial serial;
	bool serial_ready;
	/* x86's platform devices (arch/x86/platform.c) */
	struct acpi_pm pm;
	struct i8042 i8042;
	struct rtc rtc;
	/* Lives across reboots; its token is on the guest's command line. */
	struct verdict verdict;
	char token[VERDICT_TOKEN_LEN + 1];
	char cmdline[VM_CMDLINE_MAX];
	struct vfio_ctx vfio;
	struct kvm_vfio kvm_vfio;
	struct virtio_host virtio_host; /* images, taps, vsock socket */
	struct virtio_devices *virtio; /* this boot's devices, or NULL */
	/* --vfio BDF,managed devices that passvm bound and must restore. */
	struct pci_addr managed[CLI_MAX_VFIO];
	unsigned int nr_managed;
	/* What vm_destroy()'s bind_restore() of each of them returned. */
	struct {
		struct pci_addr addr;
		int ret;
	} restored[CLI_MAX_VFIO];
	unsigned int nr_restored;
	struct sriov_vm sriov; /* --sriov VFs that passvm made */

	struct vcpu_env vcpu_env;
	struct vcpu *vcpus;
	unsigned int nr_vcpus;

	/* Stopping: the first request wins; main waits on stop_cond. */
	pthread_mutex_t stop_lock;
	pthread_cond_t stop_cond;
	bool stopping;
	enum vm_stop_reason stop_reason;
	int stop_code;
	int late_signal; /* a signal that came while a reset stopped the VM */

	struct vm_pause pause; /* PATCH /vm Paused/Resumed */
	/* Held by vm_reboot() and by other threads' vm_boot_get(). */
	pthread_mutex_t boot_lock;
	bool booted; /* a boot is built: false after a failed restart */
	uint64_t first_entry_ns; /* launch → first KVM_RUN of vCPU 0 */
	struct vm_stop_sink stop_sink;

	/* Across reboots: counters of the boots before this one. */
	struct vm_stats past;
	unsigned int reboots;
	struct reboot_limit reboot_limit;

	struct run_timeout timeout; /* --timeout, across reboots */
	struct run_end end; /* how vm_run() ended */
};

/*
 * vm_create() - build the whole VM from @o (not owned; must outlive the
 * VM): KVM, assigned devices, memory, devices, firmware, vCPUs. On error
 * everything built so far is torn down (vm_destroy) and the message is in
 * @err.
 */
int vm_create(struct vm *vm, const struct vm_config *o, struct pv_error *err);

/*
 * vm_run() - start the console and the vCPUs and wait until the VM stops;
 * how it ended is in vm->end (vmm/result.h) and the exit status for it is
 * returned. With --reboot, a guest reset restarts the guest in place
 * (vm_reboot) and the run goes on, unless the guest resets more than
 * REBOOT_BURST times in REBOOT_WINDOW_S seconds (then a reset, with a
 * message) or the restart fails (an error). With --timeout, the power
 * button is pressed when it runs out and the VM stopped after the grace
 * period; the end is then a timeout, whatever the guest did meanwhile.
 */
int vm_run(struct vm *vm);

/*
 * run_finish() - the end of every `passvm run` (vmm/report.c): with a
 * built @vm, take the figures, destroy it; with @vm's leftovers of a
 * failed vm_create() (@built false) or no VM at all (@vm NULL), only what
 * is known. Then the devices' outcomes, --stats, and the --result file of
 * @o. @end's message is filled from the last error when it is an error
 * without one. Returns the exit status for @end.
 */
int run_finish(const struct vm_config *o, struct vm *vm, bool built,
	       struct run_end *end);

/*
 * run_arm_trap_result() - with --result and --seccomp on: hand the SIGSYS
 * handler the result file a forbidden system call leaves
 * (sandbox_set_result()): a temporary file beside @o->result, and the
 * record formatted now, "end" "bad-syscall", exit status 148, the
 * handler's line as "message", "guest_started" as @vm's first entry says
 * at the trap, the figures zero (the handler cannot gather them). Main
 * thread, before any filter is on; run_finish() disarms it. A failure is a
 * warning: a trap then leaves no result file.
 */
void run_arm_trap_result(const struct vm_config *o, struct vm *vm);

/*
 * vm_reboot() - after a guest reset, with the vCPUs stopped: fold this
 * boot's counters into vm->past, tear down what a boot built (the assigned
 * devices are reset, not closed or unbound) and build it again, as
 * powered on. Errors: as vm_create's; the VM is then left for
 * vm_destroy().
 */
int vm_reboot(struct vm *vm, struct pv_error *err);

/* vm_destroy() - stop vCPUs, reset and release devices, free memory. Safe
 * on a partly built VM. */
void vm_destroy(struct vm *vm);

/* vm_stop() - request a stop (any thread; first request wins). */
void vm_stop(struct vm *vm, enum vm_stop_reason why, int code);

bool vm_stopping(struct vm *vm);

/* ---- between vm.c, vm_run.c and kvm_vm.c ---- */

/* The stop sink's callback: vm_stop(@opaque, ...). */
void vm_stop_cb(void *opaque, enum vm_stop_reason why, int code);
/* After a rebuild: not stopping any more, unless a signal came meanwhile. */
void vm_rearm(struct vm *vm);
/* Open /dev/kvm, check its capabilities and the vCPU limit (and the
 * architecture's: arch_kvm_open). */
int kvm_open_dev(struct vm *vm, struct pv_error *err);
/*
 * kvm_fd_check() - is the inherited @fd (--kvm-fd) /dev/kvm: a character
 * device 10:232 (host/chardev.h, @sysfs "/sys") answering
 * KVM_GET_API_VERSION with KVM_API_VERSION? Returns 0, or -EBADF / -EINVAL
 * with what it is instead in @err. Does not close @fd.
 */
int kvm_fd_check(const char *sysfs, int fd, struct pv_error *err);
/* KVM_CREATE_VM with the architecture's in-kernel irqchip: vm->vm_fd. */
int kvm_create_vm(struct vm *vm, struct pv_error *err);
/* KVM_CAP_IRQ_ROUTING: GSIs the routing table may use. */
uint32_t kvm_max_gsi(struct vm *vm);
/* KVM_CAP_NR_MEMSLOTS (32 when KVM does not say). */
unsigned int kvm_nr_memslots(struct vm *vm);

/*
 * vm_add_range() - a platform device at [@base, @base + @len) (port or
 * GPA, bytes): kept clear of BARs (pci_bus_reserve) unless it is one of
 * the PCI windows (@ops == &pci_window_ops), and registered on @bus with
 * @ops/@opaque unless @bus is NULL (in the kernel: reserved only). @len 0
 * does nothing. Errors: bus_register's.
 */
int vm_add_range(struct vm *vm, struct bus *bus, uint64_t base, uint64_t len,
		 const char *name, const struct io_ops *ops, void *opaque,
		 struct pv_error *err);

/* One row of a platform's device table (see vm_add_range). */
struct vm_range {
	struct bus *bus;
	uint64_t base, len;
	const char *name;
	const struct io_ops *ops;
	void *opaque;
};

/*
 * vm_add_ranges() - vm_add_range() for each of the @n rows of @regs, in
 * order; stops at the first error and returns it.
 */
int vm_add_ranges(struct vm *vm, const struct vm_range *regs, size_t n,
		  struct pv_error *err);

/* A KVM capability passvm cannot run without, and its name. */
struct kvm_cap_need {
	int cap; /* KVM_CAP_* */
	const char *name;
};

/*
 * kvm_need_caps() - check KVM_CHECK_EXTENSION on vm->kvm_fd for each of the
 * @n capabilities of @need. Errors: -ENOTSUP naming the first one missing.
 * Source: Documentation/virt/kvm/api.rst 4.4.
 */
int kvm_need_caps(struct vm *vm, const struct kvm_cap_need *need, size_t n,
		  struct pv_error *err);

#endif
