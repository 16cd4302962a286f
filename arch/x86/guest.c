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
};
