/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PIO and MMIO buses: dispatch of KVM_EXIT_IO / KVM_EXIT_MMIO to device
 * models by address range. Ranges are registered at VM build time; each
 * counts the exits it served (for --stats).
 */
#ifndef PASSVM_VMM_BUS_H
#define PASSVM_VMM_BUS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/io.h"
#include "util/log.h"

#define BUS_MAX_RANGES 32

struct bus_range {
	uint64_t base, len; /* port or GPA, bytes */
	const char *name;
	const struct io_ops *ops;
	void *opaque;
	uint64_t exits; /* accesses dispatched (atomic) */
};

struct bus {
	const char *name; /* "pio" or "mmio" */
	pthread_rwlock_t lock;
	struct bus_range ranges[BUS_MAX_RANGES]; /* sorted by base */
	unsigned int nr;
	uint64_t unhandled; /* accesses nothing claimed (atomic) */
};

void bus_init(struct bus *b, const char *name);

/*
 * bus_register() - claim [base, base + len) for @ops/@opaque (not owned).
 * Errors: -EINVAL (empty or overlapping range), -ENOSPC (table full).
 */
int bus_register(struct bus *b, uint64_t base, uint64_t len, const char *name,
		 const struct io_ops *ops, void *opaque, struct pv_error *err);

/*
 * bus_access() - dispatch one guest access of @len bytes at @addr. Reads of
 * unclaimed addresses return all-ones and writes are dropped (as on real
 * hardware); returns false in that case. A @len of 0 or more than 8 is
 * refused (false) without touching @data.
 */
bool bus_access(struct bus *b, uint64_t addr, uint8_t *data, uint32_t len,
		bool is_write);

#endif
