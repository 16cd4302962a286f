// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz harness: the API's router and resource model (api/router.c,
 * api/model.c, api/model_util.c, the GET /vm/config side of
 * api/config.c): sequences of requests, every endpoint, with request
 * bodies from the input, against a fake VMM. PUT /logger and PUT
 * /metrics open files the body names: for those the harness calls the
 * model directly (what the router does first) and opens nothing.
 *
 * Input: u8 flags (bit 0 trace; bits 1-4: the VMM's start, pause,
 * Ctrl-Alt-Del and a drive's new path_on_host fail), then requests: u8 method (% 6: GET PUT PATCH
 * DELETE POST, or a raw one), u8 path (index into paths[], or a raw path
 * of u8 length when bit 7 is set), u16 body length, the body.
 *
 * Invariants after every request: the status is 200 with a JSON body,
 * 204 with none, or 400 with {"fault_message": "..."}; a refused request
 * changes nothing (model.h: "On error @c is unchanged"), a GET changes
 * nothing; the description stays one vm_create() can take (at most 16
 * drives with distinct valid ids and one root, 8 interfaces, 16 devices
 * with distinct addresses, 1 to 254 vCPUs, 16 MiB to 1 TiB of RAM in MiB,
 * even with 2M hugepages, a vsock CID >= 3); pre-boot resources are
 * refused once the VM started, post-boot ones before; GET /vm/config is
 * a config file that --config-file takes back as the same description.
 */
/* FUZZ-TARGETS: api/router.c api/model.c api/model_util.c api/config.c */
/* FUZZ-OPTIONS: -max_len=8192 -dict=tests/fuzz/dict/api.dict */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "api/model.h"
#include "api/router.h"
#include "api_check.h"
#include "fuzz.h"

static uint8_t flags;
static int starts;

static int vmm_start(void *o, struct pv_error *e)
{
	starts++;
	return flags & 2 ? pv_seterr(e, EIO, "start failed (injected)") : 0;
}

static int vmm_pause(void *o, struct pv_error *e)
{
	return flags & 4 ? pv_seterr(e, EIO, "pause failed (injected)") : 0;
}

static int vmm_resume(void *o, struct pv_error *e)
{
	return 0;
}

static int vmm_cad(void *o, struct pv_error *e)
{
	return flags & 8 ? pv_seterr(e, ENODEV, "no keyboard (injected)") : 0;
}

/*
 * As the VMM's own: a vhost-user drive has no device to change (the VMM
 * refuses one at the start), else the description gets the new path and
 * the invariants must hold of it too.
 */
static int vmm_drive(void *o, unsigned int i, const char *path,
		     struct pv_error *e)
{
	if (flags & 16 || ((struct vm_config *)o)->disks[i].socket)
		return pv_seterr(e, ENOENT, "disk %s: no such file (injected)",
				 path);
	return vm_config_set_str(o, &((struct vm_config *)o)->disks[i].path,
				 path);
}

static const struct api_vmm_ops ops_tmpl = {
	.start = vmm_start,
	.pause = vmm_pause,
	.resume = vmm_resume,
	.ctrl_alt_del = vmm_cad,
	.drive_path = vmm_drive,
};

static const char *const methods[] = { "GET", "PUT", "PATCH", "DELETE",
				       "POST" };
static const char *const paths[] = {
	"/",
	"/version",
	"/machine-config",
	"/boot-source",
	"/drives/rootfs",
	"/drives/scratch_1",
	"/network-interfaces/eth0",
	"/network-interfaces/eth1",
	"/vsock",
	"/device-passthrough/nvme0",
	"/device-passthrough/gpu",
	"/serial",
	"/logger",
	"/metrics",
	"/actions",
	"/vm",
	"/vm/config",
	"/drives/",
	"/drives/a/b",
	"/drives/bad-id",
	"/snapshot/create",
	"/balloon",
};
#define NPATHS (sizeof(paths) / sizeof(paths[0]))

/* The description as text: what a refused request must leave alone. */
static char *describe(const struct vm_config *c, enum api_state st)
{
	json_t *j = model_vm_config_json(c), *x;
	char *s;

	if (!j)
		return NULL;
	x = json_pack("{s:i, s:i, s:b, s:s?, s:b}", "state", (int)st, "console",
		      (int)c->console, "console_given", c->console_given,
		      "console_path", c->console_path, "thp", c->thp);
	json_object_set_new(j, "x", x ? x : json_null());
	s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	return s;
}

