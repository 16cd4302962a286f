// SPDX-License-Identifier: GPL-2.0
/* --disk, --net and --vsock into the VM description, one parser each. */
#include "vmm/cli_dev.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/model_util.h"
#include "vmm/virtio_glue.h"

#define TAP_NAME_MAX 15 /* IFNAMSIZ - 1 */
#define SERIAL_MAX 20 /* VIRTIO_BLK_ID_BYTES */

/*
 * next_field() - the next comma-separated field of *@s into @buf (size
 * @n), *@s moved past it (NULL at the end). False when there is none;
 * a field too long for @buf comes back empty with *@too_long.
 */
static bool next_field(const char **s, char *buf, size_t n, bool *too_long)
{
	const char *c;
	size_t len;

	*too_long = false;
	if (!*s)
		return false;
	c = strchr(*s, ',');
	len = c ? (size_t)(c - *s) : strlen(*s);
	if (len >= n) {
		*too_long = true;
		buf[0] = '\0';
	} else {
		memcpy(buf, *s, len);
		buf[len] = '\0';
	}
	*s = c ? c + 1 : NULL;
	return true;
}

/* The value of "@key=value" in @field, or NULL when the key differs. */
static const char *value_of(const char *field, const char *key)
{
	size_t k = strlen(key);

	return strncmp(field, key, k) || field[k] != '=' ? NULL : field + k + 1;
}

int cli_parse_fd(const char *opt, const char *arg, int *fd,
		 struct pv_error *err)
{
	/* "--kvm-fd 3" but "--vfio fd=3": no space after a key's '=' */
	const char *sep = *opt && opt[strlen(opt) - 1] == '=' ? "" : " ";
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (errno || *end || end == arg || n < 0 || n > 1048576)
		return pv_seterr(
			err, EINVAL,
			"%s%s'%s': give the number of an inherited open fd, e.g. %s%s3",
			opt, sep, arg, opt, sep);
	if (n < 3)
		return pv_seterr(
			err, EINVAL,
			"%s%s%ld: fds 0-2 are passvm's stdin, stdout and stderr: pass the device as fd 3 or above",
			opt, sep, n);
	*fd = (int)n;
	return 0;
}

static int nomem(struct pv_error *err)
{
	return pv_seterr(err, ENOMEM, "out of memory");
}

static int parse_disk(const char *arg, struct vm_config *o,
		      struct pv_error *err)
{
	char f[4096];
	const char *s = arg, *v;
	struct disk_cfg *d;
	bool long_f;

	if (o->nr_disks == VM_MAX_DRIVES)
		return pv_seterr(err, EINVAL,
				 "at most %d --disk options are supported",
				 VM_MAX_DRIVES);
	d = &o->disks[o->nr_disks];
	memset(d, 0, sizeof(*d));
	if (!next_field(&s, f, sizeof(f), &long_f) || !f[0])
		return pv_seterr(
			err, EINVAL,
			"--disk '%.64s': expected PATH[,ro][,serial=S][,id=ID], e.g. --disk rootfs.ext4",
			arg);
	if (vm_config_set_str(o, &d->path, f))
		return nomem(err);
	while (next_field(&s, f, sizeof(f), &long_f)) {
		if (!strcmp(f, "ro") || !strcmp(f, "rw")) {
			d->read_only = f[1] == 'o';
		} else if ((v = value_of(f, "serial"))) {
			if (!*v || strlen(v) > SERIAL_MAX)
				return pv_seterr(
					err, EINVAL,
					"--disk '%s': serial= takes 1 to %d characters",
					arg, SERIAL_MAX);
			if (vm_config_set_str(o, &d->serial, v))
				return nomem(err);
		} else if ((v = value_of(f, "id"))) {
			if (!vm_id_valid(v, false))
				return pv_seterr(
					err, EINVAL,
					"%s '%s': id= takes 1 to %d of A-Z a-z 0-9 _",
					"--disk", arg, VM_ID_MAX);
			strcpy(d->id, v);
		} else {
			return pv_seterr(
				err, EINVAL,
				"--disk '%.64s': unknown flag '%.32s' (known: ro, serial=S, id=ID)",
				arg, f);
		}
	}
	o->nr_disks++;
	return 0;
}

