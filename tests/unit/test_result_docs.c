// SPDX-License-Identifier: GPL-2.0
/*
 * The --result file's schema has one source, the code that writes it
 * (vmm/result.c result_print(), vmm/stats.c stats_json_members()): every
 * place that states it is held against the keys that code writes, so none
 * can drift. The places: `passvm run --help` ("--result keys:", "--stats=json
 * keys:"), README ("**`--result FILE`**"'s table, the `--stats=json`
 * example), passvm(1) ("RESULT FILE") and the lab's checker of real result
 * files (tests/lab/scenarios/ci.sh ci_json_note). The values of "end" are
 * run_end_names in each; the exit status the lab expects of each end is
 * run_exit_status()'s. Run from the top of the tree, as make unit does.
 *
 * Keys are compared as paths, "verdict/value": an array's objects merged
 * (virtio's blk, net and vsock members), pio's and mmio's members (the bus
 * ranges of the run, "serial", "acpi-pm", ...) reduced to "unclaimed".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "arch/arch.h"
#include "vmm/cli.h"
#include "vmm/result.h"
#include "tree_text.h"

/* A set of key paths ("end", "verdict/value", "vfio/bdf"). */
struct keyset {
	char v[256][64];
	size_t n;
};

static bool ks_has(const struct keyset *ks, const char *path)
{
	for (size_t i = 0; i < ks->n; i++)
		if (!strcmp(ks->v[i], path))
			return true;
	return false;
}

/* Add @name under @parent ("" at the top); pio/mmio ranges are dropped. */
static void ks_add(struct keyset *ks, const char *parent, const char *name)
{
	char path[64];

	if ((!strcmp(parent, "pio") || !strcmp(parent, "mmio")) &&
	    strcmp(name, "unclaimed"))
		return;
	snprintf(path, sizeof(path), "%s%s%s", parent, *parent ? "/" : "",
		 name);
	if (ks_has(ks, path))
		return;
	assert_true(ks->n < sizeof(ks->v) / sizeof(ks->v[0]));
	strcpy(ks->v[ks->n++], path);
}

/* The members of @ks under @parent ("": the top level), in @out. */
static void ks_under(const struct keyset *ks, const char *parent,
		     struct keyset *out)
{
	size_t n = strlen(parent);

	out->n = 0;
	for (size_t i = 0; i < ks->n; i++) {
		const char *p = ks->v[i];

		if (!*parent ? !strchr(p, '/') :
			       !strncmp(p, parent, n) && p[n] == '/' &&
				       !strchr(p + n + 1, '/'))
			strcpy(out->v[out->n++], p);
	}
}

/* @doc (what @where states) and @code: the same paths, or say which. */
static void ks_equal(const char *where, const struct keyset *doc,
		     const struct keyset *code)
{
	char msg[2048] = "";
	size_t len = 0;

	for (size_t i = 0; i < code->n; i++)
		if (!ks_has(doc, code->v[i]))
			len += snprintf(msg + len, sizeof(msg) - len,
					" %s (written, not documented)",
					code->v[i]);
	for (size_t i = 0; i < doc->n && len < sizeof(msg); i++)
		if (!ks_has(code, doc->v[i]))
			len += snprintf(msg + len, sizeof(msg) - len,
					" %s (documented, not written)",
					doc->v[i]);
	if (len)
		fail_msg("%s:%s", where, msg);
}

/* The same, for the members under @parent only. */
static void ks_equal_under(const char *where, const char *parent,
			   const struct keyset *doc, const struct keyset *code)
{
	struct keyset *a = calloc(2, sizeof(*a));
	char what[128];

	assert_non_null(a);
	ks_under(doc, parent, &a[0]);
	ks_under(code, parent, &a[1]);
	snprintf(what, sizeof(what), "%s, %s", where,
		 *parent ? parent : "top level");
	ks_equal(what, &a[0], &a[1]);
	free(a);
}

/* @doc's values (a set of names) are run_end_names, each once. */
static void assert_end_names(const char *where, const struct keyset *doc)
{
	struct keyset *code = calloc(1, sizeof(*code));

	assert_non_null(code);
	for (int k = 0; k < RUN_END_NR; k++)
		ks_add(code, "", run_end_names[k]);
	ks_equal(where, doc, code);
	free(code);
}

