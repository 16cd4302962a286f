/* SPDX-License-Identifier: GPL-2.0 */
/* A device's I/O thread: epoll on eventfds and host fds, calls run in it. */
#ifndef PASSVM_VIRTIO_LOOP_H
#define PASSVM_VIRTIO_LOOP_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/log.h"

struct vio_handler;

/* Called on the loop's thread with the epoll events (EPOLLIN, ...). */
typedef void (*vio_cb)(struct vio_handler *h, uint32_t events);

/*
 * One watched fd. Embedded in the device's own state (the loop does not
 * own it); it must stay valid until vio_loop_del() or the loop stops.
 */
struct vio_handler {
	int fd;
	vio_cb cb;
	void *opaque;
	bool added;
};

/*
 * The loop takes one event per epoll_wait(), so a callback may delete
 * (and free) any handler, its own included, without a stale event for it
 * being delivered afterwards. Everything that adds, deletes or frees
 * handlers, and every change of a device's queue state, runs on this
 * thread: other threads use vio_loop_call().
 */
struct vio_loop {
	int epfd;
	int wake_fd; /* eventfd: a call is waiting, or stop */
	struct vio_handler wake;
	pthread_t thread;
	bool running, stop;
	char name[16]; /* thread name, e.g. "vio-blk0" */

	pthread_mutex_t call_lock; /* one call at a time */
	pthread_mutex_t lock;
	pthread_cond_t done_cond;
	void (*call_fn)(void *);
	void *call_arg;
	bool call_done;
	uint64_t events; /* callbacks run, for --stats */
};

/* vio_loop_init() - epoll and wake fds; no thread yet. Errors: -errno. */
int vio_loop_init(struct vio_loop *l, const char *name, struct pv_error *err);

/* vio_loop_start() - spawn the thread. Errors: -errno. */
int vio_loop_start(struct vio_loop *l, struct pv_error *err);

/*
 * vio_loop_poll() - wait up to @timeout_ms (-1: forever) for one event
 * and run its callback on the calling thread. The thread's body; unit
 * tests call it directly instead of starting the thread. Returns 1 (one
 * callback ran), 0 (timeout) or -errno.
 */
int vio_loop_poll(struct vio_loop *l, int timeout_ms);

/* vio_loop_destroy() - stop and join the thread, close the fds. */
void vio_loop_destroy(struct vio_loop *l);

/*
 * vio_loop_add() - watch @h->fd for @events (level-triggered) and call
 * @h->cb. vio_loop_mod() changes the events, adding @h if need be;
 * with 0 it takes @h out of the set (epoll would still report EPOLLHUP
 * and EPOLLERR). Errors: -errno of epoll_ctl.
 */
int vio_loop_add(struct vio_loop *l, struct vio_handler *h, uint32_t events);
int vio_loop_mod(struct vio_loop *l, struct vio_handler *h, uint32_t events);
void vio_loop_del(struct vio_loop *l, struct vio_handler *h);

/*
 * vio_loop_call() - run fn(arg) on the loop's thread and wait for it (run
 * directly when called from that thread, or when the thread is not
 * running). The caller must hold no lock that fn or any callback takes.
 */
void vio_loop_call(struct vio_loop *l, void (*fn)(void *), void *arg);

/* vio_loop_in_thread() - whether the caller is the loop's thread. */
bool vio_loop_in_thread(const struct vio_loop *l);

#endif
