// SPDX-License-Identifier: GPL-2.0
/* The guest memory map, its listeners, and the guest layout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "memory/backing.h"
#include "arch/arch.h"
#include "arch/x86/layout.h"
#include "memory/mem_map.h"
#include "util/mmap_align.h"

struct rec {
	struct mem_listener l;
	char log[1024];
	uint64_t fail_gpa; /* region_add fails for this GPA (0: never) */
};

static int rec_add(struct mem_listener *l, const struct mem_region *r,
		   struct pv_error *err)
{
	struct rec *x = (struct rec *)l;
	size_t n = strlen(x->log);

	if (x->fail_gpa && r->gpa == x->fail_gpa)
		return pv_seterr(err, 12, "%s refuses %s", l->name, r->name);
	snprintf(x->log + n, sizeof(x->log) - n, "+%s:%s ", l->name, r->name);
	return 0;
}

static void rec_del(struct mem_listener *l, const struct mem_region *r)
{
	struct rec *x = (struct rec *)l;
	size_t n = strlen(x->log);

	snprintf(x->log + n, sizeof(x->log) - n, "-%s:%s ", l->name, r->name);
}

static struct mem_region region(uint64_t gpa, uint64_t size, const char *name)
{
	static uint8_t backing[1 << 16];
	struct mem_region r = {
		.gpa = gpa, .size = size, .hva = backing, .kind = MEM_REGION_RAM
	};

	snprintf(r.name, sizeof(r.name), "%s", name);
	return r;
}

static void test_listener_replay_and_order(void **state)
{
	struct rec a = { .l = { .name = "a",
				.region_add = rec_add,
				.region_del = rec_del } };
	struct rec b = { .l = { .name = "b",
				.region_add = rec_add,
				.region_del = rec_del } };
	struct pv_error e;
	struct mem_map m;
	struct mem_region r1 = region(0x10000, 0x4000, "r1");
	struct mem_region r2 = region(0x0, 0x4000, "r2");

	mem_map_init(&m);
	assert_int_equal(mem_map_add_listener(&m, &a.l, &e), 0);
	assert_int_equal(mem_map_add(&m, &r1, &e), 0);
	assert_int_equal(mem_map_add(&m, &r2, &e), 0);
	/* A late listener is told of existing regions, in GPA order. */
	assert_int_equal(mem_map_add_listener(&m, &b.l, &e), 0);
	assert_string_equal(b.log, "+b:r2 +b:r1 ");
	assert_int_equal(mem_map_remove(&m, 0x10000), 0);
	assert_string_equal(a.log, "+a:r1 +a:r2 -a:r1 ");
	assert_string_equal(b.log, "+b:r2 +b:r1 -b:r1 ");
	assert_int_equal(mem_map_remove(&m, 0x10000), -2);
	assert_int_equal(m.nr_regions, 1);
	mem_map_remove_listener(&m, &b.l, true);
	assert_string_equal(b.log, "+b:r2 +b:r1 -b:r1 -b:r2 ");
}

static void test_listener_failure_rolls_back(void **state)
{
	struct rec a = { .l = { .name = "kvm",
				.region_add = rec_add,
				.region_del = rec_del } };
	struct rec b = { .l = { .name = "vfio",
				.region_add = rec_add,
				.region_del = rec_del },
			 .fail_gpa = 0x20000 };
	struct pv_error e = { "" };
	struct mem_map m;
	struct mem_region r = region(0x20000, 0x1000, "bar");

	mem_map_init(&m);
	assert_int_equal(mem_map_add_listener(&m, &a.l, &e), 0);
	assert_int_equal(mem_map_add_listener(&m, &b.l, &e), 0);
	assert_int_equal(mem_map_add(&m, &r, &e), -12);
	assert_string_equal(e.msg, "vfio refuses bar");
	/* The first listener was undone; the map holds nothing. */
	assert_string_equal(a.log, "+kvm:bar -kvm:bar ");
	assert_int_equal(m.nr_regions, 0);
	assert_null(mem_map_gpa_to_hva(&m, 0x20000, 1));
}

