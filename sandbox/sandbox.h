/* SPDX-License-Identifier: GPL-2.0 */
/*
 * seccomp-bpf per thread kind, as Firecracker's (docs/seccomp.md): every
 * thread of `passvm run` installs the allowlist of its kind once its setup
 * is done and before it does its steady work (a vCPU: before its first
 * KVM_RUN). A system call outside the list raises SIGSYS (SECCOMP_RET_TRAP)
 * and passvm exits at once with status 148 (Firecracker's BadSyscall),
 * naming the call and the thread (see sandbox_init()).
 *
 * A room of its own: it depends on util/ only, and every layer that starts
 * a thread (vmm/, api/, the virtio devices) calls sandbox_enter() with its
 * kind. The lists are in sandbox/table.c (what differs per architecture
 * in sandbox/table_<arch>.h); the BPF is generated from them
 * (sandbox/bpf.c) with an architecture check.
 *
 * A thread inherits the filter of the thread that created it, and filters
 * stack (the strictest answer wins). So the main thread's filter also holds
 * the lists of the kinds it starts after its own filter is on (vCPU and
 * console threads, and device I/O threads, which --reboot restarts): each
 * of those threads then runs under exactly its own list.
 */
#ifndef PASSVM_SANDBOX_SANDBOX_H
#define PASSVM_SANDBOX_SANDBOX_H

#include <stdbool.h>
#include <stdint.h>

#include "util/log.h"

/* Firecracker's exit status for a forbidden system call (BadSyscall). */
#define SANDBOX_EXIT_BAD_SYSCALL 148

enum sandbox_kind {
	SANDBOX_MAIN, /* the VMM thread: builds, rebuilds, tears down */
	SANDBOX_VCPU, /* KVM_RUN and the exits it handles inline */
	SANDBOX_API, /* the API server thread "fc_api" */
	SANDBOX_CONSOLE, /* stdin to the UART (vmm/term.c) */
	SANDBOX_CONSOLE_SOCKET, /* the --console socket:PATH relay */
	SANDBOX_SIGNAL, /* sigwait for SIGINT/SIGTERM/SIGHUP */
	SANDBOX_IO, /* a device's I/O thread (virtio) */
	SANDBOX_NR,
};

enum sandbox_mode {
	SANDBOX_ON, /* default: a forbidden call traps, passvm exits 148 */
	SANDBOX_LOG, /* allowed, but the kernel logs it (SECCOMP_RET_LOG) */
	SANDBOX_OFF, /* no filter (--seccomp off, --no-seccomp) */
};

/* "main", "vcpu", "api", "console", "console-socket", "signal", "io". */
const char *sandbox_kind_name(enum sandbox_kind kind);

/*
 * sandbox_parse_mode() - "on", "log" or "off" into *@mode. Returns 0 or
 * -EINVAL.
 */
int sandbox_parse_mode(const char *s, enum sandbox_mode *mode);

/*
 * sandbox_init() - for the whole process, before any thread enters its
 * sandbox: remember @mode and install the SIGSYS handler. The handler
 * writes one line on stderr naming the thread kind and the call (with the
 * ioctl request for an ioctl), then @note if set (sandbox_set_note()),
 * calls the restore hook (async-signal-safe: the terminal's
 * term_restore()), and _exit(148)s: no teardown runs (see the README's
 * Security section for what the kernel releases). Returns 0 or -errno.
 */
int sandbox_init(enum sandbox_mode mode, void (*restore)(void),
		 struct pv_error *err);

/*
 * sandbox_set_result() - the --result file the SIGSYS handler leaves, as
 * the exit path leaves one (vmm/result.h): the handler cannot format or
 * open anything, so the caller (the main thread, before the filters are
 * on) hands it an open temporary file @fd at @tmp in @path's directory
 * and the record around its message: @head, the message (the handler's
 * line, "the vcpu thread made a forbidden system call: socket (41)",
 * nothing in it JSON would escape), then @tail[0], or @tail[1] once
 * *@started is nonzero (the guest ran). The handler writes the record into
 * @fd and renames @tmp over @path: itself on the main thread (its filter
 * allows renameat, for the exit path's result file), else by sending
 * SIGSYS to the main thread, which does it and exits 148 (the trapping
 * thread exits on its own after 2 s if the main thread does not). The
 * strings are copied; the sandbox owns @fd from here. Returns 0 or
 * -ENOMEM (then nothing is armed and the caller still owns @fd).
 */
int sandbox_set_result(int fd, const char *tmp, const char *path,
		       const char *head, const char *const tail[2],
		       const volatile uint64_t *started);

/*
 * sandbox_clear_result() - disarm sandbox_set_result(): close its file and
 * unlink its temporary name (the exit path writes the result itself).
 * Main thread; nothing when nothing is armed.
 */
void sandbox_clear_result(void);

/* sandbox_mode() - the mode given to sandbox_init() (SANDBOX_OFF before). */
enum sandbox_mode sandbox_mode(void);

/*
 * sandbox_set_note() - text the SIGSYS handler prints after its line (what
 * the user must do by hand, e.g. give managed devices back), copied;
 * NULL clears it. Call before the filters are on (not thread-safe with a
 * trap).
 */
void sandbox_set_note(const char *note);

/*
 * sandbox_enter() - install the filter of @kind on the calling thread
 * (PR_SET_NO_NEW_PRIVS, then seccomp(SECCOMP_SET_MODE_FILTER)), and
 * unblock SIGSYS in it. Nothing with SANDBOX_OFF; a second call for the
 * same kind on the same thread does nothing. Errors: -ENOSYS (no table for
 * this architecture, or the kernel lacks seccomp filters), -E2BIG, -errno
 * of seccomp(2); the message says to use --seccomp off.
 */
int sandbox_enter(enum sandbox_kind kind, struct pv_error *err);

/* sandbox_kind_self() - the kind the calling thread entered, or -1. */
int sandbox_kind_self(void);

/*
 * sandbox_test_forbidden() - a system call no list allows (socket(AF_INET,
 * ...)), for the hidden --seccomp-test-forbidden option and the tests:
 * under a filter in SANDBOX_ON it ends passvm with 148. Without a filter
 * the socket is closed again and 0 is returned.
 */
int sandbox_test_forbidden(void);

/*
 * sandbox_set_test() - the hidden --seccomp-test-forbidden: the threads
 * of @kind (-1: none) call sandbox_test_forbidden() as soon as
 * sandbox_enter() has put their filter on (with SANDBOX_OFF too, where the
 * call is harmless and the run goes on).
 */
void sandbox_set_test(int kind);

/* Sizes of a kind's filter, for the README and the unit tests. */
struct sandbox_size {
	unsigned int syscalls; /* distinct system calls allowed */
	unsigned int ioctls; /* distinct ioctl requests allowed */
	unsigned int insns; /* BPF instructions */
};

/*
 * sandbox_size() - of @kind's own lists (@effective false) or of the
 * filter it installs (@effective true: the main thread's then includes the
 * kinds it starts). Returns 0 or -ENOSYS without a table.
 */
int sandbox_size(enum sandbox_kind kind, bool effective,
		 struct sandbox_size *out);

#endif
