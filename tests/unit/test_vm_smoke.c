// SPDX-License-Identifier: GPL-2.0
/*
 * End-to-end through the real binary on this machine's /dev/kvm: a tiny
 * bzImage whose 64-bit entry writes "OK\n" to COM1 and its verdict 42 to
 * the debug-exit port (enabled by --verdict port: exit status 64 + 42). It exercises the CLI, KVM setup, memory, ACPI, the
 * boot loader, the vCPU's long-mode state, the PIO bus, the UART and the
 * exit status, in a few guest instructions (so it is fast even on a
 * paravirtual KVM). Skipped when /dev/kvm is missing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "boot_image.h"
#include "guest_code.h"
#include "run_passvm.h"

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* S5 through PM1a_CNT */
static const uint8_t guest_s5[] = { G_S5, G_HLT_LOOP };

/* mov al, 0xfe; out 0x64, al: the i8042 pulses the reset line */
static const uint8_t guest_kbd_reset[] = { 0xb0, 0xfe, 0xe6, 0x64, G_HLT_LOOP };

/* the ACPI/PCI reset register */
static const uint8_t guest_cf9_reset[] = { G_CF9_RESET, G_HLT_LOOP };

/* lidt [rip + 0] with a zero limit, then int3: a triple fault */
static const uint8_t guest_triple_fault[] = {
	0x0f, 0x01, 0x1d, 0x02, 0x00, 0x00, 0x00, /* lidt [rip+2] */
	0xcc, 0xcc, /* int3 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/*
 * --reboot: each boot must find fresh RAM (a marker at 16 MiB left by the
 * boot before means it did not: exit 99) and counts itself in CMOS byte
 * 0x40, which survives a reset as on a PC; it prints OK, resets through
 * 0xcf9, and powers off at the third boot.
 */
static const uint8_t guest_reboot3[] = {
	0x8a,
	0x04,
	0x25,
	0x00,
	0x00,
	0x00,
	0x01, /* mov al, [16 MiB] */
	0x84,
	0xc0,
	0x75,
	0x43, /* test al, al; jnz stale */
	0xc6,
	0x04,
	0x25,
	0x00,
	0x00,
	0x00,
	0x01,
	0x01, /* mov [16 MiB], 1 */
	G_CMOS_INC_BL(0x40),
	G_DX_COM1,
	G_PUTC('O'),
	G_PUTC('K'),
	G_PUTC('\n'),
	0x80,
	0xfb,
	0x03,
	0x73,
	0x0a, /* cmp bl, 3; jae off */
	G_CF9_RESET,
	G_HLT_LOOP,
	G_S5, /* off: */
	G_HLT_LOOP,
	G_VERDICT(99), /* stale: */
	G_HLT_LOOP,
};

/* "R\n" to COM1; then reset through 0xcf9, every boot */
static const uint8_t guest_reset_loop[] = {
	G_DX_COM1, G_PUTC('R'), G_PUTC('\n'), G_CF9_RESET, G_HLT_LOOP,
};

/*
 * Counts its boots in CMOS byte 0x41, counts the functions on PCI bus 0
 * with vendor 0x1af4 (virtio) through CF8/CFC, prints "V<count>\n"; the
 * first boot resets through 0xcf9, the second spins.
 */
static const uint8_t guest_virtio_reboot[] = {
	G_CMOS_INC_BL(0x41), 0x31, 0xc9, 0x31,
	0xf6, /* xor ecx, ecx; xor esi, esi */
	/* 1: mov eax, ecx; shl eax, 11; or eax, 0x80000000 */
	0x89, 0xc8, 0xc1, 0xe0, 0x0b, 0x0d, 0x00, 0x00, 0x00, 0x80, 0x66, 0xba,
	0xf8, 0x0c, 0xef, /* mov dx, 0xcf8; out dx, eax */
	0x66, 0xba, 0xfc, 0x0c, 0xed, /* mov dx, 0xcfc; in eax, dx */
	0x66, 0x3d, 0xf4, 0x1a, 0x75, 0x02, /* cmp ax, 0x1af4; jne 2f */
	0xff, 0xc6, /* inc esi */
	0xff, 0xc1, 0x83, 0xf9, 0x20, 0x72,
	0xdd, /* 2: inc ecx; cmp 32; jb 1b */
	G_DX_COM1, G_PUTC('V'), 0x89, 0xf0, 0x04, 0x30,
	0xee, /* mov eax, esi; add al, '0'; out */
	G_PUTC('\n'), 0x80, 0xfb, 0x02, 0x73, 0x08, /* cmp bl, 2; jae spin */
	G_CF9_RESET, 0xf4, /* hlt */
	0xeb, 0xfe, /* spin: jmp $ */
};

/*
 * Prints the kernel command line (boot_params.hdr.cmd_line_ptr, zero page
 * offset 0x228, %rsi the zero page) and a newline, then verdict 42 through
 * the port (--verdict port).
 */
static const uint8_t guest_print_cmdline[] = {
	0x8b,	   0x9e,       0x28,	     0x02,	    0x00,
	0x00, /* mov ebx, [rsi + 0x228] */
	G_DX_COM1, G_PUTS_RBX, G_PUTC('\n'), G_VERDICT(42), G_HLT_LOOP,
};

static int setup(void **state)
{
	if (access("/dev/kvm", R_OK | W_OK))
		skip();
	if (access(passvm_bin(), X_OK))
		fail_msg("%s not built", passvm_bin());
	return 0;
}

static void test_console_and_debug_exit(void **state)
{
	char img[] = "/tmp/passvm-smoke-bzXXXXXX";
	char out[4096], err[8192];
	int fd = mkstemp(img);
	const char *args[] = { "passvm",  "run",       "--kernel", img,
			       "--mem",	  "64M",       "--cpus",   "2",
			       "--stats", "--verdict", "port",	   NULL };

	setup(state);
	assert_true(fd >= 0);
	close(fd);
	make_test_bzimage(img, guest_ok42, sizeof(guest_ok42));
	assert_int_equal(run_passvm(args, out, sizeof(out), err, sizeof(err)),
			 106);
	assert_string_equal(out, "OK\n");
	/* --stats counted the PIO exits by device. */
	if (!strstr(err, "pio") || !strstr(err, "first guest instruction"))
		fail_msg("no stats in: %s", err);
	unlink(img);
}

/* Boot @code with @extra args (NULL-terminated); stdout/stderr back. */
static int run_with(const uint8_t *code, size_t len, const char *const *extra,
		    char *out, size_t olen, char *err, size_t elen)
{
	char img[] = "/tmp/passvm-smoke-rbXXXXXX";
	const char *args[32] = { "passvm", "run",   "--kernel",
				 img,	   "--mem", "32M" };
	int fd = mkstemp(img), n = 6, status;

	assert_true(fd >= 0);
	close(fd);
	make_test_bzimage(img, code, len);
	while (*extra && n < 31)
		args[n++] = *extra++;
	args[n] = NULL;
	status = run_passvm(args, out, olen, err, elen);
	unlink(img);
	return status;
}

static int run_guest(const uint8_t *code, size_t len, char *err, size_t elen)
{
	static const char *const none[] = { NULL };
	char out[4096];

	return run_with(code, len, none, out, sizeof(out), err, elen);
}

static void test_exit_statuses(void **state)
{
	char err[4096];

	setup(state);
	assert_int_equal(
		run_guest(guest_s5, sizeof(guest_s5), err, sizeof(err)), 0);
	assert_int_equal(run_guest(guest_kbd_reset, sizeof(guest_kbd_reset),
				   err, sizeof(err)),
			 3);
	assert_int_equal(run_guest(guest_cf9_reset, sizeof(guest_cf9_reset),
				   err, sizeof(err)),
			 3);
	assert_int_equal(run_guest(guest_triple_fault,
				   sizeof(guest_triple_fault), err,
				   sizeof(err)),
			 4);
	/*
	 * Hardware KVM reports a triple fault (KVM_EXIT_SHUTDOWN); a
	 * paravirtual KVM may fail to emulate instead: both are a crash.
	 */
	if (!strstr(err, "the guest crashed") || !strstr(err, "RIP 0x"))
		fail_msg("no crash report in: %s", err);
}

/* Run @code on two vCPUs with the verdict port and @extra options. */
static int run_guest_opts(const uint8_t *code, size_t len,
			  const char *const *extra, char *out, size_t olen,
			  char *err, size_t elen)
{
	const char *args[16] = { "--cpus", "2", "--verdict", "port" };
	int n = 4;

	for (; *extra && n < 15; extra++)
		args[n++] = *extra;
	args[n] = NULL;
	return run_with(code, len, args, out, olen, err, elen);
}

/*
 * seccomp: a forbidden system call ends passvm with 148 and names it and
 * its thread; the vCPU's and the main thread's filters are on before the
 * guest's first instruction (the guest printed nothing); off runs it.
 */
static void test_seccomp_forbidden(void **state)
{
	static const char *const vcpu[] = { "--seccomp-test-forbidden", "vcpu",
					    NULL };
	static const char *const main_thread[] = { "--seccomp-test-forbidden",
						   "main", NULL };
	static const char *const off[] = { "--seccomp", "off",
					   "--seccomp-test-forbidden", "vcpu",
					   NULL };
	static const char *const no[] = { "--no-seccomp", NULL };
	static const char *const bad[] = { "--seccomp", "strict", NULL };
	char out[4096], err[4096];

	setup(state);
	assert_int_equal(run_guest_opts(guest_ok42, sizeof(guest_ok42), vcpu,
					out, sizeof(out), err, sizeof(err)),
			 148);
	assert_string_equal(out, "");
	if (!strstr(err,
		    "the vcpu thread made a forbidden system call: socket ("))
		fail_msg("no message naming the call in: %s", err);
	assert_int_equal(run_guest_opts(guest_ok42, sizeof(guest_ok42),
					main_thread, out, sizeof(out), err,
					sizeof(err)),
			 148);
	assert_string_equal(out, "");
	assert_non_null(strstr(err, "the main thread made a forbidden"));
	assert_int_equal(run_guest_opts(guest_ok42, sizeof(guest_ok42), off,
					out, sizeof(out), err, sizeof(err)),
			 106);
	assert_string_equal(out, "OK\n");
	assert_int_equal(run_guest_opts(guest_ok42, sizeof(guest_ok42), no, out,
					sizeof(out), err, sizeof(err)),
			 106);
	assert_int_equal(run_guest_opts(guest_ok42, sizeof(guest_ok42), bad,
					out, sizeof(out), err, sizeof(err)),
			 2);
	assert_non_null(strstr(err, "--seccomp 'strict'"));
}

/*
 * The threads of @pid: how many there are, how many are vCPUs ("fc_vcpu
 * N") and how many have a seccomp filter (Seccomp: 2 in their status).
 */
static void scan_tasks(pid_t pid, int *tasks, int *vcpus, int *filtered)
{
	char path[64], line[256];
	struct dirent *e;
	DIR *d;

	*tasks = *vcpus = *filtered = 0;
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return;
	while ((e = readdir(d))) {
		char st[400];
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(st, sizeof(st), "%s/%s/status", path, e->d_name);
		f = fopen(st, "r");
		if (!f)
			continue;
		(*tasks)++;
		while (fgets(line, sizeof(line), f)) {
			*vcpus += !strncmp(line, "Name:\tfc_vcpu ", 14);
			*filtered += !strcmp(line, "Seccomp:\t2\n");
		}
		fclose(f);
	}
	closedir(d);
}

/* Every thread of a running VM is filtered; SIGTERM still tears down. */
static void test_seccomp_every_thread(void **state)
{
	char img[] = "/tmp/passvm-smoke-thrXXXXXX";
	const char *args[] = { "passvm", "run",	   "--kernel", img, "--mem",
			       "32M",	 "--cpus", "2",	       NULL };
	int fd = mkstemp(img), status, i, tasks = 0, vcpus = 0, filtered = 0;
	int null;
	pid_t pid;

	setup(state);
	assert_true(fd >= 0);
	close(fd);
	make_test_bzimage(img, guest_spin, sizeof(guest_spin));
	null = open("/dev/null", O_RDWR);
	pid = spawn_passvm(args, null, null, null);
	close(null);
	/* up to 30 s: a loaded 2-core machine starts threads slowly */
	for (i = 0; i < 3000 && vcpus < 2; i++) {
		usleep(10000);
		scan_tasks(pid, &tasks, &vcpus, &filtered);
	}
	/* stop the spinning guest before any assert can leave it behind */
	kill(pid, SIGTERM);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(vcpus, 2);
	/* main, signal and 2 vCPUs at least (console: gone at EOF) */
	assert_true(tasks >= 4);
	assert_int_equal(filtered, tasks);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 128 + SIGTERM);
	unlink(img);
}

