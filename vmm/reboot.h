/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The --reboot guard: a guest that resets more than REBOOT_BURST times
 * within REBOOT_WINDOW_S seconds is in a reset loop (a kernel that panics
 * at boot with panic=N, a broken initrd) and passvm stops it instead of
 * restarting it forever.
 */
#ifndef PASSVM_VMM_REBOOT_H
#define PASSVM_VMM_REBOOT_H

#include <stdbool.h>
#include <stdint.h>

#define REBOOT_BURST 5
#define REBOOT_WINDOW_S 10

struct reboot_limit {
	uint64_t at_ns[REBOOT_BURST]; /* the last resets allowed, a ring */
	unsigned int n; /* resets allowed so far */
};

/*
 * reboot_allowed() - a reset happened at @now_ns (monotonic, nanoseconds):
 * may the guest restart? False when it is the (REBOOT_BURST + 1)th within
 * REBOOT_WINDOW_S seconds. A zeroed struct is a fresh guard.
 */
bool reboot_allowed(struct reboot_limit *l, uint64_t now_ns);

#endif
