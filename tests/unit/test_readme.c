// SPDX-License-Identifier: GPL-2.0
/*
 * README.md's "Firecracker's API and config file" examples are true: its
 * curl requests, sent through passvm's API router (a fake VMM behind it),
 * are all accepted and build a microVM with a root drive, a network
 * interface, vsock and a passed-through device; its config-file JSON,
 * read by passvm's config-file parser, builds the same microVM (the same
 * GET /vm/config). Run from the top of the tree, as make unit does.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "api/model.h"
#include "api/router.h"
#include "fake_vmm.h"
#include "tree_text.h"

#define SECTION "## Firecracker's API and config file\n"

/* README.md's SECTION, up to the next "## " heading (the caller frees). */
static char *readme_section(void)
{
	char *text = tree_text("README.md"), *sec, *end;

	sec = strstr(text, SECTION);
	if (!sec)
		fail_msg("README.md has no \"%.*s\"", (int)strlen(SECTION) - 1,
			 SECTION);
	sec = strdup(sec + strlen(SECTION));
	free(text);
	end = strstr(sec, "\n## ");
	if (end)
		end[1] = '\0';
	return sec;
}

/*
 * The body of the first ``` block of @lang in @sec (a new string) whose
 * text contains @needle.
 */
static char *code_block(const char *sec, const char *lang, const char *needle)
{
	char fence[16];
	const char *p = sec, *end;
	char *b;

	snprintf(fence, sizeof(fence), "```%s\n", lang);
	while ((p = strstr(p, fence))) {
		p += strlen(fence);
		end = strstr(p, "```");
		assert_non_null(end);
		b = strndup(p, (size_t)(end - p));
		if (strstr(b, needle))
			return b;
		free(b);
		p = end + 3;
	}
	fail_msg("README.md's section has no ```%s block with '%s'", lang,
		 needle);
	return NULL;
}

/* The text between @open and the next @close after @from, in @out. */
static bool between(const char *from, const char *open, char close, char *out,
		    size_t cap)
{
	const char *p = strstr(from, open), *q;

	if (!p)
		return false;
	p += strlen(open);
	q = strchr(p, close);
	assert_non_null(q);
	assert_true((size_t)(q - p) < cap);
	memcpy(out, p, (size_t)(q - p));
	out[q - p] = '\0';
	return true;
}

/*
 * Send each curl command of @sh (continuation lines joined) to @a: GETs
 * must answer 200, the others 204. Returns how many were sent.
 */
static int send_curls(struct api_ctx *a, char *sh)
{
	char method[16], path[128], body[1024];
	char *line, *save, *bs;
	const char *url;
	int n = 0;

	/* "\\\n" continues a command on the next line */
	while ((bs = strstr(sh, "\\\n")))
		memmove(bs, bs + 2, strlen(bs + 2) + 1);
	for (line = strtok_r(sh, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct api_response r;
		bool has_body;

		if (strncmp(line, "curl ", 5))
			continue;
		if (!between(line, "-X ", ' ', method, sizeof(method)))
			strcpy(method, "GET");
		url = strstr(line, "http://localhost");
		assert_non_null(url);
		url += strlen("http://localhost");
		assert_true(strcspn(url, " ") < sizeof(path));
		snprintf(path, sizeof(path), "%.*s", (int)strcspn(url, " "),
			 url);
		has_body = between(line, "-d '", '\'', body, sizeof(body));
		api_route(a, method, path, has_body ? body : NULL,
			  has_body ? strlen(body) : 0, &r);
		if (r.status != (strcmp(method, "GET") ? 204 : 200))
			fail_msg("README: %s %s %s: %d %s", method, path,
				 has_body ? body : "", r.status,
				 r.body ? r.body : "");
		free(r.body);
		n++;
	}
	return n;
}

/* GET /vm/config of @c as compact JSON text (the caller frees). */
static char *vm_config_text(const struct vm_config *c)
{
	json_t *j = model_vm_config_json(c);
	char *t = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);

	json_decref(j);
	assert_non_null(t);
	return t;
}

/* The microVM both examples describe. */
static void assert_readme_vm(const struct vm_config *c)
{
	assert_string_equal(c->kernel, "bzImage");
	assert_int_equal(c->cpus, 2);
	assert_int_equal(c->mem, 1024ull << 20);
	assert_int_equal(c->nr_disks, 1);
	assert_true(c->disks[0].root);
	assert_string_equal(c->disks[0].path, "rootfs.ext4");
	assert_int_equal(c->nr_nets, 1);
	assert_string_equal(c->nets[0].tap, "tap0");
	assert_true(c->vsock.present);
	assert_string_equal(c->vsock.uds_path, "/tmp/v.sock");
	assert_int_equal(c->nr_vfio, 1);
	assert_string_equal(c->vfio[0].bdf, "0000:01:00.0");
}

static void test_readme_api_and_config_file(void **state)
{
	char *sec = readme_section();
	char *sh = code_block(sec, "sh", "curl ");
	char *json = code_block(sec, "json", "\"boot-source\"");
	struct vm_config api_vm, file_vm;
	struct pv_error e = { "" };
	struct api_ctx a;
	char *t1, *t2;

	vm_config_init(&api_vm);
	api_ctx_init(&a, &api_vm, &fake_vmm_ops);
	/* boot-source .. SendCtrlAltDel: nine requests */
	assert_int_equal(send_curls(&a, sh), 9);
	assert_int_equal(fake_vmm.starts, 1);
	assert_int_equal(fake_vmm.cads, 1);
	assert_readme_vm(&api_vm);

	vm_config_init(&file_vm);
	if (model_config_file(&file_vm, json, strlen(json), &e))
		fail_msg("README's config file: %s", e.msg);
	assert_readme_vm(&file_vm);

	t1 = vm_config_text(&api_vm);
	t2 = vm_config_text(&file_vm);
	assert_string_equal(t1, t2);
	free(t1);
	free(t2);
	api_ctx_destroy(&a);
	vm_config_release(&api_vm);
	vm_config_release(&file_vm);
	free(json);
	free(sh);
	free(sec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_readme_api_and_config_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
