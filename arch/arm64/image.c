// SPDX-License-Identifier: GPL-2.0
/*
 * The arm64 Image boot protocol (arch/arm64/image.h), after
 * Documentation/arch/arm64/booting.rst §3 (the device tree: 8-byte
 * aligned, at most 2 MiB, not sharing a 2 MiB block with anything mapped
 * differently), §4 (the Image header and placement), §5 (the initrd in
 * the kernel's 32 GiB window).
 */
#include "arch/arm64/image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arch/arm64/layout.h"
#include "firmware/kernel_format.h"

#define PAGE 4096ull
#define INITRD_WINDOW (32 * SZ_1G - SZ_1G) /* stay inside 32 GiB */

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static unsigned long long mib_up(uint64_t bytes)
{
	return (unsigned long long)((bytes + SZ_1M - 1) / SZ_1M);
}

int arm64_image_parse(const uint8_t *img, size_t len,
		      struct arm64_image_info *info, struct pv_error *err)
{
	static const unsigned int page_kib[4] = { 0, 4, 16, 64 };
	memset(info, 0, sizeof(*info));
	if (!img || len < ARM64_IMAGE_HDR_SIZE ||
	    kernel_format_of(img, len) != KERNEL_ARM64_IMAGE) {
		enum kernel_format f = kernel_format_of(img, len);

		return pv_seterr(
			err, ENOEXEC,
			"kernel image is %s, not an arm64 Image: %s",
			kernel_format_name(img, len),
			f == KERNEL_X86_BZIMAGE ?
				"an x86 kernel boots under passvm built for x86_64, on an x86 host" :
			f == KERNEL_GZIP ?
				"Debian's arm64 vmlinuz is a gzip-compressed Image: boot the Image itself (zcat vmlinuz >Image)" :
			f == KERNEL_EFI_ZBOOT ?
				"this kernel was built with CONFIG_EFI_ZBOOT: boot its arch/arm64/boot/Image" :
				"pass the kernel's arch/arm64/boot/Image");
	}
	info->text_offset = le64(img + 8);
	info->image_size = le64(img + 16);
	info->flags = le64(img + 24);
	info->page_kib = page_kib[(info->flags >> ARM64_IMAGE_PAGE_SHIFT) & 3];
	if (info->flags & ARM64_IMAGE_FLAG_BE)
		return pv_seterr(err, ENOEXEC,
				 "kernel image is a big-endian arm64 Image: "
				 "passvm boots little-endian kernels only");
	if (!info->image_size)
		return pv_seterr(
			err, ENOEXEC,
			"kernel image has image_size 0 (a Linux "
			"older than 3.17): passvm needs 3.17 or newer");
	if (info->text_offset >= ARM64_KERNEL_ALIGN ||
	    info->text_offset % PAGE || info->image_size > 64 * SZ_1G)
		return pv_seterr(err, ENOEXEC,
				 "kernel image header is inconsistent "
				 "(text_offset 0x%llx, image_size 0x%llx): "
				 "the file is corrupt, copy it again",
				 (unsigned long long)info->text_offset,
				 (unsigned long long)info->image_size);
	return 0;
}

static int open_file(const char *what, const char *path, uint64_t *size,
		     struct pv_error *err)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC), e;

	if (fd < 0) {
		e = errno;
		return pv_seterr(err, e,
				 "cannot open %s %s: %s: check the path and "
				 "its permissions",
				 what, path, strerror(e));
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return pv_seterr(err, EINVAL,
				 "%s %s is not a regular file: pass the path "
				 "of the file itself",
				 what, path);
	}
	*size = (uint64_t)st.st_size;
	return fd;
}

/* Read @len bytes of @fd into @dst: 0, or a message naming @path. */
static int read_all(int fd, uint8_t *dst, uint64_t len, const char *what,
		    const char *path, struct pv_error *err)
{
	uint64_t done = 0;

	while (done < len) {
		size_t chunk =
			len - done > SZ_1G ? SZ_1G : (size_t)(len - done);
		ssize_t n = read(fd, dst + done, chunk);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return pv_seterr(
				err, n < 0 ? errno : EIO,
				"cannot read %s %s: %s: check the "
				"file",
				what, path,
				n < 0 ? strerror(errno) :
					"it got shorter while reading");
		done += (uint64_t)n;
	}
	return 0;
}

int arm64_boot_load(const struct arm64_boot_args *a,
		    struct arm64_boot_result *res, struct pv_error *err)
{
	uint8_t hdr[4096];
	uint64_t klen, ilen = 0, top, dtb, kernel_end;
	ssize_t got;
	int fd, ret;

