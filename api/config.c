// SPDX-License-Identifier: GPL-2.0
/* The config-file shape (Firecracker's VmmConfig, kebab-case keys): --config-file in, GET /vm/config out. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "api/model.h"
#include "api/model_util.h"

/* set KEY to VAL in OBJ when VAL is not NULL (jansson steals VAL). */
static void put_str(json_t *o, const char *key, const char *val)
{
	if (val)
		json_object_set_new(o, key, json_string(val));
}

static void put_json_text(json_t *o, const char *key, const char *text)
{
	json_t *v;

	if (!text)
		return;
	v = json_loads(text, 0, NULL);
	if (v)
		json_object_set_new(o, key, v);
}

json_t *model_machine_config_json(const struct vm_config *c)
{
	return jobj("vcpu_count", json_integer(c->cpus), "mem_size_mib",
		    json_integer((json_int_t)(c->mem >> 20)), "smt",
		    json_boolean(c->smt), "track_dirty_pages", json_false(),
		    "huge_pages",
		    json_string(c->hugepages ? "2M" :
				c->thp	     ? "Transparent" :
					       "None"),
		    NULL);
}

static json_t *boot_source_json(const struct vm_config *c)
{
	json_t *o;

	if (!c->kernel)
		return json_null();
	o = json_object();
	put_str(o, "kernel_image_path", c->kernel);
	put_str(o, "initrd_path", c->initrd);
	put_str(o, "boot_args", c->cmdline);
	return o;
}