static int parse_net(const char *arg, struct vm_config *o, struct pv_error *err)
{
	const char *s = arg, *v;
	struct net_cfg *n;
	char f[128];
	bool long_f;

	if (o->nr_nets == VM_MAX_NETS)
		return pv_seterr(err, EINVAL,
				 "at most %d --net options are supported",
				 VM_MAX_NETS);
	n = &o->nets[o->nr_nets];
	memset(n, 0, sizeof(*n));
	while (next_field(&s, f, sizeof(f), &long_f)) {
		if ((v = value_of(f, "tap"))) {
			if (!*v || strlen(v) > TAP_NAME_MAX)
				return pv_seterr(
					err, EINVAL,
					"--net '%s': tap= takes an interface name of 1 to %d characters",
					arg, TAP_NAME_MAX);
			if (vm_config_set_str(o, &n->tap, v))
				return nomem(err);
		} else if ((v = value_of(f, "fd"))) {
			if (cli_parse_fd("--net fd=", v, &n->tap_fd, err))
				return -EINVAL;
		} else if ((v = value_of(f, "vhost-fd"))) {
			if (cli_parse_fd("--net vhost-fd=", v, &n->vhost_fd,
					 err))
				return -EINVAL;
		} else if ((v = value_of(f, "mac"))) {
			if (parse_mac(v, n->mac))
				return pv_seterr(
					err, EINVAL,
					"--net '%s': mac= takes a MAC address like 06:00:ac:10:00:02",
					arg);
			n->has_mac = true;
		} else if ((v = value_of(f, "vhost"))) {
			if (strcmp(v, "on") && strcmp(v, "off"))
				return pv_seterr(
					err, EINVAL,
					"--net '%s': vhost= takes on or off",
					arg);
			n->vhost = v[1] == 'n' ? VM_VHOST_ON : VM_VHOST_OFF;
		} else if ((v = value_of(f, "id"))) {
			if (!vm_id_valid(v, false))
				return pv_seterr(
					err, EINVAL,
					"%s '%s': id= takes 1 to %d of A-Z a-z 0-9 _",
					"--net", arg, VM_ID_MAX);
			strcpy(n->id, v);
		} else {
			return pv_seterr(
				err, EINVAL,
				"--net '%.64s': unknown field '%.32s' (known: tap=NAME, fd=N, mac=MAC, vhost=on|off, vhost-fd=N, id=ID)",
				arg, long_f ? "(too long)" : f);
		}
	}
	if (!n->tap == !n->tap_fd)
		return pv_seterr(
			err, EINVAL,
			"--net '%s': give one of tap=NAME (e.g. --net tap=tap0, after ip tuntap add tap0 mode tap) or fd=N (an inherited open tap)",
			arg);
	if (n->vhost_fd && n->vhost == VM_VHOST_OFF)
		return pv_seterr(
			err, EINVAL,
			"--net '%s': vhost-fd= gives vhost-net, vhost=off refuses it: drop one",
			arg);
	if (n->vhost_fd)
		n->vhost = VM_VHOST_ON;
	o->nr_nets++;
	return 0;
}

static int parse_vsock(const char *arg, struct vm_config *o,
		       struct pv_error *err)
{
	struct vsock_cfg *v = &o->vsock;
	const char *s = arg, *x;
	char f[VIRTIO_UDS_MAX + 8];
	unsigned long long n = 0;
	bool long_f, cid_ok = false;
	char *end;

	if (v->present)
		return pv_seterr(
			err, EINVAL,
			"--vsock is given twice: a VM has one vsock device");
	while (next_field(&s, f, sizeof(f), &long_f)) {
		if (long_f)
			return pv_seterr(
				err, EINVAL,
				"--vsock: uds= takes a Unix socket path of 1 to %d bytes",
				VIRTIO_UDS_MAX);
		if ((x = value_of(f, "cid"))) {
			errno = 0;
			n = strtoull(x, &end, 10);
			cid_ok = *x && !*end && !errno && n >= 3 &&
				 n < UINT32_MAX;
		} else if ((x = value_of(f, "uds"))) {
			if (vm_config_set_str(o, &v->uds_path, x))
				return nomem(err);
		} else {
			return pv_seterr(
				err, EINVAL,
				"--vsock '%s': unknown field '%s' (known: cid=N, uds=PATH)",
				arg, f);
		}
	}
	if (!cid_ok || !v->uds_path || !*v->uds_path)
		return pv_seterr(
			err, EINVAL,
			"--vsock '%s': give cid=N (3 to 4294967294) and uds=PATH, e.g. --vsock cid=3,uds=/tmp/v.sock",
			arg);
	v->cid = (uint32_t)n;
	v->present = true;
	return 0;
}

int cli_dev_opt(int c, const char *arg, struct vm_config *o,
		struct pv_error *err)
{
	switch (c) {
	case O_DEV_DISK:
		return parse_disk(arg, o, err);
	case O_DEV_NET:
		return parse_net(arg, o, err);
	case O_DEV_VSOCK:
		return parse_vsock(arg, o, err);
	}
	return pv_seterr(err, EINVAL, "unknown device option");
}

int cli_dev_check(struct vm_config *o, struct pv_error *err)
{
	for (unsigned int i = 0; i < o->nr_disks; i++)
		if (!o->disks[i].id[0])
			snprintf(o->disks[i].id, sizeof(o->disks[i].id),
				 "blk%u", i);
	for (unsigned int i = 0; i < o->nr_nets; i++)
		if (!o->nets[i].id[0])
			snprintf(o->nets[i].id, sizeof(o->nets[i].id), "net%u",
				 i);
	return virtio_devices_check(o, err);
}
