// SPDX-License-Identifier: GPL-2.0
/*
 * SR-IOV state from sysfs: a PF's counts and autoprobe, its VFs, a VF's
 * PF, who uses a VF, and `passvm sriov PF`'s listing; see host/sriov.h.
 * Making and removing VFs is host/sriov_numvfs.c's. Sources:
 * Documentation/ABI/testing/sysfs-bus-pci, Documentation/PCI/
 * pci-iov-howto.rst, proc(5) (/proc/PID/fd, /proc/PID/comm).
 */
#include "host/sriov_int.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define VFIO_DRIVER "vfio-pci"

void sriov_env_default(struct sriov_env *env)
{
	memset(env, 0, sizeof(*env));
	bind_env_default(&env->bind);
	env->dev = "/dev";
	env->state_dir = SRIOV_STATE_DIR;
}

int sriov_dev_path(char *buf, size_t len, const char *sysfs,
		   const struct pci_addr *a, const char *leaf)
{
	char bdf[PCI_ADDR_STRLEN];

	pci_addr_format(a, bdf);
	return sysfs_path(buf, len, "%s/bus/pci/devices/%s%s%s", sysfs, bdf,
			  leaf ? "/" : "", leaf ? leaf : "");
}

int sriov_read_uint(const char *sysfs, const struct pci_addr *a,
		    const char *leaf, unsigned int *val)
{
	char path[4096], text[32], *end;
	unsigned long v;
	int r;

	r = sriov_dev_path(path, sizeof(path), sysfs, a, leaf);
	if (!r)
		r = sysfs_read_text(path, text, sizeof(text));
	if (r)
		return r;
	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || end == text || *end || v > 0xffff)
		return -EINVAL;
	*val = (unsigned int)v;
	return 0;
}

/* The PCI function a sysfs link (BDF/@leaf) points at. */
static int link_addr(const char *sysfs, const struct pci_addr *a,
		     const char *leaf, struct pci_addr *out)
{
	char path[4096], target[4096];
	const char *base;
	ssize_t n;
	int r;

	r = sriov_dev_path(path, sizeof(path), sysfs, a, leaf);
	if (r)
		return r;
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	while (n > 1 && target[n - 1] == '/')
		target[--n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	return pci_addr_parse(base, out) ? -EINVAL : 0;
}

int sriov_vf_addr(const char *sysfs, const struct pci_addr *pf,
		  unsigned int index, struct pci_addr *vf)
{
	char leaf[32];

	snprintf(leaf, sizeof(leaf), "virtfn%u", index);
	return link_addr(sysfs, pf, leaf, vf);
}

int sriov_vf_physfn(const char *sysfs, const struct pci_addr *vf,
		    struct pci_addr *pf, int *index)
{
	struct pci_addr back;
	unsigned int total = 0, i;
	int r;

	r = link_addr(sysfs, vf, "physfn", pf);
	if (r)
		return r;
	*index = -1;
	if (sriov_read_uint(sysfs, pf, "sriov_totalvfs", &total))
		total = SRIOV_MAX_VFS;
	for (i = 0; i < total && i < SRIOV_MAX_VFS; i++) {
		if (sriov_vf_addr(sysfs, pf, i, &back))
			break;
		if (pci_addr_equal(&back, vf)) {
			*index = (int)i;
			break;
		}
	}
	return 0;
}

/* The first entry of BDF/net/ (sorted), "" if none. */
static void first_netdev(const char *sysfs, const struct pci_addr *a, char *buf,
			 size_t len)
{
	char path[4096];
	struct dirent *de;
	DIR *d;

	buf[0] = '\0';
	if (sriov_dev_path(path, sizeof(path), sysfs, a, "net"))
		return;
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || strlen(de->d_name) >= len)
			continue;
		if (!buf[0] || strcmp(de->d_name, buf) < 0)
			snprintf(buf, len, "%s", de->d_name);
	}
	closedir(d);
}

int sriov_pf_read(const char *sysfs, const char *state_dir,
		  const struct pci_addr *pf, struct sriov_pf *out,
		  struct pv_error *err)
{
	char bdf[PCI_ADDR_STRLEN], pbdf[PCI_ADDR_STRLEN];
	struct pci_addr phys;
	unsigned int ap;
	int r, idx;

