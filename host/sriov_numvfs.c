// SPDX-License-Identifier: GPL-2.0
/*
 * Making and removing a PF's VFs: sriov_drivers_autoprobe, sriov_numvfs,
 * the virtfnN links, the PF records; see host/sriov.h. Sources:
 * Documentation/ABI/testing/sysfs-bus-pci, the kernel's
 * sriov_numvfs_store() and sriov_drivers_autoprobe_store()
 * (drivers/pci/iov.c), pci_device_can_probe() (drivers/pci/pci-driver.c).
 */
#include "host/sriov_int.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/parse.h"

#define VFIO_DRIVER "vfio-pci"

/* ---- records ---- */

static int record_path(char *buf, size_t len, const char *state_dir,
		       const struct pci_addr *pf)
{
	char bdf[PCI_ADDR_STRLEN];

	pci_addr_format(pf, bdf);
	return sysfs_path(buf, len, "%s/%s", state_dir, bdf);
}

int sriov_record_read(const char *state_dir, const struct pci_addr *pf,
		      int *autoprobe, long *owner)
{
	char path[4096], text[128];
	int ap = -1, r;
	long pid = 0;
	uint64_t v;
	char *line, *save = NULL;

	*autoprobe = -1;
	*owner = 0;
	r = record_path(path, sizeof(path), state_dir, pf);
	if (!r)
		r = sysfs_read_text(path, text, sizeof(text));
	if (r)
		return r;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strcmp(line, "autoprobe 1") ||
		    !strcmp(line, "autoprobe 0"))
			ap = line[10] - '0';
		else if (strncmp(line, "owner ", 6) ||
			 parse_u64(line + 6, 10, &v) || v > LONG_MAX)
			return -EINVAL;
		else
			pid = (long)v;
	}
	if (ap < 0)
		return -EINVAL;
	*autoprobe = ap;
	*owner = pid;
	return 0;
}

/* Write the record atomically (state_write), or say so. */
static int record_write(const struct sriov_env *env, const struct pci_addr *pf,
			int autoprobe, long owner)
{
	char path[4096], text[64];
	int r;

	r = record_path(path, sizeof(path), env->state_dir, pf);
	if (r)
		return r;
	if (env->bind.dry_run) {
		fprintf(env->bind.dry_run, "  record \"autoprobe %d\" in %s\n",
			autoprobe, path);
		return 0;
	}
	if (owner)
		snprintf(text, sizeof(text), "autoprobe %d\nowner %ld\n",
			 autoprobe, owner);
	else
		snprintf(text, sizeof(text), "autoprobe %d\n", autoprobe);
	return state_write(env->state_dir, path, text);
}

static void record_delete(const struct sriov_env *env,
			  const struct pci_addr *pf)
{
	char path[4096];

	if (record_path(path, sizeof(path), env->state_dir, pf))
		return;
	if (env->bind.dry_run)
		fprintf(env->bind.dry_run, "  delete the record %s\n", path);
	else
		unlink(path);
}

/* ---- sysfs ---- */

static int write_attr(const struct sriov_env *env, const struct pci_addr *pf,
		      const char *leaf, const char *data)
{
	char path[4096];
	int r = sysfs_pci_path(path, sizeof(path), env->bind.sysfs, pf, leaf);

	return r ? r : bind_sysfs_write(&env->bind, path, data);
}

/*
 * Wait until the PF has exactly @n virtfnN links (virtfn0..n-1 there,
 * virtfn@n not), up to env->bind.settle_ms per VF (0: 1000 ms), at least
 * one period. A dry run assumes the kernel obeys.
 */
static bool wait_vfs(const struct sriov_env *env, const struct pci_addr *pf,
		     unsigned int n)
{
	unsigned int ms = env->bind.settle_ms ? env->bind.settle_ms : 1000;
	const struct timespec step = { 0, 10 * 1000000L };
	unsigned long waited = 0, limit = (unsigned long)ms * (n ? n : 1);
	struct pci_addr vf;

	if (env->bind.dry_run)
		return true;
	for (;;) {
		unsigned int i = 0;

		while (i < n && !sriov_vf_addr(env->bind.sysfs, pf, i, &vf))
			i++;
		if (i == n && sriov_vf_addr(env->bind.sysfs, pf, n, &vf))
			return true;
		if (waited >= limit)
			return false;
		nanosleep(&step, NULL);
		waited += 10;
	}
}

static const char *hint(int r)
{
	if (r == -EACCES || r == -EPERM)
		return "run passvm as root";
	return "check dmesg";
}

/*
 * Are the PF's @n VFs free to be removed? A VFIO user never (the kernel
 * would wait for it to let go); a host driver unless @force.
 */
