// SPDX-License-Identifier: GPL-2.0
/*
 * --net fd=N and vhost-fd=N: an inherited fd is checked to be an attached
 * tap (net_fd_check: fstat and /sys/dev/char; tap_adopt: TUNGETIFF), and
 * anything else is refused with a message saying what it is. The cases
 * with a real tun/tap need /dev/net/tun and CAP_NET_ADMIN (skipped without).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/if_tun.h>

#include "virtio/tap.h"
#include "vmm/virtio_glue.h"

static void has(const struct pv_error *e, const char *needle)
{
	if (!strstr(e->msg, needle))
		fail_msg("message '%s' lacks '%s'", e->msg, needle);
}

/* A tun/tap attached with @flags (a new, non-persistent interface). */
static int tun_attached(short flags)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = flags;
	if (ioctl(fd, TUNSETIFF, &ifr)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void test_regular_file(void **state)
{
	struct pv_error e = { "" };
	char path[] = "/tmp/passvm-net-fd-XXXXXX";
	char name[IFNAMSIZ];
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(net_fd_check("/sys", "fd=", fd, CHARDEV_TUN, &e),
			 -EINVAL);
	has(&e, "is a regular file, not /dev/net/tun");
	/* tap_adopt on its own refuses it too (TUNGETIFF: ENOTTY) */
	assert_int_equal(tap_adopt(fd, name, &e), -ENOTTY);
	has(&e, "not a tun/tap fd");
	close(fd);
}

static void test_closed_fd(void **state)
{
	struct pv_error e = { "" };
	int fd = open("/dev/null", O_RDONLY);

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(net_fd_check("/sys", "fd=", fd, CHARDEV_TUN, &e),
			 -EBADF);
	has(&e, "is not open: the launcher must pass it open");
	assert_int_equal(
		net_fd_check("/sys", "vhost-fd=", fd, CHARDEV_VHOST_NET, &e),
		-EBADF);
	has(&e, "--net vhost-fd=");
}

static void test_dev_null(void **state)
{
	struct pv_error e = { "" };
	int fd = open("/dev/null", O_RDWR);

	assert_true(fd >= 0);
	assert_int_equal(net_fd_check("/sys", "fd=", fd, CHARDEV_TUN, &e),
			 -EINVAL);
	has(&e, "the character device 1:3");
	has(&e, "not /dev/net/tun");
	assert_int_equal(
		net_fd_check("/sys", "vhost-fd=", fd, CHARDEV_VHOST_NET, &e),
		-EINVAL);
	has(&e, "not /dev/vhost-net");
	close(fd);
}

static void test_tun_unattached(void **state)
{
	struct pv_error e = { "" };
	char name[IFNAMSIZ];
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		skip();
	/* the right device, but the launcher did not TUNSETIFF */
	assert_int_equal(net_fd_check("/sys", "fd=", fd, CHARDEV_TUN, &e), 0);
	assert_int_equal(tap_adopt(fd, name, &e), -EBADFD);
	has(&e, "attached to no interface");
	close(fd);
}

static void test_tun_mode(void **state)
{
	struct pv_error e = { "" };
	char name[IFNAMSIZ];
	int fd = tun_attached(IFF_TUN | IFF_NO_PI | IFF_VNET_HDR);

	if (fd < 0)
		skip();
	assert_int_equal(tap_adopt(fd, name, &e), -EINVAL);
	has(&e, "is a tun (layer 3), not a tap");
	close(fd);
}

static void test_tap_flags(void **state)
{
	struct pv_error e = { "" };
	char name[IFNAMSIZ];
	int fd = tun_attached(IFF_TAP);

	if (fd < 0)
		skip();
	/* (this host's tun reports IFF_NO_PI even when not asked for) */
	assert_int_equal(tap_adopt(fd, name, &e), -EINVAL);
	has(&e, " IFF_VNET_HDR: these are fixed at TUNSETIFF");
	close(fd);
	fd = tun_attached(IFF_TAP | IFF_NO_PI);
	assert_true(fd >= 0);
	assert_int_equal(tap_adopt(fd, name, &e), -EINVAL);
	has(&e, "without IFF_VNET_HDR:");
	close(fd);
}

static void test_tap_good(void **state)
{
	struct pv_error e = { "" };
	char name[IFNAMSIZ] = "";
	struct ifreq ifr;
	int fd = tun_attached(IFF_TAP | IFF_NO_PI | IFF_VNET_HDR), hdr = 0;

	if (fd < 0)
		skip();
	memset(&ifr, 0, sizeof(ifr));
	assert_int_equal(ioctl(fd, TUNGETIFF, &ifr), 0);
	assert_int_equal(net_fd_check("/sys", "fd=", fd, CHARDEV_TUN, &e), 0);
	assert_int_equal(tap_adopt(fd, name, &e), 0);
	assert_string_equal(name, ifr.ifr_name);
	/* what is settable was set: the v1 header, non-blocking, cloexec */
	assert_int_equal(ioctl(fd, TUNGETVNETHDRSZ, &hdr), 0);
	assert_int_equal(hdr, TAP_VNET_HDR_LEN);
	assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_regular_file),
		cmocka_unit_test(test_closed_fd),
		cmocka_unit_test(test_dev_null),
		cmocka_unit_test(test_tun_unattached),
		cmocka_unit_test(test_tun_mode),
		cmocka_unit_test(test_tap_flags),
		cmocka_unit_test(test_tap_good),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
