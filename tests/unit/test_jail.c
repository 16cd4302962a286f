// SPDX-License-Identifier: GPL-2.0
/*
 * `passvm jail`: its options (vmm/cli_jail.c), the plan of what a VM needs
 * in the jail over a fake sysfs (device nodes, the IOMMU group's sysfs
 * pieces, files, directories, RLIMIT_MEMLOCK), the cgroup v2 steps over a
 * fake cgroup tree (jail/cgroup.c), the static-binary check; then, when
 * this machine lets root make namespaces and has /dev/kvm, the real jail
 * through build/passvm: a guest runs as an unprivileged user with no
 * capability, every thread filtered, in its own namespaces and chroot,
 * without the caller's fds; SIGTERM and a forbidden call give 143 and 148.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "boot_image.h"
#include "guest_code.h"
#include "run_passvm.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/if_tun.h>

#include "fake_sysfs.h"
#include "jail/jail.h"
#include "vmm/cli.h"
#include "vmm/cli_jail.h"

static const struct jail_entry *find(const struct jail_spec *s,
				     const char *path)
{
	for (unsigned int i = 0; i < s->nr_entries; i++)
		if (!strcmp(s->entries[i].path, path))
			return &s->entries[i];
	return NULL;
}

static void test_parse(void **state)
{
	char *ok[] = { "jail",
		       "--id",
		       "vm-1",
		       "--uid",
		       "1000",
		       "--gid",
		       "100",
		       "--cgroup",
		       "memory.max=1G",
		       "--resource-limit",
		       "no-file=4096",
		       "--resource-limit",
		       "memlock=2G",
		       "--netns",
		       "/run/netns/a",
		       "--",
		       "run",
		       "--kernel",
		       "k",
		       NULL };
	char *root[] = { "jail",  "--id", "a",	"--uid", "0",
			 "--gid", "1",	  "--", "run",	 NULL };
	char *norun[] = { "jail",  "--id", "a",	 "--uid",  "1",
			  "--gid", "1",	   "--", "doctor", NULL };
	char *noid[] = {
		"jail", "--uid", "1", "--gid", "1", "--", "run", NULL
	};
	char *badlim[] = { "jail",  "--id",  "a",   "--uid",
			   "1",	    "--gid", "1",   "--resource-limit",
			   "cpu=1", "--",    "run", NULL };
	char *badcg[] = { "jail",	"--id",	 "a",	"--uid",
			  "1",		"--gid", "1",	"--cgroup",
			  "memory.max", "--",	 "run", NULL };
	char *v1[] = { "jail", "--id",	"a",   "--uid",
		       "1",    "--gid", "1",   "--cgroup-version",
		       "1",    "--",	"run", NULL };
	struct pv_error err;
	struct jail_spec s;
	char **rargv;
	int rargc;

	jail_spec_init(&s);
	assert_int_equal(cli_parse_jail(19, ok, &s, &rargc, &rargv, &err), 0);
	assert_string_equal(s.id, "vm-1");
	assert_int_equal(s.uid, 1000);
	assert_int_equal(s.gid, 100);
	assert_int_equal(s.nofile, 4096);
	assert_int_equal(s.memlock, 2ull << 30);
	assert_string_equal(s.netns, "/run/netns/a");
	assert_int_equal(s.nr_cgroup, 1);
	assert_string_equal(s.cgroup[0].key, "memory.max");
	assert_string_equal(s.cgroup[0].value, "1G");
	assert_int_equal(rargc, 3);
	assert_string_equal(rargv[0], "run");
	assert_string_equal(rargv[2], "k");
	jail_spec_init(&s);
	assert_int_equal(cli_parse_jail(9, root, &s, &rargc, &rargv, &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "--uid '0'"));
	jail_spec_init(&s);
	assert_int_equal(cli_parse_jail(9, norun, &s, &rargc, &rargv, &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "-- run"));
	jail_spec_init(&s);
	assert_int_equal(cli_parse_jail(7, noid, &s, &rargc, &rargv, &err),
			 -EINVAL);
	jail_spec_init(&s);
	assert_int_equal(cli_parse_jail(11, badlim, &s, &rargc, &rargv, &err),
			 -EINVAL);
	jail_spec_init(&s);
	assert_int_equal(cli_parse_jail(11, badcg, &s, &rargc, &rargv, &err),
			 -EINVAL);
	jail_spec_init(&s);
	assert_int_equal(cli_parse_jail(11, v1, &s, &rargc, &rargv, &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "cgroup v2"));
}

static void parse_run(struct vm_config *o, int argc, char **argv)
{
	struct pv_error err;

	assert_int_equal(cli_parse_run(argc, argv, o, &err), 0);
}

/* An NVMe in group 5 with a second function: both are in the jail. */
static void test_plan(void **state)
{
	char *run[] = { "run",
			"--kernel",
			"vmlinuz",
			"--initrd",
			"/boot/initrd.img",
			"--vfio",
			"0000:01:00.0",
			"--mem",
			"1G",
			"--api-sock",
			"/run/pv/api.sock",
			NULL };
	const struct jail_entry *e;
	struct fake_sysfs fs;
	struct pv_error err;
	struct vm_config o;
	struct jail_spec s;

	assert_int_equal(fake_sysfs_init(&fs), 0);
	fake_sysfs_add_dev(&fs, "0000:01:00.0", 0x8086, 0x5845, 0x010802, 5,
			   "vfio-pci");
	fake_sysfs_add_dev(&fs, "0000:01:00.1", 0x8086, 0x5845, 0x010802, 5,
			   NULL);
	fake_sysfs_add_dev(&fs, "0000:02:00.0", 0x8086, 0x10d3, 0x020000, 6,
			   "e1000e");
	parse_run(&o, 11, run);
	jail_spec_init(&s);
	assert_int_equal(cli_jail_plan(&s, &o, fs.sys, "/home/u", &err), 0);
	e = find(&s, "/home/u/vmlinuz");
	assert_non_null(e);
	assert_int_equal(e->kind, JAIL_FILE_RO);
	assert_int_equal(find(&s, "/boot/initrd.img")->kind, JAIL_FILE_RO);
	assert_int_equal(find(&s, "/run/pv")->kind, JAIL_DIR);
	assert_int_equal(find(&s, "/dev/kvm")->kind, JAIL_DEV);
	assert_int_equal(find(&s, "/dev/vfio/vfio")->kind, JAIL_DEV);
	assert_int_equal(find(&s, "/dev/vfio/5")->kind, JAIL_DEV);
	assert_int_equal(find(&s, "/dev/null")->kind, JAIL_DEV_SHARED);
	assert_int_equal(find(&s, "/sys/kernel/iommu_groups/5")->kind,
			 JAIL_SYS_DIR);
	assert_int_equal(find(&s, "/sys/devices/pci0000:00/0000:01:00.0")->kind,
			 JAIL_SYS_DIR);
	assert_int_equal(find(&s, "/sys/devices/pci0000:00/0000:01:00.1")->kind,
			 JAIL_SYS_DIR);
	e = find(&s, "/sys/bus/pci/devices/0000:01:00.1");
	assert_non_null(e);
	assert_int_equal(e->kind, JAIL_SYS_LINK);
	assert_string_equal(e->target,
			    "../../../devices/pci0000:00/0000:01:00.1");
	/* another group's device stays out */
	assert_null(find(&s, "/sys/devices/pci0000:00/0000:02:00.0"));
	assert_null(find(&s, "/dev/vfio/6"));
	assert_null(find(&s, "/dev/net/tun"));
	assert_int_equal(s.memlock, (1ull << 30) + JAIL_MEMLOCK_MARGIN);
	assert_string_equal(s.cwd, "/home/u");
	jail_spec_free(&s);
	fake_sysfs_cleanup(&fs);
}

