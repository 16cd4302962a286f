// SPDX-License-Identifier: GPL-2.0
/* Unit tests for host/bind*.c: the kernel is played by fake_sysfs_kernel(). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_sysfs.h"
#include "host/bind.h"

struct ctx {
	struct fake_sysfs fs;
	struct bind_env env;
	FILE *out;
};

static int setup(void **state)
{
	static struct ctx c;

	memset(&c, 0, sizeof(c));
	if (fake_sysfs_init_bind(&c.fs, &c.env))
		return -1;
	c.out = fopen("/dev/null", "w");
	*state = &c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	fclose(c->out);
	fake_sysfs_cleanup(&c->fs);
	return 0;
}

static void test_bind_order_and_record(void **state)
{
	struct ctx *c = *state;
	struct pci_addr a;
	char rec[64];
	int i0, i1, i2;

	fake_sysfs_add_dev(&c->fs, "0000:01:00.0", 0x8086, 0x10d3, 0x020000, 3,
			   "e1000e");
	a = fake_sysfs_addr("01:00.0");
	assert_int_equal(bind_run(&c->env, &a, 1, false, false, c->out), 0);
	fake_sysfs_assert_driver(&c->fs, "0000:01:00.0", "vfio-pci");

	i0 = fake_sysfs_log_find(
		&c->fs, "devices/0000:01:00.0/driver_override vfio-pci", 0);
	i1 = fake_sysfs_log_find(
		&c->fs, "bus/pci/drivers/e1000e/unbind 0000:01:00.0", 0);
	i2 = fake_sysfs_log_find(&c->fs, "bus/pci/drivers_probe 0000:01:00.0",
				 0);
	assert_int_equal(i0, 0);
	assert_int_equal(i1, 1);
	assert_int_equal(i2, 2);
	assert_int_equal(c->fs.nlog, 3);
	/* never new_id */
	assert_int_equal(fake_sysfs_log_find(&c->fs, "new_id", 0), -1);

	assert_int_equal(
		fake_sysfs_read(&c->fs, "state/0000:01:00.0", rec, sizeof(rec)),
		0);
	assert_string_equal(rec, "e1000e\n");
}

static void test_unbind_restores(void **state)
{
	struct ctx *c = *state;
	struct pci_addr a;
	int i0, i1, i2;

	fake_sysfs_add_dev(&c->fs, "0000:01:00.0", 0x8086, 0x10d3, 0x020000, 3,
			   "e1000e");
	a = fake_sysfs_addr("0000:01:00.0");
	assert_int_equal(bind_run(&c->env, &a, 1, false, false, c->out), 0);
	c->fs.nlog = 0;
	/* The original driver must come back even though the kernel's default
	 * for drivers_probe would now be something else. */
	snprintf(c->fs.devs[0].default_driver,
		 sizeof(c->fs.devs[0].default_driver), "igb");

	assert_int_equal(unbind_run(&c->env, &a, 1, false, c->out), 0);
	fake_sysfs_assert_driver(&c->fs, "0000:01:00.0", "e1000e");
	i0 = fake_sysfs_log_find(&c->fs, "devices/0000:01:00.0/driver_override",
				 0);
	i1 = fake_sysfs_log_find(
		&c->fs, "bus/pci/drivers/vfio-pci/unbind 0000:01:00.0", 0);
	i2 = fake_sysfs_log_find(&c->fs,
				 "bus/pci/drivers/e1000e/bind 0000:01:00.0", 0);
	assert_int_equal(i0, 0);
	assert_int_equal(i1, 1);
	assert_int_equal(i2, 2);
	/* driver_override cleared with a bare newline */
	assert_string_equal(c->fs.log[0],
			    "devices/0000:01:00.0/driver_override ");
	assert_false(fake_sysfs_exists(&c->fs, "state/0000:01:00.0"));
}

