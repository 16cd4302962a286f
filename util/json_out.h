/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny JSON writer (RFC 8259): objects, arrays, strings, numbers,
 * booleans and null, written as they come to a stdio stream, on one line.
 * Strings are escaped per RFC 8259 §7: '"', '\\' and the control
 * characters U+0000..U+001F; bytes that are not UTF-8 become U+FFFD, so
 * the output is always valid JSON text (§8.1). No parsing here.
 *
 * The names are jout_*: jansson (the API's parser and builder) owns json_*.
 *
 * Every call takes @key: the member name inside an object, NULL at the
 * top level and inside arrays. Nesting deeper than JOUT_MAX_DEPTH is
 * ignored (nothing is written) and counted in @errors.
 */
#ifndef PASSVM_UTIL_JSON_OUT_H
#define PASSVM_UTIL_JSON_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JOUT_MAX_DEPTH 16

struct json_out {
	FILE *f; /* not owned */
	unsigned int depth;
	bool comma[JOUT_MAX_DEPTH + 1]; /* a value came before at this level */
	unsigned int errors; /* calls that could not be honoured */
};

/* jout_init() - write to @f; nothing is written yet. */
void jout_init(struct json_out *j, FILE *f);

void jout_object_begin(struct json_out *j, const char *key);
void jout_object_end(struct json_out *j);
void jout_array_begin(struct json_out *j, const char *key);
void jout_array_end(struct json_out *j);

/* jout_string() - @val (NUL-terminated bytes, NULL writes null). */
void jout_string(struct json_out *j, const char *key, const char *val);
void jout_uint(struct json_out *j, const char *key, uint64_t val);
void jout_int(struct json_out *j, const char *key, int64_t val);
/* jout_fixed() - @val with @decimals (0..9) digits; NaN/inf write null. */
void jout_fixed(struct json_out *j, const char *key, double val, int decimals);
void jout_bool(struct json_out *j, const char *key, bool val);
void jout_null(struct json_out *j, const char *key);

/* jout_escape() - @s as a JSON string, quotes included, to @f. */
void jout_escape(FILE *f, const char *s);

#endif
