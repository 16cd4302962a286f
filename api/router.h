/* SPDX-License-Identifier: GPL-2.0 */
/* The API's routes: Firecracker's methods and paths onto the VM description and the VMM's callbacks. */
#ifndef PASSVM_API_ROUTER_H
#define PASSVM_API_ROUTER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/log.h"
#include "vmm/vm_config.h"

/*
 * What the API asks of the VMM. Each returns 0, or a negative errno with a
 * message in @err (sent to the client as the fault_message). They are
 * called on the API thread; start() blocks until the VM runs or failed.
 */
struct api_vmm_ops {
	/* Build the VM from the description and start its vCPUs. */
	int (*start)(void *opaque, struct pv_error *err);
	int (*pause)(void *opaque, struct pv_error *err);
	int (*resume)(void *opaque, struct pv_error *err);
	/* Press Ctrl-Alt-Del on the guest's keyboard (i8042). */
	int (*ctrl_alt_del)(void *opaque, struct pv_error *err);
	/*
	 * PATCH /drives/{id} path_on_host after the start: drive @i of the
	 * description is served from @path from now on, and the description
	 * says so (GET /vm/config); on error nothing changed.
	 */
	int (*drive_path)(void *opaque, unsigned int i, const char *path,
			  struct pv_error *err);
	/* Add the VMM's counters to a metrics line (may be NULL). */
	void (*fill_metrics)(void *opaque, json_t *line);
	void *opaque;
};

enum api_state { API_NOT_STARTED, API_RUNNING, API_PAUSED };

struct api_ctx {
	struct vm_config *cfg; /* the description: the API thread writes it
				* before the start only */
	const struct api_vmm_ops *ops;
	enum api_state state;
	int metrics_fd; /* -1 until PUT /metrics */
	uint64_t requests, errors, metrics_lines; /* counters */
};

struct api_response {
	int status; /* 200, 204, 400 */
	char *body; /* malloc'd JSON text, or NULL (204) */
};

/* api_ctx_init() - a context over @cfg (not owned) and @ops (not owned). */
void api_ctx_init(struct api_ctx *a, struct vm_config *cfg,
		  const struct api_vmm_ops *ops);
void api_ctx_destroy(struct api_ctx *a);

/*
 * api_route() - answer one request: @method, @path (no query), @body of
 * @len bytes (may be NULL for 0). Fills @r (free r->body with free()).
 * Errors are 400 {"fault_message": "..."} as Firecracker sends them.
 */
void api_route(struct api_ctx *a, const char *method, const char *path,
	       const char *body, size_t len, struct api_response *r);

/*
 * api_route_known() - true when the router serves @method on @path_template
 * (an OpenAPI path such as "/drives/{drive_id}"), for the test that walks
 * api/openapi.json.
 */
bool api_route_known(const char *method, const char *path_template);

/*
 * api_write_metrics() - one JSON line of counters to the metrics file
 * (FlushMetrics, and every 60 s). Returns 0, or -errno (-ENOENT when no
 * PUT /metrics was made).
 */
int api_write_metrics(struct api_ctx *a, struct pv_error *err);

/*
 * api_apply_logger() - open @c's log_path (O_APPEND|O_CREAT|O_NONBLOCK, a
 * file or a FIFO) as passvm's stderr, whose pv_err/pv_warn/pv_info lines
 * are then Firecracker's (util/log.h struct log_format, with @c's id,
 * show_level and show_log_origin), and set the level. Returns 0 or -errno
 * with a message in @err.
 */
int api_apply_logger(const struct vm_config *c, struct pv_error *err);

/* api_open_metrics() - open @c's metrics_path into a->metrics_fd. */
int api_open_metrics(struct api_ctx *a, struct pv_error *err);

#endif
