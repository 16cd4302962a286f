// SPDX-License-Identifier: GPL-2.0
/*
 * The jail's plan (entries), what a VFIO device needs in it, and the
 * parent's side: the chroot directory, the cgroup, the PID namespace, the
 * child, the wait. See jail/jail.h.
 */
#include "jail/jail.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host/iommu_backend.h"
#include "host/pci_addr.h"
#include "host/sysfs.h"

#define MAX_GROUP_MEMBERS 32

void jail_spec_init(struct jail_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->base = JAIL_DEFAULT_BASE;
	s->cgroup_parent = JAIL_DEFAULT_PARENT_CGROUP;
	s->nofile = JAIL_DEFAULT_NOFILE;
	s->uid = (uid_t)-1;
	s->gid = (gid_t)-1;
	s->exe_fd = -1;
	strcpy(s->cwd, "/");
}

void jail_spec_free(struct jail_spec *s)
{
	for (unsigned int i = 0; i < s->nr_entries; i++) {
		free(s->entries[i].path);
		free(s->entries[i].target);
	}
	free(s->entries);
	s->entries = NULL;
	s->nr_entries = s->cap_entries = 0;
}

int jail_add(struct jail_spec *s, enum jail_entry_kind kind, const char *path,
	     const char *target)
{
	struct jail_entry *e;

	if (!path || path[0] != '/')
		return -EINVAL;
	for (unsigned int i = 0; i < s->nr_entries; i++) {
		if (strcmp(s->entries[i].path, path))
			continue;
		if (kind == JAIL_FILE_RW && s->entries[i].kind == JAIL_FILE_RO)
			s->entries[i].kind = JAIL_FILE_RW;
		return 0;
	}
	if (s->nr_entries == s->cap_entries) {
		unsigned int cap = s->cap_entries ? 2 * s->cap_entries : 16;

		e = realloc(s->entries, cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		s->entries = e;
		s->cap_entries = cap;
	}
	e = &s->entries[s->nr_entries];
	e->kind = kind;
	e->path = strdup(path);
	e->target = target ? strdup(target) : NULL;
	if (!e->path || (target && !e->target)) {
		free(e->path);
		free(e->target);
		return -ENOMEM;
	}
	s->nr_entries++;
	return 0;
}

/*
 * /sys/bus/pci/devices/BDF (a link) and the device directory it points
 * to, as paths under /sys (the jail mounts the host's own /sys pieces;
 * @sysfs is another root only in the unit tests).
 */
static int add_pci_dir(struct jail_spec *s, const char *sysfs,
		       const struct pci_addr *a, struct pv_error *err)
{
	char bdf[32], link[4096], text[4096], inside[4200];
	char *real = NULL, *top = NULL;
	ssize_t n;
	int ret = -ENOENT;

	pci_addr_format(a, bdf);
	if (sysfs_path(link, sizeof(link), "%s/bus/pci/devices/%s", sysfs, bdf))
		return pv_seterr(err, ENAMETOOLONG, "sysfs path too long");
	n = readlink(link, text, sizeof(text) - 1);
	real = realpath(link, NULL);
	top = realpath(sysfs, NULL);
	if (n >= 0 && real && top && !strncmp(real, top, strlen(top))) {
		text[n] = '\0';
		snprintf(inside, sizeof(inside), "/sys%s", real + strlen(top));
		ret = jail_add(s, JAIL_SYS_DIR, inside, NULL);
		snprintf(inside, sizeof(inside), "/sys/bus/pci/devices/%s",
			 bdf);
		if (!ret)
			ret = jail_add(s, JAIL_SYS_LINK, inside, text);
	}
	free(real);
	free(top);
	if (ret == -ENOENT)
		return pv_seterr(err, ENOENT, "%s: no such PCI device (%s)",
				 bdf, link);
	return ret ? pv_seterr(err, -ret, "out of memory") : 0;
}

/* @path is a character device on the host. */
static bool is_chardev(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISCHR(st.st_mode);
}

int jail_add_pci(struct jail_spec *s, const char *sysfs, const char *bdf,
		 bool iommufd, struct pv_error *err)
{
	struct pci_addr a, members[MAX_GROUP_MEMBERS];
	char path[128], cdev[64];
	int group, n, ret;

	if (pci_addr_parse(bdf, &a))
		return pv_seterr(err, EINVAL, "'%s' is not a PCI address", bdf);
	ret = sysfs_iommu_group(sysfs, &a, &group);
	if (ret == -ENODEV)
		return pv_seterr(
			err, ENODEV,
			"%s has no IOMMU group: enable the IOMMU (see passvm doctor %s)",
			bdf, bdf);
	if (ret)
		return pv_seterr(err, -ret, "%s: no such PCI device", bdf);
	n = sysfs_group_devices(sysfs, group, members, MAX_GROUP_MEMBERS);
	if (n < 0)
		return pv_seterr(err, -n, "cannot list IOMMU group %d: %s",
				 group, strerror(-n));
	if (n > MAX_GROUP_MEMBERS)
		return pv_seterr(
			err, E2BIG,
			"IOMMU group %d has %d members; the jail takes %d",
			group, n, MAX_GROUP_MEMBERS);
	for (int i = 0; i < n; i++) {
		ret = add_pci_dir(s, sysfs, &members[i], err);
		if (ret)
			return ret;
	}
	snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%d", group);
	ret = jail_add(s, JAIL_SYS_DIR, path, NULL);
	snprintf(path, sizeof(path), "/dev/vfio/%d", group);
	if (!ret)
		ret = jail_add(s, JAIL_DEV, path, NULL);
	if (!ret)
		ret = jail_add(s, JAIL_DEV, "/dev/vfio/vfio", NULL);
	/* sysfs has vfio-dev/vfioN whatever the kernel; the node only with
	 * CONFIG_VFIO_DEVICE_CDEV (Debian's kernels: none, and no /dev/iommu) */
	if (!ret && iommufd && is_chardev("/dev/iommu") &&
	    !host_vfio_cdev(sysfs, &a, cdev, sizeof(cdev))) {
		snprintf(path, sizeof(path), "/dev/vfio/devices/%s", cdev);
		if (is_chardev(path)) {
			ret = jail_add(s, JAIL_DEV, path, NULL);
			if (!ret)
				ret = jail_add(s, JAIL_DEV, "/dev/iommu", NULL);
		}
	}
	return ret ? pv_seterr(err, -ret, "out of memory") : 0;
}

int jail_exe_is_static(int fd)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;

	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh))
		return -EIO;
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_phentsize != sizeof(ph))
		return -ENOEXEC;
	for (unsigned int i = 0; i < eh.e_phnum; i++) {
		if (pread(fd, &ph, sizeof(ph),
			  (off_t)(eh.e_phoff + i * sizeof(ph))) != sizeof(ph))
			return -EIO;
		if (ph.p_type == PT_INTERP)
			return 0;
	}
	return 1;
}