static void ks_from_json(struct keyset *ks, const char *parent, json_t *v)
{
	const char *k;
	json_t *x;
	size_t i;

	if (json_is_array(v)) {
		json_array_foreach(v, i, x)
		{
			ks_from_json(ks, parent, x);
		}
		return;
	}
	json_object_foreach(v, k, x)
	{
		char path[64];

		ks_add(ks, parent, k);
		snprintf(path, sizeof(path), "%s%s%s", parent,
			 *parent ? "/" : "", k);
		ks_from_json(ks, path, x);
	}
}

/* What @print writes for @r, as text (the caller frees). */
static char *printed(void (*print)(FILE *, const struct run_report *),
		     const struct run_report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	print(f, r);
	fclose(f);
	return buf;
}

static void print_stats(FILE *f, const struct run_report *r)
{
	stats_print_json(&r->stats, f);
}

/* The keys @print writes for a run with every member filled in. */
static void code_keys(void (*print)(FILE *, const struct run_report *),
		      struct keyset *ks)
{
	static const enum virtio_kind kinds[] = { VIRTIO_KIND_BLK,
						  VIRTIO_KIND_NET,
						  VIRTIO_KIND_VSOCK };
	struct run_report *r = calloc(1, sizeof(*r));
	struct virtio_figures *vf;
	json_error_t je;
	json_t *v;
	char *text;

	assert_non_null(r);
	r->end.kind = RUN_END_TIMEOUT;
	r->end.has_verdict = true;
	r->end.timeout_set = r->end.timed_out = true;
	r->end.guest_end = RUN_END_VERDICT;
	r->exit_status = run_exit_status(&r->end);
	r->console = "stdio";
	r->version = "0.1.0 (test)";
	r->guest_started = true;
	r->stats.nr_vfio = 1;
	strcpy(r->stats.vfio[0].bdf, "0000:00:03.0");
	r->stats.pio.nr = 1;
	r->stats.pio.ranges[0].name = "serial";
	r->stats.ram_kind = "memfd";
	r->stats.iommu_backend = "type1";
	vf = &r->stats.virtio;
	for (vf->nr = 0; vf->nr < 3; vf->nr++) {
		vf->dev[vf->nr].kind = kinds[vf->nr];
		strcpy(vf->dev[vf->nr].id, "dev");
	}
	text = printed(print, r);
	v = json_loads(text, 0, &je);
	if (!v)
		fail_msg("not JSON (%s): %s", je.text, text);
	ks->n = 0;
	ks_from_json(ks, "", v);
	json_decref(v);
	free(text);
	free(r);
}

/* A copy of the text of @s from @from up to @to (both must be there). */
static char *cut(const char *where, const char *s, const char *from,
		 const char *to)
{
	const char *p = strstr(s, from), *q;

	if (!p)
		fail_msg("%s has no \"%s\"", where, from);
	p += strlen(from);
	q = strstr(p, to);
	if (!q)
		fail_msg("%s has no \"%s\" after \"%s\"", where, to, from);
	return strndup(p, (size_t)(q - p));
}

/*
 * --help's key lists: "name, name {child, ...}, name [{child, ...}]",
 * "a and b {...}" (both have those members), "name (values or words)",
 * "LABEL: name" (the label is not a key), "..." (others). Words in
 * parentheses after "end" go to @ends. Stops at a "." or the end.
 */
struct lexer {
	const char *p;
	char word[64];
};

/* The next token: 'w' (a word, in l->word), a punctuation mark, or 0. */
static int lex(struct lexer *l)
{
	size_t n = 0;

	while (*l->p == ' ' || *l->p == '\n')
		l->p++;
	if (!*l->p)
		return 0;
	if (!strncmp(l->p, "...", 3)) {
		l->p += 3;
		strcpy(l->word, "...");
		return 'w';
	}
	while ((*l->p >= 'a' && *l->p <= 'z') ||
	       (*l->p >= 'A' && *l->p <= 'Z') ||
	       (*l->p >= '0' && *l->p <= '9') || *l->p == '_' || *l->p == '-') {
		assert_true(n < sizeof(l->word) - 1);
		l->word[n++] = *l->p++;
	}
	l->word[n] = '\0';
	return n ? 'w' : *l->p++;
}

