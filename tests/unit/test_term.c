// SPDX-License-Identifier: GPL-2.0
/*
 * The console (vmm/term.c) on a real terminal: a pty stands in for the
 * user's terminal as passvm's stdin, the console thread feeds the UART,
 * and the test reads the UART as the guest would. Checks the Ctrl-a
 * escapes (Ctrl-a Ctrl-a sends one Ctrl-a, Ctrl-a x quits) and a read that
 * ends in Ctrl-a followed by a full 256-byte read (a paste, or a pty
 * feeder), which once overflowed the thread's output buffer by one byte
 * (run under ASan: make unit-asan); and that a guest cannot take Ctrl-a x
 * away by leaving its RX FIFO full or turning on loopback (issue #9 item
 * 4: the thread once blocked feeding the FIFO and stopped reading).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "devices/serial.h"
#include "vmm/term.h"

#define MCR 4
#define MCR_LOOP 0x10
#define LSR 5
#define LSR_DR 0x01
#define CTRL_A 0x01

static struct serial uart;
static int master = -1, saved_stdin = -1;
static int quits;

static void on_quit(void *opaque)
{
	quits++;
}

static int setup(void **state)
{
	struct pv_error err;
	int slave;

	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	assert_true(master >= 0);
	assert_int_equal(grantpt(master), 0);
	assert_int_equal(unlockpt(master), 0);
	slave = open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
	assert_true(slave >= 0);
	saved_stdin = dup(STDIN_FILENO);
	assert_true(saved_stdin >= 0);
	assert_int_equal(dup2(slave, STDIN_FILENO), STDIN_FILENO);
	close(slave);
	term_raw(); /* what passvm does on a terminal: bytes pass as typed */
	assert_int_equal(serial_init(&uart, -1, NULL, &err), 0);
	/* FIFO on: the thread waits for room, the test drains it. */
	serial_ops.write(&uart, 2, (const uint8_t[]){ 0x01 }, 1);
	quits = 0;
	assert_int_equal(console_start(&uart, on_quit, NULL, &err), 0);
	return 0;
}

static int teardown(void **state)
{
	console_stop();
	term_restore();
	dup2(saved_stdin, STDIN_FILENO);
	close(saved_stdin);
	close(master);
	serial_destroy(&uart);
	return 0;
}

/* Stdin a pipe (a script feeding the console): @master is its write end. */
static int setup_pipe(void **state)
{
	struct pv_error err;
	int fds[2];

	assert_int_equal(pipe(fds), 0);
	saved_stdin = dup(STDIN_FILENO);
	assert_true(saved_stdin >= 0);
	assert_int_equal(dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
	close(fds[0]);
	master = fds[1];
	assert_int_equal(serial_init(&uart, -1, NULL, &err), 0);
	serial_ops.write(&uart, 2, (const uint8_t[]){ 0x01 }, 1);
	quits = 0;
	assert_int_equal(console_start(&uart, on_quit, NULL, &err), 0);
	return 0;
}

static void put(const void *buf, size_t n)
{
	assert_int_equal(write(master, buf, n), (ssize_t)n);
}

/* Wait until the console thread has read everything typed so far. */
static void wait_consumed(void)
{
	for (int i = 0; i < 5000; i++) {
		int pending = -1;

		assert_int_equal(ioctl(STDIN_FILENO, FIONREAD, &pending), 0);
		if (!pending) {
			/* Read, and let the thread finish with the bytes. */
			nanosleep(&(struct timespec){ 0, 2000000 }, NULL);
			return;
		}
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	}
	fail_msg("the console thread does not read its terminal");
}

/* What the guest receives: @n bytes from the UART, waiting for each. */
static void guest_read(uint8_t *out, size_t n)
{
	long spins = 0;

	for (size_t i = 0; i < n;) {
		uint8_t lsr, c;

		serial_ops.read(&uart, LSR, &lsr, 1);
		if (!(lsr & LSR_DR)) {
			assert_true(++spins < 5000000);
			sched_yield();
			continue;
		}
		serial_ops.read(&uart, 0, &c, 1);
		out[i++] = c;
	}
}

static void assert_guest_idle(void)
{
	uint8_t lsr;

	nanosleep(&(struct timespec){ 0, 20000000 }, NULL);
	serial_ops.read(&uart, LSR, &lsr, 1);
	assert_int_equal(lsr & LSR_DR, 0);
}

/*
 * One read ends in Ctrl-a, the next returns a full 256 bytes: the thread
 * sends Ctrl-a plus the 256 bytes, 257 in all, from one read.
 */
static void test_escape_then_full_read(void **state)
{
	uint8_t chunk[256], got[257];

	for (size_t i = 0; i < sizeof(chunk); i++)
		chunk[i] = (uint8_t)('a' + i % 26); /* no Ctrl-a, no x first */
	for (int round = 0; round < 4; round++) {
		put((const uint8_t[]){ CTRL_A }, 1);
		wait_consumed();
		put(chunk, sizeof(chunk));
		guest_read(got, sizeof(got));
		assert_int_equal(got[0], CTRL_A);
		assert_memory_equal(got + 1, chunk, sizeof(chunk));
	}
	assert_int_equal(quits, 0);
	assert_guest_idle();
}

static void test_escapes(void **state)
{
	uint8_t got[3];

	/* Ctrl-a Ctrl-a: one Ctrl-a; split across reads too. */
	put((const uint8_t[]){ 'p', CTRL_A, CTRL_A }, 3);
	put((const uint8_t[]){ CTRL_A }, 1);
	wait_consumed();
	put((const uint8_t[]){ CTRL_A }, 1);
	guest_read(got, 3);
	assert_memory_equal(got, ((const uint8_t[]){ 'p', CTRL_A, CTRL_A }), 3);
	assert_int_equal(quits, 0);
	/* Ctrl-a x: quit, and nothing reaches the guest. */
	put((const uint8_t[]){ CTRL_A, 'x' }, 2);
	for (int i = 0; i < 5000 && !quits; i++)
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	assert_int_equal(quits, 1);
	assert_guest_idle();
}

/* Ctrl-a x quits within a few seconds (the thread reads its terminal). */
static void assert_quits(void)
{
	put((const uint8_t[]){ CTRL_A, 'x' }, 2);
	for (int i = 0; i < 5000 && !quits; i++)
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	assert_int_equal(quits, 1);
}

static void fill(uint8_t *buf, size_t n, size_t from)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (uint8_t)('a' + (from + i) % 26);
}

