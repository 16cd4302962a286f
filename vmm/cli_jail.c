// SPDX-License-Identifier: GPL-2.0
/*
 * `passvm jail`: its options (Firecracker's jailer's, docs/jailer.md),
 * the `passvm run` options read with the run command's own parser, and
 * the plan of what the VM needs in the jail. See vmm/cli_jail.h.
 */
#include "vmm/cli_jail.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/parse.h"
#include "vmm/api_run.h"
#include "devices/io.h"
#include "vmm/cli.h"
#include "vmm/cli_ctl.h"

const char cli_jail_help[] =
	"Usage: passvm jail --id ID --uid UID --gid GID [options] -- run RUN-OPTIONS\n"
	"\n"
	"Run `passvm run` with least privilege, as Firecracker's jailer. As\n"
	"root: build a chroot at BASE/passvm/ID/root holding only what the VM\n"
	"needs (its files bind-mounted at their own paths, read-only but for\n"
	"writable disks; the device nodes it opens, owned by UID; read-only\n"
	"sysfs of its assigned devices), put passvm in the cgroup PARENT/ID\n"
	"and in new PID, mount and network namespaces, set its rlimits\n"
	"(RLIMIT_MEMLOCK: guest RAM + 64 MiB with --vfio), drop every\n"
	"capability, become UID:GID and exec passvm run. What passvm creates\n"
	"(API socket, console file or socket, logs, pidfile) is at\n"
	"BASE/passvm/ID/root/PATH on the host. Devices must be on vfio-pci\n"
	"already (passvm bind): ,managed is refused in a jail. Of the caller's\n"
	"fds only those the run options name pass: taps and /dev/vhost-net\n"
	"(--net fd=N,vhost-fd=M: no /dev/net/tun in the jail then, and no\n"
	"--netns needed) and /dev/kvm (--kvm-fd N); --vfio fd=N and\n"
	"--iommu-fd are refused (give --vfio BDF).\n"
	"\n"
	"  --id ID            the jail's name (1-64 of A-Z a-z 0-9 -), also\n"
	"                     passvm's --id unless the run options give one\n"
	"  --uid UID          the user passvm runs as (not 0)\n"
	"  --gid GID          its group (not 0)\n"
	"  --chroot-base-dir DIR\n"
	"                     where jails are made (default " JAIL_DEFAULT_BASE
	")\n"
	"  --netns PATH       join this network namespace (where the taps of\n"
	"                     --net tap=NAME are) instead of a new, empty one\n"
	"  --cgroup-version 2 cgroup v2 (the only one passvm uses)\n"
	"  --parent-cgroup NAME\n"
	"                     the cgroup jails go under (default " JAIL_DEFAULT_PARENT_CGROUP
	")\n"
	"  --cgroup FILE=VALUE\n"
	"                     write VALUE to the jail's cgroup FILE, e.g.\n"
	"                     memory.max=2G, cpu.max=\"200000 100000\"\n"
	"                     (repeatable)\n"
	"  --resource-limit no-file=N|fsize=SIZE|memlock=SIZE\n"
	"                     passvm's rlimits (no-file default 2048, memlock\n"
	"                     computed as above; repeatable)\n"
	"  -h, --help         this text\n"
	"\n"
	"Exit status: passvm's (see passvm run --help); 1 when the jail could\n"
	"not be built; 2 usage error.\n";

static int parse_id(const char *arg, const char *opt, unsigned int *out,
		    struct pv_error *err)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || v == 0 || v > 0xfffffffeul)
		return pv_seterr(
			err, EINVAL,
			"%s '%s': give a number other than 0 (the jail exists to leave root)",
			opt, arg);
	*out = (unsigned int)v;
	return 0;
}

static int parse_rlimit(const char *arg, struct jail_spec *s,
			struct pv_error *err)
{
	const char *eq = strchr(arg, '=');
	unsigned long long v;
	char *end;