static int help_group(struct lexer *l, char (*parents)[64], size_t nparents,
		      int closer, struct keyset *ks, struct keyset *ends)
{
	char pending[4][64];
	size_t np = 0;
	int t;

	while ((t = lex(l)) && t != closer && t != '.') {
		if (t == 'w') {
			const char *rest = l->p;
			char word[64];

			strcpy(word, l->word);
			if (lex(l) == ':')
				continue; /* a label */
			l->p = rest;
			if (!strcmp(word, "and") || !strcmp(word, "..."))
				continue;
			assert_true(np < 4);
			strcpy(pending[np++], word);
			for (size_t i = 0; i < nparents; i++)
				ks_add(ks, parents[i], word);
		} else if (t == '(') {
			bool end = np && !strcmp(parents[0], "") &&
				   !strcmp(pending[np - 1], "end");

			while ((t = lex(l)) && t != ')')
				if (t == 'w' && end)
					ks_add(ends, "", l->word);
		} else if (t == '{' || t == '[') {
			char kids[4][64];

			if (t == '[')
				assert_int_equal(lex(l), '{');
			for (size_t i = 0; i < np; i++)
				snprintf(kids[i], sizeof(kids[i]), "%s%s%s",
					 parents[0], *parents[0] ? "/" : "",
					 pending[i]);
			assert_int_equal(help_group(l, kids, np, '}', ks, ends),
					 '}');
			if (t == '[')
				assert_int_equal(lex(l), ']');
		} else if (t == ',' || t == ';') {
			np = 0;
		}
	}
	return t;
}

static void help_keys(const char *text, struct keyset *ks, struct keyset *ends)
{
	static char top[1][64] = { "" };
	struct lexer l = { .p = text };

	help_group(&l, top, 1, 0, ks, ends);
}

/* `passvm run --help`: its two key lists hold every key, no other. */
static void test_help(void **state)
{
	struct keyset *ks = calloc(3, sizeof(*ks));
	char *help = NULL, *res, *stats;
	size_t len = 0;
	FILE *f = open_memstream(&help, &len);

	assert_non_null(ks);
	assert_non_null(f);
	cli_run_help_print(f, &arch_guest_x86_64);
	fclose(f);
	res = cut("passvm run --help", help,
		  "\n--result keys:", "the --stats=json keys.");
	stats = cut("passvm run --help", help, "\n--stats=json keys:", "\n\n");
	help_keys(res, &ks[0], &ks[2]);
	help_keys(stats, &ks[0], &ks[2]);
	code_keys(result_print, &ks[1]);
	ks_equal("passvm run --help's --result and --stats=json keys", &ks[0],
		 &ks[1]);
	assert_end_names("passvm run --help, --result's end", &ks[2]);

	/* --stats=json's own list is the stats object's keys */
	ks[0].n = 0;
	help_keys(stats, &ks[0], &ks[2]);
	code_keys(print_stats, &ks[1]);
	ks_equal("passvm run --help's --stats=json keys", &ks[0], &ks[1]);
	free(res);
	free(stats);
	free(help);
	free(ks);
}

/*
 * JSON-like text from its "{": every "key": (a quoted string before a
 * colon), under the key whose value the "{" or "[{" it stands in opens.
 * Returns the text after the closing "}".
 */
static const char *quoted_keys(const char *p, struct keyset *ks)
{
	char stack[8][64], last[64] = "";
	int depth = 0;
	bool after_colon = false;

	assert_int_equal(*p, '{');
	do {
		if (*p == '"') {
			const char *q = strchr(p + 1, '"'), *c = q + 1;

			assert_non_null(q);
			while (*c == ' ' || *c == '\n')
				c++;
			if (*c == ':' && depth > 0) {
				snprintf(last, sizeof(last), "%.*s",
					 (int)(q - p - 1), p + 1);
				ks_add(ks, stack[depth - 1], last);
				after_colon = true;
				p = c + 1;
				continue;
			}
			p = q;
		} else if (*p == '{' || *p == '[') {
			assert_true(depth < 8);
			if (!depth)
				strcpy(stack[0], "");
			else if (after_colon && *stack[depth - 1]) {
				char up[64];

				strcpy(up, stack[depth - 1]);
				snprintf(stack[depth], 64, "%.30s/%.30s", up,
					 last);
			} else if (after_colon)
				strcpy(stack[depth], last);
			else
				strcpy(stack[depth], stack[depth - 1]);
			depth++;
		} else if (*p == '}' || *p == ']') {
			depth--;
		}
		if (*p != ' ' && *p != '\n')
			after_colon = false;
		p++;
	} while (depth > 0 && *p);
	assert_int_equal(depth, 0);
	return p;
}