/* A new pseudo-terminal: its master and its slave, both read-write. */
static void open_pty(int *master, int *slave)
{
	*master = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(*master >= 0);
	assert_int_equal(grantpt(*master), 0);
	assert_int_equal(unlockpt(*master), 0);
	*slave = open(ptsname(*master), O_RDWR | O_NOCTTY);
	assert_true(*slave >= 0);
}

/*
 * On a terminal, passvm puts stdin in raw mode (so Ctrl-a x reaches it
 * without a newline), quits with status 130, and restores the terminal.
 */
static void test_terminal_escape(void **state)
{
	char img[] = "/tmp/passvm-smoke-ttyXXXXXX";
	const char *args[] = { "passvm", "run", "--kernel", img,
			       "--mem",	 "32M", NULL };
	struct termios before, after;
	int fd = mkstemp(img), master, slave, status, waited = 0;
	pid_t pid;

	setup(state);
	assert_true(fd >= 0);
	close(fd);
	make_test_bzimage(img, guest_spin, sizeof(guest_spin));
	open_pty(&master, &slave);
	assert_int_equal(tcgetattr(slave, &before), 0);
	assert_true(before.c_lflag & ICANON);

	pid = spawn_passvm(args, slave, slave, SPAWN_INHERIT);
	/* Wait until passvm has switched the terminal to raw mode. */
	for (int i = 0; i < 500; i++) {
		struct termios now;

		tcgetattr(slave, &now);
		if (!(now.c_lflag & ICANON))
			break;
		usleep(10000);
	}
	assert_int_equal(write(master, "\001x", 2), 2);
	while (waitpid(pid, &status, WNOHANG) == 0 && waited < 1000) {
		char drain[256];
		struct pollfd p = { .fd = master, .events = POLLIN };

		if (poll(&p, 1, 10) > 0 &&
		    read(master, drain, sizeof(drain)) < 0)
			break;
		waited++;
	}
	if (waited == 1000) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		fail_msg("passvm did not quit on Ctrl-a x");
	}
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 130);
	assert_int_equal(tcgetattr(slave, &after), 0);
	assert_int_equal(after.c_lflag, before.c_lflag);
	assert_int_equal(after.c_iflag, before.c_iflag);
	close(slave);
	close(master);
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
	assert_int_equal(run_passvm(args, out, sizeof(out), err, sizeof(err)),
			 1);
	/* Exactly one line, naming the file and the problem. */
	assert_int_equal(count_lines(err), 1);
	assert_non_null(strstr(err, "passvm: "));
	assert_non_null(strstr(err, img));
	assert_int_equal(
		run_passvm(missing, out, sizeof(out), err, sizeof(err)), 1);
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
	assert_int_equal(run_passvm(a1, out, sizeof(out), err, sizeof(err)), 2);
	assert_non_null(strstr(err, "--kernel"));
	assert_int_equal(run_passvm(a2, out, sizeof(out), err, sizeof(err)), 2);
	assert_int_equal(run_passvm(a3, out, sizeof(out), err, sizeof(err)), 0);
	assert_non_null(strstr(out, "passvm "));
}

