// SPDX-License-Identifier: GPL-2.0
/* The CMOS RTC: host time in BCD, status registers, CMOS storage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_bcd),
		cmocka_unit_test(test_status_and_storage),
		cmocka_unit_test(test_clock_out_of_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