int jail_keep_fd(struct jail_spec *s, int fd)
{
	if (fd < 3)
		return -EINVAL;
	for (unsigned int i = 0; i < s->nr_keep_fds; i++)
		if (s->keep_fds[i] == fd)
			return 0;
	if (s->nr_keep_fds == JAIL_MAX_KEEP_FDS)
		return -E2BIG;
	s->keep_fds[s->nr_keep_fds++] = fd;
	return 0;
}

/* Close [@from, @to] (close_range, or one by one up to 65535). */
static void close_between(unsigned int from, unsigned int to)
{
	if (from > to)
		return;
#ifdef SYS_close_range
	if (!syscall(SYS_close_range, from, to, 0u))
		return;
#endif
	for (unsigned int fd = from; fd <= to && fd < 65536; fd++)
		close((int)fd);
}

int jail_close_fds(const struct jail_spec *s, struct pv_error *err)
{
	int keep[JAIL_MAX_KEEP_FDS];
	unsigned int n = s->nr_keep_fds, from = 3;

	for (unsigned int i = 0; i < n; i++) {
		if (fcntl(s->keep_fds[i], F_GETFD) < 0)
			return pv_seterr(
				err, EBADF,
				"fd %d is not open: the launcher must pass it open, without close-on-exec, to passvm jail",
				s->keep_fds[i]);
		keep[i] = s->keep_fds[i];
	}
	/* in order, so the ranges between them can be closed */
	for (unsigned int i = 1; i < n; i++)
		for (unsigned int j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
			int t = keep[j];

			keep[j] = keep[j - 1];
			keep[j - 1] = t;
		}
	for (unsigned int i = 0; i < n; i++) {
		if ((unsigned int)keep[i] > from)
			close_between(from, (unsigned int)keep[i] - 1);
		from = (unsigned int)keep[i] + 1;
	}
	close_between(from, ~0u);
	return 0;
}

/* mkdir -p @path (0755, root's). */
static int mkdirs(const char *path, mode_t mode)
{
	char buf[4096];
	size_t n = strlen(path);

	if (n >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) && errno != EEXIST)
		return -errno;
	return 0;
}

/*
 * Whether the jail's uid and gid may read (and for a writable file,
 * write) each file by its mode bits (ACLs aside): a file passvm cannot
 * open fails here with what to change, not later in the jail.
 */
