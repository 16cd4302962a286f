/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What `passvm run` tells a user before the guest starts: the warnings for
 * settings that boot into a blank screen or an out-of-memory guest, and the
 * one-line banner on a terminal. Each check is a pure function of its
 * inputs (file paths are parameters) so the unit tests can drive it.
 */
#ifndef PASSVM_VMM_PREFLIGHT_H
#define PASSVM_VMM_PREFLIGHT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/cli.h"

/* Below this, Debian's cloud kernel does not boot (README "Usage"). */
#define PREFLIGHT_DISTRO_MIN_MEM (128ull << 20)

/*
 * cmdline_has_serial_console() - does kernel command line @cmdline send
 * the console to COM1 (console=ttyS0[,opts], or console=uart[8250],io,
 * 0x3f8[,opts])? Words after " -- " go to init and do not count
 * (Documentation/admin-guide/kernel-parameters.rst).
 */
bool cmdline_has_serial_console(const char *cmdline);

/*
 * host_mem_total() - MemTotal of @meminfo (/proc/meminfo in use; proc(5))
 * in bytes, or 0 when it cannot be read.
 */
uint64_t host_mem_total(const char *meminfo);

/*
 * preflight_warnings() - the warnings for @o, each a line of @out
 * ("passvm: warning: ..."; at most @len bytes in all, NUL-terminated):
 * --cmdline without the serial console, --mem above the host's MemTotal
 * (from @meminfo), --mem below what a distro kernel needs. Returns how
 * many.
 */
unsigned int preflight_warnings(const struct vm_config *o, const char *meminfo,
				char *out, size_t len);

/*
 * preflight_banner() - the line shown on a terminal as the guest boots:
 * kernel, RAM, vCPUs, assigned devices, and the console keys. Into @out
 * (@len bytes), no trailing newline.
 */
void preflight_banner(const struct vm_config *o, char *out, size_t len);

#endif
