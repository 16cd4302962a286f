/* SPDX-License-Identifier: GPL-2.0 */
/* Rule constructors for the lists of sandbox/table.c and table_<arch>.h. */
#ifndef PASSVM_SANDBOX_TABLE_H
#define PASSVM_SANDBOX_TABLE_H

#include <asm/unistd.h>
#include <linux/seccomp.h>

#include "sandbox/policy.h"

#define SB_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Any arguments. */
#define SB_ALLOW(n)                             \
	{                                       \
		.nr = __NR_##n, .check = SB_ANY \
	}
/* args[a] one of the uint32_t array @list. */
#define SB_ALLOW_IN(n, a, list)                                             \
	{                                                                   \
		.nr = __NR_##n, .check = SB_IN, .arg = (a), .vals = (list), \
		.nr_vals = SB_NELEM(list)                                   \
	}
/* No bit of @m set in args[a]. */
#define SB_ALLOW_CLEAR(n, a, m)                                            \
	{                                                                  \
		.nr = __NR_##n, .check = SB_CLEAR, .arg = (a), .mask = (m) \
	}
/* Every bit of @m set in args[a]. */
#define SB_ALLOW_SET(n, a, m)                                            \
	{                                                                \
		.nr = __NR_##n, .check = SB_SET, .arg = (a), .mask = (m) \
	}
/* args[a] is passvm's own pid. */
#define SB_ALLOW_SELF(n, a)                                      \
	{                                                        \
		.nr = __NR_##n, .check = SB_SELF_PID, .arg = (a) \
	}
/* Fails with errno @e instead of running (clone3: ENOSYS, so the C
 * library falls back to clone, whose flags a filter can read). */
#define SB_ERRNO(n, e)                                      \
	{                                                   \
		.nr = __NR_##n, .check = SB_ANY, .err = (e) \
	}

#define SB_LIST(r)               \
	{                        \
		(r), SB_NELEM(r) \
	}

#endif
