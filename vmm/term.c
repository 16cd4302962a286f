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
} con = { .stop_fd = -1 };

/* The keys' help is passvm's, not the guest's: on stderr. */
static void show_help(void)
{
	ssize_t n = write(STDERR_FILENO, term_escape_help,
			  sizeof(term_escape_help) - 1);

	(void)n;
}

/* Push @n bytes into the UART, waiting for FIFO space; false on stop. */
static bool feed(const uint8_t *buf, size_t n)
{
	while (n) {
		size_t took = serial_receive(con.s, buf, n);
		struct pollfd p[2] = {
			{ .fd = serial_rx_space_fd(con.s), .events = POLLIN },
			{ .fd = con.stop_fd, .events = POLLIN },
		};
		uint64_t v;

		buf += took;
		n -= took;
		if (!n)
			break;
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return false;
		if (p[1].revents)
			return false;
		if (p[0].revents && read(p[0].fd, &v, sizeof(v)) < 0)
			continue;
	}
	return true;
}

static void *console_thread(void *arg)
{
	bool tty = isatty(STDIN_FILENO), escape = false;
	/*
	 * A read that ends in Ctrl-a leaves the escape pending: the next
	 * read's first byte may come out as two (Ctrl-a and itself), every
	 * other byte as at most one. So one more byte than a read returns.
	 */
	uint8_t buf[256], out[sizeof(buf) + 1];

	(void)arg;
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = STDIN_FILENO, .events = POLLIN },
			{ .fd = con.stop_fd, .events = POLLIN },
		};
		ssize_t n;
		size_t o = 0;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents)
			break;
		n = read(STDIN_FILENO, buf, sizeof(buf));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			break; /* EOF: the guest simply gets no more input */
		for (ssize_t i = 0; i < n; i++) {
			if (tty && escape) {
				escape = false;
				if (buf[i] == 'x' || buf[i] == 'X') {
					con.quit(con.opaque);
					return NULL;
				}
				if (buf[i] == 'h' || buf[i] == 'H' ||
				    buf[i] == '?') {
					show_help();
					continue;
				}
				if (buf[i] != CTRL_A)
					out[o++] = CTRL_A;
			} else if (tty && buf[i] == CTRL_A) {
				escape = true;
				continue;
			}
			out[o++] = buf[i];
		}
		if (!feed(out, o))
			break;
	}
	return NULL;
}

int console_start(struct serial *s, void (*quit)(void *), void *opaque,
		  struct pv_error *err)
{
	int ret;

	con.s = s;
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
