// SPDX-License-Identifier: GPL-2.0
/* The helpers every fuzz harness shares (tests/fuzz/fuzz.h). */
#include "fuzz.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/log.h"
#include "vmm/bus.h"

static FILE *report; /* the stderr libFuzzer started with */

size_t fz_bytes(struct fz *f, void *dst, size_t max)
{
	size_t n = fz_left(f) < max ? fz_left(f) : max;

	if (n)
		memcpy(dst, f->p + f->off, n);
	f->off += n;
	return n;
}

const uint8_t *fz_span(struct fz *f, size_t n, size_t *got)
{
	const uint8_t *p = f->p + (f->off < f->n ? f->off : f->n);

	*got = fz_left(f) < n ? fz_left(f) : n;
	f->off += *got;
	return p;
}

void fuzz_fail(const char *file, int line, const char *cond, const char *fmt,
	       ...)
{
	FILE *out = report ? report : stderr;
	va_list ap;

	fprintf(out, "\nfuzz invariant broken at %s:%d: !(%s): ", file, line,
		cond);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
	fflush(out);
	abort();
}

void fuzz_quiet(void)
{
	FILE *null;
	int fd;

	if (getenv("FUZZ_VERBOSE"))
		return;
	/* Keep a stream on the real stderr for invariant reports. */
	fd = dup(STDERR_FILENO);
	report = fd >= 0 ? fdopen(fd, "w") : NULL;
	null = fopen("/dev/null", "w");
	if (!null)
		return;
	/*
	 * passvm logs through the stderr stream; libFuzzer captured its own
	 * copy of the pointer at start-up, the sanitizers write to fd 2.
	 */
	stderr = null;
	stdout = null;
	log_level = LOG_LEVEL_INFO;
}

void fuzz_trace(bool on)
{
	static int forced = -1;

	if (forced < 0)
		forced = getenv("FUZZ_TRACE") != NULL;
	trace_mask = on || forced ? TRACE_ALL : 0;
}

int fuzz_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n++;
	closedir(d);
	return n;
}

bool fuzz_fd_open(int fd)
{
	return fd >= 0 && fcntl(fd, F_GETFD) >= 0;
}

uint64_t fuzz_bus_access(struct bus *bus, uint64_t addr, uint32_t len,
			 bool write, uint64_t val)
{
	uint8_t buf[32];
	uint32_t room = len <= 8 ? len : 0; /* bytes a read may write */
	uint64_t v = 0;

	memset(buf, 0xa5, sizeof(buf));
	if (write) {
		memcpy(buf, &val, 8);
		memset(buf + 8, 0x5a, sizeof(buf) - 8);
	}
	FZ_CHECK(len <= sizeof(buf) - 8, "access of %u bytes", len);
	bus_access(bus, addr, buf, len, write);
	if (!write) {
		for (uint32_t i = room; i < sizeof(buf); i++)
			FZ_CHECK(buf[i] == 0xa5,
				 "a %u-byte read at 0x%llx wrote byte %u", len,
				 (unsigned long long)addr, i);
		memcpy(&v, buf, room);
		return room ? v : ~0ull;
	}
	return 0;
}
