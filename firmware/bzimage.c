// SPDX-License-Identifier: GPL-2.0
/*
 * Validating a bzImage's setup header (Documentation/arch/x86/boot.rst).
 */
#include "firmware/linux_boot.h"

#include <errno.h>
#include <string.h>

#include "firmware/bootparam.h"
#include "firmware/kernel_format.h"

#define SECTOR 512u

/*
 * bzimage_parse() - check the setup header of the bzImage at @img (@len
 * bytes of the file, HVA, borrowed for the call) and fill @info.
 *
 * boot.rst "THE REAL-MODE KERNEL HEADER": "HdrS" at 0x202 and 0xaa55 at
 * 0x1fe; the header ends at 0x202 + the byte at 0x201 and must hold the
 * fields of its protocol version; setup_sects == 0 means 4; the
 * protected-mode kernel is everything
 * after the (setup_sects + 1) * 512 setup bytes and at least syssize * 16
 * bytes long. "64-bit BOOT PROTOCOL": passvm enters at load address +
 * 0x200, which protocol >= 2.12 kernels advertise with XLF_KERNEL_64;
 * older ones (2.06..2.11) are taken to have it. For protocol < 2.10,
 * which has no init_size, four times the kernel size is assumed.
 *
 * Errors: -ENOEXEC, with a message in @err that names the problem and
 * what to do; @info is then undefined. Never reads outside @img.
 */
int bzimage_parse(const uint8_t *img, size_t len, struct bzimage_info *info,
		  struct pv_error *err)
{
	struct bp_setup_header h;
	size_t setup_sects, hdr_end, hdr_min;
	uint64_t sys_bytes;

	memset(info, 0, sizeof(*info));
	memset(&h, 0, sizeof(h));
	if (!img || len < BP_HDR_OFF(version) + 2)
		return pv_seterr(err, ENOEXEC,
				 "kernel image is %zu bytes, too short for a "
				 "bzImage setup header: pass the kernel's "
				 "arch/x86/boot/bzImage",
				 len);
	memcpy(&h, img + BP_HDR_START,
	       len - BP_HDR_START < sizeof(h) ? len - BP_HDR_START : sizeof(h));
	if (h.header != BP_HDR_MAGIC || h.boot_flag != BP_BOOT_FLAG)
		return pv_seterr(
			err, ENOEXEC,
			"kernel image has no \"HdrS\" boot header: it is %s, "
			"not an x86 bzImage: pass a bzImage "
			"(arch/x86/boot/bzImage, /boot/vmlinuz-*)%s",
			kernel_format_name(img, len),
			kernel_format_of(img, len) == KERNEL_ARM64_IMAGE ?
				"; an arm64 kernel boots under passvm built "
				"for arm64 (make ARCH=arm64), on an arm64 host" :
				"");
	info->protocol = h.version;
	if (h.version < 0x0206)
		return pv_seterr(err, ENOEXEC,
				 "kernel uses boot protocol %u.%02u, older "
				 "than the 2.06 passvm needs: use a Linux "
				 "2.6.22 or newer bzImage",
				 h.version >> 8, h.version & 0xff);

	setup_sects = h.setup_sects ? h.setup_sects : 4;
	info->setup_size = (uint32_t)((setup_sects + 1) * SECTOR);
	if (info->setup_size >= len)
		return pv_seterr(err, ENOEXEC,
				 "kernel image is %zu bytes but its header "
				 "claims %u bytes of setup code "
				 "(setup_sects %zu): the file is truncated or "
				 "corrupt, copy it again",
				 len, info->setup_size, setup_sects);
	hdr_end = 0x202u + img[BP_HDR_LEN_BYTE];
	if (hdr_end > BP_HDR_MAX_END)
		return pv_seterr(err, ENOEXEC,
				 "kernel setup header claims to end at 0x%zx, "
				 "past the 0x%x boot_params has room for: the "
				 "file is corrupt or not a bzImage",
				 hdr_end, BP_HDR_MAX_END);
	/*
	 * The header must hold every field its protocol has and the loader
	 * reads (only the header is copied to the zero page): up to
	 * cmdline_size (2.06), up to init_size from 2.10 on.
	 */
	hdr_min = h.version >= 0x020a ? BP_HDR_OFF(init_size) + 4 :
					BP_HDR_OFF(cmdline_size) + 4;
	if (hdr_end < hdr_min)
		return pv_seterr(err, ENOEXEC,
				 "kernel setup header ends at 0x%zx, before "
				 "the fields of boot protocol %u.%02u (up to "
				 "0x%zx): the file is corrupt or not a bzImage",
				 hdr_end, h.version >> 8, h.version & 0xff,
				 hdr_min);
	info->kernel_size = len - info->setup_size;

	/* Tolerate the last 16-byte paragraph being short. */
	sys_bytes = (uint64_t)h.syssize * 16;
	if (!h.syssize || sys_bytes > info->kernel_size + 15)
		return pv_seterr(err, ENOEXEC,
				 "kernel image has %llu bytes after its setup "
				 "code but its header says %llu (syssize): "
				 "the file is truncated or corrupt, copy it "
				 "again",
				 (unsigned long long)info->kernel_size,
				 (unsigned long long)sys_bytes);
	if (!(h.loadflags & BP_LOADED_HIGH))
		return pv_seterr(err, ENOEXEC,
				 "kernel is a zImage (loads at 0x10000): "
				 "build a bzImage (make bzImage)");

	info->xloadflags_64 =
		h.version >= 0x020c && (h.xloadflags & BP_XLF_KERNEL_64);
	if (h.version >= 0x020c && !info->xloadflags_64)
		return pv_seterr(err, ENOEXEC,
				 "kernel has no 64-bit entry point "
				 "(XLF_KERNEL_64 clear, a 32-bit kernel?): "
				 "use an x86_64 kernel (CONFIG_X86_64=y)");

	info->initrd_addr_max = h.initrd_addr_max;
	info->cmdline_size = h.cmdline_size;
	info->kernel_alignment = h.kernel_alignment;
	info->relocatable = h.relocatable_kernel != 0;
	if (h.version >= 0x020a) {
		info->pref_address = h.pref_address;
		info->init_size = h.init_size;
	} else {
		uint64_t guess = info->kernel_size * 4;

		info->init_size =
			guess > UINT32_MAX ? UINT32_MAX : (uint32_t)guess;
	}
	if (!info->init_size)
		return pv_seterr(err, ENOEXEC,
				 "kernel header says it needs 0 bytes of "
				 "memory (init_size): the file is corrupt, "
				 "copy it again");
	return 0;
}