static int vfs_free(const struct sriov_env *env, const struct pci_addr *pf,
		    unsigned int n, bool force, struct pv_error *err)
{
	char bdf[PCI_ADDR_STRLEN], vbdf[PCI_ADDR_STRLEN], why[160];
	unsigned int i;

	pci_addr_format(pf, bdf);
	for (i = 0; i < n && i < SRIOV_MAX_VFS; i++) {
		struct pci_addr vf;

		if (sriov_vf_addr(env->bind.sysfs, pf, i, &vf))
			continue;
		pci_addr_format(&vf, vbdf);
		switch (sriov_vf_user(env, &vf, why, sizeof(why))) {
		case SRIOV_VFIO_USER:
			return pv_seterr(
				err, EBUSY,
				"VF %u of %s (%s) is in use: %s: stop that VM first (the kernel would wait for it to let go)",
				i, bdf, vbdf, why);
		case SRIOV_HOST_DRIVER:
			if (force)
				break;
			return pv_seterr(
				err, EBUSY,
				"VF %u of %s (%s) is %s, a host driver: unbind it first (`echo %s > /sys/bus/pci/devices/%s/driver/unbind`), or pass --force to remove it anyway",
				i, bdf, vbdf, why, vbdf, vbdf);
		case SRIOV_FREE:
			break;
		}
	}
	return 0;
}

/* The kernel's refusal of a write to sriov_numvfs, said with its cause. */
static int numvfs_error(int r, const struct pci_addr *pf, unsigned int n,
			const struct sriov_pf *p, struct pv_error *err)
{
	char bdf[PCI_ADDR_STRLEN];

	pci_addr_format(pf, bdf);
	switch (r) {
	case -ENOENT:
		return pv_seterr(
			err, ENOENT,
			"%s's driver %s cannot configure SR-IOV through sysfs (sriov_numvfs: %s): load a driver that can (e.g. igb, ixgbe, ice, mlx5_core) or use its own tool",
			bdf, p->driver, strerror(-r));
	case -ERANGE:
		return pv_seterr(
			err, ERANGE,
			"%s refused %u VFs (sriov_numvfs: %s): it supports at most %u",
			bdf, n, strerror(-r), p->totalvfs);
	case -EBUSY:
		return pv_seterr(
			err, EBUSY,
			"%s refused %u VFs (sriov_numvfs: %s): VFs are still there or in use; remove them first with `passvm sriov %s --remove`",
			bdf, n, strerror(-r), bdf);
	case -ENOMEM:
	case -ENOSPC:
	case -EIO:
		return pv_seterr(
			err, -r,
			"%s's driver %s failed to enable %u VFs (sriov_numvfs: %s): check dmesg; \"not enough MMIO resources\" or bus numbers need SR-IOV enabled in the firmware setup, or pci=realloc on the kernel command line",
			bdf, p->driver, n, strerror(-r));
	default:
		return pv_seterr(err, -r,
				 "cannot write %u to %s's sriov_numvfs: %s: %s",
				 n, bdf, strerror(-r), hint(r));
	}
}

static int write_numvfs(const struct sriov_env *env, const struct pci_addr *pf,
			unsigned int n, const struct sriov_pf *p,
			struct pv_error *err)
{
	char text[16], bdf[PCI_ADDR_STRLEN];
	int r;

	snprintf(text, sizeof(text), "%u", n);
	r = write_attr(env, pf, "sriov_numvfs", text);
	if (r)
		return numvfs_error(r, pf, n, p, err);
	if (!wait_vfs(env, pf, n)) {
		pci_addr_format(pf, bdf);
		return pv_seterr(
			err, ETIMEDOUT,
			"%s took %u VFs but their sysfs entries (virtfn0..%u) did not settle: check dmesg",
			bdf, n, n ? n - 1 : 0);
	}
	return 0;
}

/* Give back from vfio-pci the PF's VFs that are on it (records go). */
static int release_vfs(const struct sriov_env *env, const struct pci_addr *pf,
		       unsigned int n, FILE *out)
{
	struct pci_addr vfs[SRIOV_MAX_VFS];
	unsigned int i, k = 0;
	char drv[64];

	for (i = 0; i < n && i < SRIOV_MAX_VFS; i++)
		if (!sriov_vf_addr(env->bind.sysfs, pf, i, &vfs[k]) &&
		    !sysfs_pci_driver(env->bind.sysfs, &vfs[k], drv,
				      sizeof(drv)) &&
		    !strcmp(drv, VFIO_DRIVER))
			k++;
	return k ? unbind_run(&env->bind, vfs, (int)k, false, out) : 0;
}

/* ---- the two directions ---- */

