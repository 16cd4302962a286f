// SPDX-License-Identifier: GPL-2.0
/*
 * Installing the filters and the SIGSYS handler (see sandbox/sandbox.h).
 * seccomp(2), SECCOMP_SET_MODE_FILTER; SECCOMP_RET_TRAP delivers SIGSYS
 * with si_syscall and si_arch (Documentation/userspace-api/
 * seccomp_filter.rst "Return values").
 */
#include "sandbox/sandbox.h"

#include <errno.h>
#include <linux/futex.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "sandbox/policy.h"

/* si_code of a seccomp trap (asm-generic/siginfo.h); not in every libc. */
#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1
#endif

static const char *const kind_names[SANDBOX_NR] = {
	[SANDBOX_MAIN] = "main",
	[SANDBOX_VCPU] = "vcpu",
	[SANDBOX_API] = "api",
	[SANDBOX_CONSOLE] = "console",
	[SANDBOX_CONSOLE_SOCKET] = "console-socket",
	[SANDBOX_SIGNAL] = "signal",
	[SANDBOX_IO] = "io",
};

static enum sandbox_mode mode = SANDBOX_OFF;
static void (*restore_hook)(void);
static char note[512];
static __thread int self_kind = -1;
static int test_kind = -1;

const char *sandbox_kind_name(enum sandbox_kind kind)
{
	return (unsigned int)kind < SANDBOX_NR ? kind_names[kind] : "?";
}

int sandbox_parse_mode(const char *s, enum sandbox_mode *m)
{
	if (!strcmp(s, "on"))
		*m = SANDBOX_ON;
	else if (!strcmp(s, "log"))
		*m = SANDBOX_LOG;
	else if (!strcmp(s, "off"))
		*m = SANDBOX_OFF;
	else
		return -EINVAL;
	return 0;
}

void sandbox_set_test(int kind)
{
	test_kind = kind;
}

enum sandbox_mode sandbox_mode(void)
{
	return mode;
}

int sandbox_kind_self(void)
{
	return self_kind;
}

void sandbox_set_note(const char *text)
{
	size_t n = text ? strlen(text) : 0;

	if (n >= sizeof(note))
		n = sizeof(note) - 1;
	memcpy(note, text ? text : "", n);
	note[n] = '\0';
}

/* ---- the SIGSYS handler: async-signal-safe calls only ---- */

struct line {
	char buf[1024];
	size_t n;
};

static void put(struct line *l, const char *s)
{
	while (*s && l->n < sizeof(l->buf) - 1)
		l->buf[l->n++] = *s++;
}

static void put_num(struct line *l, unsigned long v, unsigned int base)
{
	char tmp[24];
	int i = 0;

	do {
		tmp[i++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v && i < (int)sizeof(tmp));
	if (base == 16)
		put(l, "0x");
	while (i > 0 && l->n < sizeof(l->buf) - 1)
		l->buf[l->n++] = tmp[--i];
}

/* The ioctl request: the second argument register at the trap. */
static long trapped_arg1(void *uc)
{
	ucontext_t *u = uc;

#if defined(__x86_64__)
	return (long)u->uc_mcontext.gregs[REG_RSI];
#elif defined(__aarch64__)
	return (long)u->uc_mcontext.regs[1];
#else
	(void)u;
	return -1;
#endif
}

/*
 * The --result record armed by sandbox_set_result(). The handler uses only
 * calls every kind's list allows (write, futex, tgkill to this process,
 * exit_group), and rename(2) on the main thread, whose filter has it.
 */
enum { RES_NONE, RES_ARMED, RES_WRITING, RES_WRITTEN };

static struct {
	int state; /* RES_*, changed atomically */
	int fd;
	char *tmp, *path, *head, *tail[2];
	const volatile uint64_t *started;
	pid_t main_tid;
} res = { .fd = -1 };

static void write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);

		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

