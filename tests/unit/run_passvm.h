/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The unit tests' ways to drive passvm's command line: the real binary
 * (passvm_bin(), run_passvm()) and an argv for the in-process parsers
 * (vargv()). One source for test_cli*, test_jail and test_vm_smoke.
 */
#ifndef PASSVM_TESTS_RUN_PASSVM_H
#define PASSVM_TESTS_RUN_PASSVM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* The binary under test: $PASSVM, else build/passvm (cwd: the repo). */
const char *passvm_bin(void);

/* spawn_passvm()'s @in, @out, @err: the test's own descriptor stays */
#define SPAWN_INHERIT (-2)

/*
 * spawn_passvm() - fork and exec passvm_bin() with @args (argv,
 * NULL-terminated, args[0] the program name), its stdin, stdout and
 * stderr made @in, @out and @err: a descriptor (dup2()ed), -1 (closed) or
 * SPAWN_INHERIT. Returns the child's pid for the caller to wait for;
 * fails the calling cmocka test when fork() fails. A child whose exec
 * fails exits 127.
 */
int spawn_passvm(const char *const *args, int in, int out, int err);

/*
 * run_passvm() - run passvm_bin() with @args (argv, NULL-terminated,
 * args[0] the program name) and stdin closed; wait for it. Its stdout
 * (at most @olen - 1 bytes) lands NUL-terminated in @out, its stderr in
 * @err (@elen). Returns its exit status; fails the calling cmocka test
 * when it could not be started or did not exit (a signal).
 */
int run_passvm(const char *const *args, char *out, size_t olen, char *err,
	       size_t elen);

/*
 * vargv() - fill @argv (room for @max pointers) with @first and then the
 * char * arguments of @ap up to their NULL, and a NULL after them.
 * Returns argc. Fails the calling cmocka test when they do not fit.
 */
int vargv(char **argv, int max, char *first, va_list ap);

/*
 * file_has() - whether the first 16 KiB of the file @path (passvm's
 * output, a /proc status) hold @needle; false when it cannot be read.
 */
bool file_has(const char *path, const char *needle);

/*
 * tap_as() - a new tap @name attached as a launcher does (IFF_TAP |
 * IFF_NO_PI | IFF_VNET_HDR), as fd @want, inherited (not close-on-exec),
 * for passvm's --net fd=@want. Returns @want, or -1 when this machine
 * cannot (no /dev/net/tun or CAP_NET_ADMIN). The tap goes with the fd.
 */
int tap_as(const char *name, int want);

#endif
