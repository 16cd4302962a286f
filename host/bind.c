// SPDX-License-Identifier: GPL-2.0
/*
 * `passvm bind` / `passvm unbind` and the VMM's managed binding; see
 * host/bind.h (the safety checks are in host/bind_safe.c). Sources: Documentation/ABI/testing/sysfs-bus-pci,
 * Documentation/driver-api/vfio.rst ("VFIO Usage Example").
 */
#include "host/bind.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define VFIO_DRIVER "vfio-pci"
#define NO_VFIO_DRIVER \
	"the vfio-pci driver is not loaded: run `modprobe vfio-pci`"
#define MAX_TARGETS 256

void bind_env_default(struct bind_env *env)
{
	memset(env, 0, sizeof(*env));
	env->sysfs = "/sys";
	env->proc = "/proc";
	env->state_dir = BIND_STATE_DIR;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int bind_sysfs_write(const struct bind_env *env, const char *path,
		     const char *data)
{
	size_t len = strlen(data);
	ssize_t n;
	int fd, e = 0;

	if (env->dry_run) {
		fprintf(env->dry_run, "  write \"%.*s\" to %s\n",
			(int)strcspn(data, "\n"), data, path);
		return 0;
	}
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, data, len);
	if (n < 0)
		e = -errno;
	else if ((size_t)n != len)
		e = -EIO;
	if (close(fd) && !e)
		e = -errno;
	if (!e && env->after_write)
		env->after_write(env->hook_ctx, path, data);
	pv_trace(TRACE_VFIO, "sysfs: write \"%.*s\" to %s",
		 (int)strcspn(data, "\n"), data, path);
	return e;
}

static int dev_attr_path(char *buf, size_t len, const struct bind_env *env,
			 const struct pci_addr *a, const char *attr)
{
	char bdf[PCI_ADDR_STRLEN];

	pci_addr_format(a, bdf);
	return sysfs_path(buf, len, "%s/bus/pci/devices/%s%s%s", env->sysfs,
			  bdf, attr ? "/" : "", attr ? attr : "");
}

static int write_dev_attr(const struct bind_env *env, const struct pci_addr *a,
			  const char *attr, const char *data)
{
	char path[4096];
	int r = dev_attr_path(path, sizeof(path), env, a, attr);

	return r ? r : bind_sysfs_write(env, path, data);
}

/* Write BDF to drivers/@drv/@op (op: "bind" or "unbind"). */
static int driver_op(const struct bind_env *env, const char *drv,
		     const char *op, const struct pci_addr *a)
{
	char path[4096], bdf[PCI_ADDR_STRLEN];
	int r;

	pci_addr_format(a, bdf);
	r = sysfs_path(path, sizeof(path), "%s/bus/pci/drivers/%s/%s",
		       env->sysfs, drv, op);
	return r ? r : bind_sysfs_write(env, path, bdf);
}

static int drivers_probe(const struct bind_env *env, const struct pci_addr *a)
{
	char path[4096], bdf[PCI_ADDR_STRLEN];
	int r;

	pci_addr_format(a, bdf);
	r = sysfs_path(path, sizeof(path), "%s/bus/pci/drivers_probe",
		       env->sysfs);
	return r ? r : bind_sysfs_write(env, path, bdf);
}

static bool driver_loaded(const struct bind_env *env, const char *drv)
{
	char path[4096];

	if (sysfs_path(path, sizeof(path), "%s/bus/pci/drivers/%s", env->sysfs,
		       drv))
		return false;
	return is_dir(path);
}

/*
 * Wait until BDF/driver is @want ("" for none), up to env->settle_ms.
 * Leaves the last driver seen in @now.
 */
static bool wait_driver(const struct bind_env *env, const struct pci_addr *a,
			const char *want, char *now, size_t len)
{
	unsigned int ms = env->settle_ms ? env->settle_ms : 1000, waited = 0;
	const struct timespec step = { 0, 10 * 1000000L };

	if (env->dry_run) { /* nothing was written: assume the kernel obeys */
		snprintf(now, len, "%s", want);
		return true;
	}
	for (;;) {
		if (sysfs_pci_driver(env->sysfs, a, now, len))
			now[0] = '\0';
		if (!strcmp(now, want))
			return true;
		if (waited >= ms)
			return false;
		nanosleep(&step, NULL);
		waited += 10;
	}
}

/* ---- records ---- */

static int record_path(char *buf, size_t len, const struct bind_env *env,
		       const struct pci_addr *a)
{
	char bdf[PCI_ADDR_STRLEN];

	pci_addr_format(a, bdf);
	return sysfs_path(buf, len, "%s/%s", env->state_dir, bdf);
}

