// SPDX-License-Identifier: GPL-2.0
/* Routing of API requests as Firecracker's parsed_request.rs does: path, method, pre/post-boot rules, 204/200/400. */
#include "api/router.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/model.h"
#include "api/model_util.h"

#define MSG_AFTER_START \
	"The requested operation is not supported after starting the microVM."
#define MSG_BEFORE_START \
	"The requested operation is not supported before starting the microVM."
#define HTTP_PATH_SHOWN 128 /* bytes of a bad path echoed back */
#define MSG_DESERIALIZE \
	"An error occurred when deserializing the json body of a request: "

enum when { ANY, PRE, POST };

struct req {
	struct api_ctx *a;
	const char *id; /* the {id} path segment, or NULL */
	json_t *body; /* parsed body, or NULL for GET */
	struct api_response *r;
	struct pv_error err;
};

typedef int (*handler_fn)(struct req *q);

struct route {
	const char *method;
	const char *prefix; /* path, or path prefix before "/{id}" */
	bool has_id;
	enum when when;
	handler_fn fn;
};

static void reply_json(struct req *q, json_t *j)
{
	q->r->status = 200;
	q->r->body = j ? json_dumps(j, JSON_COMPACT) : NULL;
	if (!q->r->body) {
		q->r->status = 500;
		q->r->body = strdup("{\"fault_message\": \"out of memory\"}");
	}
	json_decref(j);
}

static void reply_fault(struct api_response *r, const char *prefix,
			const char *msg)
{
	json_t *j = json_object(), *s;
	char text[640];

	snprintf(text, sizeof(text), "%s%s", prefix, msg);
	/*
	 * A JSON string must be UTF-8: a message cut inside a character (a
	 * long field value), or a path the router got raw, is not. Keep the
	 * fault message then, with '?' for every byte that is not ASCII.
	 */
	s = json_string(text);
	if (!s) {
		for (char *c = text; *c; c++)
			if ((unsigned char)*c >= 0x80)
				*c = '?';
		s = json_string(text);
	}
	json_object_set_new(j, "fault_message", s);
	r->status = 400;
	r->body = json_dumps(j, JSON_COMPACT);
	json_decref(j);
}

static const char *state_name(enum api_state s)
{
	return s == API_NOT_STARTED ? "Not started" :
	       s == API_RUNNING	    ? "Running" :
				      "Paused";
}

static int get_root(struct req *q)
{
	reply_json(q, jobj("id", json_string(q->a->cfg->id), "state",
			   json_string(state_name(q->a->state)), "vmm_version",
			   json_string(PASSVM_VERSION), "app_name",
			   json_string("Firecracker"), NULL));
	return 0;
}

static int get_version(struct req *q)
{
	reply_json(q, jobj("firecracker_version", json_string(PASSVM_VERSION),
			   NULL));
	return 0;
}

static int get_machine(struct req *q)
{
	reply_json(q, model_machine_config_json(q->a->cfg));
	return 0;
}

static int get_vm_config(struct req *q)
{
	reply_json(q, model_vm_config_json(q->a->cfg));
	return 0;
}

static int put_machine(struct req *q)
{
	return model_machine_config(q->a->cfg, q->body, false, &q->err);
}

static int patch_machine(struct req *q)
{
	return model_machine_config(q->a->cfg, q->body, true, &q->err);
}

static int put_boot(struct req *q)
{
	return model_boot_source(q->a->cfg, q->body, &q->err);
}

static int put_drive(struct req *q)
{
	return model_drive(q->a->cfg, q->id, q->body, &q->err);
}

static int put_net(struct req *q)
{
	return model_net(q->a->cfg, q->id, q->body, &q->err);
}

static int patch_drive(struct req *q)
{
	const struct api_vmm_ops *ops = q->a->ops;
	const char *path;
	unsigned int i;
	int ret = model_drive_patch(q->a->cfg, q->id, q->body, &i, &path,
				    &q->err);

	if (!ret && path)
		ret = ops->drive_path(ops->opaque, i, path, &q->err);
	return ret;
}

static int patch_net(struct req *q)
{
	return model_net_patch(q->a->cfg, q->id, q->body, &q->err);
}