/*
 * sysfs names a VFIO cdev (vfio-dev/vfio3) on every kernel; the jail gets
 * it and /dev/iommu only when the host has both nodes and the run may take
 * iommufd (--iommu auto, the default, or iommufd), never with --iommu
 * type1. On a host without them (Debian's kernels: no IOMMUFD; this
 * machine), the group's nodes alone whatever the mode; the nodes
 * themselves are checked in the lab (jail on the lab's own kernel with
 * --iommu iommufd).
 */
static void test_plan_iommufd(void **state)
{
	char *run[] = { "run",		"--kernel", "vmlinuz", "--vfio",
			"0000:01:00.0", "--iommu",  "auto",    NULL };
	static const char *const modes[] = { "auto", "iommufd", "type1" };
	struct fake_sysfs fs;
	struct pv_error err;
	struct vm_config o;
	struct jail_spec s;
	struct stat st;
	bool host_nodes = !stat("/dev/iommu", &st) && S_ISCHR(st.st_mode) &&
			  !stat("/dev/vfio/devices/vfio3", &st) &&
			  S_ISCHR(st.st_mode);

	assert_int_equal(fake_sysfs_init(&fs), 0);
	fake_sysfs_add_dev(&fs, "0000:01:00.0", 0x8086, 0x5845, 0x010802, 5,
			   "vfio-pci");
	fake_sysfs_add_dev(&fs, "0000:02:00.0", 0x8086, 0x5845, 0x010802, 6,
			   "vfio-pci");
	assert_int_equal(
		fake_sysfs_mkdir(
			&fs,
			"sys/devices/pci0000:00/0000:01:00.0/vfio-dev/vfio3"),
		0);
	for (unsigned int i = 0; i < 3; i++) {
		bool want = host_nodes && i < 2;

		run[6] = (char *)modes[i];
		parse_run(&o, 7, run);
		jail_spec_init(&s);
		assert_int_equal(cli_jail_plan(&s, &o, fs.sys, "/home/u", &err),
				 0);
		assert_int_equal(find(&s, "/dev/vfio/5")->kind, JAIL_DEV);
		assert_int_equal(find(&s, "/dev/vfio/vfio")->kind, JAIL_DEV);
		assert_int_equal(find(&s, "/dev/vfio/devices/vfio3") != NULL,
				 want);
		assert_int_equal(find(&s, "/dev/iommu") != NULL, want);
		/* the other group's device stays out */
		assert_null(find(&s, "/dev/vfio/6"));
		jail_spec_free(&s);
	}
	fake_sysfs_cleanup(&fs);
}

