/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VM: KVM VM with in-kernel irqchip and PIT, guest memory, buses,
 * devices, assigned devices and vCPUs, and how it stops.
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
#include "memory/backing.h"
#include "memory/layout.h"
#include "memory/mem_map.h"
#include "host/bind.h"
#include "host/sysfs.h"
#include "vfio/vfio.h"
#include "vmm/bus.h"
#include "vmm/cli.h"
#include "vmm/kvm_mem.h"
#include "vmm/vcpu.h"
#include "vmm/virtio_glue.h"
#include "vmm/vm_ctl.h"

struct vm {
	const struct vm_config *opts;
	int kvm_fd, vm_fd;
	int vm_fd_store; /* for the irq backend */
	size_t run_size;
	struct kvm_cpuid2 *cpuid; /* KVM_GET_SUPPORTED_CPUID */
	unsigned int phys_bits;

	struct guest_layout layout;
	struct ram_backing ram;
	struct mem_map mem;
	struct kvm_mem_listener kvm_mem;

	struct bus pio, mmio;
	struct irq_router irq;
	struct pci_bus pci;
	struct serial serial;
	bool serial_ready;
	struct acpi_pm pm;
	struct i8042 i8042;
	struct rtc rtc;
	struct debug_exit dbg;
	struct vfio_ctx vfio;
	struct virtio_devices *virtio; /* disks, interfaces, vsock; or NULL */
	/* --vfio BDF,managed devices that passvm bound and must restore. */
	struct pci_addr managed[CLI_MAX_VFIO];
	unsigned int nr_managed;

	struct vcpu *vcpus;
	unsigned int nr_vcpus;

	/* Stopping: the first request wins; main waits on stop_cond. */
	pthread_mutex_t stop_lock;
	pthread_cond_t stop_cond;
	bool stopping;
	enum vm_stop_reason stop_reason;
	int stop_code;

	struct vm_pause pause; /* PATCH /vm Paused/Resumed */
	uint64_t first_entry_ns; /* launch → first KVM_RUN of vCPU 0 */
	struct vm_stop_sink stop_sink;
};

/*
 * vm_create() - build the whole VM from @o (not owned; must outlive the
 * VM): KVM, memory, devices, assigned devices, firmware, vCPUs. On error
 * everything built so far is torn down (vm_destroy) and the message is in
 * @err.
 */
int vm_create(struct vm *vm, const struct vm_config *o, struct pv_error *err);

/* vm_run() - start the vCPUs and wait until the VM stops. Returns the
 * exit status (VM_EXIT_* or the debug-exit byte). */
int vm_run(struct vm *vm);

/* vm_destroy() - stop vCPUs, reset and release devices, free memory. Safe
 * on a partly built VM. */
void vm_destroy(struct vm *vm);

/* vm_stop() - request a stop (any thread; first request wins). */
void vm_stop(struct vm *vm, enum vm_stop_reason why, int code);

bool vm_stopping(struct vm *vm);
void vm_note_first_entry(struct vm *vm);

/* vm_print_stats() - the --stats report on stderr. */
void vm_print_stats(struct vm *vm);

#endif
