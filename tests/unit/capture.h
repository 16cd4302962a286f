/* SPDX-License-Identifier: GPL-2.0 */
/* Test helper: what a function prints on stderr. */
#ifndef PASSVM_TESTS_CAPTURE_H
#define PASSVM_TESTS_CAPTURE_H

/*
 * stderr_lines() - run @fn with stderr sent to a temporary file; return
 * how many of the lines it printed contain @what.
 */
int stderr_lines(void (*fn)(void), const char *what);

#endif
