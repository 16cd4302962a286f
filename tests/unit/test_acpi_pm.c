// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for devices/acpi_pm.c (ACPI 6.4 §4.8.3 PM1 blocks, S5, the
 * fixed power button on the SCI) and the i8042 reset command
 * (devices/i8042.c).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "capture.h"
#include "devices/acpi_pm.h"
#include "devices/i8042.h"

#define S5 ACPI_PM_S5_SLP_TYP

static struct acpi_pm pm;
static int nstops, last_why, last_code;
static int sci_level, sci_changes;

static void on_sci(void *opaque, uint32_t gsi, int level)
{
	assert_int_equal(gsi, 9);
	sci_level = level;
	sci_changes++;
}

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
	struct irq_line sci = { .set_level = on_sci, .gsi = 9 };

	nstops = 0;
	last_why = last_code = -1;
	sci_level = sci_changes = 0;
	acpi_pm_init(&pm, &s, &sci);
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

static void ask_s3_many_times(void)
{
	for (int i = 0; i < 1000; i++)
		outw(ACPI_PM1_CNT_OFF, slp(3, true));
}

/* A guest asking for S3 in a loop cannot flood the host's log. */
static void test_sleep_warning_rate_limited(void **state)
{
	assert_int_equal(stderr_lines(ask_s3_many_times, "sleep state"),
			 PV_RATELIMIT_BURST);
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

/*
 * The power button (§4.8.2.2.1.1): PWRBTN_STS is set; the SCI is raised
 * only while PWRBTN_EN is set too, as Linux's button driver sets it, and
 * drops when the OS writes 1 to clear the status.
 */
static void test_power_button(void **state)
{
	/* Pressed before the OS enabled the event: status only. */
	acpi_pm_power_button(&pm);
	assert_int_equal(inw(0) & ACPI_PM1_PWRBTN, ACPI_PM1_PWRBTN);
	assert_int_equal(sci_level, 0);
	/* Enabling it with the status pending raises the SCI. */
	outw(2, ACPI_PM1_PWRBTN);
	assert_int_equal(sci_level, 1);
	/* Clearing another status bit leaves it pending. */
	outw(0, 0x0001);
	assert_int_equal(sci_level, 1);
	/* Write 1 to clear: the SCI drops, the status reads 0. */
	outw(0, ACPI_PM1_PWRBTN);
	assert_int_equal(inw(0) & ACPI_PM1_PWRBTN, 0);
	assert_int_equal(sci_level, 0);
	/* Pressed again with the event enabled: SCI at once. */
	acpi_pm_power_button(&pm);
	assert_int_equal(sci_level, 1);
	/* The OS disables the event: SCI drops, the status stays. */
	outw(2, 0);
	assert_int_equal(sci_level, 0);
	assert_int_equal(inw(0) & ACPI_PM1_PWRBTN, ACPI_PM1_PWRBTN);
	assert_int_equal(sci_changes, 4);
	assert_int_equal(pm.presses, 2);
	assert_int_equal(nstops, 0); /* the button only asks the guest */
}

static void test_i8042(void **state)
{
	struct vm_stop_sink s = { .request_stop = on_stop, .opaque = &nstops };
	struct i8042 k;
	uint8_t v;

	i8042_init(&k, &s, NULL);
	i8042_cmd_ops.read(&k, 0, &v, 1);
	assert_int_equal(v & 0x01, 0); /* nothing to read */
	v = 0xfe;
	i8042_data_ops.write(&k, 0, &v, 1); /* data, not a command */
	assert_int_equal(nstops, 0);
	i8042_cmd_ops.write(&k, 0, &v, 1);
	assert_int_equal(nstops, 1);
	assert_int_equal(last_why, VM_STOP_RESET);
}

static int irq_edges;
static int irq_level_now;

static void on_irq(void *opaque, uint32_t gsi, int level)
{
	assert_int_equal(gsi, I8042_KBD_IRQ);
	if (level && !irq_level_now)
		irq_edges++;
	irq_level_now = level;
}

/* Read the output buffer while OBF is set; returns the byte count. */
static size_t drain(struct i8042 *k, uint8_t *out, size_t cap)
{
	size_t n = 0;
	uint8_t st;

	for (;;) {
		i8042_cmd_ops.read(k, 0, &st, 1);
		if (!(st & 0x01) || n == cap)
			return n;
		i8042_data_ops.read(k, 0, &out[n++], 1);
	}
}

static void cmd(struct i8042 *k, uint8_t c)
{
	i8042_cmd_ops.write(k, 0, &c, 1);
}

static void data(struct i8042 *k, uint8_t d)
{
	i8042_data_ops.write(k, 0, &d, 1);
}

/* What Linux's i8042 and atkbd drivers ask at probe time. */
static void test_i8042_probe(void **state)
{
	struct irq_line line = { .set_level = on_irq, .gsi = I8042_KBD_IRQ };
	struct i8042 k;
	uint8_t out[16];

	irq_edges = 0;
	i8042_init(&k, NULL, &line);
	cmd(&k, 0xaa); /* self test */
	assert_int_equal(drain(&k, out, 16), 1);
	assert_int_equal(out[0], 0x55);
	cmd(&k, 0x20); /* read the command byte */
	assert_int_equal(drain(&k, out, 16), 1);
	assert_int_equal(out[0], 0x45); /* KBDINT, SYS, XLATE */
	cmd(&k, 0x60);
	data(&k, 0x44); /* interrupt off while probing */
	cmd(&k, 0x20);
	drain(&k, out, 16);
	assert_int_equal(out[0], 0x44);
	cmd(&k, 0xd3); /* AUX loop: echoed, but not as AUX data */
	data(&k, 0x5a);
	i8042_cmd_ops.read(&k, 0, &out[0], 1);
	assert_int_equal(out[0] & 0x21, 0x01); /* OBF, no AUXDATA */
	assert_int_equal(drain(&k, out, 16), 1);
	assert_int_equal(out[0], 0x5a);
	cmd(&k, 0xa9);
	drain(&k, out, 16);
	assert_int_equal(out[0], 0x01);
	assert_int_equal(irq_edges, 0); /* controller replies: no IRQ 1 */
	cmd(&k, 0x60);
	data(&k, 0x45);
	data(&k, 0xf2); /* keyboard: identify */
	assert_int_equal(irq_edges, 1);
	assert_int_equal(drain(&k, out, 16), 3);
	assert_memory_equal(out, "\xfa\xab\x83", 3);
	assert_int_equal(irq_edges, 3); /* one edge per byte */
	data(&k, 0xed); /* LEDs, then their parameter */
	data(&k, 0x00);
	assert_int_equal(drain(&k, out, 16), 2);
	assert_memory_equal(out, "\xfa\xfa", 2);
}

static void test_i8042_ctrl_alt_del(void **state)
{
	static const uint8_t set1[] = { 0x1d, 0x38, 0xe0, 0x53,
					0xe0, 0xd3, 0xb8, 0x9d };
	struct irq_line line = { .set_level = on_irq, .gsi = I8042_KBD_IRQ };
	struct pv_error e;
	struct i8042 k;
	uint8_t out[16];

	irq_edges = 0;
	i8042_init(&k, NULL, &line);
	/* A guest that never probed the controller has no driver on it. */
	assert_int_equal(i8042_ctrl_alt_del(&k, &e), -ENODEV);
	cmd(&k, 0xad); /* the guest disabled the keyboard: nobody listens */
	assert_int_equal(i8042_ctrl_alt_del(&k, &e), -ENODEV);
	assert_non_null(strstr(e.msg, "i8042.nopnp"));
	cmd(&k, 0xae);
	assert_int_equal(i8042_ctrl_alt_del(&k, &e), 0);
	assert_int_equal(irq_edges, 1);
	assert_int_equal(drain(&k, out, 16), sizeof(set1));
	assert_memory_equal(out, set1, sizeof(set1));
	assert_int_equal(irq_edges, (int)sizeof(set1));
	/* Untranslated: scan code set 2, F0 before each break code. */
	cmd(&k, 0x60);
	data(&k, 0x01);
	assert_int_equal(i8042_ctrl_alt_del(&k, &e), 0);
	assert_int_equal(drain(&k, out, 16), 11);
	assert_memory_equal(out, "\x14\x11\xe0\x71\xe0\xf0\x71\xf0\x11\xf0\x14",
			    11);
	/* A guest that never reads: the queue fills, the press is refused. */
	assert_int_equal(i8042_ctrl_alt_del(&k, &e), 0);
	assert_int_equal(i8042_ctrl_alt_del(&k, &e), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_i8042_probe),
		cmocka_unit_test(test_i8042_ctrl_alt_del),
		cmocka_unit_test_setup(test_s5_poweroff, setup),
		cmocka_unit_test_setup(test_s5_byte_write, setup),
		cmocka_unit_test_setup(test_other_sleep_ignored, setup),
		cmocka_unit_test_setup(test_sleep_warning_rate_limited, setup),
		cmocka_unit_test_setup(test_evt_block, setup),
		cmocka_unit_test_setup(test_power_button, setup),
		cmocka_unit_test_setup(test_i8042, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
