// SPDX-License-Identifier: GPL-2.0
/* The API's request bodies, checked field by field, into the VM description (swagger firecracker.yaml 1.17). */
#include "api/model.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/model_util.h"
#include "host/sysfs.h"

static const struct fspec boot_source_f[] = {
	{ "kernel_image_path", FT_STR, true },
	{ "initrd_path", FT_STR, false },
	{ "boot_args", FT_STR, false },
};

int model_boot_source(struct vm_config *c, json_t *body, struct pv_error *err)
{
	const char *k, *i, *a;

	if (check_fields(body, boot_source_f, ARRAY_LEN(boot_source_f), err))
		return -EBADMSG;
	k = str_of(body, "kernel_image_path");
	i = str_of(body, "initrd_path");
	a = str_of(body, "boot_args");
	if (!*k)
		return pv_seterr(err, EINVAL,
				 "kernel_image_path: give the kernel's path");
	/* Firecracker replaces the whole boot source. */
	if (vm_config_set_str(c, &c->kernel, k) ||
	    vm_config_set_str(c, &c->initrd, i) ||
	    vm_config_set_str(c, &c->cmdline, a))
		return pv_seterr(err, ENOMEM, "out of memory");
	return 0;
}

static const struct fspec machine_f[] = {
	{ "vcpu_count", FT_INT, true },
	{ "mem_size_mib", FT_INT, true },
	{ "smt", FT_BOOL, false },
	{ "track_dirty_pages", FT_BOOL, false },
	{ "huge_pages", FT_STR, false },
	{ "cpu_template", FT_STR, false },
};

int model_machine_config(struct vm_config *c, json_t *body, bool patch,
			 struct pv_error *err)
{
	unsigned int cpus = patch ? c->cpus : 1;
	uint64_t mib = patch ? c->mem >> 20 : VM_DEFAULT_MEM >> 20;
	bool huge = patch ? c->hugepages : false, thp = patch ? c->thp : false;
	bool smt = patch ? c->smt : false;
	json_t *v;
	const char *s;

	if (check_fields_opt(body, machine_f, ARRAY_LEN(machine_f), patch, err))
		return -EBADMSG;
	v = field(body, "vcpu_count");
	if (v) {
		if (json_integer_value(v) < 1 ||
		    json_integer_value(v) > VM_MAX_CPUS)
			return pv_seterr(
				err, EINVAL,
				"vcpu_count %lld: the vCPU number is invalid: give 1 to %d",
				(long long)json_integer_value(v), VM_MAX_CPUS);
		cpus = (unsigned int)json_integer_value(v);
	}
	v = field(body, "mem_size_mib");
	if (v) {
		json_int_t m = json_integer_value(v);

		if (m < (json_int_t)(VM_MIN_MEM >> 20) ||
		    m > (json_int_t)(VM_MAX_MEM >> 20))
			return pv_seterr(
				err, EINVAL,
				"mem_size_mib %lld: give %llu to %llu MiB",
				(long long)m,
				(unsigned long long)(VM_MIN_MEM >> 20),
				(unsigned long long)(VM_MAX_MEM >> 20));
		mib = (uint64_t)m;
	}
	if (field(body, "smt"))
		smt = json_is_true(field(body, "smt"));
#ifdef __aarch64__
	if (smt) /* Firecracker's words */
		return pv_seterr(
			err, EINVAL,
			"Enabling simultaneous multithreading is not supported on aarch64");
#endif
	/* Firecracker's rule and words: two threads per core. */
	if (smt && cpus > 1 && cpus % 2)
		return pv_seterr(
			err, EINVAL,
			"The vCPU number is invalid! The vCPU number can only be 1 or an even number when SMT is enabled.");
	if (json_is_true(field(body, "track_dirty_pages")))
		return pv_seterr(
			err, EINVAL,
			"track_dirty_pages: passvm has no snapshots to track dirty pages for: set it to false");
	s = str_of(body, "huge_pages");
	if (s) {
		if (!strcmp(s, "None")) {
			huge = thp = false;
		} else if (!strcmp(s, "Transparent")) {
			huge = false;
			thp = true;
		} else if (!strcmp(s, "2M")) {
			huge = true;
			thp = false;
		} else {
			return pv_seterr(
				err, EBADMSG,
				"huge_pages: unknown variant `%s`, expected one of `None`, `Transparent`, `2M`",
				s);
		}
	}
	s = str_of(body, "cpu_template");
	if (s && strcmp(s, "None"))
		return pv_seterr(
			err, EINVAL,
			"cpu_template `%s`: passvm passes the host CPU's features (KVM_GET_SUPPORTED_CPUID): use \"None\"",
			s);
	if (huge && mib % 2)
		return pv_seterr(
			err, EINVAL,
			"mem_size_mib %llu: with huge_pages \"2M\" it must be a multiple of 2",
			(unsigned long long)mib);
	c->cpus = cpus;
	c->mem = mib << 20;
	c->smt = smt;
	c->hugepages = huge;
	c->thp = thp;
	return 0;
}