/* Write the record atomically (temp file + rename). */
static int record_write(const struct bind_env *env, const struct pci_addr *a,
			const char *drv, bool managed)
{
	char path[4096], tmp[4200];
	FILE *f;
	int r;

	if (env->dry_run) {
		if (!record_path(path, sizeof(path), env, a))
			fprintf(env->dry_run, "  record \"%s\"%s in %s\n", drv,
				managed ? " (managed)" : "", path);
		return 0;
	}
	r = state_mkdir(env->state_dir);
	if (!r)
		r = record_path(path, sizeof(path), env, a);
	if (!r)
		r = sysfs_path(tmp, sizeof(tmp), "%s.tmp", path);
	if (r)
		return r;
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	fprintf(f, "%s\n%s", drv, managed ? "managed\n" : "");
	if (fclose(f)) {
		r = -errno;
		unlink(tmp);
		return r;
	}
	if (rename(tmp, path)) {
		r = -errno;
		unlink(tmp);
		return r;
	}
	return 0;
}

/* Read the record: 0 with @drv and @managed set, -ENOENT when absent. */
static int record_read(const struct bind_env *env, const struct pci_addr *a,
		       char *drv, size_t len, bool *managed)
{
	char path[4096], text[256];
	size_t n;
	int r;

	r = record_path(path, sizeof(path), env, a);
	if (r)
		return r;
	r = sysfs_read_text(path, text, sizeof(text));
	if (r)
		return r;
	n = strcspn(text, "\n");
	*managed = text[n] && !strcmp(text + n + 1, "managed");
	text[n] = '\0';
	if (n >= len)
		return -ERANGE;
	memcpy(drv, text, n + 1);
	return 0;
}

static void record_delete(const struct bind_env *env, const struct pci_addr *a)
{
	char path[4096];

	if (record_path(path, sizeof(path), env, a))
		return;
	if (env->dry_run)
		fprintf(env->dry_run, "  delete the record %s\n", path);
	else
		unlink(path);
}

/* ---- the two directions ---- */

static const char *errhint(int r)
{
	if (r == -EACCES || r == -EPERM)
		return "run passvm as root";
	return "check dmesg";
}

/*
 * Give @a back to @orig ("" = leave it driverless; NULL = let drivers_probe
 * choose). Leaves the driver now bound in @now.
 */
static int release(const struct bind_env *env, const struct pci_addr *a,
		   const char *orig, char *now, size_t nowlen,
		   struct pv_error *err)
{
	char bdf[PCI_ADDR_STRLEN], cur[64];
	int r;

	pci_addr_format(a, bdf);
	r = write_dev_attr(env, a, "driver_override", "\n");
	if (r)
		return pv_seterr(err, -r,
				 "cannot clear %s/driver_override: %s: %s", bdf,
				 strerror(-r), errhint(r));
	if (sysfs_pci_driver(env->sysfs, a, cur, sizeof(cur)))
		cur[0] = '\0';
	if (!strcmp(cur, VFIO_DRIVER)) {
		r = driver_op(env, VFIO_DRIVER, "unbind", a);
		if (r)
			return pv_seterr(
				err, r,
				"cannot unbind %s from vfio-pci: %s: %s (is a VM still using it?)",
				bdf, strerror(-r), errhint(r));
		if (!wait_driver(env, a, "", cur, sizeof(cur)))
			return pv_seterr(
				err, EIO,
				"%s is still bound to %s after unbind: check dmesg",
				bdf, cur);
	} else if (cur[0]) {
		/* Someone else's: not ours to change. */
		snprintf(now, nowlen, "%s", cur);
		return 0;
	}
	if (orig && !orig[0]) {
		now[0] = '\0';
		return 0;
	}
	if (orig && driver_loaded(env, orig)) {
		r = driver_op(env, orig, "bind", a);
		if (r)
			return pv_seterr(err, -r,
					 "cannot bind %s to %s: %s: %s", bdf,
					 orig, strerror(-r), errhint(r));
	} else {
		r = drivers_probe(env, a);
		if (r)
			return pv_seterr(
				err, r,
				"cannot write %s to drivers_probe: %s: %s", bdf,
				strerror(-r), errhint(r));
	}
	if (orig && !wait_driver(env, a, orig, now, nowlen))
		return pv_seterr(
			err, EIO,
			"%s did not go back to %s (driver now \"%s\"): load it with `modprobe %s` and run `passvm unbind %s` again",
			bdf, orig, now, orig, bdf);
	if (!orig && sysfs_pci_driver(env->sysfs, a, now, nowlen))
		now[0] = '\0';
	return 0;
}

/*
 * The common part of bind_vfio() and `passvm bind`. Returns 0 (bound), 1
 * (already on vfio-pci) or a negative errno.
 */