/*
 * PUT /logger and PUT /metrics, as the router does them, without opening
 * the files (the router's next step): 204, or 400 and nothing changed.
 */
static void model_only(struct vm_config *c, const char *path, const char *body,
		       size_t len, struct api_response *r)
{
	struct pv_error err = { "" };
	json_error_t je;
	json_t *j =
		len ? json_loadb(body, len, JSON_REJECT_DUPLICATES, &je) : NULL;
	int ret = -EBADMSG;

	if (j)
		ret = !strcmp(path, "/logger") ? model_logger(c, j, &err) :
						 model_metrics(c, j, &err);
	json_decref(j);
	r->status = ret ? 400 : 204;
	r->body = ret ? strdup("{\"fault_message\": \"refused\"}") : NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct api_vmm_ops ops = ops_tmpl;
	struct vm_config cfg;
	struct api_ctx a;
	struct fz f;

	fz_init(&f, data, size);
	flags = fz_u8(&f);
	fuzz_trace(flags & 1);
	starts = 0;
	vm_config_init(&cfg);
	ops.opaque = &cfg;
	api_ctx_init(&a, &cfg, &ops);
	while (!fz_done(&f)) {
		uint8_t m = fz_u8(&f) % 6, ps = fz_u8(&f);
		char method[16], path[257];
		const uint8_t *body;
		struct api_response r;
		enum api_state was = a.state;
		char *before, *after;
		json_error_t je;
		json_t *j = NULL;
		size_t n;

		if (m < 5) {
			snprintf(method, sizeof(method), "%s", methods[m]);
		} else {
			n = fz_bytes(&f, method, fz_u8(&f) % 8);
			method[n] = '\0';
		}
		if (ps & 0x80) {
			n = fz_bytes(&f, path, fz_u8(&f));
			path[n] = '\0';
		} else {
			snprintf(path, sizeof(path), "%s", paths[ps % NPATHS]);
		}
		body = fz_span(&f, fz_u16(&f), &n);
		before = describe(&cfg, a.state);
		if (!strcmp(method, "PUT") &&
		    (!strcmp(path, "/logger") || !strcmp(path, "/metrics")) &&
		    a.state == API_NOT_STARTED)
			model_only(&cfg, path, (const char *)body, n, &r);
		else
			api_route(&a, method, path, (const char *)body, n, &r);
		after = describe(&cfg, a.state);

		FZ_CHECK(r.status == 200 || r.status == 204 || r.status == 400,
			 "%s %s: status %d", method, path, r.status);
		FZ_CHECK((r.status == 204) == !r.body, "%s %s: %d with body %s",
			 method, path, r.status, r.body ? r.body : "(none)");
		if (r.body) {
			j = json_loads(r.body, 0, &je);
			FZ_CHECK(json_is_object(j), "%s %s: body %s", method,
				 path, r.body);
			if (r.status == 400)
				FZ_CHECK(json_is_string(json_object_get(
						 j, "fault_message")),
					 "%s %s: fault %s", method, path,
					 r.body);
		}
		if (r.status == 400 || !strcmp(method, "GET"))
			FZ_CHECK(before && after && !strcmp(before, after),
				 "%s %s (%d) changed the description:\n%s\n%s",
				 method, path, r.status, before, after);
		if (r.status != 400 && strcmp(method, "GET") &&
		    was != API_NOT_STARTED)
			FZ_CHECK(!strcmp(path, "/actions") ||
					 !strcmp(path, "/vm"),
				 "%s %s accepted after the start", method,
				 path);
		if (!strcmp(path, "/vm") && strcmp(method, "GET") &&
		    was == API_NOT_STARTED)
			FZ_CHECK(r.status == 400, "PATCH /vm before the start");
		FZ_CHECK(a.state == API_NOT_STARTED || starts,
			 "running without a start");
		api_check_cfg(&cfg);
		if (cfg.kernel && r.status == 204)
			api_check_round_trip(&cfg);
		json_decref(j);
		free(r.body);
		free(before);
		free(after);
	}
	api_ctx_destroy(&a);
	vm_config_release(&cfg);
	return 0;
}
