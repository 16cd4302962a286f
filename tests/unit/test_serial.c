// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for devices/serial.c (PC16550D datasheet semantics, and the
 * probing sequence Linux's 8250 driver uses to detect a 16550A).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "capture.h"
#include "devices/serial.h"

enum { RBR, IER, IIR, LCR, MCR, LSR, MSR, SCR };
#define THR RBR
#define FCR IIR
#define DLL RBR
#define DLM IER

static struct serial uart;
static int pfd[2];
static int levels[256], nlevels;

static void record_level(void *opaque, uint32_t gsi, int level)
{
	assert_int_equal(gsi, SERIAL_COM1_IRQ);
	if (nlevels < 256)
		levels[nlevels++] = level;
}

static int setup(void **state)
{
	struct irq_line irq = { .set_level = record_level,
				.gsi = SERIAL_COM1_IRQ };
	struct pv_error err = { { 0 } };

	assert_int_equal(pipe2(pfd, O_CLOEXEC | O_NONBLOCK), 0);
	assert_int_equal(serial_init(&uart, pfd[1], &irq, &err), 0);
	nlevels = 0;
	return 0;
}

static int teardown(void **state)
{
	serial_destroy(&uart);
	close(pfd[0]);
	close(pfd[1]);
	return 0;
}

static uint8_t in(unsigned int reg)
{
	uint8_t v;

	serial_ops.read(&uart, reg, &v, 1);
	return v;
}

static void out(unsigned int reg, uint8_t v)
{
	serial_ops.write(&uart, reg, &v, 1);
}

static size_t drain_pipe(char *buf, size_t n)
{
	ssize_t r = read(pfd[0], buf, n);

	return r > 0 ? (size_t)r : 0;
}

static void test_reset_state(void **state)
{
	assert_int_equal(in(IER), 0);
	assert_int_equal(in(IIR), 0x01);
	assert_int_equal(in(LCR), 0);
	assert_int_equal(in(MCR), 0);
	assert_int_equal(in(LSR), 0x60);
	assert_int_equal(in(MSR), 0xb0);
	assert_int_equal(nlevels, 0);
	/* Out-of-range and wide accesses do not crash. */
	uint8_t b[8];

	serial_ops.read(&uart, 9, b, 1);
	assert_int_equal(b[0], 0xff);
	serial_ops.read(&uart, 6, b, 4);
	assert_int_equal(b[0], 0xb0);
	assert_int_equal(b[2], 0xff);
}

/* The checks of drivers/tty/serial/8250's autoconfig(), in order. */
static void test_linux_autoconfig(void **state)
{
	uint8_t save_ier, save_mcr;

	/* "Do a simple existence test first": IER scratch. */
	save_ier = in(IER);
	out(IER, 0);
	assert_int_equal(in(IER)&0x0f, 0);
	out(IER, 0x0f);
	assert_int_equal(in(IER)&0x0f, 0x0f);
	out(IER, save_ier);
	/* Scratch register. */
	out(SCR, 0xa5);
	assert_int_equal(in(SCR), 0xa5);
	out(SCR, 0x5a);
	assert_int_equal(in(SCR), 0x5a);

	/* Loopback: MCR = LOOP | OUT2 | RTS must read back MSR 0x90. */
	save_mcr = in(MCR);
	out(MCR, 0x10 | 0x0a);
	assert_int_equal(in(MSR)&0xf0, 0x90);
	out(MCR, save_mcr);

	/* EFR write (LCR 0xbf), then enable the FIFO: IIR 7:6 = 11. */
	out(LCR, 0xbf);
	out(2, 0);
	out(LCR, 0);
	out(FCR, 0x01);
	assert_int_equal(in(IIR) >> 6, 3);

	/* autoconfig_16550a: no EFR (reads IIR, non-zero) ... */
	out(LCR, 0xbf);
	assert_int_not_equal(in(2), 0);
	out(LCR, 0);
	/* ... no NS16550 EXCR1 (bit 4 does not follow MCR.LOOP) ... */
	out(LCR, 0xe0);
	assert_int_equal(in(2) & 0x10, 0);
	out(LCR, 0);
	out(MCR, 0x10);
	out(LCR, 0xe0);
	assert_int_equal(in(2) & 0x10, 0);
	out(LCR, 0);
	out(MCR, 0);
	/* ... and no XScale UUE bit in IER. */
	out(IER, 0x40);
	assert_int_equal(in(IER)&0x40, 0);
	out(IER, 0);

	/* serial8250_do_startup: LSR is not 0xff, FIFO off clears 7:6. */
	assert_int_not_equal(in(LSR), 0xff);
	out(FCR, 0);
	assert_int_equal(in(IIR), 0x01);
	/* IER = 0x0f in the scratch test raised THRE; it ended low. */
	assert_int_equal(nlevels, 2);
	assert_int_equal(levels[0], 1);
	assert_int_equal(levels[1], 0);
}