static int do_bind(const struct bind_env *env, const struct pci_addr *a,
		   bool force, bool managed, char *orig, size_t olen,
		   struct pv_error *err)
{
	char bdf[PCI_ADDR_STRLEN], now[64], tmp[64];
	struct pv_error e2;
	int r;

	pci_addr_format(a, bdf);
	if (!sysfs_pci_exists(env->sysfs, a))
		return pv_seterr(
			err, ENOENT,
			"no PCI device %s: check the address with `lspci -D`",
			bdf);
	r = sysfs_pci_driver(env->sysfs, a, orig, olen);
	if (r)
		return pv_seterr(err, -r, "cannot read %s's driver: %s", bdf,
				 strerror(-r));
	if (!strcmp(orig, VFIO_DRIVER))
		return 1;
	if (!force) {
		r = bind_check_safe(env, a, err);
		if (r)
			return r;
	}
	if (!driver_loaded(env, VFIO_DRIVER))
		return pv_seterr(err, ENODEV, NO_VFIO_DRIVER);

	/* Record first, so an interrupted bind can still be undone. */
	r = record_write(env, a, orig, managed);
	if (r)
		return pv_seterr(err, -r,
				 "cannot record %s's driver in %s: %s: %s", bdf,
				 env->state_dir, strerror(-r), errhint(r));
	r = write_dev_attr(env, a, "driver_override", VFIO_DRIVER);
	if (r) {
		record_delete(env, a);
		return pv_seterr(err, -r,
				 "cannot write %s/driver_override: %s: %s", bdf,
				 strerror(-r), errhint(r));
	}
	if (orig[0]) {
		r = driver_op(env, orig, "unbind", a);
		if (r) {
			pv_seterr(err, -r, "cannot unbind %s from %s: %s: %s",
				  bdf, orig, strerror(-r), errhint(r));
			goto undo;
		}
	}
	r = drivers_probe(env, a);
	if (r) {
		pv_seterr(err, -r, "cannot write %s to drivers_probe: %s: %s",
			  bdf, strerror(-r), errhint(r));
		goto undo;
	}
	if (!wait_driver(env, a, VFIO_DRIVER, now, sizeof(now))) {
		r = -EIO;
		pv_seterr(
			err, r,
			"%s did not bind to vfio-pci (driver now \"%s\"): check dmesg; %s was given back to %s",
			bdf, now, bdf, orig[0] ? orig : "no driver");
		goto undo;
	}
	return 0;
undo:
	if (!release(env, a, orig, tmp, sizeof(tmp), &e2))
		record_delete(env, a);
	return r;
}

int bind_vfio(const struct bind_env *env, const struct pci_addr *a, bool force,
	      struct pv_error *err)
{
	char orig[64];
	int r;

	r = do_bind(env, a, force, true, orig, sizeof(orig), err);
	if (r >= 0) {
		char bdf[PCI_ADDR_STRLEN];

		pci_addr_format(a, bdf);
		pv_trace(TRACE_VFIO, "%s: %s -> vfio-pci%s", bdf,
			 orig[0] ? orig : "(none)", r ? " (already)" : "");
	}
	return r;
}

int bind_restore(const struct bind_env *env, const struct pci_addr *a,
		 struct pv_error *err)
{
	char orig[64], now[64];
	bool managed;
	int r;

	r = record_read(env, a, orig, sizeof(orig), &managed);
	if (r == -ENOENT || (!r && !managed))
		return 0;
	if (r)
		return pv_seterr(err, -r,
				 "cannot read the bind record in %s: %s",
				 env->state_dir, strerror(-r));
	r = release(env, a, orig, now, sizeof(now), err);
	if (r)
		return r;
	record_delete(env, a);
	return 0;
}

/* ---- the subcommands ---- */

/*
 * Expand @addrs into @out (deduplicated; with @group, every group member
 * but the infrastructure functions that do not keep the group from being
 * viable: PCI bridges, and host/ISA/... bridges with no driver). A member
 * of base class 0x06 that does block is kept, so that bind_check_safe()
 * refuses it by name. Returns the count or a negative errno (message
 * printed).
 */