/* The quoted strings of the "{...}" after @marker in @text, under @parent. */
static void quoted_set(const char *where, const char *text, const char *marker,
		       const char *parent, struct keyset *ks)
{
	const char *p = strstr(text, marker), *end;

	if (!p)
		fail_msg("%s has no \"%s\"", where, marker);
	p = strchr(p + strlen(marker) - 1, '{');
	assert_non_null(p);
	end = strchr(p, '}');
	assert_non_null(end);
	while ((p = strchr(p, '"')) && p < end) {
		const char *q = strchr(p + 1, '"');
		char name[64];

		assert_non_null(q);
		snprintf(name, sizeof(name), "%.*s", (int)(q - p - 1), p + 1);
		ks_add(ks, parent, name);
		p = q + 1;
	}
}

/* The `words` in @s (up to @end, when not NULL) into @ks under @parent. */
static void backticked(const char *s, const char *end, const char *parent,
		       struct keyset *ks)
{
	const char *p = s, *q;

	while ((p = strchr(p, '`')) && (!end || p < end)) {
		char name[64];

		q = strchr(p + 1, '`');
		assert_non_null(q);
		snprintf(name, sizeof(name), "%.*s", (int)(q - p - 1), p + 1);
		ks_add(ks, parent, name);
		p = q + 1;
	}
}

/*
 * README's "**`--result FILE`**" table: a row "| `key` | ... |" a key,
 * "| the `--stats=json` keys | `key`, `key` (... `child` ...), ... |" the
 * stats keys; the verdict's and timeout's rows name their members
 * ({"value": ..., "channel": ...}, {"after_s", ...}), the end's its values.
 */
static void readme_table(const char *table, struct keyset *ks,
			 struct keyset *ends)
{
	const char *row = table;

	while ((row = strstr(row, "\n| "))) {
		const char *c2, *eol = strchr(row + 1, '\n');
		char key[64];

		if (!eol)
			eol = row + strlen(row);

		row += 3;
		c2 = strstr(row, " | ");
		if (!c2 || c2 > eol)
			continue;
		c2 += 3;
		if (!strncmp(row, "the `--stats=json` keys", 23)) {
			char parent[64] = "";
			int paren = 0;

			for (const char *p = c2; p < eol; p++) {
				const char *q;

				paren += (*p == '(') - (*p == ')');
				if (*p != '`')
					continue;
				q = strchr(p + 1, '`');
				snprintf(key, sizeof(key), "%.*s",
					 (int)(q - p - 1), p + 1);
				if (!paren)
					strcpy(parent, key);
				ks_add(ks, paren ? parent : "", key);
				p = q;
			}
			continue;
		}
		if (sscanf(row, "`%63[a-z_]` |", key) != 1)
			continue;
		ks_add(ks, "", key);
		if (!strcmp(key, "end")) {
			backticked(c2, eol, "", ends);
		} else if (!strcmp(key, "verdict")) {
			char *obj = cut("README's verdict row", c2, "`{", "}`");

			for (char *p = obj; (p = strchr(p, '"'));) {
				char *q = strchr(p + 1, '"');

				if (q[1] == ':') {
					*q = '\0';
					ks_add(ks, "verdict", p + 1);
				}
				p = q + 1;
			}
			free(obj);
		} else if (!strcmp(key, "timeout")) {
			quoted_set("README's timeout row", c2, "`{", "timeout",
				   ks);
		}
	}
}

/*
 * README: the result file's table names every top-level key and no
 * other, the verdict's and timeout's members, the end's values, and what
 * it names of the stats' members is there; the `--stats=json` example
 * has every key of the stats object, members included.
 */
