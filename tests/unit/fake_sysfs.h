/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fake host for the unit tests: a temporary directory holding sys/, proc/,
 * dev/ and state/ trees shaped like the kernel's (see
 * Documentation/ABI/testing/sysfs-bus-pci). PCI devices live at
 * sys/devices/pci0000:00/BDF with sys/bus/pci/devices/BDF linking to them,
 * exactly as on a real host.
 *
 * sysfs control files (driver_override, drivers/NAME/{bind,unbind},
 * drivers_probe) are regular files here; fake_sysfs_kernel() plays the
 * kernel's part after each write and logs it, so tests can assert on the
 * order of writes.
 */
#ifndef PASSVM_TESTS_FAKE_SYSFS_H
#define PASSVM_TESTS_FAKE_SYSFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host/bind.h"
#include "host/pci_addr.h"

#define FAKE_SYSFS_MAX_DEVS 16
/* The fake kernel's release (proc/sys/kernel/osrelease), whose modules
 * are in root/lib/modules/. */
#define FAKE_SYSFS_RELEASE "6.1.0-18-amd64"
#define FAKE_SYSFS_MAX_LOG 64

struct fake_sysfs_dev {
	char bdf[16];
	/* Driver drivers_probe binds when driver_override is empty. */
	char default_driver[32];
};

/* An SR-IOV PF (fake_sysfs_add_pf()) and the VFs its fake kernel makes. */
#define FAKE_SYSFS_MAX_PFS 2
struct fake_sysfs_pf {
	char bdf[16];
	unsigned int totalvfs, numvfs;
	unsigned int offset, stride; /* routing IDs, as the SR-IOV cap */
	uint16_t vf_vendor, vf_device;
	int group_base; /* VF i is in IOMMU group group_base + i */
	char vf_driver[32]; /* what autoprobe binds the VFs to */
};

struct fake_sysfs {
	char root[128]; /* the mkdtemp directory */
	char sys[160]; /* root/sys */
	char proc[160]; /* root/proc */
	char dev[160]; /* root/dev */
	char acpi[192]; /* root/sys/firmware/acpi/tables */
	char state[160]; /* root/state (bind records) */
	struct fake_sysfs_dev devs[FAKE_SYSFS_MAX_DEVS];
	int ndevs;
	/* "WHAT ARG" per write seen by fake_sysfs_kernel(), paths relative
	 * to sys/, e.g. "devices/0000:01:00.0/driver_override vfio-pci". */
	char log[FAKE_SYSFS_MAX_LOG][704];
	int nlog;
	/* When set, drivers_probe ignores driver_override (a broken kernel). */
	bool probe_ignores_override;
	struct fake_sysfs_pf pfs[FAKE_SYSFS_MAX_PFS];
	int npfs;
	/*
	 * The first write the real kernel would have refused (sriov_numvfs
	 * from one non-zero count to another, above sriov_totalvfs, or with
	 * no PF driver), with the errno it would give; "" when none. Such a
	 * write changes nothing.
	 */
	char refused[256];
};

/* Create the temp tree with empty drivers_probe, proc/cmdline, osrelease,
 * lib/modules/FAKE_SYSFS_RELEASE etc. */
int fake_sysfs_init(struct fake_sysfs *fs);
/* Remove the whole tree. */
void fake_sysfs_cleanup(struct fake_sysfs *fs);

/* Write @text to root-relative @rel, creating parent directories. */
int fake_sysfs_write(struct fake_sysfs *fs, const char *rel, const char *text);
/* Read root-relative @rel into @buf (NUL-terminated); -errno on failure. */
int fake_sysfs_read(struct fake_sysfs *fs, const char *rel, char *buf,
		    size_t len);
/* Create directory (and parents) root-relative @rel. */
int fake_sysfs_mkdir(struct fake_sysfs *fs, const char *rel);
/* Create root-relative symlink @rel pointing at @target (verbatim). */
int fake_sysfs_symlink(struct fake_sysfs *fs, const char *rel,
		       const char *target);
/* Does root-relative @rel exist (lstat)? */
bool fake_sysfs_exists(struct fake_sysfs *fs, const char *rel);

/* Register driver @name: sys/bus/pci/drivers/NAME/{bind,unbind,new_id}. */
int fake_sysfs_add_driver(struct fake_sysfs *fs, const char *name);

