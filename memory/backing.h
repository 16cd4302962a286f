/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host memory that backs guest RAM: an anonymous memfd (so the same pages
 * could be shared with another process) mapped MAP_SHARED, optionally on
 * hugetlbfs pages (memfd_create(2) MFD_HUGETLB).
 */
#ifndef PASSVM_MEMORY_BACKING_H
#define PASSVM_MEMORY_BACKING_H

#include <stdbool.h>
#include <stdint.h>

#include "util/log.h"

struct ram_backing {
	int fd; /* memfd, owned */
	void *hva; /* mapping of the whole fd, owned */
	uint64_t size; /* bytes */
	uint64_t page_size; /* bytes: 4 KiB or the huge page size */
};

/*
 * ram_backing_create() - a memfd of @size bytes, mapped read/write.
 * @hugetlb: back with 2 MiB huge pages; @size must then be a multiple of
 * 2 MiB and enough free hugepages must exist (else -ENOMEM with advice).
 * Errors: negative errno with a message in @err.
 */
int ram_backing_create(struct ram_backing *b, uint64_t size, bool hugetlb,
		       struct pv_error *err);

/* ram_backing_destroy() - unmap and close; safe on a zeroed struct. */
void ram_backing_destroy(struct ram_backing *b);

#endif
