/* SPDX-License-Identifier: GPL-2.0 */
/* Pausing and resuming a running VM's vCPUs (Firecracker's PATCH /vm). */
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
 * vm_pause() - kick every vCPU out of KVM_RUN and wait until all started
 * ones are parked (so guest code runs nowhere). Returns 0, or -ETIMEDOUT
 * with a message after 5 s (the VM stays marked paused).
 */
int vm_pause(struct vm *vm, struct pv_error *err);

/* vm_resume() - let the parked vCPUs run again. */
void vm_resume(struct vm *vm);

/* vm_pause_point() - in a vCPU thread before KVM_RUN: park while paused
 * (until resumed or the VM stops). */
void vm_pause_point(struct vm *vm);

#endif