/*
 * Add PCI function @bdf (canonical form) with ids and class, in IOMMU group
 * @group (-1: no iommu_group link) and bound to @driver (NULL: none; also
 * remembered as its default driver). Writes a minimal config space (no
 * capabilities), a resource file with one 16 KiB BAR0, reset_method "flr",
 * an empty driver_override ("(null)").
 */
int fake_sysfs_add_dev(struct fake_sysfs *fs, const char *bdf, uint16_t vendor,
		       uint16_t device, uint32_t class_code, int group,
		       const char *driver);
/* Point @bdf's driver link at @driver (NULL/"" removes it). */
int fake_sysfs_set_driver(struct fake_sysfs *fs, const char *bdf,
			  const char *driver);
/* The device's current driver (basename of the link), "" if none. */
int fake_sysfs_get_driver(struct fake_sysfs *fs, const char *bdf, char *buf,
			  size_t len);
/* Replace @bdf's config file with @len bytes. */
int fake_sysfs_set_config(struct fake_sysfs *fs, const char *bdf,
			  const uint8_t *cfg, size_t len);
/* Write a device attribute BDF/@attr (relative to the device dir). */
int fake_sysfs_dev_attr(struct fake_sysfs *fs, const char *bdf,
			const char *attr, const char *text);

/*
 * Add a block device @name (and partition @name + @part_suffix when that is
 * non-NULL, e.g. "p1") below @bdf at @subpath (e.g. "nvme/nvme0").
 */
int fake_sysfs_add_block(struct fake_sysfs *fs, const char *bdf,
			 const char *subpath, const char *name,
			 const char *part_suffix);
/* Add network interface BDF/net/@iface with @operstate and @flags. */
int fake_sysfs_add_net(struct fake_sysfs *fs, const char *bdf,
		       const char *iface, const char *operstate,
		       unsigned int flags);

/*
 * fake_sysfs_add_pf() - make @bdf (added already, with its driver) an
 * SR-IOV PF: sriov_totalvfs @total, sriov_numvfs 0,
 * sriov_drivers_autoprobe 1, sriov_offset/sriov_stride. Writing N to
 * sriov_numvfs makes VF i at routing ID PF + @offset + i * @stride (same
 * domain), @vf_vendor:@vf_device class 0x020000, in IOMMU group
 * @group_base + i, with physfn and virtfnI links, bound to @vf_driver when
 * autoprobe is 1; writing 0 removes them.
 */
int fake_sysfs_add_pf(struct fake_sysfs *fs, const char *bdf,
		      unsigned int total, unsigned int offset,
		      unsigned int stride, uint16_t vf_vendor,
		      uint16_t vf_device, int group_base,
		      const char *vf_driver);

/* The address of VF @i of PF @pf as fake_sysfs_add_pf() places it. */
void fake_sysfs_vf_bdf(const struct fake_sysfs_pf *pf, unsigned int i,
		       char out[16]);

/* Remove device @bdf: its directory, links and group entry. */
int fake_sysfs_remove_dev(struct fake_sysfs *fs, const char *bdf);

/*
 * fake_sysfs_kernel() - the kernel's reaction to a write of @data to the
 * absolute path @path (as bind.c's write hook passes it); @ctx is the
 * struct fake_sysfs. Logs the write, then: driver_override stores the
 * value; drivers/X/unbind drops the driver link; drivers/X/bind sets it;
 * drivers_probe binds to the override, or the default driver.
 */
void fake_sysfs_kernel(void *ctx, const char *path, const char *data);

/*
 * fake_sysfs_init_bind() - fake_sysfs_init(@fs) with driver vfio-pci
 * registered, and @env (zeroed first) pointed at its sys/, proc/ and
 * state/ trees, with fake_sysfs_kernel() on @fs as the write hook and a
 * 20 ms settle time: the host of host/bind*.c and host/sriov*.c's tests.
 * Returns 0 or fake_sysfs_init()'s error.
 */
int fake_sysfs_init_bind(struct fake_sysfs *fs, struct bind_env *env);

/*
 * fake_sysfs_assert_driver() - fail the calling cmocka test unless @bdf is
 * bound to @want ("" for no driver).
 */
void fake_sysfs_assert_driver(struct fake_sysfs *fs, const char *bdf,
			      const char *want);

/* fake_sysfs_addr() - @s parsed (host/pci_addr.h); fails the test if bad. */
struct pci_addr fake_sysfs_addr(const char *s);

/* Index of the first log entry containing @needle at or after @from, or
 * -1. */
int fake_sysfs_log_find(const struct fake_sysfs *fs, const char *needle,
			int from);

#endif
