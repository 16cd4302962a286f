// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's verdict channels (devices/verdict.c): the serial line
 * matcher, the MMIO register page, the debug-exit port, channels off
 * unless enabled, the --verdict list and passvm.token= on the command line.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "devices/verdict.h"

#define TOKEN "0123456789abcdef"

static int nstops, last_why, last_code;

static void on_stop(void *opaque, enum vm_stop_reason why, int code)
{
	nstops++;
	last_why = (int)why;
	last_code = code;
}

static const struct vm_stop_sink sink = { .request_stop = on_stop };

static int setup(void **state)
{
	nstops = 0;
	last_why = last_code = -1;
	return 0;
}

/* Feed @s; the last non-NONE answer (NONE when there was none). */
static int feed(struct verdict_line *l, const char *token, const char *s)
{
	int ret = VERDICT_LINE_NONE;

	for (; *s; s++) {
		int r = verdict_line_feed(l, token, (uint8_t)*s);

		if (r != VERDICT_LINE_NONE)
			ret = r;
	}
	return ret;
}

static void test_line_exact(void **state)
{
	struct verdict_line l = { 0 };

	assert_int_equal(feed(&l, TOKEN, "PASSVM-VERDICT " TOKEN " 0\n"), 0);
	/* A tty's ONLCR turns \n into \r\n; an app's own \r\n too. */
	assert_int_equal(feed(&l, TOKEN, "PASSVM-VERDICT " TOKEN " 42\r\n"),
			 42);
	assert_int_equal(feed(&l, TOKEN, "PASSVM-VERDICT " TOKEN " 255\r\r\n"),
			 255);
	/* Only at the end of the line: nothing before the '\n'. */
	assert_int_equal(feed(&l, TOKEN, "PASSVM-VERDICT " TOKEN " 7"),
			 VERDICT_LINE_NONE);
	assert_int_equal(verdict_line_feed(&l, TOKEN, '\n'), 7);
}

static void test_line_split_across_reads(void **state)
{
	static const char line[] = "PASSVM-VERDICT " TOKEN " 13\r\n";
	struct verdict_line l = { 0 };
	int r = VERDICT_LINE_NONE;

	/* One byte at a time, as THR writes come (any split is the same). */
	for (size_t i = 0; i < sizeof(line) - 1; i++) {
		r = verdict_line_feed(&l, TOKEN, (uint8_t)line[i]);
		if (i < sizeof(line) - 2)
			assert_int_equal(r, VERDICT_LINE_NONE);
	}
	assert_int_equal(r, 13);
	/* Split in two feeds with other lines around it. */
	assert_int_equal(feed(&l, TOKEN, "boot ok\nPASSVM-VER"),
			 VERDICT_LINE_NONE);
	assert_int_equal(feed(&l, TOKEN, "DICT " TOKEN " 1\nmore\n"), 1);
}

static void test_line_embedded_not_a_verdict(void **state)
{
	struct verdict_line l = { 0 };

	/* Inside other output on the same line: not a verdict. */
	assert_int_equal(feed(&l, TOKEN, "+ echo PASSVM-VERDICT " TOKEN " 0\n"),
			 VERDICT_LINE_NONE);
	assert_int_equal(feed(&l, TOKEN,
			      "[ 1.2] Command line: passvm.token=" TOKEN "\n"),
			 VERDICT_LINE_NONE);
	assert_int_equal(
		feed(&l, TOKEN, "PASSVM-VERDICT " TOKEN " 0 trailing\n"),
		VERDICT_LINE_NONE);
	/* A \r before it (a progress line) is text before it. */
	assert_int_equal(feed(&l, TOKEN, "\rPASSVM-VERDICT " TOKEN " 0\n"),
			 VERDICT_LINE_NONE);
	/* Bad values: sign, leading zero, too large, none, two spaces. */
	assert_int_equal(feed(&l, TOKEN, "PASSVM-VERDICT " TOKEN " -1\n"),
			 VERDICT_LINE_NONE);
	assert_int_equal(feed(&l, TOKEN, "PASSVM-VERDICT " TOKEN " 007\n"),
			 VERDICT_LINE_NONE);
	assert_int_equal(feed(&l, TOKEN, "PASSVM-VERDICT " TOKEN " 256\n"),
			 VERDICT_LINE_NONE);
	assert_int_equal(feed(&l, TOKEN, "PASSVM-VERDICT " TOKEN " \n"),
			 VERDICT_LINE_NONE);
	assert_int_equal(feed(&l, TOKEN, "PASSVM-VERDICT  " TOKEN " 0\n"),
			 VERDICT_LINE_NONE);
	assert_int_equal(feed(&l, TOKEN, "PASSVM-VERDICT\n"),
			 VERDICT_LINE_NONE);
	/* A line longer than the buffer that ends like a verdict. */
	char longl[200];

	memset(longl, 'x', 150);
	strcpy(longl + 150, "PASSVM-VERDICT " TOKEN " 0\n");
	assert_int_equal(feed(&l, TOKEN, longl), VERDICT_LINE_NONE);
	/* ... and the matcher is fine at the next line. */
	assert_int_equal(feed(&l, TOKEN, "PASSVM-VERDICT " TOKEN " 9\n"), 9);
}