/* --config-file: the VM is built and started at once; a bad file: 152. */
static void test_config_file(void **state)
{
	char img[] = "/tmp/passvm-smoke-cfgbzXXXXXX";
	char cfg[] = "/tmp/passvm-smoke-cfgXXXXXX";
	char out[4096], err[4096], doc[1024];
	int fd = mkstemp(img), cfd = mkstemp(cfg);
	const char *args[] = { "passvm",   "run",	"--config-file", cfg,
			       "--no-api", "--verdict", "port",		 NULL };

	setup(state);
	close(fd);
	make_test_bzimage(img, guest_ok42, sizeof(guest_ok42));
	snprintf(
		doc, sizeof(doc),
		"{\"boot-source\": {\"kernel_image_path\": \"%s\"}, \"drives\": [],"
		" \"machine-config\": {\"vcpu_count\": 2, \"mem_size_mib\": 64}}",
		img);
	assert_int_equal(write(cfd, doc, strlen(doc)), (ssize_t)strlen(doc));
	assert_int_equal(run_passvm(args, out, sizeof(out), err, sizeof(err)),
			 106);
	assert_string_equal(out, "OK\n");
	/* An unknown field inside machine-config: exit 152, naming both. */
	snprintf(
		doc, sizeof(doc),
		"{\"boot-source\": {\"kernel_image_path\": \"%s\"}, \"drives\": [],"
		" \"machine-config\": {\"vcpu_count\": 2, \"mem_size_mib\": 64, \"cpus\": 2}}",
		img);
	assert_int_equal(pwrite(cfd, doc, strlen(doc), 0),
			 (ssize_t)strlen(doc));
	assert_int_equal(ftruncate(cfd, (off_t)strlen(doc)), 0);
	assert_int_equal(run_passvm(args, out, sizeof(out), err, sizeof(err)),
			 152);
	if (!strstr(err, "machine-config") || !strstr(err, "`cpus`"))
		fail_msg("message does not name the key and field: %s", err);
	assert_string_equal(out, ""); /* no guest ran */
	close(cfd);
	unlink(cfg);
	unlink(img);
}

/*
 * A drive with is_root_device: the guest boots with root=/dev/vda and rw
 * or ro after the boot args, as under Firecracker.
 */
static void test_config_root_drive(void **state)
{
	char img[] = "/tmp/passvm-smoke-rootbzXXXXXX";
	char cfg[] = "/tmp/passvm-smoke-rootcfgXXXXXX";
	char disk[] = "/tmp/passvm-smoke-rootdiskXXXXXX";
	char out[4096], err[4096], doc[1024];
	int fd = mkstemp(img), cfd = mkstemp(cfg), dfd = mkstemp(disk);
	const char *args[] = { "passvm",   "run",	"--config-file", cfg,
			       "--no-api", "--verdict", "port",		 NULL };

	setup(state);
	assert_true(fd >= 0 && cfd >= 0 && dfd >= 0);
	close(fd);
	assert_int_equal(ftruncate(dfd, 1 << 20), 0);
	close(dfd);
	make_test_bzimage(img, guest_print_cmdline,
			  sizeof(guest_print_cmdline));
	for (int ro = 0; ro < 2; ro++) {
		snprintf(
			doc, sizeof(doc),
			"{\"boot-source\": {\"kernel_image_path\": \"%s\", \"boot_args\": \"console=ttyS0 quiet\"},"
			" \"drives\": [{\"drive_id\": \"rootfs\", \"path_on_host\": \"%s\","
			" \"is_root_device\": true, \"is_read_only\": %s}],"
			" \"machine-config\": {\"vcpu_count\": 1, \"mem_size_mib\": 64}}",
			img, disk, ro ? "true" : "false");
		assert_int_equal(pwrite(cfd, doc, strlen(doc), 0),
				 (ssize_t)strlen(doc));
		assert_int_equal(ftruncate(cfd, (off_t)strlen(doc)), 0);
		assert_int_equal(
			run_passvm(args, out, sizeof(out), err, sizeof(err)),
			64 + 42);
		assert_string_equal(
			out, ro ? "console=ttyS0 quiet root=/dev/vda ro\n" :
				  "console=ttyS0 quiet root=/dev/vda rw\n");
	}
	close(cfd);
	unlink(cfg);
	unlink(disk);
	unlink(img);
}

