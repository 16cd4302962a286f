// SPDX-License-Identifier: GPL-2.0
/* The API socket's event loop: non-blocking clients, pipelining, back-pressure, stalls, metrics ticks. */
#include "api/server.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "api/http.h"
#include "api/model_util.h"
#include "sandbox/sandbox.h"

#define READ_CHUNK 4096
/* Stop reading a client whose answers pile up unread beyond this. */
#define OUT_HIGH_WATER 65536
#define TICK_MS 1000

struct client {
	int fd; /* -1: free slot */
	struct http_parser p;
	char *out;
	size_t out_len, out_cap;
	bool closing; /* close once out is flushed */
	bool reading; /* EPOLLIN armed */
	uint64_t last_ms; /* last byte received */
};

struct api_server {
	struct api_ctx *ctx;
	char *path; /* NULL: no socket */
	int listen_fd, stop_fd, ep;
	size_t max_body;
	pthread_t thread;
	struct client clients[API_MAX_CLIENTS];
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void client_close(struct api_server *s, struct client *c)
{
	epoll_ctl(s->ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	http_parser_free(&c->p);
	free(c->out);
	c->out = NULL;
	c->out_len = c->out_cap = 0;
}

static void client_arm(struct api_server *s, struct client *c)
{
	struct epoll_event ev = { .data.ptr = c };

	c->reading = !c->closing && c->out_len < OUT_HIGH_WATER;
	ev.events = (c->reading ? EPOLLIN | EPOLLRDHUP : 0) |
		    (c->out_len ? EPOLLOUT : 0);
	epoll_ctl(s->ep, EPOLL_CTL_MOD, c->fd, &ev);
}

static bool out_append(struct client *c, const char *data, size_t n)
{
	if (c->out_len + n > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 1024;
		char *b;

		while (cap < c->out_len + n)
			cap *= 2;
		b = realloc(c->out, cap);
		if (!b)
			return false;
		c->out = b;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, data, n);
	c->out_len += n;
	return true;
}

static void respond(struct client *c, int status, const char *body,
		    bool keep_alive)
{
	size_t need = 256 + (body ? strlen(body) : 0), n;
	char *buf = malloc(need);

	if (!buf) {
		c->closing = true;
		return;
	}
	n = http_format_response(buf, need, status, body, keep_alive);
	if (!n || !out_append(c, buf, n))
		c->closing = true;
	free(buf);
	if (!keep_alive)
		c->closing = true;
}

static void fault(struct client *c, const char *msg)
{
	json_t *j = jobj("fault_message", json_string(msg), NULL);
	char *body = j ? json_dumps(j, JSON_COMPACT) : NULL;

	respond(c, 400, body, false);
	free(body);
	json_decref(j);
}

/* Answer every whole request buffered, in order (pipelining). */
static void client_process(struct api_server *s, struct client *c)
{
	struct http_request req;
	struct api_response r;
	enum http_status st;

	while (!c->closing && c->out_len < OUT_HIGH_WATER) {
		st = http_parser_next(&c->p, &req);
		if (st == HTTP_BAD) {
			fault(c, c->p.error_msg);
			break;
		}
		if (st == HTTP_NEED_MORE) {
			if (http_parser_wants_continue(&c->p))
				out_append(c, "HTTP/1.1 100 Continue\r\n\r\n",
					   25);
			break;
		}
		api_route(s->ctx, req.method, req.path, req.body, req.body_len,
			  &r);
		respond(c, r.status, r.body, req.keep_alive);
		free(r.body);
		http_parser_consume(&c->p);
	}
}

static void client_flush(struct client *c)
{
	while (c->out_len) {
		ssize_t n = send(c->fd, c->out, c->out_len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			c->closing = true;
			c->out_len = 0; /* the peer is gone */
			return;
		}
		memmove(c->out, c->out + n, c->out_len - (size_t)n);
		c->out_len -= (size_t)n;
	}
}

static void client_event(struct api_server *s, struct client *c,
			 uint32_t events)
{
	char buf[READ_CHUNK];

	if ((events & EPOLLIN) && c->reading) {
		/* One chunk per wake-up: a flooding client cannot starve
		 * the others (epoll is level-triggered: it comes back). */
		ssize_t n = recv(c->fd, buf, sizeof(buf), 0);

		if (n > 0) {
			c->last_ms = now_ms();
			http_parser_feed(&c->p, buf, (size_t)n);
		} else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
			/* Half-closed: answer what came, then close. */
			client_process(s, c);
			c->closing = true;
		}
	}
	client_process(s, c);
	client_flush(c);
	if (events & EPOLLERR) {
		client_close(s, c); /* nobody left to answer */
		return;
	}
	if (c->closing && !c->out_len) {
		client_close(s, c);
		return;
	}
	client_arm(s, c);
}

static struct client *free_slot(struct api_server *s)
{
	struct client *idle = NULL;

	for (int i = 0; i < API_MAX_CLIENTS; i++) {
		struct client *c = &s->clients[i];

		if (c->fd < 0)
			return c;
		/* Full: the longest-idle keep-alive client makes room. */
		if (http_parser_idle(&c->p) && !c->out_len &&
		    (!idle || c->last_ms < idle->last_ms))
			idle = c;
	}
	if (idle)
		client_close(s, idle);
	return idle;
}

static void accept_clients(struct api_server *s)
{
	for (;;) {
		int fd = accept4(s->listen_fd, NULL, NULL,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP };
		struct client *c;

		if (fd < 0)
			return;
		c = free_slot(s);
		if (!c) {
			close(fd); /* every slot is mid-request */
			continue;
		}
		memset(c, 0, sizeof(*c));
		c->fd = fd;
		c->reading = true;
		c->last_ms = now_ms();
		http_parser_init(&c->p, s->max_body);
		ev.data.ptr = c;
		if (epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev)) {
			close(fd);
			c->fd = -1;
		}
	}
}

