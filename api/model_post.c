// SPDX-License-Identifier: GPL-2.0
/* The API's post-boot request bodies (swagger firecracker.yaml 1.17): PATCH drives and interfaces, PATCH /vm, PUT /actions. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/model.h"
#include "api/model_util.h"

static const struct fspec drive_patch_f[] = {
	{ "drive_id", FT_STR, true },
	{ "path_on_host", FT_STR, false },
	{ "rate_limiter", FT_OBJ, false },
};

int model_drive_patch(const struct vm_config *c, const char *path_id,
		      json_t *body, unsigned int *idx, const char **path,
		      struct pv_error *err)
{
	const char *id;
	char *rl;
	unsigned int i;
	int ret;

	if (check_fields(body, drive_patch_f, ARRAY_LEN(drive_patch_f), err))
		return -EBADMSG;
	id = str_of(body, "drive_id");
	ret = check_id(path_id, id, "drive_id", err);
	if (ret)
		return ret;
	for (i = 0; i < c->nr_disks && strcmp(c->disks[i].id, id); i++)
		;
	if (i == c->nr_disks)
		return pv_seterr(err, EINVAL,
				 "Invalid block device ID: no drive '%s'", id);
	*idx = i;
	*path = str_of(body, "path_on_host");
	ret = rate_limiter_text(field(body, "rate_limiter"), "rate_limiter",
				&rl, err);
	free(rl);
	return ret; /* a limiter that limits nothing: nothing changes */
}

static const struct fspec net_patch_f[] = {
	{ "iface_id", FT_STR, true },
	{ "rx_rate_limiter", FT_OBJ, false },
	{ "tx_rate_limiter", FT_OBJ, false },
};

int model_net_patch(const struct vm_config *c, const char *path_id,
		    json_t *body, struct pv_error *err)
{
	const char *id;
	char *rl = NULL;
	unsigned int i;
	int ret;

	if (check_fields(body, net_patch_f, ARRAY_LEN(net_patch_f), err))
		return -EBADMSG;
	id = str_of(body, "iface_id");
	ret = check_id(path_id, id, "iface_id", err);
	if (ret)
		return ret;
	for (i = 0; i < c->nr_nets && strcmp(c->nets[i].id, id); i++)
		;
	if (i == c->nr_nets)
		return pv_seterr(
			err, EINVAL,
			"Invalid network interface ID: no interface '%s'", id);
	for (i = 1; !ret && i < ARRAY_LEN(net_patch_f); i++) {
		ret = rate_limiter_text(field(body, net_patch_f[i].name),
					net_patch_f[i].name, &rl, err);
		free(rl);
	}
	return ret;
}

int model_vm_state(json_t *body, bool *pause, struct pv_error *err)
{
	static const struct fspec f[] = { { "state", FT_STR, true } };
	const char *s;

	if (check_fields(body, f, ARRAY_LEN(f), err))
		return -EBADMSG;
	s = str_of(body, "state");
	if (strcmp(s, "Paused") && strcmp(s, "Resumed"))
		return pv_seterr(
			err, EBADMSG,
			"state: unknown variant `%s`, expected `Paused` or `Resumed`",
			s);
	*pause = !strcmp(s, "Paused");
	return 0;
}

int model_action(json_t *body, enum model_action *a, struct pv_error *err)
{
	static const struct fspec f[] = { { "action_type", FT_STR, true } };
	const char *s;

	if (check_fields(body, f, ARRAY_LEN(f), err))
		return -EBADMSG;
	s = str_of(body, "action_type");
	if (!strcmp(s, "InstanceStart"))
		*a = ACTION_INSTANCE_START;
	else if (!strcmp(s, "SendCtrlAltDel"))
		*a = ACTION_SEND_CTRL_ALT_DEL;
	else if (!strcmp(s, "FlushMetrics"))
		*a = ACTION_FLUSH_METRICS;
	else
		return pv_seterr(
			err, EBADMSG,
			"action_type: unknown variant `%s`, expected one of `FlushMetrics`, `InstanceStart`, `SendCtrlAltDel`",
			s);
	return 0;
}
