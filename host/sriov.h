/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SR-IOV on the host: a physical function's (PF's) virtual functions (VFs)
 * made and removed through sysfs, who uses a VF, and the managed VFs of
 * `passvm run --sriov PF,numvfs=N`. Sources: Documentation/PCI/
 * pci-iov-howto.rst, Documentation/ABI/testing/sysfs-bus-pci
 * (sriov_totalvfs, sriov_numvfs, sriov_drivers_autoprobe, virtfnN,
 * physfn), the kernel's sriov_numvfs_store() (drivers/pci/iov.c: a
 * non-zero count only from zero, -ERANGE above sriov_totalvfs, -ENOENT
 * without a driver that can configure SR-IOV), pci_device_can_probe()
 * (drivers/pci/pci-driver.c: with autoprobe off a VF binds only to its
 * driver_override).
 *
 * How VFs are made: sriov_drivers_autoprobe is set to 0 first, so that no
 * host driver (igbvf, ixgbevf, mlx5_core...) binds the new VFs; its value
 * before is remembered in a record STATE_DIR/PF ("autoprobe 1"), kept
 * while the VFs exist (autoprobe is checked at every probe of a VF, not
 * only at its creation) and restored when they are removed. Then
 * sriov_numvfs: 0 first when the PF already has another non-zero count,
 * as the kernel requires. Then passvm waits for the PF's virtfnN links.
 */
#ifndef PASSVM_HOST_SRIOV_H
#define PASSVM_HOST_SRIOV_H

#include <stdbool.h>
#include <stdio.h>

#include "util/log.h"
#include "host/bind.h"
#include "host/pci_addr.h"
#include "host/vf_link.h"

#define SRIOV_STATE_DIR "/run/passvm/sriov"
#define SRIOV_MAX_VFS 256 /* VFs of one PF that passvm lists or makes */

struct sriov_env {
	/* sysfs, proc, bind records, write hook, settle time, dry run. */
	struct bind_env bind;
	const char *dev; /* devtmpfs mount point, "/dev" (vfio/N) */
	const char *state_dir; /* autoprobe records, SRIOV_STATE_DIR */
};

/* sriov_env_default() - the real host: bind_env_default(), /dev, records
 * in SRIOV_STATE_DIR. */
void sriov_env_default(struct sriov_env *env);

/* A PF as sysfs shows it. */
struct sriov_pf {
	unsigned int totalvfs, numvfs;
	int autoprobe; /* sriov_drivers_autoprobe: 1, 0, -1 (no attribute) */
	char driver[64]; /* "" for none */
	char netdev[32]; /* its first interface in net/, "" for none */
	int recorded_autoprobe; /* from passvm's record: 1, 0, -1 none */
	long owner; /* the pid of the `passvm run` that made its VFs, or 0 */
};

/*
 * sriov_pf_read() - read PF @pf's SR-IOV state from sysfs (@sysfs is the
 * mount point) and passvm's record in @state_dir (NULL: none). Errors
 * (one line in @err saying what to do): -ENOENT (no such device),
 * -ENOTSUP (not a PF: no sriov_totalvfs; a VF is named as such, with its
 * PF), -EIO (an attribute unreadable).
 */
int sriov_pf_read(const char *sysfs, const char *state_dir,
		  const struct pci_addr *pf, struct sriov_pf *out,
		  struct pv_error *err);

/*
 * sriov_vf_addr() - the address of VF @index of @pf, from the PF's
 * virtfn@index link. Errors: -ENOENT (no such VF), -EINVAL (a link that
 * names no PCI function).
 */
int sriov_vf_addr(const char *sysfs, const struct pci_addr *pf,
		  unsigned int index, struct pci_addr *vf);

/*
 * sriov_vf_physfn() - when @vf is a VF: its PF (the physfn link) into @pf
 * and its index among the PF's VFs into @index (-1 when no virtfnN of the
 * PF links back to it). Errors: -ENOENT (@vf is not a VF, or no such
 * device), -EINVAL (a link that names no PCI function).
 */
int sriov_vf_physfn(const char *sysfs, const struct pci_addr *vf,
		    struct pci_addr *pf, int *index);

enum sriov_use {
	SRIOV_FREE, /* no driver, or vfio-pci with no user */
	SRIOV_HOST_DRIVER, /* bound to a host driver (igbvf, ...) */
	SRIOV_VFIO_USER, /* its VFIO group or cdev is open (a VM has it) */
};

/*
 * sriov_vf_user() - who uses VF @vf: a host driver, a process that holds
 * its VFIO group /dev/vfio/N or its cdev /dev/vfio/devices/vfioN open
 * (found through the links in @proc/PID/fd, and by the group refusing a
 * second open with EBUSY), or nobody. @why (@len bytes) says which, e.g.
 * "bound to igbvf" or "open in process 1234 (passvm) as /dev/vfio/12".
 * Processes whose fds cannot be read (not root) are found by the EBUSY
 * test only.
 */
