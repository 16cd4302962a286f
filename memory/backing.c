// SPDX-License-Identifier: GPL-2.0
/* Guest RAM backing; the contract is memory/backing.h. */
#include "memory/backing.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util/mmap_align.h"
#include "util/parse.h"

#ifndef MFD_HUGETLB
#define MFD_HUGETLB 0x0004U
#endif
#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC 0x0001U
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* linux/mman.h, 5.14 */
#endif

#define HUGE_2M MMAP_ALIGN_2M

enum ram_kind ram_kind_choose(const char *shmem, const char *anon)
{
	static const char *const shmem_ok[] = { "always", "within_size",
						"advise", "force" };

	for (size_t i = 0; i < sizeof(shmem_ok) / sizeof(shmem_ok[0]); i++)
		if (!strcmp(shmem, shmem_ok[i]))
			return RAM_SHMEM_THP;
	if (!strcmp(anon, "always") || !strcmp(anon, "madvise"))
		return RAM_ANON_THP;
	return RAM_SHMEM_4K;
}

const char *ram_kind_name(enum ram_kind kind)
{
	switch (kind) {
	case RAM_HUGETLB:
		return "hugetlbfs 2 MiB pages";
	case RAM_SHMEM_THP:
		return "a memfd with shmem transparent huge pages";
	case RAM_ANON_THP:
		return "anonymous memory with transparent huge pages";
	default:
		return "a memfd of 4 KiB pages";
	}
}

/* The selected word of @dir/@name, "" when unreadable. */
static void thp_mode(const char *dir, const char *name, char *mode, size_t len)
{
	char path[256], text[128] = "";
	FILE *f;

	mode[0] = '\0';
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(text, sizeof(text), f))
		parse_sysfs_choice(text, mode, len);
	fclose(f);
}

int ram_backing_create(struct ram_backing *b, uint64_t size, bool hugetlb,
		       const char *thp_sysfs, struct pv_error *err)
{
	char shmem[32], anon[32];
	unsigned int flags = MFD_CLOEXEC | (hugetlb ? MFD_HUGETLB : 0);
	int e, mflags;

	memset(b, 0, sizeof(*b));
	b->fd = -1;
	thp_mode(thp_sysfs, "shmem_enabled", shmem, sizeof(shmem));
	thp_mode(thp_sysfs, "enabled", anon, sizeof(anon));
	b->kind = hugetlb ? RAM_HUGETLB : ram_kind_choose(shmem, anon);
	b->page_size = hugetlb ? HUGE_2M : (uint64_t)host_page_size();
	if (!size || size % b->page_size)
		return pv_seterr(
			err, EINVAL,
			"guest RAM size %llu is not a multiple of the %llu-byte page size",
			(unsigned long long)size,
			(unsigned long long)b->page_size);
	if (b->kind != RAM_ANON_THP) {
		b->fd = memfd_create("passvm-ram", flags);
		if (b->fd < 0) {
			e = errno;
			return pv_seterr(
				err, e,
				"memfd_create for guest RAM failed: %s%s",
				strerror(e),
				hugetlb ? " (is hugetlbfs available?)" : "");
		}
		if (ftruncate(b->fd, (off_t)size) < 0) {
			e = errno;
			ram_backing_destroy(b);
			return pv_seterr(
				err, e, "cannot size guest RAM to %llu MiB: %s",
				(unsigned long long)(size >> 20), strerror(e));
		}
	}
	/*
	 * hugetlbfs pages are reserved at mmap time (no MAP_NORESERVE): a
	 * shortage is an error now, not a SIGBUS when the guest touches them.
	 */
	mflags = b->kind == RAM_ANON_THP ? MAP_PRIVATE | MAP_ANONYMOUS :
					   MAP_SHARED;
	if (!hugetlb)
		mflags |= MAP_NORESERVE;
	b->hva = mmap_aligned(size, size >= HUGE_2M ? HUGE_2M : 0, 0,
			      PROT_READ | PROT_WRITE, mflags, b->fd, 0);
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
	if (!hugetlb && b->kind != RAM_SHMEM_4K)
		madvise(b->hva, size, MADV_HUGEPAGE);
	/* Pinned for DMA: a fork must not make them copy-on-write. */
	if (b->kind == RAM_ANON_THP)
		madvise(b->hva, size, MADV_DONTFORK);
	pv_trace(
		TRACE_MEM,
		"guest RAM: %llu MiB of %s at %p (shmem_enabled %s, enabled %s)",
		(unsigned long long)(size >> 20), ram_kind_name(b->kind),
		b->hva, shmem[0] ? shmem : "?", anon[0] ? anon : "?");
	return 0;
}