static int expand(const struct bind_env *env, const struct pci_addr *addrs,
		  int n, bool group, struct pci_addr *out, int max)
{
	struct pci_addr members[MAX_TARGETS];
	char bdf[PCI_ADDR_STRLEN];
	int i, j, count = 0;

	for (i = 0; i < n; i++) {
		int g, m, r;

		pci_addr_format(&addrs[i], bdf);
		if (!sysfs_pci_exists(env->sysfs, &addrs[i])) {
			pv_err("no PCI device %s: check the address with `lspci -D`",
			       bdf);
			return -ENOENT;
		}
		if (!group) {
			if (!pci_addr_in(out, count, &addrs[i]) && count < max)
				out[count++] = addrs[i];
			continue;
		}
		r = sysfs_iommu_group(env->sysfs, &addrs[i], &g);
		if (r) {
			pv_err("%s has no IOMMU group (%s): enable the IOMMU (intel_iommu=on or amd_iommu=on), see `passvm doctor`",
			       bdf, strerror(-r));
			return r;
		}
		m = sysfs_group_devices(env->sysfs, g, members, MAX_TARGETS);
		if (m < 0) {
			pv_err("cannot list IOMMU group %d: %s", g,
			       strerror(-m));
			return m;
		}
		for (j = 0; j < m && j < MAX_TARGETS; j++) {
			char drv[64];

			if (sysfs_pci_is_infra(env->sysfs, &members[j], NULL) &&
			    !sysfs_group_member_blocks(env->sysfs, &members[j],
						       drv, sizeof(drv)))
				continue;
			if (!pci_addr_in(out, count, &members[j]) &&
			    count < max)
				out[count++] = members[j];
		}
	}
	return count;
}

int bind_run(const struct bind_env *env, const struct pci_addr *addrs, int n,
	     bool group, bool force, FILE *out)
{
	struct pci_addr t[MAX_TARGETS];
	char bdf[PCI_ADDR_STRLEN], orig[64];
	struct pv_error err;
	int i, count, r;

	count = expand(env, addrs, n, group, t, MAX_TARGETS);
	if (count < 0)
		return count;
	/* Refuse before touching anything. */
	for (i = 0; i < count; i++) {
		if (sysfs_pci_driver(env->sysfs, &t[i], orig, sizeof(orig)) ||
		    !strcmp(orig, VFIO_DRIVER))
			continue;
		if (!driver_loaded(env, VFIO_DRIVER)) {
			pv_err(NO_VFIO_DRIVER);
			return -ENODEV;
		}
		r = force ? 0 : bind_check_safe(env, &t[i], &err);
		if (r) {
			pv_err("refusing to bind: %s", err.msg);
			return r;
		}
	}
	for (i = 0; i < count; i++) {
		pci_addr_format(&t[i], bdf);
		if (env->dry_run &&
		    !sysfs_pci_driver(env->sysfs, &t[i], orig, sizeof(orig)) &&
		    strcmp(orig, VFIO_DRIVER))
			fprintf(out, "%s: would go from %s to vfio-pci:\n", bdf,
				orig[0] ? orig : "no driver");
		r = do_bind(env, &t[i], force, false, orig, sizeof(orig), &err);
		if (r < 0) {
			pv_err("%s", err.msg);
			return r;
		}
		if (r == 1)
			fprintf(out, "%s: already bound to vfio-pci\n", bdf);
		else if (!env->dry_run)
			fprintf(out, "%s: %s -> vfio-pci\n", bdf,
				orig[0] ? orig : "(no driver)");
	}
	return 0;
}

int unbind_run(const struct bind_env *env, const struct pci_addr *addrs, int n,
	       bool group, FILE *out)
{
	struct pci_addr t[MAX_TARGETS];
	char bdf[PCI_ADDR_STRLEN], orig[64], now[64], cur[64];
	struct pv_error err;
	int i, count, r, ret = 0;

	count = expand(env, addrs, n, group, t, MAX_TARGETS);
	if (count < 0)
		return count;
	for (i = 0; i < count; i++) {
		bool managed, have;

		pci_addr_format(&t[i], bdf);
		r = record_read(env, &t[i], orig, sizeof(orig), &managed);
		if (r && r != -ENOENT) {
			pv_err("cannot read the bind record for %s in %s: %s",
			       bdf, env->state_dir, strerror(-r));
			ret = ret ? ret : r;
			continue;
		}
		have = !r;
		if (sysfs_pci_driver(env->sysfs, &t[i], cur, sizeof(cur)))
			cur[0] = '\0';
		if (!have && strcmp(cur, VFIO_DRIVER)) {
			fprintf(out, "%s: not bound to vfio-pci (driver %s)\n",
				bdf, cur[0] ? cur : "none");
			continue;
		}
		if (env->dry_run)
			fprintf(out, "%s: would go from %s to %s:\n", bdf,
				cur[0] ? cur : "no driver",
				!have	? "the driver the kernel picks" :
				orig[0] ? orig :
					  "no driver");
		r = release(env, &t[i], have ? orig : NULL, now, sizeof(now),
			    &err);
		if (r) {
			pv_err("%s", err.msg);
			ret = ret ? ret : r;
			continue;
		}
		if (have)
			record_delete(env, &t[i]);
		if (!env->dry_run)
			fprintf(out, "%s: vfio-pci -> %s\n", bdf,
				now[0] ? now : "(no driver)");
	}
	return ret;
}
