// SPDX-License-Identifier: GPL-2.0
/* The CMOS RTC: host time in BCD, status registers, CMOS storage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <cmocka.h>

#include "devices/rtc.h"

/* 2026-11-22 04:05:09 UTC, a Sunday. */
static time_t fixed_now(void)
{
	return 1795320309;
}

static uint8_t rd(struct rtc *r, uint8_t reg)
{
	uint8_t v = reg | 0x80; /* with NMI disable set, as Linux does */

	rtc_ops.write(r, 0, &v, 1);
	rtc_ops.read(r, 1, &v, 1);
	return v;
}

static void test_time_bcd(void **state)
{
	struct rtc r;

	rtc_init(&r, fixed_now);
	assert_int_equal(rd(&r, 0x00), 0x09);
	assert_int_equal(rd(&r, 0x02), 0x05);
	assert_int_equal(rd(&r, 0x04), 0x04);
	assert_int_equal(rd(&r, 0x06), 0x01); /* Sunday = 1 */
	assert_int_equal(rd(&r, 0x07), 0x22);
	assert_int_equal(rd(&r, 0x08), 0x11);
	assert_int_equal(rd(&r, 0x09), 0x26);
	assert_int_equal(rd(&r, 0x32), 0x20);
}

static void test_status_and_storage(void **state)
{
	struct rtc r;
	uint8_t v;

	rtc_init(&r, fixed_now);
	/* Never "update in progress", 24 h BCD, valid. */
	assert_int_equal(rd(&r, 0x0a) & 0x80, 0);
	assert_int_equal(rd(&r, 0x0b), 0x02);
	assert_int_equal(rd(&r, 0x0d), 0x80);
	/* CMOS bytes store; clock registers ignore writes. */
	v = 0x40;
	rtc_ops.write(&r, 0, &v, 1);
	v = 0x5a;
	rtc_ops.write(&r, 1, &v, 1);
	assert_int_equal(rd(&r, 0x40), 0x5a);
	v = 0x00;
	rtc_ops.write(&r, 0, &v, 1);
	v = 0x33;
	rtc_ops.write(&r, 1, &v, 1);
	assert_int_equal(rd(&r, 0x00), 0x09);
	/* The index port reads as nothing. */
	rtc_ops.read(&r, 0, &v, 1);
	assert_int_equal(v, 0xff);
}

static time_t before_1970(void)
{
	return -5; /* 1969-12-31 23:59:55 */
}

static time_t far_future(void)
{
	return INT64_MAX; /* past what gmtime_r() can express */
}

/*
 * A host clock the registers cannot show (fuzz_legacy_pio: a negative
 * time made bcd() shift a negative value; a huge one left struct tm
 * unset): the nearest time they can, in valid BCD.
 */
static void test_clock_out_of_range(void **state)
{
	struct rtc r;

	rtc_init(&r, before_1970);
	assert_int_equal(rd(&r, 0x00), 0x00);
	assert_int_equal(rd(&r, 0x04), 0x00);
	assert_int_equal(rd(&r, 0x07), 0x01);
	assert_int_equal(rd(&r, 0x08), 0x01);
	assert_int_equal(rd(&r, 0x09), 0x70);
	assert_int_equal(rd(&r, 0x32), 0x19);
	rtc_init(&r, far_future);
	assert_int_equal(rd(&r, 0x00), 0x59);
	assert_int_equal(rd(&r, 0x02), 0x59);
	assert_int_equal(rd(&r, 0x04), 0x23);
	assert_int_equal(rd(&r, 0x07), 0x31);
	assert_int_equal(rd(&r, 0x08), 0x12);
	assert_int_equal(rd(&r, 0x09), 0x99);
	assert_int_equal(rd(&r, 0x32), 0x99);
}

static time_t sample;

static time_t sample_now(void)
{
	return sample;
}

static uint8_t to_bcd(int v)
{
	return (uint8_t)((v / 10) << 4 | v % 10);
}

/* The registers at @t agree with the host libc's gmtime_r(). */
static void check_against_gmtime(time_t t)
{
	struct rtc r;
	struct tm tm;

	sample = t;
	rtc_init(&r, sample_now);
	assert_non_null(gmtime_r(&t, &tm));
	if (rd(&r, 0x00) != to_bcd(tm.tm_sec) ||
	    rd(&r, 0x02) != to_bcd(tm.tm_min) ||
	    rd(&r, 0x04) != to_bcd(tm.tm_hour) ||
	    rd(&r, 0x06) != to_bcd(tm.tm_wday + 1) ||
	    rd(&r, 0x07) != to_bcd(tm.tm_mday) ||
	    rd(&r, 0x08) != to_bcd(tm.tm_mon + 1) ||
	    rd(&r, 0x09) != to_bcd(tm.tm_year % 100) ||
	    rd(&r, 0x32) != to_bcd((tm.tm_year + 1900) / 100))
		fail_msg(
			"t=%lld: RTC %02x:%02x:%02x wday %x %02x-%02x-%02x%02x, gmtime %d-%d-%d %d:%d:%d wday %d",
			(long long)t, rd(&r, 0x04), rd(&r, 0x02), rd(&r, 0x00),
			rd(&r, 0x06), rd(&r, 0x07), rd(&r, 0x08), rd(&r, 0x32),
			rd(&r, 0x09), tm.tm_year + 1900, tm.tm_mon + 1,
			tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			tm.tm_wday);
}

/*
 * passvm's own calendar (civil_date_of, util/date.c) against the host's gmtime_r() over
 * the whole range the registers show: the edges of leap days and
 * centuries (2000 is a leap year, 2100 is not), the ends of the range, and
 * a time of day that walks through every month of 8,000 years.
 */
static void test_calendar_matches_gmtime(void **state)
{
	static const time_t edges[] = {
		0,
		86399,
		86400,
		68169599, /* 1972-02-28 23:59:59 */
		68169600,
		68255999,
		68256000, /* 1972-02-29, 03-01 */
		951782399,
		951782400,
		951868800, /* 2000-02-28/29/03-01 */
		978307199,
		978307200, /* 2000-12-31, 2001-01-01 */
		4107542399,
		4107542400, /* 2100-02-28 23:59:59, 03-01 */
		253402214400,
		253402300799, /* 9999-12-31 */
	};
	const time_t max = 253402300799ll;

	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
		check_against_gmtime(edges[i]);
	for (time_t t = 12345; t <= max; t += 12345678 + t % 86400)
		check_against_gmtime(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_bcd),
		cmocka_unit_test(test_status_and_storage),
		cmocka_unit_test(test_clock_out_of_range),
		cmocka_unit_test(test_calendar_matches_gmtime),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
