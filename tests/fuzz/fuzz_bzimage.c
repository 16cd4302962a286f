// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz harness: the bzImage parser and the Linux loader
 * (firmware/bzimage.c, firmware/linux_boot.c). The input is a kernel
 * image (and a small initrd and command line), loaded from files (memfds)
 * into a guest RAM buffer that ends at a guard page.
 *
 * Input: u8 flags (bit 0 trace; bit 1 an initrd; bit 2 the kernel path
 * does not exist; bit 3 the initrd is a directory), u8 RAM (1 MiB << (N %
 * 11), plus (N & 0x7f) * 4 KiB + 0x123 when bit 7 is set), u8 e820
 * ranges, u8 zeros after the initrd's bytes (16 KiB units), u8 zeros
 * after the kernel's (16 KiB units), u16 command-line length and its
 * bytes, u16 initrd length and its bytes, then the kernel image: the
 * rest of the input.
 *
 * Invariants: bzimage_parse() of the image in a buffer of exactly its
 * size reads nothing outside it (ASan) and, when it accepts it, reports a
 * consistent header (protocol >= 2.06, setup inside the file, the rest is
 * the kernel, init_size not 0); linux_boot_load() writes nothing past the
 * RAM it was given (the guard page) and, when it succeeds, put the
 * protected-mode kernel at 1 MiB byte for byte, the command line at
 * BOOT_CMDLINE_GPA, the initrd page-aligned above the kernel and below
 * both initrd_addr_max and the end of RAM, byte for byte, and a zero page
 * whose header and fields say so; when it fails, an errno it documents
 * and a message; no file descriptor is left open.
 */
/* FUZZ-TARGETS: firmware/bzimage.c firmware/linux_boot.c */
/* FUZZ-OPTIONS: -max_len=65536 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "firmware/bootparam.h"
#include "firmware/linux_boot.h"
#include "fuzz.h"
#include "memory/layout.h"

#define PAGE 4096ull

static int memfd_with(const char *name, const uint8_t *p, size_t n,
		      uint64_t total)
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	if ((n && write(fd, p, n) != (ssize_t)n) ||
	    ftruncate(fd, (off_t)total)) {
		close(fd);
		return -1;
	}
	return fd;
}

FZ_NOCOV static void check_parse(const uint8_t *img, size_t len)
{
	/* Exactly the image's size, so ASan sees any read past it. */
	uint8_t *copy = malloc(len ? len : 1);
	struct bzimage_info bi;
	struct pv_error err;
	int ret;

	if (!copy)
		return;
	memcpy(copy, img, len);
	ret = bzimage_parse(copy, len, &bi, &err);
	if (ret) {
		FZ_CHECK(ret == -ENOEXEC && err.msg[0], "bzimage_parse: %d",
			 ret);
	} else {
		FZ_CHECK(
			bi.protocol >= 0x0206 && bi.setup_size < len &&
				bi.setup_size >= 2 * 512 &&
				!(bi.setup_size % 512) &&
				bi.kernel_size == len - bi.setup_size &&
				bi.init_size,
			"bzimage_parse accepted protocol 0x%x setup %u kernel %llu init %u of %zu bytes",
			bi.protocol, bi.setup_size,
			(unsigned long long)bi.kernel_size, bi.init_size, len);
	}
	free(copy);
}

