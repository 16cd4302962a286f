// SPDX-License-Identifier: GPL-2.0
#include "devices/rtc.h"

#include <string.h>

#include "util/date.h"

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

static uint8_t rtc_reg(struct rtc *r, uint8_t reg)
{
	time_t t = r->now();
	struct civil_date tm;

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
	civil_date_of(t, &tm);
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
