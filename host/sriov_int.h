/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The inside of host/sriov*.c: sysfs paths and numbers of a device, and
 * the PF records (STATE_DIR/PF: "autoprobe 0|1" and, for the VFs of a
 * `passvm run --sriov`, "owner PID"). Not for other users.
 */
#ifndef PASSVM_HOST_SRIOV_INT_H
#define PASSVM_HOST_SRIOV_INT_H

#include "host/sriov.h"

/* "@sysfs/bus/pci/devices/BDF[/@leaf]" into @buf; -ENAMETOOLONG. */
int sriov_dev_path(char *buf, size_t len, const char *sysfs,
		   const struct pci_addr *a, const char *leaf);

/* A decimal attribute BDF/@leaf (at most 0xffff); -errno, -EINVAL. */
int sriov_read_uint(const char *sysfs, const struct pci_addr *a,
		    const char *leaf, unsigned int *val);

/*
 * sriov_record_read() - the record of @pf: its autoprobe before passvm
 * made VFs (1/0) and the owner pid (0: none). Returns 0 or -ENOENT (no
 * record; *@autoprobe -1, *@owner 0), -EINVAL (malformed).
 */
int sriov_record_read(const char *state_dir, const struct pci_addr *pf,
		      int *autoprobe, long *owner);

#endif
