// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for host/sriov*.c: making and removing VFs on a fake host
 * whose kernel (fake_sysfs_kernel()) makes VFs on a write to sriov_numvfs
 * and refuses what sriov_numvfs_store() refuses; autoprobe handling and
 * its record; who uses a VF; the managed VFs of a run.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <pthread.h>

#include "fake_sysfs.h"
#include "host/sriov.h"
#include "sandbox/sandbox.h"
#include "sandbox_child.h"

#define PF "0000:01:00.0"
#define VF0 "0000:01:10.0" /* offset 0x80, stride 2 */
#define VF1 "0000:01:10.2"
#define VF2 "0000:01:10.4"

struct ctx {
	struct fake_sysfs fs;
	struct sriov_env env;
	char state[192];
	struct pv_error err;
	char *text; /* what was printed to out */
	size_t len;
	FILE *out;
};

static int setup(void **state)
{
	static struct ctx c;

	memset(&c, 0, sizeof(c));
	if (fake_sysfs_init_bind(&c.fs, &c.env.bind))
		return -1;
	snprintf(c.state, sizeof(c.state), "%s/sriov", c.fs.root);
	c.env.dev = c.fs.dev;
	c.env.state_dir = c.state;
	c.out = open_memstream(&c.text, &c.len);
	fake_sysfs_add_driver(&c.fs, "igbvf");
	/* QEMU's igb: 82576 PF 8086:10c9, VFs 8086:10ca, 7 of them. */
	fake_sysfs_add_dev(&c.fs, PF, 0x8086, 0x10c9, 0x020000, 5, "igb");
	fake_sysfs_add_pf(&c.fs, PF, 7, 0x80, 2, 0x8086, 0x10ca, 20, "igbvf");
	*state = &c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	fclose(c->out);
	free(c->text);
	fake_sysfs_cleanup(&c->fs);
	return 0;
}

