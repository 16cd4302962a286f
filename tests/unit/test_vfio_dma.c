// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the VFIO DMA listener (vfio/dma.c), the IOVA constraints
 * (vfio/container.c: VFIO_IOMMU_GET_INFO capability chain, holes from IOVA
 * ranges + reserved regions) and the group/driver checks (vfio/group.c,
 * the sysfs half of vfio_open) against a fake sysfs tree.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include <cmocka.h>

#include <linux/vfio.h>

#include "fake_sysfs.h"
#include "fake_vfio.h"
#include "vfio/vfio.h"

static struct fake_vfio fv;
static struct mem_map mem;
static struct vfio_dma dma;
static struct vfio_container_io cio;
static uint8_t *ram;

#define RAM_SIZE 0x200000ull

static int setup(void **state)
{
	memset(&fv, 0, sizeof(fv));
	mem_map_init(&mem);
	cio = fake_vfio_container_io(&fv);
	vfio_dma_init(&dma, &cio, ~0u, 0x40201000ull);
	ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(ram != MAP_FAILED);
	return 0;
}

static int teardown(void **state)
{
	munmap(ram, RAM_SIZE);
	return 0;
}

static int add(uint64_t gpa, uint64_t size, void *hva,
	       enum mem_region_kind kind, bool ro, struct pv_error *err)
{
	struct mem_region r = {
		.gpa = gpa,
		.size = size,
		.hva = hva,
		.kind = kind,
		.readonly = ro,
	};

	snprintf(r.name, sizeof(r.name), "r%llx", (unsigned long long)gpa);
	return mem_map_add(&mem, &r, err);
}

static void test_maps_ram_only(void **state)
{
	struct pv_error err = { "" };

	assert_int_equal(add(0, 0x100000, ram, MEM_REGION_RAM, false, &err), 0);
	/* Regions present before registration are replayed. */
	assert_int_equal(mem_map_add_listener(&mem, &dma.l, &err), 0);
	assert_int_equal(fv.nr_dma, 1);
	assert_true(fv.dma[0].map);
	assert_int_equal(fv.dma[0].iova, 0);
	assert_int_equal(fv.dma[0].size, 0x100000);
	assert_int_equal(fv.dma[0].vaddr, (uintptr_t)ram);
	assert_int_equal(fv.dma[0].flags,
			 VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE);

	/* MMIO (a BAR piece) is not DMA-mapped. */
	assert_int_equal(add(0xc0000000, 0x1000, ram + 0x100000,
			     MEM_REGION_MMIO, false, &err),
			 0);
	assert_int_equal(fv.nr_dma, 1);
	/* Read-only RAM maps READ only. */
	assert_int_equal(add(0x100000000ull, 0x1000, ram + 0x101000,
			     MEM_REGION_RAM, true, &err),
			 0);
	assert_int_equal(fv.nr_dma, 2);
	assert_int_equal(fv.dma[1].flags, VFIO_DMA_MAP_FLAG_READ);
	assert_int_equal(dma.nr_mappings, 2);
	assert_int_equal(dma.mapped_bytes, 0x101000);

	assert_int_equal(mem_map_remove(&mem, 0xc0000000), 0);
	assert_int_equal(fv.nr_dma, 2);
	assert_int_equal(mem_map_remove(&mem, 0), 0);
	assert_int_equal(fv.nr_dma, 3);
	assert_false(fv.dma[2].map);
	assert_int_equal(fv.dma[2].iova, 0);
	assert_int_equal(fv.dma[2].size, 0x100000);

	/* Unregistering with replay unmaps what is left. */
	mem_map_remove_listener(&mem, &dma.l, true);
	assert_int_equal(fv.nr_dma, 4);
	assert_false(fv.dma[3].map);
	assert_int_equal(fv.dma[3].iova, 0x100000000ull);
	assert_int_equal(dma.nr_mappings, 0);
	assert_int_equal(dma.mapped_bytes, 0);
}

