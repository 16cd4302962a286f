// SPDX-License-Identifier: GPL-2.0
#include "capture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

char *capture_stderr(void (*fn)(void))
{
	FILE *f = tmpfile();
	struct stat st;
	char *text;
	size_t n;
	int saved;

	assert_non_null(f);
	fflush(stderr);
	saved = dup(2);
	assert_true(saved >= 0);
	dup2(fileno(f), 2);
	fn();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	assert_int_equal(fstat(fileno(f), &st), 0);
	n = (size_t)st.st_size;
	text = malloc(n + 1);
	assert_non_null(text);
	rewind(f);
	assert_int_equal(fread(text, 1, n, f), n);
	text[n] = '\0';
	fclose(f);
	return text;
}

int count_lines(const char *text, const char *what)
{
	int n = 0;

	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		const char *hit = strstr(p, what);

		n += hit && hit < p + len;
		p += len + (nl != NULL);
	}
	return n;
}
