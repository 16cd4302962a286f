/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pausing and resuming a running VM's vCPUs (Firecracker's PATCH /vm), and
 * how threads other than the VM's own (the API's) reach a VM that a
 * --reboot may be tearing down and rebuilding.
 */
#ifndef PASSVM_VMM_VM_CTL_H
#define PASSVM_VMM_VM_CTL_H

#include <pthread.h>
#include <stdbool.h>

#include "util/log.h"

struct vm;

struct vm_pause {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool paused; /* requested */
	unsigned int parked; /* vCPU threads waiting in vm_pause_point() */
};

void vm_pause_init(struct vm_pause *p);

/*
 * vm_boot_get() - hold off a reboot's teardown and rebuild (vm_reboot) so
 * that the caller may use what one boot builds: vCPUs, device models,
 * their counters. Returns 0 with the boot held (release it with
 * vm_boot_put), or -EAGAIN with a message in @err when no boot is built
 * (a restart failed). Waits while a reboot is under way.
 */
int vm_boot_get(struct vm *vm, struct pv_error *err);
void vm_boot_put(struct vm *vm);

/*
 * vm_pause() - kick every vCPU out of KVM_RUN and wait until all started
 * ones are parked (so guest code runs nowhere). The pause outlasts a
 * --reboot: the new boot's vCPUs park before their first KVM_RUN. Returns
 * 0, -EAGAIN as vm_boot_get, or -ETIMEDOUT with a message after 5 s (the
 * VM stays marked paused).
 */
int vm_pause(struct vm *vm, struct pv_error *err);

/* vm_resume() - let the parked vCPUs run again. */
void vm_resume(struct vm *vm);

/* vm_pause_point() - in a vCPU thread before KVM_RUN: park while paused
 * (until resumed or the VM stops). */
void vm_pause_point(struct vm *vm);

#endif
