// SPDX-License-Identifier: GPL-2.0
#include "capture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int stderr_lines(void (*fn)(void), const char *what)
{
	char line[1024];
	FILE *f = tmpfile();
	int saved, n = 0;

	if (!f)
		abort();
	fflush(stderr);
	saved = dup(2);
	if (saved < 0 || dup2(fileno(f), 2) < 0)
		abort();
	fn();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(f);
	while (fgets(line, sizeof(line), f))
		n += strstr(line, what) != NULL;
	fclose(f);
	return n;
}
