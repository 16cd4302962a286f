/* SPDX-License-Identifier: GPL-2.0 */
/* Calendar dates of Unix times, for the RTC's registers and log lines. */
#ifndef PASSVM_UTIL_DATE_H
#define PASSVM_UTIL_DATE_H

#include <stdint.h>

/* The calendar fields (struct tm's meanings). */
struct civil_date {
	int sec, min, hour, wday, mday, mon, year; /* mon 0-11, year - 1900 */
};

/*
 * civil_date_of() - @t (seconds since 1970-01-01 00:00:00 UTC, 0 or more)
 * in the proleptic Gregorian calendar, as gmtime_r() gives it: days to
 * year, month and day by the 400-year era (146097 days) with the year
 * starting on 1 March, so the leap day is the era's last (the
 * civil_from_days method of H. Hinnant's "chrono-compatible low-level date
 * algorithms"). passvm's own (no libc gmtime: 0.7 KB of the release
 * binary, issue #8); test_rtc holds it to the host's gmtime_r().
 */
void civil_date_of(int64_t t, struct civil_date *d);

#endif
