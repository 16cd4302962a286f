// SPDX-License-Identifier: GPL-2.0
/* A tiny JSON writer; the contract is util/json_out.h (RFC 8259). */
#include "util/json_out.h"

#include <inttypes.h>
#include <math.h>

void jout_init(struct json_out *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->errors = 0;
	for (unsigned int i = 0; i <= JOUT_MAX_DEPTH; i++)
		j->comma[i] = false;
}

/*
 * Length of the well-formed UTF-8 sequence at @s (RFC 3629 §4: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0.
 */
static unsigned int utf8_len(const unsigned char *s)
{
	unsigned int n, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

void jout_escape(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', f);
	while (*s) {
		unsigned int n;

		switch (*s) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\b':
			fputs("\\b", f);
			break;
		case '\f':
			fputs("\\f", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*s < 0x20) {
				fprintf(f, "\\u%04x", *s);
				break;
			}
			n = utf8_len(s);
			if (!n) {
				fputs("\\ufffd", f);
				break;
			}
			fwrite(s, 1, n, f);
			s += n;
			continue;
		}
		s++;
	}
	fputc('"', f);
}

/* Separator and member name before a value; false when too deep. */
static bool member(struct json_out *j, const char *key)
{
	if (j->depth > JOUT_MAX_DEPTH) {
		j->errors++;
		return false;
	}
	if (j->comma[j->depth])
		fputc(',', j->f);
	j->comma[j->depth] = true;
	if (key) {
		jout_escape(j->f, key);
		fputc(':', j->f);
	}
	return true;
}

static void open_nested(struct json_out *j, const char *key, char c)
{
	if (j->depth >= JOUT_MAX_DEPTH) {
		j->errors++;
		j->depth++; /* keep begin/end balanced */
		return;
	}
	member(j, key);
	fputc(c, j->f);
	j->comma[++j->depth] = false;
}

static void close_nested(struct json_out *j, char c)
{
	if (!j->depth) {
		j->errors++;
		return;
	}
	if (j->depth-- > JOUT_MAX_DEPTH)
		return;
	fputc(c, j->f);
}

void jout_object_begin(struct json_out *j, const char *key)
{
	open_nested(j, key, '{');
}

void jout_object_end(struct json_out *j)
{
	close_nested(j, '}');
}

void jout_array_begin(struct json_out *j, const char *key)
{
	open_nested(j, key, '[');
}

void jout_array_end(struct json_out *j)
{
	close_nested(j, ']');
}

void jout_string(struct json_out *j, const char *key, const char *val)
{
	if (!member(j, key))
		return;
	if (val)
		jout_escape(j->f, val);
	else
		fputs("null", j->f);
}

void jout_uint(struct json_out *j, const char *key, uint64_t val)
{
	if (member(j, key))
		fprintf(j->f, "%" PRIu64, val);
}

void jout_int(struct json_out *j, const char *key, int64_t val)
{
	if (member(j, key))
		fprintf(j->f, "%" PRId64, val);
}

void jout_fixed(struct json_out *j, const char *key, double val, int decimals)
{
	if (!member(j, key))
		return;
	if (!isfinite(val)) {
		fputs("null", j->f);
		return;
	}
	if (decimals < 0)
		decimals = 0;
	if (decimals > 9)
		decimals = 9;
	fprintf(j->f, "%.*f", decimals, val);
}

void jout_bool(struct json_out *j, const char *key, bool val)
{
	if (member(j, key))
		fputs(val ? "true" : "false", j->f);
}

void jout_null(struct json_out *j, const char *key)
{
	if (member(j, key))
		fputs("null", j->f);
}
