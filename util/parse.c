// SPDX-License-Identifier: GPL-2.0
#include "util/parse.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

int parse_size(const char *s, uint64_t *bytes)
{
	unsigned long long v;
	unsigned int shift;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	switch (toupper((unsigned char)*end)) {
	case '\0':
		shift = 20;
		break;
	case 'B':
		shift = 0;
		end++;
		break;
	case 'K':
		shift = 10;
		end++;
		break;
	case 'M':
		shift = 20;
		end++;
		break;
	case 'G':
		shift = 30;
		end++;
		break;
	case 'T':
		shift = 40;
		end++;
		break;
	default:
		return -EINVAL;
	}
	if (shift && (!strcmp(end, "iB") || !strcmp(end, "B")))
		end += strlen(end);
	if (*end || v > (UINT64_MAX >> shift))
		return -EINVAL;
	*bytes = (uint64_t)v << shift;
	return 0;
}

#define NS_PER_MS 1000000ull
#define DURATION_MAX_NS (30ull * 24 * 3600 * 1000000000ull)

int parse_duration(const char *s, uint64_t *ns)
{
	static const struct {
		const char *name;
		uint64_t ms;
	} units[] = {
		{ "", 1000 },	{ "s", 1000 },	  { "ms", 1 },
		{ "m", 60000 }, { "min", 60000 }, { "h", 3600000 },
	};
	unsigned long long whole;
	uint64_t frac = 0, scale = 1000; /* frac is thousandths */
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	whole = strtoull(s, &end, 10);
	if (errno || whole > DURATION_MAX_NS / NS_PER_MS)
		return -EINVAL;
	if (*end == '.') {
		unsigned int digits = 0;

		end++;
		if (!isdigit((unsigned char)*end))
			return -EINVAL;
		for (; isdigit((unsigned char)*end); end++, digits++) {
			if (digits == 3)
				return -EINVAL;
			scale /= 10;
			frac += (uint64_t)(*end - '0') * scale;
		}
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		uint64_t v;

		if (strcmp(end, units[i].name))
			continue;
		/* whole * ms (<= 30 days in ms * 3.6e6) fits in 64 bits. */
		v = ((uint64_t)whole * 1000 + frac) * units[i].ms / 1000;
		if (v > DURATION_MAX_NS / NS_PER_MS)
			return -EINVAL;
		*ns = v * NS_PER_MS;
		return 0;
	}
	return -EINVAL;
}

int parse_sysfs_choice(const char *text, char *out, size_t len)
{
	const char *s = strchr(text, '['), *e = s ? strchr(s, ']') : NULL;

	if (len)
		out[0] = '\0';
	if (!e || e == s + 1 || (size_t)(e - s - 1) >= len)
		return -EINVAL;
	memcpy(out, s + 1, (size_t)(e - s - 1));
	out[e - s - 1] = '\0';
	return 0;
}

size_t cmdline_init_args(const char *cmdline)
{
	const char *p = cmdline;

	for (;;) {
		const char *w;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			return (size_t)(p - cmdline);
		w = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (p - w == 2 && w[0] == '-' && w[1] == '-')
			return (size_t)(w - cmdline);
	}
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

size_t parse_words(char *line, char **words, size_t max)
{
	size_t n = 0;
	char *p = line;

	while (n < max) {
		while (is_blank(*p))
			p++;
		if (!*p)
			break;
		words[n++] = p;
		while (*p && !is_blank(*p))
			p++;
		if (!*p)
			break;
		*p++ = '\0';
	}
	return n;
}

int parse_u64(const char *s, int base, uint64_t *v)
{
	unsigned long long x;
	char *end;

	/* strtoull() would take leading blanks and a sign too. */
	if (!(base == 16 ? isxdigit((unsigned char)*s) :
			   isdigit((unsigned char)*s)))
		return -EINVAL;
	errno = 0;
	x = strtoull(s, &end, base);
	if (errno == ERANGE)
		return -ERANGE;
	if (errno || end == s || *end)
		return -EINVAL;
	*v = x;
	return 0;
}