static const struct fspec drive_f[] = {
	{ "drive_id", FT_STR, true },	   { "is_root_device", FT_BOOL, true },
	{ "path_on_host", FT_STR, false }, { "is_read_only", FT_BOOL, false },
	{ "partuuid", FT_STR, false },	   { "cache_type", FT_STR, false },
	{ "io_engine", FT_STR, false },	   { "rate_limiter", FT_OBJ, false },
	{ "socket", FT_STR, false },
};

int model_drive(struct vm_config *c, const char *path_id, json_t *body,
		struct pv_error *err)
{
	const char *id, *path, *sock, *ct, *io;
	char *rl = NULL;
	struct disk_cfg *d;
	unsigned int i;
	bool root;
	int ret;

	if (check_fields(body, drive_f, ARRAY_LEN(drive_f), err))
		return -EBADMSG;
	id = str_of(body, "drive_id");
	ret = check_id(path_id, id, "drive_id", err);
	if (ret)
		return ret;
	path = str_of(body, "path_on_host");
	sock = str_of(body, "socket");
	if (!path == !sock)
		return pv_seterr(
			err, EINVAL,
			"drive '%s': give path_on_host (a virtio-blk drive) or socket (vhost-user), exactly one",
			id);
	ct = str_of(body, "cache_type");
	if (ct && strcmp(ct, "Unsafe") && strcmp(ct, "Writeback"))
		return pv_seterr(
			err, EBADMSG,
			"cache_type: unknown variant `%s`, expected `Unsafe` or `Writeback`",
			ct);
	io = str_of(body, "io_engine");
	if (io && strcmp(io, "Sync") && strcmp(io, "Async"))
		return pv_seterr(
			err, EBADMSG,
			"io_engine: unknown variant `%s`, expected `Sync` or `Async`",
			io);
	ret = rate_limiter_text(field(body, "rate_limiter"), "rate_limiter",
				&rl, err);
	if (ret)
		return ret;
	root = json_is_true(field(body, "is_root_device"));
	for (i = 0; i < c->nr_disks; i++)
		if (!strcmp(c->disks[i].id, id))
			break;
	for (unsigned int j = 0; j < c->nr_disks; j++)
		if (root && j != i && c->disks[j].root) {
			free(rl);
			return pv_seterr(
				err, EINVAL,
				"A root block device already exists! (drive '%s')",
				c->disks[j].id);
		}
	if (i == c->nr_disks && i == VM_MAX_DRIVES) {
		free(rl);
		return pv_seterr(err, EINVAL, "at most %d drives",
				 VM_MAX_DRIVES);
	}
	d = &c->disks[i];
	if (i == c->nr_disks) {
		memset(d, 0, sizeof(*d));
		strcpy(d->id, id);
	}
	d->root = root;
	d->read_only = json_is_true(field(body, "is_read_only"));
	ret = vm_config_set_str(c, &d->path, path) ||
	      vm_config_set_str(c, &d->socket, sock) ||
	      vm_config_set_str(c, &d->partuuid, str_of(body, "partuuid")) ||
	      /* Firecracker's default: flushes are not passed on */
	      vm_config_set_str(c, &d->cache_type, ct ? ct : "Unsafe") ||
	      vm_config_set_str(c, &d->io_engine, io) ||
	      vm_config_set_str(c, &d->rate_limiter, rl);
	free(rl);
	if (ret)
		return pv_seterr(err, ENOMEM, "out of memory");
	if (i == c->nr_disks)
		c->nr_disks++;
	return 0;
}

