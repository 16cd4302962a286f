// SPDX-License-Identifier: GPL-2.0
/* The --timeout state machine; the contract is vmm/timeout.h. */
#include "vmm/timeout.h"

void timeout_start(struct run_timeout *t, uint64_t after_ns, uint64_t grace_ns,
		   uint64_t now_ns)
{
	t->state = after_ns ? TIMEOUT_ARMED : TIMEOUT_OFF;
	t->after_ns = after_ns;
	t->grace_ns = grace_ns;
	t->start_ns = now_ns;
	t->asked_ns = 0;
}

enum timeout_action timeout_poll(struct run_timeout *t, uint64_t now_ns,
				 uint64_t *next_ns)
{
	enum timeout_action act = TIMEOUT_NONE;

	if (t->state == TIMEOUT_ARMED && now_ns - t->start_ns >= t->after_ns) {
		t->asked_ns = now_ns;
		if (t->grace_ns) {
			t->state = TIMEOUT_ASKED;
			act = TIMEOUT_ASK;
		} else {
			t->state = TIMEOUT_EXPIRED;
			act = TIMEOUT_STOP;
		}
	} else if (t->state == TIMEOUT_ASKED &&
		   now_ns - t->asked_ns >= t->grace_ns) {
		t->state = TIMEOUT_EXPIRED;
		act = TIMEOUT_STOP;
	}
	switch (t->state) {
	case TIMEOUT_ARMED:
		*next_ns = t->start_ns + t->after_ns;
		break;
	case TIMEOUT_ASKED:
		*next_ns = t->asked_ns + t->grace_ns;
		break;
	default:
		*next_ns = TIMEOUT_NEVER;
	}
	return act;
}

uint64_t timeout_grace(const struct arch_guest *g, uint64_t grace_ns)
{
	return g->power_button ? grace_ns : 0;
}

bool timeout_fired(const struct run_timeout *t)
{
	return t->state == TIMEOUT_ASKED || t->state == TIMEOUT_EXPIRED;
}