static int dial_api(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	strcpy(sa.sun_path, path);
	for (int i = 0; i < 200; i++) {
		if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
			return fd;
		usleep(10000);
	}
	fail_msg("cannot connect to %s", path);
	return -1;
}

/* One request on @fd (keep-alive); the status code. */
static int api_call(int fd, const char *method, const char *path,
		    const char *body)
{
	char buf[4096];
	int n, code = 0;
	ssize_t r;

	n = snprintf(
		buf, sizeof(buf),
		"%s %s HTTP/1.1\r\nHost: localhost\r\nContent-Length: %zu\r\n\r\n%s",
		method, path, strlen(body), body);
	assert_int_equal(write(fd, buf, (size_t)n), n);
	r = read(fd, buf, sizeof(buf) - 1);
	assert_true(r > 12);
	buf[r] = '\0';
	sscanf(buf, "HTTP/1.1 %d", &code);
	return code;
}

/* Writes 'x' to COM1, spins a while, again, forever. */
static const uint8_t guest_chatter[] = {
	G_DX_COM1, G_PUTC('x'), /* 4: */
	0xb9,	   0x00,	0x00, 0x01, 0x00, /* mov ecx, 0x10000 */
	0xe2,	   0xfe, /* loop $ */
	0xeb,	   0xf4, /* jmp 4 */
};

static off_t size_of(int fd)
{
	struct stat st;

	assert_int_equal(fstat(fd, &st), 0);
	return st.st_size;
}

/* A passvm serving the API, its console in a file, the boot source set. */
struct api_vm {
	const char *extra; /* one more `passvm run` argument, or NULL */
	char img[32], con[32], sock[64];
	int cfd; /* the console file */
	int c; /* a keep-alive API connection */
	pid_t pid;
};

static void api_vm_start(struct api_vm *v, const uint8_t *code, size_t len)
{
	char body[512], consarg[64];
	const char *args[] = { "passvm",    "run",   "--api-sock", v->sock,
			       "--console", consarg, v->extra,	   NULL };
	int fd;

	strcpy(v->img, "/tmp/passvm-smoke-apiXXXXXX");
	strcpy(v->con, "/tmp/passvm-smoke-conXXXXXX");
	fd = mkstemp(v->img);
	v->cfd = mkstemp(v->con);
	assert_true(fd >= 0 && v->cfd >= 0);
	close(fd);
	make_test_bzimage(v->img, code, len);
	snprintf(v->sock, sizeof(v->sock), "/tmp/passvm-smoke-%d.sock",
		 (int)getpid());
	snprintf(consarg, sizeof(consarg), "file:%s", v->con);
	unlink(v->sock);
	v->pid =
		spawn_passvm(args, SPAWN_INHERIT, SPAWN_INHERIT, SPAWN_INHERIT);
	v->c = dial_api(v->sock);
	snprintf(body, sizeof(body), "{\"kernel_image_path\": \"%s\"}", v->img);
	assert_int_equal(api_call(v->c, "PUT", "/boot-source", body), 204);
}