static void test_dlab(void **state)
{
	char buf[8];

	out(LCR, 0x83); /* DLAB, 8N1 */
	out(DLL, 0x01);
	out(DLM, 0x02);
	assert_int_equal(in(DLL), 0x01);
	assert_int_equal(in(DLM), 0x02);
	out(LCR, 0x03);
	/* The divisor writes went nowhere else. */
	assert_int_equal(in(IER), 0);
	assert_int_equal(drain_pipe(buf, sizeof(buf)), 0);
	assert_int_equal(in(LCR), 0x03);
	assert_int_equal(in(LSR)&0x01, 0);
	out(LCR, 0x80);
	assert_int_equal(in(DLL), 0x01);
	out(LCR, 0);
}

static void test_tx(void **state)
{
	struct serial_stats st;
	char buf[16];

	out(THR, 'h');
	out(THR, 'i');
	out(THR, '\n');
	assert_int_equal(drain_pipe(buf, sizeof(buf)), 3);
	assert_memory_equal(buf, "hi\n", 3);
	serial_get_stats(&uart, &st);
	assert_int_equal(st.tx_bytes, 3);
	assert_int_equal(st.tx_dropped, 0);
	assert_int_equal(in(LSR)&0x60, 0x60);
}

/* Guest text, a control byte, a CR and one line too long for a trace line. */
static void write_console_lines(void)
{
	const char *line = "reboot: Power down\x1b[0m\r\n";
	char buf[512];

	trace_mask = TRACE_CONSOLE;
	for (const char *p = line; *p; p++)
		out(THR, (uint8_t)*p);
	for (unsigned int i = 0; i < SERIAL_TRACE_LINE + 10; i++)
		out(THR, 'x');
	out(THR, '\n');
	trace_mask = 0;
	out(THR, 'q'); /* not traced: the category is off */
	out(THR, '\n');
	while (drain_pipe(buf, sizeof(buf)) > 0)
		;
}

/*
 * --trace console: one stamped line per guest line, the escape shown as
 * '.' and the CR gone; a long line in two pieces; the output itself as it
 * was.
 */
static void test_console_trace(void **state)
{
	char want[SERIAL_TRACE_LINE + 16];

	assert_int_equal(stderr_lines(write_console_lines,
				      "] console: reboot: Power down.[0m"),
			 1);
	assert_int_equal(stderr_lines(write_console_lines, "[0m\r"), 0);
	memset(want, 'x', SERIAL_TRACE_LINE);
	want[SERIAL_TRACE_LINE] = '\0';
	assert_int_equal(stderr_lines(write_console_lines, want), 1);
	assert_int_equal(stderr_lines(write_console_lines, "] console: "), 3);
	assert_int_equal(stderr_lines(write_console_lines, "console: q"), 0);
}

static void test_thre_interrupt(void **state)
{
	out(FCR, 0x01);
	/* Enabling ETBEI with THR empty interrupts at once. */
	out(IER, 0x02);
	assert_int_equal(nlevels, 1);
	assert_int_equal(levels[0], 1);
	/* IIR reports it, and reading it clears it. */
	assert_int_equal(in(IIR), 0xc2);
	assert_int_equal(nlevels, 2);
	assert_int_equal(levels[1], 0);
	assert_int_equal(in(IIR), 0xc1);

	/* Linux's THRE re-assert test: toggle ETBEI, it fires again. */
	out(IER, 0);
	out(IER, 0x02);
	assert_int_equal(in(IIR), 0xc2);
	assert_int_equal(in(IIR), 0xc1);
	assert_int_equal(nlevels, 4);

	/* A THR write raises THRE again once the byte is out. */
	out(THR, 'x');
	assert_int_equal(nlevels, 5);
	assert_int_equal(levels[4], 1);
	/* While it is pending, another THR write pulses the line (edge). */
	out(THR, 'y');
	assert_int_equal(nlevels, 7);
	assert_int_equal(levels[5], 0);
	assert_int_equal(levels[6], 1);
	/* Masking ETBEI drops the line. */
	out(IER, 0);
	assert_int_equal(levels[nlevels - 1], 0);
	assert_int_equal(in(IIR), 0xc1);
}

