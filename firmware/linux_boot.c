// SPDX-License-Identifier: GPL-2.0
/*
 * Loading Linux for the 64-bit boot protocol
 * (Documentation/arch/x86/boot.rst, "64-bit BOOT PROTOCOL" and "SAMPLE
 * BOOT CONFIGURATION"): kernel, command line, initrd and zero page in
 * guest RAM. The VMM sets up page tables and registers.
 */
#include "firmware/linux_boot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "firmware/bootparam.h"
#include "memory/layout.h"

#define PAGE_SIZE 4096ull
/* boot.rst: heap_end_ptr is relative to the setup code's start + 0x200. */
#define BOOT_HEAP_END 0xe000u

static_assert(BOOT_ZERO_PAGE_GPA + sizeof(struct bp_boot_params) <=
		      BOOT_PML4_GPA,
	      "zero page overlaps the page tables");
static_assert(BOOT_CMDLINE_GPA + BOOT_CMDLINE_MAX <= 0x9fc00,
	      "command line runs into the EBDA");

static unsigned long long mib_up(uint64_t bytes)
{
	return (unsigned long long)((bytes + SZ_1M - 1) / SZ_1M);
}

/* Read @len bytes from @fd into @dst; -errno, or -EIO if the file ends. */
static int read_fd_all(int fd, uint8_t *dst, uint64_t len)
{
	uint64_t done = 0;

	while (done < len) {
		size_t chunk = len - done > (1u << 30) ? (1u << 30) :
							 (size_t)(len - done);
		ssize_t n = read(fd, dst + done, chunk);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO; /* file shrank under us */
		done += (uint64_t)n;
	}
	return 0;
}

/*
 * Open the regular file @path (@what, e.g. "kernel", names it in messages):
 * returns the fd and its size in bytes in *size, or -errno.
 */
static int open_file(const char *what, const char *path, uint64_t *size,
		     struct pv_error *err)
{
	struct stat st;
	int fd, e;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		return pv_seterr(err, e,
				 "cannot open %s %s: %s: check the path "
				 "and its permissions",
				 what, path, strerror(e));
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return pv_seterr(err, EINVAL,
				 "%s %s is not a regular file: pass the "
				 "path of the file itself",
				 what, path);
	}
	*size = (uint64_t)st.st_size;
	return fd;
}

static int read_failed(const char *what, const char *path, int ret,
		       struct pv_error *err)
{
	return pv_seterr(
		err, ret, "cannot read %s %s: %s: check the file", what, path,
		ret == -EIO ? "it got shorter while reading" : strerror(-ret));
}

/* Where the kernel's decompressor works: [BOOT_KERNEL_GPA, end). */
static uint64_t kernel_end(const struct bzimage_info *bi)
{
	uint64_t base = BOOT_KERNEL_GPA, end;
	uint64_t align = bi->kernel_alignment;

	/*
	 * The decompressor runs at max(load address, LOAD_PHYSICAL_ADDR =
	 * pref_address) rounded up to kernel_alignment and uses init_size
	 * bytes from there.
	 */
	if (bi->pref_address > base && bi->pref_address < SZ_4G)
		base = bi->pref_address;
	if (align && !(align & (align - 1)) && align <= SZ_1G)
		base = (base + align - 1) & ~(align - 1);
	end = base + bi->init_size;
	if (end < BOOT_KERNEL_GPA + bi->kernel_size)
		end = BOOT_KERNEL_GPA + bi->kernel_size;
	return end;
}

/*
 * Pick the initrd's GPA: the highest page-aligned spot below
 * min(initrd_addr_max + 1, low RAM end) that stays above @kend.
 */