static int check_access(const struct jail_spec *s, struct pv_error *err)
{
	for (unsigned int i = 0; i < s->nr_entries; i++) {
		const struct jail_entry *e = &s->entries[i];
		bool rw = e->kind == JAIL_FILE_RW;
		mode_t want, bits;
		struct stat st;

		if (e->kind != JAIL_FILE_RO && !rw)
			continue;
		if (stat(e->path, &st))
			return pv_seterr(err, errno, "%s: %s", e->path,
					 strerror(errno));
		if (st.st_uid == s->uid)
			bits = (st.st_mode >> 6) & 7;
		else if (st.st_gid == s->gid)
			bits = (st.st_mode >> 3) & 7;
		else
			bits = st.st_mode & 7;
		want = rw ? 6 : 4;
		if ((bits & want) != want)
			return pv_seterr(
				err, EACCES,
				"%s (mode %04o, owner %u:%u) cannot be %s by uid %u gid %u in the jail: chown it to the jail's user or chmod it",
				e->path, (unsigned int)(st.st_mode & 07777),
				(unsigned int)st.st_uid,
				(unsigned int)st.st_gid,
				rw ? "read and written" : "read",
				(unsigned int)s->uid, (unsigned int)s->gid);
	}
	return 0;
}

static volatile pid_t child_pid;
static volatile sig_atomic_t early_sig; /* came before the child */

static void forward(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
	else
		early_sig = sig;
}

static int wait_child(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

/* The child's error message, or "" once it has exec'd passvm. */
static void read_child_error(int fd, struct pv_error *err)
{
	size_t got = 0;
	ssize_t n;

	while (got < sizeof(err->msg) - 1) {
		n = read(fd, err->msg + got, sizeof(err->msg) - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	err->msg[got] = '\0';
}

static void write_pidfile(const char *dir, pid_t pid)
{
	char path[4200], text[32];
	int fd, n;

	snprintf(path, sizeof(path), "%s/%s.pid", dir, JAIL_EXEC_NAME);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	n = snprintf(text, sizeof(text), "%d\n", (int)pid);
	if (write(fd, text, (size_t)n) != n)
		pv_warn("cannot write %s", path);
	close(fd);
}

int jail_run(struct jail_spec *s, int *status, struct pv_error *err)
{
	char dir[4096], root[4200], cgroup[4096] = "";
	struct sigaction sa;
	int p[2], ret;
	pid_t pid;

	if (geteuid())
		return pv_seterr(
			err, EPERM,
			"passvm jail must run as root: it builds namespaces, device nodes and a cgroup, then drops to --uid/--gid");
	if (snprintf(dir, sizeof(dir), "%s/%s/%s", s->base, JAIL_EXEC_NAME,
		     s->id) >= (int)sizeof(dir))
		return pv_seterr(err, ENAMETOOLONG,
				 "--chroot-base-dir is too long");
	ret = check_access(s, err);
	if (ret)
		return ret;
	snprintf(root, sizeof(root), "%s/root", dir);
	ret = mkdirs(root, 0755);
	if (ret)
		return pv_seterr(err, -ret, "cannot create the jail at %s: %s",
				 root, strerror(-ret));
	if (s->cgroup_mount) {
		ret = jail_cgroup_create(s, cgroup, sizeof(cgroup), err);
		if (ret)
			return ret;
	}
	if (unshare(CLONE_NEWPID)) {
		ret = pv_seterr(err, errno, "cannot create a PID namespace: %s",
				strerror(errno));
		goto out;
	}
	if (pipe2(p, O_CLOEXEC)) {
		ret = pv_seterr(err, errno, "pipe: %s", strerror(errno));
		goto out;
	}
	/* passvm gets what the jail gets (it is PID 1 of its namespace). */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = forward;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		ret = pv_seterr(err, errno, "fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		goto out;
	}
	if (!pid) {
		close(p[0]);
		jail_child(s, root, cgroup[0] ? cgroup : NULL, p[1]);
	}
	child_pid = pid;
	if (early_sig)
		kill(pid, early_sig);
	close(p[1]);
	read_child_error(p[0], err);
	close(p[0]);
	if (err->msg[0]) {
		wait_child(pid);
		ret = -EIO;
		goto out;
	}
	write_pidfile(dir, pid);
	*status = wait_child(pid);
	snprintf(root, sizeof(root), "%s/%s.pid", dir, JAIL_EXEC_NAME);
	unlink(root);
out:
	if (cgroup[0] && rmdir(cgroup))
		pv_warn("cannot remove the cgroup %s: %s", cgroup,
			strerror(errno));
	return ret;
}
