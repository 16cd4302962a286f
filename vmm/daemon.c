// SPDX-License-Identifier: GPL-2.0
/* Console to a file or a Unix socket, daemonizing (fork + setsid) and an atomically written pidfile. */
#include "vmm/daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/sandbox.h"

static int ready_fd = -1;
static const char *sock_path;

static int devnull(int fd, int flags)
{
	int n = open("/dev/null", flags | O_CLOEXEC);

	if (n < 0)
		return -errno;
	if (dup2(n, fd) < 0) {
		close(n);
		return -errno;
	}
	close(n);
	return 0;
}

static int write_pidfile(const char *path, struct pv_error *err)
{
	char tmp[4096], buf[32];
	int fd, n;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return pv_seterr(err, ENAMETOOLONG, "--pidfile: path too long");
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return pv_seterr(err, errno, "--pidfile '%s': %s", tmp,
				 strerror(errno));
	n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (write(fd, buf, (size_t)n) != n || fsync(fd) || close(fd) ||
	    rename(tmp, path)) {
		int e = errno;

		unlink(tmp);
		return pv_seterr(err, e, "--pidfile '%s': %s", path,
				 strerror(e));
	}
	return 0;
}

int daemon_begin(const struct vm_config *c, struct pv_error *err)
{
	int p[2];
	pid_t pid;
	char b;

	if (c->daemonize) {
		if (pipe2(p, O_CLOEXEC))
			return pv_seterr(err, errno, "pipe: %s",
					 strerror(errno));
		fflush(NULL);
		pid = fork();
		if (pid < 0)
			return pv_seterr(err, errno, "fork: %s",
					 strerror(errno));
		if (pid > 0) {
			/* The parent: 0 once the child is up, else 1. */
			ssize_t n;

			close(p[1]);
			do
				n = read(p[0], &b, 1);
			while (n < 0 && errno == EINTR);
			_exit(n == 1 && b == 'R' ? 0 : 1);
		}
		close(p[0]);
		ready_fd = p[1];
		if (setsid() < 0)
			return pv_seterr(err, errno, "setsid: %s",
					 strerror(errno));
		/* stderr stays on a logger's log_path */
		if (devnull(STDIN_FILENO, O_RDONLY) ||
		    devnull(STDOUT_FILENO, O_WRONLY) ||
		    (!c->logger.log_path && devnull(STDERR_FILENO, O_WRONLY)))
			return pv_seterr(err, errno,
					 "cannot open /dev/null: %s",
					 strerror(errno));
	}
	if (c->pidfile)
		return write_pidfile(c->pidfile, err);
	return 0;
}

void daemon_ready(void)
{
	if (ready_fd < 0)
		return;
	if (write(ready_fd, "R", 1) != 1)
		pv_warn("cannot tell the parent that passvm is up: %s",
			strerror(errno));
	close(ready_fd);
	ready_fd = -1;
}

void daemon_end(const struct vm_config *c)
{
	if (c->pidfile)
		unlink(c->pidfile);
	if (sock_path)
		unlink(sock_path);
	sock_path = NULL;
}

/* --- console on a Unix socket ---------------------------------------- */

static struct {
	int listen_fd, out_r, in_w, client;
} relay = { -1, -1, -1, -1 };

/* Copy what is readable on @from to @to (-1: drop). False at EOF/error. */
static int pump(int from, int to)
{
	char buf[4096];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n <= 0)
		return n == 0 || (errno != EAGAIN && errno != EINTR) ? -1 : 0;
	if (to >= 0 &&
	    send(to, buf, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 &&
	    errno != EAGAIN)
		return -2; /* the client is gone */
	return 0;
}