/* Wait for passvm to exit; its status. The socket must be gone. */
static int api_vm_end(struct api_vm *v)
{
	int status;

	close(v->c);
	assert_int_equal(waitpid(v->pid, &status, 0), v->pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(access(v->sock, F_OK), -1); /* removed at exit */
	return WEXITSTATUS(status);
}

/* Start the VM (@small: 1 vCPU, 32 MiB first): InstanceStart, 204. */
static void api_vm_boot(struct api_vm *v, bool small)
{
	if (small)
		assert_int_equal(
			api_call(v->c, "PUT", "/machine-config",
				 "{\"vcpu_count\": 1, \"mem_size_mib\": 32}"),
			204);
	assert_int_equal(api_call(v->c, "PUT", "/actions",
				  "{\"action_type\": \"InstanceStart\"}"),
			 204);
}

/* The guest's console so far must be @want. */
static void api_vm_console_is(struct api_vm *v, const char *want)
{
	char text[64] = "";

	assert_true(pread(v->cfd, text, sizeof(text) - 1, 0) > 0);
	assert_string_equal(text, want);
}

static void api_vm_free(struct api_vm *v)
{
	close(v->cfd);
	unlink(v->con);
	unlink(v->img);
}

/* PATCH /vm: no guest output while paused, output again once resumed. */
static void test_api_pause(void **state)
{
	struct api_vm v;
	off_t paused;
	int i;

	setup(state);
	v.extra = NULL;
	api_vm_start(&v, guest_chatter, sizeof(guest_chatter));
	api_vm_boot(&v, false);
	for (i = 0; i < 500 && size_of(v.cfd) == 0; i++)
		usleep(10000);
	assert_true(size_of(v.cfd) > 0);
	assert_int_equal(
		api_call(v.c, "PATCH", "/vm", "{\"state\": \"Paused\"}"), 204);
	paused = size_of(v.cfd);
	usleep(300000);
	assert_int_equal(size_of(v.cfd), paused);
	/* The guest never probed its i8042: no keyboard to press keys on. */
	assert_int_equal(api_call(v.c, "PUT", "/actions",
				  "{\"action_type\": \"SendCtrlAltDel\"}"),
			 400);
	assert_int_equal(
		api_call(v.c, "PATCH", "/vm", "{\"state\": \"Resumed\"}"), 204);
	for (i = 0; i < 500 && size_of(v.cfd) == paused; i++)
		usleep(10000);
	assert_true(size_of(v.cfd) > paused);
	kill(v.pid, SIGTERM);
	assert_int_equal(api_vm_end(&v), 128 + SIGTERM);
	api_vm_free(&v);
}

/* The VM described and started over the API socket, console to a file. */
static void test_api_socket(void **state)
{
	struct api_vm v;

	setup(state);
	v.extra = "--verdict=port";
	api_vm_start(&v, guest_ok42, sizeof(guest_ok42));
	assert_int_equal(
		api_call(v.c, "PUT", "/machine-config",
			 "{\"vcpu_count\": 1, \"mem_size_mib\": 32, \"x\": 1}"),
		400);
	api_vm_boot(&v, true);
	assert_int_equal(api_vm_end(&v), 106);
	api_vm_console_is(&v, "OK\n");
	api_vm_free(&v);
}

static int count(const char *s, const char *needle)
{
	int n = 0;

	for (; (s = strstr(s, needle)); s++)
		n++;
	return n;
}

/*
 * A reset under --reboot restarts the guest inside the same passvm (one
 * --stats report, counted across the boots), with fresh RAM each time.
 */
static void test_reboot_in_place(void **state)
{
	/* The port is the guest's way to say "stale RAM" (verdict 99). */
	const char *const text[] = { "--reboot", "--stats", "--verdict=port",
				     NULL };
	const char *const json[] = { "--reboot", "--stats=json",
				     "--verdict=port", NULL };
	char out[4096], err[8192];

	setup(state);
	assert_int_equal(run_with(guest_reboot3, sizeof(guest_reboot3), text,
				  out, sizeof(out), err, sizeof(err)),
			 0);
	assert_string_equal(out, "OK\nOK\nOK\n");
	if (!strstr(err, "passvm: stats: guest reboots 2\n"))
		fail_msg("no reboot count in: %s", err);
	assert_int_equal(count(err, "passvm: stats: launch to exit"), 1);
	/* 3 boots x 13 port writes at least, all in the one report. */
	assert_non_null(strstr(err, "passvm: stats: userspace exits"));

	assert_int_equal(run_with(guest_reboot3, sizeof(guest_reboot3), json,
				  out, sizeof(out), err, sizeof(err)),
			 0);
	assert_string_equal(out, "OK\nOK\nOK\n");
	/* One JSON object, no text lines. */
	assert_null(strstr(err, "passvm: stats:"));
	if (!strstr(err, "{\"launch_to_first_instruction_ms\":") ||
	    !strstr(err, "\"reboots\":2,") ||
	    !strstr(err, "\"exits\":{\"total\":"))
		fail_msg("no JSON stats in: %s", err);
	assert_int_equal(count(err, "\"reboots\""), 1);
}

/*
 * The VM that InstanceStart built restarts in place under --reboot too:
 * three boots, each with fresh RAM and the CMOS count, then power-off.
 */
static void test_api_reboot_in_place(void **state)
{
	struct api_vm v;

	setup(state);
	v.extra = "--reboot";
	api_vm_start(&v, guest_reboot3, sizeof(guest_reboot3));
	api_vm_boot(&v, true);
	assert_int_equal(api_vm_end(&v), 0);
	api_vm_console_is(&v, "OK\nOK\nOK\n");
	api_vm_free(&v);
}

/* A guest that resets in a loop ends passvm: status 3, and why. */
static void test_reboot_loop_stops(void **state)
{
	const char *const extra[] = { "--reboot", NULL };
	char out[4096], err[8192];

	setup(state);
	assert_int_equal(run_with(guest_reset_loop, sizeof(guest_reset_loop),
				  extra, out, sizeof(out), err, sizeof(err)),
			 3);
	/* Five restarts allowed, the sixth reset stops it. */
	assert_int_equal(count(out, "R\n"), 6);
	if (!strstr(err, "reset 6 times within 10 s") ||
	    !strstr(err, "without --reboot"))
		fail_msg("no reset-loop message in: %s", err);
}

/* A --cmdline without the serial console says so (the screen would be
 * blank); one with it says nothing. */
/* Whether a write lock on @path would be refused (someone holds one). */
static bool locked(const char *path)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd = open(path, O_RDWR), ret;

	assert_true(fd >= 0);
	ret = fcntl(fd, F_OFD_SETLK, &fl);
	close(fd);
	return ret != 0;
}

static bool uds_alive(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0), ret;

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	ret = connect(fd, (struct sockaddr *)&a, sizeof(a));
	close(fd);
	return ret == 0;
}

/*
 * --reboot with virtio devices: each boot has them on its bus again (the
 * guest counts them, before and after its reset), while what they use on
 * the host outlives the reset: the disk's lock is held and the vsock
 * socket accepts during the second boot; at exit both are let go, and
 * --stats gives each device once, its counts added over the boots.
 */
static void test_reboot_virtio(void **state)
{
	char img[] = "/tmp/passvm-smoke-vbzXXXXXX";
	char disk[] = "/tmp/passvm-smoke-vdiskXXXXXX";
	char ofile[] = "/tmp/passvm-smoke-voutXXXXXX";
	char efile[] = "/tmp/passvm-smoke-verrXXXXXX";
	char uds[64], dopt[96], vopt[96], out[256], err[8192];
	const char *args[] = { "passvm", "run", "--kernel", img,
			       "--mem",	 "32M", "--reboot", "--stats",
			       "--disk", dopt,	"--vsock",  vopt,
			       NULL };
	int fd = mkstemp(img), dfd = mkstemp(disk), ofd = mkstemp(ofile);
	int efd = mkstemp(efile), status, i;
	pid_t pid;
	ssize_t n;

	setup(state);
	assert_true(fd >= 0 && dfd >= 0 && ofd >= 0 && efd >= 0);
	close(fd);
	make_test_bzimage(img, guest_virtio_reboot,
			  sizeof(guest_virtio_reboot));
	assert_int_equal(ftruncate(dfd, 1 << 20), 0);
	close(dfd);
	snprintf(uds, sizeof(uds), "/tmp/passvm-smoke-v%d.sock", getpid());
	unlink(uds);
	snprintf(dopt, sizeof(dopt), "%s,id=d0", disk);
	snprintf(vopt, sizeof(vopt), "cid=3,uds=%s", uds);
	pid = spawn_passvm(args, -1, ofd, efd);
	/* Both boots saw a disk and a vsock device: the second one spins. */
	for (i = 0; i < 500; i++) {
		n = pread(ofd, out, sizeof(out) - 1, 0);
		out[n > 0 ? n : 0] = '\0';
		if (!strcmp(out, "V2\nV2\n") || waitpid(pid, &status, WNOHANG))
			break;
		usleep(10000);
	}
	if (strcmp(out, "V2\nV2\n")) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		fail_msg(
			"the guest printed '%s', want two boots with 2 virtio functions each",
			out);
	}
	assert_true(locked(disk));
	assert_true(uds_alive(uds));
	kill(pid, SIGTERM);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	n = pread(efd, err, sizeof(err) - 1, 0);
	err[n > 0 ? n : 0] = '\0';
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 128 + SIGTERM);
	if (!strstr(err, "passvm: stats: guest reboots 1\n"))
		fail_msg("no reboot count in: %s", err);
	assert_int_equal(count(err, "passvm: stats: virtio-blk d0 ("), 1);
	assert_int_equal(count(err, "passvm: stats: virtio-blk d0: reads"), 1);
	assert_int_equal(count(err, "passvm: stats: virtio-vsock ("), 1);
	assert_false(locked(disk));
	assert_int_equal(access(uds, F_OK), -1);
	close(ofd);
	close(efd);
	unlink(ofile);
	unlink(efile);
	unlink(disk);
	unlink(img);
}