int sriov_remove(const struct sriov_env *env, const struct pci_addr *pf,
		 bool force, FILE *out, struct pv_error *err)
{
	char bdf[PCI_ADDR_STRLEN];
	struct sriov_pf p;
	int r;

	r = sriov_pf_read(env->bind.sysfs, env->state_dir, pf, &p, err);
	if (r)
		return r;
	pci_addr_format(pf, bdf);
	if (p.numvfs) {
		r = vfs_free(env, pf, p.numvfs, force, err);
		if (r)
			return r;
		r = release_vfs(env, pf, p.numvfs, out);
		if (r)
			return pv_seterr(
				err, -r,
				"cannot give %s's VFs back from vfio-pci (above): nothing removed",
				bdf);
		r = write_numvfs(env, pf, 0, &p, err);
		if (r)
			return r;
		fprintf(out, "%s: %u VFs removed\n", bdf, p.numvfs);
	} else {
		fprintf(out, "%s: no VFs\n", bdf);
	}
	if (p.recorded_autoprobe < 0) {
		if (p.autoprobe == 0)
			fprintf(out,
				"%s: sriov_drivers_autoprobe stays off (no record of its value before; `echo 1 > /sys/bus/pci/devices/%s/sriov_drivers_autoprobe` turns it on)\n",
				bdf, bdf);
		return 0;
	}
	if (p.autoprobe >= 0 && p.autoprobe != p.recorded_autoprobe) {
		r = write_attr(env, pf, "sriov_drivers_autoprobe",
			       p.recorded_autoprobe ? "1" : "0");
		if (r)
			return pv_seterr(
				err, -r,
				"cannot restore %s's sriov_drivers_autoprobe to %d: %s: %s",
				bdf, p.recorded_autoprobe, strerror(-r),
				hint(r));
		fprintf(out, "%s: sriov_drivers_autoprobe back to %d\n", bdf,
			p.recorded_autoprobe);
	}
	record_delete(env, pf);
	return 0;
}

int sriov_create(const struct sriov_env *env, const struct pci_addr *pf,
		 unsigned int numvfs, bool force, long owner, FILE *out,
		 struct pv_error *err)
{
	char bdf[PCI_ADDR_STRLEN];
	struct sriov_pf p;
	int r, orig;

	if (!numvfs)
		return sriov_remove(env, pf, force, out, err);
	r = sriov_pf_read(env->bind.sysfs, env->state_dir, pf, &p, err);
	if (r)
		return r;
	pci_addr_format(pf, bdf);
	if (numvfs > p.totalvfs)
		return pv_seterr(
			err, ERANGE,
			"%s supports at most %u VFs (sriov_totalvfs), not %u: ask for %u or fewer",
			bdf, p.totalvfs, numvfs, p.totalvfs);
	if (!p.driver[0])
		return pv_seterr(
			err, ENOENT,
			"%s has no driver: its VFs are made by the PF's own driver: load it (e.g. `modprobe igb`) or give it back with `passvm unbind %s`",
			bdf, bdf);
	if (!strcmp(p.driver, VFIO_DRIVER))
		return pv_seterr(
			err, ENOTSUP,
			"%s is bound to vfio-pci: passvm makes VFs through the PF's own driver: give it back with `passvm unbind %s`",
			bdf, bdf);
	if (p.numvfs == numvfs) {
		fprintf(out, "%s: already has %u VFs\n", bdf, numvfs);
		return 0;
	}
	if (p.numvfs) {
		/* The kernel takes a new count only from zero. */
		r = vfs_free(env, pf, p.numvfs, force, err);
		if (!r)
			r = release_vfs(env, pf, p.numvfs, out);
		if (!r)
			r = write_numvfs(env, pf, 0, &p, err);
		if (r)
			return r;
	}
	/* The first record wins: it holds the value before any passvm. */
	orig = p.recorded_autoprobe >= 0 ? p.recorded_autoprobe : p.autoprobe;
	if (orig >= 0) {
		r = record_write(env, pf, orig, owner);
		if (r)
			return pv_seterr(
				err, -r,
				"cannot record %s's autoprobe in %s: %s: %s",
				bdf, env->state_dir, strerror(-r), hint(r));
	}
	if (p.autoprobe == 1) {
		r = write_attr(env, pf, "sriov_drivers_autoprobe", "0");
		if (r) {
			if (p.recorded_autoprobe < 0)
				record_delete(env, pf);
			return pv_seterr(
				err, -r,
				"cannot write 0 to %s's sriov_drivers_autoprobe: %s: %s",
				bdf, strerror(-r), hint(r));
		}
	}
	r = write_numvfs(env, pf, numvfs, &p, err);
	if (r) {
		/* The kernel refused: put autoprobe back as it was. */
		if (r != -ETIMEDOUT && p.autoprobe == 1 &&
		    !write_attr(env, pf, "sriov_drivers_autoprobe", "1") &&
		    p.recorded_autoprobe < 0)
			record_delete(env, pf);
		return r;
	}
	fprintf(out, "%s: %u VFs, sriov_drivers_autoprobe off%s\n", bdf, numvfs,
		p.autoprobe == 1 ? " (was on)" : "");
	return 0;
}
