/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The console: the guest's COM1 is passvm's stdin/stdout. On a terminal,
 * stdin is put in raw mode (restored on every exit path, including fatal
 * signals) and Ctrl-a x quits; Ctrl-a h prints the keys (on stderr);
 * Ctrl-a Ctrl-a sends a literal Ctrl-a. Any other key after Ctrl-a goes to
 * the guest after a Ctrl-a, as does Ctrl-C (raw mode: no SIGINT).
 */
#ifndef PASSVM_VMM_TERM_H
#define PASSVM_VMM_TERM_H

#include <stdbool.h>

#include "util/log.h"

struct serial;

/* Bytes of typed input that wait while the guest does not read its UART. */
#define CONSOLE_PENDING 4096

/* The Ctrl-a h text (CR LF line ends: the terminal is raw). */
extern const char term_escape_help[];

/* term_raw() - raw mode on stdin if it is a terminal; idempotent. */
void term_raw(void);

/* term_restore() - undo term_raw(); async-signal-safe; idempotent. */
void term_restore(void);

/*
 * console_start() - a thread feeding stdin to @s until console_stop().
 * @quit is called (once), from that thread, when the user types Ctrl-a x.
 * The thread never waits for the guest: while the guest leaves its RX FIFO
 * full (hung, or in loopback) it keeps reading a terminal, so Ctrl-a x
 * always works; up to CONSOLE_PENDING bytes of input wait for the guest,
 * more is dropped (said once on stderr). Stdin that is not a terminal is
 * read only as the guest takes it: nothing is dropped. Errors: the eventfd
 * or thread could not be created.
 */
int console_start(struct serial *s, void (*quit)(void *), void *opaque,
		  struct pv_error *err);
void console_stop(void);

#endif
