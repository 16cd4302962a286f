/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `passvm jail`'s mechanism, as Firecracker's jailer (docs/jailer.md): as
 * root, close every fd but 0-2 and those the run options name (a
 * launcher's pre-opened taps and /dev/vhost-net, --net fd=N,vhost-fd=M;
 * /dev/kvm, --kvm-fd N), clear the environment, build a chroot at
 * BASE/passvm/ID/root that holds only what the VM needs, place the process
 * in a cgroup v2 <parent>/<id>, then in a child in new PID, mount and
 * (unless --netns) network namespaces: mount the chroot's pieces, pivot
 * into it, set the rlimits, drop every capability and the bounding set,
 * become --uid/--gid with no_new_privs, and exec `passvm run`. The parent
 * waits, passes SIGINT/SIGTERM/SIGHUP on, removes the cgroup and returns
 * the child's status.
 *
 * Inside the chroot, each file the VM reads (kernel, initrd, config file,
 * disk images) is bind-mounted at the same path as on the host, read-only
 * unless a writable disk; the directories of what passvm creates (API
 * socket, console file or socket, logs, metrics, pidfile) are made at the
 * same path, owned by the jail's uid (so they are at CHROOT/PATH on the
 * host); /dev is a private tmpfs with only the device nodes the VM uses,
 * made with the host's numbers and owned by the jail's uid (mode 0600);
 * /sys a read-only tmpfs with read-only binds of the assigned devices'
 * sysfs directories and IOMMU groups; /proc the new PID namespace's.
 *
 * A room of its own: it uses util/ and host/ (sysfs) only.
 */
#ifndef PASSVM_JAIL_JAIL_H
#define PASSVM_JAIL_JAIL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/log.h"

#define JAIL_DEFAULT_BASE "/srv/jailer" /* Firecracker's --chroot-base-dir */
#define JAIL_EXEC_NAME "passvm" /* BASE/passvm/ID/root */
#define JAIL_DEFAULT_PARENT_CGROUP "passvm"
#define JAIL_DEFAULT_NOFILE 2048 /* Firecracker's no-file default */
/*
 * RLIMIT_MEMLOCK beyond guest RAM (bytes): VFIO pins all guest RAM and
 * counts it against the limit (vfio_iommu_type1.c vfio_lock_acct);
 * the margin leaves room for what else may lock memory (none today).
 */
#define JAIL_MEMLOCK_MARGIN (64ull << 20)
#define JAIL_MAX_CGROUP_KEYS 16
#define JAIL_MAX_KEEP_FDS 24 /* --kvm-fd and 8 x (--net fd=, vhost-fd=) */

enum jail_entry_kind {
	JAIL_FILE_RO, /* bind-mount the host file read-only */
	JAIL_FILE_RW, /* bind-mount the host file read-write */
	JAIL_DIR, /* an empty directory owned by the jail's uid, 0700 */
	JAIL_DEV, /* mknod with the host node's numbers, owner uid, 0600 */
	JAIL_DEV_SHARED, /* the same, mode 0666 (/dev/null, /dev/urandom) */
	JAIL_SYS_DIR, /* bind-mount the sysfs directory read-only */
	JAIL_SYS_LINK, /* a symlink with the host link's text */
};

struct jail_entry {
	enum jail_entry_kind kind;
	char *path; /* absolute; the same path inside and on the host */
	char *target; /* JAIL_SYS_LINK: the link's text */
};

struct jail_cgroup_kv {
	char key[64]; /* a file of the cgroup: "memory.max", "cpu.max" */
	char value[128];
};

struct jail_spec {
	char id[65];
	const char *base; /* --chroot-base-dir */
	uid_t uid;
	gid_t gid;
	const char *netns; /* --netns PATH, or NULL: a new, empty one */
	const char *cgroup_mount; /* the cgroup2 mount point, NULL: none */
	const char *cgroup_parent;
	struct jail_cgroup_kv cgroup[JAIL_MAX_CGROUP_KEYS];
	unsigned int nr_cgroup;
	uint64_t nofile, fsize, memlock; /* rlimits, bytes or fds; 0: keep */
	struct jail_entry *entries; /* owned */
	unsigned int nr_entries, cap_entries;
	char cwd[4096]; /* made inside; the exec'd passvm starts there */
	char *const *argv; /* what to exec, argv[0] "passvm"; not owned */
	int exe_fd; /* the passvm binary, opened before the pivot */
	/* Inherited fds passed on to passvm (open, not close-on-exec). */
	int keep_fds[JAIL_MAX_KEEP_FDS];
	unsigned int nr_keep_fds;
};

