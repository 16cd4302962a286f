// SPDX-License-Identifier: GPL-2.0
/*
 * sandbox/: the BPF the tables generate, run here by a classic-BPF
 * interpreter over struct seccomp_data (what every rule allows, what no
 * rule allows, the architecture and x32 checks, long value lists), the
 * main thread's filter holding the lists of the threads it starts, and
 * the real thing in forked children: a filter on, an allowed call runs, a
 * forbidden one ends the process with 148 and a message naming it.
 * Prints each kind's size (the README's Security section quotes them).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/if_tun.h>
#include <linux/kvm.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <linux/vfio.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/iommufd_ioctl.h"
#include "sandbox/policy.h"
#include "sandbox_child.h"

#define PID 4242u

/* ---- a classic BPF interpreter for seccomp programs ---- */

static uint32_t run_bpf(const struct sock_filter *p, int len,
			const struct seccomp_data *d)
{
	uint32_t a = 0, x = 0;
	int pc = 0;

	while (pc >= 0 && pc < len) {
		const struct sock_filter *f = &p[pc++];
		uint32_t src = BPF_SRC(f->code) == BPF_X ? x : f->k;

		switch (BPF_CLASS(f->code)) {
		case BPF_LD:
			assert_int_equal(f->code, BPF_LD | BPF_W | BPF_ABS);
			assert_true(f->k + 4 <= sizeof(*d) && f->k % 4 == 0);
			memcpy(&a, (const char *)d + f->k, 4);
			break;
		case BPF_LDX:
			x = f->k;
			break;
		case BPF_ALU:
			assert_int_equal(BPF_OP(f->code), BPF_AND);
			a &= src;
			break;
		case BPF_JMP:
			switch (BPF_OP(f->code)) {
			case BPF_JA:
				pc += (int)f->k;
				break;
			case BPF_JEQ:
				pc += a == src ? f->jt : f->jf;
				break;
			case BPF_JGE:
				pc += a >= src ? f->jt : f->jf;
				break;
			case BPF_JGT:
				pc += a > src ? f->jt : f->jf;
				break;
			case BPF_JSET:
				pc += (a & src) ? f->jt : f->jf;
				break;
			default:
				fail_msg("jump op %#x", f->code);
			}
			break;
		case BPF_RET:
			return f->k;
		default:
			fail_msg("opcode %#x", f->code);
		}
	}
	fail_msg("fell off the program at %d", pc);
	return 0;
}

static struct sock_filter prog[SANDBOX_MAX_INSNS];

static int build_kind(enum sandbox_kind k, bool effective)
{
	struct sandbox_list lists[SANDBOX_MAX_LISTS * SANDBOX_NR];
	unsigned int n;
	int len;

	n = sandbox_collect(sandbox_table, k, effective, lists,
			    SANDBOX_MAX_LISTS * SANDBOX_NR);
	len = sandbox_bpf_build(sandbox_table, lists, n, SECCOMP_RET_TRAP, PID,
				prog, SANDBOX_MAX_INSNS);
	assert_true(len > 0);
	return len;
}

static uint32_t call(int len, long nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct seccomp_data d = {
		.nr = (int)nr,
		.arch = sandbox_table->audit_arch,
		.args = { a0, a1, a2 },
	};

	return run_bpf(prog, len, &d);
}

static uint64_t args_for(const struct sandbox_rule *r, unsigned int v,
			 uint64_t *a)
{
	memset(a, 0, 6 * sizeof(*a));
	switch (r->check) {
	case SB_IN:
		a[r->arg] = r->vals[v];
		break;
	case SB_SET:
		a[r->arg] = r->mask;
		break;
	case SB_SELF_PID:
		a[r->arg] = PID;
		break;
	}
	return 0;
}

/* Every value each rule of @k's own lists names gets its action. */
static void expect_rules_allowed(enum sandbox_kind k, int len)
{
	struct sandbox_list lists[SANDBOX_MAX_LISTS * SANDBOX_NR];
	unsigned int n = sandbox_collect(sandbox_table, k, false, lists,
					 SANDBOX_MAX_LISTS * SANDBOX_NR);

	for (unsigned int l = 0; l < n; l++) {
		for (unsigned int i = 0; i < lists[l].n; i++) {
			const struct sandbox_rule *r = &lists[l].rules[i];
			unsigned int nv = r->check == SB_IN ? r->nr_vals : 1;
			uint32_t want = sandbox_rule_action(r);

			for (unsigned int v = 0; v < nv; v++) {
				uint64_t a[6];
				struct seccomp_data d = {
					.nr = r->nr,
					.arch = sandbox_table->audit_arch,
				};

				args_for(r, v, a);
				memcpy(d.args, a, sizeof(a));
				if (run_bpf(prog, len, &d) != want)
					fail_msg("%s: %s (value %u) refused",
						 sandbox_kind_name(k),
						 sandbox_syscall_name(r->nr),
						 v);
			}
		}
	}
}

