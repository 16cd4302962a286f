/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every fuzz harness shares (tests/fuzz/README.md): a reader that
 * takes typed values off the fuzz input (little-endian; past the end it
 * yields zeros, so every input is a valid program), the invariant check
 * that aborts with a message, a quiet stderr for passvm's own messages,
 * and a count of open file descriptors.
 *
 * A harness is one LLVMFuzzerTestOneInput() per guest-facing or
 * untrusted-input parser; it checks invariants after every step, not
 * only at the end, and abort()s on a violation so libFuzzer keeps the
 * input as a crash.
 */
#ifndef PASSVM_TESTS_FUZZ_FUZZ_H
#define PASSVM_TESTS_FUZZ_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* libFuzzer's entry points (defined by each harness). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/*
 * For a harness's checking functions: no coverage guidance (libFuzzer's
 * counters in a loop over every BAR or GSI cost more than the code under
 * test, and guide nothing).
 */
#define FZ_NOCOV __attribute__((no_sanitize("coverage")))

struct fz {
	const uint8_t *p;
	size_t n, off;
};

static inline void fz_init(struct fz *f, const uint8_t *p, size_t n)
{
	f->p = p;
	f->n = n;
	f->off = 0;
}

static inline bool fz_done(const struct fz *f)
{
	return f->off >= f->n;
}

static inline size_t fz_left(const struct fz *f)
{
	return f->off < f->n ? f->n - f->off : 0;
}

static inline uint8_t fz_u8(struct fz *f)
{
	return f->off < f->n ? f->p[f->off++] : 0;
}

static inline uint16_t fz_u16(struct fz *f)
{
	uint16_t v = fz_u8(f);

	return (uint16_t)(v | (uint16_t)fz_u8(f) << 8);
}

static inline uint32_t fz_u32(struct fz *f)
{
	uint32_t v = fz_u16(f);

	return v | (uint32_t)fz_u16(f) << 16;
}

static inline uint64_t fz_u64(struct fz *f)
{
	uint64_t v = fz_u32(f);

	return v | (uint64_t)fz_u32(f) << 32;
}

/* Up to @max bytes into @dst; returns how many (the input may end). */
size_t fz_bytes(struct fz *f, void *dst, size_t max);

/* A pointer to the next @n bytes (fewer if the input ends): *@got. */
const uint8_t *fz_span(struct fz *f, size_t n, size_t *got);

/*
 * fuzz_fail() - report a broken invariant and abort(). The message goes
 * to the stderr libFuzzer started with, even when fuzz_quiet() silenced
 * passvm's messages.
 */
void fuzz_fail(const char *file, int line, const char *cond, const char *fmt,
	       ...) __attribute__((format(printf, 4, 5), noreturn));

#define FZ_CHECK(cond, ...)                                                \
	do {                                                               \
		if (!(cond))                                               \
			fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__); \
	} while (0)

/*
 * fuzz_quiet() - send passvm's log (stderr, stdout) to /dev/null unless
 * FUZZ_VERBOSE is set in the environment; libFuzzer's own output and the
 * sanitizers' reports still reach the terminal. Call from
 * LLVMFuzzerInitialize().
 */
void fuzz_quiet(void);

/*
 * fuzz_trace() - enable every trace category (output is quiet) or none;
 * FUZZ_TRACE in the environment turns it on for every input (with
 * FUZZ_VERBOSE, to read what a crashing input does).
 */
void fuzz_trace(bool on);

struct bus;

/*
 * fuzz_bus_access() - one guest access through @bus (vmm/bus.c) at
 * @addr, @len bytes (any length: the bus refuses 0 and more than 8),
 * written from @val or read; a read may write the first @len bytes of
 * the buffer (none when the bus refuses the length) and nothing past
 * them: a canary checks it. Returns the value read (little-endian, at
 * most 8 bytes), all-ones for a refused length.
 */
uint64_t fuzz_bus_access(struct bus *bus, uint64_t addr, uint32_t len,
			 bool write, uint64_t val);

/* fuzz_count_fds() - open file descriptors of this process. */
int fuzz_count_fds(void);

/* fuzz_fd_open() - is @fd an open file descriptor? */
bool fuzz_fd_open(int fd);

#endif
