// SPDX-License-Identifier: GPL-2.0
/*
 * The lab's socket and disk tool (L2 and L3): vsock, Firecracker's uds,
 * taps, TCP, block device reads and writes.
 */
/*
 * Busybox has no vsock tool, no tap creation and no TCP throughput test;
 * this static binary does what the virtio scenarios need. Every mode
 * prints one result line, words for a LAB: RESULT line (tests/lab/README.md
 * "Writing a scenario"), and exits 0 on success, 1 on failure:
 *
 *   labtool: KEY=ok KEY_bytes=N KEY_t=SECONDS ...
 *   labtool: KEY=fail KEY_error=WHAT:_WHY
 *
 * KEY is $LABTOOL_KEY, else the mode with '-' as '_' (tcp_sink). A hard
 * timeout (LABTOOL_TIMEOUT seconds, 90) ends a hung one.
 *
 *   labtool listen PORT              AF_VSOCK: accept one, echo to EOF
 *   labtool connect CID PORT BYTES [TRIES]
 *                                    AF_VSOCK: send BYTES, expect the echo
 *   labtool uds-listen PATH          AF_UNIX: accept one, echo to EOF
 *   labtool uds-connect PATH PORT BYTES [TRIES]
 *                                    Firecracker: "CONNECT PORT\n", expect
 *                                    "OK <n>\n", then the echo test
 *   labtool tap-add NAME             a persistent tap (ip tuntap add)
 *   labtool tap-exec NAME FD CMD...  attach to tap NAME (IFF_TAP |
 *                                    IFF_NO_PI | IFF_VNET_HDR) as fd FD,
 *                                    then exec CMD with it (a privileged
 *                                    launcher's --net fd=FD); prints only
 *                                    on failure
 *   labtool tcp-sink PORT            accept one, count bytes to EOF
 *   labtool tcp-source IP PORT BYTES [TRIES]
 *                                    send BYTES, print MB/s
 *   labtool blk-rand DEV SECONDS     4 KiB O_DIRECT reads at random
 *                                    aligned offsets for SECONDS, one at
 *                                    a time: IOPS
 *   labtool blk-seq DEV              1 MiB O_DIRECT reads of all of DEV
 *                                    in order: MB/s
 *   labtool blk-rand-write DEV SECONDS
 *   labtool blk-seq-write DEV        the same with O_DIRECT writes of a
 *                                    non-zero pattern (DEV's data is lost;
 *                                    no flush: the figure is of the writes
 *                                    reaching the device's cache)
 *   labtool stamp FILE TEXT...       stdin to stdout as it comes; the time
 *                                    the first line holding the K-th TEXT
 *                                    was read (ms, CLOCK_BOOTTIME:
 *                                    /proc/uptime's clock) into FILE.K; no
 *                                    timeout, no result line (it ends at
 *                                    EOF)
 *   labtool now                      that clock now, ms
 *
 * Build: gcc -static -O2 -o labtool labtool.c (run-lab does it).
 */
#define _GNU_SOURCE /* O_DIRECT */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/if_tun.h>
#include <linux/vm_sockets.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define CHUNK 16384
#define CHUNK_DIRECT (1 << 20) /* blk-seq's reads, bytes */

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static char key[64]; /* the result's key (main) */

/* One value: blanks become '_' (RESULT values have none). */
static void put_word(const char *s)
{
	for (; *s; s++)
		putchar(*s == ' ' || *s == '\t' || *s == '\n' ? '_' : *s);
}