static void test_unbind_without_record_probes(void **state)
{
	struct ctx *c = *state;
	struct pci_addr a;

	fake_sysfs_add_dev(&c->fs, "0000:02:00.0", 0x1af4, 0x1041, 0x020000, 4,
			   "virtio-pci");
	fake_sysfs_set_driver(&c->fs, "0000:02:00.0", "vfio-pci");
	a = fake_sysfs_addr("02:00.0");
	assert_int_equal(unbind_run(&c->env, &a, 1, false, c->out), 0);
	fake_sysfs_assert_driver(&c->fs, "0000:02:00.0", "virtio-pci");
	assert_true(fake_sysfs_log_find(&c->fs, "drivers_probe 0000:02:00.0",
					0) > 0);

	/* A device not on vfio-pci and without a record is left alone. */
	c->fs.nlog = 0;
	assert_int_equal(unbind_run(&c->env, &a, 1, false, c->out), 0);
	assert_int_equal(c->fs.nlog, 0);
	fake_sysfs_assert_driver(&c->fs, "0000:02:00.0", "virtio-pci");
}

static void test_driverless_device_round_trip(void **state)
{
	struct ctx *c = *state;
	struct pci_addr a;

	fake_sysfs_add_dev(&c->fs, "0000:05:00.0", 0x1234, 0x11e8, 0x00ff00, 6,
			   NULL);
	a = fake_sysfs_addr("05:00.0");
	assert_int_equal(bind_run(&c->env, &a, 1, false, false, c->out), 0);
	fake_sysfs_assert_driver(&c->fs, "0000:05:00.0", "vfio-pci");
	assert_int_equal(fake_sysfs_log_find(&c->fs, "/unbind", 0), -1);

	c->fs.nlog = 0;
	assert_int_equal(unbind_run(&c->env, &a, 1, false, c->out), 0);
	fake_sysfs_assert_driver(&c->fs, "0000:05:00.0", "");
	/* No driver before: no probe or bind after unbinding vfio-pci. */
	assert_int_equal(fake_sysfs_log_find(&c->fs, "drivers_probe", 0), -1);
	assert_int_equal(fake_sysfs_log_find(&c->fs, "/bind ", 0), -1);
}

static void test_group_skips_bridge(void **state)
{
	struct ctx *c = *state;
	struct pci_addr a;

	fake_sysfs_add_dev(&c->fs, "0000:00:1c.0", 0x8086, 0xa110, 0x060400, 5,
			   "pcieport");
	fake_sysfs_add_dev(&c->fs, "0000:06:00.0", 0x8086, 0x10c9, 0x020000, 5,
			   "igb");
	fake_sysfs_add_dev(&c->fs, "0000:06:00.1", 0x8086, 0x10c9, 0x020000, 5,
			   "igb");
	fake_sysfs_add_dev(&c->fs, "0000:07:00.0", 0x8086, 0x10c9, 0x020000, 8,
			   "igb");
	a = fake_sysfs_addr("06:00.1");
	assert_int_equal(bind_run(&c->env, &a, 1, true, false, c->out), 0);
	fake_sysfs_assert_driver(&c->fs, "0000:06:00.0", "vfio-pci");
	fake_sysfs_assert_driver(&c->fs, "0000:06:00.1", "vfio-pci");
	fake_sysfs_assert_driver(&c->fs, "0000:00:1c.0", "pcieport");
	fake_sysfs_assert_driver(&c->fs, "0000:07:00.0", "igb");
	assert_int_equal(fake_sysfs_log_find(&c->fs, "pcieport", 0), -1);
	assert_int_equal(fake_sysfs_log_find(&c->fs, "0000:00:1c.0", 0), -1);

	/* Without --group only the named function moves. */
	assert_int_equal(unbind_run(&c->env, &a, 1, true, c->out), 0);
	fake_sysfs_assert_driver(&c->fs, "0000:06:00.0", "igb");
	fake_sysfs_assert_driver(&c->fs, "0000:06:00.1", "igb");
	assert_int_equal(bind_run(&c->env, &a, 1, false, false, c->out), 0);
	fake_sysfs_assert_driver(&c->fs, "0000:06:00.0", "igb");
	fake_sysfs_assert_driver(&c->fs, "0000:06:00.1", "vfio-pci");

	/* A bridge named directly is refused. */
	a = fake_sysfs_addr("00:1c.0");
	assert_int_equal(bind_run(&c->env, &a, 1, false, false, c->out),
			 -EBUSY);
	fake_sysfs_assert_driver(&c->fs, "0000:00:1c.0", "pcieport");
}