static void tick(struct api_server *s, uint64_t *next_metrics)
{
	uint64_t t = now_ms();
	struct pv_error err;

	for (int i = 0; i < API_MAX_CLIENTS; i++) {
		struct client *c = &s->clients[i];

		if (c->fd >= 0 && !http_parser_idle(&c->p) &&
		    t - c->last_ms > API_STALL_MS)
			client_close(s, c); /* stalled mid-request */
	}
	if (t >= *next_metrics) {
		*next_metrics = t + API_METRICS_PERIOD_MS;
		if (s->ctx->metrics_fd >= 0 &&
		    s->ctx->state != API_NOT_STARTED &&
		    api_write_metrics(s->ctx, &err))
			pv_warn("%s", err.msg);
	}
}

static void *server_thread(void *arg)
{
	struct api_server *s = arg;
	uint64_t next_metrics = now_ms() + API_METRICS_PERIOD_MS;
	struct epoll_event evs[API_MAX_CLIENTS + 2];
	struct pv_error err = { "" };

	/* Firecracker's name; its filter before the first request. */
	log_thread_name("fc_api");
	if (sandbox_enter(SANDBOX_API, &err)) {
		pv_err("API server: %s: the API stops answering", err.msg);
		return NULL;
	}
	for (;;) {
		int n = epoll_wait(s->ep, evs, API_MAX_CLIENTS + 2, TICK_MS);
		bool incoming = false;

		if (n < 0 && errno != EINTR)
			break;
		for (int i = 0; i < n; i++) {
			void *p = evs[i].data.ptr;

			if (p == &s->stop_fd)
				return NULL;
			if (p == &s->listen_fd)
				incoming = true;
			else if (((struct client *)p)->fd >= 0)
				client_event(s, p, evs[i].events);
		}
		/* After the batch: accepting may reuse a slot it names. */
		if (incoming)
			accept_clients(s);
		tick(s, &next_metrics);
	}
	pv_err("API server: epoll_wait: %s: the API stops answering",
	       strerror(errno));
	return NULL;
}

static int listen_on(struct api_server *s, const char *path,
		     struct pv_error *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct epoll_event ev = { .events = EPOLLIN,
				  .data.ptr = &s->listen_fd };

	if (strlen(path) >= sizeof(sa.sun_path))
		return pv_seterr(err, ENAMETOOLONG,
				 "--api-sock '%s': longer than %zu bytes", path,
				 sizeof(sa.sun_path) - 1);
	strcpy(sa.sun_path, path);
	s->listen_fd =
		socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->listen_fd < 0)
		return pv_seterr(err, errno, "socket: %s", strerror(errno));
	if (bind(s->listen_fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int e = errno;

		close(s->listen_fd);
		s->listen_fd = -1;
		if (e == EADDRINUSE)
			return pv_seterr(
				err, e,
				"--api-sock '%s' is in use (another passvm or firecracker, or a leftover): remove it if nothing serves it",
				path);
		return pv_seterr(err, e, "cannot bind the API socket '%s': %s",
				 path, strerror(e));
	}
	s->path = strdup(path);
	if (listen(s->listen_fd, API_MAX_CLIENTS) ||
	    epoll_ctl(s->ep, EPOLL_CTL_ADD, s->listen_fd, &ev))
		return pv_seterr(err, errno, "cannot listen on '%s': %s", path,
				 strerror(errno));
	return 0;
}

int api_server_start(struct api_server **out, struct api_ctx *ctx,
		     const char *sock_path, size_t max_body,
		     struct pv_error *err)
{
	struct api_server *s = calloc(1, sizeof(*s));
	struct epoll_event ev;
	sigset_t all, old;
	int ret;

	*out = NULL;
	if (!s)
		return pv_seterr(err, ENOMEM, "out of memory");
	s->ctx = ctx;
	s->max_body = max_body;
	s->listen_fd = -1;
	for (int i = 0; i < API_MAX_CLIENTS; i++)
		s->clients[i].fd = -1;
	s->ep = epoll_create1(EPOLL_CLOEXEC);
	s->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->ep < 0 || s->stop_fd < 0) {
		ret = pv_seterr(err, errno, "epoll/eventfd: %s",
				strerror(errno));
		goto fail;
	}
	ev = (struct epoll_event){ .events = EPOLLIN, .data.ptr = &s->stop_fd };
	epoll_ctl(s->ep, EPOLL_CTL_ADD, s->stop_fd, &ev);
	if (sock_path) {
		ret = listen_on(s, sock_path, err);
		if (ret)
			goto fail;
	}
	/* Signals stay with the VMM's threads. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	ret = pthread_create(&s->thread, NULL, server_thread, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret) {
		ret = pv_seterr(err, ret, "cannot start the API thread: %s",
				strerror(ret));
		goto fail;
	}
	*out = s;
	return 0;
fail:
	if (s->path)
		unlink(s->path);
	free(s->path);
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	if (s->stop_fd >= 0)
		close(s->stop_fd);
	if (s->ep >= 0)
		close(s->ep);
	free(s);
	return ret;
}

void api_server_stop(struct api_server *s)
{
	uint64_t one = 1;

	if (!s)
		return;
	if (write(s->stop_fd, &one, sizeof(one)) != sizeof(one))
		pthread_cancel(s->thread);
	pthread_join(s->thread, NULL);
	for (int i = 0; i < API_MAX_CLIENTS; i++)
		if (s->clients[i].fd >= 0)
			client_close(s, &s->clients[i]);
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	if (s->path)
		unlink(s->path);
	free(s->path);
	close(s->stop_fd);
	close(s->ep);
	free(s);
}