FZ_NOCOV static void
check_loaded(const uint8_t *ram, uint64_t ram_size, const uint8_t *img,
	     size_t len, uint64_t kzeros, const char *cmdline,
	     const uint8_t *initrd, size_t initrd_n, uint64_t initrd_total,
	     const struct e820_range *e820, unsigned int ne,
	     const struct linux_boot_result *res)
{
	const struct bp_boot_params *zp =
		(const void *)(ram + BOOT_ZERO_PAGE_GPA);
	const struct bzimage_info *bi = &res->info;
	size_t hdr_end = 0x202u + img[BP_HDR_LEN_BYTE];
	uint64_t kend = BOOT_KERNEL_GPA + bi->kernel_size, head;

	FZ_CHECK(res->entry_gpa == BOOT_KERNEL_GPA + 0x200 &&
			 res->zero_page_gpa == BOOT_ZERO_PAGE_GPA,
		 "entry 0x%llx zero page 0x%llx",
		 (unsigned long long)res->entry_gpa,
		 (unsigned long long)res->zero_page_gpa);
	/* The file is the image's bytes, then @kzeros zeros. */
	FZ_CHECK(bi->setup_size + bi->kernel_size == len + kzeros &&
			 kend <= ram_size,
		 "kernel of %llu bytes after %u of setup, file %zu + %llu",
		 (unsigned long long)bi->kernel_size, bi->setup_size, len,
		 (unsigned long long)kzeros);
	head = bi->setup_size < len ? len - bi->setup_size : 0;
	FZ_CHECK(!memcmp(ram + BOOT_KERNEL_GPA, img + bi->setup_size, head),
		 "the kernel is not at 1 MiB as in the file");
	for (uint64_t i = head; i < bi->kernel_size; i += 4093)
		FZ_CHECK(!ram[BOOT_KERNEL_GPA + i], "kernel byte %llu is not 0",
			 (unsigned long long)i);
	FZ_CHECK(!strcmp((const char *)ram + BOOT_CMDLINE_GPA, cmdline),
		 "the command line is not at 0x%x", BOOT_CMDLINE_GPA);
	FZ_CHECK(strlen(cmdline) <= bi->cmdline_size,
		 "a %zu-byte command line for a kernel taking %u",
		 strlen(cmdline), bi->cmdline_size);
	if (initrd) {
		uint64_t at = res->initrd_gpa;

		FZ_CHECK(
			res->initrd_size == initrd_total && !(at % PAGE) &&
				at >= kend && at <= ram_size &&
				initrd_total <= ram_size - at &&
				at + initrd_total <=
					(uint64_t)bi->initrd_addr_max + 1,
			"initrd of %llu bytes at 0x%llx (kernel to 0x%llx, RAM 0x%llx, max 0x%x)",
			(unsigned long long)initrd_total,
			(unsigned long long)at, (unsigned long long)kend,
			(unsigned long long)ram_size, bi->initrd_addr_max);
		FZ_CHECK(!memcmp(ram + at, initrd, initrd_n),
			 "initrd bytes differ");
		for (uint64_t i = initrd_n; i < initrd_total; i += 509)
			FZ_CHECK(!ram[at + i], "initrd byte %llu is not 0",
				 (unsigned long long)i);
	} else {
		FZ_CHECK(!res->initrd_gpa && !res->initrd_size,
			 "an initrd without one");
	}
	/* The zero page: the file's header, then what the loader sets. */
	FZ_CHECK(!memcmp((const uint8_t *)zp + BP_HDR_START, img + BP_HDR_START,
			 BP_HDR_OFF(type_of_loader) - BP_HDR_START),
		 "setup header not copied");
	FZ_CHECK(hdr_end <= BP_HDR_MAX_END, "header to 0x%zx", hdr_end);
	FZ_CHECK(zp->hdr.type_of_loader == 0xff &&
			 (zp->hdr.loadflags & BP_LOADED_HIGH) &&
			 zp->hdr.cmd_line_ptr == BOOT_CMDLINE_GPA &&
			 zp->hdr.ramdisk_image == (uint32_t)res->initrd_gpa &&
			 zp->hdr.ramdisk_size == (uint32_t)res->initrd_size &&
			 zp->ext_ramdisk_image == res->initrd_gpa >> 32 &&
			 zp->e820_entries == ne,
		 "zero page fields");
	for (unsigned int i = 0; i < ne; i++)
		FZ_CHECK(zp->e820_table[i].addr == e820[i].addr &&
				 zp->e820_table[i].size == e820[i].size &&
				 zp->e820_table[i].type == e820[i].type,
			 "e820 entry %u", i);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct e820_range e820[256];
	struct linux_boot_result res;
	struct linux_boot_args a;
	struct pv_error err = { "" };
	static char cmdline[65536 + 1];
	char kpath[64], ipath[64];
	const uint8_t *initrd, *img, *p;
	size_t cmd_n, initrd_n, img_n;
	uint64_t ram_size, map, initrd_total;
	int fds = fuzz_count_fds(), kfd = -1, ifd = -1, ret;
	uint8_t flags, sel, *ram, *region;
	unsigned int ne, extra, kextra;
	struct fz f;

	fz_init(&f, data, size);
	flags = fz_u8(&f);
	sel = fz_u8(&f);
	ne = fz_u8(&f);
	extra = fz_u8(&f);
	kextra = fz_u8(&f);
	fuzz_trace(flags & 1);
	p = fz_span(&f, fz_u16(&f), &cmd_n);
	memcpy(cmdline, p, cmd_n);
	cmdline[cmd_n] = '\0'; /* the CLI's string stops at a NUL */
	initrd = fz_span(&f, fz_u16(&f), &initrd_n);
	initrd_total = initrd_n + (uint64_t)extra * 16384;
	img = fz_span(&f, fz_left(&f), &img_n);

	if (!kextra)
		check_parse(img, img_n);

	ram_size = SZ_1M << (sel % 11);
	if (sel & 0x80)
		ram_size += (uint64_t)(sel & 0x7f) * PAGE + 0x123;
	map = (ram_size + PAGE - 1) & ~(PAGE - 1);
	/* RAM ends where a guard page starts: a write past it faults. */
	region = mmap(NULL, map + PAGE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (region == MAP_FAILED)
		return 0;
	mprotect(region + map, PAGE, PROT_NONE);
	ram = region + (map - ram_size);

	for (unsigned int i = 0; i < ne && i < 256; i++) {
		e820[i].addr = (uint64_t)i << 30;
		e820[i].size = SZ_1G - PAGE * i;
		e820[i].type = i & 1 ? E820_TYPE_RESERVED : E820_TYPE_RAM;
	}
	kfd = memfd_with("kernel", img, img_n,
			 img_n + (uint64_t)kextra * 16384);
	if (flags & 2)
		ifd = flags & 8 ? -2 :
				  memfd_with("initrd", initrd, initrd_n,
					     initrd_total);
	if (kfd < 0 || ((flags & 2) && ifd == -1))
		goto out;
	snprintf(kpath, sizeof(kpath),
		 flags & 4 ? "/proc/self/fd/nonexistent" : "/proc/self/fd/%d",
		 kfd);
	if (ifd == -2)
		snprintf(ipath, sizeof(ipath), "/proc/self");
	else
		snprintf(ipath, sizeof(ipath), "/proc/self/fd/%d", ifd);

	memset(&a, 0, sizeof(a));
	a.kernel_path = kpath;
	a.initrd_path = flags & 2 ? ipath : NULL;
	a.cmdline = cmdline;
	a.ram = ram;
	a.low_ram_size = ram_size;
	a.e820 = e820;
	a.nr_e820 = ne;
	a.rsdp_gpa = 0xe0000;
	ret = linux_boot_load(&a, &res, &err);
	pv_trace(TRACE_BOOT, "fuzz: linux_boot_load: %d %s", ret, err.msg);
	if (ret) {
		FZ_CHECK(ret == -ENOEXEC || ret == -E2BIG || ret == -EINVAL ||
				 ret == -ENOENT || ret == -EIO,
			 "linux_boot_load: %d (%s)", ret, err.msg);
		FZ_CHECK(err.msg[0], "an error (%d) without a message", ret);
	} else {
		FZ_CHECK(!(flags & 4) && !((flags & 2) && (flags & 8)),
			 "loaded a kernel or initrd that is not a file");
		check_loaded(ram, ram_size, img, img_n,
			     (uint64_t)kextra * 16384, cmdline,
			     flags & 2 ? initrd : NULL, initrd_n, initrd_total,
			     e820, ne, &res);
	}
out:
	if (kfd >= 0)
		close(kfd);
	if (ifd >= 0)
		close(ifd);
	munmap(region, map + PAGE);
	FZ_CHECK(fuzz_count_fds() == fds, "fds: %d before, %d after", fds,
		 fuzz_count_fds());
	return 0;
}
