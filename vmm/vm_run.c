// SPDX-License-Identifier: GPL-2.0
/*
 * Running the VM: the console, the vCPU threads, the signal thread, how a
 * stop is requested and turned into passvm's exit status, and the --reboot
 * loop (with its guard against a guest that resets in a loop).
 */
#include "vmm/vm.h"

#include <signal.h>
#include <stdio.h>

#include "sandbox/sandbox.h"
#include "vmm/term.h"

static const char *const why_names[] = {
	[VM_STOP_POWEROFF] = "power-off",     [VM_STOP_RESET] = "reset",
	[VM_STOP_DEBUG_EXIT] = "debug exit",  [VM_STOP_CRASH] = "crash",
	[VM_STOP_VMM_ERROR] = "passvm error", [VM_STOP_SIGNAL] = "signal",
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

	pthread_setname_np(pthread_self(), "passvm-signal");
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

static int exit_status(struct vm *vm)
{
	switch (vm->stop_reason) {
	case VM_STOP_POWEROFF:
		return VM_EXIT_POWEROFF;
	case VM_STOP_RESET:
		return VM_EXIT_RESET;
	case VM_STOP_DEBUG_EXIT:
		return vm->stop_code & 0xff;
	case VM_STOP_CRASH:
		return VM_EXIT_CRASH;
	case VM_STOP_SIGNAL:
		return 128 + vm->stop_code;
	default:
		return VM_EXIT_VMM_ERROR;
	}
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
	pthread_mutex_lock(&vm->stop_lock);
	while (!vm->stopping)
		pthread_cond_wait(&vm->stop_cond, &vm->stop_lock);
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
	pthread_t sig_thread;
	int status;

	sigemptyset(&w.set);
	sigaddset(&w.set, SIGINT);
	sigaddset(&w.set, SIGTERM);
	sigaddset(&w.set, SIGHUP);
	sigaddset(&w.set, SIGUSR2);
	set_trap_note(vm);
	pthread_create(&sig_thread, NULL, signal_thread, &w);

	for (;;) {
		run_once(vm);
		status = exit_status(vm);
		if (vm->stop_reason != VM_STOP_RESET || !vm->opts->reboot)
			break;
		/* Ctrl-C or SIGTERM while the guest was resetting: stop. */
		if (vm->late_signal) {
			status = 128 + vm->late_signal;
			break;
		}
		if (!reboot_allowed(&vm->reboot_limit, log_elapsed_ns())) {
			pv_err("the guest reset %u times within %u s: it is "
			       "in a reset loop, so passvm stops (exit status "
			       "%d); read its console output above, or run "
			       "without --reboot",
			       REBOOT_BURST + 1, REBOOT_WINDOW_S, status);
			break;
		}
		if (vm_reboot(vm, &err)) {
			pv_err("cannot restart the guest after its reset: %s",
			       err.msg);
			status = VM_EXIT_VMM_ERROR;
			break;
		}
	}

	pthread_kill(sig_thread, SIGUSR2);
	pthread_join(sig_thread, NULL);
	return status;
}
