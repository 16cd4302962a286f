// SPDX-License-Identifier: GPL-2.0
/*
 * What an x86 guest has (arch/arch.h struct arch_guest), from
 * arch/x86/layout.h: the verdict page and port (devices/verdict.h), the
 * ACPI power button (devices/acpi_pm.c) that --timeout presses.
 */
#include "arch/arch.h"
#include "arch/x86/layout.h"

const struct arch_guest arch_guest_x86_64 = {
	.name = "x86_64",
	.kernel = "bzImage",
	.console = "COM1",
	.verdict_mmio = LAYOUT_VERDICT_BASE,
	.verdict_port = LAYOUT_PIO_DEBUG_EXIT,
	.power_button = true,
	.help_port =
		"port (a\n"
		"                     byte to I/O port 0x%x, /dev/port), or all\n",
	.help_timeout =
		"  --timeout DURATION after DURATION (90s, 10m, 1h) press the guest's\n"
		"                     ACPI power button, and stop it after the grace\n"
		"                     period: exit status 5\n"
		"  --timeout-grace DURATION\n"
		"                     how long it may take to power off (default 10s)\n",
};
