// SPDX-License-Identifier: GPL-2.0
#include "util/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/date.h"

unsigned int trace_mask;
enum log_level log_level = LOG_LEVEL_INFO;
struct log_format log_format;
/* Not pthread_getname_np(): it reads /proc, which no thread's filter has. */
static __thread char thread_name[16];
static uint64_t origin_ns;
/* The last pv_err() line, for the --result file. */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char last_error[512];

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void log_init(void)
{
	origin_ns = now_ns();
	strcpy(thread_name, "main");
}

void log_thread_name(const char *name)
{
	snprintf(thread_name, sizeof(thread_name), "%s", name);
	pthread_setname_np(pthread_self(), thread_name);
}

uint64_t log_elapsed_ns(void)
{
	return now_ns() - origin_ns;
}

static const struct {
	char name[8];
	unsigned char bit;
} trace_names[] = {
	{ "vfio", TRACE_VFIO },	      { "kvm", TRACE_KVM },
	{ "mem", TRACE_MEM },	      { "pci", TRACE_PCI },
	{ "irq", TRACE_IRQ },	      { "boot", TRACE_BOOT },
	{ "console", TRACE_CONSOLE }, { "all", TRACE_ALL },
};

int trace_parse(const char *list, unsigned int *mask, const char **bad)
{
	const char *p = list;
	unsigned int m = 0;

	while (*p) {
		size_t len = strcspn(p, ",");
		size_t i;

		for (i = 0; i < sizeof(trace_names) / sizeof(trace_names[0]);
		     i++) {
			if (strlen(trace_names[i].name) == len &&
			    !strncmp(trace_names[i].name, p, len))
				break;
		}
		if (i == sizeof(trace_names) / sizeof(trace_names[0])) {
			if (bad)
				*bad = p;
			return -1;
		}
		m |= trace_names[i].bit;
		p += len;
		if (*p == ',')
			p++;
	}
	*mask = m;
	return 0;
}

/* Firecracker's prefix (struct log_format) into @buf; returns its length. */
static int fc_prefix(char *buf, size_t len, enum log_level lv, const void *at)
{
	static const char names[][7] = { "", ":ERROR", ":WARN", ":INFO" };
	uintptr_t a = (uintptr_t)at - 1; /* in the call, not after it */
	struct civil_date d;
	struct timespec ts;
	char origin[32] = "";

#ifdef __PIE__
	extern const char __executable_start[];

	a -= (uintptr_t)__executable_start; /* addr2line takes the offset */
#endif
	if (log_format.show_origin)
		snprintf(origin, sizeof(origin), ":passvm:%#lx",
			 (unsigned long)a);
	clock_gettime(CLOCK_REALTIME, &ts);
	civil_date_of(ts.tv_sec, &d);
	return snprintf(
		buf, len, "%d-%02d-%02dT%02d:%02d:%02d.%09ld [%s:%s%s%s] ",
		d.year + 1900, d.mon + 1, d.mday, d.hour, d.min, d.sec,
		ts.tv_nsec, log_format.id, thread_name[0] ? thread_name : "-",
		log_format.show_level ? names[lv] : "", origin);
}

/*
 * One line of level @lv from the code at @at (a return address), printed
 * if log_level lets it through; an error's text is kept for the --result
 * file in any case.
 */
static void vlog(enum log_level lv, const void *at, const char *fmt, va_list ap)
{
	char buf[1024];
	int n;

	if (log_level < lv && lv != LOG_LEVEL_ERROR)
		return;
	if (log_format.id)
		n = fc_prefix(buf, sizeof(buf), lv, at);
	else
		n = snprintf(buf, sizeof(buf), "passvm: %s",
			     lv == LOG_LEVEL_WARNING ? "warning: " : "");
	vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	if (lv == LOG_LEVEL_ERROR) {
		pthread_mutex_lock(&log_lock);
		snprintf(last_error, sizeof(last_error), "%s", buf + n);
		pthread_mutex_unlock(&log_lock);
		if (log_level < lv)
			return;
	}
	/* One write per line so lines from threads never interleave. */
	fprintf(stderr, "%s\n", buf);
}

void pv_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LEVEL_ERROR, __builtin_return_address(0), fmt, ap);
	va_end(ap);
}

char *log_last_error(char *buf, unsigned int len)
{
	if (!len)
		return buf;
	pthread_mutex_lock(&log_lock);
	snprintf(buf, len, "%s", last_error);
	pthread_mutex_unlock(&log_lock);
	return buf;
}

void pv_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LEVEL_WARNING, __builtin_return_address(0), fmt, ap);
	va_end(ap);
}

bool pv_ratelimit_ok(struct pv_ratelimit *rl, uint64_t now_ns,
		     uint64_t *suppressed)
{
	*suppressed = 0;
	if (!rl->started || now_ns - rl->start_ns >= PV_RATELIMIT_NS) {
		*suppressed = rl->suppressed;
		rl->start_ns = now_ns;
		rl->suppressed = 0;
		rl->printed = 0;
		rl->started = true;
	}
	if (rl->printed < PV_RATELIMIT_BURST) {
		rl->printed++;
		return true;
	}
	rl->suppressed++;
	return false;
}

/* One lock for every limit: they are only taken to print a warning. */
static pthread_mutex_t ratelimit_lock = PTHREAD_MUTEX_INITIALIZER;

void pv_warn_limited(struct pv_ratelimit *rl, const char *fmt, ...)
{
	uint64_t suppressed;
	va_list ap;
	bool ok;

	if (log_level < LOG_LEVEL_WARNING)
		return;
	pthread_mutex_lock(&ratelimit_lock);
	ok = pv_ratelimit_ok(rl, log_elapsed_ns(), &suppressed);
	pthread_mutex_unlock(&ratelimit_lock);
	if (suppressed)
		pv_warn("%llu similar warnings suppressed (at most %d per %llu s)",
			(unsigned long long)suppressed, PV_RATELIMIT_BURST,
			PV_RATELIMIT_NS / 1000000000ull);
	if (!ok)
		return;
	va_start(ap, fmt);
	vlog(LOG_LEVEL_WARNING, __builtin_return_address(0), fmt, ap);
	va_end(ap);
}

void pv_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LEVEL_INFO, __builtin_return_address(0), fmt, ap);
	va_end(ap);
}

void pv_trace_emit(enum trace_cat cat, const char *fmt, ...)
{
	const char *name = "?";
	uint64_t t = log_elapsed_ns();
	char buf[1024];
	va_list ap;
	size_t i;
	int n;

	for (i = 0; i < sizeof(trace_names) / sizeof(trace_names[0]); i++)
		if (trace_names[i].bit == (unsigned int)cat)
			name = trace_names[i].name;
	n = snprintf(buf, sizeof(buf), "[%4llu.%06llu] %s: ",
		     (unsigned long long)(t / 1000000000ull),
		     (unsigned long long)(t % 1000000000ull / 1000), name);
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", buf);
}

int pv_seterr(struct pv_error *e, int err, const char *fmt, ...)
{
	va_list ap;

	if (e) {
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
	}
	/* One sign: a positive errno, as errno holds; anything else is a bug
	 * in the caller, reported as EINVAL rather than passed on. */
	return err > 0 ? -err : -EINVAL;
}
