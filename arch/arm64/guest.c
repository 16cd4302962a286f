// SPDX-License-Identifier: GPL-2.0
/*
 * What an arm64 guest has (arch/arch.h struct arch_guest), from
 * arch/arm64/layout.h: the verdict page (/verdict@9010000 in the device
 * tree); no I/O ports, so no verdict port; no power button (no ACPI, and
 * no GPIO key in the device tree: Debian's arm64 cloud kernel has no
 * gpio-keys driver and a busybox init would not act on KEY_POWER), so
 * --timeout stops the guest at once.
 */
#include "arch/arch.h"
#include "arch/arm64/layout.h"

const struct arch_guest arch_guest_arm64 = {
	.name = "arm64",
	.kernel = "Image",
	.console = "an ns16550a",
	.verdict_mmio = ARM64_VERDICT_BASE,
	.verdict_port = -1,
	.power_button = false,
	.help_port =
		"or all\n"
		"                     (both: %s has no I/O ports, so no port\n"
		"                     channel; use mmio or serial)\n",
	.help_timeout =
		"  --timeout DURATION after DURATION (90s, 10m, 1h) stop the guest at\n"
		"                     once: exit status 5 (%s has no power button,\n"
		"                     so the guest gets no chance to shut down)\n"
		"  --timeout-grace DURATION\n"
		"                     accepted, no effect on %s (x86: how long the\n"
		"                     guest may take to power off)\n",
};
