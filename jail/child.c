// SPDX-License-Identifier: GPL-2.0
/*
 * The jail's child, PID 1 of its PID namespace: into the cgroup, new mount
 * (and network) namespace, the chroot's pieces, pivot_root, rlimits,
 * credentials, exec. mount(2), pivot_root(2) ("pivot_root(".", ".")"),
 * capabilities(7) (the bounding set; a setuid from 0 clears the permitted
 * and effective sets), prctl(2) PR_SET_NO_NEW_PRIVS.
 */
#include "jail/jail.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static int err_fd = -1;

static void die(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));

static void die(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n > 0 && write(err_fd, msg, strlen(msg)) < 0)
		_exit(1);
	_exit(1);
}

/* ROOT + @path into @buf. */
static const char *in_root(const char *root, const char *path, char *buf,
			   size_t len)
{
	if (snprintf(buf, len, "%s%s", root, path) >= (int)len)
		die("path too long in the jail: %s", path);
	return buf;
}

/* mkdir -p of @path's parent directories (not @path itself). */
static void parents(const char *path)
{
	char buf[4200];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			die("cannot create %s: %s", buf, strerror(errno));
		*p = '/';
	}
}

static void mkdir_p(const char *path, mode_t mode)
{
	parents(path);
	if (mkdir(path, mode) && errno != EEXIST)
		die("cannot create %s: %s", path, strerror(errno));
}

/*
 * Bind @src at @dst (made first: a directory, or an empty file), then
 * remount the bind nosuid and noexec, read-only if @ro, and nodev unless
 * @src is a device (a disk given as a block device).
 */
