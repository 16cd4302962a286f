// SPDX-License-Identifier: GPL-2.0
#include "vmm/term.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <termios.h>
#include <unistd.h>

#include "devices/serial.h"
#include "sandbox/sandbox.h"

#define CTRL_A 0x01

const char term_escape_help[] =
	"\r\npassvm console keys (after Ctrl-a):\r\n"
	"  x         quit passvm (exit status 130)\r\n"
	"  h         this help\r\n"
	"  Ctrl-a    send a Ctrl-a to the guest\r\n"
	"Everything else goes to the guest, Ctrl-C included.\r\n";

static struct termios saved;
static volatile sig_atomic_t raw_on;

void term_restore(void)
{
	if (raw_on) {
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
		raw_on = 0;
	}
}

static void fatal_signal(int sig)
{
	term_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

void term_raw(void)
{
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
	struct termios t;

	if (raw_on || !isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved))
		return;
	t = saved;
	cfmakeraw(&t);
	/* Keep output post-processing: passvm's own messages use "\n". */
	t.c_oflag |= OPOST;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t))
		return;
	raw_on = 1;
	for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		signal(fatal[i], fatal_signal);
}

static struct {
	pthread_t thread;
	bool running;
	int stop_fd;
	struct serial *s;
	void (*quit)(void *);
	void *opaque;
	/* The console thread's own (private to it while it runs): */
	bool escape; /* a Ctrl-a was read, its key not yet */
	size_t plen; /* bytes in pending[] */
	uint64_t dropped; /* input bytes dropped: the queue was full */
} con = { .stop_fd = -1 };
/* The console thread's queue; apart from con, so that it is .bss. */
static uint8_t pending[CONSOLE_PENDING];

/* The keys' help is passvm's, not the guest's: on stderr. */
static void show_help(void)
{
	ssize_t n = write(STDERR_FILENO, term_escape_help,
			  sizeof(term_escape_help) - 1);

	(void)n;
}

/*
 * Input for the guest waits here while the guest does not drain its RX
 * FIFO (a hung guest, or loopback on: MCR bit 4, PC16550D §8.6). The
 * console thread never waits for the guest: it keeps reading a terminal
 * so that Ctrl-a x always reaches passvm, and drops what does not fit, as
 * a real UART overruns. A pipe or file on stdin is not read past the
 * queue's room instead (nothing is lost; it has no escape to protect).
 */
static const char dropped_msg[] =
	"\r\npassvm: the guest is not reading its console; typed input is "
	"dropped (Ctrl-a x still quits)\r\n";

/* Queue @c for the guest; drop it (and say so once) when the queue is full. */
static void queue(uint8_t c)
{
	if (con.plen < sizeof(pending)) {
		pending[con.plen++] = c;
		return;
	}
	if (!con.dropped++) {
		ssize_t n = write(STDERR_FILENO, dropped_msg,
				  sizeof(dropped_msg) - 1);

		(void)n;
	}
}

/* Offer the queue to the UART; what it takes leaves the queue. Never waits. */
static void push(void)
{
	size_t took;

	if (!con.plen)
		return;
	took = serial_receive(con.s, pending, con.plen);
	memmove(pending, pending + took, con.plen - took);
	con.plen -= took;
}

/* Handle one read's bytes: the escapes, the rest queued. True: quit. */
static bool take(const uint8_t *buf, size_t n, bool tty)
{
	for (size_t i = 0; i < n; i++) {
		if (tty && con.escape) {
			con.escape = false;
			if (buf[i] == 'x' || buf[i] == 'X')
				return true;
			if (buf[i] == 'h' || buf[i] == 'H' || buf[i] == '?') {
				show_help();
				continue;
			}
			if (buf[i] != CTRL_A)
				queue(CTRL_A);
		} else if (tty && buf[i] == CTRL_A) {
			con.escape = true;
			continue;
		}
		queue(buf[i]);
	}
	return false;
}

static void *console_thread(void *arg)
{
	bool tty = isatty(STDIN_FILENO), in_open = true;
	struct pv_error err = { "" };
	uint8_t buf[256];

	(void)arg;
	log_thread_name("passvm-console");
	if (sandbox_enter(SANDBOX_CONSOLE, &err)) {
		pv_err("%s: the guest gets no console input", err.msg);
		return NULL;
	}
	for (;;) {
		/*
		 * A terminal is always read (its Ctrl-a x must get through;
		 * typing beyond the queue is dropped). A pipe or file has no
		 * escape: it is read only into the queue's room, so a slow
		 * guest holds it back and loses nothing.
		 */
		size_t room = sizeof(pending) - con.plen;
		size_t want = tty || room > sizeof(buf) ? sizeof(buf) : room;
		/* Wait for the guest's room only while something waits. */
		struct pollfd p[3] = {
			{ .fd = con.stop_fd, .events = POLLIN },
			{ .fd = in_open && want ? STDIN_FILENO : -1,
			  .events = POLLIN },
			{ .fd = con.plen ? serial_rx_space_fd(con.s) : -1,
			  .events = POLLIN },
		};
		ssize_t n;
		uint64_t v;

		if (!in_open && !con.plen)
			break; /* EOF, all sent: the guest gets no more input */
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents)
			break;
		/* Reset the room signal; EAGAIN: already reset, harmless. */
		if (p[2].revents && read(p[2].fd, &v, sizeof(v)) < 0)
			v = 0;
		if (p[1].revents) {
			n = read(STDIN_FILENO, buf, want);
			if (n < 0 && errno != EINTR && errno != EAGAIN)
				in_open = false;
			else if (!n)
				in_open = false;
			else if (n > 0 && take(buf, (size_t)n, tty)) {
				con.quit(con.opaque);
				return NULL;
			}
		}
		push();
	}
	return NULL;
}

int console_start(struct serial *s, void (*quit)(void *), void *opaque,
		  struct pv_error *err)
{
	int ret;

	con.s = s;
	con.escape = false;
	con.plen = 0;
	con.dropped = 0;
	con.quit = quit;
	con.opaque = opaque;
	con.stop_fd = eventfd(0, EFD_CLOEXEC);
	if (con.stop_fd < 0)
		return pv_seterr(err, errno, "eventfd: %s", strerror(errno));
	ret = pthread_create(&con.thread, NULL, console_thread, NULL);
	if (ret) {
		close(con.stop_fd);
		con.stop_fd = -1;
		return pv_seterr(err, ret,
				 "cannot start the console thread: %s",
				 strerror(ret));
	}
	con.running = true;
	return 0;
}

void console_stop(void)
{
	uint64_t one = 1;

	if (!con.running)
		return;
	if (write(con.stop_fd, &one, sizeof(one)) < 0)
		pthread_cancel(con.thread);
	pthread_join(con.thread, NULL);
	close(con.stop_fd);
	con.stop_fd = -1;
	con.running = false;
}