/* The record, with @msg as its message, into the armed file. */
static void res_write(const struct line *msg)
{
	int armed = RES_ARMED;

	if (!__atomic_compare_exchange_n(&res.state, &armed, RES_WRITING, false,
					 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		return;
	write_all(res.fd, res.head, strlen(res.head));
	write_all(res.fd, msg->buf, msg->n);
	write_all(res.fd, res.tail[*res.started != 0],
		  strlen(res.tail[*res.started != 0]));
	__atomic_store_n(&res.state, RES_WRITTEN, __ATOMIC_SEQ_CST);
}

/* On the main thread: the written record becomes the --result file. */
static void res_commit(void)
{
	/* Another thread may still be writing it (two traps at once). */
	for (int i = 0;
	     i < 100000 &&
	     __atomic_load_n(&res.state, __ATOMIC_SEQ_CST) == RES_WRITING;
	     i++)
		sched_yield();
	if (__atomic_load_n(&res.state, __ATOMIC_SEQ_CST) != RES_WRITTEN)
		return;
	fsync(res.fd);
	if (rename(res.tmp, res.path))
		unlink(res.tmp);
}

/* Off the main thread: ask it to commit, and wait (2 s at most). */
static void res_forward(void)
{
	struct timespec ts = { 2, 0 };
	int never = 0;

	syscall(SYS_tgkill, getpid(), res.main_tid, SIGSYS);
	syscall(SYS_futex, &never, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0);
}

static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	const char *name = sandbox_syscall_name(si->si_syscall);
	struct line l = { .n = 0 }, msg = { .n = 0 };
	bool on_main;
	ssize_t w;

	(void)sig;
	on_main = self_kind == SANDBOX_MAIN || self_kind < 0 ||
		  (res.main_tid && syscall(SYS_gettid) == res.main_tid);
	if (si->si_code != SYS_SECCOMP) {
		/* res_forward() from the thread that trapped (or a stray
		 * SIGSYS: nothing armed, nothing written). */
		if (si->si_code == SI_TKILL && si->si_pid == getpid() &&
		    __atomic_load_n(&res.state, __ATOMIC_SEQ_CST) >=
			    RES_WRITING) {
			res_commit();
			_exit(SANDBOX_EXIT_BAD_SYSCALL);
		}
		return;
	}
	put(&msg, "the ");
	put(&msg, self_kind >= 0 ? kind_names[self_kind] : "new");
	put(&msg, " thread made a forbidden system call: ");
	put(&msg, name ? name : "syscall");
	put(&msg, " (");
	put_num(&msg, (unsigned long)si->si_syscall, 10);
	put(&msg, ")");
	if (si->si_syscall == SYS_ioctl) {
		put(&msg, " request ");
		put_num(&msg, (unsigned long)trapped_arg1(uc) & 0xffffffffu,
			16);
	}
	msg.buf[msg.n] = '\0';
	put(&l, "passvm: seccomp: ");
	put(&l, msg.buf);
	put(&l, "; passvm stops with exit status 148 (--seccomp off runs "
		"without filters, --seccomp log lists such calls in the "
		"kernel log)\n");
	if (note[0]) {
		put(&l, note);
		put(&l, "\n");
	}
	w = write(STDERR_FILENO, l.buf, l.n);
	(void)w;
	if (restore_hook)
		restore_hook();
	res_write(&msg);
	if (on_main)
		res_commit();
	else if (__atomic_load_n(&res.state, __ATOMIC_SEQ_CST) >= RES_WRITING)
		res_forward(); /* this record, or another trap's */
	_exit(SANDBOX_EXIT_BAD_SYSCALL);
}

int sandbox_set_result(int fd, const char *tmp, const char *path,
		       const char *head, const char *const tail[2],
		       const volatile uint64_t *started)
{
	sandbox_clear_result();
	res.tmp = strdup(tmp);
	res.path = strdup(path);
	res.head = strdup(head);
	res.tail[0] = strdup(tail[0]);
	res.tail[1] = strdup(tail[1]);
	if (!res.tmp || !res.path || !res.head || !res.tail[0] ||
	    !res.tail[1]) {
		res.fd = -1;
		sandbox_clear_result();
		return -ENOMEM;
	}
	res.fd = fd;
	res.started = started;
	res.main_tid = (pid_t)syscall(SYS_gettid);
	__atomic_store_n(&res.state, RES_ARMED, __ATOMIC_SEQ_CST);
	return 0;
}

void sandbox_clear_result(void)
{
	int armed = RES_ARMED;

	/* A trap now finds nothing armed (one already writing wins). */
	if (__atomic_compare_exchange_n(&res.state, &armed, RES_NONE, false,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
		close(res.fd);
		unlink(res.tmp);
	}
	if (__atomic_load_n(&res.state, __ATOMIC_SEQ_CST) != RES_NONE)
		return;
	res.fd = -1;
	free(res.tmp);
	free(res.path);
	free(res.head);
	free(res.tail[0]);
	free(res.tail[1]);
	memset(res.tail, 0, sizeof(res.tail));
	res.tmp = res.path = res.head = NULL;
}

int sandbox_init(enum sandbox_mode m, void (*restore)(void),
		 struct pv_error *err)
{
	struct sigaction sa;

	mode = m;
	restore_hook = restore;
	if (m == SANDBOX_OFF)
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigfillset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL))
		return pv_seterr(err, errno, "cannot handle SIGSYS: %s",
				 strerror(errno));
	return 0;
}

/* ---- filters ---- */

static int build(enum sandbox_kind kind, bool effective,
		 struct sock_filter *prog, unsigned int max, uint32_t deny)
{
	struct sandbox_list lists[SANDBOX_MAX_LISTS * SANDBOX_NR];
	unsigned int n;