/* The guest never reads: its FIFO fills, Ctrl-a x still quits. */
static void test_escape_while_guest_stalls(void **state)
{
	uint8_t typed[100], got[SERIAL_FIFO_SIZE];

	fill(typed, sizeof(typed), 0);
	put(typed, sizeof(typed));
	wait_consumed();
	assert_quits();
	/* What the FIFO took is the start of what was typed. */
	guest_read(got, sizeof(got));
	assert_memory_equal(got, typed, sizeof(got));
	assert_guest_idle();
}

/*
 * While the guest stalls, CONSOLE_PENDING bytes wait beyond the FIFO and
 * arrive in order once it reads; more are dropped, and input flows again.
 */
static void test_stalled_input_waits_then_drops(void **state)
{
	enum { KEPT = SERIAL_FIFO_SIZE + CONSOLE_PENDING, CHUNK = 256 };
	static uint8_t typed[KEPT + 4 * CHUNK], got[KEPT];

	fill(typed, sizeof(typed), 0);
	for (size_t off = 0; off < sizeof(typed); off += CHUNK) {
		size_t n = sizeof(typed) - off;

		put(typed + off, n < CHUNK ? n : CHUNK);
		wait_consumed(); /* the thread keeps reading */
	}
	guest_read(got, sizeof(got));
	assert_memory_equal(got, typed, sizeof(got));
	assert_guest_idle(); /* the rest was dropped */
	put("ok", 2);
	guest_read(got, 2);
	assert_memory_equal(got, "ok", 2);
	assert_int_equal(quits, 0);
}

/*
 * From a pipe nothing is dropped, however far the guest lags: the thread
 * reads the pipe only as the guest takes the bytes (and a pipe has no
 * Ctrl-a escape: Ctrl-a x reaches the guest).
 */
static void test_pipe_input_never_dropped(void **state)
{
	static uint8_t typed[SERIAL_FIFO_SIZE + CONSOLE_PENDING + 2048],
		got[sizeof(typed)];

	fill(typed, sizeof(typed), 0);
	typed[100] = CTRL_A;
	typed[101] = 'x';
	put(typed, sizeof(typed)); /* fits in the pipe: 64 KiB */
	nanosleep(&(struct timespec){ 0, 50000000 }, NULL); /* guest hangs */
	guest_read(got, sizeof(got));
	assert_memory_equal(got, typed, sizeof(got));
	assert_int_equal(quits, 0);
	assert_guest_idle();
}

/* Loopback disconnects the host's input: Ctrl-a x still quits. */
static void test_escape_in_loopback(void **state)
{
	uint8_t got[3];

	serial_ops.write(&uart, MCR, (const uint8_t[]){ MCR_LOOP }, 1);
	put("abc", 3);
	wait_consumed();
	assert_int_equal(quits, 0);
	/* Leaving loopback delivers what waited. */
	serial_ops.write(&uart, MCR, (const uint8_t[]){ 0 }, 1);
	guest_read(got, 3);
	assert_memory_equal(got, "abc", 3);
	serial_ops.write(&uart, MCR, (const uint8_t[]){ MCR_LOOP }, 1);
	put("def", 3);
	wait_consumed();
	assert_quits();
	assert_guest_idle();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_escape_then_full_read,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_escapes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_escape_while_guest_stalls,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_stalled_input_waits_then_drops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_escape_in_loopback, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_pipe_input_never_dropped,
						setup_pipe, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
