// SPDX-License-Identifier: GPL-2.0
/* Where arm64's RAM goes (arch/arm64/layout.h). */
#include "arch/arm64/layout.h"

_Static_assert(ARM64_MAX_CPUS >= 1, "no room for a redistributor");
_Static_assert(ARM64_MMIO32_BASE + ARM64_MMIO32_SIZE <= ARM64_PIO_CPU_BASE,
	       "MMIO32 window runs into the I/O window");
_Static_assert(ARM64_PIO_CPU_BASE + ARM64_PIO_SIZE <= ARM64_ECAM_BASE,
	       "I/O window runs into the ECAM");
_Static_assert(ARM64_ECAM_BASE + ARM64_ECAM_SIZE <= ARM64_RAM_BASE,
	       "ECAM runs into RAM");

const struct layout_rules arm64_layout_rules = {
	.ram = { { ARM64_RAM_BASE, 0 } },
	.nr_ram = 1,
	/* The kernel Image is loaded at the start of RAM. */
	.boot_base = ARM64_RAM_BASE,
	.boot_size = ARM64_KERNEL_ALIGN,
	.boot_what = "the guest kernel",
};