	if (!sandbox_table)
		return -ENOSYS;
	n = sandbox_collect(sandbox_table, kind, effective, lists,
			    sizeof(lists) / sizeof(lists[0]));
	return sandbox_bpf_build(sandbox_table, lists, n, deny,
				 (uint32_t)getpid(), prog, max);
}

static int install(enum sandbox_kind kind, struct pv_error *err)
{
	static struct sock_filter prog[SANDBOX_MAX_INSNS];
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	struct sock_fprog fp;
	sigset_t sys;
	int n, ret = 0;

	/* One program buffer (32 KiB) for all threads: they enter in turn. */
	pthread_mutex_lock(&lock);
	n = build(kind, true, prog, SANDBOX_MAX_INSNS,
		  mode == SANDBOX_LOG ? SECCOMP_RET_LOG : SECCOMP_RET_TRAP);
	if (n == -ENOSYS) {
		ret = pv_seterr(
			err, ENOSYS,
			"passvm has no seccomp filters for this architecture: run with --seccomp off");
		goto out;
	}
	if (n < 0) {
		ret = pv_seterr(
			err, -n,
			"the seccomp filter of the %s thread is too large",
			kind_names[kind]);
		goto out;
	}
	fp.len = (unsigned short)n;
	fp.filter = prog;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp)) {
		ret = pv_seterr(
			err, errno,
			"cannot install the seccomp filter of the %s thread: %s (a kernel without CONFIG_SECCOMP_FILTER? run with --seccomp off)",
			kind_names[kind], strerror(errno));
		goto out;
	}
	self_kind = (int)kind;
	/* A blocked SIGSYS would kill without the handler's message. */
	sigemptyset(&sys);
	sigaddset(&sys, SIGSYS);
	pthread_sigmask(SIG_UNBLOCK, &sys, NULL);
out:
	pthread_mutex_unlock(&lock);
	return ret;
}

int sandbox_enter(enum sandbox_kind kind, struct pv_error *err)
{
	int ret = 0;

	if (mode != SANDBOX_OFF && self_kind != (int)kind)
		ret = install(kind, err);
	if (!ret && test_kind == (int)kind)
		sandbox_test_forbidden();
	return ret;
}

int sandbox_size(enum sandbox_kind kind, bool effective,
		 struct sandbox_size *out)
{
	static struct sock_filter prog[SANDBOX_MAX_INSNS];
	struct sandbox_list lists[SANDBOX_MAX_LISTS * SANDBOX_NR];
	unsigned int n, nr_sys = 0, nr_ioctl = 0;
	int seen_sys[1024], insns;
	uint32_t seen_ioctl[512];

	if (!sandbox_table)
		return -ENOSYS;
	n = sandbox_collect(sandbox_table, kind, effective, lists,
			    sizeof(lists) / sizeof(lists[0]));
	for (unsigned int l = 0; l < n; l++) {
		for (unsigned int i = 0; i < lists[l].n; i++) {
			const struct sandbox_rule *r = &lists[l].rules[i];
			unsigned int j;

			for (j = 0; j < nr_sys && seen_sys[j] != r->nr; j++)
				;
			if (j == nr_sys && nr_sys < 1024)
				seen_sys[nr_sys++] = r->nr;
			if (r->nr != SYS_ioctl || r->check != SB_IN)
				continue;
			for (unsigned int v = 0; v < r->nr_vals; v++) {
				for (j = 0; j < nr_ioctl &&
					    seen_ioctl[j] != r->vals[v];
				     j++)
					;
				if (j == nr_ioctl && nr_ioctl < 512)
					seen_ioctl[nr_ioctl++] = r->vals[v];
			}
		}
	}
	insns = sandbox_bpf_build(sandbox_table, lists, n, SECCOMP_RET_TRAP, 1,
				  prog, SANDBOX_MAX_INSNS);
	if (insns < 0)
		return insns;
	out->syscalls = nr_sys;
	out->ioctls = nr_ioctl;
	out->insns = (unsigned int)insns;
	return 0;
}

int sandbox_test_forbidden(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd >= 0)
		close(fd);
	return 0;
}

/* ---- names, for the handler's message ---- */

/*
 * Each name in one string, NUL-separated, in the order of their numbers
 * in nrs[]: no pointer per name (16 bytes each) in the binary.
 */
static const uint16_t nrs[] = {
#define SYSCALL_NAME(n) __NR_##n,
#include "syscall_names.h"
#undef SYSCALL_NAME
};

static const char names[] =
#define SYSCALL_NAME(n) #n "\0"
#include "syscall_names.h"
#undef SYSCALL_NAME
	;

const char *sandbox_syscall_name(long nr)
{
	const char *p = names;

	for (size_t i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++) {
		if (nrs[i] == nr)
			return p;
		p += strlen(p) + 1;
	}
	return NULL;
}
