// SPDX-License-Identifier: GPL-2.0
/*
 * From rule lists to a classic BPF seccomp filter
 * (Documentation/userspace-api/seccomp_filter.rst, linux/seccomp.h,
 * linux/filter.h). The program:
 *
 *	ld arch; jeq AUDIT_ARCH -> on, else ret KILL_PROCESS
 *	ld nr;  nr >= nr_limit (x32) -> ret deny
 *	per rule: jeq nr -> its block (ret action, or an argument check that
 *	          returns the action or reloads nr and falls through)
 *	ret deny
 *
 * Every jump is forward and short (a rule's block is at most
 * IN_CHUNK + 4 instructions: longer value lists are split into several
 * rules), so no offset exceeds the 8-bit jt/jf. The kernel's per-syscall
 * action cache (kernel/seccomp.c, seccomp_cache_prepare) sees that a
 * call with an SB_ANY rule never depends on its arguments, so those cost
 * nothing after the first time; ioctl (checked by request) comes first in
 * every list.
 */
#include <errno.h>
#include <linux/seccomp.h>
#include <stddef.h>

#include "sandbox/policy.h"

/* Values compared in one block: jt offsets stay below 256. */
#define IN_CHUNK 200

#define OFF_NR offsetof(struct seccomp_data, nr)
#define OFF_ARCH offsetof(struct seccomp_data, arch)
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define OFF_ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i))
#else
#define OFF_ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i) + 4)
#endif

struct prog {
	struct sock_filter *out;
	unsigned int n, max;
	bool full;
};

static void emit(struct prog *p, uint16_t code, uint32_t k, uint8_t jt,
		 uint8_t jf)
{
	if (p->n >= p->max) {
		p->full = true;
		return;
	}
	p->out[p->n++] = (struct sock_filter){ code, jt, jf, k };
}

static void ld(struct prog *p, uint32_t off)
{
	emit(p, BPF_LD | BPF_W | BPF_ABS, off, 0, 0);
}

static void ret(struct prog *p, uint32_t action)
{
	emit(p, BPF_RET | BPF_K, action, 0, 0);
}

/* ld args[arg]; jeq v0..vn-1 -> ret; ld nr; ja +1; ret action */
static void rule_in(struct prog *p, const struct sandbox_rule *r,
		    const uint32_t *vals, unsigned int n)
{
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)r->nr, 0,
	     (uint8_t)(n + 4));
	ld(p, OFF_ARG_LO(r->arg));
	for (unsigned int i = 0; i < n; i++)
		emit(p, BPF_JMP | BPF_JEQ | BPF_K, vals[i],
		     (uint8_t)(n - 1 - i + 2), 0);
	ld(p, OFF_NR);
	emit(p, BPF_JMP | BPF_JA, 1, 0, 0);
	ret(p, sandbox_rule_action(r));
}

static void rule(struct prog *p, const struct sandbox_rule *r, uint32_t pid)
{
	switch (r->check) {
	case SB_ANY:
		emit(p, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)r->nr, 0, 1);
		ret(p, sandbox_rule_action(r));
		break;
	case SB_IN:
		for (unsigned int i = 0; i < r->nr_vals; i += IN_CHUNK)
			rule_in(p, r, r->vals + i,
				r->nr_vals - i < IN_CHUNK ? r->nr_vals - i :
							    IN_CHUNK);
		break;
	case SB_SELF_PID:
		rule_in(p, r, &pid, 1);
		break;
	case SB_CLEAR:
		/* jset mask -> ld nr (refused); else ret */
		emit(p, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)r->nr, 0, 4);
		ld(p, OFF_ARG_LO(r->arg));
		emit(p, BPF_JMP | BPF_JSET | BPF_K, r->mask, 1, 0);
		ret(p, sandbox_rule_action(r));
		ld(p, OFF_NR);
		break;
	case SB_SET:
		emit(p, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)r->nr, 0, 5);
		ld(p, OFF_ARG_LO(r->arg));
		emit(p, BPF_ALU | BPF_AND | BPF_K, r->mask, 0, 0);
		emit(p, BPF_JMP | BPF_JEQ | BPF_K, r->mask, 0, 1);
		ret(p, sandbox_rule_action(r));
		ld(p, OFF_NR);
		break;
	}
}

int sandbox_bpf_build(const struct sandbox_table *t,
		      const struct sandbox_list *lists, unsigned int nr_lists,
		      uint32_t deny, uint32_t pid, struct sock_filter *out,
		      unsigned int max)
{
	struct prog p = { .out = out, .max = max };

	ld(&p, OFF_ARCH);
	emit(&p, BPF_JMP | BPF_JEQ | BPF_K, t->audit_arch, 1, 0);
	ret(&p, SECCOMP_RET_KILL_PROCESS);
	ld(&p, OFF_NR);
	if (t->nr_limit) {
		emit(&p, BPF_JMP | BPF_JGE | BPF_K, t->nr_limit, 0, 1);
		ret(&p, deny);
	}
	for (unsigned int l = 0; l < nr_lists; l++)
		for (unsigned int i = 0; i < lists[l].n; i++)
			rule(&p, &lists[l].rules[i], pid);
	ret(&p, deny);
	return p.full ? -E2BIG : (int)p.n;
}

unsigned int sandbox_collect(const struct sandbox_table *t,
			     enum sandbox_kind kind, bool effective,
			     struct sandbox_list *out, unsigned int max)
{
	unsigned int n = 0;

	for (unsigned int k = 0; k < SANDBOX_NR; k++) {
		const struct sandbox_policy *pol = &t->policies[k];

		if (k != (unsigned int)kind &&
		    !(effective && (t->policies[kind].starts & (1u << k))))
			continue;
		for (unsigned int l = 0; l < pol->nr_lists; l++) {
			bool seen = false;

			for (unsigned int j = 0; j < n; j++)
				seen |= out[j].rules == pol->lists[l].rules;
			if (!seen && n < max)
				out[n++] = pol->lists[l];
		}
	}
	return n;
}
