// SPDX-License-Identifier: GPL-2.0
/*
 * `passvm doctor`: the report, the ordered list of fixes and the text
 * output; see host/doctor.h. The checks are in host/doctor_host.c and
 * host/doctor_dev.c, the JSON document in host/doctor_json.c.
 */
#include "host/doctor_int.h"
#include "host/sriov.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_WIDTH 80
#define MIN_WIDTH 40

void doctor_opts_default(struct doctor_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->sysfs = "/sys";
	o->proc = "/proc";
	o->dev = "/dev";
	o->acpi_tables = "/sys/firmware/acpi/tables";
	o->root = "";
	o->sriov_state = SRIOV_STATE_DIR;
	o->mem_bytes = DOCTOR_DEFAULT_MEM;
}

void doctor_add(struct report *r, const char *id, const char *dev,
		enum status st, enum step step, const char *fix,
		const char *fmt, ...)
{
	struct check *c;
	va_list ap;

	if (r->n == r->cap) {
		int cap = r->cap ? r->cap * 2 : 32;
		struct check *g = realloc(r->c, (size_t)cap * sizeof(*g));

		if (!g) {
			r->oom = true;
			return;
		}
		r->c = g;
		r->cap = cap;
	}
	c = &r->c[r->n++];
	memset(c, 0, sizeof(*c));
	snprintf(c->id, sizeof(c->id), "%s", id);
	snprintf(c->dev, sizeof(c->dev), "%s", dev ? dev : "");
	c->st = st;
	c->step = step;
	snprintf(c->fix, sizeof(c->fix), "%s", fix ? fix : "");
	va_start(ap, fmt);
	vsnprintf(c->evidence, sizeof(c->evidence), fmt, ap);
	va_end(ap);
}

void doctor_attach_json(struct report *r, char *json)
{
	if (!r->n || r->c[r->n - 1].json) {
		free(json);
		return;
	}
	r->c[r->n - 1].json = json;
}

void doctor_append(char *buf, size_t size, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used + 1 >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, size - used, fmt, ap);
	va_end(ap);
}

bool doctor_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

bool doctor_has_opt(const char *cmdline, const char *opt)
{
	size_t len = strlen(opt);
	const char *p = cmdline;

	while ((p = strstr(p, opt))) {
		if ((p == cmdline || isspace((unsigned char)p[-1])) &&
		    (!p[len] || isspace((unsigned char)p[len])))
			return true;
		p += len;
	}
	return false;
}

void doctor_fmt_bytes(char *buf, size_t len, uint64_t b)
{
	static const char *const unit[] = { "bytes", "KiB", "MiB", "GiB",
					    "TiB" };
	int i = 0;

	while (i < 4 && b >= 1024 && b % 1024 == 0) {
		b /= 1024;
		i++;
	}
	snprintf(buf, len, "%llu %s", (unsigned long long)b, unit[i]);
}

const char *doctor_modprobe_fix(const struct host_facts *h, const char *mod,
				char *buf, size_t len)
{
	if (h->modules_ok)
		snprintf(buf, len, "modprobe %s", mod);
	else
		snprintf(buf, len, "%s", h->modules_fix);
	return buf;
}

/*
 * Number the distinct fixes of the checks that are not OK: by step, then
 * by first appearance. Fills c->fixno and @fixes (at most @max, pointers
 * into @r). Returns the count.
 */
static int order_fixes(struct report *r, const char **fixes, int max)
{
	int n = 0, i, j;
	enum step s;

	for (s = STEP_MACHINE; s <= STEP_TUNING; s++) {
		for (i = 0; i < r->n; i++) {
			struct check *c = &r->c[i];

			if (c->st == ST_OK || !c->fix[0] || c->step != s ||
			    c->fixno)
				continue;
			if (n == max)
				return n;
			fixes[n++] = c->fix;
			for (j = i; j < r->n; j++)
				if (r->c[j].st != ST_OK &&
				    !strcmp(r->c[j].fix, c->fix))
					r->c[j].fixno = n;
		}
	}
	return n;
}

