/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mappings placed so the kernel can back them with large pages: a PMD (2
 * MiB) or PUD (1 GiB) entry maps a virtual range only when the virtual
 * address and what it maps (a file offset, a physical address) agree
 * modulo that size. mmap(2) gives no such promise for a NULL hint, so the
 * helper reserves a larger PROT_NONE range, maps MAP_FIXED inside it at
 * the right phase and returns the slack. Used for guest RAM (transparent
 * huge pages, whose shmem offsets are 0 mod 2 MiB) and for BAR mmaps of
 * VFIO device fds (the kernel's huge pfnmap, 6.12+:
 * vfio_pci_mmap_huge_fault()). Sources: mmap(2), Documentation/
 * admin-guide/mm/transhuge.rst.
 */
#ifndef PASSVM_UTIL_MMAP_ALIGN_H
#define PASSVM_UTIL_MMAP_ALIGN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/types.h>

#define MMAP_ALIGN_2M (2ull << 20)
#define MMAP_ALIGN_1G (1ull << 30)

/*
 * host_page_size() - the host's base page size in bytes (4 KiB on x86; 4,
 * 16 or 64 KiB on arm64): the kernel's AT_PAGESZ (getauxval(3)), which
 * sysconf(_SC_PAGESIZE) returns too, without bringing musl's sysconf and
 * its table into the release binary (issue #8).
 */
static inline long host_page_size(void)
{
	return (long)getauxval(AT_PAGESZ);
}

/*
 * mmap_align_for() - the largest of 1 GiB and 2 MiB that @len bytes can
 * use (len >= that size), else 0 (a plain mapping will do).
 */
uint64_t mmap_align_for(uint64_t len);

/*
 * mmap_aligned() - mmap(2) @len bytes of @fd at @off (@fd -1 with
 * MAP_ANONYMOUS in @flags) with @prot and @flags, at an address whose
 * value modulo @align equals @phase modulo @align (@align a power of two;
 * 0 or 1: no constraint, a plain mmap). MAP_FIXED is added inside the
 * reserved range; @flags must not hold it. Returns the address or
 * MAP_FAILED with errno set; the mapping is unmapped with munmap(addr,
 * len) like any other.
 */
void *mmap_aligned(size_t len, uint64_t align, uint64_t phase, int prot,
		   int flags, int fd, off_t off);

#endif