/* "labtool: KEY=ok KEY_k=v ...", from a printf of "k=v k=v ...". */
static int ok(const char *fmt, ...)
{
	char buf[512], *w, *save;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printf("labtool: %s=ok", key);
	for (w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
		printf(" %s_%s", key, w);
	putchar('\n');
	return 0;
}

/* "labtool: KEY=fail KEY_error=WHAT:_WHY"; returns 1. */
static int fail_why(const char *what, const char *why)
{
	printf("labtool: %s=fail %s_error=", key, key);
	put_word(what);
	putchar(':');
	put_word(why);
	putchar('\n');
	return 1;
}

static int fail(const char *what)
{
	return fail_why(what, strerror(errno));
}

/* all @n bytes at @b to (@out) or from @fd; 0, or -1 on error or EOF */
static int xfer_all(int fd, char *b, size_t n, int out)
{
	while (n) {
		ssize_t r = out ? write(fd, b, n) : read(fd, b, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		b += r;
		n -= (size_t)r;
	}
	return 0;
}

static int write_all(int fd, const void *b, size_t n)
{
	return xfer_all(fd, (char *)b, n, 1);
}

static int read_all(int fd, void *b, size_t n)
{
	return xfer_all(fd, b, n, 0);
}

/*
 * read @s to EOF through @buf (@len bytes), each piece written back when
 * @echo; the bytes read, or -1 when an echo could not be written
 */
static long long drain(int s, char *buf, size_t len, int echo)
{
	long long total = 0;

	for (;;) {
		ssize_t r = read(s, buf, len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return total;
		if (echo && write_all(s, buf, (size_t)r))
			return -1;
		total += r;
	}
}

/* accept one connection on @l and echo it back until EOF */
static int echo_one(int l)
{
	char buf[CHUNK];
	long long total;
	int s = accept(l, NULL, NULL);

	if (s < 0)
		return fail("accept");
	total = drain(s, buf, sizeof(buf), 1);
	if (total < 0)
		return fail("echo write");
	close(s);
	return ok("bytes=%lld", total);
}

/*
 * a stream socket of @domain connected to @a, @tries attempts 250 ms
 * apart; -1 when none succeeded. The attempts made in *@used.
 */
static int connect_tries(int domain, const struct sockaddr *a, socklen_t len,
			 int tries, int *used)
{
	int s = -1, i;

	for (i = 0; i < tries && s < 0; i++) {
		s = socket(domain, SOCK_STREAM, 0);
		if (s < 0)
			break;
		if (connect(s, a, len)) {
			close(s);
			s = -1;
			usleep(250000);
		}
	}
	*used = i;
	return s;
}

/*
 * send @bytes of a pattern in chunks, read each back, compare; @extra:
 * more words for the result line
 */
static int echo_test(int s, long long bytes, double t0, const char *extra)
{
	char out[CHUNK], in[CHUNK];
	long long done = 0;
	double t;

	while (done < bytes) {
		size_t n =
			bytes - done < CHUNK ? (size_t)(bytes - done) : CHUNK;

		for (size_t i = 0; i < n; i++)
			out[i] = (char)((done + (long long)i) * 131 >> 3);
		if (write_all(s, out, n))
			return fail("write");
		if (read_all(s, in, n))
			return fail("read back");
		if (memcmp(in, out, n)) {
			char at[32];

			snprintf(at, sizeof(at), "at byte %lld", done);
			return fail_why("echo differs", at);
		}
		done += (long long)n;
	}
	t = now() - t0;
	close(s);
	return ok("bytes=%lld t=%.2f %s", done, t, extra);
}

static int vsock_socket(void)
{
	return socket(AF_VSOCK, SOCK_STREAM, 0);
}

static int cmd_listen(unsigned int port)
{
	struct sockaddr_vm a = { .svm_family = AF_VSOCK,
				 .svm_cid = VMADDR_CID_ANY,
				 .svm_port = port };
	int l = vsock_socket();

	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 4))
		return fail("vsock listen");
	return echo_one(l);
}

static int cmd_connect(unsigned int cid, unsigned int port, long long bytes,
		       int tries)
{
	struct sockaddr_vm a = { .svm_family = AF_VSOCK,
				 .svm_cid = cid,
				 .svm_port = port };
	char extra[32];
	int s, i;

	s = connect_tries(AF_VSOCK, (struct sockaddr *)&a, sizeof(a), tries,
			  &i);
	if (s < 0)
		return fail("vsock connect");
	snprintf(extra, sizeof(extra), "tries=%d", i);
	return echo_test(s, bytes, now(), extra);
}

static int unix_addr(struct sockaddr_un *a, const char *path)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(a->sun_path))
		return -1;
	strcpy(a->sun_path, path);
	return 0;
}