static json_t *drives_json(const struct vm_config *c)
{
	json_t *a = json_array();

	for (unsigned int i = 0; i < c->nr_disks; i++) {
		const struct disk_cfg *d = &c->disks[i];
		json_t *o = json_object();

		put_str(o, "drive_id", d->id);
		put_str(o, "path_on_host", d->path);
		put_str(o, "socket", d->socket);
		json_object_set_new(o, "is_root_device", json_boolean(d->root));
		json_object_set_new(o, "is_read_only",
				    json_boolean(d->read_only));
		put_str(o, "partuuid", d->partuuid);
		/* The API's default is "Unsafe"; --disk's flushes reach the
		 * file (virtio_glue.c). */
		put_str(o, "cache_type",
			d->cache_type ? d->cache_type : "Writeback");
		put_str(o, "io_engine", d->io_engine ? d->io_engine : "Sync");
		put_json_text(o, "rate_limiter", d->rate_limiter);
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *nets_json(const struct vm_config *c)
{
	json_t *a = json_array();

	for (unsigned int i = 0; i < c->nr_nets; i++) {
		const struct net_cfg *n = &c->nets[i];
		json_t *o = json_object();
		char mac[18];

		put_str(o, "iface_id", n->id);
		put_str(o, "host_dev_name", n->tap);
		if (n->has_mac) {
			snprintf(mac, sizeof(mac),
				 "%02x:%02x:%02x:%02x:%02x:%02x", n->mac[0],
				 n->mac[1], n->mac[2], n->mac[3], n->mac[4],
				 n->mac[5]);
			put_str(o, "guest_mac", mac);
		}
		if (n->mtu)
			json_object_set_new(o, "mtu", json_integer(n->mtu));
		put_json_text(o, "rx_rate_limiter", n->rx_rate_limiter);
		put_json_text(o, "tx_rate_limiter", n->tx_rate_limiter);
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *passthrough_json(const struct vm_config *c)
{
	json_t *a = json_array();

	for (unsigned int i = 0; i < c->nr_vfio; i++) {
		json_t *o = jobj("id", json_string(c->vfio[i].id), "sbdf",
				 json_string(c->vfio[i].bdf), NULL);

		if (c->vfio[i].managed) /* passvm extension */
			json_object_set_new(o, "managed", json_true());
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *optional_json(const struct vm_config *c, const char *which)
{
	json_t *o;

	if (!strcmp(which, "vsock")) {
		if (!c->vsock.present)
			return json_null();
		o = jobj("guest_cid", json_integer(c->vsock.cid), "uds_path",
			 json_string(c->vsock.uds_path), NULL);
		put_str(o, "vsock_id", c->vsock.vsock_id);
		return o;
	}
	if (!strcmp(which, "logger")) {
		if (!c->logger.set)
			return json_null();
		o = jobj("show_level", json_boolean(c->logger.show_level),
			 "show_log_origin",
			 json_boolean(c->logger.show_log_origin), NULL);
		put_str(o, "log_path", c->logger.log_path);
		put_str(o, "level", c->logger.level);
		return o;
	}
	if (!c->metrics.set)
		return json_null();
	o = jobj("metrics_path", json_string(c->metrics.path), "emit_id",
		 json_boolean(c->metrics.emit_id), NULL);
	put_json_text(o, "properties", c->metrics.properties);
	return o;
}

json_t *model_vm_config_json(const struct vm_config *c)
{
	return jobj("boot-source", boot_source_json(c), "drives",
		    drives_json(c), "machine-config",
		    model_machine_config_json(c), "network-interfaces",
		    nets_json(c), "vsock", optional_json(c, "vsock"), "logger",
		    optional_json(c, "logger"), "metrics",
		    optional_json(c, "metrics"), "device-passthrough",
		    passthrough_json(c), NULL);
}

/* Apply one section's object with @set, prefixing errors with @key. */
static int section(struct vm_config *c, json_t *doc, const char *key,
		   bool required, struct pv_error *err,
		   int (*set)(struct vm_config *, json_t *, struct pv_error *))
{
	json_t *v = json_object_get(doc, key);
	struct pv_error e;
	int ret;

	if (!v || json_is_null(v)) {
		if (required)
			return pv_seterr(err, EBADMSG,
					 "missing key `%s` (required)", key);
		return 0;
	}
	ret = set(c, v, &e);
	if (ret)
		pv_seterr(err, -ret, "`%s`: %s", key, e.msg);
	return ret;
}

/* An array section: each element through @set (body id, no path id). */
static int array_section(struct vm_config *c, json_t *doc, const char *key,
			 bool required, struct pv_error *err,
			 int (*set)(struct vm_config *, const char *, json_t *,
				    struct pv_error *))
{
	json_t *a = json_object_get(doc, key), *v;
	struct pv_error e;
	size_t i;
	int ret;

	if (!a || json_is_null(a)) {
		if (required)
			return pv_seterr(
				err, EBADMSG,
				"missing key `%s` (required; it may be [])",
				key);
		return 0;
	}
	if (!json_is_array(a))
		return pv_seterr(err, EBADMSG,
				 "`%s`: invalid type, expected an array", key);
	json_array_foreach(a, i, v)
	{
		ret = set(c, NULL, v, &e);
		if (ret)
			return pv_seterr(err, -ret, "`%s`[%zu]: %s", key, i,
					 e.msg);
	}
	return 0;
}

static int set_machine(struct vm_config *c, json_t *v, struct pv_error *err)
{
	return model_machine_config(c, v, false, err);
}

/*
 * Firecracker's VmmConfig keys for what passvm lacks: ignoring one would
 * build another VM than the file describes, so a non-null value (pmem: a
 * non-empty array) is refused.
 */
static int unsupported_sections(json_t *doc, struct pv_error *err)
{
	const char *what, *prefix, *key;
	json_t *v;

	for (size_t i = 0; (what = fc_lacks(i, &prefix, &key)); i++) {
		v = key ? json_object_get(doc, key) : NULL;
		if (v && !json_is_null(v) &&
		    !(json_is_array(v) && !json_array_size(v)))
			return pv_seterr(
				err, EINVAL,
				"`%s`: passvm does not support %s: remove it or set it to null",
				key, what);
	}
	return 0;
}

int model_config_file(struct vm_config *c, const char *text, size_t len,
		      struct pv_error *err)
{
	json_error_t je;
	json_t *doc;
	int ret;

	doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!doc)
		return pv_seterr(err, EBADMSG,
				 "not valid JSON at line %d column %d: %s",
				 je.line, je.column, je.text);
	if (!json_is_object(doc)) {
		json_decref(doc);
		return pv_seterr(err, EBADMSG,
				 "the document must be a JSON object");
	}
	ret = unsupported_sections(doc, err);
	if (!ret)
		ret = section(c, doc, "boot-source", true, err,
			      model_boot_source);
	if (!ret)
		ret = section(c, doc, "machine-config", false, err,
			      set_machine);
	if (!ret)
		ret = array_section(c, doc, "drives", true, err, model_drive);
	if (!ret)
		ret = array_section(c, doc, "network-interfaces", false, err,
				    model_net);
	if (!ret)
		ret = array_section(c, doc, "device-passthrough", false, err,
				    model_passthrough);
	if (!ret)
		ret = section(c, doc, "vsock", false, err, model_vsock);
	if (!ret)
		ret = section(c, doc, "logger", false, err, model_logger);
	if (!ret)
		ret = section(c, doc, "metrics", false, err, model_metrics);
	json_decref(doc);
	return ret;
}