struct prefault_job {
	uint8_t *base;
	uint64_t size, chunk;
	unsigned int index, stride;
	int err; /* 0 or an errno */
};

/* Chunks index, index + stride, ... of the range. */
static void *prefault_thread(void *arg)
{
	struct prefault_job *j = arg;

	for (uint64_t off = j->index * j->chunk; off < j->size;
	     off += (uint64_t)j->stride * j->chunk) {
		uint64_t n =
			j->size - off < j->chunk ? j->size - off : j->chunk;

		if (madvise(j->base + off, n, MADV_POPULATE_WRITE)) {
			j->err = errno;
			break;
		}
	}
	return NULL;
}

#define PREFAULT_MAX_THREADS 16
#define PREFAULT_CHUNK (64ull << 20) /* bytes; a multiple of 2 MiB */

int ram_backing_prefault(struct ram_backing *b, unsigned int nthreads)
{
	struct prefault_job jobs[PREFAULT_MAX_THREADS];
	pthread_t tids[PREFAULT_MAX_THREADS];
	uint64_t t0 = log_elapsed_ns();
	unsigned int n, started = 0;
	int err = 0;

	if (!b->hva || !b->size)
		return 0;
	n = nthreads ? nthreads : 1;
	if (n > PREFAULT_MAX_THREADS)
		n = PREFAULT_MAX_THREADS;
	if ((uint64_t)n * PREFAULT_CHUNK > b->size)
		n = (unsigned int)((b->size + PREFAULT_CHUNK - 1) /
				   PREFAULT_CHUNK);
	for (unsigned int i = 0; i < n; i++) {
		jobs[i] =
			(struct prefault_job){ b->hva, b->size, PREFAULT_CHUNK,
					       i,      n,	0 };
		/* The caller's thread takes share 0. */
		if (i &&
		    pthread_create(&tids[i], NULL, prefault_thread, &jobs[i])) {
			/* The shares left: faulted by their first touch. */
			break;
		}
		started = i + 1;
	}
	if (started)
		prefault_thread(&jobs[0]);
	for (unsigned int i = 1; i < started; i++)
		pthread_join(tids[i], NULL);
	for (unsigned int i = 0; i < started; i++)
		if (jobs[i].err && !err)
			err = jobs[i].err;
	b->prefault_ns = log_elapsed_ns() - t0;
	pv_trace(TRACE_MEM,
		 "guest RAM prefaulted: %llu MiB in %u thread%s, %.1f ms%s%s",
		 (unsigned long long)(b->size >> 20), started,
		 started == 1 ? "" : "s", b->prefault_ns / 1e6, err ? ": " : "",
		 err ? strerror(err) : "");
	return -err;
}

int64_t ram_backing_resident(const struct ram_backing *b)
{
	long page = host_page_size();
	uint64_t pages, chunk = 1u << 16, n = 0;
	unsigned char *vec;

	if (!b->hva || page <= 0)
		return -EINVAL;
	pages = b->size / (uint64_t)page;
	vec = malloc(chunk);
	if (!vec)
		return -ENOMEM;
	for (uint64_t i = 0; i < pages; i += chunk) {
		uint64_t k = pages - i < chunk ? pages - i : chunk;

		if (mincore((uint8_t *)b->hva + i * (uint64_t)page,
			    k * (uint64_t)page, vec)) {
			free(vec);
			return -errno;
		}
		for (uint64_t j = 0; j < k; j++)
			n += vec[j] & 1;
	}
	free(vec);
	return (int64_t)(n * (uint64_t)page);
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
