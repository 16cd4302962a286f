/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Logging and the narrated trace. util/ is a leaf: it depends on nothing
 * else in passvm, so every layer may use it.
 *
 * Errors a user can hit are one line on stderr: "passvm: <what went wrong>:
 * <what to do>". The trace (passvm run --trace=LIST) is one greppable line
 * per step: "[ +0.012345] vfio: <step>", the time being seconds since launch.
 */
#ifndef PASSVM_UTIL_LOG_H
#define PASSVM_UTIL_LOG_H

#include <stdbool.h>
#include <stdint.h>

enum trace_cat {
	TRACE_VFIO = 1u << 0,
	TRACE_KVM = 1u << 1,
	TRACE_MEM = 1u << 2,
	TRACE_PCI = 1u << 3,
	TRACE_IRQ = 1u << 4,
	TRACE_BOOT = 1u << 5,
	TRACE_ALL = (1u << 6) - 1,
};

/*
 * Which of pv_err/pv_warn/pv_info print (Firecracker's logger levels, set
 * by PUT /logger; Debug and Trace print what Info does, the trace has its
 * own switch). Default: everything.
 */
enum log_level {
	LOG_LEVEL_OFF,
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARNING,
	LOG_LEVEL_INFO,
};
extern enum log_level log_level;

/* Bitmask of enum trace_cat enabled by --trace; 0 disables tracing. */
extern unsigned int trace_mask;

/*
 * log_init() - record the launch time that trace stamps are relative to.
 * Call first thing in main(); safe to call again (it resets the origin).
 */
void log_init(void);

/* Nanoseconds since log_init() (CLOCK_MONOTONIC). */
uint64_t log_elapsed_ns(void);

/*
 * trace_parse() - parse a --trace LIST ("vfio,kvm", "all").
 * Returns 0 and sets *mask, or -1 on an unknown name (*bad points to it).
 */
int trace_parse(const char *list, unsigned int *mask, const char **bad);

void pv_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pv_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pv_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pv_trace_emit(enum trace_cat cat, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * log_last_error() - a copy of the last line pv_err() printed (without
 * "passvm: "), "" when there was none, for the --result file's message.
 * Writes at most @len bytes (NUL included) to @buf and returns @buf.
 */
char *log_last_error(char *buf, unsigned int len);

/*
 * Rate limiting of warnings a guest can trigger (a guest must not flood the
 * host's journal): per call site, at most RATELIMIT_BURST messages in each
 * RATELIMIT_INTERVAL_NS; the first message after a window that suppressed
 * some says how many ("... (N similar messages suppressed)"). A token
 * bucket that refills all at once per window, as the kernel's
 * lib/ratelimit.c ___ratelimit(). Zeroed state is a fresh bucket.
 */
#define RATELIMIT_BURST 5
#define RATELIMIT_INTERVAL_NS (5ull * 1000000000ull)

struct pv_ratelimit {
	uint64_t begin_ns; /* start of the current window (log_elapsed_ns) */
	unsigned int printed; /* messages let through in this window */
	unsigned int missed; /* messages suppressed since the last one */
	unsigned int gen; /* pv_ratelimit_reset_all() generation + 1 */
};

/*
 * pv_ratelimit_allow() - may a message at @now_ns (nanoseconds, monotonic)
 * go out? When it may, *@suppressed gets the number suppressed since the
 * last one let through (then reset to 0). Pure: the caller locks.
 */
bool pv_ratelimit_allow(struct pv_ratelimit *rl, uint64_t now_ns,
			unsigned int *suppressed);

/*
 * pv_ratelimit_reset_all() - every bucket starts afresh (for unit tests
 * that count warnings; a running VMM never calls it).
 */
void pv_ratelimit_reset_all(void);

/*
 * log_ratelimit_unshown() - messages suppressed whose count no later
 * message reported (the VMM says so once at exit).
 */
unsigned long log_ratelimit_unshown(void);

/* pv_warn_rl() - pv_warn() through @rl (locked inside; any thread). */
void pv_warn_rl(struct pv_ratelimit *rl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A rate-limited pv_warn() with its own bucket at each call site. */
#define pv_warn_ratelimited(...)                        \
	do {                                            \
		static struct pv_ratelimit pv_rl_site_; \
		pv_warn_rl(&pv_rl_site_, __VA_ARGS__);  \
	} while (0)

/* Emit a trace line in category @cat when it is enabled. */
#define pv_trace(cat, ...)                                 \
	do {                                               \
		if (trace_mask & (cat))                    \
			pv_trace_emit((cat), __VA_ARGS__); \
	} while (0)

/*
 * Error text for library-style functions: they fill a caller's buffer with
 * one line (no prefix, no newline) and return a negative errno.
 * pv_seterr() takes the error as a positive errno value (errno, EINVAL, or
 * -ret of a call that returned -errno) and returns it negated; @e may be
 * NULL.
 */
struct pv_error {
	char msg[512];
};

int pv_seterr(struct pv_error *e, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