/* The PF attribute @attr as the fake holds it, newline stripped. */
static const char *pf_attr(struct ctx *c, const char *attr)
{
	static char buf[64];
	char rel[256];

	snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/%s/%s", PF, attr);
	assert_int_equal(fake_sysfs_read(&c->fs, rel, buf, sizeof(buf)), 0);
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

static bool record_exists(struct ctx *c)
{
	return fake_sysfs_exists(&c->fs, "sriov/" PF);
}

static void test_create_autoprobe_first(void **state)
{
	struct ctx *c = *state;
	struct pci_addr pf = fake_sysfs_addr(PF), vf;
	char rec[64];
	int iap, inum;

	assert_int_equal(
		sriov_create(&c->env, &pf, 2, false, 0, c->out, &c->err), 0);
	assert_string_equal(c->fs.refused, "");
	iap = fake_sysfs_log_find(
		&c->fs, "devices/" PF "/sriov_drivers_autoprobe 0", 0);
	inum = fake_sysfs_log_find(&c->fs, "devices/" PF "/sriov_numvfs 2", 0);
	assert_true(iap >= 0);
	assert_true(inum > iap);
	/* No host driver took them: autoprobe was off when they came. */
	assert_true(fake_sysfs_exists(&c->fs, "sys/bus/pci/devices/" VF0));
	assert_true(fake_sysfs_exists(&c->fs, "sys/bus/pci/devices/" VF1));
	assert_false(fake_sysfs_exists(&c->fs, "sys/bus/pci/devices/" VF2));
	fake_sysfs_assert_driver(&c->fs, VF0, "");
	fake_sysfs_assert_driver(&c->fs, VF1, "");
	assert_string_equal(pf_attr(c, "sriov_drivers_autoprobe"), "0");
	/* The value before is recorded, for --remove. */
	assert_int_equal(fake_sysfs_read(&c->fs, "sriov/" PF, rec, sizeof(rec)),
			 0);
	assert_string_equal(rec, "autoprobe 1\n");
	assert_int_equal(sriov_vf_addr(c->fs.sys, &pf, 1, &vf), 0);
	assert_true(pci_addr_equal(&vf, &(struct pci_addr){ 0, 1, 0x10, 2 }));
	fflush(c->out);
	assert_non_null(strstr(c->text, PF ": 2 VFs"));
}

/* The kernel takes a new non-zero count only from zero. */
static void test_change_count_goes_through_zero(void **state)
{
	struct ctx *c = *state;
	struct pci_addr pf = fake_sysfs_addr(PF);
	int i0, i3, n;

	assert_int_equal(
		sriov_create(&c->env, &pf, 2, false, 0, c->out, &c->err), 0);
	n = c->fs.nlog;
	assert_int_equal(
		sriov_create(&c->env, &pf, 3, false, 0, c->out, &c->err), 0);
	assert_string_equal(c->fs.refused, "");
	i0 = fake_sysfs_log_find(&c->fs, "devices/" PF "/sriov_numvfs 0", n);
	i3 = fake_sysfs_log_find(&c->fs, "devices/" PF "/sriov_numvfs 3", n);
	assert_true(i0 >= n);
	assert_true(i3 > i0);
	assert_true(fake_sysfs_exists(&c->fs, "sys/bus/pci/devices/" VF2));
	/* Autoprobe was off already: not written again. */
	assert_int_equal(
		fake_sysfs_log_find(&c->fs, "sriov_drivers_autoprobe", n), -1);
	/* The same count again: nothing is written. */
	n = c->fs.nlog;
	assert_int_equal(
		sriov_create(&c->env, &pf, 3, false, 0, c->out, &c->err), 0);
	assert_int_equal(c->fs.nlog, n);
}

static void test_remove_restores_autoprobe(void **state)
{
	struct ctx *c = *state;
	struct pci_addr pf = fake_sysfs_addr(PF);
	int i0, iap, n;

	assert_int_equal(
		sriov_create(&c->env, &pf, 2, false, 0, c->out, &c->err), 0);
	n = c->fs.nlog;
	assert_int_equal(sriov_remove(&c->env, &pf, false, c->out, &c->err), 0);
	i0 = fake_sysfs_log_find(&c->fs, "devices/" PF "/sriov_numvfs 0", n);
	iap = fake_sysfs_log_find(
		&c->fs, "devices/" PF "/sriov_drivers_autoprobe 1", n);
	assert_true(i0 >= n);
	assert_true(iap > i0); /* on again only once the VFs are gone */
	assert_false(fake_sysfs_exists(&c->fs, "sys/bus/pci/devices/" VF0));
	assert_false(fake_sysfs_exists(&c->fs, "sys/devices/pci0000:00/" PF
					       "/virtfn0"));
	assert_string_equal(pf_attr(c, "sriov_drivers_autoprobe"), "1");
	assert_false(record_exists(c));
	assert_string_equal(c->fs.refused, "");
}

/* A PF whose autoprobe the admin turned off stays so. */
static void test_autoprobe_off_before(void **state)
{
	struct ctx *c = *state;
	struct pci_addr pf = fake_sysfs_addr(PF);
	char rec[64];

	fake_sysfs_dev_attr(&c->fs, PF, "sriov_drivers_autoprobe", "0\n");
	assert_int_equal(
		sriov_create(&c->env, &pf, 1, false, 0, c->out, &c->err), 0);
	assert_int_equal(fake_sysfs_read(&c->fs, "sriov/" PF, rec, sizeof(rec)),
			 0);
	assert_string_equal(rec, "autoprobe 0\n");
	assert_int_equal(sriov_remove(&c->env, &pf, false, c->out, &c->err), 0);
	assert_int_equal(
		fake_sysfs_log_find(&c->fs, "sriov_drivers_autoprobe", 0), -1);
	assert_string_equal(pf_attr(c, "sriov_drivers_autoprobe"), "0");
	assert_false(record_exists(c));
}

/* VFs made by someone else (no record): autoprobe is left alone. */
static void test_remove_without_record(void **state)
{
	struct ctx *c = *state;
	struct pci_addr pf = fake_sysfs_addr(PF);
	int n;

	fake_sysfs_dev_attr(&c->fs, PF, "sriov_drivers_autoprobe", "0\n");
	{ /* as an admin's `echo 2 > sriov_numvfs` */
		char path[512];

		snprintf(path, sizeof(path),
			 "%s/bus/pci/devices/" PF "/sriov_numvfs", c->fs.sys);
		fake_sysfs_kernel(&c->fs, path, "2");
	}
	assert_true(fake_sysfs_exists(&c->fs, "sys/bus/pci/devices/" VF1));
	n = c->fs.nlog;
	assert_int_equal(sriov_remove(&c->env, &pf, false, c->out, &c->err), 0);
	assert_int_equal(
		fake_sysfs_log_find(&c->fs, "sriov_drivers_autoprobe", n), -1);
	fflush(c->out);
	assert_non_null(strstr(c->text, "stays off (no record"));
	assert_false(fake_sysfs_exists(&c->fs, "sys/bus/pci/devices/" VF1));
}

/* Refusals write nothing and say what to do. */
static void test_bad_input(void **state)
{
	struct ctx *c = *state;
	struct pci_addr pf = fake_sysfs_addr(PF),
			other = fake_sysfs_addr("0000:02:00.0"),
			vf = fake_sysfs_addr(VF0);

	assert_int_equal(
		sriov_create(&c->env, &pf, 8, false, 0, c->out, &c->err),
		-ERANGE);
	assert_non_null(strstr(c->err.msg, "at most 7 VFs"));
	assert_non_null(strstr(c->err.msg, "ask for 7 or fewer"));
	assert_int_equal(c->fs.nlog, 0);

	fake_sysfs_add_dev(&c->fs, "0000:02:00.0", 0x8086, 0x10d3, 0x020000, 6,
			   "e1000e");
	assert_int_equal(
		sriov_create(&c->env, &other, 1, false, 0, c->out, &c->err),
		-ENOTSUP);
	assert_non_null(strstr(c->err.msg, "no sriov_totalvfs"));
	assert_int_equal(sriov_remove(&c->env, &other, false, c->out, &c->err),
			 -ENOTSUP);

	/* A VF named as the PF: the message names the PF. */
	assert_int_equal(
		sriov_create(&c->env, &pf, 1, false, 0, c->out, &c->err), 0);
	assert_int_equal(
		sriov_create(&c->env, &vf, 1, false, 0, c->out, &c->err),
		-ENOTSUP);
	assert_non_null(strstr(c->err.msg, "VF 0 of " PF));
	assert_int_equal(sriov_remove(&c->env, &pf, false, c->out, &c->err), 0);

	/* No such device. */
	assert_int_equal(sriov_create(&c->env, &(struct pci_addr){ 0, 9, 0, 0 },
				      1, false, 0, c->out, &c->err),
			 -ENOENT);
	assert_non_null(strstr(c->err.msg, "lspci -D"));

	/* The PF's driver makes the VFs: none, or vfio-pci, will not. */
	fake_sysfs_set_driver(&c->fs, PF, NULL);
	assert_int_equal(
		sriov_create(&c->env, &pf, 1, false, 0, c->out, &c->err),
		-ENOENT);
	assert_non_null(strstr(c->err.msg, "has no driver"));
	fake_sysfs_set_driver(&c->fs, PF, "vfio-pci");
	assert_int_equal(
		sriov_create(&c->env, &pf, 1, false, 0, c->out, &c->err),
		-ENOTSUP);
	assert_non_null(strstr(c->err.msg, "passvm unbind " PF));
	assert_string_equal(c->fs.refused, "");
}

/* A VF a host driver has is removed only with --force. */
static void test_vf_on_host_driver(void **state)
{
	struct ctx *c = *state;
	struct pci_addr pf = fake_sysfs_addr(PF), vf = fake_sysfs_addr(VF1);
	char why[160];
	int n;

	assert_int_equal(
		sriov_create(&c->env, &pf, 2, false, 0, c->out, &c->err), 0);
	fake_sysfs_set_driver(&c->fs, VF1, "igbvf");
	assert_int_equal(sriov_vf_user(&c->env, &vf, why, sizeof(why)),
			 SRIOV_HOST_DRIVER);
	assert_string_equal(why, "bound to igbvf");
	n = c->fs.nlog;
	assert_int_equal(sriov_remove(&c->env, &pf, false, c->out, &c->err),
			 -EBUSY);
	assert_non_null(strstr(c->err.msg,
			       "VF 1 of " PF " (" VF1 ") is bound to igbvf"));
	assert_non_null(strstr(c->err.msg, "--force"));
	assert_int_equal(c->fs.nlog, n);
	/* Changing the count would remove it too. */
	assert_int_equal(
		sriov_create(&c->env, &pf, 3, false, 0, c->out, &c->err),
		-EBUSY);
	assert_int_equal(c->fs.nlog, n);
	assert_int_equal(sriov_remove(&c->env, &pf, true, c->out, &c->err), 0);
	assert_false(fake_sysfs_exists(&c->fs, "sys/bus/pci/devices/" VF1));
}

/* A VF whose VFIO group a process holds is never removed. */
static void test_vf_in_use_by_vm(void **state)
{
	struct ctx *c = *state;
	struct pci_addr pf = fake_sysfs_addr(PF), vf = fake_sysfs_addr(VF0);
	char why[160];
	int n;

	assert_int_equal(
		sriov_create(&c->env, &pf, 2, false, 0, c->out, &c->err), 0);
	fake_sysfs_set_driver(&c->fs, VF0, "vfio-pci");
	assert_int_equal(sriov_vf_user(&c->env, &vf, why, sizeof(why)),
			 SRIOV_FREE);
	fake_sysfs_symlink(&c->fs, "proc/4242/fd/7", "/dev/vfio/20");
	fake_sysfs_write(&c->fs, "proc/4242/comm", "qemu-system-x86\n");
	fake_sysfs_symlink(&c->fs, "proc/77/fd/3", "/dev/null");
	assert_int_equal(sriov_vf_user(&c->env, &vf, why, sizeof(why)),
			 SRIOV_VFIO_USER);
	assert_string_equal(
		why, "open in process 4242 (qemu-system-x86) as /dev/vfio/20");
	n = c->fs.nlog;
	assert_int_equal(sriov_remove(&c->env, &pf, true, c->out, &c->err),
			 -EBUSY);
	assert_non_null(strstr(c->err.msg, "stop that VM first"));
	assert_int_equal(
		sriov_create(&c->env, &pf, 1, true, 0, c->out, &c->err),
		-EBUSY);
	assert_int_equal(c->fs.nlog, n);

	/* The iommufd cdev counts too. */
	fake_sysfs_symlink(&c->fs, "proc/4242/fd/7", "/dev/null");
	assert_int_equal(sriov_vf_user(&c->env, &vf, why, sizeof(why)),
			 SRIOV_FREE);
	fake_sysfs_mkdir(&c->fs,
			 "sys/devices/pci0000:00/" VF0 "/vfio-dev/vfio3");
	fake_sysfs_symlink(&c->fs, "proc/4242/fd/9", "/dev/vfio/devices/vfio3");
	assert_int_equal(sriov_vf_user(&c->env, &vf, why, sizeof(why)),
			 SRIOV_VFIO_USER);

	/* Let go: the VF is given back from vfio-pci, then removed. */
	fake_sysfs_symlink(&c->fs, "proc/4242/fd/9", "/dev/null");
	n = c->fs.nlog;
	assert_int_equal(sriov_remove(&c->env, &pf, false, c->out, &c->err), 0);
	assert_true(
		fake_sysfs_log_find(&c->fs, "drivers/vfio-pci/unbind " VF0, n) <
		fake_sysfs_log_find(&c->fs, "sriov_numvfs 0", n));
}

/* A kernel that never shows the VFs: a timeout, the record stays. */
static void test_vfs_never_appear(void **state)
{
	struct ctx *c = *state;
	struct pci_addr pf = fake_sysfs_addr(PF);

	c->fs.npfs = 0; /* the fake kernel forgets the PF: no VFs come */
	assert_int_equal(
		sriov_create(&c->env, &pf, 2, false, 0, c->out, &c->err),
		-ETIMEDOUT);
	assert_non_null(strstr(c->err.msg, "virtfn0..1"));
	assert_true(record_exists(c));
	assert_string_equal(pf_attr(c, "sriov_drivers_autoprobe"), "0");
}

static void test_dry_run(void **state)
{
	struct ctx *c = *state;
	struct pci_addr pf = fake_sysfs_addr(PF);
	const char *ap, *num;

	c->env.bind.dry_run = c->out;
	assert_int_equal(
		sriov_create(&c->env, &pf, 2, false, 0, c->out, &c->err), 0);
	fflush(c->out);
	ap = strstr(c->text, "write \"0\" to ");
	num = strstr(c->text, "write \"2\" to ");
	assert_non_null(ap);
	assert_non_null(num);
	assert_true(ap < num);
	assert_non_null(strstr(ap, "sriov_drivers_autoprobe"));
	assert_non_null(strstr(c->text, "record \"autoprobe 1\""));
	assert_int_equal(c->fs.nlog, 0);
	assert_false(record_exists(c));
	assert_false(fake_sysfs_exists(&c->fs, "sys/bus/pci/devices/" VF0));
}

static void test_show_and_physfn(void **state)
{
	struct ctx *c = *state;
	struct pci_addr pf = fake_sysfs_addr(PF), vf = fake_sysfs_addr(VF1),
			back;
	int idx;

	assert_int_equal(
		sriov_create(&c->env, &pf, 2, false, 0, c->out, &c->err), 0);
	fake_sysfs_set_driver(&c->fs, VF1, "vfio-pci");
	assert_int_equal(sriov_vf_physfn(c->fs.sys, &vf, &back, &idx), 0);
	assert_true(pci_addr_equal(&back, &pf));
	assert_int_equal(idx, 1);
	assert_int_equal(sriov_vf_physfn(c->fs.sys, &pf, &back, &idx), -ENOENT);
	assert_int_equal(sriov_show(&c->env, &pf, c->out, &c->err), 0);
	fflush(c->out);
	assert_non_null(strstr(c->text,
			       PF ": SR-IOV PF, 2 of 7 VFs, driver igb, netdev "
				  "none, autoprobe off (was on before passvm "
				  "made the VFs)\n"));
	assert_non_null(strstr(c->text, "  VF 0: " VF0
					", IOMMU group 20, driver none\n"));
	assert_non_null(strstr(c->text, "  VF 1: " VF1
					", IOMMU group 21, driver vfio-pci\n"));
}

/* A VF's MAC and VLAN need the PF's netdev and an existing VF. */
static void test_vf_configure_needs(void **state)
{
	struct ctx *c = *state;
	struct pci_addr pf = fake_sysfs_addr(PF);
	struct vf_link_req r;

	vf_link_req_init(&r, 1);
	r.trust = 1;
	assert_int_equal(
		sriov_create(&c->env, &pf, 1, false, 0, c->out, &c->err), 0);
	assert_int_equal(sriov_vf_configure(&c->env, &pf, &r, c->out, &c->err),
			 -ERANGE);
	assert_non_null(strstr(c->err.msg, "has 1 VFs, so there is no VF 1"));
	r.vf = 0;
	assert_int_equal(sriov_vf_configure(&c->env, &pf, &r, c->out, &c->err),
			 -ENODEV);
	assert_non_null(strstr(c->err.msg, "no network interface"));
	assert_non_null(strstr(c->err.msg, "bind the PF's network driver"));
	fake_sysfs_add_net(&c->fs, PF, "enp1s0", "up", 0x1003);
	c->env.bind.dry_run = c->out;
	assert_int_equal(sriov_vf_configure(&c->env, &pf, &r, c->out, &c->err),
			 0);
	fflush(c->out);
	assert_non_null(strstr(c->text, "RTM_SETLINK enp1s0 vf 0"));
}

/* run --sriov: made, bound (managed), then unbound and removed. */
static void test_vm_managed(void **state)
{
	struct ctx *c = *state;
	struct pci_addr pf = fake_sysfs_addr(PF), vfs[4];
	unsigned int numvfs = 2, n = 0;
	struct sriov_vm *s = calloc(1, sizeof(*s));
	char rec[64];

	assert_non_null(s);
	assert_int_equal(sriov_vm_start(s, &c->env, &pf, &numvfs, 1, vfs, 4, &n,
					&c->err),
			 0);
	assert_int_equal(n, 2);
	assert_true(
		pci_addr_equal(&vfs[0], &(struct pci_addr){ 0, 1, 0x10, 0 }));
	assert_true(
		pci_addr_equal(&vfs[1], &(struct pci_addr){ 0, 1, 0x10, 2 }));
	fake_sysfs_assert_driver(&c->fs, VF0, "vfio-pci");
	fake_sysfs_assert_driver(&c->fs, VF1, "vfio-pci");
	assert_int_equal(fake_sysfs_read(&c->fs, "sriov/" PF, rec, sizeof(rec)),
			 0);
	assert_non_null(strstr(rec, "owner "));
	assert_true(fake_sysfs_exists(&c->fs, "state/" VF0));
	/* A second VM cannot take the PF. */
	{
		struct sriov_vm *s2 = calloc(1, sizeof(*s2));

		assert_int_equal(sriov_vm_start(s2, &c->env, &pf, &numvfs, 1,
						vfs, 4, &n, &c->err),
				 -EBUSY);
		assert_non_null(strstr(c->err.msg, "already has 2 VFs"));
		sriov_vm_stop(s2);
		free(s2);
		assert_true(
			fake_sysfs_exists(&c->fs, "sys/bus/pci/devices/" VF0));
	}
	sriov_vm_stop(s);
	assert_false(fake_sysfs_exists(&c->fs, "sys/bus/pci/devices/" VF0));
	assert_false(fake_sysfs_exists(&c->fs, "state/" VF0));
	assert_false(fake_sysfs_exists(&c->fs, "state/" VF1));
	assert_false(record_exists(c));
	assert_string_equal(pf_attr(c, "sriov_drivers_autoprobe"), "1");
	assert_string_equal(c->fs.refused, "");
	sriov_vm_stop(s); /* twice is harmless */
	free(s);
}

/* A failure half way undoes what was done. */
static void test_vm_start_undone(void **state)
{
	struct ctx *c = *state;
	struct pci_addr pf = fake_sysfs_addr(PF), vfs[4];
	unsigned int numvfs = 2, n = 0;
	struct sriov_vm *s = calloc(1, sizeof(*s));
	char path[512];

	assert_non_null(s);
	/* vfio-pci not loaded: the first bind fails. */
	snprintf(path, sizeof(path), "rm -rf %s/bus/pci/drivers/vfio-pci",
		 c->fs.sys);
	assert_int_equal(system(path), 0);
	assert_int_equal(sriov_vm_start(s, &c->env, &pf, &numvfs, 1, vfs, 4, &n,
					&c->err),
			 -ENODEV);
	assert_non_null(strstr(c->err.msg, "modprobe vfio-pci"));
	assert_int_equal(n, 0);
	assert_false(fake_sysfs_exists(&c->fs, "sys/bus/pci/devices/" VF0));
	assert_false(record_exists(c));
	assert_string_equal(pf_attr(c, "sriov_drivers_autoprobe"), "1");
	/* Too many VFs for the VM: refused before anything is made. */
	numvfs = 5;
	assert_int_equal(sriov_vm_start(s, &c->env, &pf, &numvfs, 1, vfs, 4, &n,
					&c->err),
			 -E2BIG);
	assert_int_equal(fake_sysfs_log_find(&c->fs, "sriov_numvfs 5", 0), -1);
	sriov_vm_stop(s);
	free(s);
}

/*
 * The fake kernel's side of a sysfs write, played on a thread that was
 * started before the filter (its mkdir and symlink are no passvm call).
 */
struct kernel_thread {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct fake_sysfs *fs;
	const char *path, *data;
	bool pending, quit;
};

static void *kernel_loop(void *arg)
{
	struct kernel_thread *k = arg;

	pthread_mutex_lock(&k->lock);
	while (!k->quit) {
		if (k->pending) {
			fake_sysfs_kernel(k->fs, k->path, k->data);
			k->pending = false;
			pthread_cond_broadcast(&k->cond);
		}
		pthread_cond_wait(&k->cond, &k->lock);
	}
	pthread_mutex_unlock(&k->lock);
	return NULL;
}

static void kernel_call(void *ctx, const char *path, const char *data)
{
	struct kernel_thread *k = ctx;

	pthread_mutex_lock(&k->lock);
	k->path = path;
	k->data = data;
	k->pending = true;
	pthread_cond_broadcast(&k->cond);
	while (k->pending)
		pthread_cond_wait(&k->cond, &k->lock);
	pthread_mutex_unlock(&k->lock);
}

struct filtered_stop {
	struct ctx *c;
	struct sriov_vm *s;
};

static int stop_filtered(void *arg)
{
	struct filtered_stop *f = arg;
	struct kernel_thread k = { .lock = PTHREAD_MUTEX_INITIALIZER,
				   .cond = PTHREAD_COND_INITIALIZER,
				   .fs = &f->c->fs };
	struct pv_error e;
	pthread_t t;

	if (pthread_create(&t, NULL, kernel_loop, &k))
		return 2;
	f->s->env.bind.after_write = kernel_call;
	f->s->env.bind.hook_ctx = &k;
	if (sandbox_init(SANDBOX_ON, NULL, &e) ||
	    sandbox_enter(SANDBOX_MAIN, &e))
		return 3;
	sriov_vm_stop(f->s);
	pthread_mutex_lock(&k.lock);
	k.quit = true;
	pthread_cond_broadcast(&k.cond);
	pthread_mutex_unlock(&k.lock);
	pthread_join(t, NULL);
	return 0;
}

/*
 * run --sriov's teardown runs on the main thread after its seccomp filter
 * is on (vm_destroy, on every exit path): the filter lets it give the VFs
 * back, remove them and restore the PF, not exit 148 half way.
 */
static void test_vm_stop_under_filter(void **state)
{
	struct ctx *c = *state;
	struct pci_addr pf = fake_sysfs_addr(PF), vfs[4];
	unsigned int numvfs = 2, n = 0;
	struct sriov_vm *s;
	struct filtered_stop f = { c, NULL };
	char err[4096];

#ifdef __SANITIZE_ADDRESS__
	skip(); /* no real filter in the sanitizer build: see in_child() */
#endif
	s = calloc(1, sizeof(*s));
	f.s = s;
	assert_non_null(s);
	assert_int_equal(sriov_vm_start(s, &c->env, &pf, &numvfs, 1, vfs, 4, &n,
					&c->err),
			 0);
	assert_true(fake_sysfs_exists(&c->fs, "sys/bus/pci/devices/" VF0));
	if (in_child(stop_filtered, &f, err, sizeof(err)))
		fail_msg("sriov_vm_stop under the main filter: %s", err);
	assert_false(fake_sysfs_exists(&c->fs, "sys/bus/pci/devices/" VF0));
	assert_false(fake_sysfs_exists(&c->fs, "state/" VF0));
	assert_false(record_exists(c));
	assert_string_equal(pf_attr(c, "sriov_drivers_autoprobe"), "1");
	free(s);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_create_autoprobe_first),
		T(test_change_count_goes_through_zero),
		T(test_remove_restores_autoprobe),
		T(test_autoprobe_off_before),
		T(test_remove_without_record),
		T(test_bad_input),
		T(test_vf_on_host_driver),
		T(test_vf_in_use_by_vm),
		T(test_vfs_never_appear),
		T(test_dry_run),
		T(test_show_and_physfn),
		T(test_vf_configure_needs),
		T(test_vm_managed),
		T(test_vm_start_undone),
		T(test_vm_stop_under_filter),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
