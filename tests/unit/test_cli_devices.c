// SPDX-License-Identifier: GPL-2.0
/* `passvm run --disk/--net/--vsock`, and the VM description's checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vmm/cli.h"
#include "vmm/virtio_glue.h"
#include "vmm/vm_config.h"

static int run(struct vm_config *o, struct pv_error *e, char **args)
{
	char *argv[32] = { "run", "--kernel", "k" };
	int argc = 3;

	while (*args)
		argv[argc++] = *args++;
	memset(e, 0, sizeof(*e));
	return cli_parse_run(argc, argv, o, e);
}

#define RUN(o, e, ...) run(o, e, (char *[]){ __VA_ARGS__, NULL })

static void bad(const char *needle, char **args)
{
	struct vm_config o;
	struct pv_error e;

	assert_int_equal(run(&o, &e, args), -22);
	if (!strstr(e.msg, needle))
		fail_msg("message '%s' lacks '%s'", e.msg, needle);
	vm_config_release(&o);
}

#define BAD(needle, ...) bad(needle, (char *[]){ __VA_ARGS__, NULL })

static void test_disks(void **state)
{
	struct vm_config o;
	struct pv_error e;

	assert_int_equal(RUN(&o, &e, "--disk", "/img/root.ext4", "--disk",
			     "data.img,ro,serial=SN-1,id=data"),
			 0);
	assert_int_equal(o.nr_disks, 2);
	assert_string_equal(o.disks[0].path, "/img/root.ext4");
	assert_false(o.disks[0].read_only);
	assert_null(o.disks[0].serial);
	assert_string_equal(o.disks[0].id, "blk0");
	assert_true(o.disks[1].read_only);
	assert_string_equal(o.disks[1].serial, "SN-1");
	assert_string_equal(o.disks[1].id, "data");
	vm_config_release(&o);
	BAD("unknown flag 'rx'", "--disk", "a.img,rx");
	BAD("expected PATH", "--disk", ",ro");
	BAD("serial= takes 1 to 20", "--disk",
	    "a,serial=123456789012345678901");
	BAD("serial= takes", "--disk", "a,serial=");
	BAD("is given twice", "--disk", "a.img", "--disk", "a.img,ro");
	BAD("used twice", "--disk", "a,id=x", "--disk", "b,id=x");
	/* an unnamed disk is blkN: an id of blk1 for disk 0 clashes */
	BAD("used twice", "--disk", "a,id=blk1", "--disk", "b");
}

static void test_nets(void **state)
{
	struct vm_config o;
	struct pv_error e;

	assert_int_equal(
		RUN(&o, &e, "--net", "tap=tap0", "--net",
		    "tap=tap1,mac=06:00:AC:10:00:02,vhost=off,id=eth1"),
		0);
	assert_int_equal(o.nr_nets, 2);
	assert_string_equal(o.nets[0].tap, "tap0");
	assert_false(o.nets[0].has_mac);
	assert_int_equal(o.nets[0].vhost, VM_VHOST_AUTO);
	assert_true(o.nets[1].has_mac);
	assert_memory_equal(o.nets[1].mac, "\x06\x00\xac\x10\x00\x02", 6);
	assert_int_equal(o.nets[1].vhost, VM_VHOST_OFF);
	assert_string_equal(o.nets[1].id, "eth1");
	vm_config_release(&o);
	assert_int_equal(RUN(&o, &e, "--net", "tap=t,vhost=on"), 0);
	assert_int_equal(o.nets[0].vhost, VM_VHOST_ON);
	vm_config_release(&o);
	assert_int_equal(RUN(&o, &e, "--net", "fd=7,vhost-fd=8,id=n"), 0);
	assert_null(o.nets[0].tap);
	assert_int_equal(o.nets[0].tap_fd, 7);
	assert_int_equal(o.nets[0].vhost_fd, 8);
	assert_int_equal(o.nets[0].vhost, VM_VHOST_ON);
	vm_config_release(&o);
	BAD("one of tap=NAME", "--net", "mac=06:00:00:00:00:01");
	BAD("one of tap=NAME", "--net", "tap=tap0,fd=3");
	BAD("fds 0-2", "--net", "fd=2");
	/* the option reads as the user wrote it: "fd=2", not "fd= 2" */
	BAD("--net fd=2: fds 0-2", "--net", "fd=2");
	BAD("--net fd='x': give", "--net", "fd=x");
	BAD("give the number of an inherited open fd", "--net", "fd=x");
	BAD("give the number of an inherited open fd", "--net",
	    "tap=t,vhost-fd=");
	BAD("vhost=off refuses it", "--net", "fd=3,vhost-fd=4,vhost=off");
	BAD("fd 3 is given twice", "--net", "fd=3", "--net", "fd=3");
	BAD("fd 4 is given twice", "--net", "fd=3,vhost-fd=4", "--net", "fd=4");
	BAD("a /dev/vhost-net of its own", "--net", "fd=3,vhost-fd=5", "--net",
	    "fd=4,vhost-fd=5");
	BAD("tap= takes an interface name", "--net", "tap=0123456789abcdef");
	BAD("mac= takes a MAC", "--net", "tap=t,mac=06:00:00:00:00");
	BAD("mac= takes a MAC", "--net", "tap=t,mac=06-00-00-00-00-01");
	BAD("vhost= takes on or off", "--net", "tap=t,vhost=maybe");
	BAD("unknown field", "--net", "tap=t,queues=4");
	BAD("tap tap0 is given twice", "--net", "tap=tap0", "--net",
	    "tap=tap0");
}