static void test_rx_fifo(void **state)
{
	const uint8_t abc[] = "abc";
	struct pollfd p;
	uint8_t many[20];
	uint64_t cnt;

	out(FCR, 0x81); /* FIFO on, trigger 8 */
	out(IER, 0x01);
	assert_int_equal(nlevels, 0);
	assert_int_equal(serial_receive(&uart, abc, 3), 3);
	assert_int_equal(nlevels, 1);
	assert_int_equal(levels[0], 1);
	assert_int_equal(in(LSR)&0x01, 1);
	/* Below the trigger: reported as a character timeout. */
	assert_int_equal(in(IIR), 0xcc);
	assert_int_equal(in(RBR), 'a');
	assert_int_equal(in(RBR), 'b');
	assert_int_equal(in(RBR), 'c');
	assert_int_equal(in(LSR)&0x01, 0);
	assert_int_equal(in(IIR), 0xc1);
	assert_int_equal(nlevels, 2);
	assert_int_equal(levels[1], 0);

	/* At the trigger level: data available. */
	memset(many, 'z', sizeof(many));
	assert_int_equal(serial_receive(&uart, many, 8), 8);
	assert_int_equal(in(IIR), 0xc4);
	/* Full at 16: the rest waits for rx_space_fd. */
	assert_int_equal(serial_receive(&uart, many, 20), 8);
	p = (struct pollfd){ .fd = serial_rx_space_fd(&uart),
			     .events = POLLIN };
	assert_int_equal(poll(&p, 1, 0), 0);
	assert_int_equal(in(RBR), 'z');
	assert_int_equal(poll(&p, 1, 0), 1);
	assert_int_equal(read(p.fd, &cnt, 8), 8);
	assert_int_equal(serial_receive(&uart, many, 12), 1);
	/* FCR RX reset empties it and signals space. */
	out(FCR, 0x83);
	assert_int_equal(in(LSR)&0x01, 0);
	assert_int_equal(poll(&p, 1, 0), 1);
	assert_int_equal(read(p.fd, &cnt, 8), 8);
	assert_int_equal(levels[nlevels - 1], 0);

	/* FIFO off (16450 mode): one byte of holding register. */
	out(FCR, 0);
	assert_int_equal(serial_receive(&uart, abc, 3), 1);
	assert_int_equal(in(IIR), 0x04);
	assert_int_equal(in(RBR), 'a');
	assert_int_equal(in(IIR), 0x01);
	/* Reading an empty RBR is harmless. */
	in(RBR);
	assert_int_equal(in(LSR)&0x01, 0);
}

static void test_loopback(void **state)
{
	uint8_t v[20];
	char buf[8];

	out(FCR, 0x01);
	out(MCR, 0x10);
	assert_int_equal(in(MSR), 0x00 | 0x0b); /* CTS/DSR/DCD dropped */
	out(MCR, 0x1f);
	assert_int_equal(in(MSR), 0xf0 | 0x0b);
	assert_int_equal(in(MSR), 0xf0); /* deltas clear on read */
	out(MCR, 0x1b); /* OUT1 off: RI trailing edge */
	assert_int_equal(in(MSR), 0xb0 | 0x04);

	out(THR, 'x');
	out(THR, 'y');
	assert_int_equal(drain_pipe(buf, sizeof(buf)), 0);
	assert_int_equal(in(LSR)&0x01, 1);
	assert_int_equal(in(RBR), 'x');
	assert_int_equal(in(RBR), 'y');
	/* The host input is disconnected. */
	assert_int_equal(serial_receive(&uart, (const uint8_t *)"q", 1), 0);
	/* Overrun: the 17th byte is lost, LSR.OE until LSR is read. */
	for (int i = 0; i < 17; i++)
		out(THR, (uint8_t)i);
	out(IER, 0x04);
	assert_int_equal(in(IIR), 0xc6);
	assert_int_equal(in(LSR)&0x03, 0x03);
	assert_int_equal(in(LSR)&0x02, 0);
	for (int i = 0; i < 16; i++)
		v[i] = in(RBR);
	assert_int_equal(v[15], 15);
	out(IER, 0);
	/* Leaving loopback reconnects input and signals the waiter. */
	out(MCR, 0x0b);
	assert_int_equal(in(MSR)&0xf0, 0xb0);
	struct pollfd p = { .fd = serial_rx_space_fd(&uart), .events = POLLIN };

	assert_int_equal(poll(&p, 1, 0), 1);
	assert_int_equal(serial_receive(&uart, (const uint8_t *)"q", 1), 1);
	assert_int_equal(in(RBR), 'q');
}