static void test_readme(void **state)
{
	struct keyset *ks = calloc(3, sizeof(*ks));
	char *readme = tree_text("README.md");
	const char *sec = strstr(readme, "**`--result FILE`**"), *example;
	char *table;

	assert_non_null(ks);
	if (!sec)
		fail_msg("README.md has no \"**`--result FILE`**\"");
	table = cut("README.md", sec, "\n| key | value |", "\n\n");
	readme_table(table, &ks[0], &ks[2]);
	code_keys(result_print, &ks[1]);
	ks_equal_under("README's --result table", "", &ks[0], &ks[1]);
	ks_equal_under("README's --result table", "verdict", &ks[0], &ks[1]);
	ks_equal_under("README's --result table", "timeout", &ks[0], &ks[1]);
	for (size_t i = 0; i < ks[0].n; i++)
		if (!ks_has(&ks[1], ks[0].v[i]))
			fail_msg("README's --result table: %s is not written",
				 ks[0].v[i]);
	assert_end_names("README's --result table, end", &ks[2]);

	example = strstr(readme, "`--stats=json` prints the same figures");
	assert_non_null(example);
	example = strstr(example, "```json\n");
	assert_non_null(example);
	ks[0].n = 0;
	quoted_keys(strchr(example, '{'), &ks[0]);
	code_keys(print_stats, &ks[1]);
	ks_equal("README's --stats=json example", &ks[0], &ks[1]);
	free(table);
	free(readme);
	free(ks);
}

/*
 * roff to words: .B/.BR/.RB/.I... lines' arguments joined as troff
 * alternates them (no blank between), other lines as they are; \- is -,
 * font escapes go.
 */
static void roff_text(const char *from, const char *to, char *out, size_t cap)
{
	size_t n = 0;

	for (const char *p = from; p < to; p++) {
		bool macro_start = (p == from || p[-1] == '\n') && *p == '.';

		if (macro_start) {
			while (p < to && *p != ' ' && *p != '\n')
				p++;
			/* alternating macros: their words run together */
			while (p < to && *p != '\n') {
				if (*p == '\\' && p[1] == '-')
					p++;
				if (*p != ' ' && *p != '"') {
					assert_true(n < cap - 1);
					out[n++] = *p;
				}
				p++;
			}
		}
		if (p >= to)
			break;
		if (*p == '\\' && p[1] == 'f') {
			p += 2;
			continue;
		}
		if (*p == '\\' && p[1] == '-')
			p++;
		assert_true(n < cap - 1);
		out[n++] = *p == '\n' ? ' ' : *p;
	}
	out[n] = '\0';
}

/*
 * passvm(1)'s RESULT FILE: each ".TP" tag ".B key" a top-level key (the
 * stats' ones are one tag, "the --stats=json keys"), the verdict's and
 * timeout's "{member, ...}", the end's bold values.
 */
static void test_man_page(void **state)
{
	struct keyset *ks = calloc(4, sizeof(*ks));
	char *man = tree_text("doc/passvm.1");
	char *sec = cut("doc/passvm.1", man, "\n.SH RESULT FILE\n", "\n.SH ");
	char *item = sec, body[2048];
	bool stats_tag = false;

	assert_non_null(ks);
	while ((item = strstr(item, "\n.TP\n"))) {
		char key[64], *next;

		item += 5;
		next = strstr(item, "\n.TP\n");
		if (!next)
			next = item + strlen(item);
		if (!strncmp(item, "the \\-\\-stats=json keys\n", 24)) {
			stats_tag = true;
			continue;
		}
		if (sscanf(item, ".B %63[a-z_]\n", key) != 1)
			fail_msg(
				"passvm(1) RESULT FILE: a tag that is no key: %.40s",
				item);
		ks_add(&ks[0], "", key);
		roff_text(strchr(item, '\n') + 1, next, body, sizeof(body));
		if (!strcmp(key, "verdict") || !strcmp(key, "timeout")) {
			char *set = cut("passvm(1)", body, "{", "}");

			for (char *w = strtok(set, ", "); w;
			     w = strtok(NULL, ", "))
				ks_add(&ks[0], key, w);
			free(set);
		} else if (!strcmp(key, "end")) {
			/* the bold words: one a .B/.BR line */
			for (const char *l = item;
			     (l = strstr(l, "\n.B")) && l < next;) {
				l += 3;
				l += *l == 'R';
				sscanf(l, " %63[a-z\\-]", key);
				for (char *d; (d = strstr(key, "\\-"));)
					memmove(d, d + 1, strlen(d));
				ks_add(&ks[3], "", key);
			}
		}
	}
	assert_true(stats_tag);
	code_keys(result_print, &ks[1]);
	code_keys(print_stats, &ks[2]);
	/* the written keys but the stats' */
	for (size_t i = 0; i < ks[1].n;) {
		if (ks_has(&ks[2], ks[1].v[i]))
			memmove(ks[1].v[i], ks[1].v[i + 1],
				(--ks[1].n - i) * sizeof(ks[1].v[0]));
		else
			i++;
	}
	ks_under(&ks[1], "", &ks[2]);
	ks_equal_under("passvm(1) RESULT FILE", "", &ks[0], &ks[2]);
	ks_equal_under("passvm(1) RESULT FILE", "verdict", &ks[0], &ks[1]);
	ks_equal_under("passvm(1) RESULT FILE", "timeout", &ks[0], &ks[1]);
	assert_end_names("passvm(1) RESULT FILE, end", &ks[3]);
	free(sec);
	free(man);
	free(ks);
}

