/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What passvm prints on stderr while a test step runs: for the tests that
 * count messages (a guest-triggered warning must be rate-limited, util/log.h
 * pv_warn_ratelimited()).
 */
#ifndef PASSVM_TESTS_CAPTURE_H
#define PASSVM_TESTS_CAPTURE_H

/*
 * capture_stderr() - run @fn with fd 2 sent to a temporary file; returns
 * what it wrote, NUL-terminated (malloc'd: the caller frees it). Fails the
 * test when the file cannot be made or read.
 */
char *capture_stderr(void (*fn)(void));

/* The number of lines of @text that contain @what. */
int count_lines(const char *text, const char *what);

#endif