static int cmd_uds_listen(const char *path)
{
	struct sockaddr_un a;
	int l = socket(AF_UNIX, SOCK_STREAM, 0);

	unlink(path);
	if (l < 0 || unix_addr(&a, path) ||
	    bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 4))
		return fail("uds listen");
	return echo_one(l);
}

/* One CONNECT attempt: the socket with "OK <port>" read, or -1. */
static int uds_try(const char *path, unsigned int port, char *ok, size_t n)
{
	struct sockaddr_un a;
	char line[32];
	size_t len = 0;
	int s = socket(AF_UNIX, SOCK_STREAM, 0);

	if (s < 0 || unix_addr(&a, path) ||
	    connect(s, (struct sockaddr *)&a, sizeof(a)))
		goto bad;
	len = (size_t)snprintf(line, sizeof(line), "CONNECT %u\n", port);
	if (write_all(s, line, len))
		goto bad;
	/* the answer, byte by byte: what follows belongs to the stream */
	for (len = 0; len < n - 1; len++) {
		if (read(s, ok + len, 1) != 1)
			goto bad; /* closed: nobody listens in the guest (yet) */
		if (ok[len] == '\n')
			break;
	}
	ok[len] = '\0';
	if (strncmp(ok, "OK ", 3))
		goto bad;
	return s;
bad:
	if (s >= 0)
		close(s);
	return -1;
}

static int cmd_uds_connect(const char *path, unsigned int port, long long bytes,
			   int tries)
{
	char answer[32], extra[64], n[32];
	int s = -1, i;
	double t0 = now();

	for (i = 0; i < tries && s < 0; i++) {
		t0 = now();
		s = uds_try(path, port, answer, sizeof(answer));
		if (s < 0)
			usleep(250000);
	}
	if (s < 0) {
		snprintf(n, sizeof(n), "after %d tries", tries);
		return fail_why("no OK answer to CONNECT", n);
	}
	/* "OK <host port>": the port, and the tries it took */
	snprintf(extra, sizeof(extra), "port=%.16s tries=%d", answer + 3, i);
	return echo_test(s, bytes, t0, extra);
}

static int cmd_tap_add(const char *name)
{
	struct ifreq ifr = { 0 };
	int fd = open("/dev/net/tun", O_RDWR);

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	if (fd < 0 || ioctl(fd, TUNSETIFF, &ifr) || ioctl(fd, TUNSETPERSIST, 1))
		return fail("tap-add");
	return ok("name=%s persistent=yes", name);
}

static int cmd_tap_exec(const char *name, int want, char **cmd)
{
	struct ifreq ifr = { 0 };
	int fd = open("/dev/net/tun", O_RDWR);

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	if (want < 3 || fd < 0 || ioctl(fd, TUNSETIFF, &ifr))
		return fail("tap-exec");
	if (fd != want && (dup2(fd, want) < 0 || close(fd)))
		return fail("tap-exec dup2");
	alarm(0); /* the timeout is labtool's own, not CMD's */
	execvp(cmd[0], cmd);
	return fail("tap-exec exec");
}

static int cmd_tcp_sink(unsigned int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port) };
	static char buf[1 << 16];
	long long total;
	int l = socket(AF_INET, SOCK_STREAM, 0), s, one = 1;
	double t0;

	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1))
		return fail("tcp listen");
	s = accept(l, NULL, NULL);
	if (s < 0)
		return fail("tcp accept");
	t0 = now();
	total = drain(s, buf, sizeof(buf), 0);
	return ok("bytes=%lld t=%.2f", total, now() - t0);
}

