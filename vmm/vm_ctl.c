// SPDX-License-Identifier: GPL-2.0
/* vCPU pause and resume (a flag checked before each KVM_RUN, kicks, a count of parked threads) and the boot lock of vm_boot_get(). */
#include "vmm/vm_ctl.h"

#include <errno.h>
#include <time.h>

#include "vmm/vm.h"

#define PAUSE_TIMEOUT_MS 5000
#define PARK_POLL_MS 100 /* a parked vCPU rechecks vm_stopping() */

void vm_pause_init(struct vm_pause *p)
{
	pthread_condattr_t a;

	pthread_mutex_init(&p->lock, NULL);
	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(&p->cond, &a);
	pthread_condattr_destroy(&a);
	p->paused = false;
	p->parked = 0;
}

static struct timespec deadline(unsigned int ms)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (long)(ms % 1000) * 1000000;
	if (t.tv_nsec >= 1000000000) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000;
	}
	return t;
}

static bool passed(const struct timespec *end)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > end->tv_sec ||
	       (now.tv_sec == end->tv_sec && now.tv_nsec >= end->tv_nsec);
}

static unsigned int started(struct vm *vm)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		n += vm->vcpus[i].started;
	return n;
}

int vm_boot_get(struct vm *vm, struct pv_error *err)
{
	pthread_mutex_lock(&vm->boot_lock);
	if (vm->booted)
		return 0;
	pthread_mutex_unlock(&vm->boot_lock);
	return pv_seterr(err, EAGAIN,
			 "the guest is not running: its restart failed");
}

void vm_boot_put(struct vm *vm)
{
	pthread_mutex_unlock(&vm->boot_lock);
}

int vm_pause(struct vm *vm, struct pv_error *err)
{
	struct vm_pause *p = &vm->pause;
	struct timespec end = deadline(PAUSE_TIMEOUT_MS);
	int ret = vm_boot_get(vm, err);

	if (ret)
		return ret;
	pthread_mutex_lock(&p->lock);
	__atomic_store_n(&p->paused, true, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&p->lock);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		vcpu_kick(&vm->vcpus[i]);
	pthread_mutex_lock(&p->lock);
	/* Polled: a vCPU that stops (a reset, an exit) leaves unparked. */
	while (p->parked < started(vm) && !vm_stopping(vm)) {
		struct timespec t = deadline(PARK_POLL_MS);

		if (passed(&end)) {
			ret = ETIMEDOUT;
			break;
		}
		pthread_cond_timedwait(&p->cond, &p->lock, &t);
	}
	pthread_mutex_unlock(&p->lock);
	vm_boot_put(vm);
	if (ret)
		return pv_seterr(err, ETIMEDOUT,
				 "the vCPUs did not stop within %d ms",
				 PAUSE_TIMEOUT_MS);
	pv_trace(TRACE_KVM, "vm paused (%u vCPUs parked)", p->parked);
	return 0;
}

void vm_resume(struct vm *vm)
{
	struct vm_pause *p = &vm->pause;

	pthread_mutex_lock(&p->lock);
	__atomic_store_n(&p->paused, false, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	pv_trace(TRACE_KVM, "vm resumed");
}

void vm_pause_point(struct vm *vm)
{
	struct vm_pause *p = &vm->pause;

	if (!__atomic_load_n(&p->paused, __ATOMIC_ACQUIRE))
		return;
	pthread_mutex_lock(&p->lock);
	p->parked++;
	pthread_cond_broadcast(&p->cond);
	while (p->paused && !vm_stopping(vm)) {
		struct timespec t = deadline(PARK_POLL_MS);

		pthread_cond_timedwait(&p->cond, &p->lock, &t);
	}
	p->parked--;
	pthread_mutex_unlock(&p->lock);
}