	memset(out, 0, sizeof(*out));
	out->autoprobe = out->recorded_autoprobe = -1;
	pci_addr_format(pf, bdf);
	if (!sysfs_pci_exists(sysfs, pf))
		return pv_seterr(
			err, ENOENT,
			"no PCI device %s: check the address with `lspci -D`",
			bdf);
	r = sriov_read_uint(sysfs, pf, "sriov_totalvfs", &out->totalvfs);
	if (r == -ENOENT) {
		if (!sriov_vf_physfn(sysfs, pf, &phys, &idx)) {
			pci_addr_format(&phys, pbdf);
			return pv_seterr(
				err, ENOTSUP,
				"%s is VF %d of %s, not a physical function: VFs are made on the PF, give %s",
				bdf, idx, pbdf, pbdf);
		}
		return pv_seterr(
			err, ENOTSUP,
			"%s is not an SR-IOV physical function (no sriov_totalvfs): see `lspci -vs %s` for an SR-IOV capability; it may need SR-IOV enabled in the firmware setup",
			bdf, bdf);
	}
	if (!r)
		r = sriov_read_uint(sysfs, pf, "sriov_numvfs", &out->numvfs);
	if (r)
		return pv_seterr(err, -r, "cannot read %s's SR-IOV state: %s",
				 bdf, strerror(-r));
	if (!sriov_read_uint(sysfs, pf, "sriov_drivers_autoprobe", &ap))
		out->autoprobe = ap != 0;
	if (sysfs_pci_driver(sysfs, pf, out->driver, sizeof(out->driver)))
		out->driver[0] = '\0';
	first_netdev(sysfs, pf, out->netdev, sizeof(out->netdev));
	if (state_dir)
		sriov_record_read(state_dir, pf, &out->recorded_autoprobe,
				  &out->owner);
	return 0;
}

/* ---- who uses a VF ---- */

/* Is @name all digits (a pid in /proc)? */
static bool is_pid(const char *name)
{
	if (!*name)
		return false;
	for (; *name; name++)
		if (!isdigit((unsigned char)*name))
			return false;
	return true;
}

/*
 * Find a process with an fd linking to @want (or @want2, may be "").
 * Returns its pid, or 0; its name goes to @comm.
 */
static long find_opener(const char *proc, const char *want, const char *want2,
			char *comm, size_t len)
{
	char path[4096], target[256];
	struct dirent *pe, *fe;
	long found = 0;
	DIR *pd, *fd;

	pd = opendir(proc);
	if (!pd)
		return 0;
	while (!found && (pe = readdir(pd))) {
		if (!is_pid(pe->d_name) ||
		    sysfs_path(path, sizeof(path), "%s/%s/fd", proc,
			       pe->d_name))
			continue;
		fd = opendir(path);
		if (!fd)
			continue; /* gone, or not ours to read */
		while ((fe = readdir(fd))) {
			char lp[4400];
			ssize_t n;

			if (fe->d_name[0] == '.' ||
			    sysfs_path(lp, sizeof(lp), "%s/%s", path,
				       fe->d_name))
				continue;
			n = readlink(lp, target, sizeof(target) - 1);
			if (n < 0)
				continue;
			target[n] = '\0';
			if (!strcmp(target, want) ||
			    (want2[0] && !strcmp(target, want2))) {
				found = strtol(pe->d_name, NULL, 10);
				break;
			}
		}
		closedir(fd);
	}
	closedir(pd);
	if (found) {
		sysfs_path(path, sizeof(path), "%s/%ld/comm", proc, found);
		if (sysfs_read_text(path, comm, len))
			snprintf(comm, len, "?");
	}
	return found;
}

/* The VF's VFIO cdev name (vfio-dev/vfioN), "" when it has none. */
static void vfio_cdev(const char *sysfs, const struct pci_addr *vf, char *buf,
		      size_t len)
{
	char path[4096];
	struct dirent *de;
	DIR *d;

	buf[0] = '\0';
	if (sriov_dev_path(path, sizeof(path), sysfs, vf, "vfio-dev"))
		return;
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, "vfio", 4) && strlen(de->d_name) < len)
			snprintf(buf, len, "%s", de->d_name);
	closedir(d);
}