static void test_modem_status_irq(void **state)
{
	out(IER, 0x08);
	assert_int_equal(nlevels, 0);
	/* Loopback: CTS follows RTS (stays 1), DSR and DCD drop. */
	out(MCR, 0x10 | 0x02);
	assert_int_equal(nlevels, 1);
	assert_int_equal(in(IIR), 0x00);
	assert_int_equal(in(MSR), 0x10 | 0x0a);
	assert_int_equal(in(IIR), 0x01);
	assert_int_equal(levels[nlevels - 1], 0);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_full_output_drops(void **state)
{
	struct serial_stats st;
	char junk[4096];
	double t0;
	int fl;

	memset(junk, 'j', sizeof(junk));
	while (write(pfd[1], junk, sizeof(junk)) > 0)
		;
	/* Make the write end blocking: the UART must still not hang. */
	fl = fcntl(pfd[1], F_GETFL);
	fcntl(pfd[1], F_SETFL, fl & ~O_NONBLOCK);
	t0 = now_s();
	for (int i = 0; i < 1000; i++)
		out(THR, 'x');
	assert_true(now_s() - t0 < 1.0);
	serial_get_stats(&uart, &st);
	assert_int_equal(st.tx_dropped, 1000);
	/* Once the reader catches up, output flows again. */
	while (read(pfd[0], junk, sizeof(junk)) > 0)
		;
	out(THR, 'o');
	serial_get_stats(&uart, &st);
	assert_int_equal(st.tx_bytes, 1);
	assert_int_equal(read(pfd[0], junk, 1), 1);
	assert_int_equal(junk[0], 'o');
}

/* The stdin-thread protocol, against a guest draining the FIFO. */
#define STREAM 5000

static void *feeder(void *arg)
{
	uint8_t buf[STREAM];
	size_t off = 0;

	for (size_t i = 0; i < STREAM; i++)
		buf[i] = (uint8_t)(i * 7);
	while (off < STREAM) {
		off += serial_receive(&uart, buf + off, STREAM - off);
		if (off < STREAM) {
			struct pollfd p = { .fd = serial_rx_space_fd(&uart),
					    .events = POLLIN };
			uint64_t cnt;

			poll(&p, 1, -1);
			if (read(p.fd, &cnt, sizeof(cnt)) < 0)
				assert_int_equal(errno, EAGAIN);
		}
	}
	return NULL;
}

static void test_rx_thread(void **state)
{
	pthread_t t;

	out(FCR, 0xc1);
	out(IER, 0x01);
	assert_int_equal(pthread_create(&t, NULL, feeder, NULL), 0);
	for (size_t i = 0; i < STREAM;) {
		if (!(in(LSR)&0x01))
			continue;
		assert_int_equal(in(RBR), (uint8_t)(i * 7));
		i++;
	}
	pthread_join(t, NULL);
	assert_int_equal(in(LSR)&0x01, 0);
	assert_int_equal(in(IIR), 0xc1);
	/* Every edge was a real transition. */
	for (int i = 1; i < nlevels; i++)
		assert_int_not_equal(levels[i], levels[i - 1]);
}

/*
 * The handlers take 1 to 8 bytes (devices/io.h); a longer access is
 * refused before a byte of the caller's buffer is written, and changes
 * nothing (a read of RBR would pop the FIFO).
 */
static void test_bad_length(void **state)
{
	uint8_t buf[16], v = 0x42;

	out(FCR, 0x01);
	serial_ops.write(&uart, SCR, &v, 1);
	assert_int_equal(serial_receive(&uart, (const uint8_t *)"ab", 2), 2);
	memset(buf, 0x5a, sizeof(buf));
	serial_ops.read(&uart, RBR, buf, 9);
	serial_ops.read(&uart, RBR, buf, 0);
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0x5a);
	memset(buf, 0, sizeof(buf));
	serial_ops.write(&uart, SCR, buf, 9);
	assert_int_equal(in(SCR), 0x42);
	assert_int_equal(in(RBR), 'a');
	assert_int_equal(in(RBR), 'b');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reset_state, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_linux_autoconfig, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dlab, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx, setup, teardown),
		cmocka_unit_test_setup_teardown(test_console_trace, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_thre_interrupt, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rx_fifo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loopback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_modem_status_irq, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_full_output_drops, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rx_thread, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_length, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