static void test_refuse_mounted(void **state)
{
	struct ctx *c = *state;
	struct pv_error err = { "" };
	struct pci_addr a;

	fake_sysfs_add_dev(&c->fs, "0000:03:00.0", 0x1b36, 0x0010, 0x010802, 2,
			   "nvme");
	fake_sysfs_add_block(&c->fs, "0000:03:00.0", "nvme/nvme0", "nvme0n1",
			     "p2");
	a = fake_sysfs_addr("03:00.0");

	/* nvme0n10's partition is a different disk: no refusal. */
	fake_sysfs_write(&c->fs, "proc/mounts",
			 "/dev/nvme0n10p1 /data ext4 rw 0 0\n");
	assert_int_equal(bind_check_safe(&c->env, &a, &err), 0);

	fake_sysfs_write(&c->fs, "proc/mounts",
			 "proc /proc proc rw 0 0\n"
			 "/dev/nvme0n1p2 /srv ext4 rw 0 0\n");
	assert_int_equal(bind_run(&c->env, &a, 1, false, false, c->out),
			 -EBUSY);
	assert_int_equal(c->fs.nlog, 0);
	fake_sysfs_assert_driver(&c->fs, "0000:03:00.0", "nvme");
	assert_false(fake_sysfs_exists(&c->fs, "state/0000:03:00.0"));

	assert_int_equal(bind_vfio(&c->env, &a, false, &err), -EBUSY);
	assert_non_null(strstr(err.msg, "0000:03:00.0"));
	assert_non_null(strstr(err.msg, "mounted"));
	assert_non_null(strstr(err.msg, "/dev/nvme0n1p2 on /srv"));
	assert_non_null(strstr(err.msg, "--force"));

	/* Swap on the whole disk is refused too. */
	fake_sysfs_write(&c->fs, "proc/mounts", "");
	fake_sysfs_write(&c->fs, "proc/swaps",
			 "Filename Type Size Used Priority\n"
			 "/dev/nvme0n1 partition 1024 0 -2\n");
	assert_int_equal(bind_check_safe(&c->env, &a, &err), -EBUSY);
	assert_non_null(strstr(err.msg, "swap"));

	assert_int_equal(bind_run(&c->env, &a, 1, false, true, c->out), 0);
	fake_sysfs_assert_driver(&c->fs, "0000:03:00.0", "vfio-pci");
}

static void test_refuse_scsi_holder(void **state)
{
	struct ctx *c = *state;
	struct pv_error err = { "" };
	struct pci_addr a;

	fake_sysfs_add_dev(&c->fs, "0000:04:00.0", 0x8086, 0x2922, 0x010601, 2,
			   "ahci");
	fake_sysfs_add_block(&c->fs, "0000:04:00.0",
			     "ata1/host0/target0:0:0/0:0:0:0/block", "sda",
			     "1");
	a = fake_sysfs_addr("04:00.0");
	fake_sysfs_write(&c->fs, "proc/mounts", "/dev/sdaa1 / ext4 rw 0 0\n");
	assert_int_equal(bind_check_safe(&c->env, &a, &err), 0);
	fake_sysfs_write(&c->fs, "proc/mounts", "/dev/sda1 / ext4 rw 0 0\n");
	assert_int_equal(bind_check_safe(&c->env, &a, &err), -EBUSY);
	assert_non_null(strstr(err.msg, "/dev/sda1 on /"));

	fake_sysfs_write(&c->fs, "proc/mounts", "");
	fake_sysfs_mkdir(&c->fs, "sys/devices/pci0000:00/0000:04:00.0/ata1/"
				 "host0/target0:0:0/0:0:0:0/block/sda/holders/"
				 "dm-0");
	assert_int_equal(bind_check_safe(&c->env, &a, &err), -EBUSY);
	assert_non_null(strstr(err.msg, "dm-0"));
}