static void test_cmdline_console_warning(void **state)
{
	const char *const quiet[] = { "--cmdline", "quiet", "--verdict", "port",
				      NULL };
	const char *const fine[] = { "--cmdline", "console=ttyS0 quiet",
				     "--mem",	  "128M",
				     "--verdict", "port",
				     NULL };
	char out[4096], err[8192];

	setup(state);
	assert_int_equal(run_with(guest_ok42, sizeof(guest_ok42), quiet, out,
				  sizeof(out), err, sizeof(err)),
			 106);
	if (!strstr(err, "--cmdline has no console=ttyS0: the guest's "
			 "messages will not appear; add console=ttyS0"))
		fail_msg("no console warning in: %s", err);
	/* 32M: also below what a distro kernel needs. */
	assert_non_null(strstr(err, "below 128 MiB"));
	assert_int_equal(run_with(guest_ok42, sizeof(guest_ok42), fine, out,
				  sizeof(out), err, sizeof(err)),
			 106);
	assert_null(strstr(err, "warning"));
}

/* Read from @fd into @buf until @needle shows up (or 10 s pass). */
static bool read_until(int fd, char *buf, size_t len, const char *needle)
{
	size_t n = strlen(buf);

	for (int i = 0; i < 1000 && !strstr(buf, needle); i++) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;

		if (poll(&p, 1, 10) <= 0)
			continue;
		r = read(fd, buf + n, len - 1 - n);
		if (r <= 0)
			break;
		n += (size_t)r;
		buf[n] = '\0';
	}
	return strstr(buf, needle) != NULL;
}

/*
 * On a terminal: one line says what boots and how to quit; Ctrl-a h
 * lists the keys (Ctrl-C goes to the guest); Ctrl-a x quits.
 */
static void test_terminal_banner_and_help(void **state)
{
	char img[] = "/tmp/passvm-smoke-helpXXXXXX";
	const char *args[] = { "passvm", "run",	   "--kernel", img, "--mem",
			       "128M",	 "--cpus", "2",	       NULL };
	char buf[8192] = "";
	int fd = mkstemp(img), master, slave, status;
	pid_t pid;

	setup(state);
	assert_true(fd >= 0);
	close(fd);
	make_test_bzimage(img, guest_spin, sizeof(guest_spin));
	open_pty(&master, &slave);
	pid = spawn_passvm(args, slave, slave, slave);
	if (!read_until(master, buf, sizeof(buf),
			"Ctrl-a x to quit, Ctrl-a h for help")) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		fail_msg("no banner in: %s", buf);
	}
	assert_non_null(strstr(buf, "passvm: booting "));
	assert_non_null(strstr(buf, "128 MiB RAM, 2 vCPUs"));
	assert_int_equal(write(master, "\001h", 2), 2);
	if (!read_until(master, buf, sizeof(buf), "Ctrl-C")) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		fail_msg("no help in: %s", buf);
	}
	assert_non_null(strstr(buf, "quit passvm"));
	assert_non_null(strstr(buf, "send a Ctrl-a to the guest"));
	assert_int_equal(write(master, "\001x", 2), 2);
	for (int i = 0; i < 1000 && waitpid(pid, &status, WNOHANG) == 0; i++) {
		char drain[256];
		struct pollfd p = { .fd = master, .events = POLLIN };

		if (poll(&p, 1, 10) > 0 &&
		    read(master, drain, sizeof(drain)) < 0)
			break;
	}
	if (waitpid(pid, &status, WNOHANG) == 0 && kill(pid, 0) == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		fail_msg("passvm did not quit on Ctrl-a x");
	}
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 130);
	close(slave);
	close(master);
	unlink(img);
}

/* mov eax, 0xfe000000; check "PVVD" there; mov byte [rax], 42 (else 1) */
static const uint8_t guest_mmio42[] = {
	0xb8,	    0x00, 0x00, 0x00, 0xfe, /* mov eax, 0xfe000000 */
	0x8b,	    0x08, /* mov ecx, [rax] */
	0x81,	    0xf9, 0x50, 0x56, 0x56, 0x44, /* cmp ecx, "PVVD" */
	0x75,	    0x06, /* jne fail */
	0xc6,	    0x00, 0x2a, /* mov byte [rax], 42 */
	G_HLT_LOOP, 0xc6, 0x00, 0x01, /* fail: mov byte [rax], 1 */
	G_HLT_LOOP,
};

/*
 * The console verdict, as a guest's init gives it: the token is the last
 * 16 characters of its command line (boot_params.hdr.cmd_line_ptr, RSI
 * at the 64-bit entry points at the zero page), where passvm put it;
 * print "PASSVM-VERDICT <token> 7\r\n" to COM1. Assembled from:
 *	mov 0x228(%rsi),%edi; mov %rdi,%rcx
 *   1: cmpb $0,(%rcx); je 2f; inc %rcx; jmp 1b
 *   2: sub $16,%rcx; mov $0x3f8,%dx; lea prefix(%rip),%rbx
 *   3: mov (%rbx),%al; test %al,%al; jz 4f; out %al,%dx; inc %rbx; jmp 3b
 *   4: mov $16,%r8d
 *   5: mov (%rcx),%al; out %al,%dx; inc %rcx; dec %r8d; jnz 5b
 *	lea suffix(%rip),%rbx
 *   6: (as 3, to 7); 7: hlt; jmp 7b
 *	prefix: .asciz "PASSVM-VERDICT "; suffix: .asciz " 7\r\n"
 */