enum sriov_use sriov_vf_user(const struct sriov_env *env,
			     const struct pci_addr *vf, char *why, size_t len);

/*
 * sriov_create() - give PF @pf @numvfs VFs (0: as sriov_remove()): refuses
 * more than sriov_totalvfs, a device that is not a PF, a PF with no driver
 * or on vfio-pci, and, when the PF already has a different number of VFs,
 * VFs in use (a VFIO user always; a host driver unless @force). Autoprobe
 * off and recorded, sriov_numvfs written (0 first), the virtfnN links
 * awaited (env->bind.settle_ms, 0: 1000 ms per VF). Progress lines go to
 * @out. With @owner non-zero the record names that pid as the VFs' maker
 * (`passvm run --sriov`). Returns 0, or a negative errno with one line in
 * @err: -ENOENT, -ENOTSUP, -ERANGE, -EBUSY, -EACCES, -EIO (the kernel's
 * own refusal, with its likely cause), -ETIMEDOUT (the VFs' sysfs entries
 * did not appear; the record stays for sriov_remove()).
 */
int sriov_create(const struct sriov_env *env, const struct pci_addr *pf,
		 unsigned int numvfs, bool force, long owner, FILE *out,
		 struct pv_error *err);

/*
 * sriov_remove() - remove all of @pf's VFs: refuses VFs in use (a VFIO
 * user always: the kernel would block until the VM lets go; a host driver
 * unless @force), gives VFs passvm bound back (their bind records go),
 * writes 0 to sriov_numvfs, waits for the virtfnN links to go, and
 * restores sriov_drivers_autoprobe from the record (deleted then). With no
 * VFs it only restores autoprobe. Returns 0 or a negative errno as
 * sriov_create().
 */
int sriov_remove(const struct sriov_env *env, const struct pci_addr *pf,
		 bool force, FILE *out, struct pv_error *err);

/*
 * sriov_show() - `passvm sriov PF`: the PF's counts, driver, netdev and
 * autoprobe, then one line per VF (index, address, IOMMU group, driver,
 * user, and with a netdev its MAC, VLAN, trust and spoofchk as the PF's
 * driver reports them over rtnetlink) to @out. Returns 0 or a negative
 * errno as sriov_pf_read().
 */
int sriov_show(const struct sriov_env *env, const struct pci_addr *pf,
	       FILE *out, struct pv_error *err);

/*
 * sriov_vf_configure() - `passvm sriov PF --vf N --mac .. --vlan ..
 * --trust .. --spoofchk ..`: set what @r asks for on VF r->vf through the
 * PF's netdev (rtnetlink), read the VF back (RTM_GETLINK) and print it
 * to @out. In a dry run, say what would be sent. Errors (one line in
 * @err): as sriov_pf_read(), -ERANGE (no such VF), -ENODEV (the PF has
 * no netdev), vf_link_set()'s, -EIO (the driver reports other values).
 */
int sriov_vf_configure(const struct sriov_env *env, const struct pci_addr *pf,
		       const struct vf_link_req *r, FILE *out,
		       struct pv_error *err);

/* sriov_print_vf_link() - "mac M, vlan V[ qos Q], trust T, spoofchk S
 * [, link L]" to @out, no newline. */
void sriov_print_vf_link(const struct vf_link_info *v, FILE *out);

/* The managed VFs of one `passvm run`: zero-initialise. */
#define SRIOV_VM_MAX_PFS 4
struct sriov_vm {
	struct sriov_env env;
	struct {
		struct pci_addr pf;
		unsigned int numvfs; /* made by passvm; 0: none */
		struct pci_addr vfs[SRIOV_MAX_VFS];
		unsigned int nbound; /* vfs[0..nbound) bound by passvm */
	} pf[SRIOV_VM_MAX_PFS];
	unsigned int npf;
};

/*
 * sriov_vm_start() - `passvm run --sriov PF,numvfs=N` for each of the @n
 * PFs @pfs with @numvfs[i] VFs: refuse a PF that already has VFs (someone
 * else's), make them (sriov_create() with this pid as the owner), bind
 * each to vfio-pci (bind_vfio(), managed), and append their addresses to
 * @vfs (room for @max; *@nvfs counts them). @s keeps a copy of @env and
 * what was done; on error what was done is undone and the message is in
 * @err. Returns 0 or a negative errno.
 */
int sriov_vm_start(struct sriov_vm *s, const struct sriov_env *env,
		   const struct pci_addr *pfs, const unsigned int *numvfs,
		   unsigned int n, struct pci_addr *vfs, unsigned int max,
		   unsigned int *nvfs, struct pv_error *err);

/*
 * sriov_vm_stop() - undo sriov_vm_start(), after the VFs' VFIO fds are
 * closed: give the VFs back from vfio-pci, remove them and restore each
 * PF's autoprobe. Failures are warnings (the records stay, so `passvm
 * sriov PF --remove` can finish). Safe on a zeroed or partly started @s,
 * and twice.
 */
void sriov_vm_stop(struct sriov_vm *s);

#endif