static void bind(const char *src, const char *dst, bool ro)
{
	unsigned long fl = MS_BIND | MS_REMOUNT | MS_NOSUID | MS_NOEXEC;
	struct stat st;

	if (stat(src, &st))
		die("%s: %s", src, strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		mkdir_p(dst, 0755);
	} else {
		int fd;

		parents(dst);
		fd = open(dst, O_WRONLY | O_CREAT | O_NONBLOCK | O_CLOEXEC,
			  0600);
		if (fd < 0 && errno != EISDIR && errno != ENXIO &&
		    errno != EACCES)
			die("cannot create %s: %s", dst, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	if (!S_ISBLK(st.st_mode) && !S_ISCHR(st.st_mode))
		fl |= MS_NODEV;
	if (mount(src, dst, NULL, MS_BIND, NULL))
		die("cannot bind %s into the jail: %s", src, strerror(errno));
	/* A bind's flags change only by a remount of the bind. */
	if (mount(NULL, dst, NULL, fl | (ro ? MS_RDONLY : 0), NULL))
		die("cannot remount %s in the jail: %s", src, strerror(errno));
}

static void node(const struct jail_spec *s, const char *path, const char *dst,
		 mode_t mode)
{
	struct stat st;

	if (stat(path, &st))
		die("%s: %s (the VM needs it)", path, strerror(errno));
	if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
		die("%s is not a device node", path);
	parents(dst);
	if (mknod(dst, (st.st_mode & S_IFMT) | mode, st.st_rdev) &&
	    errno != EEXIST)
		die("mknod %s (%u:%u): %s", dst, major(st.st_rdev),
		    minor(st.st_rdev), strerror(errno));
	if (chown(dst, s->uid, s->gid) || chmod(dst, mode))
		die("cannot give %s to uid %u: %s", dst, (unsigned)s->uid,
		    strerror(errno));
}

/* /dev and /sys: private tmpfs, so the nodes and binds never reach disk. */
static void pseudo_fs(const struct jail_spec *s, const char *root)
{
	char dst[4200];

	in_root(root, "/dev", dst, sizeof(dst));
	mkdir_p(dst, 0755);
	if (mount("tmpfs", dst, "tmpfs", MS_NOSUID | MS_NOEXEC,
		  "mode=0755,size=64k"))
		die("cannot mount a tmpfs on %s: %s", dst, strerror(errno));
	in_root(root, "/sys", dst, sizeof(dst));
	mkdir_p(dst, 0755);
	if (mount("tmpfs", dst, "tmpfs", MS_NOSUID | MS_NOEXEC | MS_NODEV,
		  "mode=0755,size=64k"))
		die("cannot mount a tmpfs on %s: %s", dst, strerror(errno));
	for (unsigned int i = 0; i < s->nr_entries; i++) {
		const struct jail_entry *e = &s->entries[i];

		in_root(root, e->path, dst, sizeof(dst));
		switch (e->kind) {
		case JAIL_DEV:
			node(s, e->path, dst, 0600);
			break;
		case JAIL_DEV_SHARED:
			node(s, e->path, dst, 0666);
			break;
		case JAIL_SYS_DIR:
			bind(e->path, dst, true);
			break;
		case JAIL_SYS_LINK:
			parents(dst);
			if (symlink(e->target, dst) && errno != EEXIST)
				die("symlink %s: %s", dst, strerror(errno));
			break;
		default:
			break;
		}
	}
	in_root(root, "/sys", dst, sizeof(dst));
	if (mount(NULL, dst, NULL,
		  MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NOEXEC | MS_NODEV,
		  "mode=0755,size=64k"))
		die("cannot make %s read-only: %s", dst, strerror(errno));
}

/* Files (bind-mounted) and directories (created, the jail's uid's). */
static void files(const struct jail_spec *s, const char *root)
{
	char dst[4200];

	for (unsigned int i = 0; i < s->nr_entries; i++) {
		const struct jail_entry *e = &s->entries[i];

		in_root(root, e->path, dst, sizeof(dst));
		if (e->kind == JAIL_FILE_RO || e->kind == JAIL_FILE_RW) {
			bind(e->path, dst, e->kind == JAIL_FILE_RO);
		} else if (e->kind == JAIL_DIR) {
			mkdir_p(dst, 0700);
			if (chown(dst, s->uid, s->gid) || chmod(dst, 0700))
				die("cannot give %s to uid %u: %s", dst,
				    (unsigned)s->uid, strerror(errno));
		}
	}
	in_root(root, s->cwd, dst, sizeof(dst));
	mkdir_p(dst, 0755);
}

static void namespaces(const struct jail_spec *s)
{
	if (unshare(CLONE_NEWNS | (s->netns ? 0 : CLONE_NEWNET)))
		die("cannot create mount and network namespaces: %s",
		    strerror(errno));
	if (s->netns) {
		int fd = open(s->netns, O_RDONLY | O_CLOEXEC);

		if (fd < 0 || setns(fd, CLONE_NEWNET))
			die("--netns %s: %s", s->netns, strerror(errno));
		close(fd);
	}
	/* Nothing mounted here reaches the host's namespace. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		die("cannot make / private: %s", strerror(errno));
}

static void enter_root(const char *root)
{
	char proc[4200];

	/* pivot_root needs the new root to be a mount point. */
	if (mount(root, root, NULL, MS_BIND | MS_REC, NULL))
		die("cannot bind %s: %s", root, strerror(errno));
	in_root(root, "/proc", proc, sizeof(proc));
	mkdir_p(proc, 0555);
	if (mount("proc", proc, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		die("cannot mount /proc in the jail: %s", strerror(errno));
}

/*
 * pivot_root, or where the host's root is the initramfs (rootfs cannot
 * be pivoted away from: pivot_root(2) EINVAL), move the jail's mount onto
 * / and chroot into it, as switch_root does; with every capability gone
 * afterwards (CAP_SYS_CHROOT included), the hidden rootfs is out of reach.
 */
static void pivot(const char *root)
{
	if (chdir(root))
		die("chdir %s: %s", root, strerror(errno));
	if (!syscall(SYS_pivot_root, ".", ".")) {
		/* The old root is stacked on the new one: detach it. */
		if (umount2(".", MNT_DETACH) || chdir("/"))
			die("cannot let go of the host's root: %s",
			    strerror(errno));
		return;
	}
	if (errno != EINVAL)
		die("pivot_root into %s: %s", root, strerror(errno));
	if (mount(".", "/", NULL, MS_MOVE, NULL) || chroot(".") || chdir("/"))
		die("cannot move into %s: %s", root, strerror(errno));
}

/*
 * The jail's child is single-threaded (forked before any thread exists):
 * its credentials and limits change with the plain system calls, not
 * libc's setrlimit()/setres[ug]id()/setgroups(), which stop every thread
 * of a process in turn to apply them (musl's __synccall, 0.9 KB of the
 * release binary; issue #8). prlimit(2) with pid 0 is setrlimit(2).
 */
static void limit(int res, uint64_t v, const char *name)
{
	struct rlimit rl = { .rlim_cur = v, .rlim_max = v };

	if (v && prlimit(0, res, &rl, NULL))
		die("setrlimit(%s, %llu): %s", name, (unsigned long long)v,
		    strerror(errno));
}

static void credentials(const struct jail_spec *s)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	/* No capability can come back, not even through an exec. */
	for (int cap = 0; cap < 64; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) && errno != EINVAL)
			die("cannot drop capability %d: %s", cap,
			    strerror(errno));
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (syscall(SYS_setgroups, 0, NULL) ||
	    syscall(SYS_setresgid, s->gid, s->gid, s->gid) ||
	    syscall(SYS_setresuid, s->uid, s->uid, s->uid))
		die("cannot become uid %u gid %u: %s", (unsigned)s->uid,
		    (unsigned)s->gid, strerror(errno));
	memset(d, 0, sizeof(d));
	if (syscall(SYS_capset, &h, d) || syscall(SYS_capget, &h, d))
		die("capset: %s", strerror(errno));
	if (d[0].effective | d[1].effective | d[0].permitted | d[1].permitted |
	    d[0].inheritable | d[1].inheritable)
		die("capabilities left after becoming uid %u",
		    (unsigned)s->uid);
	if (syscall(SYS_setuid, 0) == 0)
		die("uid 0 is still reachable");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		die("PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
}

void jail_child(const struct jail_spec *s, const char *root, const char *cgroup,
		int fd)
{
	char *const envp[] = { NULL };
	char procs[4200];

	err_fd = fd;
	if (cgroup) {
		int c;

		snprintf(procs, sizeof(procs), "%s/cgroup.procs", cgroup);
		c = open(procs, O_WRONLY | O_CLOEXEC);
		if (c < 0 || write(c, "0", 1) != 1)
			die("cannot join the cgroup %s: %s", cgroup,
			    strerror(errno));
		close(c);
	}
	namespaces(s);
	enter_root(root);
	pseudo_fs(s, root);
	files(s, root);
	pivot(root);
	limit(RLIMIT_NOFILE, s->nofile, "RLIMIT_NOFILE");
	limit(RLIMIT_MEMLOCK, s->memlock, "RLIMIT_MEMLOCK");
	limit(RLIMIT_FSIZE, s->fsize, "RLIMIT_FSIZE");
	credentials(s);
	if (chdir(s->cwd))
		die("chdir %s: %s", s->cwd, strerror(errno));
	syscall(SYS_execveat, s->exe_fd, "", s->argv, envp, AT_EMPTY_PATH);
	die("cannot exec passvm in the jail: %s", strerror(errno));
}
