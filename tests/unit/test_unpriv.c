// SPDX-License-Identifier: GPL-2.0
/*
 * passvm run without privilege, on this machine (README "Running without
 * privilege: pre-opened fds"; issue #10 item 3): as root, a launcher
 * opens /dev/kvm (0600 root) and attaches a tap (TUNSETIFF with IFF_TAP |
 * IFF_NO_PI | IFF_VNET_HDR), then becomes uid and gid 65534 with no
 * capability and execs passvm run --kvm-fd 3 --net fd=4: the guest runs
 * on the fds it was given (its verdict 42 through port 0xf4: exit 106)
 * and --stats names the tap; the same user without --kvm-fd cannot open
 * /dev/kvm, and passvm says so and how to pass it (exit 1). Through the
 * real binary, executed from an fd root opened (the user may not reach
 * the checkout). Skipped unless root with /dev/kvm; the tap part
 * unless /dev/net/tun can be attached.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/if_tun.h>

#include "boot_image.h"
#include "guest_code.h"
#include "run_passvm.h"

#define NOBODY 65534

/*
 * The launcher: /dev/kvm as fd 3 when @kvm, the tap @tap as fd 4 when
 * given, then uid/gid NOBODY and passvm run @img with @extra (NULL-ended)
 * from the binary's fd; its stdout and stderr into @out. Returns the
 * exit status.
 */
static int launch(const char *img, bool kvm, const char *tap,
		  const char *const *extra, const char *out)
{
	const char *args[24] = { "passvm",    "run",   "--kernel",
				 img,	      "--mem", "32M",
				 "--verdict", "port",  "--stats" };
	int n = 9, st, fd = open(passvm_bin(), O_RDONLY | O_CLOEXEC), bin;
	pid_t pid;

	/* above the fds the launcher places (3, 4) */
	assert_true(fd >= 0);
	bin = fcntl(fd, F_DUPFD_CLOEXEC, 64);
	close(fd);
	assert_true(bin >= 64);
	for (; extra && *extra; extra++)
		args[n++] = *extra;
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		char *const envp[] = { NULL };
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (o < 0 || dup2(o, 1) < 0 || dup2(o, 2) < 0)
			_exit(120);
		close(o);
		if (kvm) {
			int k = open("/dev/kvm", O_RDWR);

			if (k < 0 || dup2(k, 3) != 3)
				_exit(121);
			if (k != 3)
				close(k);
		}
		if (tap && tap_as(tap, 4) != 4)
			_exit(122);
		/* from root: the kernel clears every capability */
		if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			_exit(123);
		syscall(SYS_execveat, bin, "", args, envp, AT_EMPTY_PATH);
		_exit(127);
	}
	close(bin);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

/* file_has(), and the file shown when it lacks @needle */
static bool out_has(const char *path, const char *needle)
{
	bool ok = file_has(path, needle);

	if (!ok)
		printf("no '%s' in %s\n", needle, path);
	return ok;
}

static void test_unprivileged_run(void **state)
{
	char img[] = "/tmp/passvm-unpriv-imgXXXXXX", out[64], tap[IFNAMSIZ];
	char want[80];
	const char *const kvm_fd[] = { "--kvm-fd", "3", NULL };
	const char *const both[] = { "--kvm-fd", "3", "--net", "fd=4,vhost=off",
				     NULL };
	struct stat st;
	int fd, t;

	if (geteuid() || stat(passvm_bin(), &st) || stat("/dev/kvm", &st))
		skip();
	snprintf(out, sizeof(out), "/tmp/pvu-out-%d", (int)getpid());
	fd = mkstemp(img);
	assert_true(fd >= 0);
	close(fd);
	make_test_bzimage(img, guest_ok42, sizeof(guest_ok42));
	chmod(img, 0644);

	/* the user alone (where /dev/kvm is not for everyone, as here):
	 * no /dev/kvm, and the way out is named */
	if (!(st.st_mode & S_IWOTH)) {
		assert_int_equal(launch(img, false, NULL, NULL, out), 1);
		assert_true(out_has(out, "cannot open /dev/kvm"));
		assert_true(out_has(out, "--kvm-fd N"));
	}
	/* /dev/kvm passed open: the guest runs */
	assert_int_equal(launch(img, true, NULL, kvm_fd, out), 106);
	assert_true(out_has(out, "OK\n"));

	/* and a tap root attached, by fd: virtio-net on it */
	snprintf(tap, sizeof(tap), "pvu%d", (int)getpid() % 100000);
	t = tap_as(tap, 100);
	if (t < 0) {
		printf("no tap here (/dev/net/tun, CAP_NET_ADMIN): skipped\n");
	} else {
		close(t);
		assert_int_equal(launch(img, true, tap, both, out), 106);
		snprintf(want, sizeof(want), "tap %s, data path userspace",
			 tap);
		assert_true(out_has(out, want));
	}
	unlink(out);
	unlink(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unprivileged_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