static void test_refuse_net_up(void **state)
{
	struct ctx *c = *state;
	struct pv_error err = { "" };
	struct pci_addr a;

	fake_sysfs_add_dev(&c->fs, "0000:01:00.0", 0x8086, 0x10d3, 0x020000, 3,
			   "e1000e");
	a = fake_sysfs_addr("01:00.0");
	fake_sysfs_add_net(&c->fs, "0000:01:00.0", "enp1s0", "down", 0x1002);
	assert_int_equal(bind_check_safe(&c->env, &a, &err), 0);

	/* IFF_UP without carrier: operstate is "down" but it is in use. */
	fake_sysfs_add_net(&c->fs, "0000:01:00.0", "enp1s0", "down", 0x1003);
	assert_int_equal(bind_check_safe(&c->env, &a, &err), -EBUSY);
	assert_non_null(strstr(err.msg, "enp1s0"));
	assert_non_null(strstr(err.msg, "ip link set enp1s0 down"));

	fake_sysfs_add_net(&c->fs, "0000:01:00.0", "enp1s0", "up", 0x1002);
	assert_int_equal(bind_vfio(&c->env, &a, false, &err), -EBUSY);
	assert_int_equal(c->fs.nlog, 0);
	fake_sysfs_assert_driver(&c->fs, "0000:01:00.0", "e1000e");

	assert_int_equal(bind_vfio(&c->env, &a, true, &err), 0);
	fake_sysfs_assert_driver(&c->fs, "0000:01:00.0", "vfio-pci");
}

static void test_refuse_console(void **state)
{
	struct ctx *c = *state;
	struct pv_error err = { "" };
	struct pci_addr a;

	fake_sysfs_add_dev(&c->fs, "0000:00:02.0", 0x8086, 0x3e92, 0x030000, 1,
			   "i915");
	fake_sysfs_dev_attr(&c->fs, "0000:00:02.0", "boot_vga", "0\n");
	a = fake_sysfs_addr("00:02.0");
	assert_int_equal(bind_check_safe(&c->env, &a, &err), 0);
	fake_sysfs_dev_attr(&c->fs, "0000:00:02.0", "boot_vga", "1\n");
	assert_int_equal(bind_run(&c->env, &a, 1, false, false, c->out),
			 -EBUSY);
	assert_int_equal(bind_check_safe(&c->env, &a, &err), -EBUSY);
	assert_non_null(strstr(err.msg, "boot_vga"));
	fake_sysfs_assert_driver(&c->fs, "0000:00:02.0", "i915");
	assert_int_equal(bind_run(&c->env, &a, 1, false, true, c->out), 0);
	fake_sysfs_assert_driver(&c->fs, "0000:00:02.0", "vfio-pci");
}

static void test_group_refusal_is_all_or_nothing(void **state)
{
	struct ctx *c = *state;
	struct pci_addr a;

	fake_sysfs_add_dev(&c->fs, "0000:06:00.0", 0x8086, 0x10c9, 0x020000, 5,
			   "igb");
	fake_sysfs_add_dev(&c->fs, "0000:06:00.1", 0x8086, 0x10c9, 0x020000, 5,
			   "igb");
	fake_sysfs_add_net(&c->fs, "0000:06:00.1", "eno2", "up", 0x1003);
	a = fake_sysfs_addr("06:00.0");
	assert_int_equal(bind_run(&c->env, &a, 1, true, false, c->out), -EBUSY);
	assert_int_equal(c->fs.nlog, 0);
	fake_sysfs_assert_driver(&c->fs, "0000:06:00.0", "igb");
	fake_sysfs_assert_driver(&c->fs, "0000:06:00.1", "igb");
}