static void test_overlap_and_alignment(void **state)
{
	struct pv_error e = { "" };
	struct mem_map m;
	struct mem_region r1 = region(0x10000, 0x4000, "low");
	struct mem_region r2 = region(0x13000, 0x2000, "clash");
	struct mem_region r3 = region(0x20000, 0x1800, "odd");

	mem_map_init(&m);
	assert_int_equal(mem_map_add(&m, &r1, &e), 0);
	assert_int_equal(mem_map_add(&m, &r2, &e), -22);
	assert_non_null(strstr(e.msg, "overlaps low"));
	assert_int_equal(mem_map_add(&m, &r3, &e), -22);
	assert_non_null(strstr(e.msg, "page-aligned"));
	assert_int_equal(mem_map_ram_bytes(&m), 0x4000);
}

static void test_gpa_to_hva(void **state)
{
	static uint8_t ram[0x3000];
	struct pv_error e;
	struct mem_map m;
	struct mem_region r = { .gpa = 0x100000,
				.size = 0x3000,
				.hva = ram,
				.kind = MEM_REGION_RAM,
				.name = "ram" };
	struct mem_region mmio = { .gpa = 0x200000,
				   .size = 0x1000,
				   .hva = ram,
				   .kind = MEM_REGION_MMIO,
				   .name = "bar" };

	mem_map_init(&m);
	assert_int_equal(mem_map_add(&m, &r, &e), 0);
	assert_int_equal(mem_map_add(&m, &mmio, &e), 0);
	assert_ptr_equal(mem_map_gpa_to_hva(&m, 0x101000, 0x10), ram + 0x1000);
	assert_ptr_equal(mem_map_gpa_to_hva(&m, 0x102ff0, 0x10), ram + 0x2ff0);
	assert_null(mem_map_gpa_to_hva(&m, 0x102ff0, 0x11)); /* runs off */
	assert_null(mem_map_gpa_to_hva(&m, 0xfffff, 1));
	assert_null(mem_map_gpa_to_hva(&m, 0x200000, 4)); /* not RAM */
	assert_int_equal(mem_map_ram_bytes(&m), 0x3000);
}

static void test_layout_small(void **state)
{
	struct guest_layout l;
	struct pv_error e;

	assert_int_equal(layout_compute(&l, &arch_layout_rules, 256 * SZ_1M, 40,
					NULL, 0, &e),
			 0);
	assert_int_equal(l.nr_ram, 1);
	assert_int_equal(l.ram[0].base, 0);
	assert_int_equal(l.low_ram_end, 256 * SZ_1M);
	/* The 64-bit window: above 4 GiB, power of two, naturally aligned. */
	assert_true(l.mmio64_base >= SZ_4G);
	assert_int_equal(l.mmio64_size & (l.mmio64_size - 1), 0);
	assert_int_equal(l.mmio64_base % l.mmio64_size, 0);
	assert_true(l.mmio64_base + l.mmio64_size <= (1ull << 40));
}

static void test_layout_split_around_hole(void **state)
{
	struct guest_layout l;
	struct pv_error e;

	assert_int_equal(layout_compute(&l, &arch_layout_rules, 5 * SZ_1G, 40,
					NULL, 0, &e),
			 0);
	assert_int_equal(l.nr_ram, 2);
	assert_int_equal(l.ram[0].size, LAYOUT_LOW_RAM_MAX);
	assert_int_equal(l.ram[1].base, SZ_4G);
	assert_int_equal(l.ram[1].size, 5 * SZ_1G - LAYOUT_LOW_RAM_MAX);
	assert_true(l.mmio64_base >= l.ram[1].base + l.ram[1].size);
}

