/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsers for values a user types on a command line or in a config file.
 * One parser per kind of value, shared by every front end.
 */
#ifndef PASSVM_UTIL_PARSE_H
#define PASSVM_UTIL_PARSE_H

#include <stddef.h>
#include <stdint.h>

/*
 * parse_size() - a size in bytes from "256M", "2G", "512K", "1048576B",
 * "1GiB"; a bare number is MiB (as QEMU's -m). Suffixes B, K, M, G, T
 * (either case) are binary (K = 1024), K/M/G/T optionally followed by
 * "iB" or "B". Returns 0 and *@bytes, or -EINVAL (empty, sign, junk,
 * overflow). Zero is accepted: callers check their own range.
 */
int parse_size(const char *s, uint64_t *bytes);

/*
 * parse_duration() - a duration in nanoseconds from "90s", "10m", "1h",
 * "500ms", "1.5s" (systemd.time(7)'s units ms, s, m/min, h; a bare number
 * is seconds). At most 3 decimals; at most 30 days. Returns 0 and *@ns,
 * or -EINVAL (empty, sign, junk, unknown unit, too long). Zero is
 * accepted: callers check their own range.
 */
int parse_duration(const char *s, uint64_t *ns);

/*
 * parse_sysfs_choice() - the selected word of a sysfs choice attribute,
 * the one in brackets: "always [madvise] never" gives "madvise" (as
 * /sys/kernel/mm/transparent_hugepage/enabled reads). Writes it to @out
 * (@len bytes) and returns 0, or -EINVAL with @out "" when none is
 * bracketed.
 */
int parse_sysfs_choice(const char *text, char *out, size_t len);

/*
 * cmdline_init_args() - where init's arguments start in a kernel command
 * line: the offset (bytes) of the first word that is exactly "--" (words
 * are separated by spaces or tabs), or strlen(@cmdline) when there is none.
 * Source: Documentation/admin-guide/kernel-parameters.rst ("Everything after
 * '--' is passed as an argument to init").
 */
size_t cmdline_init_args(const char *cmdline);

/*
 * parse_words() - split the line @line in place into its words (runs of
 * characters other than space, tab and newline), as sscanf()'s "%s" reads
 * a /proc or sysfs line: points @words[0..] into @line, each word
 * NUL-terminated, at most @max of them; what follows the @max-th word is
 * left unread. Returns the number of words (0 for a blank line).
 */
size_t parse_words(char *line, char **words, size_t max);

/*
 * parse_u64() - all of @s as an unsigned number in @base (10, or 16 with
 * an optional "0x"), as the kernel prints one in /proc and sysfs. Returns
 * 0 and *@v, or -EINVAL (empty, a sign, anything after the digits) or
 * -ERANGE (more than 64 bits); *@v is untouched on error.
 */
int parse_u64(const char *s, int base, uint64_t *v);

#endif
