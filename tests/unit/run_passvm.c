// SPDX-License-Identifier: GPL-2.0
/* The unit tests' ways to drive passvm's command line; see run_passvm.h. */
#include "run_passvm.h"

#include <fcntl.h>
#include <net/if.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/if_tun.h>

#include <cmocka.h>

const char *passvm_bin(void)
{
	const char *p = getenv("PASSVM");

	return p ? p : "build/passvm";
}

/* Make descriptor @to @from (spawn_passvm()'s convention). */
static void redirect(int from, int to)
{
	if (from == -1)
		close(to);
	else if (from != SPAWN_INHERIT)
		dup2(from, to);
}

int spawn_passvm(const char *const *args, int in, int out, int err)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (!pid) {
		redirect(in, 0);
		redirect(out, 1);
		redirect(err, 2);
		execv(passvm_bin(), (char *const *)args);
		_exit(127);
	}
	return pid;
}

/* @fd's first @len - 1 bytes into @buf, NUL-terminated. */
static void read_back(int fd, char *buf, size_t len)
{
	ssize_t n = pread(fd, buf, len - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
}

int run_passvm(const char *const *args, char *out, size_t olen, char *err,
	       size_t elen)
{
	char ofile[] = "/tmp/passvm-run-outXXXXXX";
	char efile[] = "/tmp/passvm-run-errXXXXXX";
	int ofd = mkstemp(ofile), efd = mkstemp(efile), status;
	pid_t pid;

	assert_true(ofd >= 0 && efd >= 0);
	pid = spawn_passvm(args, -1, ofd, efd);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	read_back(ofd, out, olen);
	read_back(efd, err, elen);
	close(ofd);
	close(efd);
	unlink(ofile);
	unlink(efile);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

int vargv(char **argv, int max, char *first, va_list ap)
{
	int argc = 1;

	argv[0] = first;
	while ((argv[argc] = va_arg(ap, char *))) {
		argc++;
		assert_true(argc < max);
	}
	return argc;
}

bool file_has(const char *path, const char *needle)
{
	static char buf[16384];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return strstr(buf, needle) != NULL;
}

int tap_as(const char *name, int want)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR);

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) || dup2(fd, want) != want) {
		close(fd);
		return -1;
	}
	if (fd != want)
		close(fd);
	return want;
}
