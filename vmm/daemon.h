/* SPDX-License-Identifier: GPL-2.0 */
/* The process around the VM: console redirection (file, socket), --daemonize and --pidfile. */
#ifndef PASSVM_VMM_DAEMON_H
#define PASSVM_VMM_DAEMON_H

#include "util/log.h"
#include "vmm/vm_config.h"

/*
 * daemon_begin() - with @c->daemonize: fork (the parent waits until the
 * child calls daemon_ready() and exits 0, or exits 1 when the child dies
 * first), setsid, stdin/stdout/stderr to /dev/null. Then the --pidfile
 * (written whole to FILE.tmp and renamed, so a reader never sees a part).
 * Returns 0 in the process that goes on, or -errno with a message.
 */
int daemon_begin(const struct vm_config *c, struct pv_error *err);

/* daemon_ready() - tell a waiting parent that passvm is up (socket bound,
 * or VM started). Idempotent; nothing without --daemonize. */
void daemon_ready(void);

/* daemon_end() - remove the pidfile (and the console socket). */
void daemon_end(const struct vm_config *c);

/*
 * console_redirect() - point the guest console at @c->console before the
 * VM is built: a file (appended; stdin from /dev/null), nothing
 * (/dev/null), or a listening Unix socket relayed to stdin/stdout by a
 * thread, one client at a time (output is dropped while none is
 * connected). The serial device keeps using fds 0 and 1. Returns 0 or
 * -errno with a message.
 */
int console_redirect(const struct vm_config *c, struct pv_error *err);

#endif
