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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_bcd),
		cmocka_unit_test(test_status_and_storage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