static void test_managed_bind_restore(void **state)
{
	struct ctx *c = *state;
	struct pv_error err = { "" };
	struct pci_addr a, b;
	char rec[64];

	fake_sysfs_add_dev(&c->fs, "0000:01:00.0", 0x8086, 0x10d3, 0x020000, 3,
			   "e1000e");
	fake_sysfs_add_dev(&c->fs, "0000:02:00.0", 0x8086, 0x10d3, 0x020000, 4,
			   "e1000e");
	a = fake_sysfs_addr("01:00.0");
	b = fake_sysfs_addr("02:00.0");

	assert_int_equal(bind_vfio(&c->env, &a, false, &err), 0);
	fake_sysfs_assert_driver(&c->fs, "0000:01:00.0", "vfio-pci");
	fake_sysfs_read(&c->fs, "state/0000:01:00.0", rec, sizeof(rec));
	assert_string_equal(rec, "e1000e\nmanaged\n");
	assert_int_equal(bind_restore(&c->env, &a, &err), 0);
	fake_sysfs_assert_driver(&c->fs, "0000:01:00.0", "e1000e");
	assert_false(fake_sysfs_exists(&c->fs, "state/0000:01:00.0"));

	/* Already on vfio-pci (an explicit `passvm bind`): bind_vfio
	 * changes nothing and bind_restore leaves it bound. */
	assert_int_equal(bind_run(&c->env, &b, 1, false, false, c->out), 0);
	c->fs.nlog = 0;
	assert_int_equal(bind_vfio(&c->env, &b, false, &err), 1);
	assert_int_equal(bind_restore(&c->env, &b, &err), 0);
	assert_int_equal(c->fs.nlog, 0);
	fake_sysfs_assert_driver(&c->fs, "0000:02:00.0", "vfio-pci");
	assert_true(fake_sysfs_exists(&c->fs, "state/0000:02:00.0"));
}

static void test_missing_vfio_driver_and_device(void **state)
{
	static const char *const files[] = { "/bind", "/unbind", "/new_id",
					     "" };
	struct ctx *c = *state;
	struct pv_error err = { "" };
	char path[512];
	struct pci_addr a;
	int i;

	fake_sysfs_add_dev(&c->fs, "0000:01:00.0", 0x8086, 0x10d3, 0x020000, 3,
			   "e1000e");
	/* Unload vfio-pci: remove its driver directory. */
	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/bus/pci/drivers/vfio-pci%s",
			 c->fs.sys, files[i]);
		assert_int_equal(remove(path), 0);
	}
	a = fake_sysfs_addr("01:00.0");
	assert_int_equal(bind_vfio(&c->env, &a, false, &err), -ENODEV);
	assert_non_null(strstr(err.msg, "modprobe vfio-pci"));
	assert_int_equal(c->fs.nlog, 0);

	a = fake_sysfs_addr("09:00.0");
	assert_int_equal(bind_vfio(&c->env, &a, false, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "0000:09:00.0"));
}

static void test_probe_failure_rolls_back(void **state)
{
	struct ctx *c = *state;
	struct pv_error err = { "" };
	struct pci_addr a;

	fake_sysfs_add_dev(&c->fs, "0000:01:00.0", 0x8086, 0x10d3, 0x020000, 3,
			   "e1000e");
	c->fs.probe_ignores_override = true;
	a = fake_sysfs_addr("01:00.0");
	assert_int_equal(bind_vfio(&c->env, &a, false, &err), -EIO);
	assert_non_null(strstr(err.msg, "did not bind to vfio-pci"));
	assert_non_null(strstr(err.msg, "e1000e"));
	fake_sysfs_assert_driver(&c->fs, "0000:01:00.0", "e1000e");
	assert_false(fake_sysfs_exists(&c->fs, "state/0000:01:00.0"));
	/* ... and driver_override was cleared again. */
	assert_true(fake_sysfs_log_find(&c->fs, "0000:01:00.0/driver_override ",
					1) > 0);
}