static const struct fspec net_f[] = {
	{ "iface_id", FT_STR, true },
	{ "host_dev_name", FT_STR, true },
	{ "guest_mac", FT_STR, false },
	{ "mtu", FT_INT, false },
	{ "rx_rate_limiter", FT_OBJ, false },
	{ "tx_rate_limiter", FT_OBJ, false },
};

int model_net(struct vm_config *c, const char *path_id, json_t *body,
	      struct pv_error *err)
{
	char *rx = NULL, *tx = NULL;
	const char *id, *tap, *mac_s;
	uint8_t mac[6] = { 0 };
	json_t *mtu;
	unsigned int i;
	struct net_cfg *n;
	int ret;

	if (check_fields(body, net_f, ARRAY_LEN(net_f), err))
		return -EBADMSG;
	id = str_of(body, "iface_id");
	ret = check_id(path_id, id, "iface_id", err);
	if (ret)
		return ret;
	tap = str_of(body, "host_dev_name");
	if (!*tap || strlen(tap) >= 16)
		return pv_seterr(
			err, EINVAL,
			"host_dev_name '%s': give a TAP device name of 1 to 15 characters",
			tap);
	mac_s = str_of(body, "guest_mac");
	if (mac_s && parse_mac(mac_s, mac))
		return pv_seterr(
			err, EINVAL,
			"guest_mac '%s': give a MAC address like 06:00:c0:a8:00:02",
			mac_s);
	mtu = field(body, "mtu");
	if (mtu &&
	    (json_integer_value(mtu) < 68 || json_integer_value(mtu) > 65535))
		return pv_seterr(err, EINVAL, "mtu %lld: give 68 to 65535",
				 (long long)json_integer_value(mtu));
	for (i = 0; i < c->nr_nets; i++)
		if (!strcmp(c->nets[i].id, id))
			break;
	for (unsigned int j = 0; j < c->nr_nets; j++) {
		if (j == i)
			continue;
		if (!strcmp(c->nets[j].tap, tap))
			return pv_seterr(
				err, EINVAL,
				"host_dev_name '%s' is already used by interface '%s'",
				tap, c->nets[j].id);
		if (mac_s && c->nets[j].has_mac &&
		    !memcmp(c->nets[j].mac, mac, 6))
			return pv_seterr(
				err, EINVAL,
				"guest_mac %s is already used by interface '%s'",
				mac_s, c->nets[j].id);
	}
	if (i == c->nr_nets && i == VM_MAX_NETS)
		return pv_seterr(err, EINVAL, "at most %d network interfaces",
				 VM_MAX_NETS);
	ret = rate_limiter_text(field(body, "rx_rate_limiter"),
				"rx_rate_limiter", &rx, err);
	if (!ret)
		ret = rate_limiter_text(field(body, "tx_rate_limiter"),
					"tx_rate_limiter", &tx, err);
	if (ret) {
		free(rx);
		return ret;
	}
	n = &c->nets[i];
	if (i == c->nr_nets) {
		memset(n, 0, sizeof(*n));
		strcpy(n->id, id);
	}
	memcpy(n->mac, mac, 6);
	n->has_mac = mac_s != NULL;
	n->mtu = mtu ? (unsigned int)json_integer_value(mtu) : 0;
	ret = vm_config_set_str(c, &n->tap, tap) ||
	      vm_config_set_str(c, &n->rx_rate_limiter, rx) ||
	      vm_config_set_str(c, &n->tx_rate_limiter, tx);
	free(rx);
	free(tx);
	if (ret)
		return pv_seterr(err, ENOMEM, "out of memory");
	if (i == c->nr_nets)
		c->nr_nets++;
	return 0;
}

