// SPDX-License-Identifier: GPL-2.0
/*
 * The server against its own OpenAPI document (api/openapi.json): every
 * path and method in it is routed, every example request body is
 * accepted, and each body schema that forbids extra properties is enforced
 * (an unknown field is refused with 400).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <cmocka.h>

#include "api/router.h"

static int fake_ok(void *o, struct pv_error *e)
{
	return 0;
}

static int fake_drive(void *o, unsigned int i, const char *p,
		      struct pv_error *e)
{
	return 0;
}

static const struct api_vmm_ops ops = {
	.start = fake_ok,
	.pause = fake_ok,
	.resume = fake_ok,
	.ctrl_alt_del = fake_ok,
	.drive_path = fake_drive,
};

static json_t *load_doc(void)
{
	json_error_t je;
	json_t *doc = json_load_file("api/openapi.json", 0, &je);

	if (!doc)
		fail_msg("api/openapi.json: line %d: %s", je.line, je.text);
	return doc;
}

static int route(struct api_ctx *a, const char *m, const char *p,
		 const char *body, char *out, size_t cap)
{
	struct api_response r;

	api_route(a, m, p, body, body ? strlen(body) : 0, &r);
	snprintf(out, cap, "%s", r.body ? r.body : "");
	free(r.body);
	return r.status;
}

/*
 * Every path of info.x-passvm-unsupported ("METHOD /path" or a path, for
 * PUT) is not served and answers 400 saying passvm does not support it.
 */
static void test_unsupported_listed(json_t *doc)
{
	json_t *list = json_object_get(json_object_get(doc, "info"),
				       "x-passvm-unsupported"),
	       *v;
	struct vm_config cfg;
	struct api_ctx a;
	char m[8], p[128], out[512];
	size_t i;

	assert_true(json_array_size(list) >= 10);
	vm_config_init(&cfg);
	api_ctx_init(&a, &cfg, &ops);
	json_array_foreach(list, i, v)
	{
		const char *s = json_string_value(v), *sp = strchr(s, ' ');
		char *brace;

		snprintf(m, sizeof(m), "%.*s", sp ? (int)(sp - s) : 3,
			 sp ? s : "PUT");
		snprintf(p, sizeof(p), "%s", sp ? sp + 1 : s);
		assert_false(api_route_known(m, p));
		brace = strchr(p, '{');
		if (brace)
			strcpy(brace, "x1");
		if (route(&a, m, p, "{}", out, sizeof(out)) != 400 ||
		    !strstr(out, "passvm does not support"))
			fail_msg("%s %s: '%s'", m, p, out);
	}
	api_ctx_destroy(&a);
	vm_config_release(&cfg);
}

static void test_every_path_is_routed(void **state)
{
	json_t *doc = load_doc(), *ops_, *op;
	const char *path, *method;
	int n = 0;

	json_object_foreach(json_object_get(doc, "paths"), path, ops_)
	{
		json_object_foreach(ops_, method, op)
		{
			if (!api_route_known(method, path))
				fail_msg("the router does not serve %s %s",
					 method, path);
			n++;
		}
	}
	assert_int_equal(n, 18);
	/* And the router is no wider than the document on these. */
	assert_false(api_route_known("delete", "/drives/{drive_id}"));
	assert_false(api_route_known("put", "/mmds"));
	/* Firecracker's paths passvm lacks are listed, and refused as such. */
	test_unsupported_listed(doc);
	json_decref(doc);
}

/* An example of @op applied to a fresh description; returns the status. */
static void check_example(const char *method, const char *path, json_t *op)
{
	json_t *ex = json_object_get(
		json_object_get(
			json_object_get(json_object_get(op, "requestBody"),
					"content"),
			"application/json"),
		"example");
	const char *ep =
		json_string_value(json_object_get(op, "x-example-path"));
	bool post = json_is_true(json_object_get(op, "x-post-boot"));
	struct vm_config cfg;
	struct api_ctx a;
	char up[16], out[1024], *body;
	int st;

	if (!ex)
		fail_msg("%s %s has no example body", method, path);
	if (strchr(path, '{') && !ep)
		fail_msg("%s %s: templated path without x-example-path", method,
			 path);
	vm_config_init(&cfg);
	api_ctx_init(&a, &cfg, &ops);
	/* InstanceStart's example needs a kernel; nothing else minds one. */
	assert_int_equal(vm_config_set_str(&cfg, &cfg.kernel, "bzImage"), 0);
	if (post) {
		/* What the post-boot examples name: drive rootfs, eth0. */
		assert_int_equal(
			route(&a, "PUT", "/drives/rootfs",
			      "{\"drive_id\": \"rootfs\", \"path_on_host\": \"r\", \"is_root_device\": true}",
			      out, sizeof(out)),
			204);
		assert_int_equal(
			route(&a, "PUT", "/network-interfaces/eth0",
			      "{\"iface_id\": \"eth0\", \"host_dev_name\": \"tap0\"}",
			      out, sizeof(out)),
			204);
		assert_int_equal(route(&a, "PUT", "/boot-source",
				       "{\"kernel_image_path\": \"k\"}", out,
				       sizeof(out)),
				 204);
		assert_int_equal(route(&a, "PUT", "/actions",
				       "{\"action_type\": \"InstanceStart\"}",
				       out, sizeof(out)),
				 204);
	}
	snprintf(up, sizeof(up), "%s", method);
	for (char *c = up; *c; c++)
		*c = (char)(*c - 32 * (*c >= 'a' && *c <= 'z'));
	body = json_dumps(ex, JSON_COMPACT);
	st = route(&a, up, ep ? ep : path, body, out, sizeof(out));
	if (st != 204 && st != 200)
		fail_msg("%s %s example %s: %d %s", up, path, body, st, out);
	/* The same body with one field more is refused, naming it. */
	if (json_is_object(ex)) {
		json_object_set_new(ex, "x_not_a_field", json_true());
		free(body);
		body = json_dumps(ex, JSON_COMPACT);
		vm_config_release(&cfg);
		vm_config_init(&cfg);
		a.state = post ? API_RUNNING : API_NOT_STARTED;
		a.cfg->metrics.set = false;
		st = route(&a, up, ep ? ep : path, body, out, sizeof(out));
		if (st != 400 || !strstr(out, "unknown field `x_not_a_field`"))
			fail_msg("%s %s with an unknown field: %d %s", up, path,
				 st, out);
	}
	free(body);
	api_ctx_destroy(&a);
	vm_config_release(&cfg);
}

static void test_examples_are_accepted(void **state)
{
	json_t *doc = load_doc(), *ops_, *op;
	const char *path, *method;
	int n = 0, saved = dup(STDERR_FILENO);

	json_object_foreach(json_object_get(doc, "paths"), path, ops_)
	{
		json_object_foreach(ops_, method, op)
		{
			if (!json_object_get(op, "requestBody"))
				continue;
			check_example(method, path, op);
			/* PUT /logger's example took stderr: take it back. */
			dup2(saved, STDERR_FILENO);
			n++;
		}
	}
	close(saved);
	unlink("/tmp/passvm.log");
	log_level = LOG_LEVEL_INFO;
	assert_int_equal(n, 14);
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_path_is_routed),
		cmocka_unit_test(test_examples_are_accepted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