static void test_each_rule_allows(void **state)
{
	for (int k = 0; k < SANDBOX_NR; k++) {
		int len = build_kind(k, true);

		expect_rules_allowed(k, len);
	}
}

/* What no thread may do. */
static void test_forbidden_everywhere(void **state)
{
	for (int k = 0; k < SANDBOX_NR; k++) {
		int len = build_kind(k, true);
		struct seccomp_data d = { .nr = SYS_write,
					  .arch = AUDIT_ARCH_I386 };

		assert_int_equal(call(len, SYS_execve, 0, 0, 0),
				 SECCOMP_RET_TRAP);
		assert_int_equal(call(len, SYS_ptrace, 0, 0, 0),
				 SECCOMP_RET_TRAP);
		assert_int_equal(call(len, SYS_mount, 0, 0, 0),
				 SECCOMP_RET_TRAP);
		assert_int_equal(call(len, SYS_kexec_load, 0, 0, 0),
				 SECCOMP_RET_TRAP);
		assert_int_equal(call(len, SYS_socket, AF_INET, 0, 0),
				 SECCOMP_RET_TRAP);
		assert_int_equal(call(len, SYS_socket, AF_NETLINK, 0, 0),
				 SECCOMP_RET_TRAP);
		/* nothing becomes executable */
		assert_int_equal(
			call(len, SYS_mmap, 0, 4096, PROT_READ | PROT_EXEC),
			SECCOMP_RET_TRAP);
		assert_int_equal(call(len, SYS_mprotect, 0, 4096, PROT_EXEC),
				 SECCOMP_RET_TRAP);
		assert_int_equal(
			call(len, SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE),
			SECCOMP_RET_ALLOW);
		/* a process cannot fork, only start threads */
		assert_int_equal(call(len, SYS_clone, SIGCHLD, 0, 0),
				 SECCOMP_RET_TRAP);
		/* signals to other processes */
		assert_int_equal(call(len, SYS_tgkill, PID + 1, 1, 9),
				 SECCOMP_RET_TRAP);
		assert_int_equal(call(len, SYS_tgkill, PID, 1, 10),
				 SECCOMP_RET_ALLOW);
		/* another architecture's numbers: the process dies */
		assert_int_equal(run_bpf(prog, len, &d),
				 SECCOMP_RET_KILL_PROCESS);
		if (sandbox_table->nr_limit) {
			assert_int_equal(
				call(len, sandbox_table->nr_limit | SYS_write,
				     0, 0, 0),
				SECCOMP_RET_TRAP);
		}
	}
}

/* The vCPU thread: KVM_RUN yes; opening, creating, DMA mapping no. */
static void test_vcpu_ioctls(void **state)
{
	int len = build_kind(SANDBOX_VCPU, true);

	assert_int_equal(call(len, SYS_ioctl, 10, KVM_RUN, 0),
			 SECCOMP_RET_ALLOW);
	/* the request is an unsigned int: the upper half is not read */
	assert_int_equal(call(len, SYS_ioctl, 10, (1ull << 32) | KVM_RUN, 0),
			 SECCOMP_RET_ALLOW);
	assert_int_equal(call(len, SYS_ioctl, 10, KVM_CREATE_VM, 0),
			 SECCOMP_RET_TRAP);
	assert_int_equal(call(len, SYS_ioctl, 10, KVM_CREATE_VCPU, 0),
			 SECCOMP_RET_TRAP);
	assert_int_equal(call(len, SYS_ioctl, 10, VFIO_IOMMU_MAP_DMA, 0),
			 SECCOMP_RET_TRAP);
	assert_int_equal(call(len, SYS_ioctl, 10, VFIO_GROUP_GET_DEVICE_FD, 0),
			 SECCOMP_RET_TRAP);
	assert_int_equal(call(len, SYS_openat, 0, 0, 0), SECCOMP_RET_TRAP);
	assert_int_equal(call(len, SYS_clone, CLONE_THREAD, 0, 0),
			 SECCOMP_RET_TRAP);
}