static int cmd_tcp_source(const char *ip, unsigned int port, long long bytes,
			  int tries)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port) };
	static char buf[1 << 16];
	long long done = 0;
	int s, i;
	double t0, t;

	if (inet_pton(AF_INET, ip, &a.sin_addr) != 1)
		return fail("tcp address");
	s = connect_tries(AF_INET, (struct sockaddr *)&a, sizeof(a), tries, &i);
	if (s < 0)
		return fail("tcp connect");
	memset(buf, 0x5a, sizeof(buf));
	t0 = now();
	while (done < bytes) {
		size_t n = bytes - done < (long long)sizeof(buf) ?
				   (size_t)(bytes - done) :
				   sizeof(buf);

		if (write_all(s, buf, n))
			return fail("tcp write");
		done += (long long)n;
	}
	shutdown(s, SHUT_WR);
	/* the sink closes when it has read everything */
	while (read(s, buf, sizeof(buf)) > 0)
		;
	t = now() - t0;
	return ok("bytes=%lld t=%.2f mbs=%.1f", done, t, done / t / 1e6);
}

/*
 * @dev opened O_DIRECT (read-write when @wr), its size in @size (bytes)
 * and a 1 MiB aligned buffer in @buf (with @wr: filled with a pattern
 * without a zero byte, so no write is of zeroes); -1 with the failure
 * printed.
 */
static int blk_open(const char *dev, bool wr, unsigned long long *size,
		    void **buf)
{
	int fd = open(dev, (wr ? O_RDWR : O_RDONLY) | O_DIRECT);

	if (fd < 0) {
		fail("open");
		return -1;
	}
	if (ioctl(fd, BLKGETSIZE64, size)) {
		fail("BLKGETSIZE64");
		close(fd);
		return -1;
	}
	if (*size < CHUNK_DIRECT) {
		fail_why("device", "under 1 MiB");
		close(fd);
		return -1;
	}
	if (posix_memalign(buf, 4096, CHUNK_DIRECT)) {
		fail_why("posix_memalign", "no memory");
		close(fd);
		return -1;
	}
	for (size_t i = 0; wr && i < CHUNK_DIRECT; i++)
		((unsigned char *)*buf)[i] = (unsigned char)(0x80 | (i >> 3));
	return fd;
}

/* @n bytes at @off between @buf and @fd, read or written (@wr) at once */
static bool blk_io(int fd, void *buf, size_t n, off_t off, bool wr)
{
	return (wr ? pwrite(fd, buf, n, off) : pread(fd, buf, n, off)) ==
	       (ssize_t)n;
}

/* 4 KiB reads (@wr: writes) at random 4 KiB-aligned offsets for @secs s */
static int cmd_blk_rand(const char *dev, double secs, bool wr)
{
	unsigned long long size, x = 88172645463325252ull;
	long long ios = 0;
	double t0, t;
	void *buf;
	int fd = blk_open(dev, wr, &size, &buf);

	if (fd < 0)
		return 1;
	t0 = now();
	do {
		/* xorshift64: cheap, and the same offsets every run */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (!blk_io(fd, buf, 4096, (off_t)(x % (size / 4096)) * 4096,
			    wr))
			return fail(wr ? "pwrite" : "pread");
		ios++;
		t = now() - t0;
	} while (t < secs);
	close(fd);
	free(buf);
	return ok("ios=%lld t=%.2f iops=%.0f", ios, t, ios / t);
}

/* all of @dev read (@wr: written) in order, 1 MiB at a time */
static int cmd_blk_seq(const char *dev, bool wr)
{
	unsigned long long size, done = 0;
	double t0, t;
	void *buf;
	int fd = blk_open(dev, wr, &size, &buf);

	if (fd < 0)
		return 1;
	t0 = now();
	while (done + CHUNK_DIRECT <= size) {
		if (!blk_io(fd, buf, CHUNK_DIRECT, (off_t)done, wr))
			return fail(wr ? "pwrite" : "pread");
		done += CHUNK_DIRECT;
	}
	t = now() - t0;
	close(fd);
	free(buf);
	return ok("bytes=%llu t=%.2f mbs=%.1f", done, t, done / t / 1e6);
}

