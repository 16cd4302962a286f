// SPDX-License-Identifier: GPL-2.0
/* The I/O thread: one epoll loop per device, and calls into it. */
#include "virtio/loop.h"
#include "sandbox/sandbox.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

static void run_call(struct vio_loop *l)
{
	void (*fn)(void *);
	void *arg;

	pthread_mutex_lock(&l->lock);
	fn = l->call_fn;
	arg = l->call_arg;
	l->call_fn = NULL;
	pthread_mutex_unlock(&l->lock);
	if (!fn)
		return;
	fn(arg);
	pthread_mutex_lock(&l->lock);
	l->call_done = true;
	pthread_cond_broadcast(&l->done_cond);
	pthread_mutex_unlock(&l->lock);
}

static void wake_cb(struct vio_handler *h, uint32_t events)
{
	struct vio_loop *l = h->opaque;
	uint64_t v;

	if (read(l->wake_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		pv_warn("%s: reading its wake-up eventfd: %s", l->name,
			strerror(errno));
	run_call(l);
}

int vio_loop_init(struct vio_loop *l, const char *name, struct pv_error *err)
{
	memset(l, 0, sizeof(*l));
	snprintf(l->name, sizeof(l->name), "%s", name);
	l->wake_fd = -1;
	pthread_mutex_init(&l->call_lock, NULL);
	pthread_mutex_init(&l->lock, NULL);
	pthread_cond_init(&l->done_cond, NULL);
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0)
		return pv_seterr(err, errno, "%s: epoll_create1: %s", name,
				 strerror(errno));
	l->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (l->wake_fd < 0)
		return pv_seterr(err, errno, "%s: eventfd: %s", name,
				 strerror(errno));
	l->wake = (struct vio_handler){ .fd = l->wake_fd,
					.cb = wake_cb,
					.opaque = l };
	if (vio_loop_add(l, &l->wake, EPOLLIN))
		return pv_seterr(err, errno, "%s: epoll_ctl: %s", name,
				 strerror(errno));
	return 0;
}

int vio_loop_poll(struct vio_loop *l, int timeout_ms)
{
	struct epoll_event ev;
	struct vio_handler *h;
	int n;

	n = epoll_wait(l->epfd, &ev, 1, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	if (n == 0)
		return 0;
	h = ev.data.ptr;
	l->events++;
	h->cb(h, ev.events);
	return 1;
}

static void *loop_thread(void *arg)
{
	struct vio_loop *l = arg;
	struct pv_error err = { "" };

	log_thread_name(l->name);
	/* Before the first guest request: no I/O thread runs unfiltered. */
	if (sandbox_enter(SANDBOX_IO, &err)) {
		pv_err("%s: %s: the device stops", l->name, err.msg);
		return NULL;
	}
	while (!__atomic_load_n(&l->stop, __ATOMIC_ACQUIRE)) {
		int ret = vio_loop_poll(l, -1);

		if (ret < 0) {
			pv_err("%s: epoll_wait: %s: the device stops", l->name,
			       strerror(-ret));
			break;
		}
	}
	return NULL;
}

int vio_loop_start(struct vio_loop *l, struct pv_error *err)
{
	int ret = pthread_create(&l->thread, NULL, loop_thread, l);

	if (ret)
		return pv_seterr(err, ret,
				 "%s: cannot start its I/O thread: %s", l->name,
				 strerror(ret));
	l->running = true;
	return 0;
}

void vio_loop_destroy(struct vio_loop *l)
{
	uint64_t one = 1;

	if (l->running) {
		__atomic_store_n(&l->stop, true, __ATOMIC_RELEASE);
		if (write(l->wake_fd, &one, sizeof(one)) < 0)
			pv_warn("%s: cannot wake its I/O thread: %s", l->name,
				strerror(errno));
		pthread_join(l->thread, NULL);
		l->running = false;
	}
	if (l->wake_fd >= 0)
		close(l->wake_fd);
	if (l->epfd >= 0)
		close(l->epfd);
	l->wake_fd = l->epfd = -1;
}

int vio_loop_add(struct vio_loop *l, struct vio_handler *h, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = h };

	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, h->fd, &ev))
		return -errno;
	h->added = true;
	return 0;
}

int vio_loop_mod(struct vio_loop *l, struct vio_handler *h, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = h };

	/*
	 * No events: out of the set altogether, as epoll reports EPOLLHUP
	 * and EPOLLERR whatever was asked (a closed peer would spin us).
	 */
	if (!events) {
		vio_loop_del(l, h);
		return 0;
	}
	if (!h->added)
		return vio_loop_add(l, h, events);
	return epoll_ctl(l->epfd, EPOLL_CTL_MOD, h->fd, &ev) ? -errno : 0;
}

void vio_loop_del(struct vio_loop *l, struct vio_handler *h)
{
	if (!h->added)
		return;
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, h->fd, NULL);
	h->added = false;
}

bool vio_loop_in_thread(const struct vio_loop *l)
{
	return l->running && pthread_equal(pthread_self(), l->thread);
}

void vio_loop_call(struct vio_loop *l, void (*fn)(void *), void *arg)
{
	uint64_t one = 1;

	if (!l->running || vio_loop_in_thread(l)) {
		fn(arg);
		return;
	}
	pthread_mutex_lock(&l->call_lock);
	pthread_mutex_lock(&l->lock);
	l->call_fn = fn;
	l->call_arg = arg;
	l->call_done = false;
	pthread_mutex_unlock(&l->lock);
	if (write(l->wake_fd, &one, sizeof(one)) < 0)
		pv_warn("%s: cannot wake its I/O thread: %s", l->name,
			strerror(errno));
	pthread_mutex_lock(&l->lock);
	while (!l->call_done)
		pthread_cond_wait(&l->done_cond, &l->lock);
	pthread_mutex_unlock(&l->lock);
	pthread_mutex_unlock(&l->call_lock);
}