/* After the guest starts, nothing opens a new device or container. */
static void test_main_cannot_open_devices(void **state)
{
	int len = build_kind(SANDBOX_MAIN, true);

	assert_int_equal(call(len, SYS_ioctl, 10, VFIO_GROUP_GET_DEVICE_FD, 0),
			 SECCOMP_RET_TRAP);
	assert_int_equal(call(len, SYS_ioctl, 10, VFIO_GROUP_SET_CONTAINER, 0),
			 SECCOMP_RET_TRAP);
	assert_int_equal(call(len, SYS_ioctl, 10, VFIO_SET_IOMMU, 0),
			 SECCOMP_RET_TRAP);
	/* iommufd (its branch): no new IOAS, no device bound or attached */
	assert_int_equal(call(len, SYS_ioctl, 10, IOMMU_IOAS_ALLOC, 0),
			 SECCOMP_RET_TRAP);
	assert_int_equal(call(len, SYS_ioctl, 10, VFIO_DEVICE_BIND_IOMMUFD, 0),
			 SECCOMP_RET_TRAP);
	assert_int_equal(
		call(len, SYS_ioctl, 10, VFIO_DEVICE_ATTACH_IOMMUFD_PT, 0),
		SECCOMP_RET_TRAP);
	/* virtio (its branch): no tap made or attached to another device */
	assert_int_equal(call(len, SYS_ioctl, 10, TUNSETIFF, 0),
			 SECCOMP_RET_TRAP);
	assert_int_equal(call(len, SYS_ioctl, 10, KVM_CREATE_VM, 0),
			 SECCOMP_RET_ALLOW); /* --reboot */
	assert_int_equal(call(len, SYS_clone,
			      CLONE_VM | CLONE_THREAD | CLONE_SIGHAND, 0, 0),
			 SECCOMP_RET_ALLOW);
	assert_int_equal(call(len, SYS_clone3, 0, 0, 0),
			 SECCOMP_RET_ERRNO | ENOSYS);
	assert_int_equal(call(len, SYS_prctl, PR_SET_DUMPABLE, 0, 0),
			 SECCOMP_RET_TRAP);
}

/*
 * A thread inherits its creator's filter: each kind the main thread starts
 * after its filter is on must be wholly allowed by the main thread's.
 */
static void test_main_holds_what_it_starts(void **state)
{
	uint32_t starts = sandbox_table->policies[SANDBOX_MAIN].starts;
	int len = build_kind(SANDBOX_MAIN, true);

	assert_true(starts & (1u << SANDBOX_VCPU));
	assert_true(starts & (1u << SANDBOX_CONSOLE));
	for (int k = 0; k < SANDBOX_NR; k++)
		if (starts & (1u << k))
			expect_rules_allowed(k, len);
	/* and its own list alone would not do */
	len = build_kind(SANDBOX_MAIN, false);
	assert_int_equal(call(len, SYS_ioctl, 10, KVM_RUN, 0),
			 SECCOMP_RET_TRAP);
}

/* Value lists longer than one block's reach are split, not cut. */
static void test_long_lists(void **state)
{
	static uint32_t vals[450];
	struct sandbox_rule r[2] = {
		{ .nr = 16, .check = SB_IN, .arg = 1 },
		{ .nr = 1, .check = SB_ANY },
	};
	struct sandbox_list l = { r, 2 };
	int len;

	for (unsigned int i = 0; i < 450; i++)
		vals[i] = 0x1000 + 3 * i;
	r[0].vals = vals;
	r[0].nr_vals = 450;
	len = sandbox_bpf_build(sandbox_table, &l, 1, SECCOMP_RET_TRAP, PID,
				prog, SANDBOX_MAX_INSNS);
	assert_true(len > 450);
	for (unsigned int i = 0; i < 450; i++) {
		assert_int_equal(call(len, 16, 0, vals[i], 0),
				 SECCOMP_RET_ALLOW);
		assert_int_equal(call(len, 16, 0, vals[i] + 1, 0),
				 SECCOMP_RET_TRAP);
	}
	assert_int_equal(call(len, 1, 0, 0, 0), SECCOMP_RET_ALLOW);
	assert_int_equal(call(len, 2, 0, 0, 0), SECCOMP_RET_TRAP);
	/* a buffer too small is an error, not a truncated filter */
	assert_int_equal(sandbox_bpf_build(sandbox_table, &l, 1,
					   SECCOMP_RET_TRAP, PID, prog, 100),
			 -E2BIG);
}

static void test_sizes(void **state)
{
	printf("    %-15s %9s %7s   %-9s %7s %6s\n", "kind", "syscalls",
	       "ioctls", "effective", "ioctls", "insns");
	for (int k = 0; k < SANDBOX_NR; k++) {
		struct sandbox_size own, eff;

		assert_int_equal(sandbox_size(k, false, &own), 0);
		assert_int_equal(sandbox_size(k, true, &eff), 0);
		assert_true(own.syscalls > 10 && own.syscalls <= eff.syscalls);
		assert_true(eff.insns < SANDBOX_MAX_INSNS);
		printf("    %-15s %9u %7u   %-9u %7u %6u\n",
		       sandbox_kind_name(k), own.syscalls, own.ioctls,
		       eff.syscalls, eff.ioctls, eff.insns);
	}
}