static void test_dma_avail_budget(void **state)
{
	struct pv_error err = { "" };

	vfio_dma_init(&dma, &cio, 1, 0);
	assert_int_equal(mem_map_add_listener(&mem, &dma.l, &err), 0);
	assert_int_equal(add(0, 0x1000, ram, MEM_REGION_RAM, false, &err), 0);
	assert_int_equal(
		add(0x1000, 0x1000, ram + 0x1000, MEM_REGION_RAM, false, &err),
		-ENOSPC);
	assert_non_null(strstr(err.msg, "DMA_AVAIL"));
	assert_int_equal(mem.nr_regions, 1);
	/* Freeing one gives the budget back. */
	assert_int_equal(mem_map_remove(&mem, 0), 0);
	assert_int_equal(
		add(0x1000, 0x1000, ram + 0x1000, MEM_REGION_RAM, false, &err),
		0);
}

static void test_map_enomem_advice(void **state)
{
	struct pv_error err = { "" };

	assert_int_equal(mem_map_add_listener(&mem, &dma.l, &err), 0);
	fv.map_error = -ENOMEM;
	assert_int_equal(add(0, 0x100000, ram, MEM_REGION_RAM, false, &err),
			 -ENOMEM);
	assert_non_null(strstr(err.msg, "VFIO_IOMMU_MAP_DMA"));
	assert_non_null(strstr(err.msg, "ulimit -l"));
	assert_non_null(strstr(err.msg, "CAP_IPC_LOCK"));
	assert_int_equal(mem.nr_regions, 0);
	/* Unaligned to the IOMMU page size: refused before the ioctl. */
	fv.map_error = 0;
	assert_int_equal(
		add(0, 0x1000, ram + 0x800, MEM_REGION_RAM, false, &err),
		-EINVAL);
	assert_int_equal(fv.nr_dma, 0);
}

static void test_memlock_check(void **state)
{
	struct pv_error err = { "" };

	assert_int_equal(
		vfio_memlock_check(1ull << 30, 8ull << 20, false, &err),
		-ENOMEM);
	assert_non_null(strstr(err.msg, "1073741824 bytes"));
	assert_non_null(strstr(err.msg, "1024 MiB"));
	assert_non_null(strstr(err.msg, "8388608"));
	assert_non_null(strstr(err.msg, "ulimit -l"));
	assert_non_null(strstr(err.msg, "root"));
	assert_int_equal(vfio_memlock_check(1ull << 30, 8ull << 20, true, &err),
			 0);
	assert_int_equal(
		vfio_memlock_check(1ull << 30, RLIM_INFINITY, false, &err), 0);
	assert_int_equal(
		vfio_memlock_check(1ull << 30, 1ull << 30, false, &err), 0);
}

static void test_holes(void **state)
{
	struct pv_iova_range valid[2] = {
		{ 0, 0xfedfffff },
		{ 0xfef00000, 0xffffffffffull }, /* 40-bit IOMMU */
	};
	struct iova_resv resv[3] = {
		{ 0xfee00000, 0xfeefffff, "msi" },
		{ 0x000e8000, 0x000e8fff, "direct" },
		{ 0xfed00000, 0xfedfffff, "reserved" }, /* overlaps the hole */
	};
	struct layout_range out[8];
	int n;

	n = vfio_compute_holes(valid, 2, resv, 3, out, 8);
	assert_int_equal(n, 3);
	assert_int_equal(out[0].base, 0xe8000);
	assert_int_equal(out[0].size, 0x1000);
	assert_int_equal(out[1].base, 0xfed00000);
	assert_int_equal(out[1].size, 0x200000);
	assert_int_equal(out[2].base, 0x10000000000ull);
	assert_int_equal(out[2].size, (1ull << 63) - 0x10000000000ull);

	/* No IOVA-range cap: only the reserved regions. */
	n = vfio_compute_holes(NULL, 0, resv, 1, out, 8);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].base, 0xfee00000);
	assert_int_equal(out[0].size, 0x100000);

	/* Unsorted, overlapping valid ranges; @max smaller than the count. */
	{
		struct pv_iova_range v2[3] = {
			{ 0x2000, 0x2fff },
			{ 0x1000, 0x1fff },
			{ 0x2800, 0x4fff },
		};

		n = vfio_compute_holes(v2, 3, NULL, 0, out, 1);
		assert_int_equal(n, 2);
		assert_int_equal(out[0].base, 0);
		assert_int_equal(out[0].size, 0x1000);
	}
	/* Everything valid: no holes. */
	{
		struct pv_iova_range all = { 0, UINT64_MAX };

		assert_int_equal(vfio_compute_holes(&all, 1, NULL, 0, out, 8),
				 0);
	}
}