static void test_layout_reserved(void **state)
{
	/* An IOMMU reserved range in low RAM and one above 4 GiB. */
	struct layout_range resv[] = {
		{ 0x8000000, 0x100000 }, /* 128 MiB, 1 MiB long */
		{ SZ_4G + SZ_1G, SZ_1G },
	};
	struct guest_layout l;
	struct pv_error e;
	uint64_t total = 0;

	assert_int_equal(layout_compute(&l, &arch_layout_rules, 4 * SZ_1G, 40,
					resv, 2, &e),
			 0);
	for (unsigned int i = 0; i < l.nr_ram; i++) {
		total += l.ram[i].size;
		for (int j = 0; j < 2; j++)
			assert_false(
				l.ram[i].base < resv[j].base + resv[j].size &&
				resv[j].base < l.ram[i].base + l.ram[i].size);
	}
	assert_int_equal(total, 4 * SZ_1G);
	assert_int_equal(l.low_ram_end, 0x8000000);
	assert_true(l.nr_ram >= 3);

	/* A hole reaching the top of the address space still counts. */
	{
		struct layout_range top[] = {
			{ 1ull << 39, UINT64_MAX - (1ull << 39) + 1 }
		};

		assert_int_equal(layout_compute(&l, &arch_layout_rules, SZ_1G,
						40, top, 1, &e),
				 0);
		assert_true(l.mmio64_base + l.mmio64_size <= (1ull << 39));
	}

	/* Reserved memory below 1 MiB cannot be worked around. */
	resv[0].base = 0x80000;
	assert_int_equal(
		layout_compute(&l, &arch_layout_rules, SZ_1G, 40, resv, 1, &e),
		-34);
	assert_non_null(strstr(e.msg, "the guest's boot code"));
}

static void test_layout_limits(void **state)
{
	struct guest_layout l;
	struct pv_error e;

	assert_int_equal(layout_compute(&l, &arch_layout_rules, 8 * SZ_1M, 40,
					NULL, 0, &e),
			 -22);
	assert_int_equal(layout_compute(&l, &arch_layout_rules, 300 * SZ_1M + 5,
					40, NULL, 0, &e),
			 -22);
	/* 64 GiB does not fit in a 36-bit (64 GiB) space with the hole. */
	assert_int_equal(layout_compute(&l, &arch_layout_rules, 64 * SZ_1G, 36,
					NULL, 0, &e),
			 -34);
	assert_non_null(strstr(e.msg, "give less --mem"));
}

