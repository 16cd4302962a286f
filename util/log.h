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