static void test_parse_mode(void **state)
{
	enum sandbox_mode m;

	assert_int_equal(sandbox_parse_mode("off", &m), 0);
	assert_int_equal(m, SANDBOX_OFF);
	assert_int_equal(sandbox_parse_mode("log", &m), 0);
	assert_int_equal(m, SANDBOX_LOG);
	assert_int_equal(sandbox_parse_mode("on", &m), 0);
	assert_int_equal(m, SANDBOX_ON);
	assert_int_equal(sandbox_parse_mode("yes", &m), -EINVAL);
	assert_string_equal(sandbox_syscall_name(SYS_socket), "socket");
	assert_string_equal(sandbox_syscall_name(SYS_ioctl), "ioctl");
	assert_null(sandbox_syscall_name(-5));
}

/* ---- in the kernel, in forked children ---- */

static int enter_and_forbid(void *arg)
{
	struct pv_error e;
	enum sandbox_mode m = *(enum sandbox_mode *)arg;

	if (sandbox_init(m, NULL, &e) || sandbox_enter(SANDBOX_VCPU, &e))
		return 3;
	/* allowed: write, getpid; not: socket(AF_INET) */
	if (write(STDERR_FILENO, "before\n", 7) != 7 || getpid() <= 0)
		return 4;
	sandbox_test_forbidden();
	return 0;
}

static void test_kernel_trap(void **state)
{
	enum sandbox_mode m = SANDBOX_ON;
	char err[4096];

	assert_int_equal(in_child(enter_and_forbid, &m, err, sizeof(err)),
			 SANDBOX_EXIT_BAD_SYSCALL);
	assert_non_null(strstr(err, "before\n"));
	assert_non_null(strstr(
		err,
		"the vcpu thread made a forbidden system call: socket (41)"));
	m = SANDBOX_LOG;
	assert_int_equal(in_child(enter_and_forbid, &m, err, sizeof(err)), 0);
	m = SANDBOX_OFF;
	assert_int_equal(in_child(enter_and_forbid, &m, err, sizeof(err)), 0);
}

static int forbidden_ioctl(void *arg)
{
	struct pv_error e;

	(void)arg;
	if (sandbox_init(SANDBOX_ON, NULL, &e) ||
	    sandbox_enter(SANDBOX_VCPU, &e))
		return 3;
	ioctl(-1, KVM_RUN, 0); /* EBADF, allowed */
	ioctl(-1, KVM_CREATE_VM, 0);
	return 0;
}

static void test_kernel_ioctl_named(void **state)
{
	char err[4096], want[128];

	assert_int_equal(in_child(forbidden_ioctl, NULL, err, sizeof(err)),
			 SANDBOX_EXIT_BAD_SYSCALL);
	snprintf(want, sizeof(want), "ioctl (%d) request %#x", SYS_ioctl,
		 (unsigned int)KVM_CREATE_VM);
	if (!strstr(err, want))
		fail_msg("no '%s' in: %s", want, err);
}

static void *vcpu_like(void *arg)
{
	struct pv_error e;

	if (sandbox_enter(SANDBOX_VCPU, &e))
		return (void *)1;
	ioctl(-1, KVM_RUN, 0);
	return NULL;
}

/* The main thread's filter lets the threads it starts add theirs. */
static int main_then_thread(void *arg)
{
	struct pv_error e;
	pthread_t t;
	void *ret = (void *)2;

	(void)arg;
	if (sandbox_init(SANDBOX_ON, NULL, &e) ||
	    sandbox_enter(SANDBOX_MAIN, &e))
		return 3;
	if (pthread_create(&t, NULL, vcpu_like, NULL) || pthread_join(t, &ret))
		return 4;
	return ret ? 5 : 0;
}

static void test_kernel_threads_stack(void **state)
{
	char err[4096];

	assert_int_equal(in_child(main_then_thread, NULL, err, sizeof(err)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_rule_allows),
		cmocka_unit_test(test_forbidden_everywhere),
		cmocka_unit_test(test_vcpu_ioctls),
		cmocka_unit_test(test_main_cannot_open_devices),
		cmocka_unit_test(test_main_holds_what_it_starts),
		cmocka_unit_test(test_long_lists),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_parse_mode),
		cmocka_unit_test(test_kernel_trap),
		cmocka_unit_test(test_kernel_ioctl_named),
		cmocka_unit_test(test_kernel_threads_stack),
	};

	if (!sandbox_table) {
		printf("no seccomp table for this architecture: skipped\n");
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
