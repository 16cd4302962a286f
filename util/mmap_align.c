// SPDX-License-Identifier: GPL-2.0
/* Aligned mappings; the contract is util/mmap_align.h. */
#include "util/mmap_align.h"

#include <errno.h>
#include <sys/mman.h>

uint64_t mmap_align_for(uint64_t len)
{
	if (len >= MMAP_ALIGN_1G)
		return MMAP_ALIGN_1G;
	if (len >= MMAP_ALIGN_2M)
		return MMAP_ALIGN_2M;
	return 0;
}

void *mmap_aligned(size_t len, uint64_t align, uint64_t phase, int prot,
		   int flags, int fd, off_t off)
{
	uintptr_t base, at, end;
	size_t span;
	void *res, *p;
	int e;

	if (align <= 1 || (align & (align - 1)))
		return mmap(NULL, len, prot, flags, fd, off);
	if (len > SIZE_MAX - align) {
		errno = ENOMEM;
		return MAP_FAILED;
	}
	span = len + (size_t)align;
	res = mmap(NULL, span, PROT_NONE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (res == MAP_FAILED)
		return MAP_FAILED;
	base = (uintptr_t)res;
	/* The first address >= base congruent to @phase modulo @align. */
	at = (base & ~(uintptr_t)(align - 1)) |
	     (uintptr_t)(phase & (align - 1));
	if (at < base)
		at += (uintptr_t)align;
	p = mmap((void *)at, len, prot, flags | MAP_FIXED, fd, off);
	if (p == MAP_FAILED) {
		e = errno;
		munmap(res, span);
		errno = e;
		return MAP_FAILED;
	}
	end = at + len;
	if (at > base)
		munmap(res, at - base);
	if (base + span > end)
		munmap((void *)end, base + span - end);
	return p;
}