static const uint8_t
	guest_serial7
		[] = {
			0x8b,	    0xbe,
			0x28,	    0x02,
			0x00,	    0x00, /* mov 0x228(%rsi),%edi */
			0x48,	    0x89,
			0xf9, /* mov %rdi,%rcx */
			0x80,	    0x39,
			0x00,	    0x74,
			0x05, /* 1: cmpb $0,(%rcx); je 2f */
			0x48,	    0xff,
			0xc1,	    0xeb,
			0xf6, /* inc %rcx; jmp 1b */
			0x48,	    0x83,
			0xe9,	    0x10, /* 2: sub $16,%rcx */
			G_DX_COM1,  0x48,
			0x8d,	    0x1d,
			0x33,	    0x00,
			0x00,	    0x00, /* lea prefix(%rip),%rbx */
			G_PUTS_RBX, /* 3: */
			0x41,	    0xb8,
			0x10,	    0x00,
			0x00,	    0x00, /* 4: mov $16,%r8d */
			0x8a,	    0x01,
			0xee,	    0x48,
			0xff,	    0xc1, /* 5: mov (%rcx),%al; out; inc */
			0x41,	    0xff,
			0xc8,	    0x75,
			0xf5, /* dec %r8d; jnz 5b */
			0x48,	    0x8d,
			0x1d,	    0x1f,
			0x00,	    0x00,
			0x00, /* lea suffix(%rip),%rbx */
			G_PUTS_RBX, /* 6: */
			G_HLT_LOOP, /* 7: */
			'P',	    'A',
			'S',	    'S',
			'V',	    'M',
			'-',	    'V',
			'E',	    'R',
			'D',	    'I',
			'C',	    'T',
			' ',	    0x00, /* prefix */
			' ',	    '7',
			'\r',	    '\n',
			0x00, /* suffix */
		};

/* mov al, 200; out 0xf4, al: a verdict above 63 */
static const uint8_t guest_port200[] = { G_VERDICT(200), G_HLT_LOOP };

/*
 * Enable PWRBTN_EN (PM1_EN, port 0x602), poll PWRBTN_STS (PM1_STS, 0x600)
 * until the power button is pressed, then power off (S5): what a guest's
 * button handler does, without interrupts.
 */
static const uint8_t guest_power_button[] = {
	0x66, 0xba,	  0x02, 0x06, /* mov dx, 0x602 */
	0x66, 0xb8,	  0x00, 0x01, /* mov ax, 0x100 */
	0x66, 0xef, /* out dx, ax */
	0x66, 0xba,	  0x00, 0x06, /* mov dx, 0x600 */
	0x66, 0xed, /* 14: in ax, dx */
	0x66, 0xa9,	  0x00, 0x01, /* test ax, 0x100 */
	0x74, 0xf8, /* jz 14 */
	G_S5, G_HLT_LOOP,
};

/* The --result file at @path, parsed; its "end" must be @end. */
static json_t *load_result(const char *path, const char *end)
{
	json_error_t je;
	json_t *v = json_load_file(path, 0, &je);

	if (!v)
		fail_msg("--result %s: %s", path, je.text);
	if (strcmp(json_string_value(json_object_get(v, "end")), end))
		fail_msg("end is %s, not %s",
			 json_string_value(json_object_get(v, "end")), end);
	return v;
}

static json_int_t jint(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/*
 * Run @code with @extra options and a --result file: the exit status must
 * be @status, and the result say so, with end @end. Returns the result
 * (the caller's reference; the file is gone); stdout in @out, stderr in
 * @err.
 */
static json_t *run_result(const uint8_t *code, size_t len,
			  const char *const *extra, int status, const char *end,
			  char *out, size_t olen, char *err, size_t elen)
{
	char res[] = "/tmp/passvm-smoke-resXXXXXX";
	const char *args[16] = { "--result", res };
	int n = 2;
	json_t *v;

	close(mkstemp(res));
	for (; *extra && n < 15; extra++)
		args[n++] = *extra;
	args[n] = NULL;
	assert_int_equal(run_with(code, len, args, out, olen, err, elen),
			 status);
	v = load_result(res, end);
	unlink(res);
	assert_int_equal(jint(v, "exit_status"), status);
	return v;
}

/* The last run_verdict()'s stdout and stderr. */
static char verdict_out[4096], verdict_err[8192];

/*
 * A verdict test's run (setup() first): run_result() with --verdict
 * @channel, the verdict @value from it; output in verdict_out/_err.
 */
static json_t *run_verdict(void **state, const uint8_t *code, size_t len,
			   const char *channel, int status, int value)
{
	const char *const extra[] = { "--verdict", channel, NULL };
	json_t *v;

	setup(state);
	v = run_result(code, len, extra, status, "verdict", verdict_out,
		       sizeof(verdict_out), verdict_err, sizeof(verdict_err));

	assert_int_equal(jint(json_object_get(v, "verdict"), "value"), value);
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(v, "verdict"), "channel")),
			    channel);
	return v;
}

/* The names in directory @dir other than "." and "..", counted. */
static int dir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

/*
 * A forbidden system call leaves the --result file every other end
 * leaves (README "Exit status"): "bad-syscall", 148, the handler's line as
 * the message, in a vCPU thread (the main thread renames it) and in the
 * main thread; the temporary file armed for it is gone after a run that
 * ends another way.
 */
static void test_seccomp_result(void **state)
{
	static const char *const kinds[] = { "vcpu", "main" };
	char dir[] = "/tmp/passvm-smoke-sysXXXXXX", res[64], out[4096],
	     err[4096], want[128];
	const char *extra[] = { "--seccomp-test-forbidden", NULL, "--result",
				res, NULL };
	json_t *v;

	setup(state);
	assert_non_null(mkdtemp(dir));
	snprintf(res, sizeof(res), "%s/result.json", dir);
	for (int i = 0; i < 2; i++) {
		extra[1] = kinds[i];
		assert_int_equal(run_guest_opts(guest_ok42, sizeof(guest_ok42),
						extra, out, sizeof(out), err,
						sizeof(err)),
				 148);
		v = load_result(res, "bad-syscall");
		assert_int_equal(jint(v, "exit_status"), 148);
		snprintf(want, sizeof(want),
			 "the %s thread made a forbidden system call: socket (",
			 kinds[i]);
		if (!strstr(json_string_value(json_object_get(v, "message")),
			    want))
			fail_msg("message: %s",
				 json_string_value(
					 json_object_get(v, "message")));
		/* The filters are on before the guest's first instruction. */
		assert_true(json_is_false(json_object_get(v, "guest_started")));
		assert_true(json_is_null(json_object_get(v, "verdict")));
		json_decref(v);
		assert_int_equal(dir_entries(dir), 1);
		unlink(res);
	}
	/* Ended by the guest's verdict: that result, no armed file left. */
	assert_int_equal(run_guest_opts(guest_ok42, sizeof(guest_ok42),
					extra + 2, out, sizeof(out), err,
					sizeof(err)),
			 106);
	json_decref(load_result(res, "verdict"));
	assert_int_equal(dir_entries(dir), 1);
	unlink(res);
	rmdir(dir);
}