	memset(res, 0, sizeof(*res));
	if (!a->ram || !a->kernel_path || a->ram_base % ARM64_KERNEL_ALIGN)
		return pv_seterr(err, EINVAL,
				 "arm64_boot_load: no guest RAM, no kernel or "
				 "a RAM base off 2 MiB");
	fd = open_file("kernel", a->kernel_path, &klen, err);
	if (fd < 0)
		return fd;
	got = pread(fd, hdr, sizeof(hdr), 0);
	if (got < 0) {
		ret = pv_seterr(err, errno, "cannot read kernel %s: %s",
				a->kernel_path, strerror(errno));
		goto out_fd;
	}
	ret = arm64_image_parse(hdr, (size_t)got < klen ? (size_t)got : klen,
				&res->info, err);
	if (!ret && res->info.image_size < klen)
		ret = pv_seterr(err, ENOEXEC,
				"kernel %s is %llu bytes but its header says "
				"image_size 0x%llx: the file is corrupt",
				a->kernel_path, (unsigned long long)klen,
				(unsigned long long)res->info.image_size);
	if (ret) {
		char tmp[sizeof(err->msg)];

		memcpy(tmp, err->msg, sizeof(tmp));
		pv_seterr(err, -ret, "%s: %s", a->kernel_path, tmp);
		goto out_fd;
	}
	res->kernel_gpa = a->ram_base + res->info.text_offset;
	kernel_end = res->kernel_gpa + res->info.image_size;
	res->kernel_end = kernel_end;

	/* The device tree's 2 MiB at the top, inside the 32 GiB window. */
	top = a->ram_base + a->ram_size;
	if (top - a->ram_base > INITRD_WINDOW)
		top = a->ram_base + INITRD_WINDOW;
	top &= ~(ARM64_KERNEL_ALIGN - 1);
	dtb = top - ARM64_DTB_MAX;
	if (top < a->ram_base + ARM64_DTB_MAX || dtb < kernel_end) {
		ret = pv_seterr(err, E2BIG,
				"kernel %s needs %llu MiB of RAM (image_size) "
				"and 2 MiB for the device tree, more than the "
				"%llu MiB the guest has: give more --mem",
				a->kernel_path,
				mib_up(kernel_end - a->ram_base),
				(unsigned long long)(a->ram_size / SZ_1M));
		goto out_fd;
	}
	ret = read_all(fd, a->ram + res->info.text_offset, klen, "kernel",
		       a->kernel_path, err);
	if (ret)
		goto out_fd;
	close(fd);
	fd = -1;
	res->dtb_gpa = dtb;

	if (a->initrd_path) {
		uint64_t at;

		fd = open_file("initrd", a->initrd_path, &ilen, err);
		if (fd < 0)
			return fd;
		at = (dtb - ilen) & ~(PAGE - 1);
		if (ilen > dtb ||
		    at < ((kernel_end + PAGE - 1) & ~(PAGE - 1))) {
			ret = pv_seterr(err, E2BIG,
					"initrd %s (%llu MiB) does not fit "
					"between the kernel (up to %llu MiB "
					"into RAM) and the device tree: give "
					"more --mem (at least %llu MiB)",
					a->initrd_path, mib_up(ilen),
					mib_up(kernel_end - a->ram_base),
					mib_up(kernel_end - a->ram_base) +
						mib_up(ilen) + 4);
			goto out_fd;
		}
		ret = read_all(fd, a->ram + (at - a->ram_base), ilen, "initrd",
			       a->initrd_path, err);
		if (ret)
			goto out_fd;
		res->initrd_gpa = at;
		res->initrd_size = ilen;
	}
	pv_trace(
		TRACE_BOOT,
		"arm64 Image: text_offset 0x%llx image_size 0x%llx flags "
		"0x%llx (%u KiB pages), kernel at 0x%llx, initrd 0x%llx+0x%llx, "
		"device tree at 0x%llx",
		(unsigned long long)res->info.text_offset,
		(unsigned long long)res->info.image_size,
		(unsigned long long)res->info.flags, res->info.page_kib,
		(unsigned long long)res->kernel_gpa,
		(unsigned long long)res->initrd_gpa,
		(unsigned long long)res->initrd_size,
		(unsigned long long)res->dtb_gpa);
	ret = 0;
out_fd:
	if (fd >= 0)
		close(fd);
	return ret;
}