static const struct fspec vsock_f[] = {
	{ "guest_cid", FT_INT, true },
	{ "uds_path", FT_STR, true },
	{ "vsock_id", FT_STR, false },
};

int model_vsock(struct vm_config *c, json_t *body, struct pv_error *err)
{
	json_int_t cid;
	const char *uds;

	if (check_fields(body, vsock_f, ARRAY_LEN(vsock_f), err))
		return -EBADMSG;
	cid = json_integer_value(field(body, "guest_cid"));
	if (cid < 3 || cid > 0xffffffffll)
		return pv_seterr(
			err, EINVAL,
			"guest_cid %lld: give 3 or more (0-2 are reserved; 2 is the host)",
			(long long)cid);
	uds = str_of(body, "uds_path");
	if (!*uds)
		return pv_seterr(err, EINVAL,
				 "uds_path: give the host Unix socket path");
	if (vm_config_set_str(c, &c->vsock.uds_path, uds) ||
	    vm_config_set_str(c, &c->vsock.vsock_id, str_of(body, "vsock_id")))
		return pv_seterr(err, ENOMEM, "out of memory");
	c->vsock.cid = (uint32_t)cid;
	c->vsock.present = true;
	return 0;
}

static const struct fspec passthrough_f[] = {
	{ "id", FT_STR, true },
	{ "sbdf", FT_STR, true },
	{ "managed", FT_BOOL, false }, /* passvm extension */
};

int model_passthrough(struct vm_config *c, const char *path_id, json_t *body,
		      struct pv_error *err)
{
	struct pci_addr a, b;
	const char *id, *sbdf;
	unsigned int i;
	int ret;

	if (check_fields(body, passthrough_f, ARRAY_LEN(passthrough_f), err))
		return -EBADMSG;
	id = str_of(body, "id");
	ret = check_id(path_id, id, "id", err);
	if (ret)
		return ret;
	sbdf = str_of(body, "sbdf");
	if (pci_addr_parse(sbdf, &a))
		return pv_seterr(
			err, EINVAL,
			"sbdf '%s': give a host PCI address like 0000:01:02.3 or 01:02.3 (see lspci -D)",
			sbdf);
	for (i = 0; i < c->nr_vfio; i++)
		if (!strcmp(c->vfio[i].id, id))
			break;
	for (unsigned int j = 0; j < c->nr_vfio; j++)
		if (j != i && !pci_addr_parse(c->vfio[j].bdf, &b) &&
		    a.domain == b.domain && a.bus == b.bus && a.dev == b.dev &&
		    a.fn == b.fn)
			return pv_seterr(
				err, EINVAL,
				"Duplicate device passthrough SBDF: %s is already device '%s'",
				sbdf, c->vfio[j].id);
	if (i == c->nr_vfio && i == VM_MAX_PASSTHROUGH)
		return pv_seterr(err, EINVAL, "at most %d passthrough devices",
				 VM_MAX_PASSTHROUGH);
	snprintf(c->vfio[i].id, sizeof(c->vfio[i].id), "%s", id);
	snprintf(c->vfio[i].bdf, sizeof(c->vfio[i].bdf), "%s", sbdf);
	c->vfio[i].managed = json_is_true(field(body, "managed"));
	if (i == c->nr_vfio)
		c->nr_vfio++;
	return 0;
}

static const struct fspec logger_f[] = {
	{ "log_path", FT_STR, false },	  { "level", FT_STR, false },
	{ "show_level", FT_BOOL, false }, { "show_log_origin", FT_BOOL, false },
	{ "module", FT_STR, false },
};

