/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A read-only MC146818-compatible CMOS RTC at ports 0x70 (index) and 0x71
 * (data): the guest reads the host's UTC time in BCD, 24-hour mode
 * (Motorola MC146818A datasheet, registers 0x00-0x0d), clamped to the
 * years BCD can show (1970 to 9999). Writes to the clock
 * are ignored (the guest's clock follows the host's); the remaining CMOS
 * bytes are plain storage. Without it, Linux's rtc_cmos probe spins on the
 * all-ones "update in progress" bit for seconds.
 */
#ifndef PASSVM_DEVICES_RTC_H
#define PASSVM_DEVICES_RTC_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "devices/io.h"

#define RTC_PORT 0x70
#define RTC_NR_PORTS 2

struct rtc {
	pthread_mutex_t lock;
	uint8_t index; /* selected register, NMI-disable bit stripped */
	uint8_t cmos[128]; /* storage; clock registers are computed */
	time_t (*now)(void); /* time source (tests substitute it) */
};

/* rtc_init() - power-on state; @now NULL means time(NULL). */
void rtc_init(struct rtc *r, time_t (*now)(void));

/* Handlers for [RTC_PORT, RTC_PORT + 2); opaque = struct rtc. */
extern const struct io_ops rtc_ops;

#endif
