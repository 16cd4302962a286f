/* SPDX-License-Identifier: GPL-2.0 */
/* Firecracker's resources as JSON (swagger firecracker.yaml) <-> the VM description (vmm/vm_config.h). */
#ifndef PASSVM_API_MODEL_H
#define PASSVM_API_MODEL_H

#include <jansson.h>
#include <stdbool.h>

#include "util/log.h"
#include "vmm/vm_config.h"

/*
 * Every model_*() setter checks @body against the resource's fields as
 * Firecracker's serde structs do (deny_unknown_fields): an unknown field, a
 * missing required one or a wrong type returns -EBADMSG; a value out of
 * range or a rule broken (two root drives, a duplicate SBDF) -EINVAL; a
 * failed allocation -ENOMEM. The message in @err names the field. On error
 * @c is unchanged. @path_id is the id in the URL (NULL from a config file,
 * where the body's own id is used): it must equal the body's.
 */
int model_boot_source(struct vm_config *c, json_t *body, struct pv_error *err);
/* PUT replaces the machine config (absent optional fields: defaults);
 * PATCH (@patch) changes only the fields given. */
int model_machine_config(struct vm_config *c, json_t *body, bool patch,
			 struct pv_error *err);
int model_drive(struct vm_config *c, const char *path_id, json_t *body,
		struct pv_error *err);
int model_net(struct vm_config *c, const char *path_id, json_t *body,
	      struct pv_error *err);
/*
 * PATCH /drives/{id} and /network-interfaces/{id} after the start
 * (swagger PartialDrive, PartialNetworkInterface): the body is checked and
 * must name an existing device; passvm does not rate-limit, so a rate
 * limiter that limits is refused (-EINVAL, "not supported") and one that
 * limits nothing is accepted as the no-op it is. @c is not changed: a
 * drive's new path_on_host is returned in *@path (NULL: none; it points
 * into @body) with the drive's index in *@idx, for the VMM to open.
 */
int model_drive_patch(const struct vm_config *c, const char *path_id,
		      json_t *body, unsigned int *idx, const char **path,
		      struct pv_error *err);
int model_net_patch(const struct vm_config *c, const char *path_id,
		    json_t *body, struct pv_error *err);
int model_vsock(struct vm_config *c, json_t *body, struct pv_error *err);
int model_passthrough(struct vm_config *c, const char *path_id, json_t *body,
		      struct pv_error *err);
int model_logger(struct vm_config *c, json_t *body, struct pv_error *err);

/*
 * model_log_level() - Firecracker's logger level @name (Error, Warning,
 * Info, Debug, Trace, Off, in any case; also "Warn", as its
 * LevelFilter::from_str): returns the level's spelling above (a static
 * string) and sets *@lv to passvm's filter of it (Debug and Trace print what
 * Info does), or returns NULL for another name. PUT /logger, the config
 * file's "logger" and --level (vmm/cli_ctl.c) all read the level with it.
 */
const char *model_log_level(const char *name, enum log_level *lv);
/* What a bad level's message advises. */
#define MODEL_LEVELS_HINT "give Error, Warning, Info, Debug, Trace or Off"
int model_metrics(struct vm_config *c, json_t *body, struct pv_error *err);
int model_serial(struct vm_config *c, json_t *body, struct pv_error *err);

/* PATCH /vm: sets *@pause from {"state": "Paused"|"Resumed"}. */
int model_vm_state(json_t *body, bool *pause, struct pv_error *err);

enum model_action {
	ACTION_INSTANCE_START,
	ACTION_SEND_CTRL_ALT_DEL,
	ACTION_FLUSH_METRICS,
};
/* PUT /actions: {"action_type": ...}. */
int model_action(json_t *body, enum model_action *a, struct pv_error *err);

/* GET /machine-config and GET /vm/config (config-file shape). New
 * references, NULL only when out of memory. */
json_t *model_machine_config_json(const struct vm_config *c);
json_t *model_vm_config_json(const struct vm_config *c);

/*
 * model_config_file() - fill @c from a --config-file document (@text,
 * @len bytes): top-level keys boot-source (required), drives (required
 * array), machine-config, network-interfaces, vsock, logger, metrics,
 * device-passthrough, each the body of the matching API request; other
 * top-level keys are ignored, as Firecracker does. Returns 0 or a negative
 * errno; the message names the key (and the array index).
 */
int model_config_file(struct vm_config *c, const char *text, size_t len,
		      struct pv_error *err);

#endif