static int plan_err(int argc, char **argv, const char *netns,
		    struct pv_error *err)
{
	struct vm_config o;
	struct jail_spec s;
	int ret;

	parse_run(&o, argc, argv);
	jail_spec_init(&s);
	s.netns = netns;
	ret = cli_jail_plan(&s, &o, "/nonexistent", "/", err);
	jail_spec_free(&s);
	vm_config_release(&o);
	return ret;
}

static bool kept(const struct jail_spec *s, int fd)
{
	for (unsigned int i = 0; i < s->nr_keep_fds; i++)
		if (s->keep_fds[i] == fd)
			return true;
	return false;
}

/*
 * Taps and /dev/vhost-net passed open (--net fd=N,vhost-fd=M) and
 * --kvm-fd: the fds are kept for passvm, their nodes left out, and no
 * --netns is needed; a tap by name still needs /dev/net/tun and --netns.
 */
static void test_plan_fds(void **state)
{
	char *fds[] = { "run",
			"--kernel",
			"/k",
			"--net",
			"fd=5,vhost-fd=6",
			"--net",
			"fd=7",
			"--kvm-fd",
			"9",
			"--net",
			"fd=8,vhost=off,id=x",
			NULL };
	char *byname[] = { "run", "--kernel", "/k", "--net", "tap=tap0", NULL };
	char *vfiofd[] = { "run", "--kernel", "/k", "--vfio", "fd=5", NULL };
	char *iommufd[] = { "run", "--kernel", "/k", "--iommu-fd", "4", NULL };
	struct pv_error err;
	struct vm_config o;
	struct jail_spec s;
	struct stat st;
	/* vhost=auto takes /dev/vhost-net where the host has it */
	bool vhost = !stat("/dev/vhost-net", &st) && S_ISCHR(st.st_mode);

	parse_run(&o, 11, fds);
	jail_spec_init(&s);
	assert_int_equal(cli_jail_plan(&s, &o, "/nonexistent", "/", &err), 0);
	assert_int_equal(s.nr_keep_fds, 5);
	for (int fd = 5; fd <= 9; fd++)
		assert_true(kept(&s, fd));
	assert_null(find(&s, "/dev/net/tun"));
	assert_null(find(&s, "/dev/kvm"));
	/* fd=7 has no vhost-fd: passvm opens /dev/vhost-net itself */
	assert_int_equal(find(&s, "/dev/vhost-net") != NULL, vhost);
	assert_int_equal(find(&s, "/dev/null")->kind, JAIL_DEV_SHARED);
	jail_spec_free(&s);
	vm_config_release(&o);
	/* vhost=on: the node whatever the host (passvm fails without it) */
	fds[6] = "fd=7,vhost=on";
	parse_run(&o, 11, fds);
	jail_spec_init(&s);
	assert_int_equal(cli_jail_plan(&s, &o, "/nonexistent", "/", &err), 0);
	assert_int_equal(find(&s, "/dev/vhost-net")->kind, JAIL_DEV);
	jail_spec_free(&s);
	vm_config_release(&o);

	/* all of them given their vhost-net (or none): no node at all */
	fds[6] = "fd=7,vhost=off";
	parse_run(&o, 11, fds);
	jail_spec_init(&s);
	assert_int_equal(cli_jail_plan(&s, &o, "/nonexistent", "/", &err), 0);
	assert_null(find(&s, "/dev/vhost-net"));
	jail_spec_free(&s);
	vm_config_release(&o);

	/* a tap by name: its node, and the namespace it is in */
	assert_int_equal(plan_err(5, byname, NULL, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "--net tap=tap0 needs --netns PATH"));
	assert_non_null(strstr(err.msg, "--net fd=N"));
	parse_run(&o, 5, byname);
	jail_spec_init(&s);
	s.netns = "/proc/1/ns/net";
	assert_int_equal(cli_jail_plan(&s, &o, "/nonexistent", "/", &err), 0);
	assert_int_equal(find(&s, "/dev/net/tun")->kind, JAIL_DEV);
	assert_int_equal(find(&s, "/dev/vhost-net") != NULL, vhost);
	assert_int_equal(find(&s, "/dev/kvm")->kind, JAIL_DEV);
	assert_int_equal(s.nr_keep_fds, 0);
	jail_spec_free(&s);
	vm_config_release(&o);

	/* VFIO fds cannot be named inside: refused, naming --vfio BDF */
	assert_int_equal(plan_err(5, vfiofd, NULL, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "--vfio fd=5"));
	assert_non_null(strstr(err.msg, "give --vfio BDF"));
	assert_int_equal(plan_err(5, iommufd, NULL, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "--iommu-fd 4"));
}

