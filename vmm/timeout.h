/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --timeout: after DURATION the guest is asked to power off (the ACPI
 * power button), and stopped when it has not within the grace period
 * (--timeout-grace); a guest with no power button (arm64) is stopped at
 * DURATION (timeout_grace()). A pure state machine over a monotonic clock in
 * nanoseconds; vm_run() drives it and acts on what it says.
 *
 *   ARMED --(start + after)--> ASKED --(asked + grace)--> EXPIRED
 *                 (grace 0: ARMED --(start + after)--> EXPIRED)
 */
#ifndef PASSVM_VMM_TIMEOUT_H
#define PASSVM_VMM_TIMEOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/arch.h"

#define TIMEOUT_NEVER UINT64_MAX

enum timeout_state {
	TIMEOUT_OFF, /* no --timeout */
	TIMEOUT_ARMED, /* running, the deadline ahead */
	TIMEOUT_ASKED, /* power button pressed, grace period running */
	TIMEOUT_EXPIRED, /* the VM must stop now */
};

enum timeout_action {
	TIMEOUT_NONE,
	TIMEOUT_ASK, /* press the power button */
	TIMEOUT_STOP, /* stop the VM (VM_STOP_TIMEOUT) */
};

struct run_timeout {
	enum timeout_state state;
	uint64_t after_ns, grace_ns; /* --timeout, --timeout-grace */
	uint64_t start_ns, asked_ns; /* clock values */
};

/*
 * timeout_start() - arm at @now_ns for @after_ns (0: never, state OFF)
 * with a grace period of @grace_ns (0: stop at once, no power button).
 */
void timeout_start(struct run_timeout *t, uint64_t after_ns, uint64_t grace_ns,
		   uint64_t now_ns);

/*
 * timeout_poll() - the clock says @now_ns: what to do now (each action is
 * returned once), and in *@next_ns the clock value at which to poll again
 * (TIMEOUT_NEVER when nothing more will happen).
 */
enum timeout_action timeout_poll(struct run_timeout *t, uint64_t now_ns,
				 uint64_t *next_ns);

/*
 * timeout_grace() - the grace period (ns) --timeout-grace @grace_ns gives
 * on a guest of architecture @g: @grace_ns where the guest has a power
 * button to press (x86's ACPI button), 0 where it has none (arm64), so
 * that --timeout stops the guest at the deadline (exit status 5).
 */
uint64_t timeout_grace(const struct arch_guest *g, uint64_t grace_ns);

/* timeout_fired() - the deadline passed (ASKED or EXPIRED). */
bool timeout_fired(const struct run_timeout *t);

#endif
