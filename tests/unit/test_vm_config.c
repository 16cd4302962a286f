// SPDX-License-Identifier: GPL-2.0
/*
 * The VM description's boot command line (vmm/vm_config.c): a root drive
 * (is_root_device) adds root= and ro/rw as Firecracker does, unless the
 * boot args name a root already; init's arguments stay last.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vmm/vm_config.h"

static void add_disk(struct vm_config *c, const char *id, bool root, bool ro)
{
	struct disk_cfg *d = &c->disks[c->nr_disks++];

	memset(d, 0, sizeof(*d));
	strcpy(d->id, id);
	d->path = "/dev/null";
	d->root = root;
	d->read_only = ro;
}

/* vm_config_boot_cmdline(@c) equals @want. */
static void expect_cmdline(const struct vm_config *c, const char *want)
{
	char *got = vm_config_boot_cmdline(c);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_no_root_drive(void **state)
{
	struct vm_config c;

	vm_config_init(&c);
	expect_cmdline(&c, "console=ttyS0");
	c.cmdline = "console=ttyS0 quiet";
	expect_cmdline(&c, "console=ttyS0 quiet");
	/* a drive that is not the root one adds nothing */
	add_disk(&c, "scratch", false, false);
	expect_cmdline(&c, "console=ttyS0 quiet");
}

static void test_root_drive(void **state)
{
	struct vm_config c;

	vm_config_init(&c);
	add_disk(&c, "scratch", false, false);
	add_disk(&c, "rootfs", true, false);
	/* the default boot args get it too */
	expect_cmdline(&c, "console=ttyS0 root=/dev/vda rw");
	c.cmdline = "console=ttyS0 reboot=k panic=1  ";
	expect_cmdline(&c, "console=ttyS0 reboot=k panic=1 root=/dev/vda rw");
	c.disks[1].read_only = true;
	expect_cmdline(&c, "console=ttyS0 reboot=k panic=1 root=/dev/vda ro");
	c.disks[1].partuuid = "0eaa91a0-01";
	expect_cmdline(
		&c,
		"console=ttyS0 reboot=k panic=1 root=PARTUUID=0eaa91a0-01 ro");
	c.cmdline = "";
	expect_cmdline(&c, "root=PARTUUID=0eaa91a0-01 ro");
}

static void test_boot_args_name_root(void **state)
{
	struct vm_config c;

	vm_config_init(&c);
	add_disk(&c, "rootfs", true, false);
	c.cmdline = "console=ttyS0 root=/dev/vdb ro";
	expect_cmdline(&c, "console=ttyS0 root=/dev/vdb ro");
	c.cmdline = "root=PARTUUID=1234 console=ttyS0";
	expect_cmdline(&c, "root=PARTUUID=1234 console=ttyS0");
	/* another parameter ending in root= is not root= */
	c.cmdline = "console=ttyS0 nfsroot=10.0.2.2:/srv";
	expect_cmdline(&c,
		       "console=ttyS0 nfsroot=10.0.2.2:/srv root=/dev/vda rw");
}

/* After "--" the words are init's: root= goes before, and one there is not the kernel's. */
static void test_init_args_stay_last(void **state)
{
	struct vm_config c;

	vm_config_init(&c);
	add_disk(&c, "rootfs", true, true);
	c.cmdline = "console=ttyS0 init=/bin/sh -- -c 'echo hi'";
	expect_cmdline(
		&c,
		"console=ttyS0 init=/bin/sh root=/dev/vda ro -- -c 'echo hi'");
	c.cmdline = "console=ttyS0 -- root=not-the-kernels";
	expect_cmdline(
		&c, "console=ttyS0 root=/dev/vda ro -- root=not-the-kernels");
	/* "--x" is a word of its own, not the separator */
	c.cmdline = "console=ttyS0 --x";
	expect_cmdline(&c, "console=ttyS0 --x root=/dev/vda ro");
	c.cmdline = "-- only-init";
	expect_cmdline(&c, "root=/dev/vda ro -- only-init");
}

/*
 * Firecracker clients' pci=off (firectl's default kernel-opts, the
 * getting-started guide's boot_args) is dropped from the kernel's words:
 * passvm's devices are all PCI. Init's words and look-alikes stay.
 */
static void test_pci_off_dropped(void **state)
{
	struct vm_config c;

	vm_config_init(&c);
	c.cmdline = "console=ttyS0 reboot=k panic=1 pci=off";
	expect_cmdline(&c, "console=ttyS0 reboot=k panic=1");
	c.cmdline = "pci=off console=ttyS0";
	expect_cmdline(&c, "console=ttyS0");
	c.cmdline = "pci=off";
	expect_cmdline(&c, "");
	c.cmdline = "console=ttyS0 pci=off  pci=off quiet";
	expect_cmdline(&c, "console=ttyS0 quiet");
	c.cmdline = "console=ttyS0 pci=off -- pci=off";
	expect_cmdline(&c, "console=ttyS0 -- pci=off");
	c.cmdline = "console=ttyS0 xpci=off pci=offx pci=noacpi";
	expect_cmdline(&c, "console=ttyS0 xpci=off pci=offx pci=noacpi");
	add_disk(&c, "rootfs", true, false);
	c.cmdline =
		"ro console=ttyS0 noapic reboot=k panic=1 pci=off nomodules";
	expect_cmdline(
		&c,
		"ro console=ttyS0 noapic reboot=k panic=1 nomodules root=/dev/vda rw");
	c.cmdline = "console=ttyS0 pci=off -- -c x";
	expect_cmdline(&c, "console=ttyS0 root=/dev/vda rw -- -c x");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_root_drive),
		cmocka_unit_test(test_root_drive),
		cmocka_unit_test(test_boot_args_name_root),
		cmocka_unit_test(test_init_args_stay_last),
		cmocka_unit_test(test_pci_off_dropped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