/* Only the kept fds survive, and a kept fd must be open. */
static void test_close_fds(void **state)
{
	struct pv_error err = { "" };
	struct jail_spec s;
	int a, b, c, st;
	pid_t pid;

	jail_spec_init(&s);
	assert_int_equal(jail_keep_fd(&s, 2), -EINVAL);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		/* in a child: jail_close_fds closes this process's fds */
		a = open("/dev/null", O_RDONLY);
		b = open("/dev/null", O_RDONLY);
		c = open("/dev/null", O_RDONLY);
		if (a < 3 || b < 3 || c < 3 || jail_keep_fd(&s, c) ||
		    jail_keep_fd(&s, a) || jail_keep_fd(&s, a) ||
		    s.nr_keep_fds != 2)
			_exit(10);
		if (jail_keep_fd(&s, 1000) || !jail_close_fds(&s, &err) ||
		    !strstr(err.msg, "fd 1000 is not open") ||
		    fcntl(b, F_GETFD) < 0)
			_exit(11); /* refused, and nothing closed */
		s.nr_keep_fds = 2;
		if (jail_close_fds(&s, &err))
			_exit(12);
		if (fcntl(a, F_GETFD) < 0 || fcntl(c, F_GETFD) < 0)
			_exit(13);
		if (fcntl(b, F_GETFD) >= 0)
			_exit(14);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

/* What cannot work in a jail is refused, saying what to do instead. */
static void test_plan_refuses(void **state)
{
	char *managed[] = { "run",    "--kernel",	 "k",
			    "--vfio", "01:00.0,managed", NULL };
	char *daemon[] = { "run",	"--kernel",    "k", "--daemonize",
			   "--console", "file:/tmp/c", NULL };
	char *rootsock[] = { "run", "--api-sock", "/pv.sock", NULL };
	char *nodev[] = { "run", "--kernel", "k", "--vfio", "01:00.0", NULL };
	char *sriov[] = { "run",     "--kernel",	 "k",
			  "--sriov", "01:00.0,numvfs=2", NULL };
	struct pv_error err;

	assert_int_equal(plan_err(5, managed, NULL, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "passvm bind 0000:01:00.0 first"));
	assert_int_equal(plan_err(5, sriov, NULL, &err), -EINVAL);
	assert_non_null(
		strstr(err.msg, "passvm sriov 0000:01:00.0 --numvfs N --bind"));
	assert_int_equal(plan_err(6, daemon, NULL, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "--daemonize"));
	assert_int_equal(plan_err(3, rootsock, NULL, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "/run/pv.sock"));
	assert_int_equal(plan_err(5, nodev, NULL, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "0000:01:00.0"));
}

static void test_entries(void **state)
{
	struct jail_spec s;

	jail_spec_init(&s);
	assert_int_equal(jail_add(&s, JAIL_FILE_RO, "relative", NULL), -EINVAL);
	assert_int_equal(jail_add(&s, JAIL_FILE_RO, "/img", NULL), 0);
	assert_int_equal(jail_add(&s, JAIL_FILE_RW, "/img", NULL), 0);
	assert_int_equal(jail_add(&s, JAIL_FILE_RO, "/img", NULL), 0);
	assert_int_equal(s.nr_entries, 1);
	/* a disk given read-write and read-only is writable */
	assert_int_equal(s.entries[0].kind, JAIL_FILE_RW);
	jail_spec_free(&s);
}

static void put(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void get(const char *dir, const char *name, char *buf, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	assert_non_null(f);
	buf[0] = '\0';
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	fclose(f);
}

static void test_cgroup_mount(void **state)
{
	char mi[] = "/tmp/passvm-mountinfo-XXXXXX", out[256];
	int fd = mkstemp(mi);
	FILE *f = fdopen(fd, "w");

	fputs("22 1 0:21 / /proc rw,nosuid shared:12 - proc proc rw\n"
	      "36 25 0:30 / /sys/fs/cgroup rw,nosuid,nodev shared:9 - cgroup2 cgroup2 rw,nsdelegate\n",
	      f);
	fclose(f);
	assert_int_equal(jail_cgroup_mount(mi, out, sizeof(out)), 0);
	assert_string_equal(out, "/sys/fs/cgroup");
	f = fopen(mi, "w");
	fputs("22 1 0:21 / /proc rw shared:12 - proc proc rw\n", f);
	fclose(f);
	assert_int_equal(jail_cgroup_mount(mi, out, sizeof(out)), -ENOENT);
	unlink(mi);
}

/* A fake cgroup2 tree: subtree_control files are plain files here. */
static void test_cgroup_create(void **state)
{
	char mnt[] = "/tmp/passvm-cg-XXXXXX", out[512], buf[128], p[512];
	struct pv_error err;
	struct jail_spec s;

	assert_non_null(mkdtemp(mnt));
	put(mnt, "cgroup.subtree_control", "");
	jail_spec_init(&s);
	strcpy(s.id, "vm1");
	s.cgroup_mount = mnt;
	s.cgroup_parent = "fleet/passvm";
	strcpy(s.cgroup[0].key, "memory.max");
	strcpy(s.cgroup[0].value, "1073741824");
	strcpy(s.cgroup[1].key, "cpu.max");
	strcpy(s.cgroup[1].value, "50000 100000");
	s.nr_cgroup = 2;
	/* the kernel would create these files with each cgroup */
	snprintf(p, sizeof(p), "%s/fleet", mnt);
	mkdir(p, 0755);
	put(p, "cgroup.subtree_control", "");
	snprintf(p, sizeof(p), "%s/fleet/passvm", mnt);
	mkdir(p, 0755);
	put(p, "cgroup.subtree_control", "");
	snprintf(p, sizeof(p), "%s/fleet/passvm/vm1", mnt);
	mkdir(p, 0755);
	put(p, "memory.max", "max");
	put(p, "cpu.max", "max 100000");
	put(p, "cgroup.procs", "");
	assert_int_equal(jail_cgroup_create(&s, out, sizeof(out), &err), 0);
	assert_string_equal(out, p);
	get(p, "memory.max", buf, sizeof(buf));
	assert_string_equal(buf, "1073741824");
	get(p, "cpu.max", buf, sizeof(buf));
	assert_string_equal(buf, "50000 100000");
	/* the controllers enabled from the top down to the parent */
	get(mnt, "cgroup.subtree_control", buf, sizeof(buf));
	assert_string_equal(buf, "+memory +cpu");
	snprintf(p, sizeof(p), "%s/fleet/passvm", mnt);
	get(p, "cgroup.subtree_control", buf, sizeof(buf));
	assert_string_equal(buf, "+memory +cpu");
	/* a cgroup with a process in it is another jail's */
	snprintf(p, sizeof(p), "%s/fleet/passvm/vm1", mnt);
	put(p, "cgroup.procs", "1234\n");
	assert_int_equal(jail_cgroup_create(&s, out, sizeof(out), &err),
			 -EBUSY);
	assert_non_null(strstr(err.msg, "--id vm1"));
	/* a key must be a cgroup file */
	strcpy(s.cgroup[0].key, "../escape");
	assert_int_equal(jail_cgroup_create(&s, out, sizeof(out), &err),
			 -EINVAL);
	snprintf(buf, sizeof(buf), "rm -rf %s", mnt);
	assert_int_equal(system(buf), 0);
}

/*
 * Is passvm_bin() the static (musl) build? The Makefile records which compiler
 * linked build/passvm (build/.link-cc); make CC=gcc links it dynamically,
 * and a jail refuses that (the chroot holds no library). PASSVM given:
 * taken as static.
 */
static bool static_build(void)
{
	char cc[64] = "";
	FILE *f;

	if (getenv("PASSVM"))
		return true;
	f = fopen("build/.link-cc", "r");
	if (!f)
		return true;
	if (!fgets(cc, sizeof(cc), f))
		cc[0] = '\0';
	fclose(f);
	return strstr(cc, "musl") != NULL;
}

static void test_static_binary(void **state)
{
	int fd = open("/proc/self/exe", O_RDONLY);

	/* this test links glibc dynamically */
	assert_int_equal(jail_exe_is_static(fd), 0);
	close(fd);
	fd = open(passvm_bin(), O_RDONLY);
	if (fd < 0)
		skip();
	assert_int_equal(jail_exe_is_static(fd), static_build() ? 1 : 0);
	close(fd);
	fd = open("/dev/null", O_RDONLY);
	assert_true(jail_exe_is_static(fd) < 0);
	close(fd);
}

/* ---- the real jail, through the binary ---- */

static char base[] = "/tmp/passvm-jails-XXXXXX";

static bool can_jail(void)
{
	pid_t pid;
	int st;

	if (geteuid() || access("/dev/kvm", R_OK | W_OK))
		return false;
	if (!static_build()) {
		printf("build/passvm is the dynamic (make CC=gcc) build, which a jail refuses: run make first\n");
		return false;
	}
	pid = fork();
	if (!pid)
		_exit(unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET) ? 1 :
									   0);
	return waitpid(pid, &st, 0) == pid && WIFEXITED(st) && !WEXITSTATUS(st);
}

/* A jail id of this test process's own: tests may run side by side. */
static const char *jail_id(const char *name)
{
	static char id[64];

	snprintf(id, sizeof(id), "%s-%d", name, (int)getpid());
	return id;
}

static pid_t live_jail; /* the jail a failed assertion left running */

/*
 * passvm jail --id @id ... -- run --kernel @img --verdict port, then
 * @extra "vcpu" (a hidden option and its value) or --stats, then
 * "--net @net" if @net; stdout in @out. @leak_fd, an fd of the caller,
 * stays open (not close-on-exec).
 */
static pid_t start(const char *id, const char *img, const char *extra,
		   const char *outfile, int leak_fd, const char *net)
{
	const char *args[32] = { "passvm",    "jail",	"--id",
				 jail_id(id), "--uid",	"65534",
				 "--gid",     "65534",	"--chroot-base-dir",
				 base,	      "--",	"run",
				 "--kernel",  img,	"--mem",
				 "32M",	      "--cpus", "2",
				 "--verdict", "port" };
	int n = 20;
	pid_t pid;

	if (extra) {
		args[n++] = extra;
		args[n++] = "vcpu";
	} else {
		args[n++] = "--stats";
	}
	if (net) {
		args[n++] = "--net";
		args[n++] = net;
	}
	pid = fork();
	assert_true(pid >= 0);
	live_jail = pid;
	if (!pid) {
		int o = open(outfile, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		dup2(o, 1);
		dup2(o, 2);
		close(o);
		(void)leak_fd;
		execv(passvm_bin(), (char *const *)args);
		_exit(127);
	}
	return pid;
}

static int finish(pid_t pid)
{
	int st;

	assert_int_equal(waitpid(pid, &st, 0), pid);
	live_jail = 0;
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

/* Stop what a failed test left running: the jail forwards SIGTERM. */
static int stop_live_jail(void **state)
{
	int st;

	(void)state;
	if (live_jail > 0) {
		kill(live_jail, SIGTERM);
		for (int i = 0; i < 500; i++) {
			if (waitpid(live_jail, &st, WNOHANG) == live_jail)
				break;
			usleep(10000);
		}
		kill(live_jail, SIGKILL);
		waitpid(live_jail, &st, WNOHANG);
		live_jail = 0;
	}
	return 0;
}

/* The threads of @pid, and how many of them run under a seccomp filter. */
static void count_tasks(pid_t pid, int *tasks, int *filtered)
{
	char dir[64], path[384];
	struct dirent *e;
	DIR *d;

	*tasks = *filtered = 0;
	snprintf(dir, sizeof(dir), "/proc/%d/task", (int)pid);
	d = opendir(dir);
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		(*tasks)++;
		snprintf(path, sizeof(path), "%s/%s/status", dir, e->d_name);
		*filtered += file_has(path, "Seccomp:\t2\n");
	}
	closedir(d);
}

static void test_jail_runs_guest(void **state)
{
	char img[] = "/tmp/passvm-jail-imgXXXXXX", out[64];
	int fd;

	if (!can_jail())
		skip();
	snprintf(out, sizeof(out), "/tmp/pvj-out-%d", (int)getpid());
	fd = mkstemp(img);
	close(fd);
	make_test_bzimage(img, guest_ok42, sizeof(guest_ok42));
	/* mkstemp's 0600: the jail's user could not read it */
	assert_int_equal(finish(start("t-ok", img, NULL, out, -1, NULL)), 1);
	assert_true(file_has(out, "cannot be read by uid 65534"));
	chmod(img, 0644);
	/* the guest's port 0xf4 verdict 42: 64 + 42 */
	assert_int_equal(finish(start("t-ok", img, NULL, out, -1, NULL)), 106);
	assert_true(file_has(out, "OK\n"));
	assert_true(file_has(out, "passvm: stats:"));
	/* a forbidden call in the jailed vCPU: 148, named */
	assert_int_equal(finish(start("t-bad", img, "--seccomp-test-forbidden",
				      out, -1, NULL)),
			 148);
	assert_true(file_has(out, "the vcpu thread made a forbidden"));
	unlink(img);
	unlink(out);
}

/* A status line of /proc/@pid/status ("CapEff:\t0000000000000000"). */
static bool status_is(pid_t pid, const char *line)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	return file_has(path, line);
}

/*
 * The jailed passvm, read from outside while its guest spins: uid,
 * capabilities, namespaces, filters, its root; of the caller's fds only
 * the tap given as --net fd=40 followed (when this machine can make
 * one), with no /dev/net/tun in the jail.
 */
static void test_jail_unprivileged(void **state)
{
	char img[] = "/tmp/passvm-jail-imgXXXXXX", out[64];
	char leak[] = "/tmp/passvm-jail-leakXXXXXX", path[1200], link[600];
	char root[512], rootlink[600], tap[IFNAMSIZ], want[64];
	int fd, leak_fd, tap_fd, i, tasks = 0, filtered = 0, taps = 0;
	pid_t jail, vmm = 0;
	struct dirent *e;
	FILE *f;
	DIR *d;

	if (!can_jail())
		skip();
	snprintf(out, sizeof(out), "/tmp/pvj-out-%d", (int)getpid());
	fd = mkstemp(img);
	close(fd);
	make_test_bzimage(img, guest_spin, sizeof(guest_spin));
	chmod(img, 0644);
	leak_fd = mkstemp(leak); /* an fd the caller holds */
	snprintf(tap, sizeof(tap), "pvj%d", (int)getpid() % 100000);
	tap_fd = tap_as(tap, 40);
	jail = start("t-priv", img, NULL, out, leak_fd,
		     tap_fd < 0 ? NULL : "fd=40,vhost=off");
	snprintf(path, sizeof(path), "%s/passvm/%s/passvm.pid", base,
		 jail_id("t-priv"));
	for (i = 0; i < 3000 && !vmm; i++) { /* 30 s: a loaded machine */
		usleep(10000);
		f = fopen(path, "r");
		if (f) {
			if (fscanf(f, "%d", &vmm) != 1)
				vmm = 0;
			fclose(f);
		}
	}
	assert_true(vmm > 0);
	/*
	 * Until its vCPUs run and every thread has entered its filter (a
	 * thread installs its own as it starts): 30 s on a loaded machine.
	 */
	for (i = 0; i < 3000; i++) {
		count_tasks(vmm, &tasks, &filtered);
		if (tasks >= 4 && filtered == tasks)
			break;
		usleep(10000);
	}
	assert_true(status_is(vmm, "Uid:\t65534\t65534\t65534\t65534"));
	assert_true(status_is(vmm, "CapEff:\t0000000000000000"));
	assert_true(status_is(vmm, "CapPrm:\t0000000000000000"));
	assert_true(status_is(vmm, "CapBnd:\t0000000000000000"));
	assert_true(status_is(vmm, "NoNewPrivs:\t1"));
	assert_true(status_is(vmm, "NSpid:\t"));
	assert_true(status_is(vmm, "\t1\n")); /* PID 1 of its namespace */
	/* every thread filtered */
	assert_true(tasks >= 4);
	assert_int_equal(filtered, tasks);
	/* its root is the chroot; its namespaces are not ours */
	snprintf(path, sizeof(path), "/proc/%d/root/dev/kvm", (int)vmm);
	assert_int_equal(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "/proc/%d/root/etc", (int)vmm);
	assert_int_not_equal(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)vmm);
	assert_true(readlink(path, link, sizeof(link)) > 0);
	assert_true(readlink("/proc/self/ns/net", rootlink, sizeof(rootlink)) >
		    0);
	assert_int_not_equal(strcmp(link, rootlink), 0);
	/* the caller's fd did not follow */
	snprintf(root, sizeof(root), "/proc/%d/fd", (int)vmm);
	d = opendir(root);
	assert_non_null(d);
	while ((e = readdir(d))) {
		ssize_t n;

		snprintf(path, sizeof(path), "%s/%s", root, e->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		link[n > 0 ? n : 0] = '\0';
		assert_null(strstr(link, "passvm-jail-leak"));
		taps += !strcmp(link, "/dev/net/tun");
	}
	closedir(d);
	/* the tap passed in, and no node to open another */
	snprintf(path, sizeof(path), "/proc/%d/root/dev/net/tun", (int)vmm);
	assert_int_not_equal(access(path, F_OK), 0);
	assert_int_equal(taps, tap_fd < 0 ? 0 : 1);
	kill(jail, SIGTERM);
	assert_int_equal(finish(jail), 128 + SIGTERM);
	snprintf(want, sizeof(want), "tap %s, data path userspace", tap);
	assert_int_equal(file_has(out, want), tap_fd >= 0);
	if (tap_fd >= 0)
		close(tap_fd);
	close(leak_fd);
	unlink(leak);
	unlink(img);
	unlink(out);
}

static int teardown_base(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", base);
	return system(cmd) ? -1 : 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_plan_iommufd),
		cmocka_unit_test(test_plan_refuses),
		cmocka_unit_test(test_plan_fds),
		cmocka_unit_test(test_close_fds),
		cmocka_unit_test(test_entries),
		cmocka_unit_test(test_cgroup_mount),
		cmocka_unit_test(test_cgroup_create),
		cmocka_unit_test(test_static_binary),
		cmocka_unit_test_teardown(test_jail_runs_guest, stop_live_jail),
		cmocka_unit_test_teardown(test_jail_unprivileged,
					  stop_live_jail),
	};

	if (!mkdtemp(base))
		return 1;
	return cmocka_run_group_tests(tests, NULL, teardown_base);
}
