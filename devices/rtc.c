// SPDX-License-Identifier: GPL-2.0
#include "devices/rtc.h"

#include <string.h>

#define REG_SEC 0x00
#define REG_MIN 0x02
#define REG_HOUR 0x04
#define REG_WDAY 0x06
#define REG_MDAY 0x07
#define REG_MON 0x08
#define REG_YEAR 0x09
#define REG_A 0x0a
#define REG_B 0x0b
#define REG_C 0x0c
#define REG_D 0x0d
#define REG_CENTURY 0x32 /* as most PC firmware (FADT CENTURY) */

#define REG_A_DIV 0x26 /* 32.768 kHz time base, 1024 Hz rate; UIP = 0 */
#define REG_B_24H 0x02 /* 24-hour mode, BCD, no interrupts */
#define REG_D_VRT 0x80 /* valid RAM and time */

/* What the BCD registers and the century byte can show, seconds (UTC). */
#define RTC_MIN_TIME 0 /* 1970-01-01 00:00:00 */
#define RTC_MAX_TIME 253402300799ll /* 9999-12-31 23:59:59 */

static time_t default_now(void)
{
	return time(NULL);
}

void rtc_init(struct rtc *r, time_t (*now)(void))
{
	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->lock, NULL);
	r->now = now ? now : default_now;
}

static uint8_t bcd(int v)
{
	return (uint8_t)(((v / 10) << 4) | (v % 10));
}

/* The calendar fields the registers show (struct tm's meanings). */
struct rtc_date {
	int sec, min, hour, wday, mday, mon, year; /* mon 0-11, year - 1900 */
};

/*
 * rtc_date_of() - @t (seconds since 1970-01-01 00:00:00 UTC, 0 ..
 * RTC_MAX_TIME) in the proleptic Gregorian calendar, as gmtime_r() gives
 * it: days to year, month and day by the 400-year era (146097 days) with
 * the year starting on 1 March, so the leap day is the era's last (the
 * civil_from_days method of H. Hinnant's "chrono-compatible low-level date
 * algorithms"). passvm's own (no libc gmtime: 0.7 KB of the release
 * binary, issue #8); test_rtc holds it to the host's gmtime_r().
 */
static void rtc_date_of(int64_t t, struct rtc_date *d)
{
	int64_t days = t / 86400, z = days + 719468; /* days since 0000-03-01 */
	int64_t era = z / 146097, doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153; /* March = 0 */
	int secs = (int)(t % 86400);

	d->sec = secs % 60;
	d->min = secs / 60 % 60;
	d->hour = secs / 3600;
	d->wday = (int)((days + 4) % 7); /* 1970-01-01: a Thursday */
	d->mday = (int)(doy - (153 * mp + 2) / 5 + 1);
	d->mon = (int)(mp < 10 ? mp + 2 : mp - 10);
	d->year = (int)(yoe + era * 400 + (d->mon < 2)) - 1900;
}

static uint8_t rtc_reg(struct rtc *r, uint8_t reg)
{
	time_t t = r->now();
	struct rtc_date tm;

	if (reg > REG_D && reg != REG_CENTURY)
		return r->cmos[reg];
	/*
	 * A host clock before 1970 or past year 9999 has no BCD (negative
	 * fields, or a century past 99): show the nearest time that has one.
	 */
	if (t < RTC_MIN_TIME)
		t = RTC_MIN_TIME;
	else if (t > RTC_MAX_TIME)
		t = RTC_MAX_TIME;
	rtc_date_of(t, &tm);
	switch (reg) {
	case REG_SEC:
		return bcd(tm.sec);
	case REG_MIN:
		return bcd(tm.min);
	case REG_HOUR:
		return bcd(tm.hour);
	case REG_WDAY:
		return bcd(tm.wday + 1);
	case REG_MDAY:
		return bcd(tm.mday);
	case REG_MON:
		return bcd(tm.mon + 1);
	case REG_YEAR:
		return bcd(tm.year % 100);
	case REG_CENTURY:
		return bcd((tm.year + 1900) / 100);
	case REG_A:
		return REG_A_DIV;
	case REG_B:
		return REG_B_24H;
	case REG_D:
		return REG_D_VRT;
	default: /* alarms and REG_C: nothing pending */
		return 0;
	}
}

static void rtc_read(void *opaque, uint64_t off, uint8_t *data, uint32_t len)
{
	struct rtc *r = opaque;

	pthread_mutex_lock(&r->lock);
	for (uint32_t i = 0; i < len; i++)
		data[i] = off + i == 1 ? rtc_reg(r, r->index) : 0xff;
	pthread_mutex_unlock(&r->lock);
}

static void rtc_write(void *opaque, uint64_t off, const uint8_t *data,
		      uint32_t len)
{
	struct rtc *r = opaque;

	pthread_mutex_lock(&r->lock);
	for (uint32_t i = 0; i < len; i++) {
		if (off + i == 0)
			r->index = data[i] & 0x7f; /* bit 7: NMI disable */
		else if (off + i == 1 && r->index > REG_D &&
			 r->index != REG_CENTURY)
			r->cmos[r->index] = data[i];
	}
	pthread_mutex_unlock(&r->lock);
}

const struct io_ops rtc_ops = { rtc_read, rtc_write };