/* jail_spec_init() - defaults: base, parent cgroup, no-file 2048. */
void jail_spec_init(struct jail_spec *s);
void jail_spec_free(struct jail_spec *s);

/*
 * jail_add() - an entry (@path absolute, @target for a link, else NULL);
 * a path given twice keeps the first kind, but a read-write file wins
 * over a read-only one. Returns 0 or -ENOMEM/-EINVAL (not absolute).
 */
int jail_add(struct jail_spec *s, enum jail_entry_kind kind, const char *path,
	     const char *target);

/*
 * jail_add_pci() - what `passvm run --vfio @bdf` reads and opens, from the
 * host's sysfs at @sysfs (normally "/sys"): /dev/vfio/vfio and
 * /dev/vfio/GROUP, /sys/kernel/iommu_groups/GROUP, and for each member of
 * the group /sys/bus/pci/devices/BDF (a link) and the device directory it
 * points to (passvm checks every member's driver). With @iommufd (the run
 * may take the iommufd backend: --iommu auto or iommufd), and when the
 * host has /dev/iommu and @bdf's VFIO device cdev (named by @sysfs/bus/
 * pci/devices/BDF/vfio-dev/vfioN, a node only with CONFIG_VFIO_DEVICE_CDEV:
 * Documentation/driver-api/vfio.rst "VFIO device cdev"), also
 * /dev/vfio/devices/vfioN and /dev/iommu, so that the backend chosen
 * inside the jail is the one chosen outside. Errors: -ENOENT,
 * -ENODEV (no IOMMU group) with a message in @err.
 */
int jail_add_pci(struct jail_spec *s, const char *sysfs, const char *bdf,
		 bool iommufd, struct pv_error *err);

/*
 * jail_cgroup_mount() - the mount point of the cgroup2 file system in
 * @mountinfo (/proc/self/mountinfo) into @out (@len bytes). Returns 0 or
 * -ENOENT when none is mounted.
 */
int jail_cgroup_mount(const char *mountinfo, char *out, size_t len);

/*
 * jail_cgroup_create() - MOUNT/PARENT/ID (@s->cgroup_mount etc.), with
 * each controller a key names ("memory" of "memory.max") enabled in
 * cgroup.subtree_control from the mount point down, and each key written.
 * The path goes to @out. An existing, empty cgroup is reused. Errors:
 * -EINVAL (a key with '/' or no controller prefix), -EBUSY (in use),
 * -errno of mkdir/write, with the file and the fix in @err.
 */
int jail_cgroup_create(const struct jail_spec *s, char *out, size_t len,
		       struct pv_error *err);

/*
 * jail_exe_is_static() - whether the ELF file @fd has no program
 * interpreter (PT_INTERP): a dynamically linked passvm could not run in
 * the chroot, which has no libraries. Returns 1, 0 or -errno.
 */
int jail_exe_is_static(int fd);

/*
 * jail_keep_fd() - pass the inherited fd @fd (3 or more) on to passvm:
 * jail_close_fds() leaves it open. A number given twice is kept once.
 * Returns 0, -EINVAL (below 3) or -E2BIG (JAIL_MAX_KEEP_FDS).
 */
int jail_keep_fd(struct jail_spec *s, int fd);

/*
 * jail_close_fds() - close every fd above 2 but @s's keep_fds
 * (close_range(2) between them, or one by one). Each kept fd must be
 * open: it is checked first, and nothing is closed when one is not.
 * Returns 0 or -EBADF with the fd named in @err.
 */
int jail_close_fds(const struct jail_spec *s, struct pv_error *err);

/*
 * jail_run() - do it all (see above). Must run as root. Returns 0 and the
 * child's exit status in *@status (128+SIG if a signal ended it), or
 * -errno with a message in @err when the jail could not be built (nothing
 * of passvm ran then). The pid of passvm (as the host sees it) is in
 * BASE/passvm/ID/passvm.pid while it runs.
 */
int jail_run(struct jail_spec *s, int *status, struct pv_error *err);

/* The child's part (jail/child.c): never returns; on error it writes the
 * message to @err_fd and exits 1. */
void jail_child(const struct jail_spec *s, const char *root, const char *cgroup,
		int err_fd) __attribute__((noreturn));

#endif
