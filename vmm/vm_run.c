// SPDX-License-Identifier: GPL-2.0
/*
 * Running the VM: the console, the vCPU threads, the signal thread, how a
 * stop is requested and turned into passvm's exit status, and the --reboot
 * loop (with its guard against a guest that resets in a loop).
 */
#include "vmm/vm.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "arch/arch.h"
#include "sandbox/sandbox.h"
#include "vmm/term.h"

static const char *const why_names[] = {
	[VM_STOP_POWEROFF] = "power-off",     [VM_STOP_RESET] = "reset",
	[VM_STOP_VERDICT] = "verdict",	      [VM_STOP_CRASH] = "crash",
	[VM_STOP_VMM_ERROR] = "passvm error", [VM_STOP_SIGNAL] = "signal",
	[VM_STOP_TIMEOUT] = "timeout",
};

void vm_stop(struct vm *vm, enum vm_stop_reason why, int code)
{
	pthread_mutex_lock(&vm->stop_lock);
	if (!vm->stopping) {
		__atomic_store_n(&vm->stopping, true, __ATOMIC_RELEASE);
		vm->stop_reason = why;
		vm->stop_code = code;
		pthread_cond_broadcast(&vm->stop_cond);
		pv_trace(TRACE_KVM, "stop requested: %s (%d)", why_names[why],
			 code);
	} else if (why == VM_STOP_SIGNAL && vm->stop_reason == VM_STOP_RESET &&
		   !vm->late_signal) {
		/* A signal while the guest reboots still ends passvm. */
		vm->late_signal = code;
	}
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		vcpu_kick(&vm->vcpus[i]);
	pthread_mutex_unlock(&vm->stop_lock);
}

void vm_stop_cb(void *opaque, enum vm_stop_reason why, int code)
{
	vm_stop(opaque, why, code);
}

bool vm_stopping(struct vm *vm)
{
	return __atomic_load_n(&vm->stopping, __ATOMIC_ACQUIRE);
}