static void test_refuse_infrastructure(void **state)
{
	struct ctx *c = *state;
	struct pv_error err = { "" };
	struct pci_addr a;

	fake_sysfs_add_dev(&c->fs, "0000:00:00.0", 0x8086, 0x3e30, 0x060000, 1,
			   NULL);
	fake_sysfs_add_dev(&c->fs, "0000:00:1f.0", 0x8086, 0xa305, 0x060100, 2,
			   "lpc_ich");
	a = fake_sysfs_addr("00:00.0");
	assert_int_equal(bind_check_safe(&c->env, &a, &err), -EBUSY);
	assert_non_null(strstr(err.msg, "host bridge"));
	assert_non_null(strstr(err.msg, "--force"));
	assert_int_equal(bind_run(&c->env, &a, 1, false, false, c->out),
			 -EBUSY);
	assert_int_equal(bind_vfio(&c->env, &a, false, &err), -EBUSY);
	assert_int_equal(c->fs.nlog, 0);
	fake_sysfs_assert_driver(&c->fs, "0000:00:00.0", "");

	a = fake_sysfs_addr("00:1f.0");
	assert_int_equal(bind_check_safe(&c->env, &a, &err), -EBUSY);
	assert_non_null(strstr(err.msg, "ISA bridge"));
	assert_non_null(strstr(err.msg, "0x060100"));
	assert_int_equal(bind_run(&c->env, &a, 1, false, false, c->out),
			 -EBUSY);
	assert_int_equal(c->fs.nlog, 0);
	fake_sysfs_assert_driver(&c->fs, "0000:00:1f.0", "lpc_ich");
	assert_false(fake_sysfs_exists(&c->fs, "state/0000:00:1f.0"));

	/* --force is the user's own decision. */
	assert_int_equal(bind_run(&c->env, &a, 1, false, true, c->out), 0);
	fake_sysfs_assert_driver(&c->fs, "0000:00:1f.0", "vfio-pci");
}

static void test_group_with_infrastructure(void **state)
{
	struct ctx *c = *state;
	struct pci_addr a;

	/* The chipset's group: ISA bridge (lpc_ich), audio, SMBus. */
	fake_sysfs_add_dev(&c->fs, "0000:00:1f.0", 0x8086, 0xa305, 0x060100, 9,
			   "lpc_ich");
	fake_sysfs_add_dev(&c->fs, "0000:00:1f.3", 0x8086, 0xa348, 0x040300, 9,
			   "snd_hda_intel");
	fake_sysfs_add_dev(&c->fs, "0000:00:1f.4", 0x8086, 0xa323, 0x0c0500, 9,
			   "i801_smbus");
	a = fake_sysfs_addr("00:1f.3");
	assert_int_equal(bind_run(&c->env, &a, 1, true, false, c->out), -EBUSY);
	assert_int_equal(c->fs.nlog, 0);
	fake_sysfs_assert_driver(&c->fs, "0000:00:1f.0", "lpc_ich");
	fake_sysfs_assert_driver(&c->fs, "0000:00:1f.3", "snd_hda_intel");
	fake_sysfs_assert_driver(&c->fs, "0000:00:1f.4", "i801_smbus");

	/* An ISA bridge without a driver does not block: it is skipped. */
	fake_sysfs_set_driver(&c->fs, "0000:00:1f.0", NULL);
	assert_int_equal(bind_run(&c->env, &a, 1, true, false, c->out), 0);
	fake_sysfs_assert_driver(&c->fs, "0000:00:1f.3", "vfio-pci");
	fake_sysfs_assert_driver(&c->fs, "0000:00:1f.4", "vfio-pci");
	fake_sysfs_assert_driver(&c->fs, "0000:00:1f.0", "");
	assert_int_equal(fake_sysfs_log_find(&c->fs, "0000:00:1f.0", 0), -1);
}

/* The lines of @text, in order, must contain each of @want (NULL-ended). */
static void assert_lines_in_order(const char *text, const char *const *want)
{
	const char *p = text;

	for (; *want; want++) {
		const char *q = strstr(p, *want);

		if (!q)
			fail_msg("\"%s\" not (in order) in:\n%s", *want, text);
		p = q + strlen(*want);
	}
}