enum sriov_use sriov_vf_user(const struct sriov_env *env,
			     const struct pci_addr *vf, char *why, size_t len)
{
	char drv[64], grp[64], cdev[64] = "", cpath[96] = "", comm[64];
	char path[4096];
	long pid;
	int g, fd;

	why[0] = '\0';
	if (sysfs_pci_driver(env->bind.sysfs, vf, drv, sizeof(drv)))
		drv[0] = '\0';
	if (drv[0] && strcmp(drv, VFIO_DRIVER)) {
		snprintf(why, len, "bound to %s", drv);
		return SRIOV_HOST_DRIVER;
	}
	if (!drv[0] || sysfs_iommu_group(env->bind.sysfs, vf, &g))
		return SRIOV_FREE;
	/* The paths a process's fd links show: the real /dev, always. */
	snprintf(grp, sizeof(grp), "/dev/vfio/%d", g);
	vfio_cdev(env->bind.sysfs, vf, cdev, sizeof(cdev));
	if (cdev[0])
		snprintf(cpath, sizeof(cpath), "/dev/vfio/devices/%s", cdev);
	pid = find_opener(env->bind.proc, grp, cpath, comm, sizeof(comm));
	if (pid) {
		snprintf(why, len, "open in process %ld (%s) as %s", pid, comm,
			 grp);
		return SRIOV_VFIO_USER;
	}
	/* A VFIO group has one opener at a time (vfio_group_fops_open). */
	if (sysfs_path(path, sizeof(path), "%s/vfio/%d", env->dev, g))
		return SRIOV_FREE;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		return SRIOV_FREE;
	}
	if (errno == EBUSY) {
		snprintf(why, len,
			 "its VFIO group %s is open in another process", grp);
		return SRIOV_VFIO_USER;
	}
	return SRIOV_FREE;
}

/* ---- passvm sriov PF ---- */

int sriov_show(const struct sriov_env *env, const struct pci_addr *pf,
	       FILE *out, struct pv_error *err)
{
	static struct vf_link_info links[SRIOV_MAX_VFS];
	char bdf[PCI_ADDR_STRLEN], vbdf[PCI_ADDR_STRLEN], drv[64], why[160];
	struct pv_error lerr = { "" };
	int r, nlinks = -1, k;
	struct sriov_pf p;
	unsigned int i;

	r = sriov_pf_read(env->bind.sysfs, env->state_dir, pf, &p, err);
	if (r)
		return r;
	if (p.netdev[0] && p.numvfs)
		nlinks = vf_link_get(p.netdev, links, SRIOV_MAX_VFS, &lerr);
	pci_addr_format(pf, bdf);
	fprintf(out,
		"%s: SR-IOV PF, %u of %u VFs, driver %s, netdev %s, autoprobe %s",
		bdf, p.numvfs, p.totalvfs, p.driver[0] ? p.driver : "none",
		p.netdev[0] ? p.netdev : "none",
		p.autoprobe < 0 ? "unknown" :
		p.autoprobe	? "on" :
				  "off");
	if (p.recorded_autoprobe >= 0)
		fprintf(out, " (was %s before passvm made the VFs%s)",
			p.recorded_autoprobe ? "on" : "off",
			p.owner ? ", for a passvm run" : "");
	fputc('\n', out);
	for (i = 0; i < p.numvfs && i < SRIOV_MAX_VFS; i++) {
		struct pci_addr vf;
		enum sriov_use u;
		int g;

		if (sriov_vf_addr(env->bind.sysfs, pf, i, &vf)) {
			fprintf(out, "  VF %u: no virtfn%u link\n", i, i);
			continue;
		}
		pci_addr_format(&vf, vbdf);
		if (sysfs_pci_driver(env->bind.sysfs, &vf, drv, sizeof(drv)))
			drv[0] = '\0';
		u = sriov_vf_user(env, &vf, why, sizeof(why));
		fprintf(out, "  VF %u: %s", i, vbdf);
		if (!sysfs_iommu_group(env->bind.sysfs, &vf, &g))
			fprintf(out, ", IOMMU group %d", g);
		else
			fputs(", no IOMMU group", out);
		fprintf(out, ", driver %s%s%s", drv[0] ? drv : "none",
			u == SRIOV_VFIO_USER ? ", " : "",
			u == SRIOV_VFIO_USER ? why : "");
		for (k = 0; k < nlinks && k < SRIOV_MAX_VFS; k++) {
			if (links[k].vf != i)
				continue;
			fputs("; ", out);
			sriov_print_vf_link(&links[k], out);
			break;
		}
		fputc('\n', out);
	}
	if (nlinks < 0 && lerr.msg[0])
		fprintf(out, "  (no MAC/VLAN state: %s)\n", lerr.msg);
	return 0;
}