static void test_line_wrong_token(void **state)
{
	struct verdict_line l = { 0 };

	assert_int_equal(feed(&l, TOKEN, "PASSVM-VERDICT 0123456789abcdee 0\n"),
			 VERDICT_LINE_OTHER_TOKEN);
	assert_int_equal(feed(&l, TOKEN, "PASSVM-VERDICT " TOKEN "0 0\n"),
			 VERDICT_LINE_OTHER_TOKEN);
	assert_int_equal(feed(&l, TOKEN, "PASSVM-VERDICT 0123 0\n"),
			 VERDICT_LINE_OTHER_TOKEN);
	/* No token to compare with: any token gives the value. */
	assert_int_equal(feed(&l, NULL, "PASSVM-VERDICT whatever 3\n"), 3);
}

static void test_serial_channel(void **state)
{
	struct verdict v;
	uint64_t ign[VERDICT_NR_CHANNELS];
	enum verdict_channel ch;
	unsigned int val;
	const char *s;

	verdict_init(&v, VERDICT_BIT(VERDICT_SERIAL), TOKEN, &sink);
	for (s = "PASSVM-VERDICT 1111111111111111 0\n"; *s; s++)
		verdict_serial_byte(&v, (uint8_t)*s);
	assert_int_equal(nstops, 0);
	assert_false(verdict_result(&v, &val, &ch, ign));
	assert_int_equal(ign[VERDICT_SERIAL], 1);
	for (s = "PASSVM-VERDICT " TOKEN " 5\r\n"; *s; s++)
		verdict_serial_byte(&v, (uint8_t)*s);
	assert_int_equal(nstops, 1);
	assert_int_equal(last_why, VM_STOP_VERDICT);
	assert_int_equal(last_code, 5);
	assert_true(verdict_result(&v, &val, &ch, NULL));
	assert_int_equal(val, 5);
	assert_int_equal(ch, VERDICT_SERIAL);
}

static void test_mmio_register(void **state)
{
	struct verdict v;
	uint8_t b[8], x = 42, wide[4] = { 7, 1, 2, 3 };
	enum verdict_channel ch;
	unsigned int val;

	verdict_init(&v, VERDICT_BIT(VERDICT_MMIO), NULL, &sink);
	/* The page says what it is; the rest reads 0. */
	verdict_mmio_ops.read(&v, 0, b, 4);
	assert_memory_equal(b, VERDICT_MMIO_MAGIC, 4);
	verdict_mmio_ops.read(&v, 2, b, 4);
	assert_memory_equal(b, "VD\0\0", 4);
	verdict_mmio_ops.read(&v, 0x800, b, 8);
	assert_memory_equal(b, "\0\0\0\0\0\0\0\0", 8);
	/* A write elsewhere in the page is not the register. */
	verdict_mmio_ops.write(&v, 4, &x, 1);
	assert_int_equal(nstops, 0);
	/* A dword write at 0 gives its low byte. */
	verdict_mmio_ops.write(&v, 0, wide, 4);
	assert_int_equal(nstops, 1);
	assert_int_equal(last_why, VM_STOP_VERDICT);
	assert_int_equal(last_code, 7);
	/* The first verdict stands. */
	verdict_mmio_ops.write(&v, 0, &x, 1);
	assert_int_equal(nstops, 1);
	assert_true(verdict_result(&v, &val, &ch, NULL));
	assert_int_equal(val, 7);
	assert_int_equal(ch, VERDICT_MMIO);
}