static void test_dry_run(void **state)
{
	struct ctx *c = *state;
	char *text = NULL, *text2 = NULL;
	size_t len = 0, len2 = 0;
	struct pci_addr a;
	FILE *f;
	char want[4][512];
	const char *order[6];

	fake_sysfs_add_dev(&c->fs, "0000:01:00.0", 0x8086, 0x10d3, 0x020000, 3,
			   "e1000e");
	a = fake_sysfs_addr("01:00.0");
	f = open_memstream(&text, &len);
	c->env.dry_run = f;
	assert_int_equal(bind_run(&c->env, &a, 1, false, false, f), 0);
	fclose(f);
	/* Nothing written, nothing recorded, nothing changed ... */
	assert_int_equal(c->fs.nlog, 0);
	fake_sysfs_assert_driver(&c->fs, "0000:01:00.0", "e1000e");
	assert_false(fake_sysfs_exists(&c->fs, "state/0000:01:00.0"));
	/* ... but every write said, in the order bind makes them. */
	snprintf(want[0], sizeof(want[0]),
		 "record \"e1000e\" in %s/0000:01:00.0", c->fs.state);
	snprintf(
		want[1], sizeof(want[1]),
		"write \"vfio-pci\" to %s/bus/pci/devices/0000:01:00.0/driver_override",
		c->fs.sys);
	snprintf(want[2], sizeof(want[2]),
		 "write \"0000:01:00.0\" to %s/bus/pci/drivers/e1000e/unbind",
		 c->fs.sys);
	snprintf(want[3], sizeof(want[3]),
		 "write \"0000:01:00.0\" to %s/bus/pci/drivers_probe",
		 c->fs.sys);
	order[0] = "0000:01:00.0: would go from e1000e to vfio-pci:";
	order[1] = want[0];
	order[2] = want[1];
	order[3] = want[2];
	order[4] = want[3];
	order[5] = NULL;
	assert_lines_in_order(text, order);
	free(text);

	/* Unbind of a bound device, dry: the writes that give it back. */
	c->env.dry_run = NULL;
	assert_int_equal(bind_run(&c->env, &a, 1, false, false, c->out), 0);
	c->fs.nlog = 0;
	f = open_memstream(&text2, &len2);
	c->env.dry_run = f;
	assert_int_equal(unbind_run(&c->env, &a, 1, false, f), 0);
	fclose(f);
	assert_int_equal(c->fs.nlog, 0);
	fake_sysfs_assert_driver(&c->fs, "0000:01:00.0", "vfio-pci");
	assert_true(fake_sysfs_exists(&c->fs, "state/0000:01:00.0"));
	snprintf(
		want[0], sizeof(want[0]),
		"write \"\" to %s/bus/pci/devices/0000:01:00.0/driver_override",
		c->fs.sys);
	snprintf(want[1], sizeof(want[1]),
		 "write \"0000:01:00.0\" to %s/bus/pci/drivers/vfio-pci/unbind",
		 c->fs.sys);
	snprintf(want[2], sizeof(want[2]),
		 "write \"0000:01:00.0\" to %s/bus/pci/drivers/e1000e/bind",
		 c->fs.sys);
	snprintf(want[3], sizeof(want[3]), "delete the record %s/0000:01:00.0",
		 c->fs.state);
	order[0] = "0000:01:00.0: would go from vfio-pci to e1000e:";
	assert_lines_in_order(text2, order);
	free(text2);
	c->env.dry_run = NULL;
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_bind_order_and_record),
		T(test_unbind_restores),
		T(test_unbind_without_record_probes),
		T(test_driverless_device_round_trip),
		T(test_group_skips_bridge),
		T(test_refuse_mounted),
		T(test_refuse_scsi_holder),
		T(test_refuse_net_up),
		T(test_refuse_console),
		T(test_group_refusal_is_all_or_nothing),
		T(test_managed_bind_restore),
		T(test_missing_vfio_driver_and_device),
		T(test_probe_failure_rolls_back),
		T(test_refuse_infrastructure),
		T(test_group_with_infrastructure),
		T(test_dry_run),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