void vm_rearm(struct vm *vm)
{
	pthread_mutex_lock(&vm->stop_lock);
	if (vm->late_signal) {
		vm->stop_reason = VM_STOP_SIGNAL;
		vm->stop_code = vm->late_signal;
	} else {
		__atomic_store_n(&vm->stopping, false, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&vm->stop_lock);
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
	struct pv_error err = { "" };
	int sig;

	log_thread_name("passvm-signal");
	if (sandbox_enter(SANDBOX_SIGNAL, &err)) {
		pv_err("%s", err.msg);
		vm_stop(w->vm, VM_STOP_VMM_ERROR, 0);
	}
	while (!sigwait(&w->set, &sig)) {
		if (sig == SIGUSR2)
			break; /* vm_run's wake-up to end this thread */
		vm_stop(w->vm, VM_STOP_SIGNAL, sig);
	}
	return NULL;
}

/* The stop request as how the run ended (before --timeout's say). */
static void end_from_stop(struct vm *vm, struct run_end *e)
{
	static const enum run_end_kind kinds[] = {
		[VM_STOP_POWEROFF] = RUN_END_POWEROFF,
		[VM_STOP_RESET] = RUN_END_RESET,
		[VM_STOP_VERDICT] = RUN_END_VERDICT,
		[VM_STOP_CRASH] = RUN_END_CRASH,
		[VM_STOP_VMM_ERROR] = RUN_END_ERROR,
		[VM_STOP_SIGNAL] = RUN_END_SIGNAL,
		[VM_STOP_TIMEOUT] = RUN_END_TIMEOUT,
	};

	e->kind = vm->stop_reason < sizeof(kinds) / sizeof(kinds[0]) ?
			  kinds[vm->stop_reason] :
			  RUN_END_ERROR;
	e->signal = e->kind == RUN_END_SIGNAL ? vm->stop_code : 0;
}

/* Until @deadline_ns (log_elapsed_ns() clock), or a stop; stop_lock held. */
static void wait_stop(struct vm *vm, uint64_t deadline_ns)
{
	struct timespec ts;
	uint64_t now = log_elapsed_ns(), abs_ns;

	if (deadline_ns == TIMEOUT_NEVER) {
		pthread_cond_wait(&vm->stop_cond, &vm->stop_lock);
		return;
	}
	if (deadline_ns <= now)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	abs_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec +
		 (deadline_ns - now);
	ts.tv_sec = (time_t)(abs_ns / 1000000000ull);
	ts.tv_nsec = (long)(abs_ns % 1000000000ull);
	pthread_cond_timedwait(&vm->stop_cond, &vm->stop_lock, &ts);
}

/* --timeout's deadlines: press the power button, then stop. */
static uint64_t timeout_step(struct vm *vm)
{
	uint64_t next;

	switch (timeout_poll(&vm->timeout, log_elapsed_ns(), &next)) {
	case TIMEOUT_ASK:
		if (arch_power_button(vm)) {
			pv_info("--timeout: the guest ran %.3f s and has no "
				"power button on %s: stopping it",
				vm->timeout.after_ns / 1e9, arch_name);
			vm_stop(vm, VM_STOP_TIMEOUT, 0);
			break;
		}
		pv_info("--timeout: the guest ran %.3f s: pressing its power "
			"button; it is stopped in %.3f s if it is still "
			"running",
			vm->timeout.after_ns / 1e9, vm->timeout.grace_ns / 1e9);
		break;
	case TIMEOUT_STOP:
		if (!arch_guest->power_button)
			pv_info("--timeout: the guest ran %.3f s and has no "
				"power button on %s: stopping it",
				vm->timeout.after_ns / 1e9, arch_name);
		else
			pv_info("--timeout: stopping the guest");
		vm_stop(vm, VM_STOP_TIMEOUT, 0);
		break;
	default:
		break;
	}
	return next;
}

/*
 * What a forbidden system call leaves to the user: the SIGSYS handler
 * exits at once, so managed devices stay on vfio-pci (the kernel closes
 * the VFIO fds, which resets the functions, and unpins guest RAM).
 */
static void set_trap_note(struct vm *vm)
{
	char note[512], bdf[32];
	size_t n = 0;

	note[0] = '\0';
	for (unsigned int i = 0; i < vm->nr_managed && n < sizeof(note); i++) {
		pci_addr_format(&vm->managed[i], bdf);
		n += (size_t)snprintf(
			note + n, sizeof(note) - n,
			"%spassvm: %s stays on vfio-pci: `passvm unbind %s` gives it back to its driver",
			n ? "\n" : "", bdf, bdf);
	}
	sandbox_set_note(note[0] ? note : NULL);
}

/* One boot: console and vCPUs until a stop is requested. */
static void run_once(struct vm *vm)
{
	struct pv_error err = { "" };
	bool console = false;

	if (console_start(&vm->serial, quit_cb, vm, &err))
		pv_warn("%s: the guest gets no console input", err.msg);
	else
		console = true;
	/*
	 * The main thread's filter goes on before the first vCPU starts (so
	 * before the guest's first instruction); the vCPU and console
	 * threads it starts from now on, on a --reboot too, inherit it and
	 * add their own.
	 */
	if (sandbox_enter(SANDBOX_MAIN, &err)) {
		pv_err("%s", err.msg);
		vm_stop(vm, VM_STOP_VMM_ERROR, 0);
	}
	for (unsigned int i = 0; i < vm->nr_vcpus && !vm_stopping(vm); i++) {
		if (vcpu_start(&vm->vcpus[i], &err)) {
			pv_err("%s", err.msg);
			vm_stop(vm, VM_STOP_VMM_ERROR, 0);
			break;
		}
	}
	/*
	 * A stop that came first wins over a deadline passed meanwhile: a
	 * verdict given just before --timeout ran out stays a verdict.
	 */
	pthread_mutex_lock(&vm->stop_lock);
	while (!vm->stopping) {
		uint64_t next;

		pthread_mutex_unlock(&vm->stop_lock);
		next = timeout_step(vm);
		pthread_mutex_lock(&vm->stop_lock);
		if (!vm->stopping)
			wait_stop(vm, next);
	}
	/* Again: a vCPU may have been entering KVM_RUN at the first kick. */
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		vcpu_kick(&vm->vcpus[i]);
	pthread_mutex_unlock(&vm->stop_lock);
	if (console)
		console_stop();
}

int vm_run(struct vm *vm)
{
	struct sig_waiter w = { .vm = vm };
	struct pv_error err = { "" };
	struct run_end *e = &vm->end;
	pthread_t sig_thread;

	sigemptyset(&w.set);
	sigaddset(&w.set, SIGINT);
	sigaddset(&w.set, SIGTERM);
	sigaddset(&w.set, SIGHUP);
	sigaddset(&w.set, SIGUSR2);
	set_trap_note(vm);
	run_arm_trap_result(vm->opts, vm);
	pthread_create(&sig_thread, NULL, signal_thread, &w);

	memset(e, 0, sizeof(*e));
	e->timeout_set = vm->opts->timeout_ns != 0;
	e->timeout_ns = vm->opts->timeout_ns;
	/* arm64: no power button, no grace (stopped at the deadline) */
	e->grace_ns = timeout_grace(arch_guest, vm->opts->timeout_grace_ns);
	timeout_start(&vm->timeout, vm->opts->timeout_ns, e->grace_ns,
		      log_elapsed_ns());
	for (;;) {
		run_once(vm);
		end_from_stop(vm, e);
		if (e->kind != RUN_END_RESET || !vm->opts->reboot ||
		    timeout_fired(&vm->timeout))
			break;
		/* Ctrl-C or SIGTERM while the guest was resetting: stop. */
		if (vm->late_signal) {
			e->kind = RUN_END_SIGNAL;
			e->signal = vm->late_signal;
			break;
		}
		if (!reboot_allowed(&vm->reboot_limit, log_elapsed_ns())) {
			snprintf(e->message, sizeof(e->message),
				 "the guest reset %u times within %u s: it is "
				 "in a reset loop, so passvm stops (exit "
				 "status %d); read its console output above, "
				 "or run without --reboot",
				 REBOOT_BURST + 1, REBOOT_WINDOW_S,
				 VM_EXIT_RESET);
			pv_err("%s", e->message);
			break;
		}
		if (vm_reboot(vm, &err)) {
			pv_err("cannot restart the guest after its reset: %s",
			       err.msg);
			e->kind = RUN_END_ERROR;
			break;
		}
	}
	/* Once --timeout fired, the end is a timeout whatever the guest did;
	 * a signal or passvm's own failure still say what they are. */
	e->timed_out = timeout_fired(&vm->timeout);
	if (e->timed_out && e->kind != RUN_END_SIGNAL &&
	    e->kind != RUN_END_ERROR) {
		e->guest_end = e->kind;
		e->kind = RUN_END_TIMEOUT;
	}
	e->has_verdict =
		verdict_result(&vm->verdict, &e->verdict, &e->channel, NULL);

	pthread_kill(sig_thread, SIGUSR2);
	pthread_join(sig_thread, NULL);
	return run_exit_status(e);
}
