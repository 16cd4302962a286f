// SPDX-License-Identifier: GPL-2.0
/* The --reboot guard; the contract is vmm/reboot.h. */
#include "vmm/reboot.h"

#define NS_PER_S 1000000000ull

bool reboot_allowed(struct reboot_limit *l, uint64_t now_ns)
{
	/* The oldest of the last REBOOT_BURST allowed resets. */
	uint64_t *oldest = &l->at_ns[l->n % REBOOT_BURST];

	if (l->n >= REBOOT_BURST &&
	    now_ns - *oldest < REBOOT_WINDOW_S * NS_PER_S)
		return false;
	*oldest = now_ns;
	l->n++;
	return true;
}