static long free_hugepages(void)
{
	FILE *f = fopen(
		"/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages",
		"r");
	long n = -1;

	if (f) {
		if (fscanf(f, "%ld", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

/*
 * Guest RAM on hugetlbfs: with too few free hugepages the backing must fail
 * up front with advice (not SIGBUS on first touch); with enough it works.
 */
static void test_hugetlb_backing(void **state)
{
	long free_pages = free_hugepages();
	struct ram_backing b;
	struct pv_error e = { "" };
	int ret;

	if (free_pages < 0)
		skip();
	ret = ram_backing_create(&b, 8 * SZ_1M, true, "/nonexistent", &e);
	if (free_pages < 4) {
		assert_true(ret < 0);
		assert_non_null(strstr(e.msg, "nr_hugepages"));
		return;
	}
	assert_int_equal(ret, 0);
	memset(b.hva, 0x5a, 8 * SZ_1M); /* must not fault */
	assert_int_equal(b.page_size, 2 * SZ_1M);
	ram_backing_destroy(&b);
	/* Sizes that are not whole huge pages are refused. */
	assert_int_equal(
		ram_backing_create(&b, 3 * SZ_1M, true, "/nonexistent", &e),
		-22);
}

/* A transparent_hugepage directory with these selected modes. */
static void thp_dir(char *dir, const char *shmem, const char *anon)
{
	char path[300];
	FILE *f;

	snprintf(path, sizeof(path), "%s/shmem_enabled", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "always within_size advise [%s] deny force\n", shmem);
	fclose(f);
	snprintf(path, sizeof(path), "%s/enabled", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "always madvise [%s]\n", anon);
	fclose(f);
}

static void test_memfd_backing(void **state)
{
	char dir[] = "/tmp/passvm-thp-XXXXXX";
	struct ram_backing b;
	struct pv_error e = { "" };
	unsigned char vec[2];

	assert_non_null(mkdtemp(dir));
	/* shmem THP allowed: a memfd, its mapping 2 MiB aligned. */
	thp_dir(dir, "advise", "never");
	assert_int_equal(ram_backing_create(&b, 4 * SZ_1M, false, dir, &e), 0);
	assert_true(b.fd >= 0);
	assert_int_equal(b.kind, RAM_SHMEM_THP);
	assert_int_equal((uintptr_t)b.hva % (2 * SZ_1M), 0);
	memset(b.hva, 0xa5, 4 * SZ_1M);
	assert_int_equal(((uint8_t *)b.hva)[4 * SZ_1M - 1], 0xa5);
	ram_backing_destroy(&b);
	assert_int_equal(b.fd, -1);
	assert_null(b.hva);
	/* Only anonymous THP: anonymous memory, no fd. */
	thp_dir(dir, "never", "always");
	assert_int_equal(ram_backing_create(&b, 4 * SZ_1M, false, dir, &e), 0);
	assert_int_equal(b.kind, RAM_ANON_THP);
	assert_int_equal(b.fd, -1);
	assert_int_equal((uintptr_t)b.hva % (2 * SZ_1M), 0);
	/* Prefault in two threads: every page present afterwards. */
	assert_int_equal(mincore(b.hva, 4096, vec), 0);
	assert_false(vec[0] & 1);
	if (ram_backing_prefault(&b, 2) == 0) {
		assert_int_equal(mincore(b.hva, 4096, vec), 0);
		assert_true(vec[0] & 1);
		assert_int_equal(mincore((uint8_t *)b.hva + 4 * SZ_1M - 4096,
					 4096, vec + 1),
				 0);
		assert_true(vec[1] & 1);
	}
	ram_backing_destroy(&b);
	/* Neither: a memfd of small pages; unreadable modes likewise. */
	thp_dir(dir, "never", "never");
	assert_int_equal(ram_backing_create(&b, 4 * SZ_1M, false, dir, &e), 0);
	assert_int_equal(b.kind, RAM_SHMEM_4K);
	assert_true(b.fd >= 0);
	ram_backing_destroy(&b);
	assert_int_equal(ram_backing_create(&b, 4 * SZ_1M + 1, false, dir, &e),
			 -22);
	assert_int_equal(ram_kind_choose("", ""), RAM_SHMEM_4K);
	assert_int_equal(ram_kind_choose("within_size", "always"),
			 RAM_SHMEM_THP);
	assert_int_equal(ram_kind_choose("deny", "madvise"), RAM_ANON_THP);
	{
		char p[300];

		snprintf(p, sizeof(p), "%s/enabled", dir);
		unlink(p);
		snprintf(p, sizeof(p), "%s/shmem_enabled", dir);
		unlink(p);
		rmdir(dir);
	}
}

/* mmap_aligned: the address has the phase asked for. */
static void test_mmap_aligned(void **state)
{
	void *p = mmap_aligned(3 * SZ_1M, 2 * SZ_1M, 0x1000,
			       PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_true(p != MAP_FAILED);
	assert_int_equal((uintptr_t)p % (2 * SZ_1M), 0x1000);
	memset(p, 1, 3 * SZ_1M);
	munmap(p, 3 * SZ_1M);
	assert_int_equal(mmap_align_for(SZ_1M), 0);
	assert_int_equal(mmap_align_for(4 * SZ_1M), 2 * SZ_1M);
	assert_int_equal(mmap_align_for(1024 * SZ_1M), 1024 * SZ_1M);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_listener_replay_and_order),
		cmocka_unit_test(test_listener_failure_rolls_back),
		cmocka_unit_test(test_overlap_and_alignment),
		cmocka_unit_test(test_gpa_to_hva),
		cmocka_unit_test(test_layout_small),
		cmocka_unit_test(test_layout_split_around_hole),
		cmocka_unit_test(test_layout_reserved),
		cmocka_unit_test(test_layout_limits),
		cmocka_unit_test(test_hugetlb_backing),
		cmocka_unit_test(test_memfd_backing),
		cmocka_unit_test(test_mmap_aligned),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