	if (eq && !strncmp(arg, "no-file=", 8)) {
		errno = 0;
		v = strtoull(eq + 1, &end, 10);
		if (!errno && end != eq + 1 && !*end && v >= 64 &&
		    v <= 1048576) {
			s->nofile = v;
			return 0;
		}
	} else if (eq && !strncmp(arg, "fsize=", 6)) {
		if (!parse_size(eq + 1, &s->fsize) && s->fsize)
			return 0;
	} else if (eq && !strncmp(arg, "memlock=", 8)) {
		if (!parse_size(eq + 1, &s->memlock) && s->memlock)
			return 0;
	}
	return pv_seterr(
		err, EINVAL,
		"--resource-limit '%s': give no-file=N (64..1048576), fsize=SIZE or memlock=SIZE",
		arg);
}

static int parse_cgroup(const char *arg, struct jail_spec *s,
			struct pv_error *err)
{
	const char *eq = strchr(arg, '=');
	struct jail_cgroup_kv *kv;

	if (s->nr_cgroup == JAIL_MAX_CGROUP_KEYS)
		return pv_seterr(err, EINVAL, "at most %d --cgroup values",
				 JAIL_MAX_CGROUP_KEYS);
	kv = &s->cgroup[s->nr_cgroup];
	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(kv->key) ||
	    strlen(eq + 1) >= sizeof(kv->value) || !eq[1])
		return pv_seterr(
			err, EINVAL,
			"--cgroup '%s': give FILE=VALUE, e.g. memory.max=2G",
			arg);
	memcpy(kv->key, arg, (size_t)(eq - arg));
	kv->key[eq - arg] = '\0';
	strcpy(kv->value, eq + 1);
	s->nr_cgroup++;
	return 0;
}

int cli_parse_jail(int argc, char **argv, struct jail_spec *s, int *run_argc,
		   char ***run_argv, struct pv_error *err)
{
	enum {
		O_ID = 256,
		O_UID,
		O_GID,
		O_BASE,
		O_NETNS,
		O_CGV,
		O_PARENT,
		O_CGROUP,
		O_RLIMIT,
		O_HELP,
	};
	static const struct option opts[] = {
		{ "id", required_argument, NULL, O_ID },
		{ "uid", required_argument, NULL, O_UID },
		{ "gid", required_argument, NULL, O_GID },
		{ "chroot-base-dir", required_argument, NULL, O_BASE },
		{ "netns", required_argument, NULL, O_NETNS },
		{ "cgroup-version", required_argument, NULL, O_CGV },
		{ "parent-cgroup", required_argument, NULL, O_PARENT },
		{ "cgroup", required_argument, NULL, O_CGROUP },
		{ "resource-limit", required_argument, NULL, O_RLIMIT },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 },
	};
	unsigned int v;
	int c, ret = 0;

	optind = 1;
	opterr = 0;
	/* '+': the run options after "--" (or "run") are not ours. */
	while (!ret && (c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (c) {
		case O_ID:
			if (!vm_id_valid(optarg, true))
				return pv_seterr(
					err, EINVAL,
					"--id '%s': use 1 to %d letters, digits or '-'",
					optarg, VM_ID_MAX);
			strcpy(s->id, optarg);
			break;
		case O_UID:
			ret = parse_id(optarg, "--uid", &v, err);
			s->uid = v;
			break;
		case O_GID:
			ret = parse_id(optarg, "--gid", &v, err);
			s->gid = v;
			break;
		case O_BASE:
			if (optarg[0] != '/' || strstr(optarg, ".."))
				return pv_seterr(
					err, EINVAL,
					"--chroot-base-dir '%s': give an absolute path",
					optarg);
			s->base = optarg;
			break;
		case O_NETNS:
			s->netns = optarg;
			break;
		case O_CGV:
			if (strcmp(optarg, "2"))
				return pv_seterr(
					err, EINVAL,
					"--cgroup-version %s: passvm jail uses cgroup v2 only (mount -t cgroup2 none /sys/fs/cgroup)",
					optarg);
			break;
		case O_PARENT:
			s->cgroup_parent = optarg;
			break;
		case O_CGROUP:
			ret = parse_cgroup(optarg, s, err);
			break;
		case O_RLIMIT:
			ret = parse_rlimit(optarg, s, err);
			break;
		case 'h':
		case O_HELP:
			fputs(cli_jail_help, stdout);
			return 1;
		case ':':
			return pv_seterr(
				err, EINVAL,
				"option '%s' needs a value: see passvm jail --help",
				argv[optind - 1]);
		default:
			return pv_seterr(
				err, EINVAL,
				"unknown option '%s': see passvm jail --help",
				argv[optind - 1]);
		}
	}
	if (ret)
		return ret;
	if (!s->id[0] || s->uid == (uid_t)-1 || s->gid == (gid_t)-1)
		return pv_seterr(
			err, EINVAL,
			"passvm jail needs --id, --uid and --gid: see passvm jail --help");
	if (optind >= argc || strcmp(argv[optind], "run"))
		return pv_seterr(
			err, EINVAL,
			"passvm jail runs `passvm run`: end its options with -- run RUN-OPTIONS");
	*run_argc = argc - optind;
	*run_argv = argv + optind;
	return 0;
}