static void *relay_thread(void *arg)
{
	struct pv_error err = { "" };

	(void)arg;
	log_thread_name("passvm-con-sock");
	if (sandbox_enter(SANDBOX_CONSOLE_SOCKET, &err)) {
		pv_err("%s: the console socket stops", err.msg);
		return NULL;
	}
	for (;;) {
		struct pollfd p[3] = {
			{ .fd = relay.listen_fd, .events = POLLIN },
			{ .fd = relay.out_r, .events = POLLIN },
			{ .fd = relay.client, .events = POLLIN },
		};
		char buf[256];

		if (poll(p, relay.client >= 0 ? 3 : 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return NULL;
		}
		if (p[0].revents & POLLIN) {
			int fd = accept4(relay.listen_fd, NULL, NULL,
					 SOCK_CLOEXEC);

			if (fd >= 0 && relay.client >= 0)
				close(fd); /* one client at a time */
			else if (fd >= 0)
				relay.client = fd;
		}
		if ((p[1].revents & (POLLIN | POLLHUP)) &&
		    pump(relay.out_r, relay.client) == -2) {
			close(relay.client);
			relay.client = -1;
		}
		if (relay.client >= 0 && p[2].revents) {
			ssize_t n = read(relay.client, buf, sizeof(buf));

			if (n <= 0) {
				close(relay.client);
				relay.client = -1;
			} else if (write(relay.in_w, buf, (size_t)n) < 0) {
				/* guest input backs up: drop it */
			}
		}
	}
}

static int console_socket(const char *path, struct pv_error *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int out[2], in[2];
	pthread_t t;
	sigset_t all, old;

	if (strlen(path) >= sizeof(sa.sun_path))
		return pv_seterr(err, ENAMETOOLONG,
				 "--console socket:%s: path too long", path);
	strcpy(sa.sun_path, path);
	relay.listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (relay.listen_fd < 0 ||
	    bind(relay.listen_fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(relay.listen_fd, 1))
		return pv_seterr(
			err, errno,
			"--console socket:%s: %s (remove it if it is a leftover)",
			path, strerror(errno));
	sock_path = path;
	if (pipe2(out, O_CLOEXEC) || pipe2(in, O_CLOEXEC))
		return pv_seterr(err, errno, "pipe: %s", strerror(errno));
	/* Output the relay cannot take is dropped by the UART (50 ms). */
	fcntl(out[1], F_SETFL, O_NONBLOCK);
	fcntl(in[1], F_SETFL, O_NONBLOCK);
	if (dup2(out[1], STDOUT_FILENO) < 0 || dup2(in[0], STDIN_FILENO) < 0)
		return pv_seterr(err, errno, "dup2: %s", strerror(errno));
	close(out[1]);
	close(in[0]);
	relay.out_r = out[0];
	relay.in_w = in[1];
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	errno = pthread_create(&t, NULL, relay_thread, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (errno)
		return pv_seterr(err, errno, "console thread: %s",
				 strerror(errno));
	pthread_detach(t);
	return 0;
}

int console_redirect(const struct vm_config *c, struct pv_error *err)
{
	int fd;

	switch (c->console) {
	case CONSOLE_STDIO:
		return 0;
	case CONSOLE_NONE:
		if (devnull(STDOUT_FILENO, O_WRONLY) ||
		    devnull(STDIN_FILENO, O_RDONLY))
			return pv_seterr(err, errno, "/dev/null: %s",
					 strerror(errno));
		return 0;
	case CONSOLE_FILE:
		fd = open(c->console_path,
			  O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			return pv_seterr(err, errno, "console file '%s': %s",
					 c->console_path, strerror(errno));
		if (dup2(fd, STDOUT_FILENO) < 0) {
			close(fd);
			return pv_seterr(err, errno, "dup2: %s",
					 strerror(errno));
		}
		close(fd);
		if (devnull(STDIN_FILENO, O_RDONLY))
			return pv_seterr(err, errno, "/dev/null: %s",
					 strerror(errno));
		return 0;
	case CONSOLE_SOCKET:
		return console_socket(c->console_path, err);
	}
	return 0;
}
