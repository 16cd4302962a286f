/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Moving PCI functions to vfio-pci and back, through driver_override (never
 * new_id, which would grab every device with the same ids). Sources:
 * Documentation/ABI/testing/sysfs-bus-pci (driver_override, drivers_probe,
 * drivers/.../bind, unbind, boot_vga), Documentation/driver-api/vfio.rst.
 *
 * The original driver is remembered in a record file STATE_DIR/BDF whose
 * first line is the driver's name (empty: the device had none). A record
 * written by bind_vfio() (the VMM's --vfio BDF,managed) has a second line
 * "managed"; bind_restore() only undoes such records, so a VMM never undoes
 * an explicit `passvm bind`.
 */
#ifndef PASSVM_HOST_BIND_H
#define PASSVM_HOST_BIND_H

#include <stdbool.h>
#include <stdio.h>

#include "util/log.h"
#include "host/sysfs.h"

#define BIND_STATE_DIR "/run/passvm/bind"

struct bind_env {
	const char *sysfs; /* sysfs mount point, "/sys" */
	const char *proc; /* procfs mount point, "/proc" (mounts, swaps) */
	const char *state_dir; /* records, BIND_STATE_DIR */
	/*
	 * Test hook, NULL in use: called after every successful write to a
	 * sysfs control file with the absolute path and the bytes written,
	 * so a test can play the kernel's part.
	 */
	void (*after_write)(void *ctx, const char *path, const char *data);
	void *hook_ctx;
	/* How long to wait for BDF/driver to settle, ms; 0 means 1000. */
	unsigned int settle_ms;
	/*
	 * Dry run (--dry-run) when non-NULL: every sysfs write and record
	 * change is printed here, in order, as "  write \"DATA\" to PATH",
	 * instead of being made; the kernel is assumed to obey.
	 */
	FILE *dry_run;
};

/* bind_env_default() - the real host: /sys, /proc, BIND_STATE_DIR. */
void bind_env_default(struct bind_env *env);

/*
 * bind_sysfs_write() - write @data to the sysfs control file @path (an
 * absolute path under env->sysfs) in one write(2), then call the test hook
 * env->after_write; in a dry run print it to env->dry_run instead. Every
 * sysfs write of host/bind.c and host/sriov*.c goes through here. Errors:
 * -errno from open/write/close (the kernel's answer to the write: -EBUSY,
 * -ERANGE, -ENOENT...), -EIO on a short write.
 */
int bind_sysfs_write(const struct bind_env *env, const char *path,
		     const char *data);

/*
 * bind_check_safe() - may @a be taken from its driver? Refuses a device
 * that drives the boot console (boot_vga = 1), has a network interface that
 * is up (net/IFACE/operstate "up" or IFF_UP in flags), or a block device
 * (disk or partition) that is mounted (/proc/mounts), used as swap
 * (/proc/swaps) or held by another block device (holders/, e.g. dm, md).
 * Infrastructure functions (PCI base class 0x06: host, ISA, PCI-to-PCI and
 * other bridges) are refused too: the host's chipset needs them.
 * Returns 0 if safe, -EBUSY with the reason in @err, -ENOENT when there is
 * no such device.
 */
int bind_check_safe(const struct bind_env *env, const struct pci_addr *a,
		    struct pv_error *err);

/*
 * bind_vfio() - bind @a to vfio-pci for a VMM (--vfio BDF,managed):
 * record the current driver (tagged "managed"), write "vfio-pci" to
 * driver_override, unbind the current driver, write BDF to drivers_probe
 * and verify BDF/driver. Unless @force, refuses what bind_check_safe()
 * refuses. Returns 0 when it bound the device (call bind_restore() later),
 * 1 when the device already was on vfio-pci (nothing changed, nothing to
 * restore), or a negative errno with one line in @err: -ENOENT (no such
 * device), -EBUSY (refused), -ENODEV (vfio-pci not loaded), -EACCES (not
 * root), -EIO (the kernel did not bind it; the original driver is restored).
 */
int bind_vfio(const struct bind_env *env, const struct pci_addr *a, bool force,
	      struct pv_error *err);

/*
 * bind_restore() - undo a bind_vfio(): clear driver_override, unbind
 * vfio-pci, bind the recorded driver (explicitly through drivers/NAME/bind,
 * or drivers_probe when that driver is gone), verify and delete the record.
 * Does nothing and returns 0 when there is no "managed" record for @a.
 * Errors: negative errno with one line in @err (the record is kept).
 */
int bind_restore(const struct bind_env *env, const struct pci_addr *a,
		 struct pv_error *err);

/*
 * bind_run() - `passvm bind`: bind each of @addrs (@n of them, repeats
 * ignored; with @group every member of each one's IOMMU group, bridges that
 * do not block the group skipped) to vfio-pci, recording the original
 * driver. Unless @force, every device is checked with bind_check_safe()
 * before any is touched. Progress lines go to @out (in a dry run, "BDF:
 * would go from DRV to vfio-pci:" before its writes), errors to stderr.
 * Returns 0 or a negative errno (the first failure).
 */
int bind_run(const struct bind_env *env, const struct pci_addr *addrs, int n,
	     bool group, bool force, FILE *out);

/*
 * unbind_run() - `passvm unbind`: give each of @addrs (or their groups'
 * members) back to the recorded driver, or with no record release them from
 * vfio-pci and let drivers_probe pick one. Honours env->dry_run as
 * bind_run() does. Returns 0 or a negative errno.
 */
int unbind_run(const struct bind_env *env, const struct pci_addr *addrs, int n,
	       bool group, FILE *out);

#endif
