// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for devices/acpi_pm.c (ACPI 6.4 §4.8.3 PM1 blocks, S5), the
 * debug-exit port and the i8042 reset command (devices/i8042.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "devices/acpi_pm.h"
#include "devices/i8042.h"

#define S5 ACPI_PM_S5_SLP_TYP

static struct acpi_pm pm;
static int nstops, last_why, last_code;

static void on_stop(void *opaque, enum vm_stop_reason why, int code)
{
	assert_ptr_equal(opaque, &nstops);
	nstops++;
	last_why = (int)why;
	last_code = code;
}

static int setup(void **state)
{
	struct vm_stop_sink s = { .request_stop = on_stop, .opaque = &nstops };

	nstops = 0;
	last_why = last_code = -1;
	acpi_pm_init(&pm, &s);
	return 0;
}

static void outw(uint64_t off, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	acpi_pm_ops.write(&pm, off, b, 2);
}

static uint16_t inw(uint64_t off)
{
	uint8_t b[2];

	acpi_pm_ops.read(&pm, off, b, 2);
	return (uint16_t)(b[0] | b[1] << 8);
}

static uint16_t slp(unsigned int typ, bool en)
{
	return (uint16_t)(typ << ACPI_PM1_CNT_SLP_TYP_SHIFT |
			  (en ? ACPI_PM1_CNT_SLP_EN : 0));
}

static void test_s5_poweroff(void **state)
{
	assert_int_equal(inw(ACPI_PM1_CNT_OFF) & ACPI_PM1_CNT_SCI_EN, 1);
	outw(ACPI_PM1_CNT_OFF, slp(S5, true));
	assert_int_equal(nstops, 1);
	assert_int_equal(last_why, VM_STOP_POWEROFF);
	/* SLP_EN is write-only; SLP_TYP and SCI_EN read back. */
	assert_int_equal(inw(ACPI_PM1_CNT_OFF), slp(S5, false) | 1);
}

static void test_s5_byte_write(void **state)
{
	uint8_t hi = (uint8_t)(slp(S5, true) >> 8);

	acpi_pm_ops.write(&pm, ACPI_PM1_CNT_OFF + 1, &hi, 1);
	assert_int_equal(nstops, 1);
	assert_int_equal(last_why, VM_STOP_POWEROFF);
}

static void test_other_sleep_ignored(void **state)
{
	/* S1..S4 (any SLP_TYP but \_S5's) are refused, not obeyed. */
	for (unsigned int t = 0; t < 8; t++)
		if (t != S5)
			outw(ACPI_PM1_CNT_OFF, slp(t, true));
	/* SLP_TYP 5 without SLP_EN does nothing either. */
	outw(ACPI_PM1_CNT_OFF, slp(S5, false));
	/* Writing SCI_EN 0 does not leave ACPI mode. */
	outw(ACPI_PM1_CNT_OFF, 0);
	assert_int_equal(inw(ACPI_PM1_CNT_OFF), 1);
	assert_int_equal(nstops, 0);
}

static void test_evt_block(void **state)
{
	pm.sts = 0x8101; /* WAK_STS, PWRBTN_STS, TMR_STS */
	outw(0, 0x0100);
	assert_int_equal(inw(0), 0x8001);
	outw(0, 0xffff);
	assert_int_equal(inw(0), 0);
	outw(2, 0xffff);
	assert_int_equal(inw(2), 0x0721);
	outw(2, 0x0100);
	assert_int_equal(inw(2), 0x0100);
	/* A dword read of the event block: STS then EN. */
	uint8_t b[4];

	acpi_pm_ops.read(&pm, 0, b, 4);
	assert_int_equal(b[2], 0x00);
	assert_int_equal(b[3], 0x01);
	/* Past the block: 0xff, and writes there are dropped. */
	acpi_pm_ops.read(&pm, 6, b, 2);
	assert_int_equal(b[0], 0xff);
	outw(6, 0xffff);
	assert_int_equal(nstops, 0);
}

static void test_debug_exit(void **state)
{
	struct vm_stop_sink s = { .request_stop = on_stop, .opaque = &nstops };
	struct debug_exit d;
	uint8_t v = 0x42, r = 0;

	debug_exit_init(&d, &s);
	debug_exit_ops.read(&d, 0, &r, 1);
	assert_int_equal(r, 0xff);
	assert_int_equal(nstops, 0);
	debug_exit_ops.write(&d, 0, &v, 1);
	assert_int_equal(nstops, 1);
	assert_int_equal(last_why, VM_STOP_DEBUG_EXIT);
	assert_int_equal(last_code, 0x42);
	v = 0;
	debug_exit_ops.write(&d, 0, &v, 1);
	assert_int_equal(last_code, 0);
}

static void test_i8042(void **state)
{
	struct vm_stop_sink s = { .request_stop = on_stop, .opaque = &nstops };
	struct i8042 k;
	uint8_t v;

	i8042_init(&k, &s);
	i8042_cmd_ops.read(&k, 0, &v, 1);
	assert_int_equal(v, 0);
	i8042_data_ops.read(&k, 0, &v, 1);
	assert_int_equal(v, 0xff);
	v = 0xaa; /* self test: ignored */
	i8042_cmd_ops.write(&k, 0, &v, 1);
	v = 0xfe;
	i8042_data_ops.write(&k, 0, &v, 1); /* data, not a command */
	assert_int_equal(nstops, 0);
	i8042_cmd_ops.write(&k, 0, &v, 1);
	assert_int_equal(nstops, 1);
	assert_int_equal(last_why, VM_STOP_RESET);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_s5_poweroff, setup),
		cmocka_unit_test_setup(test_s5_byte_write, setup),
		cmocka_unit_test_setup(test_other_sleep_ignored, setup),
		cmocka_unit_test_setup(test_evt_block, setup),
		cmocka_unit_test_setup(test_debug_exit, setup),
		cmocka_unit_test_setup(test_i8042, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
