// SPDX-License-Identifier: GPL-2.0
/*
 * vmm/preflight.c: the warnings `passvm run` gives before booting (serial
 * console missing from --cmdline, --mem above the host's RAM or below a
 * distro kernel's need) and the terminal banner.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "vmm/cli.h"
#include "vmm/preflight.h"

static void test_serial_console(void **state)
{
	static const char *const yes[] = {
		"console=ttyS0",
		"quiet console=ttyS0,115200n8 panic=-1",
		"console=tty0 console=ttyS0",
		"console=uart8250,io,0x3f8,115200",
		"console=uart,io,0x3f8",
		"\tconsole=ttyS0\n",
	};
	static const char *const no[] = {
		"",
		"quiet",
		"console=ttyS1",
		"console=ttyS01",
		"console=tty0",
		"console=hvc0",
		"xconsole=ttyS0",
		"console=",
		"earlyprintk=ttyS0",
		"console=uart8250,io,0x2f8",
		"root=/dev/vda -- console=ttyS0",
	};

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!cmdline_has_serial_console(yes[i]))
			fail_msg("'%s' has the serial console", yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (cmdline_has_serial_console(no[i]))
			fail_msg("'%s' has no serial console", no[i]);
}

static char meminfo[64];

static int fake_meminfo(void **state)
{
	FILE *f;
	int fd;

	snprintf(meminfo, sizeof(meminfo), "/tmp/passvm-meminfoXXXXXX");
	fd = mkstemp(meminfo);
	assert_true(fd >= 0);
	close(fd);
	f = fopen(meminfo, "w");
	assert_non_null(f);
	/* 2 GiB, in proc(5)'s format. */
	fputs("MemTotal:        2097152 kB\nMemFree:          123456 kB\n", f);
	fclose(f);
	return 0;
}

static int drop_meminfo(void **state)
{
	unlink(meminfo);
	return 0;
}

static void test_host_mem_total(void **state)
{
	assert_int_equal(host_mem_total(meminfo), 2ull << 30);
	assert_int_equal(host_mem_total("/nonexistent/meminfo"), 0);
	/* The real one, when there is one, is at least 16 MiB. */
	if (!access("/proc/meminfo", R_OK))
		assert_true(host_mem_total("/proc/meminfo") >= (16ull << 20));
}

static void opts(struct vm_config *o, uint64_t mem, const char *cmdline)
{
	memset(o, 0, sizeof(*o));
	o->kernel = "bzImage";
	o->mem = mem;
	o->cpus = 1;
	o->cmdline = cmdline;
}

static void test_warnings(void **state)
{
	struct vm_config o;
	char out[1024];

	/* The defaults: nothing to say. */
	opts(&o, 256ull << 20, NULL);
	assert_int_equal(preflight_warnings(&o, meminfo, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	opts(&o, 256ull << 20, "console=ttyS0 quiet");
	assert_int_equal(preflight_warnings(&o, meminfo, out, sizeof(out)), 0);

	/* A command line without the serial console. */
	opts(&o, 256ull << 20, "root=/dev/vda quiet");
	assert_int_equal(preflight_warnings(&o, meminfo, out, sizeof(out)), 1);
	assert_string_equal(
		out,
		"passvm: warning: --cmdline has no console=ttyS0: the guest's messages will not appear; add console=ttyS0\n");

	/* More than the host has (2 GiB in the fake file). */
	opts(&o, 3ull << 30, NULL);
	assert_int_equal(preflight_warnings(&o, meminfo, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "--mem 3 GiB is more than this host's RAM "
				    "(MemTotal 2 GiB)"));
	assert_null(strstr(out, "pinned"));
	o.nr_vfio = 1;
	preflight_warnings(&o, meminfo, out, sizeof(out));
	assert_non_null(strstr(out, "pinned"));
	/* Exactly the host's RAM is not more than it; unknown says nothing. */
	opts(&o, 2ull << 30, NULL);
	assert_int_equal(preflight_warnings(&o, meminfo, out, sizeof(out)), 0);
	opts(&o, 1ull << 40, NULL);
	assert_int_equal(
		preflight_warnings(&o, "/nonexistent", out, sizeof(out)), 0);

	/* Below what a distro kernel needs: accepted, but said. */
	opts(&o, 64ull << 20, NULL);
	assert_int_equal(preflight_warnings(&o, meminfo, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "--mem 64 MiB is below 128 MiB"));
	assert_non_null(strstr(out, "Debian's cloud kernel"));
	opts(&o, 128ull << 20, NULL);
	assert_int_equal(preflight_warnings(&o, meminfo, out, sizeof(out)), 0);

	/* Two at once, one line each; a short buffer stays a C string. */
	opts(&o, 32ull << 20, "quiet");
	assert_int_equal(preflight_warnings(&o, meminfo, out, sizeof(out)), 2);
	assert_non_null(strchr(out, '\n'));
	assert_non_null(strchr(strchr(out, '\n') + 1, '\n'));
	assert_int_equal(preflight_warnings(&o, meminfo, out, 40), 2);
	assert_true(strlen(out) < 40);
}

static void test_banner(void **state)
{
	struct vm_config o;
	char out[512];

	opts(&o, 256ull << 20, NULL);
	preflight_banner(&o, out, sizeof(out));
	assert_string_equal(
		out,
		"passvm: booting bzImage, 256 MiB RAM, 1 vCPU -- Ctrl-a x to quit, Ctrl-a h for help");
	o.initrd = "initrd.img";
	o.cpus = 4;
	o.mem = 3ull << 29;
	o.nr_vfio = 2;
	strcpy(o.vfio[0].bdf, "0000:01:00.0");
	strcpy(o.vfio[1].bdf, "0000:02:00.0");
	o.vfio[1].managed = true;
	preflight_banner(&o, out, sizeof(out));
	assert_string_equal(
		out,
		"passvm: booting bzImage with initrd.img, 1.5 GiB RAM, 4 vCPUs, devices 0000:01:00.0, 0000:02:00.0 (managed) -- Ctrl-a x to quit, Ctrl-a h for help");
	/* Truncated, still terminated. */
	preflight_banner(&o, out, 20);
	assert_int_equal(strlen(out), 19);
	/* The virtio devices, by id. */
	o.nr_vfio = 0;
	o.initrd = NULL;
	o.nr_disks = 2;
	strcpy(o.disks[0].id, "rootfs");
	o.disks[0].root = true;
	strcpy(o.disks[1].id, "seed");
	o.disks[1].read_only = true;
	o.nr_nets = 1;
	strcpy(o.nets[0].id, "net0");
	o.nets[0].tap = "tap0";
	o.vsock.present = true;
	o.vsock.cid = 3;
	preflight_banner(&o, out, sizeof(out));
	assert_string_equal(
		out,
		"passvm: booting bzImage, 1.5 GiB RAM, 4 vCPUs, disks rootfs (root), seed (ro), interfaces net0 on tap0, vsock CID 3 -- Ctrl-a x to quit, Ctrl-a h for help");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_serial_console),
		cmocka_unit_test_setup_teardown(test_host_mem_total,
						fake_meminfo, drop_meminfo),
		cmocka_unit_test_setup_teardown(test_warnings, fake_meminfo,
						drop_meminfo),
		cmocka_unit_test(test_banner),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