static void test_parse_iommu_info(void **state)
{
	uint8_t buf[256];
	struct vfio_iommu_type1_info *info = (void *)buf;
	struct vfio_iommu_type1_info_cap_iova_range *ir;
	struct vfio_iommu_type1_info_dma_avail *da;
	struct pv_iova_range r[4];
	unsigned int n;
	uint32_t avail;
	size_t off_ir = sizeof(*info), off_da;

	memset(buf, 0, sizeof(buf));
	ir = (void *)(buf + off_ir);
	off_da = off_ir + sizeof(*ir) + 2 * sizeof(ir->iova_ranges[0]);
	da = (void *)(buf + off_da);
	info->argsz = (uint32_t)(off_da + sizeof(*da));
	info->flags = VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS;
	info->cap_offset = (uint32_t)off_ir;
	ir->header.id = VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE;
	ir->header.version = 1;
	ir->header.next = (uint32_t)off_da;
	ir->nr_iovas = 2;
	ir->iova_ranges[0].start = 0;
	ir->iova_ranges[0].end = 0xfedfffff;
	ir->iova_ranges[1].start = 0xfef00000;
	ir->iova_ranges[1].end = 0xffffffffffull;
	da->header.id = VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL;
	da->header.version = 1;
	da->avail = 65530;

	assert_int_equal(
		vfio_parse_iommu_info(buf, info->argsz, r, 4, &n, &avail), 0);
	assert_int_equal(n, 2);
	assert_int_equal(r[1].start, 0xfef00000);
	assert_int_equal(avail, 65530);

	/* A chain pointing backwards or out of the buffer is rejected. */
	da->header.next = (uint32_t)off_ir;
	assert_int_equal(
		vfio_parse_iommu_info(buf, info->argsz, r, 4, &n, &avail),
		-EINVAL);
	da->header.next = 0;
	ir->nr_iovas = 1000;
	assert_int_equal(
		vfio_parse_iommu_info(buf, info->argsz, r, 4, &n, &avail),
		-EINVAL);
	/* No caps: defaults. */
	info->flags = 0;
	assert_int_equal(
		vfio_parse_iommu_info(buf, info->argsz, r, 4, &n, &avail), 0);
	assert_int_equal(n, 0);
	assert_int_equal(avail, ~0u);
}

/* ---- sysfs side of vfio_open ---- */

