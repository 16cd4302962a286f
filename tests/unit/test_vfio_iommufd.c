// SPDX-License-Identifier: GPL-2.0
/*
 * The IOMMU backends behind vfio_open(): the iommufd ioctl sequence
 * (bind, IOAS, attach, IOVA ranges), DMA mappings following the memory map
 * through IOMMU_IOAS_MAP, the devid hot reset, teardown; the choice of
 * backend (host/iommu_backend.c) and the fallback to the type1 container;
 * the pre-opened fds and their checks (host/chardev.c, vfio/fds.c, the
 * --kvm-fd check of vmm/kvm_vm.c), each with the wrong kind of fd. Runs
 * against tests/unit/fake_iommufd.h and a fake sysfs and /dev.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cmocka.h>

#include "capture.h"
#include "fake_iommufd.h"
#include "fake_sysfs.h"
#include "host/chardev.h"
#include "host/iommu_backend.h"
#include "vfio/iommufd_uapi.h"
#include "vfio/vfio.h"
#include "vmm/vm.h"

#define BDF "0000:01:00.0"

static struct fake_sysfs fs;
static struct fake_vfio fv;
static struct fake_iommufd fi;

struct hook_rec {
	char names[8][64];
	int fds[8];
	int n, dels;
};

static int rec_add(void *opaque, const char *name, int fd, struct pv_error *err)
{
	struct hook_rec *r = opaque;

	snprintf(r->names[r->n], sizeof(r->names[0]), "%s", name);
	r->fds[r->n++] = fd;
	return 0;
}

static void rec_del(void *opaque, const char *name, int fd)
{
	((struct hook_rec *)opaque)->dels++;
}

/* The fake /dev node @rel: a symlink to /dev/null (a character device). */
static void dev_node(const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "dev/%s", rel);
	assert_int_equal(fake_sysfs_symlink(&fs, path, "/dev/null"), 0);
}

static int setup(void **state)
{
	assert_int_equal(fake_sysfs_init(&fs), 0);
	fake_sysfs_add_driver(&fs, "vfio-pci");
	fake_sysfs_add_dev(&fs, BDF, 0x1b36, 0x0010, 0x010802, 7, "vfio-pci");
	fake_sysfs_mkdir(&fs, "sys/devices/pci0000:00/" BDF "/vfio-dev/vfio0");
	fake_sysfs_write(&fs, "sys/kernel/iommu_groups/7/reserved_regions",
			 "0x00000000fee00000 0x00000000feefffff msi\n");
	fake_sysfs_mkdir(&fs, "dev/vfio/devices");
	dev_node("iommu");
	dev_node("vfio/vfio");
	dev_node("vfio/7");
	dev_node("vfio/devices/vfio0");
	fake_vfio_nvme(&fv);
	fv.dev_flags &= ~VFIO_DEVICE_FLAGS_RESET; /* hot reset only */
	fake_iommufd_init(&fi, &fv);
	return 0;
}

static int teardown(void **state)
{
	fake_vfio_free(&fv);
	fake_sysfs_cleanup(&fs);
	return 0;
}

static int open_one(struct vfio_ctx *ctx, enum iommu_mode mode,
		    struct hook_rec *rec, const int *fds, int iommu_fd,
		    const char *bdf, struct pv_error *err)
{
	const char *bdfs[1] = { bdf };
	struct vfio_group_hook hook = { rec_add, rec_del, rec };
	struct vfio_open_opts o = {
		.mode = mode,
		.iommu_fd = iommu_fd,
		.dev_fds = fds,
		.io = fake_iommufd_factory(&fi),
		.dev_root = fs.dev,
	};

	return vfio_open(ctx, fs.sys, bdfs, 1, &o, rec ? &hook : NULL, err);
}

