// SPDX-License-Identifier: GPL-2.0
/*
 * End-to-end through the real binary on this machine's /dev/kvm: a tiny
 * bzImage whose 64-bit entry writes "OK\n" to COM1 and 42 to the
 * debug-exit port. It exercises the CLI, KVM setup, memory, ACPI, the
 * boot loader, the vCPU's long-mode state, the PIO bus, the UART and the
 * exit status, in a few guest instructions (so it is fast even on a
 * paravirtual KVM). Skipped when /dev/kvm is missing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

static const char *passvm(void)
{
	const char *p = getenv("PASSVM");

	return p ? p : "build/passvm";
}

static void put16(uint8_t *b, size_t off, uint16_t v)
{
	memcpy(b + off, &v, 2);
}

static void put32(uint8_t *b, size_t off, uint32_t v)
{
	memcpy(b + off, &v, 4);
}

/* Write a minimal protocol-2.15 bzImage running @code at its 64-bit entry. */
static void make_bzimage(const char *path, const uint8_t *code, size_t len)
{
	uint8_t img[4096] = { 0 };
	FILE *f;

	img[0x1f1] = 1; /* setup_sects: setup is 2 x 512 bytes */
	put16(img, 0x1fe, 0xaa55);
	memcpy(img + 0x202, "HdrS", 4);
	put16(img, 0x206, 0x020f);
	img[0x211] = 0x01; /* loadflags: LOADED_HIGH */
	put32(img, 0x214, 0x100000); /* code32_start */
	put32(img, 0x22c, 0x7fffffff); /* initrd_addr_max */
	put32(img, 0x230, 0x200000); /* kernel_alignment */
	img[0x234] = 1; /* relocatable */
	put16(img, 0x236, 0x1); /* xloadflags: XLF_KERNEL_64 */
	put32(img, 0x238, 2047); /* cmdline_size */
	put32(img, 0x260, 0x100000); /* init_size */
	put32(img, 0x1f4, (sizeof(img) - 1024) / 16); /* syssize */
	/* The 64-bit entry is at protected-mode start + 0x200. */
	memcpy(img + 1024 + 0x200, code, len);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(img, 1, sizeof(img), f), sizeof(img));
	fclose(f);
}

/* Run passvm with @args; return exit status, stdout in @out. */
static int run(const char *const *args, char *out, size_t outlen, char *errbuf,
	       size_t errlen)
{
	char ofile[] = "/tmp/passvm-smoke-outXXXXXX";
	char efile[] = "/tmp/passvm-smoke-errXXXXXX";
	int ofd = mkstemp(ofile), efd = mkstemp(efile), status;
	pid_t pid;
	ssize_t n;

	assert_true(ofd >= 0 && efd >= 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		dup2(ofd, 1);
		dup2(efd, 2);
		close(0);
		execv(passvm(), (char *const *)args);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	n = pread(ofd, out, outlen - 1, 0);
	out[n > 0 ? n : 0] = '\0';
	n = pread(efd, errbuf, errlen - 1, 0);
	errbuf[n > 0 ? n : 0] = '\0';
	close(ofd);
	close(efd);
	unlink(ofile);
	unlink(efile);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static const uint8_t guest_ok42[] = {
	0x66, 0xba, 0xf8, 0x03, /* mov dx, 0x3f8 */
	0xb0, 'O',  0xee, /* mov al, 'O'; out dx, al */
	0xb0, 'K',  0xee, /* mov al, 'K'; out dx, al */
	0xb0, '\n', 0xee, /* mov al, '\n'; out dx, al */
	0xb0, 42,   0xe6, 0xf4, /* mov al, 42; out 0xf4, al */
	0xf4, 0xeb, 0xfd, /* hlt; jmp hlt */
};

static int setup(void **state)
{
	if (access("/dev/kvm", R_OK | W_OK))
		skip();
	if (access(passvm(), X_OK))
		fail_msg("%s not built", passvm());
	return 0;
}

static void test_console_and_debug_exit(void **state)
{
	char img[] = "/tmp/passvm-smoke-bzXXXXXX";
	char out[4096], err[8192];
	int fd = mkstemp(img);
	const char *args[] = { "passvm", "run", "--kernel", img, "--mem", "64M",
			       "--cpus", "2",	"--stats",  NULL };

	setup(state);
	assert_true(fd >= 0);
	close(fd);
	make_bzimage(img, guest_ok42, sizeof(guest_ok42));
	assert_int_equal(run(args, out, sizeof(out), err, sizeof(err)), 42);
	assert_string_equal(out, "OK\n");
	/* --stats counted the PIO exits by device. */
	if (!strstr(err, "pio") || !strstr(err, "first guest instruction"))
		fail_msg("no stats in: %s", err);
	unlink(img);
}

static void test_bad_kernel(void **state)
{
	char img[] = "/tmp/passvm-smoke-badXXXXXX";
	char out[512], err[2048];
	int fd = mkstemp(img);
	const char *args[] = { "passvm", "run", "--kernel", img, NULL };
	const char *missing[] = { "passvm", "run", "--kernel",
				  "/nonexistent/bzImage", NULL };

	setup(state);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "not a kernel", 12), 12);
	close(fd);
	assert_int_equal(run(args, out, sizeof(out), err, sizeof(err)), 1);
	/* One line, naming the problem. */
	assert_non_null(strstr(err, "passvm: "));
	assert_non_null(strchr(err, '\n'));
	assert_null(strchr(strchr(err, '\n') + 1, '\n') ?
			    strchr(strchr(err, '\n') + 1, 'p') :
			    NULL);
	assert_int_equal(run(missing, out, sizeof(out), err, sizeof(err)), 1);
	assert_non_null(strstr(err, "/nonexistent/bzImage"));
	unlink(img);
}

static void test_usage_errors(void **state)
{
	char out[512], err[2048];
	const char *a1[] = { "passvm", "run", "--mem", "1G", NULL };
	const char *a2[] = { "passvm", "frob", NULL };
	const char *a3[] = { "passvm", "--version", NULL };

	setup(state);
	assert_int_equal(run(a1, out, sizeof(out), err, sizeof(err)), 2);
	assert_non_null(strstr(err, "--kernel"));
	assert_int_equal(run(a2, out, sizeof(out), err, sizeof(err)), 2);
	assert_int_equal(run(a3, out, sizeof(out), err, sizeof(err)), 0);
	assert_non_null(strstr(out, "passvm "));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_console_and_debug_exit),
		cmocka_unit_test(test_bad_kernel),
		cmocka_unit_test(test_usage_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