static int put_vsock(struct req *q)
{
	return model_vsock(q->a->cfg, q->body, &q->err);
}

static int put_passthrough(struct req *q)
{
	return model_passthrough(q->a->cfg, q->id, q->body, &q->err);
}

static int put_serial(struct req *q)
{
	return model_serial(q->a->cfg, q->body, &q->err);
}

static int put_logger(struct req *q)
{
	struct vm_config *c = q->a->cfg;
	struct logger_cfg saved = c->logger;
	int ret = model_logger(c, q->body, &q->err);

	if (ret)
		return ret;
	ret = api_apply_logger(c, &q->err);
	if (ret)
		c->logger = saved; /* strings stay owned by c; freed at exit */
	return ret;
}

static int put_metrics(struct req *q)
{
	struct vm_config *c = q->a->cfg;
	int ret = model_metrics(c, q->body, &q->err);

	if (ret)
		return ret;
	ret = api_open_metrics(q->a, &q->err);
	if (ret)
		c->metrics.set = false;
	return ret;
}

static int patch_vm(struct req *q)
{
	struct api_ctx *a = q->a;
	bool pause;
	int ret;

	ret = model_vm_state(q->body, &pause, &q->err);
	if (ret)
		return ret;
	if (pause && a->state == API_RUNNING) {
		ret = a->ops->pause(a->ops->opaque, &q->err);
		if (!ret)
			a->state = API_PAUSED;
	} else if (!pause && a->state == API_PAUSED) {
		ret = a->ops->resume(a->ops->opaque, &q->err);
		if (!ret)
			a->state = API_RUNNING;
	}
	return ret; /* pausing a paused VM (or resuming a running one): ok */
}

static int put_actions(struct req *q)
{
	struct api_ctx *a = q->a;
	enum model_action act;
	int ret;

	ret = model_action(q->body, &act, &q->err);
	if (ret)
		return ret;
	switch (act) {
	case ACTION_INSTANCE_START:
		if (a->state != API_NOT_STARTED)
			return pv_seterr(&q->err, EINVAL, MSG_AFTER_START);
		if (!a->cfg->kernel)
			return pv_seterr(
				&q->err, EINVAL,
				"Cannot start microvm without kernel configuration.");
		ret = vm_config_check(a->cfg, &q->err);
		if (!ret)
			ret = a->ops->start(a->ops->opaque, &q->err);
		if (!ret)
			a->state = API_RUNNING;
		return ret;
	case ACTION_SEND_CTRL_ALT_DEL:
		if (a->state == API_NOT_STARTED)
			return pv_seterr(&q->err, EINVAL, MSG_BEFORE_START);
		return a->ops->ctrl_alt_del(a->ops->opaque, &q->err);
	case ACTION_FLUSH_METRICS:
		if (a->state == API_NOT_STARTED)
			return pv_seterr(&q->err, EINVAL, MSG_BEFORE_START);
		return api_write_metrics(a, &q->err);
	}
	return -EINVAL;
}

static const struct route routes[] = {
	{ "GET", "/", false, ANY, get_root },
	{ "GET", "/version", false, ANY, get_version },
	{ "GET", "/machine-config", false, ANY, get_machine },
	{ "PUT", "/machine-config", false, PRE, put_machine },
	{ "PATCH", "/machine-config", false, PRE, patch_machine },
	{ "PUT", "/boot-source", false, PRE, put_boot },
	{ "PUT", "/drives", true, PRE, put_drive },
	{ "PUT", "/network-interfaces", true, PRE, put_net },
	{ "PATCH", "/drives", true, POST, patch_drive },
	{ "PATCH", "/network-interfaces", true, POST, patch_net },
	{ "PUT", "/vsock", false, PRE, put_vsock },
	{ "PUT", "/device-passthrough", true, PRE, put_passthrough },
	{ "PUT", "/serial", false, PRE, put_serial },
	{ "PUT", "/logger", false, PRE, put_logger },
	{ "PUT", "/metrics", false, PRE, put_metrics },
	{ "PUT", "/actions", false, ANY, put_actions },
	{ "PATCH", "/vm", false, POST, patch_vm },
	{ "GET", "/vm/config", false, ANY, get_vm_config },
};

