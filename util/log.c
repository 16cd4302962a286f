// SPDX-License-Identifier: GPL-2.0
#include "util/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

unsigned int trace_mask;
enum log_level log_level = LOG_LEVEL_INFO;
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
}

uint64_t log_elapsed_ns(void)
{
	return now_ns() - origin_ns;
}

static const struct {
	const char *name;
	unsigned int bit;
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

static void vlog(const char *prefix, const char *fmt, va_list ap)
{
	char buf[1024];
	int n;

	n = snprintf(buf, sizeof(buf), "passvm: %s", prefix);
	vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	/* One write per line so lines from threads never interleave. */
	fprintf(stderr, "%s\n", buf);
}

void pv_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pthread_mutex_lock(&log_lock);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	pthread_mutex_unlock(&log_lock);
	va_end(ap);
	if (log_level < LOG_LEVEL_ERROR)
		return;
	va_start(ap, fmt);
	vlog("", fmt, ap);
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

	if (log_level < LOG_LEVEL_WARNING)
		return;
	va_start(ap, fmt);
	vlog("warning: ", fmt, ap);
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
	vlog("warning: ", fmt, ap);
	va_end(ap);
}

void pv_info(const char *fmt, ...)
{
	va_list ap;

	if (log_level < LOG_LEVEL_INFO)
		return;
	va_start(ap, fmt);
	vlog("", fmt, ap);
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