/* The order of Documentation/userspace-api/iommufd.rst. */
static void test_iommufd_sequence(void **state)
{
	struct pv_error err = { "" };
	struct hook_rec rec = { .n = 0 };
	struct layout_range holes[8];
	struct vfio_ctx ctx;
	int bind, alloc, attach, info, ranges, n;

	assert_int_equal(
		open_one(&ctx, IOMMU_MODE_IOMMUFD, &rec, NULL, -1, BDF, &err),
		0);
	assert_string_equal(vfio_backend_name(&ctx), "iommufd");
	bind = fake_iommufd_find(&fi, "VFIO_DEVICE_BIND_IOMMUFD", 0);
	alloc = fake_iommufd_find(&fi, "IOMMU_IOAS_ALLOC", 0);
	attach = fake_iommufd_find(&fi, "VFIO_DEVICE_ATTACH_IOMMUFD_PT", 0);
	info = fake_iommufd_find(&fi, "VFIO_DEVICE_GET_INFO", 0);
	ranges = fake_iommufd_find(&fi, "IOMMU_IOAS_IOVA_RANGES", 0);
	assert_true(bind >= 0 && bind < alloc && alloc < attach &&
		    attach < info && info < ranges);
	/* No type1 call at all. */
	assert_int_equal(fake_iommufd_find(&fi, "VFIO_GET_API_VERSION", 0), -1);
	assert_int_equal(ctx.devs[0].devid, fi.devid);
	assert_int_equal(ctx.devs[0].hwpt_id, fi.hwpt_id);
	assert_int_equal(ctx.ioas_id, fi.ioas_id);
	assert_int_equal(ctx.iova_pgsizes, 0x1000);
	/* KVM is told about the device cdev, not a group. */
	assert_int_equal(rec.n, 1);
	assert_string_equal(rec.names[0], "device " BDF);
	assert_int_equal(rec.fds[0], ctx.devs[0].fd);

	/* The IOAS's gap and the group's reserved region both become holes. */
	n = vfio_iova_holes(&ctx, holes, 8);
	assert_int_equal(n, 2);
	assert_int_equal(holes[0].base, 0xfee00000);
	assert_int_equal(holes[0].size, 0x100000);
	assert_int_equal(holes[1].base, 0x1000000000000ull);

	vfio_close(&ctx);
	assert_int_equal(rec.dels, 1);
	assert_true(fake_iommufd_find(&fi, "VFIO_DEVICE_DETACH_IOMMUFD_PT", 0) >
		    ranges);
	assert_int_equal(fi.ioas_destroys, 1);
	assert_false(fi.ioas_live);
	assert_int_equal(ctx.devs[0].fd, -1);
	assert_int_equal(ctx.iommufd, -1);
}