/* @p made absolute against @cwd (no symlink resolved: the path passvm
 * will open, mirrored in the jail). */
static int abs_path(const char *cwd, const char *p, char *out, size_t len)
{
	int n = p[0] == '/' ? snprintf(out, len, "%s", p) :
			      snprintf(out, len, "%s/%s", cwd, p);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int add_file(struct jail_spec *s, const char *cwd, const char *p,
		    bool ro, struct pv_error *err)
{
	char path[4096];

	if (!p)
		return 0;
	if (abs_path(cwd, p, path, sizeof(path)) ||
	    jail_add(s, ro ? JAIL_FILE_RO : JAIL_FILE_RW, path, NULL))
		return pv_seterr(err, ENOMEM, "'%s': path too long", p);
	return 0;
}

/* The directory passvm creates @p in, made for (and owned by) the jail. */
static int add_dir_of(struct jail_spec *s, const char *cwd, const char *p,
		      const char *what, struct pv_error *err)
{
	char path[4096], *slash;

	if (!p)
		return 0;
	if (abs_path(cwd, p, path, sizeof(path)))
		return pv_seterr(err, ENAMETOOLONG, "'%s': path too long", p);
	slash = strrchr(path, '/');
	*slash = '\0';
	if (!path[0])
		return pv_seterr(
			err, EINVAL,
			"%s '%s': in a jail, put it in a directory (e.g. /run/%s), which the jail makes for passvm",
			what, p, p + 1);
	if (jail_add(s, JAIL_DIR, path, NULL))
		return pv_seterr(err, ENOMEM, "out of memory");
	return 0;
}

static int keep(struct jail_spec *s, int fd, const char *opt,
		struct pv_error *err)
{
	if (fd && jail_keep_fd(s, fd))
		return pv_seterr(err, E2BIG, "%s%d: at most %d fds pass a jail",
				 opt, fd, JAIL_MAX_KEEP_FDS);
	return 0;
}

/*
 * The inherited fds the run options name, kept open for passvm: taps and
 * /dev/vhost-net (--net fd=N,vhost-fd=M) and /dev/kvm (--kvm-fd), whose
 * kind passvm can tell without sysfs (their fixed misc minors,
 * host/chardev.h). A VFIO group, cdev or iommufd is known only by its
 * /sys/dev/char link, which the jail's sysfs does not hold: those are
 * refused, naming --vfio BDF (the jail makes the nodes for its user).
 */
static int plan_fds(struct jail_spec *s, const struct vm_config *o,
		    struct pv_error *err)
{
	int ret = 0;

	for (unsigned int i = 0; i < o->nr_vfio; i++)
		if (o->vfio[i].has_fd)
			return pv_seterr(
				err, EINVAL,
				"--vfio fd=%d: a pre-opened VFIO group or cdev cannot pass a jail (passvm names it from /sys/dev/char, which the jail's sysfs lacks): give --vfio BDF, and the jail makes its nodes for --uid",
				o->vfio[i].fd);
	if (o->has_iommu_fd)
		return pv_seterr(
			err, EINVAL,
			"--iommu-fd %d: a pre-opened container or iommufd cannot pass a jail: drop it, and the jail makes the nodes for --uid",
			o->iommu_fd);
	if (o->has_kvm_fd)
		ret = keep(s, o->kvm_fd, "--kvm-fd ", err);
	for (unsigned int i = 0; !ret && i < o->nr_nets; i++) {
		const struct net_cfg *n = &o->nets[i];

		/* a tap opened by name is in some network namespace */
		if (!n->tap_fd && !s->netns)
			return pv_seterr(
				err, EINVAL,
				"--net tap=%s needs --netns PATH, the network namespace the tap is in (e.g. /proc/1/ns/net), or pass the tap open: --net fd=N",
				n->tap);
		ret = keep(s, n->tap_fd, "--net fd=", err);
		if (!ret)
			ret = keep(s, n->vhost_fd, "--net vhost-fd=", err);
	}
	return ret;
}

int cli_jail_plan(struct jail_spec *s, const struct vm_config *o,
		  const char *sysfs, const char *cwd, struct pv_error *err)
{
	struct stat st;
	int ret = 0;

	if (o->daemonize)
		return pv_seterr(
			err, EINVAL,
			"--daemonize cannot work in a jail (passvm is the PID namespace's init): run passvm jail in the background instead");
	for (unsigned int i = 0; i < o->nr_vfio; i++)
		if (o->vfio[i].managed)
			return pv_seterr(
				err, EINVAL,
				"--vfio %s,managed: the jail cannot bind drivers (its sysfs is read-only): run passvm bind %s first and passvm unbind %s after",
				o->vfio[i].bdf, o->vfio[i].bdf, o->vfio[i].bdf);
	if (o->nr_sriov)
		return pv_seterr(
			err, EINVAL,
			"--sriov %s: the jail cannot make VFs (its sysfs is read-only): run passvm sriov %s --numvfs N --bind first, pass the VFs with --vfio, and passvm sriov %s --remove after",
			o->sriov[0].pf, o->sriov[0].pf, o->sriov[0].pf);
	ret = plan_fds(s, o, err);
	if (ret)
		return ret;
	if (strlen(cwd) >= sizeof(s->cwd) || cwd[0] != '/')
		return pv_seterr(err, ENAMETOOLONG, "bad working directory");
	strcpy(s->cwd, cwd);

	ret = add_file(s, cwd, o->kernel, true, err);
	if (!ret)
		ret = add_file(s, cwd, o->initrd, true, err);
	if (!ret)
		ret = add_file(s, cwd, o->config_file, true, err);
	for (unsigned int i = 0; !ret && i < o->nr_disks; i++) {
		ret = add_file(s, cwd, o->disks[i].path, o->disks[i].read_only,
			       err);
		if (!ret)
			ret = add_dir_of(s, cwd, o->disks[i].socket,
					 "vhost-user socket", err);
	}
	if (!ret)
		ret = add_dir_of(s, cwd, o->api_sock, "--api-sock", err);
	if (!ret &&
	    (o->console == CONSOLE_FILE || o->console == CONSOLE_SOCKET))
		ret = add_dir_of(s, cwd, o->console_path, "--console", err);
	if (!ret)
		ret = add_dir_of(s, cwd, o->pidfile, "--pidfile", err);
	if (!ret && o->logger.set)
		ret = add_dir_of(s, cwd, o->logger.log_path, "log_path", err);
	if (!ret && o->metrics.set)
		ret = add_dir_of(s, cwd, o->metrics.path, "metrics_path", err);
	if (!ret && o->vsock.present)
		ret = add_dir_of(s, cwd, o->vsock.uds_path, "uds_path", err);
	if (ret)
		return ret;

	if ((!o->has_kvm_fd && jail_add(s, JAIL_DEV, "/dev/kvm", NULL)) ||
	    jail_add(s, JAIL_DEV_SHARED, "/dev/null", NULL) ||
	    jail_add(s, JAIL_DEV_SHARED, "/dev/urandom", NULL))
		return pv_seterr(err, ENOMEM, "out of memory");
	for (unsigned int i = 0; i < o->nr_vfio; i++) {
		ret = jail_add_pci(s, sysfs, o->vfio[i].bdf,
				   o->iommu != IOMMU_MODE_TYPE1, err);
		if (ret)
			return ret;
	}
	/*
	 * A tap or vhost-net passed open needs no node: passvm opens none.
	 * vhost=auto opens /dev/vhost-net only where the host has it.
	 */
	for (unsigned int i = 0; i < o->nr_nets; i++) {
		const struct net_cfg *n = &o->nets[i];
		bool vhost = !n->vhost_fd && (n->vhost == VM_VHOST_ON ||
					      (n->vhost == VM_VHOST_AUTO &&
					       !stat("/dev/vhost-net", &st) &&
					       S_ISCHR(st.st_mode)));

		if ((!n->tap_fd &&
		     jail_add(s, JAIL_DEV, "/dev/net/tun", NULL)) ||
		    (vhost && jail_add(s, JAIL_DEV, "/dev/vhost-net", NULL)))
			return pv_seterr(err, ENOMEM, "out of memory");
	}
	if (!s->memlock && o->nr_vfio)
		s->memlock = o->mem + JAIL_MEMLOCK_MARGIN;
	return 0;
}

int cli_jail(int argc, char **argv)
{
	struct pv_error err = { "" };
	char cwd[4096], cgmnt[4096], **args = NULL;
	struct vm_config o;
	struct jail_spec s;
	int run_argc, status = 1, ret, n = 0;
	char **run_argv;

	/* Nothing of the caller's reaches passvm: no variable, and no fd
	 * but those the run options name (closed once they are known). */
	clearenv();
	jail_spec_init(&s);
	ret = cli_parse_jail(argc, argv, &s, &run_argc, &run_argv, &err);
	if (ret > 0)
		return 0;
	if (ret < 0) {
		pv_err("%s", err.msg);
		return VM_EXIT_USAGE;
	}
	ret = cli_parse_run(run_argc, run_argv, &o, &err);
	if (ret > 0)
		return 0;
	if (ret < 0) {
		pv_err("%s", err.msg);
		return VM_EXIT_USAGE;
	}
	if (o.config_file && api_load_config(&o, &err)) {
		pv_err("bad --config-file: %s", err.msg);
		vm_config_release(&o);
		return VM_EXIT_BAD_CONFIG;
	}
	if (!getcwd(cwd, sizeof(cwd)))
		strcpy(cwd, "/");
	if (cli_jail_plan(&s, &o, "/sys", cwd, &err) ||
	    jail_close_fds(&s, &err)) {
		pv_err("%s", err.msg);
		goto out;
	}
	if (!jail_cgroup_mount("/proc/self/mountinfo", cgmnt, sizeof(cgmnt)))
		s.cgroup_mount = cgmnt;
	else if (s.nr_cgroup) {
		pv_err("--cgroup needs cgroup v2 mounted: mount -t cgroup2 none /sys/fs/cgroup");
		goto out;
	} else {
		pv_warn("no cgroup v2 file system is mounted: passvm stays in this cgroup");
	}
	s.exe_fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (s.exe_fd < 0 || jail_exe_is_static(s.exe_fd) != 1) {
		pv_err("this passvm is dynamically linked (or unreadable): the jail holds no libraries; use the static build (make)");
		goto out;
	}
	/* passvm run's options as given, with the jail's --id by default. */
	args = calloc((size_t)run_argc + 4, sizeof(*args));
	if (!args)
		goto out;
	args[n++] = "passvm";
	for (int i = 0; i < run_argc; i++)
		args[n++] = run_argv[i];
	if (!strcmp(o.id, VM_DEFAULT_ID)) {
		args[n++] = "--id";
		args[n++] = s.id;
	}
	s.argv = args;
	if (jail_run(&s, &status, &err)) {
		pv_err("%s", err.msg);
		status = 1;
	}
out:
	free(args);
	jail_spec_free(&s);
	vm_config_release(&o);
	return status;
}