/*
 * Firecracker's resources that passvm lacks (fc_lacks(), and main's
 * DELETE of hot-pluggable devices): a path below one is refused with 400
 * naming what is missing rather than as an unknown path.
 */
static bool below(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	return !strncmp(path, prefix, n) && (!path[n] || path[n] == '/');
}

static const char *unsupported_what(const char *method, const char *path)
{
	const char *what, *prefix, *key;

	if (!strcmp(method, "DELETE") &&
	    (below(path, "/drives") || below(path, "/network-interfaces")))
		return "hot-unplugging devices";
	for (size_t i = 0; (what = fc_lacks(i, &prefix, &key)); i++)
		if (below(path, prefix))
			return what;
	return NULL;
}

/* Match @path against @rt; *id gets the "{id}" segment (into @idbuf). */
static bool match(const struct route *rt, const char *path, char *idbuf,
		  size_t cap, const char **id)
{
	size_t n = strlen(rt->prefix);

	*id = NULL;
	if (!rt->has_id)
		return !strcmp(path, rt->prefix);
	if (strncmp(path, rt->prefix, n) || path[n] != '/')
		return false;
	path += n + 1;
	if (strchr(path, '/') || strlen(path) >= cap)
		return false;
	strcpy(idbuf, path);
	*id = idbuf;
	return true;
}

void api_route(struct api_ctx *a, const char *method, const char *path,
	       const char *body, size_t len, struct api_response *r)
{
	struct req q = { .a = a, .r = r };
	const struct route *rt = NULL;
	char idbuf[256], text[64];
	json_error_t je;
	int ret;

	memset(r, 0, sizeof(*r));
	a->requests++;
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (!strcmp(routes[i].method, method) &&
		    match(&routes[i], path, idbuf, sizeof(idbuf), &q.id)) {
			rt = &routes[i];
			break;
		}
	}
	if (!rt) {
		const char *what = unsupported_what(method, path);
		char msg[HTTP_PATH_SHOWN + 96];

		if (what)
			snprintf(msg, sizeof(msg),
				 "%s %.*s: passvm does not support %s.", method,
				 HTTP_PATH_SHOWN, path, what);
		else
			snprintf(msg, sizeof(msg),
				 "Invalid request method and/or path: %s %.*s.",
				 method, HTTP_PATH_SHOWN, path);
		reply_fault(r, "", msg);
		goto out;
	}
	if (q.id && !vm_id_valid(q.id, false)) {
		reply_fault(
			r, "",
			"Invalid ID in the request path: use 1 to 64 letters, digits or '_'.");
		goto out;
	}
	if (rt->when == PRE && a->state != API_NOT_STARTED) {
		reply_fault(r, "", MSG_AFTER_START);
		goto out;
	}
	if (rt->when == POST && a->state == API_NOT_STARTED) {
		reply_fault(r, "", MSG_BEFORE_START);
		goto out;
	}
	if (strcmp(method, "GET")) {
		if (!len) {
			snprintf(text, sizeof(text), "Empty %s request.",
				 method);
			reply_fault(r, "", text);
			goto out;
		}
		q.body = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
		if (!q.body) {
			snprintf(q.err.msg, sizeof(q.err.msg),
				 "%s at line %d column %d.", je.text, je.line,
				 je.column);
			reply_fault(r, MSG_DESERIALIZE, q.err.msg);
			goto out;
		}
	}
	ret = rt->fn(&q);
	json_decref(q.body);
	if (ret)
		reply_fault(r, ret == -EBADMSG ? MSG_DESERIALIZE : "",
			    q.err.msg);
	else if (!r->body)
		r->status = 204;
out:
	if (r->status == 400)
		a->errors++;
}

bool api_route_known(const char *method, const char *tmpl)
{
	const char *brace = strstr(tmpl, "/{");
	size_t n = brace ? (size_t)(brace - tmpl) : strlen(tmpl);

	if (brace && (!strchr(brace, '}') || strchr(brace, '}')[1]))
		return false; /* only a trailing {id} segment */
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (!strcasecmp(routes[i].method, method) &&
		    routes[i].has_id == (brace != NULL) &&
		    strlen(routes[i].prefix) == n &&
		    !strncmp(routes[i].prefix, tmpl, n))
			return true;
	return false;
}