/* ms on CLOCK_BOOTTIME, the clock of /proc/uptime (L2's lab_uptime) */
static long long boot_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_BOOTTIME, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/*
 * stdin to stdout unchanged; when a line holding @texts[k] is first
 * complete, its time goes to "@file.K" (K from 1). The stamp is taken as
 * the data is read, before it is written on: a slow stdout (a serial
 * console) does not delay it.
 */
static int cmd_stamp(const char *file, char **texts, int nr)
{
	char buf[CHUNK], line[1024], path[4096];
	bool found[16] = { false };
	size_t len = 0;
	ssize_t n;

	if (nr > 16)
		nr = 16;
	alarm(0);
	while ((n = read(0, buf, sizeof(buf))) != 0) {
		long long t = boot_ms();

		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] != '\n') {
				if (len < sizeof(line) - 1)
					line[len++] = buf[i];
				continue;
			}
			line[len] = '\0';
			len = 0;
			for (int k = 0; k < nr; k++) {
				FILE *f;

				if (found[k] || !strstr(line, texts[k]))
					continue;
				found[k] = true;
				snprintf(path, sizeof(path), "%s.%d", file,
					 k + 1);
				f = fopen(path, "w");
				if (f) {
					fprintf(f, "%lld\n", t);
					fclose(f);
				}
			}
		}
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(1, buf + off, (size_t)(n - off));

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				break;
			off += w;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *tmo = getenv("LABTOOL_TIMEOUT");
	const char *k = getenv("LABTOOL_KEY");
	const char *c = argc > 1 ? argv[1] : "";
	int tries = 1;

	snprintf(key, sizeof(key), "%s", k && *k ? k : c);
	for (char *p = key; *p; p++)
		if (*p == '-')
			*p = '_';

	alarm(tmo ? (unsigned int)atoi(tmo) : 90);
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(c, "listen") && argc == 3)
		return cmd_listen((unsigned int)atoi(argv[2]));
	if (!strcmp(c, "connect") && argc >= 5) {
		if (argc > 5)
			tries = atoi(argv[5]);
		return cmd_connect((unsigned int)atoi(argv[2]),
				   (unsigned int)atoi(argv[3]), atoll(argv[4]),
				   tries);
	}
	if (!strcmp(c, "uds-listen") && argc == 3)
		return cmd_uds_listen(argv[2]);
	if (!strcmp(c, "uds-connect") && argc >= 5) {
		if (argc > 5)
			tries = atoi(argv[5]);
		return cmd_uds_connect(argv[2], (unsigned int)atoi(argv[3]),
				       atoll(argv[4]), tries);
	}
	if (!strcmp(c, "tap-add") && argc == 3)
		return cmd_tap_add(argv[2]);
	if (!strcmp(c, "tap-exec") && argc >= 5)
		return cmd_tap_exec(argv[2], atoi(argv[3]), argv + 4);
	if (!strcmp(c, "tcp-sink") && argc == 3)
		return cmd_tcp_sink((unsigned int)atoi(argv[2]));
	if (!strcmp(c, "tcp-source") && argc >= 5) {
		if (argc > 5)
			tries = atoi(argv[5]);
		return cmd_tcp_source(argv[2], (unsigned int)atoi(argv[3]),
				      atoll(argv[4]), tries);
	}
	if ((!strcmp(c, "blk-rand") || !strcmp(c, "blk-rand-write")) &&
	    argc == 4)
		return cmd_blk_rand(argv[2], atof(argv[3]), c[8] == '-');
	if ((!strcmp(c, "blk-seq") || !strcmp(c, "blk-seq-write")) && argc == 3)
		return cmd_blk_seq(argv[2], c[7] == '-');
	if (!strcmp(c, "stamp") && argc >= 4)
		return cmd_stamp(argv[2], argv + 3, argc - 3);
	if (!strcmp(c, "now") && argc == 2) {
		printf("%lld\n", boot_ms());
		return 0;
	}
	fprintf(stderr,
		"usage: labtool listen|connect|uds-listen|uds-connect|tap-add|tap-exec|tcp-sink|tcp-source|blk-rand[-write]|blk-seq[-write]|stamp|now ...\n");
	return 2;
}
