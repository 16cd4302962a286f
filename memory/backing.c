// SPDX-License-Identifier: GPL-2.0
/* Guest RAM backing: memfd_create(2), optionally MFD_HUGETLB. */
#include "memory/backing.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MFD_HUGETLB
#define MFD_HUGETLB 0x0004U
#endif
#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC 0x0001U
#endif

#define HUGE_2M (2ull << 20)

int ram_backing_create(struct ram_backing *b, uint64_t size, bool hugetlb,
		       struct pv_error *err)
{
	unsigned int flags = MFD_CLOEXEC | (hugetlb ? MFD_HUGETLB : 0);
	int e;

	memset(b, 0, sizeof(*b));
	b->fd = -1;
	b->page_size = hugetlb ? HUGE_2M : (uint64_t)sysconf(_SC_PAGESIZE);
	if (!size || size % b->page_size)
		return pv_seterr(
			err, EINVAL,
			"guest RAM size %llu is not a multiple of the %llu-byte page size",
			(unsigned long long)size,
			(unsigned long long)b->page_size);
	b->fd = memfd_create("passvm-ram", flags);
	if (b->fd < 0) {
		e = errno;
		return pv_seterr(err, e,
				 "memfd_create for guest RAM failed: %s%s",
				 strerror(e),
				 hugetlb ? " (is hugetlbfs available?)" : "");
	}
	if (ftruncate(b->fd, (off_t)size) < 0) {
		e = errno;
		ram_backing_destroy(b);
		return pv_seterr(err, e,
				 "cannot size guest RAM to %llu MiB: %s",
				 (unsigned long long)(size >> 20), strerror(e));
	}
	/*
	 * hugetlbfs pages are reserved at mmap time (no MAP_NORESERVE): a
	 * shortage is an error now, not a SIGBUS when the guest touches them.
	 */
	b->hva = mmap(NULL, size, PROT_READ | PROT_WRITE,
		      MAP_SHARED | (hugetlb ? 0 : MAP_NORESERVE), b->fd, 0);
	if (b->hva == MAP_FAILED) {
		e = errno;
		b->hva = NULL;
		ram_backing_destroy(b);
		if (hugetlb)
			return pv_seterr(
				err, e,
				"cannot reserve %llu free 2 MiB hugepages for guest RAM (%s): raise /proc/sys/vm/nr_hugepages or drop --hugepages",
				(unsigned long long)(size / HUGE_2M),
				strerror(e));
		return pv_seterr(
			err, e,
			"cannot map %llu MiB of guest RAM: %s: give less --mem",
			(unsigned long long)(size >> 20), strerror(e));
	}
	b->size = size;
	/* Transparent huge pages cut TLB misses and VFIO pinning cost. */
	if (!hugetlb)
		madvise(b->hva, size, MADV_HUGEPAGE);
	return 0;
}

void ram_backing_destroy(struct ram_backing *b)
{
	if (b->hva)
		munmap(b->hva, b->size);
	if (b->fd >= 0)
		close(b->fd);
	b->hva = NULL;
	b->fd = -1;
	b->size = 0;
}