static void test_driver_and_viability_messages(void **state)
{
	struct fake_sysfs fs;
	struct pv_error err = { "" };
	struct pci_addr a, ours;
	struct vfio_ctx ctx;
	const char *bdfs[1] = { "0000:01:00.0" };

	assert_int_equal(fake_sysfs_init(&fs), 0);
	fake_sysfs_add_driver(&fs, "nvme");
	fake_sysfs_add_driver(&fs, "vfio-pci");
	fake_sysfs_add_driver(&fs, "snd_hda_intel");
	fake_sysfs_add_dev(&fs, "0000:01:00.0", 0x144d, 0xa808, 0x010802, 7,
			   "nvme");
	fake_sysfs_add_dev(&fs, "0000:01:00.1", 0x10de, 0x10f0, 0x040300, 7,
			   "snd_hda_intel");
	fake_sysfs_add_dev(&fs, "0000:02:00.0", 0x8086, 0x10d3, 0x020000, -1,
			   "vfio-pci");

	pci_addr_parse("0000:01:00.0", &a);
	assert_int_equal(vfio_check_driver(fs.sys, &a, &err), -ENODEV);
	assert_non_null(strstr(err.msg, "bound to nvme, not vfio-pci"));
	assert_non_null(strstr(err.msg, "passvm bind 0000:01:00.0"));

	/* vfio_open stops at the same check, before /dev/vfio. */
	assert_int_equal(vfio_open(&ctx, fs.sys, bdfs, 1, NULL, NULL, &err),
			 -ENODEV);
	assert_non_null(strstr(err.msg, "not vfio-pci"));
	assert_int_equal(ctx.container_fd, -1);

	pci_addr_parse("0000:09:00.0", &a);
	assert_int_equal(vfio_check_driver(fs.sys, &a, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "no PCI device 0000:09:00.0"));

	/* Bound to vfio-pci, but no IOMMU group. */
	bdfs[0] = "02:00.0";
	assert_int_equal(vfio_open(&ctx, fs.sys, bdfs, 1, NULL, NULL, &err),
			 -ENODEV);
	assert_non_null(strstr(err.msg, "IOMMU"));

	/* Non-viable group: the other member and its driver are named. */
	fake_sysfs_set_driver(&fs, "0000:01:00.0", "vfio-pci");
	pci_addr_parse("0000:01:00.0", &ours);
	assert_int_equal(vfio_group_not_viable_msg(fs.sys, 7, &ours, 1, &err),
			 -EPERM);
	assert_non_null(strstr(err.msg, "group 7"));
	assert_non_null(strstr(err.msg, "0000:01:00.1 (driver snd_hda_intel)"));
	assert_null(strstr(err.msg, "0000:01:00.0 (driver"));
	assert_non_null(strstr(err.msg, "passvm bind --group 0000:01:00.0"));
	assert_non_null(strstr(err.msg, "bind them to vfio-pci too"));

	/*
	 * A bridge (pcieport) and a member on pci-stub do not hold the group:
	 * they are named apart, as needing nothing. @ours is recognised by
	 * its address, whatever the padding of the struct holds.
	 */
	fake_sysfs_add_driver(&fs, "pcieport");
	fake_sysfs_add_driver(&fs, "pci-stub");
	fake_sysfs_add_dev(&fs, "0000:01:00.2", 0x8086, 0x1234, 0x060400, 7,
			   "pcieport");
	fake_sysfs_add_dev(&fs, "0000:01:00.3", 0x8086, 0x1235, 0x0c0330, 7,
			   "pci-stub");
	memset(&ours, 0xa5, sizeof(ours));
	pci_addr_parse("0000:01:00.0", &ours);
	assert_int_equal(vfio_group_not_viable_msg(fs.sys, 7, &ours, 1, &err),
			 -EPERM);
	assert_non_null(strstr(err.msg, "contains 0000:01:00.1 (driver "
					"snd_hda_intel): bind"));
	assert_non_null(strstr(err.msg, "0000:01:00.2 (driver pcieport), "
					"0000:01:00.3 (driver pci-stub), need "
					"nothing"));
	assert_null(strstr(err.msg, "0000:01:00.0 (driver"));
	assert_non_null(strstr(err.msg, "passvm bind --group 0000:01:00.0"));

	/* Bad address, duplicates. */
	bdfs[0] = "zz:00.0";
	assert_int_equal(vfio_open(&ctx, fs.sys, bdfs, 1, NULL, NULL, &err),
			 -EINVAL);
	{
		const char *two[2] = { "0000:01:00.0", "01:00.0" };

		assert_int_equal(
			vfio_open(&ctx, fs.sys, two, 2, NULL, NULL, &err),
			-EINVAL);
		assert_non_null(strstr(err.msg, "twice"));
	}
	vfio_close(&ctx); /* safe on what is left */
	fake_sysfs_cleanup(&fs);
}

static void test_close_empty_ctx(void **state)
{
	struct vfio_ctx ctx;

	vfio_ctx_init(&ctx);
	vfio_close(&ctx);
	vfio_close(&ctx);
	assert_int_equal(ctx.container_fd, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_maps_ram_only),
		T(test_dma_avail_budget),
		T(test_map_enomem_advice),
		T(test_memlock_check),
		T(test_holes),
		T(test_parse_iommu_info),
		T(test_driver_and_viability_messages),
		T(test_close_empty_ctx),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
