/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the sandbox room: a policy is a set of rule lists; a rule allows
 * one system call, with any arguments or with one argument checked. The
 * table (sandbox/table.c, with sandbox/table_<arch>.h) defines the lists;
 * bpf.c turns a policy into classic BPF for seccomp(2)
 * (Documentation/userspace-api/seccomp_filter.rst).
 */
#ifndef PASSVM_SANDBOX_POLICY_H
#define PASSVM_SANDBOX_POLICY_H

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdint.h>

#include "sandbox/sandbox.h"

enum sandbox_check {
	SB_ANY, /* any arguments */
	SB_IN, /* args[arg] is one of vals[] (ioctl requests, domains) */
	SB_CLEAR, /* args[arg] & mask == 0 (e.g. no PROT_EXEC) */
	SB_SET, /* args[arg] & mask == mask (e.g. CLONE_THREAD) */
	SB_SELF_PID, /* args[arg] == getpid() at install time (tgkill) */
};

/*
 * One allowed system call. The argument checks read the low 32 bits of
 * the argument: every argument checked here is an int or unsigned int to
 * the kernel (an ioctl request, a protection, a domain, a pid), or, for
 * clone's flags, an unsigned long of which the kernel uses the low 32
 * bits (kernel/fork.c).
 */
struct sandbox_rule { /* 16 bytes; its name: sandbox_syscall_name(nr) */
	union {
		const uint32_t *vals; /* SB_IN */
		uint32_t mask; /* SB_CLEAR, SB_SET */
	};
	uint16_t nr; /* __NR_* of this architecture */
	uint16_t nr_vals; /* SB_IN */
	uint8_t check; /* enum sandbox_check */
	uint8_t arg; /* 0..5 */
	uint16_t err; /* 0: allowed; else it fails with this errno */
};

_Static_assert(sizeof(struct sandbox_rule) == 16,
	       "a rule is 16 bytes: the tables are ~180 of them (issue #8)");

/* What a call the rule matches gets: SECCOMP_RET_ALLOW or RET_ERRNO. */
static inline uint32_t sandbox_rule_action(const struct sandbox_rule *r)
{
	return r->err ? SECCOMP_RET_ERRNO | r->err : SECCOMP_RET_ALLOW;
}

struct sandbox_list {
	const struct sandbox_rule *rules;
	unsigned int n;
};

#define SANDBOX_MAX_LISTS 8

/*
 * A thread kind's policy: its rule lists, and the kinds whose lists its
 * filter must include too because it starts those threads after its own
 * filter is on (a bit per enum sandbox_kind).
 */
struct sandbox_policy {
	struct sandbox_list lists[SANDBOX_MAX_LISTS];
	unsigned int nr_lists;
	uint32_t starts;
};

/* The architecture's tables (sandbox/table.c). */
struct sandbox_table {
	uint32_t audit_arch; /* AUDIT_ARCH_* of seccomp_data.arch */
	/* Syscall numbers at or above this are another ABI (x32): denied. */
	uint32_t nr_limit;
	struct sandbox_policy policies[SANDBOX_NR];
};

/* This build's table, or NULL when passvm has none for its architecture. */
extern const struct sandbox_table *const sandbox_table;

/* Largest filter: BPF_MAXINSNS (linux/bpf_common.h). */
#define SANDBOX_MAX_INSNS BPF_MAXINSNS

/*
 * sandbox_collect() - the rule lists of @kind's filter in @t: its own, then
 * (with @effective) those of the kinds it starts, each list once. Returns
 * the number of lists written to @out (at most @max).
 */
unsigned int sandbox_collect(const struct sandbox_table *t,
			     enum sandbox_kind kind, bool effective,
			     struct sandbox_list *out, unsigned int max);

/*
 * sandbox_bpf_build() - the filter for @lists under @t: a wrong
 * architecture kills the process, a number at or above t->nr_limit and any
 * call no rule allows get @deny (SECCOMP_RET_TRAP or SECCOMP_RET_LOG), a
 * rule that matches returns its action. @pid is SB_SELF_PID's value.
 * Writes at most @max instructions to @out. Returns the number of
 * instructions, or -E2BIG.
 */
int sandbox_bpf_build(const struct sandbox_table *t,
		      const struct sandbox_list *lists, unsigned int nr_lists,
		      uint32_t deny, uint32_t pid, struct sock_filter *out,
		      unsigned int max);

/* sandbox_syscall_name() - "read", ... for this architecture, or NULL. */
const char *sandbox_syscall_name(long nr);

#endif
