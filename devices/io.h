/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a device model offers to the VMM's PIO and MMIO buses (vmm/bus.c),
 * and how it asks the VMM to stop the VM. Device models never include vmm/
 * headers: the VMM wires them in.
 */
#ifndef PASSVM_DEVICES_IO_H
#define PASSVM_DEVICES_IO_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/*
 * Access handlers for one registered range. @offset is in bytes from the
 * range's base (port or GPA); @len is 1, 2, 4 or 8; @data is little-endian.
 * A read must fill all @len bytes (0xff for "nothing there").
 * Handlers run on vCPU threads, possibly concurrently: they lock.
 */
struct io_ops {
	void (*read)(void *opaque, uint64_t offset, uint8_t *data,
		     uint32_t len);
	void (*write)(void *opaque, uint64_t offset, const uint8_t *data,
		      uint32_t len);
};

/*
 * io_read_start() - the first step of every read handler: true for an
 * access of 1..8 bytes, with @data set to all ones (what a read of nothing
 * returns); false, and @data untouched, for any other @len, so that no
 * handler ever writes past its caller's buffer.
 */
static inline bool io_read_start(uint8_t *data, uint32_t len)
{
	if (!len || len > 8)
		return false;
	memset(data, 0xff, len);
	return true;
}

/* Why the guest asked to stop, and the exit status passvm returns. */
enum vm_stop_reason {
	VM_STOP_POWEROFF, /* ACPI S5: exit 0 */
	VM_STOP_RESET, /* reset register / i8042: exit VM_EXIT_RESET */
	VM_STOP_VERDICT, /* devices/verdict.h: code is the value V */
	VM_STOP_CRASH, /* triple fault, KVM internal error */
	VM_STOP_VMM_ERROR, /* passvm itself failed */
	VM_STOP_SIGNAL, /* SIGINT/SIGTERM/Ctrl-a x: exit 128 + code */
	VM_STOP_TIMEOUT, /* --timeout and its grace period ran out */
};

/* passvm's exit statuses (documented in README and --help). */
#define VM_EXIT_POWEROFF 0
#define VM_EXIT_VMM_ERROR 1
#define VM_EXIT_USAGE 2
#define VM_EXIT_RESET 3
#define VM_EXIT_CRASH 4
#define VM_EXIT_TIMEOUT 5
#define VM_EXIT_VERDICT_BASE 64 /* + V, for a verdict V of 0..63 */
#define VM_EXIT_VERDICT_MAX 63 /* a larger V is reported as this */

/*
 * A device asks the VMM to stop the VM: @code is the verdict for
 * VM_STOP_VERDICT, the signal for VM_STOP_SIGNAL, ignored otherwise. May be called from any thread;
 * the first request wins.
 */
struct vm_stop_sink {
	void (*request_stop)(void *opaque, enum vm_stop_reason why, int code);
	void *opaque;
};

static inline void vm_request_stop(const struct vm_stop_sink *s,
				   enum vm_stop_reason why, int code)
{
	if (s && s->request_stop)
		s->request_stop(s->opaque, why, code);
}

/*
 * An interrupt line as a device model sees it: set_level(opaque, 1) asserts,
 * (opaque, 0) deasserts. Wired by the VMM to a KVM GSI (devices/irq.h), or
 * to a recorder in unit tests.
 */
struct irq_line {
	void (*set_level)(void *opaque, uint32_t gsi, int level);
	void *opaque;
	uint32_t gsi;
};

static inline void irq_line_set(const struct irq_line *l, int level)
{
	if (l && l->set_level)
		l->set_level(l->opaque, l->gsi, level);
}

#endif