/* Guest RAM follows the memory map into the IOAS, as with type1. */
static void test_iommufd_dma_follows_map(void **state)
{
	struct pv_error err = { "" };
	struct mem_map mem;
	struct vfio_ctx ctx;
	struct mem_region r = { .gpa = 0,
				.size = 0x200000,
				.kind = MEM_REGION_RAM };
	uint8_t *ram = mmap(NULL, 0x201000, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_true(ram != MAP_FAILED);
	assert_int_equal(
		open_one(&ctx, IOMMU_MODE_IOMMUFD, NULL, NULL, -1, BDF, &err),
		0);
	mem_map_init(&mem);
	r.hva = ram;
	snprintf(r.name, sizeof(r.name), "ram0");
	assert_int_equal(mem_map_add(&mem, &r, &err), 0);
	ctx.be->dma_init(&ctx);
	assert_int_equal(mem_map_add_listener(&mem, &ctx.dma.l, &err), 0);
	assert_int_equal(fi.nr_maps, 1);
	assert_true(fi.maps[0].map);
	assert_int_equal(fi.maps[0].iova, 0);
	assert_int_equal(fi.maps[0].size, 0x200000);
	assert_int_equal(fi.maps[0].vaddr, (uintptr_t)ram);
	assert_int_equal(fi.maps[0].flags, IOMMU_IOAS_MAP_FIXED_IOVA |
						   IOMMU_IOAS_MAP_READABLE |
						   IOMMU_IOAS_MAP_WRITEABLE);
	/* A read-only region is not writeable; MMIO is not mapped. */
	r = (struct mem_region){ .gpa = 0x100000000ull,
				 .size = 0x1000,
				 .hva = ram + 0x200000,
				 .kind = MEM_REGION_RAM,
				 .readonly = true };
	snprintf(r.name, sizeof(r.name), "rom");
	assert_int_equal(mem_map_add(&mem, &r, &err), 0);
	assert_int_equal(fi.maps[1].flags,
			 IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE);
	r = (struct mem_region){ .gpa = 0xc0000000,
				 .size = 0x1000,
				 .hva = ram,
				 .kind = MEM_REGION_MMIO };
	snprintf(r.name, sizeof(r.name), "bar");
	assert_int_equal(mem_map_add(&mem, &r, &err), 0);
	assert_int_equal(fi.nr_maps, 2);
	/* Removal unmaps exactly what was mapped. */
	assert_int_equal(mem_map_remove(&mem, 0), 0);
	assert_false(fi.maps[2].map);
	assert_int_equal(fi.maps[2].iova, 0);
	assert_int_equal(fi.maps[2].size, 0x200000);
	assert_int_equal(ctx.dma.nr_mappings, 1);
	mem_map_remove_listener(&mem, &ctx.dma.l, true);
	assert_int_equal(ctx.dma.nr_mappings, 0);
	assert_int_equal(ctx.dma.mapped_bytes, 0);
	assert_int_equal(mem_map_remove(&mem, 0x100000000ull), 0);
	assert_int_equal(mem_map_remove(&mem, 0xc0000000), 0);
	/* A failing map names the iommufd call. */
	fi.ioas_live = false;
	ctx.be->dma_init(&ctx);
	assert_int_equal(mem_map_add_listener(&mem, &ctx.dma.l, &err), 0);
	r = (struct mem_region){ .gpa = 0x200000,
				 .size = 0x1000,
				 .hva = ram,
				 .kind = MEM_REGION_RAM };
	snprintf(r.name, sizeof(r.name), "ram1");
	assert_int_equal(mem_map_add(&mem, &r, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "IOMMU_IOAS_MAP of ram1"));
	mem_map_remove_listener(&mem, &ctx.dma.l, false);
	fi.ioas_live = true;
	vfio_close(&ctx);
	munmap(ram, 0x201000);
}

/* Hot reset through the iommufd: no group fds, and who is not ours. */
static void test_iommufd_hot_reset(void **state)
{
	struct pv_error err = { "" };
	struct vfio_ctx ctx;

	assert_int_equal(
		open_one(&ctx, IOMMU_MODE_IOMMUFD, NULL, NULL, -1, BDF, &err),
		0);
	fi.nr_reset_devs = 2;
	fi.reset_devids[0] = fi.devid;
	fi.reset_devids[1] = (uint32_t)VFIO_PCI_DEVID_NOT_OWNED;
	fi.reset_info_owned = false;
	assert_int_equal(ctx.be->reset(&ctx, &ctx.devs[0], &err), -EPERM);
	assert_non_null(strstr(err.msg, "0000:01:00.1"));
	assert_int_equal(fake_iommufd_find(&fi, "VFIO_DEVICE_PCI_HOT_RESET", 0),
			 -1);

	fi.reset_devids[1] = VFIO_PCI_DEVID_OWNED;
	fi.reset_info_owned = true;
	fi.hot_reset_count = -1;
	assert_int_equal(ctx.be->reset(&ctx, &ctx.devs[0], &err), 0);
	assert_int_equal(fi.hot_reset_count, 0); /* empty group fd array */
	vfio_close(&ctx);
}

/* auto: iommufd when it is there; a failure falls back, forced does not. */
static void test_fallback(void **state)
{
	struct pv_error err = { "" };
	struct hook_rec rec = { .n = 0 };
	struct vfio_ctx ctx;
	int bind;

	fi.bind_error = -ENOTTY; /* a kernel whose VFIO lacks the cdev ioctl */
	assert_int_equal(
		open_one(&ctx, IOMMU_MODE_AUTO, &rec, NULL, -1, BDF, &err), 0);
	assert_string_equal(vfio_backend_name(&ctx), "type1");
	bind = fake_iommufd_find(&fi, "VFIO_DEVICE_BIND_IOMMUFD", 0);
	assert_true(bind >= 0);
	assert_true(fake_iommufd_find(&fi, "VFIO_GET_API_VERSION", bind) >
		    bind);
	assert_int_equal(fi.set_iommu_type, VFIO_TYPE1v2_IOMMU);
	assert_int_equal(rec.n, 1);
	assert_string_equal(rec.names[0], "group 7");
	vfio_close(&ctx);

	/* Forced: the failure is the error, no type1 attempt. */
	fake_iommufd_init(&fi, &fv);
	fi.bind_error = -ENOTTY;
	assert_int_equal(
		open_one(&ctx, IOMMU_MODE_IOMMUFD, NULL, NULL, -1, BDF, &err),
		-ENOTTY);
	assert_non_null(strstr(err.msg, "VFIO_DEVICE_BIND_IOMMUFD"));
	assert_int_equal(fake_iommufd_find(&fi, "VFIO_GET_API_VERSION", 0), -1);

	/* No /dev/iommu: auto takes type1 without trying; forced says why. */
	fake_iommufd_init(&fi, &fv);
	{
		char p[256];

		snprintf(p, sizeof(p), "%s/iommu", fs.dev);
		assert_int_equal(unlink(p), 0);
	}
	assert_int_equal(
		open_one(&ctx, IOMMU_MODE_AUTO, NULL, NULL, -1, BDF, &err), 0);
	assert_string_equal(vfio_backend_name(&ctx), "type1");
	assert_int_equal(fake_iommufd_find(&fi, "VFIO_DEVICE_BIND_IOMMUFD", 0),
			 -1);
	vfio_close(&ctx);
	assert_int_equal(
		open_one(&ctx, IOMMU_MODE_IOMMUFD, NULL, NULL, -1, BDF, &err),
		-ENODEV);
	assert_non_null(strstr(err.msg, "--iommu iommufd"));
	assert_non_null(strstr(err.msg, "/dev/iommu is absent"));
	/* --iommu type1 never looks at iommufd. */
	dev_node("iommu");
	fake_iommufd_init(&fi, &fv);
	assert_int_equal(
		open_one(&ctx, IOMMU_MODE_TYPE1, NULL, NULL, -1, BDF, &err), 0);
	assert_string_equal(vfio_backend_name(&ctx), "type1");
	assert_int_equal(fake_iommufd_find(&fi, "IOMMU_IOAS_ALLOC", 0), -1);
	vfio_close(&ctx);
}

/* What fallback_open() ran into, for stderr_lines(). */
static int fallback_ret;
static char fallback_be[16];

/* vfio_open with --iommu auto and --trace vfio, as stderr_lines' @fn. */
static void fallback_open(void)
{
	struct pv_error err = { "" };
	struct vfio_ctx ctx;
	unsigned int saved = trace_mask;

	trace_mask = TRACE_VFIO;
	fallback_ret =
		open_one(&ctx, IOMMU_MODE_AUTO, NULL, NULL, -1, BDF, &err);
	trace_mask = saved;
	snprintf(fallback_be, sizeof(fallback_be), "%s",
		 fallback_ret ? "" : vfio_backend_name(&ctx));
	if (!fallback_ret)
		vfio_close(&ctx);
}

/* stderr lines of fallback_open() holding @what; the run must succeed on
 * the type1 container. */
static int fallback_lines(const char *what)
{
	int n = stderr_lines(fallback_open, what);

	assert_int_equal(fallback_ret, 0);
	assert_string_equal(fallback_be, "type1");
	return n;
}

/*
 * Never silently (issue #10, "Bad input"): iommufd missing, or lacking a
 * feature (an ioctl its kernel does not know, a device without a cdev),
 * gives the type1 container and a --trace vfio line saying why; where
 * iommufd is there but could not be used, a warning too, whatever --trace.
 */
static void test_fallback_says_why(void **state)
{
	char p[256];

	/* VFIO without the cdev ioctls (ENOTTY): warned and traced */
	fi.bind_error = -ENOTTY;
	assert_int_equal(fallback_lines("warning: iommufd failed ("), 1);
	fake_iommufd_init(&fi, &fv);
	fi.bind_error = -ENOTTY;
	assert_int_equal(fallback_lines("VFIO_DEVICE_BIND_IOMMUFD"), 2);
	fake_iommufd_init(&fi, &fv);
	fi.bind_error = -ENOTTY;
	assert_int_equal(
		fallback_lines("] vfio: backend type1: iommufd failed: "), 1);
	/* an iommufd without IOMMU_IOAS_IOVA_RANGES */
	fake_iommufd_init(&fi, &fv);
	fi.ranges_error = -ENOTTY;
	assert_int_equal(fallback_lines("IOMMU_IOAS_IOVA_RANGES"), 2);
	fake_iommufd_init(&fi, &fv);
	fi.ranges_error = -ENOTTY;
	assert_int_equal(fallback_lines("falling back to the type1 container"),
			 1);

	/* /dev/iommu there, the device without its cdev node: warned */
	fake_iommufd_init(&fi, &fv);
	snprintf(p, sizeof(p), "%s/vfio/devices/vfio0", fs.dev);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(
		fallback_lines("warning: IOMMU backend: the type1 "
			       "container although /dev/iommu exists: " BDF
			       " has no VFIO device cdev"),
		1);
	dev_node("vfio/devices/vfio0");

	/* no /dev/iommu: the expected case on Debian's kernels, traced */
	fake_iommufd_init(&fi, &fv);
	snprintf(p, sizeof(p), "%s/iommu", fs.dev);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(fallback_lines("] vfio: backend the type1 container: "
					"/dev/iommu is absent"),
			 1);
	assert_int_equal(fallback_lines("warning:"), 0);
	dev_node("iommu");
}

/* Open and close with --iommu iommufd and --trace vfio. */
static void narrated_open(void)
{
	struct pv_error err = { "" };
	struct vfio_ctx ctx;
	unsigned int saved = trace_mask;

	trace_mask = TRACE_VFIO;
	fallback_ret =
		open_one(&ctx, IOMMU_MODE_IOMMUFD, NULL, NULL, -1, BDF, &err);
	if (!fallback_ret)
		vfio_close(&ctx);
	trace_mask = saved;
}

/* --trace vfio tells the steps of Documentation/userspace-api/iommufd.rst,
 * one line each. */
static void test_iommufd_narrated(void **state)
{
	static const char *const steps[] = {
		"] vfio: backend iommufd, as --iommu iommufd asks",
		"/vfio/devices/vfio0 opened (fd ",
		"] vfio: device " BDF " bound to the iommufd: devid ",
		"allocated (the I/O address space)",
		"] vfio: device " BDF " attached to IOAS ",
		"IOVA ranges, alignment 0x1000",
		"] vfio: device " BDF " detached from HWPT ",
		"] vfio: device " BDF " unbound (cdev closed)",
		" destroyed",
		"] vfio: iommufd closed",
	};

	for (unsigned int i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		fake_iommufd_init(&fi, &fv);
		if (stderr_lines(narrated_open, steps[i]) != 1)
			fail_msg("--trace vfio: no single line '%s'", steps[i]);
		assert_int_equal(fallback_ret, 0);
	}
}

/* The decision itself, as doctor reports it. */
static void test_choose(void **state)
{
	struct iommufd_host h = { .dev_iommu = true, .config = 1 };
	struct pci_addr a[2];
	bool cdev[2] = { true, false };
	char why[512];
	bool fb;

	pci_addr_parse("0000:01:00.0", &a[0]);
	pci_addr_parse("0000:02:00.0", &a[1]);
	assert_int_equal(host_iommu_choose(IOMMU_MODE_AUTO, &h, cdev, a, 1, why,
					   sizeof(why), &fb),
			 IOMMU_BACKEND_IOMMUFD);
	assert_false(fb);
	/* One device without a cdev: type1, with a warning that names it. */
	assert_int_equal(host_iommu_choose(IOMMU_MODE_AUTO, &h, cdev, a, 2, why,
					   sizeof(why), &fb),
			 IOMMU_BACKEND_TYPE1);
	assert_true(fb);
	assert_non_null(strstr(why, "0000:02:00.0 has no VFIO device cdev"));
	assert_int_equal(host_iommu_choose(IOMMU_MODE_IOMMUFD, &h, cdev, a, 2,
					   why, sizeof(why), &fb),
			 -ENODEV);
	assert_int_equal(host_iommu_choose(IOMMU_MODE_TYPE1, &h, cdev, a, 1,
					   why, sizeof(why), &fb),
			 IOMMU_BACKEND_TYPE1);
	/* No /dev/iommu, the kernel config says why. */
	h = (struct iommufd_host){ .dev_iommu_errno = ENOENT, .config = 0 };
	snprintf(h.config_src, sizeof(h.config_src), "/boot/config-6.1.0");
	assert_int_equal(host_iommu_choose(IOMMU_MODE_AUTO, &h, cdev, a, 1, why,
					   sizeof(why), &fb),
			 IOMMU_BACKEND_TYPE1);
	assert_false(fb);
	assert_non_null(strstr(why, "without CONFIG_IOMMUFD"));
	assert_non_null(strstr(why, "/boot/config-6.1.0"));
	assert_int_equal(iommu_mode_parse("iommufd", &(enum iommu_mode){ 0 }),
			 0);
	assert_int_equal(iommu_mode_parse("vfio", &(enum iommu_mode){ 0 }),
			 -EINVAL);
}

/* /sys/dev/char links name the device behind a major:minor. */
static void test_chardev_classify(void **state)
{
	struct chardev_id id;

	host_chardev_classify(10, 232, NULL, &id);
	assert_int_equal(id.kind, CHARDEV_KVM);
	host_chardev_classify(10, 196, "../../devices/virtual/misc/vfio", &id);
	assert_int_equal(id.kind, CHARDEV_VFIO_CONTAINER);
	host_chardev_classify(10, 257, "../../devices/virtual/misc/iommu", &id);
	assert_int_equal(id.kind, CHARDEV_IOMMUFD);
	host_chardev_classify(246, 3, "../../devices/virtual/vfio/12", &id);
	assert_int_equal(id.kind, CHARDEV_VFIO_GROUP);
	assert_int_equal(id.group, 12);
	host_chardev_classify(246, 0, "../../devices/virtual/vfio/noiommu-0",
			      &id);
	assert_int_equal(id.kind, CHARDEV_OTHER);
	host_chardev_classify(
		245, 0,
		"../../devices/pci0000:00/0000:00:01.0/0000:01:00.0/vfio-dev/vfio3",
		&id);
	assert_int_equal(id.kind, CHARDEV_VFIO_CDEV);
	assert_string_equal(id.cdev, "vfio3");
	assert_int_equal(id.addr.bus, 1);
	host_chardev_classify(1, 3, "../../devices/virtual/mem/null", &id);
	assert_int_equal(id.kind, CHARDEV_OTHER);
	assert_non_null(strstr(id.desc, "1:3 (virtual/mem/null)"));
}

/* Point the fake sysfs link of /dev/null's 1:3 at @target. */
static void null_is(const char *target)
{
	struct stat st;
	char rel[64];

	assert_int_equal(stat("/dev/null", &st), 0);
	snprintf(rel, sizeof(rel), "sys/dev/char/%u:%u", major(st.st_rdev),
		 minor(st.st_rdev));
	{
		char p[320];

		snprintf(p, sizeof(p), "%s/%s", fs.root, rel);
		unlink(p);
	}
	assert_int_equal(fake_sysfs_symlink(&fs, rel, target), 0);
}

/* Each kind of pre-opened fd, and the wrong kinds of file for it. */
static void test_fd_kinds(void **state)
{
	struct pv_error err = { "" };
	struct vfio_fd_info info;
	struct vfio_ctx ctx;
	char tmp[] = "/tmp/passvm-fd-XXXXXX";
	int p[2], reg, null;

	vfio_ctx_init(&ctx);
	snprintf(ctx.sysfs_root, sizeof(ctx.sysfs_root), "%.*s",
		 (int)sizeof(ctx.sysfs_root) - 1, fs.sys);
	ctx.iof = fake_iommufd_factory(&fi);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(vfio_fd_identify(&ctx, p[0], true, &info, &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "is a pipe, not /dev/vfio/vfio or "
					"/dev/iommu"));
	reg = mkstemp(tmp);
	assert_true(reg >= 0);
	unlink(tmp);
	assert_int_equal(vfio_fd_identify(&ctx, reg, false, &info, &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "is a regular file"));
	assert_int_equal(vfio_fd_identify(&ctx, 1000, false, &info, &err),
			 -EBADF);
	assert_non_null(strstr(err.msg, "not open"));

	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	assert_true(null >= 0);
	/* An unknown character device. */
	assert_int_equal(vfio_fd_identify(&ctx, null, true, &info, &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "another character device"));
	/* Claimed /dev/iommu: IOMMU_IOAS_ALLOC then IOMMU_DESTROY prove it. */
	null_is("../../devices/virtual/misc/iommu");
	assert_int_equal(vfio_fd_identify(&ctx, null, true, &info, &err), 0);
	assert_int_equal(info.kind, VFIO_FD_IOMMUFD);
	assert_int_equal(fi.ioas_allocs, 1);
	assert_int_equal(fi.ioas_destroys, 1);
	fi.alloc_error = -ENOTTY;
	assert_int_equal(vfio_fd_identify(&ctx, null, true, &info, &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "IOMMU_IOAS_ALLOC on it fails"));
	fi.alloc_error = 0;
	/* /dev/iommu given where a group or cdev is wanted. */
	assert_int_equal(vfio_fd_identify(&ctx, null, false, &info, &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "/dev/iommu"));
	assert_non_null(strstr(err.msg, "not a VFIO group"));
	/* A group, a cdev (whose address is read back). */
	null_is("../../devices/virtual/vfio/7");
	assert_int_equal(vfio_fd_identify(&ctx, null, false, &info, &err), 0);
	assert_int_equal(info.kind, VFIO_FD_GROUP);
	assert_int_equal(info.group, 7);
	null_is("../../devices/pci0000:00/" BDF "/vfio-dev/vfio0");
	assert_int_equal(vfio_fd_identify(&ctx, null, false, &info, &err), 0);
	assert_int_equal(info.kind, VFIO_FD_CDEV);
	assert_int_equal(info.addr.bus, 1);
	assert_int_equal(vfio_fd_identify(&ctx, null, true, &info, &err),
			 -EINVAL);
	/* /dev/kvm: a pipe and /dev/null are refused. */
	assert_int_equal(kvm_fd_check(fs.sys, p[1], &err), -EINVAL);
	assert_non_null(strstr(err.msg, "a pipe, not /dev/kvm"));
	assert_int_equal(kvm_fd_check(fs.sys, null, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "not /dev/kvm"));
	assert_int_equal(kvm_fd_check(fs.sys, 1000, &err), -EBADF);
	close(p[0]);
	close(p[1]);
	close(reg);
	close(null);
}

/*
 * The right device number but the wrong file behind it (the kernel's own
 * ioctls on /dev/null, no fake): each kind's harmless ioctl fails, and
 * the message names the kind, the call and the error; a group or cdev
 * given as --iommu-fd is refused by kind.
 */
static void test_fd_ioctl_refuses(void **state)
{
	struct pv_error err = { "" };
	struct vfio_fd_info info;
	struct vfio_ctx ctx;
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	assert_true(null >= 0);
	vfio_ctx_init(&ctx);
	snprintf(ctx.sysfs_root, sizeof(ctx.sysfs_root), "%.*s",
		 (int)sizeof(ctx.sysfs_root) - 1, fs.sys);
	null_is("../../devices/virtual/vfio/7");
	assert_int_equal(vfio_fd_identify(&ctx, null, false, &info, &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "--vfio fd="));
	assert_non_null(strstr(err.msg,
			       "looks like a VFIO group /dev/vfio/N "
			       "but VFIO_GROUP_GET_STATUS on it fails"));
	assert_int_equal(vfio_fd_identify(&ctx, null, true, &info, &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "--iommu-fd "));
	assert_non_null(strstr(err.msg, "not /dev/vfio/vfio or /dev/iommu"));
	null_is("../../devices/pci0000:00/" BDF "/vfio-dev/vfio0");
	assert_int_equal(vfio_fd_identify(&ctx, null, false, &info, &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "looks like a VFIO device cdev "
					"/dev/vfio/devices/vfioN but "
					"VFIO_DEVICE_GET_INFO on it fails"));
	null_is("../../devices/virtual/misc/iommu");
	assert_int_equal(vfio_fd_identify(&ctx, null, true, &info, &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "looks like /dev/iommu but "
					"IOMMU_IOAS_ALLOC on it fails"));
	close(null);
}

/* vfio_open with a cdev fd: its address comes from the fd, iommufd forced. */
static void test_open_with_fds(void **state)
{
	struct pv_error err = { "" };
	struct vfio_ctx ctx;
	int fds[1];

	null_is("../../devices/pci0000:00/" BDF "/vfio-dev/vfio0");
	fds[0] = open("/dev/null", O_RDWR);
	assert_true(fds[0] >= 0);
	assert_int_equal(
		open_one(&ctx, IOMMU_MODE_AUTO, NULL, fds, -1, "", &err), 0);
	assert_string_equal(vfio_backend_name(&ctx), "iommufd");
	assert_string_equal(ctx.devs[0].bdf, BDF);
	assert_int_equal(ctx.devs[0].fd, fds[0]);
	assert_true(fcntl(fds[0], F_GETFD) & FD_CLOEXEC);
	vfio_close(&ctx);
	assert_int_equal(fcntl(fds[0], F_GETFD), -1); /* owned: closed */

	/* A cdev fd with another device's bdf=, or --iommu type1: refused,
	 * and the fd is closed all the same. */
	fds[0] = open("/dev/null", O_RDWR);
	assert_int_equal(open_one(&ctx, IOMMU_MODE_AUTO, NULL, fds, -1,
				  "0000:02:00.0", &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "is the cdev vfio0 of " BDF));
	assert_int_equal(fcntl(fds[0], F_GETFD), -1);
	fds[0] = open("/dev/null", O_RDWR);
	assert_int_equal(
		open_one(&ctx, IOMMU_MODE_TYPE1, NULL, fds, -1, "", &err),
		-EINVAL);
	assert_non_null(strstr(err.msg, "--iommu type1 contradicts"));
	assert_int_equal(fcntl(fds[0], F_GETFD), -1);

	/* A group fd: its only member is the device. */
	null_is("../../devices/virtual/vfio/7");
	fds[0] = open("/dev/null", O_RDWR);
	fake_iommufd_init(&fi, &fv);
	assert_int_equal(
		open_one(&ctx, IOMMU_MODE_AUTO, NULL, fds, -1, "", &err), 0);
	assert_string_equal(vfio_backend_name(&ctx), "type1");
	assert_string_equal(ctx.devs[0].bdf, BDF);
	assert_int_equal(ctx.groups[0].fd, fds[0]);
	vfio_close(&ctx);
	assert_int_equal(fcntl(fds[0], F_GETFD), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_iommufd_sequence),
		T(test_iommufd_dma_follows_map),
		T(test_iommufd_hot_reset),
		T(test_fallback),
		T(test_fallback_says_why),
		T(test_iommufd_narrated),
		T(test_choose),
		T(test_chardev_classify),
		T(test_fd_kinds),
		T(test_fd_ioctl_refuses),
		T(test_open_with_fds),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