/*
 * The lab's ci scenario checks every real result file against the
 * schema (tests/lab/scenarios/ci.sh, python3): its "top" dict has every
 * top-level key, its sets the members of exits, memory_kib,
 * verdict_writes_ignored, verdict, timeout and a vfio device, its "ends"
 * the end names, and its "want" the exit status of each end.
 */
static void test_lab_checker(void **state)
{
	static const struct {
		const char *marker, *parent;
	} sets[] = {
		{ "set(r[\"exits\"]) != {", "exits" },
		{ "set(r[\"memory_kib\"]) != {", "memory_kib" },
		{ "set(r[\"verdict_writes_ignored\"]) != {",
		  "verdict_writes_ignored" },
		{ "set(v) != {", "verdict" },
		{ "set(t) != {", "timeout" },
		{ "dev = {", "vfio" },
	};
	static const char ci[] = "tests/lab/scenarios/ci.sh";
	struct keyset *ks = calloc(3, sizeof(*ks));
	char *text = tree_text(ci), *want;
	const char *top = strstr(text, "top = {");
	int nwant = 0;

	assert_non_null(ks);
	if (!top)
		fail_msg("%s has no \"top = {\"", ci);
	quoted_keys(top + 6, &ks[0]);
	code_keys(result_print, &ks[1]);
	ks_equal_under(ci, "", &ks[0], &ks[1]);
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		quoted_set(ci, text, sets[i].marker, sets[i].parent, &ks[0]);
		ks_equal_under(ci, sets[i].parent, &ks[0], &ks[1]);
	}
	quoted_set(ci, text, "ends = {", "", &ks[2]);
	assert_end_names("tests/lab/scenarios/ci.sh ends", &ks[2]);

	/* want = {"power-off": 0, ...}: run_exit_status()'s */
	want = cut(ci, text, "want = {", "}");
	for (char *p = want; (p = strchr(p, '"'));) {
		struct run_end e = { 0 };
		char name[32];
		int status, k;

		if (sscanf(p, "\"%31[a-z-]\": %d", name, &status) != 2)
			fail_msg("%s want: %.30s", ci, p);
		for (k = 0; k < RUN_END_NR && strcmp(run_end_names[k], name);)
			k++;
		if (k == RUN_END_NR)
			fail_msg("%s want: no end \"%s\"", ci, name);
		e.kind = (enum run_end_kind)k;
		if (run_exit_status(&e) != status)
			fail_msg("%s want: %s gives %d, not %d", ci, name,
				 run_exit_status(&e), status);
		nwant++;
		p = strchr(strchr(p + 1, '"'), ',');
		if (!p)
			break;
	}
	/* every end but verdict and signal (64 + V, 128 + SIG) */
	assert_int_equal(nwant, RUN_END_NR - 2);
	free(want);
	free(text);
	free(ks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_readme),
		cmocka_unit_test(test_man_page),
		cmocka_unit_test(test_lab_checker),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