static void test_vsock(void **state)
{
	struct vm_config o;
	struct pv_error e;

	assert_int_equal(RUN(&o, &e, "--vsock", "cid=3,uds=/tmp/v.sock"), 0);
	assert_true(o.vsock.present);
	assert_int_equal(o.vsock.cid, 3);
	assert_string_equal(o.vsock.uds_path, "/tmp/v.sock");
	vm_config_release(&o);
	assert_int_equal(RUN(&o, &e, "--vsock", "uds=v,cid=4294967294"), 0);
	assert_int_equal(o.vsock.cid, 4294967294u);
	vm_config_release(&o);
	BAD("cid=N (3 to", "--vsock", "cid=2,uds=/tmp/v");
	BAD("cid=N (3 to", "--vsock", "cid=4294967295,uds=/tmp/v");
	BAD("cid=N (3 to", "--vsock", "cid=3x,uds=/tmp/v");
	BAD("cid=N (3 to", "--vsock", "cid=3");
	BAD("cid=N (3 to", "--vsock", "uds=/tmp/v");
	BAD("unknown field", "--vsock", "cid=3,uds=/tmp/v,port=1");
	BAD("twice", "--vsock", "cid=3,uds=a", "--vsock", "cid=4,uds=b");
	BAD("cid=N (3 to", "--vsock", "cid=,uds=/tmp/v");
	BAD("uds= takes a Unix socket path", "--vsock",
	    "cid=3,uds=/tmp/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
}

/* The description alone, as the API would fill it. */
static void test_devices_check(void **state)
{
	static struct vm_config c;
	struct pv_error e = { "" };
	char uds[VIRTIO_UDS_MAX + 2];

	vm_config_init(&c);
	assert_int_equal(virtio_devices_check(&c, &e), 0);
	c.vsock.present = true;
	c.vsock.cid = 2;
	c.vsock.uds_path = "/run/v.sock";
	assert_int_equal(virtio_devices_check(&c, &e), -22);
	assert_non_null(strstr(e.msg, "reserved"));
	c.vsock.cid = 3;
	assert_int_equal(virtio_devices_check(&c, &e), 0);
	/* room for "_4294967295" after the path: 96 bytes at most */
	memset(uds, 'a', VIRTIO_UDS_MAX);
	uds[VIRTIO_UDS_MAX] = '\0';
	c.vsock.uds_path = uds;
	assert_int_equal(virtio_devices_check(&c, &e), 0);
	uds[VIRTIO_UDS_MAX] = 'a';
	uds[VIRTIO_UDS_MAX + 1] = '\0';
	assert_int_equal(virtio_devices_check(&c, &e), -22);
	c.vsock.present = false;
	/* a vhost-user drive (PUT /drives with socket) */
	c.nr_disks = 1;
	strcpy(c.disks[0].id, "rootfs");
	c.disks[0].socket = "/run/vu.sock";
	assert_int_equal(virtio_devices_check(&c, &e), -22);
	assert_non_null(strstr(e.msg, "vhost-user"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_disks),
		cmocka_unit_test(test_nets),
		cmocka_unit_test(test_vsock),
		cmocka_unit_test(test_devices_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
