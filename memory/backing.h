/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host memory that backs guest RAM, with huge pages wherever the host
 * offers them, so pinning, IOMMU and EPT mappings work in 2 MiB units:
 *
 *   --hugepages        a memfd on hugetlbfs (memfd_create(2) MFD_HUGETLB)
 *   shmem THP allowed  a memfd, MADV_HUGEPAGE (shmem_enabled always,
 *                      within_size, advise or force)
 *   else anon THP      anonymous private memory, MADV_HUGEPAGE (enabled
 *                      always or madvise), MADV_DONTFORK (pinned pages
 *                      must never be copied on write); no fd
 *   else               a memfd of 4 KiB pages
 *
 * Mappings are 2 MiB aligned (util/mmap_align.h) so the huge pages can be
 * mapped by PMDs. Sources: Documentation/admin-guide/mm/transhuge.rst
 * (enabled, shmem_enabled), madvise(2) (MADV_HUGEPAGE, MADV_DONTFORK,
 * MADV_POPULATE_WRITE).
 */
#ifndef PASSVM_MEMORY_BACKING_H
#define PASSVM_MEMORY_BACKING_H

#include <stdbool.h>
#include <stdint.h>

#include "util/log.h"

enum ram_kind {
	RAM_HUGETLB, /* hugetlbfs memfd, 2 MiB pages */
	RAM_SHMEM_THP, /* memfd, shmem transparent huge pages */
	RAM_ANON_THP, /* anonymous, transparent huge pages */
	RAM_SHMEM_4K, /* memfd, 4 KiB pages */
};

struct ram_backing {
	int fd; /* memfd, owned; -1 for RAM_ANON_THP */
	void *hva; /* mapping of the whole of it, owned */
	uint64_t size; /* bytes */
	uint64_t page_size; /* bytes: 4 KiB or the huge page size */
	enum ram_kind kind;
	uint64_t prefault_ns; /* time ram_backing_prefault() took */
};

/*
 * ram_kind_choose() - what ram_backing_create() uses without --hugepages,
 * given the selected words of /sys/kernel/mm/transparent_hugepage/
 * shmem_enabled (@shmem) and enabled (@anon), "" when unreadable. Pure.
 */
enum ram_kind ram_kind_choose(const char *shmem, const char *anon);

/* ram_kind_name() - "hugetlbfs 2 MiB pages", "shmem THP", ... */
const char *ram_kind_name(enum ram_kind kind);

/*
 * ram_backing_create() - @size bytes of guest RAM, mapped read/write, of
 * the kind above (@hugetlb: --hugepages; @size must then be a multiple of
 * 2 MiB and enough free hugepages must exist, else -ENOMEM with advice).
 * @thp_sysfs is the transparent_hugepage directory ("/sys/kernel/mm/
 * transparent_hugepage" in use). Errors: negative errno with a message in
 * @err.
 */
int ram_backing_create(struct ram_backing *b, uint64_t size, bool hugetlb,
		       const char *thp_sysfs, struct pv_error *err);

/*
 * ram_backing_prefault() - fault every page in now, writable
 * (MADV_POPULATE_WRITE, Linux 5.14+), in @nthreads threads each taking
 * its share of 2 MiB-aligned chunks, so that what pins it next (VFIO)
 * finds the pages present and the zeroing runs on every CPU. No per-page
 * work in passvm. Returns 0, or a negative errno (-EINVAL: the kernel has
 * no MADV_POPULATE_WRITE; -ENOMEM) with nothing undone: the pages are
 * then faulted by whoever touches them first.
 */
int ram_backing_prefault(struct ram_backing *b, unsigned int nthreads);

/*
 * ram_backing_resident() - bytes of guest RAM resident now (mincore(2)),
 * whatever the backing; a negative errno when it cannot be told.
 */
int64_t ram_backing_resident(const struct ram_backing *b);

/* ram_backing_destroy() - unmap and close; safe on a zeroed struct. */
void ram_backing_destroy(struct ram_backing *b);

#endif
