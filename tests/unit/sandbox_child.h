/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running code under a real seccomp filter in the unit tests: a forked
 * child (the filters cannot be taken off again), its exit status and
 * stderr handed back.
 */
#ifndef PASSVM_TESTS_SANDBOX_CHILD_H
#define PASSVM_TESTS_SANDBOX_CHILD_H

#include <stddef.h>

/*
 * in_child() - fork; the child runs @fn(@arg) with stderr to a temporary
 * file and _exit()s with its value. Returns that exit status (148 when a
 * filter trapped a call); the child's stderr, NUL-terminated, in @err
 * (@len bytes at most). Fails the test if the child did not exit.
 */
int in_child(int (*fn)(void *), void *arg, char *err, size_t len);

#endif