const char *model_log_level(const char *name, enum log_level *lv)
{
	static const struct {
		char name[8];
		unsigned char lv; /* enum log_level */
	} levels[] = {
		{ "Off", LOG_LEVEL_OFF },	  { "Error", LOG_LEVEL_ERROR },
		{ "Warning", LOG_LEVEL_WARNING }, { "Info", LOG_LEVEL_INFO },
		{ "Debug", LOG_LEVEL_INFO },	  { "Trace", LOG_LEVEL_INFO },
	};

	for (size_t i = 0; i < ARRAY_LEN(levels); i++)
		if (!strcasecmp(name, levels[i].name) ||
		    (levels[i].lv == LOG_LEVEL_WARNING &&
		     !strcasecmp(name, "Warn"))) {
			*lv = (enum log_level)levels[i].lv;
			return levels[i].name;
		}
	return NULL;
}

int model_logger(struct vm_config *c, json_t *body, struct pv_error *err)
{
	enum log_level unused;
	const char *s, *lv;

	if (check_fields(body, logger_f, ARRAY_LEN(logger_f), err))
		return -EBADMSG;
	if (str_of(body, "module"))
		return pv_seterr(
			err, EINVAL,
			"module '%s': not supported (passvm's messages have no module): leave it out",
			str_of(body, "module"));
	s = str_of(body, "level");
	lv = s ? model_log_level(s, &unused) : NULL;
	if (s && !lv)
		return pv_seterr(err, EINVAL, "level '%s': %s", s,
				 MODEL_LEVELS_HINT);
	if (vm_config_set_str(c, &c->logger.log_path,
			      str_of(body, "log_path")) ||
	    vm_config_set_str(c, &c->logger.level, lv))
		return pv_seterr(err, ENOMEM, "out of memory");
	c->logger.show_level = json_is_true(field(body, "show_level"));
	c->logger.show_log_origin =
		json_is_true(field(body, "show_log_origin"));
	c->logger.set = true;
	return 0;
}

static const struct fspec metrics_f[] = {
	{ "metrics_path", FT_STR, true },
	{ "emit_id", FT_BOOL, false },
	{ "properties", FT_OBJ, false },
};

int model_metrics(struct vm_config *c, json_t *body, struct pv_error *err)
{
	json_t *props, *v;
	const char *k;
	char *text = NULL;
	int ret;

	if (check_fields(body, metrics_f, ARRAY_LEN(metrics_f), err))
		return -EBADMSG;
	if (c->metrics.set)
		return pv_seterr(err, EINVAL,
				 "Reinitialization of metrics not allowed.");
	props = field(body, "properties");
	json_object_foreach(props, k, v)
	{
		if (!json_is_string(v))
			return pv_seterr(
				err, EBADMSG,
				"invalid type: expected a string for `properties.%.64s`",
				k);
	}
	if (props) {
		text = json_dumps(props, JSON_COMPACT | JSON_SORT_KEYS);
		if (!text)
			return pv_seterr(err, ENOMEM, "out of memory");
	}
	ret = vm_config_set_str(c, &c->metrics.path,
				str_of(body, "metrics_path")) ||
	      vm_config_set_str(c, &c->metrics.properties, text);
	free(text);
	if (ret)
		return pv_seterr(err, ENOMEM, "out of memory");
	c->metrics.emit_id = json_is_true(field(body, "emit_id"));
	c->metrics.set = true;
	return 0;
}

static const struct fspec serial_f[] = {
	{ "serial_out_path", FT_STR, false },
	{ "rate_limiter", FT_OBJ, false },
};

int model_serial(struct vm_config *c, json_t *body, struct pv_error *err)
{
	const char *p;
	int ret;

	if (check_fields(body, serial_f, ARRAY_LEN(serial_f), err))
		return -EBADMSG;
	ret = field(body, "rate_limiter") ?
		      check_bucket(field(body, "rate_limiter"), "rate_limiter",
				   err) :
		      0;
	if (ret)
		return ret;
	p = str_of(body, "serial_out_path");
	if (vm_config_set_str(c, &c->console_path, p))
		return pv_seterr(err, ENOMEM, "out of memory");
	c->console = p ? CONSOLE_FILE : CONSOLE_NONE;
	c->console_given = true;
	return 0;
}