/* The MMIO verdict register at 0xfe000000, read back and written. */
static void test_verdict_mmio(void **state)
{
	json_t *v = run_verdict(state, guest_mmio42, sizeof(guest_mmio42),
				"mmio", 106, 42);

	assert_true(json_is_true(json_object_get(v, "guest_started")));
	assert_true(jint(json_object_get(v, "mmio"), "verdict") >= 2);
	json_decref(v);
}

/* The console line with the run's token, found on the command line. */
static void test_verdict_serial(void **state)
{
	json_t *v = run_verdict(state, guest_serial7, sizeof(guest_serial7),
				"serial", 71, 7);
	const char *tok = strstr(verdict_out, "PASSVM-VERDICT ");

	assert_non_null(tok);
	tok += strlen("PASSVM-VERDICT ");
	for (int i = 0; i < 16; i++)
		assert_non_null(strchr("0123456789abcdef", tok[i]));
	assert_string_equal(tok + 16, " 7\r\n");
	json_decref(v);
}

/* A verdict above 63 is 127, with a warning; the file has the value. */
static void test_verdict_above_63(void **state)
{
	json_t *v = run_verdict(state, guest_port200, sizeof(guest_port200),
				"port", 127, 200);

	if (!strstr(verdict_err, "verdict 200 is above 63"))
		fail_msg("no warning in: %s", verdict_err);
	json_decref(v);
}

/*
 * Without --verdict the port changes nothing (counted); --timeout stops
 * the guest that then spins: exit 5. With a grace period the power
 * button is pressed first, and a guest that powers off on it still ends
 * with 5.
 */
static void test_timeout(void **state)
{
	const char *const spin[] = { "--timeout", "1s", "--timeout-grace",
				     "0.5s", NULL };
	const char *const button[] = { "--timeout", "500ms", NULL };
	char out[4096], err[8192];
	json_t *v, *t;

	setup(state);
	v = run_result(guest_ok42, sizeof(guest_ok42), spin, 5, "timeout", out,
		       sizeof(out), err, sizeof(err));
	assert_string_equal(out, "OK\n");
	assert_true(json_is_null(json_object_get(v, "verdict")));
	assert_int_equal(
		jint(json_object_get(v, "verdict_writes_ignored"), "port"), 1);
	t = json_object_get(v, "timeout");
	assert_true(json_is_true(json_object_get(t, "fired")));
	assert_string_equal(json_string_value(json_object_get(t, "guest_end")),
			    "timeout");
	assert_true(json_real_value(json_object_get(v, "launch_to_exit_s")) >=
		    1.5);
	json_decref(v);

	v = run_result(guest_power_button, sizeof(guest_power_button), button,
		       5, "timeout", out, sizeof(out), err, sizeof(err));
	t = json_object_get(v, "timeout");
	assert_string_equal(json_string_value(json_object_get(t, "guest_end")),
			    "power-off");
	/* Well before the 10 s default grace ran out. */
	assert_true(json_real_value(json_object_get(v, "launch_to_exit_s")) <
		    8.0);
	json_decref(v);
}

/* --result on the paths that end before or outside the guest. */
static void test_result_other_ends(void **state)
{
	char res[] = "/tmp/passvm-smoke-resXXXXXX";
	char img[] = "/tmp/passvm-smoke-bzXXXXXX";
	const char *usage[] = { "passvm", "run", "--result", res,
				"--mem",  "1G",	 NULL };
	const char *missing[] = { "passvm", "run",	"--result",
				  res,	    "--kernel", "/nonexistent/bzImage",
				  NULL };
	const char *spin[] = { "passvm", "run",	     "--kernel", img, "--mem",
			       "32M",	 "--result", res,	 NULL };
	char out[1024], err[4096];
	int status, null;
	pid_t pid;
	json_t *v;

	setup(state);
	close(mkstemp(res));
	assert_int_equal(run_passvm(usage, out, sizeof(out), err, sizeof(err)),
			 2);
	v = load_result(res, "usage-error");
	assert_non_null(strstr(json_string_value(json_object_get(v, "message")),
			       "--kernel"));
	assert_true(json_is_false(json_object_get(v, "guest_started")));
	json_decref(v);
	assert_int_equal(
		run_passvm(missing, out, sizeof(out), err, sizeof(err)), 1);
	v = load_result(res, "error");
	assert_non_null(strstr(json_string_value(json_object_get(v, "message")),
			       "/nonexistent/bzImage"));
	json_decref(v);
	/* SIGTERM: the result says so, written as the VM is torn down. */
	close(mkstemp(img));
	make_test_bzimage(img, guest_spin, sizeof(guest_spin));
	null = open("/dev/null", O_RDWR);
	pid = spawn_passvm(spin, null, null, null);
	close(null);
	usleep(500000);
	kill(pid, SIGTERM);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 143);
	v = load_result(res, "signal");
	assert_int_equal(jint(v, "signal"), SIGTERM);
	assert_int_equal(jint(v, "exit_status"), 143);
	json_decref(v);
	unlink(img);
	unlink(res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_console_and_debug_exit),
		cmocka_unit_test(test_exit_statuses),
		cmocka_unit_test(test_terminal_escape),
		cmocka_unit_test(test_bad_kernel),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_config_file),
		cmocka_unit_test(test_config_root_drive),
		cmocka_unit_test(test_api_socket),
		cmocka_unit_test(test_api_pause),
		cmocka_unit_test(test_reboot_in_place),
		cmocka_unit_test(test_reboot_loop_stops),
		cmocka_unit_test(test_api_reboot_in_place),
		cmocka_unit_test(test_reboot_virtio),
		cmocka_unit_test(test_cmdline_console_warning),
		cmocka_unit_test(test_terminal_banner_and_help),
		cmocka_unit_test(test_verdict_mmio),
		cmocka_unit_test(test_verdict_serial),
		cmocka_unit_test(test_verdict_above_63),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_result_other_ends),
		cmocka_unit_test(test_seccomp_forbidden),
		cmocka_unit_test(test_seccomp_result),
		cmocka_unit_test(test_seccomp_every_thread),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
