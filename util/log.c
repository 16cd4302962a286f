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
/* The last pv_err() line and the rate-limit buckets. */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char last_error[512];
static unsigned int ratelimit_gen;
static unsigned long ratelimit_unshown; /* suppressed, not yet reported */

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
	{ "vfio", TRACE_VFIO }, { "kvm", TRACE_KVM }, { "mem", TRACE_MEM },
	{ "pci", TRACE_PCI },	{ "irq", TRACE_IRQ }, { "boot", TRACE_BOOT },
	{ "all", TRACE_ALL },
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

bool pv_ratelimit_allow(struct pv_ratelimit *rl, uint64_t now_ns,
			unsigned int *suppressed)
{
	if (rl->gen != ratelimit_gen + 1 ||
	    now_ns - rl->begin_ns >= RATELIMIT_INTERVAL_NS) {
		if (rl->gen != ratelimit_gen + 1)
			rl->missed = 0;
		rl->gen = ratelimit_gen + 1;
		rl->begin_ns = now_ns;
		rl->printed = 0;
	}
	if (rl->printed >= RATELIMIT_BURST) {
		rl->missed++;
		return false;
	}
	rl->printed++;
	*suppressed = rl->missed;
	rl->missed = 0;
	return true;
}

void pv_ratelimit_reset_all(void)
{
	pthread_mutex_lock(&log_lock);
	ratelimit_gen++;
	ratelimit_unshown = 0;
	pthread_mutex_unlock(&log_lock);
}

unsigned long log_ratelimit_unshown(void)
{
	unsigned long n;

	pthread_mutex_lock(&log_lock);
	n = ratelimit_unshown;
	pthread_mutex_unlock(&log_lock);
	return n;
}

void pv_warn_rl(struct pv_ratelimit *rl, const char *fmt, ...)
{
	unsigned int missed = 0;
	char buf[900];
	va_list ap;
	bool ok;

	pthread_mutex_lock(&log_lock);
	ok = pv_ratelimit_allow(rl, log_elapsed_ns(), &missed);
	if (!ok)
		ratelimit_unshown++;
	else
		ratelimit_unshown -= missed;
	pthread_mutex_unlock(&log_lock);
	if (!ok)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (missed)
		pv_warn("%s (%u similar messages suppressed)", buf, missed);
	else
		pv_warn("%s", buf);
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
