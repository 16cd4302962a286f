/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vCPU threads: creation, the KVM_RUN loop, kicks. The architectural
 * setup (CPUID, boot registers, PSCI...) is the architecture's
 * (arch/arch.h). A vCPU sees the VM only through struct vcpu_env: it never
 * includes vmm/vm.h.
 */
#ifndef PASSVM_VMM_VCPU_H
#define PASSVM_VMM_VCPU_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/io.h"
#include "util/log.h"
#include "vmm/bus.h"

struct arch_vm;

/*
 * What a vCPU needs of its VM (not owned; must outlive the vCPUs): the KVM
 * fds, the size of the kvm_run mapping (KVM_GET_VCPU_MMAP_SIZE, bytes),
 * the buses its PIO/MMIO exits go to, where to ask for a stop (the first
 * request wins), whether the VM is stopping, a note of vCPU 0's first
 * entry into the guest, and a pause point called before each KVM_RUN that
 * returns once the VM is not paused (may be NULL; @opaque is passed to
 * the callbacks); @arch is the architecture's per-VM state, for
 * arch_vcpu_init().
 */
struct vcpu_env {
	int kvm_fd, vm_fd;
	size_t run_size;
	struct bus *pio, *mmio;
	const struct vm_stop_sink *stop;
	bool (*stopping)(void *opaque);
	void (*first_entry)(void *opaque);
	void (*pause_point)(void *opaque);
	void *opaque;
	struct arch_vm *arch;
};

enum vcpu_exit_stat {
	VCPU_STAT_IO,
	VCPU_STAT_MMIO,
	VCPU_STAT_HLT,
	VCPU_STAT_INTR, /* KVM_RUN interrupted by a signal (kicks) */
	VCPU_STAT_SHUTDOWN,
	VCPU_STAT_SYSTEM_EVENT,
	VCPU_STAT_OTHER,
	VCPU_STAT_NR,
};

/* Short names of the exit reasons ("pio", "mmio", ...), for --stats and
 * the API's metrics (vmm/stats.c). */
extern const char *const vcpu_stat_names[VCPU_STAT_NR];

struct vcpu {
	const struct vcpu_env *env;
	unsigned int id; /* KVM's vcpu id (x86: the APIC ID) */
	int fd;
	struct kvm_run *run; /* mmapped, env->run_size bytes */
	pthread_t thread;
	bool started;
	uint64_t stats[VCPU_STAT_NR];
};

/*
 * vcpu_create() - KVM_CREATE_VCPU @id (of @nr_cpus), map kvm_run, then the
 * architecture's setup (arch_vcpu_init). Errors: -errno, message in @err;
 * undo with vcpu_destroy() (also after an error).
 */
int vcpu_create(struct vcpu *v, const struct vcpu_env *env, unsigned int id,
		unsigned int nr_cpus, struct pv_error *err);

/* vcpu_start() - spawn the thread running KVM_RUN until the VM stops. */
int vcpu_start(struct vcpu *v, struct pv_error *err);

/* vcpu_kick() - make KVM_RUN return now (immediate_exit + signal). */
void vcpu_kick(struct vcpu *v);

/* vcpu_destroy() - join (if started), unmap, close. */
void vcpu_destroy(struct vcpu *v);

#endif