static int place_initrd(const struct linux_boot_args *a,
			const struct bzimage_info *bi, uint64_t kend,
			uint64_t size, uint64_t *gpa, struct pv_error *err)
{
	uint64_t limit = (uint64_t)bi->initrd_addr_max + 1;
	uint64_t top = a->low_ram_size < limit ? a->low_ram_size : limit;
	uint64_t at;

	kend = (kend + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	if (size <= top && ((top - size) & ~(PAGE_SIZE - 1)) >= kend) {
		at = (top - size) & ~(PAGE_SIZE - 1);
		*gpa = at;
		return 0;
	}
	if (a->low_ram_size < limit)
		return pv_seterr(err, E2BIG,
				 "initrd (%llu MiB) does not fit below 0x%x "
				 "in %llu MiB of RAM with the kernel using "
				 "the first %llu MiB: give more --mem (at "
				 "least %llu MiB)",
				 mib_up(size), bi->initrd_addr_max,
				 (unsigned long long)(a->low_ram_size / SZ_1M),
				 mib_up(kend), mib_up(kend) + mib_up(size));
	return pv_seterr(err, E2BIG,
			 "initrd (%llu MiB) does not fit between the kernel "
			 "(up to %llu MiB) and the kernel's initrd_addr_max "
			 "0x%x: use a smaller initrd (at most %llu MiB)",
			 mib_up(size), mib_up(kend), bi->initrd_addr_max,
			 (unsigned long long)(limit > kend ?
						      (limit - kend) / SZ_1M :
						      0));
}

static void fill_zero_page(struct bp_boot_params *zp, const uint8_t *img,
			   const struct linux_boot_args *a,
			   const struct bzimage_info *bi, uint64_t initrd_gpa,
			   uint64_t initrd_size)
{
	size_t hdr_end = 0x202u + img[BP_HDR_LEN_BYTE];
	unsigned int i;

	memset(zp, 0, sizeof(*zp));
	/* boot.rst "64-bit BOOT PROTOCOL": copy the header as is. */
	memcpy((uint8_t *)zp + BP_HDR_START, img + BP_HDR_START,
	       hdr_end - BP_HDR_START);
	zp->hdr.type_of_loader = 0xff; /* undefined boot loader */
	zp->hdr.loadflags |= BP_LOADED_HIGH | BP_CAN_USE_HEAP;
	zp->hdr.heap_end_ptr = BOOT_HEAP_END - 0x200;
	zp->hdr.cmd_line_ptr = (uint32_t)BOOT_CMDLINE_GPA;
	zp->ext_cmd_line_ptr = (uint32_t)((uint64_t)BOOT_CMDLINE_GPA >> 32);
	zp->hdr.ramdisk_image = (uint32_t)initrd_gpa;
	zp->hdr.ramdisk_size = (uint32_t)initrd_size;
	zp->ext_ramdisk_image = (uint32_t)(initrd_gpa >> 32);
	zp->ext_ramdisk_size = (uint32_t)(initrd_size >> 32);
	zp->e820_entries = (uint8_t)a->nr_e820;
	for (i = 0; i < a->nr_e820; i++) {
		zp->e820_table[i].addr = a->e820[i].addr;
		zp->e820_table[i].size = a->e820[i].size;
		zp->e820_table[i].type = a->e820[i].type;
	}
	if (bi->protocol >= 0x020e)
		zp->acpi_rsdp_addr = a->rsdp_gpa;
}

/*
 * linux_boot_load() - load @a->kernel_path (and @a->initrd_path) into the
 * guest RAM at HVA @a->ram (GPA 0, @a->low_ram_size bytes, owned by the
 * caller) following boot.rst "64-bit BOOT PROTOCOL":
 *   - the protected-mode kernel at GPA BOOT_KERNEL_GPA; its decompressor
 *     needs init_size bytes from max(BOOT_KERNEL_GPA, pref_address);
 *   - the command line (NUL-terminated, at most cmdline_size bytes) at
 *     BOOT_CMDLINE_GPA;
 *   - the initrd, page aligned, as high as possible below
 *     min(initrd_addr_max + 1, low_ram_size) and above the kernel;
 *   - the zero page (4 KiB) at BOOT_ZERO_PAGE_GPA: the image's setup
 *     header at 0x1f1, type_of_loader 0xff, LOADED_HIGH|CAN_USE_HEAP,
 *     heap_end_ptr, cmd_line_ptr, ramdisk_image/size (+ ext_ at 0xc0),
 *     e820_entries (0x1e8) and e820_table (0x2d0), acpi_rsdp_addr (0x070,
 *     protocol >= 2.14).
 * @res gets GPAs: the 64-bit entry, the zero page (for RSI), the initrd.
 * Errors (message in @err): -ENOENT/-EACCES/-EINVAL (cannot open or read a
 * file), -ENOEXEC (not a usable bzImage), -E2BIG (kernel, initrd, command
 * line or e820 map does not fit), -EINVAL (bad arguments). Guest RAM may
 * have been partly written on error.
 */
int linux_boot_load(const struct linux_boot_args *a,
		    struct linux_boot_result *res, struct pv_error *err)
{
	const char *cmdline = a->cmdline ? a->cmdline : "";
	size_t cmd_len = strlen(cmdline);
	uint64_t klen, kend, initrd_size = 0, initrd_gpa = 0;
	struct bzimage_info bi;
	uint8_t *img = NULL;
	int fd, ret;

	memset(res, 0, sizeof(*res));
	if (!a->ram || !a->kernel_path)
		return pv_seterr(err, EINVAL,
				 "linux_boot_load: no guest RAM or kernel");
	if (!a->nr_e820 || !a->e820)
		return pv_seterr(err, EINVAL,
				 "linux_boot_load: no memory map for the "
				 "guest");
	if (a->nr_e820 > BP_E820_MAX)
		return pv_seterr(err, E2BIG,
				 "memory map has %u ranges, the zero page "
				 "holds %u: give fewer reserved ranges",
				 a->nr_e820, BP_E820_MAX);
	if (a->low_ram_size < 2 * SZ_1M)
		return pv_seterr(err, E2BIG,
				 "%llu KiB of RAM is too little to boot "
				 "Linux: give more --mem",
				 (unsigned long long)(a->low_ram_size / SZ_1K));

	fd = open_file("kernel", a->kernel_path, &klen, err);
	if (fd < 0)
		return fd;
	if (klen > a->low_ram_size) {
		close(fd);
		return pv_seterr(err, E2BIG,
				 "kernel %s (%llu MiB) is larger than the "
				 "%llu MiB of RAM: give more --mem",
				 a->kernel_path, mib_up(klen),
				 (unsigned long long)(a->low_ram_size / SZ_1M));
	}
	img = malloc(klen ? klen : 1);
	if (!img) {
		close(fd);
		return pv_seterr(err, ENOMEM, "out of memory reading %s",
				 a->kernel_path);
	}
	ret = read_fd_all(fd, img, klen);
	close(fd);
	if (ret < 0) {
		ret = read_failed("kernel", a->kernel_path, ret, err);
		goto out;
	}
	ret = bzimage_parse(img, klen, &bi, err);
	if (ret < 0) {
		/* Say which file, keeping the advice. */
		if (err) {
			char tmp[sizeof(err->msg)];

			memcpy(tmp, err->msg, sizeof(tmp));
			pv_seterr(err, -ret, "%s: %s", a->kernel_path, tmp);
		}
		goto out;
	}

	if (cmd_len > bi.cmdline_size || cmd_len + 1 > BOOT_CMDLINE_MAX) {
		uint32_t max = bi.cmdline_size < BOOT_CMDLINE_MAX - 1 ?
				       bi.cmdline_size :
				       BOOT_CMDLINE_MAX - 1;

		ret = pv_seterr(err, E2BIG,
				"kernel command line is %zu bytes but the "
				"kernel takes at most %u (cmdline_size): "
				"shorten it",
				cmd_len, max);
		goto out;
	}

	kend = kernel_end(&bi);
	if (kend > a->low_ram_size) {
		ret = pv_seterr(err, E2BIG,
				"kernel needs RAM up to %llu MiB (init_size "
				"%llu MiB) but the guest has %llu MiB from "
				"address 0: give more --mem (at least %llu "
				"MiB)",
				mib_up(kend), mib_up(bi.init_size),
				(unsigned long long)(a->low_ram_size / SZ_1M),
				mib_up(kend));
		goto out;
	}

	if (a->initrd_path) {
		fd = open_file("initrd", a->initrd_path, &initrd_size, err);
		if (fd < 0) {
			ret = fd;
			goto out;
		}
		ret = place_initrd(a, &bi, kend, initrd_size, &initrd_gpa, err);
		if (!ret) {
			ret = read_fd_all(fd, a->ram + initrd_gpa, initrd_size);
			if (ret < 0)
				read_failed("initrd", a->initrd_path, ret, err);
		}
		close(fd);
		if (ret < 0)
			goto out;
	}

	memcpy(a->ram + BOOT_KERNEL_GPA, img + bi.setup_size, bi.kernel_size);
	memcpy(a->ram + BOOT_CMDLINE_GPA, cmdline, cmd_len + 1);
	fill_zero_page((struct bp_boot_params *)(a->ram + BOOT_ZERO_PAGE_GPA),
		       img, a, &bi, initrd_gpa, initrd_size);

	res->entry_gpa = BOOT_KERNEL_GPA + 0x200;
	res->zero_page_gpa = BOOT_ZERO_PAGE_GPA;
	res->initrd_gpa = initrd_gpa;
	res->initrd_size = initrd_size;
	res->info = bi;
	pv_trace(TRACE_BOOT,
		 "linux: protocol %u.%02u, kernel %llu bytes at 0x%llx "
		 "(needs up to 0x%llx), initrd %llu bytes at 0x%llx, "
		 "cmdline %zu bytes",
		 bi.protocol >> 8, bi.protocol & 0xff,
		 (unsigned long long)bi.kernel_size,
		 (unsigned long long)BOOT_KERNEL_GPA, (unsigned long long)kend,
		 (unsigned long long)initrd_size,
		 (unsigned long long)initrd_gpa, cmd_len);
	ret = 0;
out:
	free(img);
	return ret;
}
