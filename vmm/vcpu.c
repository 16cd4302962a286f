// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU threads and the KVM_RUN loop, shared by the architectures; a
 * vCPU's architectural setup is arch_vcpu_init() (arch/arch.h).
 */
#include "vmm/vcpu.h"

#include <errno.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "arch/arch.h"
#include "sandbox/sandbox.h"

int vcpu_create(struct vcpu *v, const struct vcpu_env *env, unsigned int id,
		unsigned int nr_cpus, struct pv_error *err)
{
	memset(v, 0, sizeof(*v));
	v->env = env;
	v->id = id;
	v->fd = ioctl(env->vm_fd, KVM_CREATE_VCPU, (unsigned long)id);
	if (v->fd < 0) {
		v->fd = -1;
		return pv_seterr(err, errno, "KVM_CREATE_VCPU %u failed: %s",
				 id, strerror(errno));
	}
	v->run = mmap(NULL, env->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      v->fd, 0);
	if (v->run == MAP_FAILED) {
		v->run = NULL;
		return pv_seterr(err, errno,
				 "cannot map kvm_run of vCPU %u: %s", id,
				 strerror(errno));
	}
	return arch_vcpu_init(v, env->arch, nr_cpus, err);
}

static void stat_inc(struct vcpu *v, enum vcpu_exit_stat s)
{
	__atomic_add_fetch(&v->stats[s], 1, __ATOMIC_RELAXED);
}

static void stop(struct vcpu *v, enum vm_stop_reason why, int code)
{
	vm_request_stop(v->env->stop, why, code);
}

static void handle_io(struct vcpu *v)
{
	struct kvm_run *r = v->run;
	uint8_t *data = (uint8_t *)r + r->io.data_offset;

	for (uint32_t i = 0; i < r->io.count; i++) {
		bus_access(v->env->pio, r->io.port, data, r->io.size,
			   r->io.direction == KVM_EXIT_IO_OUT);
		data += r->io.size;
	}
}

static bool handle_exit(struct vcpu *v)
{
	struct kvm_run *r = v->run;

	switch (r->exit_reason) {
	case KVM_EXIT_IO:
		stat_inc(v, VCPU_STAT_IO);
		handle_io(v);
		return true;
	case KVM_EXIT_MMIO:
		stat_inc(v, VCPU_STAT_MMIO);
		bus_access(v->env->mmio, r->mmio.phys_addr, r->mmio.data,
			   r->mmio.len, r->mmio.is_write);
		return true;
	case KVM_EXIT_HLT:
		/* Only without an in-kernel LAPIC; treat as power-off. */
		stat_inc(v, VCPU_STAT_HLT);
		stop(v, VM_STOP_POWEROFF, 0);
		return false;
	case KVM_EXIT_SHUTDOWN:
		stat_inc(v, VCPU_STAT_SHUTDOWN);
		pv_err("vCPU %u: triple fault (KVM_EXIT_SHUTDOWN): the guest crashed",
		       v->id);
		arch_vcpu_report_crash(v, r->exit_reason);
		stop(v, VM_STOP_CRASH, 0);
		return false;
	case KVM_EXIT_SYSTEM_EVENT:
		stat_inc(v, VCPU_STAT_SYSTEM_EVENT);
		if (r->system_event.type == KVM_SYSTEM_EVENT_RESET)
			stop(v, VM_STOP_RESET, 0);
		else if (r->system_event.type == KVM_SYSTEM_EVENT_SHUTDOWN)
			stop(v, VM_STOP_POWEROFF, 0);
		else
			stop(v, VM_STOP_CRASH, 0);
		return false;
	case KVM_EXIT_INTERNAL_ERROR:
		stat_inc(v, VCPU_STAT_OTHER);
		pv_err("vCPU %u: KVM internal error, suberror %u%s: the guest crashed",
		       v->id, r->internal.suberror,
		       r->internal.suberror == KVM_INTERNAL_ERROR_EMULATION ?
			       " (instruction emulation failed)" :
			       "");
		arch_vcpu_report_crash(v, r->exit_reason);
		stop(v, VM_STOP_CRASH, 0);
		return false;
	case KVM_EXIT_FAIL_ENTRY:
		stat_inc(v, VCPU_STAT_OTHER);
		pv_err("vCPU %u: VM entry failed, hardware reason 0x%llx",
		       v->id,
		       (unsigned long long)
			       r->fail_entry.hardware_entry_failure_reason);
		stop(v, VM_STOP_CRASH, 0);
		return false;
	default:
		stat_inc(v, VCPU_STAT_OTHER);
		pv_err("vCPU %u: unexpected KVM exit reason %u", v->id,
		       r->exit_reason);
		stop(v, VM_STOP_VMM_ERROR, 0);
		return false;
	}
}

static void *vcpu_thread(void *arg)
{
	struct pv_error err = { "" };
	struct vcpu *v = arg;
	char name[16];
	sigset_t set;

	/* SIGUSR1 kicks this thread out of KVM_RUN; others go to main. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	snprintf(name, sizeof(name), "fc_vcpu %u", v->id);
	log_thread_name(name);
	/* Before the first KVM_RUN: the guest never runs unfiltered. */
	if (sandbox_enter(SANDBOX_VCPU, &err)) {
		pv_err("vCPU %u: %s", v->id, err.msg);
		stop(v, VM_STOP_VMM_ERROR, 0);
		return NULL;
	}
	if (v->id == 0 && v->env->first_entry)
		v->env->first_entry(v->env->opaque);
	while (!v->env->stopping(v->env->opaque)) {
		if (v->env->pause_point)
			v->env->pause_point(v->env->opaque);
		if (ioctl(v->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				stat_inc(v, VCPU_STAT_INTR);
				v->run->immediate_exit = 0;
				continue;
			}
			pv_err("vCPU %u: KVM_RUN failed: %s", v->id,
			       strerror(errno));
			stop(v, VM_STOP_VMM_ERROR, 0);
			break;
		}
		if (!handle_exit(v))
			break;
	}
	pv_trace(TRACE_KVM, "vcpu %u stopped", v->id);
	return NULL;
}

int vcpu_start(struct vcpu *v, struct pv_error *err)
{
	int ret = pthread_create(&v->thread, NULL, vcpu_thread, v);

	if (ret)
		return pv_seterr(err, ret, "cannot start vCPU thread: %s",
				 strerror(ret));
	v->started = true;
	return 0;
}

void vcpu_kick(struct vcpu *v)
{
	if (!v->started)
		return;
	__atomic_store_n(&v->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	pthread_kill(v->thread, SIGUSR1);
}

void vcpu_destroy(struct vcpu *v)
{
	if (v->started)
		pthread_join(v->thread, NULL);
	v->started = false;
	if (v->run)
		munmap(v->run, v->env->run_size);
	if (v->fd >= 0)
		close(v->fd);
	v->run = NULL;
	v->fd = -1;
}