/* A channel not enabled changes nothing; each write is counted. */
static void test_disabled_channels(void **state)
{
	struct verdict v;
	uint64_t ign[VERDICT_NR_CHANNELS];
	enum verdict_channel ch;
	unsigned int val;
	uint8_t x = 3, r;

	verdict_init(&v, VERDICT_BIT(VERDICT_SERIAL), TOKEN, &sink);
	for (int i = 0; i < 1000; i++) {
		verdict_mmio_ops.write(&v, 0, &x, 1);
		verdict_port_ops.write(&v, 0, &x, 1);
	}
	verdict_port_ops.read(&v, 0, &r, 1);
	assert_int_equal(r, 0xff);
	assert_int_equal(nstops, 0);
	assert_false(verdict_result(&v, &val, &ch, ign));
	assert_int_equal(ign[VERDICT_MMIO], 1000);
	assert_int_equal(ign[VERDICT_PORT], 1000);
	assert_int_equal(ign[VERDICT_SERIAL], 0);

	/* Nothing enabled: a verdict line with any token is counted. */
	verdict_init(&v, 0, NULL, &sink);
	for (const char *s = "PASSVM-VERDICT abc 0\n"; *s; s++)
		verdict_serial_byte(&v, (uint8_t)*s);
	assert_int_equal(nstops, 0);
	assert_false(verdict_result(&v, &val, &ch, ign));
	assert_int_equal(ign[VERDICT_SERIAL], 1);

	/* The port once enabled. */
	verdict_init(&v, VERDICT_BIT(VERDICT_PORT), NULL, &sink);
	x = 200;
	verdict_port_ops.write(&v, 0, &x, 1);
	assert_int_equal(nstops, 1);
	assert_int_equal(last_code, 200);
}

static void test_parse_list(void **state)
{
	unsigned int m = 0;
	const char *bad = NULL;

	assert_int_equal(verdict_parse_list("mmio,serial,port", &m, &bad), 0);
	assert_int_equal(m, VERDICT_ALL);
	assert_int_equal(verdict_parse_list("serial", &m, &bad), 0);
	assert_int_equal(m, VERDICT_BIT(VERDICT_SERIAL));
	assert_int_equal(verdict_parse_list("all", &m, &bad), 0);
	assert_int_equal(m, VERDICT_ALL);
	assert_int_equal(verdict_parse_list("mmio,disk", &m, &bad), -1);
	assert_string_equal(bad, "disk");
	assert_int_equal(verdict_parse_list("", &m, &bad), -1);
	assert_int_equal(verdict_parse_list("mmi", &m, &bad), -1);
}

static void test_cmdline_token(void **state)
{
	char out[128];

	assert_int_equal(
		verdict_cmdline(out, sizeof(out), "console=ttyS0", TOKEN), 0);
	assert_string_equal(out, "console=ttyS0 passvm.token=" TOKEN);
	/* Before init's arguments, which the kernel hands to init. */
	assert_int_equal(verdict_cmdline(out, sizeof(out),
					 "console=ttyS0 -- single", TOKEN),
			 0);
	assert_string_equal(out,
			    "console=ttyS0 passvm.token=" TOKEN " -- single");
	assert_int_equal(verdict_cmdline(out, sizeof(out), "-- x", TOKEN), 0);
	assert_string_equal(out, "passvm.token=" TOKEN " -- x");
	assert_int_equal(verdict_cmdline(out, sizeof(out), "", TOKEN), 0);
	assert_string_equal(out, "passvm.token=" TOKEN);
	/* "--" inside a word is not the separator. */
	assert_int_equal(verdict_cmdline(out, sizeof(out), "a=b--c", TOKEN), 0);
	assert_string_equal(out, "a=b--c passvm.token=" TOKEN);
	/* No token: as is. */
	assert_int_equal(verdict_cmdline(out, sizeof(out), "quiet", NULL), 0);
	assert_string_equal(out, "quiet");
	/* Too long. */
	assert_int_equal(verdict_cmdline(out, 20, "console=ttyS0", TOKEN),
			 -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_line_exact, setup),
		cmocka_unit_test_setup(test_line_split_across_reads, setup),
		cmocka_unit_test_setup(test_line_embedded_not_a_verdict, setup),
		cmocka_unit_test_setup(test_line_wrong_token, setup),
		cmocka_unit_test_setup(test_serial_channel, setup),
		cmocka_unit_test_setup(test_mmio_register, setup),
		cmocka_unit_test_setup(test_disabled_channels, setup),
		cmocka_unit_test_setup(test_parse_list, setup),
		cmocka_unit_test_setup(test_cmdline_token, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
