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
	/* each line the guest writes to its console, stamped at its end */
	TRACE_CONSOLE = 1u << 6,
	TRACE_ALL = (1u << 7) - 1,
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

/*
 * Firecracker's line format (its src/vmm/src/logger/logging.rs) for
 * pv_err/pv_warn/pv_info once a logger has a log_path (PUT /logger, the
 * config file's "logger", --log-path: api/telemetry.c):
 *   2026-12-01T20:24:40.123456789 [ID:THREAD:LEVEL:ORIGIN] message
 * the date and time to the nanosecond in UTC (Firecracker's is local time:
 * passvm has no time zone code, and a jail no /etc/localtime), ID the
 * instance id, THREAD log_thread_name()'s ("-" if none), ":LEVEL" (ERROR,
 * WARN, INFO) with show_level, ":ORIGIN" with show_origin: Firecracker's
 * "file:line" is "passvm:0xADDR" here, the calling code's address (its
 * caller's where the compiler made the call a jump; a file and line at
 * every call would not fit issue #8's size): `addr2line -f -e build/passvm
 * ADDR`, the unstripped binary, names the function, file and line. id
 * NULL: passvm's own "passvm: warning: ...".
 */
struct log_format {
	const char *id;
	bool show_level, show_origin;
};
extern struct log_format log_format;

/*
 * log_thread_name() - name the calling thread @name (at most 15 bytes
 * kept, pthread_setname_np) and remember it for the lines above: the
 * thread's seccomp filter lets it read no name back. log_init() names the
 * main thread "main" for them (as Rust names Firecracker's) without
 * renaming the process.
 */
void log_thread_name(const char *name);

/* Bitmask of enum trace_cat enabled by --trace; 0 disables tracing. */
extern unsigned int trace_mask;

/*
 * log_init() - record the launch time that trace stamps are relative to.
 * Call first thing in main(), in the main thread; safe to call again (it
 * resets the origin).
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
 * Rate limits for warnings a guest can provoke (a sleep request, a vector
 * that cannot be routed): a guest must not be able to flood the host's
 * log. Each limit lets PV_RATELIMIT_BURST lines through per
 * PV_RATELIMIT_NS window; the first line of a later window is preceded by
 * "N similar warnings suppressed". Like the kernel's printk_ratelimit()
 * (include/linux/ratelimit.h), with a longer window. One zero-initialised
 * struct pv_ratelimit per kind of message (a static, or one per device).
 */
#define PV_RATELIMIT_BURST 10
#define PV_RATELIMIT_NS (60ull * 1000000000ull) /* 60 s */

struct pv_ratelimit {
	uint64_t start_ns; /* the window's start, log_elapsed_ns() time */
	uint64_t suppressed; /* lines dropped in the window */
	unsigned int printed; /* lines let through in the window */
	bool started;
};

/*
 * pv_ratelimit_ok() - may one more line of @rl be printed at @now_ns
 * (nanoseconds, a monotonic clock)? When a new window opens, *@suppressed
 * is set to how many lines the previous one dropped (else 0). The caller
 * serialises calls on one @rl; pv_warn_limited() does.
 */
bool pv_ratelimit_ok(struct pv_ratelimit *rl, uint64_t now_ns,
		     uint64_t *suppressed);

/* pv_warn_limited() - pv_warn() under @rl; thread-safe. */
void pv_warn_limited(struct pv_ratelimit *rl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * pv_warn_ratelimited() - pv_warn_limited() with its own limit at each call
 * site, for messages that have no object to keep one in.
 */
#define pv_warn_ratelimited(...)                            \
	do {                                                \
		static struct pv_ratelimit pv_rl_site_;     \
		pv_warn_limited(&pv_rl_site_, __VA_ARGS__); \
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