static unsigned int out_width(const struct doctor_opts *o, FILE *out)
{
	struct winsize ws;
	int fd = fileno(out);

	if (o->width)
		return o->width < MIN_WIDTH ? MIN_WIDTH : o->width;
	if (fd >= 0 && isatty(fd) && !ioctl(fd, TIOCGWINSZ, &ws) &&
	    ws.ws_col >= MIN_WIDTH)
		return ws.ws_col;
	return DEFAULT_WIDTH;
}

/* The length of the word at @p: up to a space outside `backquotes`. */
static size_t word_len(const char *p)
{
	bool quoted = false;
	size_t n;

	for (n = 0; p[n] && (quoted || p[n] != ' '); n++)
		if (p[n] == '`')
			quoted = !quoted;
	return n;
}

/*
 * Print @text after @lead ("  3. "), broken at spaces so that no line is
 * longer than @width columns; a `quoted command` is not broken, nor is a
 * word longer than a line. Continuation lines are indented as far as
 * @lead.
 */
static void print_wrapped(FILE *out, const char *lead, const char *text,
			  unsigned int width)
{
	size_t indent = strlen(lead), col = indent;
	const char *p = text;
	bool first = true;

	fputs(lead, out);
	while (*p) {
		size_t w;

		while (*p == ' ')
			p++;
		w = word_len(p);
		if (!w)
			break;
		if (!first && col + 1 + w > width) {
			fprintf(out, "\n%*s", (int)indent, "");
			col = indent;
			first = true;
		}
		if (!first) {
			fputc(' ', out);
			col++;
		}
		fwrite(p, 1, w, out);
		col += w;
		p += w;
		first = false;
	}
	fputc('\n', out);
}

static const char *const st_text[] = { "OK", "WARN", "FAIL" };

static void print_text(const struct report *r, const char *const *fixes,
		       int nfix, int nwarn, int nfail, unsigned int width,
		       FILE *out)
{
	char lead[16];
	int i;

	for (i = 0; i < r->n; i++) {
		const struct check *c = &r->c[i];

		fprintf(out, "%-4s %s%s%s: %s", st_text[c->st], c->dev,
			c->dev[0] ? " " : "", c->id, c->evidence);
		if (c->fixno)
			fprintf(out, " -- fix %d", c->fixno);
		fputc('\n', out);
	}
	if (nfix) {
		fputs("\nFixes, in order (do the first one first):\n", out);
		for (i = 0; i < nfix; i++) {
			snprintf(lead, sizeof(lead), "%3d. ", i + 1);
			print_wrapped(out, lead, fixes[i], width);
		}
		fputc('\n', out);
	}
	fprintf(out, "%s: %d checks, %d warnings, %d failures\n",
		nfail ? "NOT READY" : "READY", r->n, nwarn, nfail);
}

int doctor_run(const struct doctor_opts *o, FILE *out)
{
	const char **fixes;
	struct report r = { 0 };
	struct host_facts *h;
	int i, nwarn = 0, nfail = 0, nfix;

	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	doctor_gather(o, h);
	doctor_check_host(o, h, &r);
	for (i = 0; i < o->ndevs; i++)
		if (!pci_addr_in(o->devs, i, &o->devs[i]))
			doctor_check_device(o, h, &o->devs[i], &r);
	free(h);
	fixes = r.oom ? NULL : calloc((size_t)r.n + 1, sizeof(*fixes));
	if (!fixes) {
		for (i = 0; i < r.n; i++)
			free(r.c[i].json);
		free(r.c);
		return -ENOMEM;
	}
	nfix = order_fixes(&r, fixes, r.n);
	for (i = 0; i < r.n; i++) {
		nwarn += r.c[i].st == ST_WARN;
		nfail += r.c[i].st == ST_FAIL;
	}
	if (o->json)
		doctor_print_json(&r, !nfail, fixes, nfix, out);
	else
		print_text(&r, fixes, nfix, nwarn, nfail, out_width(o, out),
			   out);
	fflush(out);
	free(fixes);
	for (i = 0; i < r.n; i++)
		free(r.c[i].json);
	free(r.c);
	return nfail ? 1 : 0;
}
