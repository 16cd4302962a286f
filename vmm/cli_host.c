// SPDX-License-Identifier: GPL-2.0
/*
 * `passvm doctor`, `passvm bind`, `passvm unbind` and `passvm sriov`: their
 * options; see vmm/cli_host.h. The work is host/doctor.c's, host/bind.c's
 * and host/sriov*.c's.
 */
#include "vmm/cli_host.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/bind.h"
#include "host/sriov.h"
#include "util/parse.h"

const char cli_doctor_help[] =
	"Usage: passvm doctor [BDF...] [--mem SIZE] [--json]\n"
	"\n"
	"Check that this host can pass PCI devices through with VFIO, and\n"
	"say what fixes what is missing, in the order to do it. Changes\n"
	"nothing. A BDF is 0000:01:00.0, 01:00.0,\n"
	"/sys/bus/pci/devices/0000:01:00.0 or host=0000:01:00.0.\n"
	"\n"
	"  -m, --mem SIZE  guest RAM to pin (K/M/G/T suffix; no suffix\n"
	"                  means MiB; default 256M)\n"
	"  -j, --json      a JSON document instead of text (below)\n"
	"  -h, --help      this text\n"
	"\n"
	"Text output: one line per check, OK, WARN or FAIL, the device, the\n"
	"check's id and what was found, ending in -- fix N when something\n"
	"is to be done; then the numbered fixes, each once, first to last.\n"
	"\n"
	"Exit status: 0 ready (warnings allowed), 1 not ready, 2 usage.\n"
	"\n";

static const char bind_help[] =
	"Usage: passvm bind BDF... [--group] [--force] [--dry-run]\n"
	"\n"
	"Bind PCI functions to vfio-pci via driver_override, remembering the\n"
	"original driver in " BIND_STATE_DIR ". A BDF is 0000:01:00.0,\n"
	"01:00.0, /sys/bus/pci/devices/0000:01:00.0 or host=0000:01:00.0.\n"
	"\n"
	"  -g, --group    every member of each device's IOMMU group (PCI\n"
	"                 bridges, and other bridges without a driver, are\n"
	"                 skipped)\n"
	"  -f, --force    bind even a device with a mounted filesystem, an\n"
	"                 interface that is up, the boot console, or a host,\n"
	"                 ISA or other bridge (PCI class 0x06)\n"
	"  -n, --dry-run  print each sysfs write, in order, and make none\n"
	"  -h, --help     this text\n";

static const char unbind_help[] =
	"Usage: passvm unbind BDF... [--group] [--dry-run]\n"
	"\n"
	"Give PCI functions back from vfio-pci to the driver they had before\n"
	"`passvm bind` (or to the one the kernel picks).\n"
	"\n"
	"  -g, --group    every member of each device's IOMMU group\n"
	"  -n, --dry-run  print each sysfs write, in order, and make none\n"
	"  -h, --help     this text\n";

/* Add argv[first..argc) to @l; -EINVAL names the bad one. */
static int parse_devs(int argc, char **argv, int first, const char *cmd,
		      struct pci_addr_list *l, struct pv_error *err)
{
	int i, r;

	for (i = first; i < argc; i++) {
		r = pci_addr_list_add(l, argv[i], err);
		if (r < 0) {
			struct pv_error e = *err;

			return pv_seterr(err, -r, "%s: %s", cmd, e.msg);
		}
	}
	return 0;
}

int cli_parse_doctor(int argc, char **argv, struct doctor_opts *o,
		     struct pci_addr_list *devs, struct pv_error *err)
{
	static const struct option opts[] = {
		{ "mem", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, r;

	doctor_opts_default(o);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":m:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (parse_size(optarg, &o->mem_bytes) || !o->mem_bytes)
				return pv_seterr(
					err, EINVAL,
					"doctor: bad --mem \"%s\": use a size like 512M or 4G",
					optarg);
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			fputs(cli_doctor_help, stdout);
			fputs(doctor_json_schema, stdout);
			return 1;
		case ':':
			return pv_seterr(
				err, EINVAL,
				"doctor: %s needs a value: see `passvm doctor --help`",
				argv[optind - 1]);
		default:
			return pv_seterr(
				err, EINVAL,
				"doctor: unknown option \"%s\": see `passvm doctor --help`",
				argv[optind - 1]);
		}
	}
	r = parse_devs(argc, argv, optind, "doctor", devs, err);
	if (r)
		return r;
	o->devs = devs->a;
	o->ndevs = devs->n;
	return 0;
}

int cli_parse_bind(int argc, char **argv, bool bind, struct bind_cli *b,
		   struct pv_error *err)
{
	static const struct option opts[] = {
		{ "group", no_argument, NULL, 'g' },
		{ "force", no_argument, NULL, 'f' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = bind ? "bind" : "unbind";
	int c, r;

	memset(b, 0, sizeof(*b));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, bind ? "gfnh" : "gnh", opts,
				NULL)) != -1) {
		switch (c) {
		case 'g':
			b->group = true;
			break;
		case 'f':
			if (!bind)
				goto bad;
			b->force = true;
			break;
		case 'n':
			b->dry_run = true;
			break;
		case 'h':
			fputs(bind ? bind_help : unbind_help, stdout);
			return 1;
		default:
			goto bad;
		}
	}
	if (optind >= argc)
		return pv_seterr(
			err, EINVAL,
			"%s: no device given: pass one or more BDFs (e.g. 0000:01:00.0): see `passvm %s --help`",
			cmd, cmd);
	r = parse_devs(argc, argv, optind, cmd, &b->devs, err);
	if (r)
		pci_addr_list_free(&b->devs);
	return r;
bad:
	return pv_seterr(err, EINVAL,
			 "%s: unknown option \"%s\": see `passvm %s --help`",
			 cmd, argv[optind - 1], cmd);
}

int cli_doctor(int argc, char **argv)
{
	struct pci_addr_list devs = { 0 };
	struct pv_error err = { "" };
	struct doctor_opts o;
	int r;

	r = cli_parse_doctor(argc, argv, &o, &devs, &err);
	if (r) {
		pci_addr_list_free(&devs);
		if (r > 0)
			return 0;
		pv_err("%s", err.msg);
		return r == -ENOMEM ? 1 : 2;
	}
	r = doctor_run(&o, stdout);
	pci_addr_list_free(&devs);
	if (r < 0) {
		pv_err("doctor: %s", strerror(-r));
		return 1;
	}
	return r;
}

static int bind_or_unbind(int argc, char **argv, bool bind)
{
	struct pv_error err = { "" };
	struct bind_env env;
	struct bind_cli b;
	int r;

	r = cli_parse_bind(argc, argv, bind, &b, &err);
	if (r > 0)
		return 0;
	if (r) {
		pv_err("%s", err.msg);
		return r == -ENOMEM ? 1 : 2;
	}
	bind_env_default(&env);
	if (b.dry_run)
		env.dry_run = stdout;
	r = bind ? bind_run(&env, b.devs.a, b.devs.n, b.group, b.force,
			    stdout) :
		   unbind_run(&env, b.devs.a, b.devs.n, b.group, stdout);
	pci_addr_list_free(&b.devs);
	return r ? 1 : 0;
}

int cli_bind(int argc, char **argv)
{
	return bind_or_unbind(argc, argv, true);
}

int cli_unbind(int argc, char **argv)
{
	return bind_or_unbind(argc, argv, false);
}

static const char sriov_help[] =
	"Usage: passvm sriov PF                     show the PF and its VFs\n"
	"       passvm sriov PF --numvfs N [--bind] make N VFs\n"
	"       passvm sriov PF --remove            remove its VFs\n"
	"       passvm sriov PF --vf N [--mac MAC] [--vlan VID] [--qos Q]\n"
	"                       [--trust on|off] [--spoofchk on|off]\n"
	"\n"
	"Make and remove the virtual functions (VFs) of an SR-IOV physical\n"
	"function (PF), and set a VF's MAC, VLAN, trust and spoof checking\n"
	"through the PF's network interface (as `ip link set PF vf N` does).\n"
	"VFs are made with sriov_drivers_autoprobe off, so no host driver\n"
	"takes them; its value before is recorded in " SRIOV_STATE_DIR "\n"
	"and restored by --remove. A PF is 0000:01:00.0, 01:00.0,\n"
	"/sys/bus/pci/devices/0000:01:00.0 or host=0000:01:00.0.\n"
	"\n"
	"  -n, --numvfs N   make N VFs (0 removes them); a PF that has another\n"
	"                   number of VFs loses those first\n"
	"  -b, --bind       bind the new VFs to vfio-pci (see passvm bind)\n"
	"  -r, --remove     remove the VFs (refused while a VM uses one)\n"
	"  -v, --vf N       the VF to set up, 0-based:\n"
	"      --mac MAC    its MAC address (unicast, 52:54:00:12:34:56)\n"
	"      --vlan VID   its port VLAN, 0 (none) to 4095\n"
	"      --qos Q      its VLAN priority, 0 to 7 (with --vlan)\n"
	"      --trust on|off     trusted (may change its MAC, promiscuous)\n"
	"      --spoofchk on|off  drop frames with another source MAC\n"
	"  -f, --force      remove VFs even when a host driver has them\n"
	"      --dry-run    print each sysfs write, in order, and make none\n"
	"  -h, --help       this text\n"
	"\n"
	"Exit status: 0 done, 1 refused or failed, 2 usage.\n";

static int parse_onoff(const char *opt, const char *arg, int *out,
		       struct pv_error *err)
{
	if (!strcmp(arg, "on"))
		*out = 1;
	else if (!strcmp(arg, "off"))
		*out = 0;
	else
		return pv_seterr(err, EINVAL, "sriov: %s '%s': say on or off",
				 opt, arg);
	return 0;
}

static int parse_uint(const char *arg, unsigned long max, unsigned int *out)
{
	unsigned long v;
	char *end;

	if (!*arg || *arg == '-' || *arg == '+')
		return -EINVAL;
	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || *end || v > max)
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

int cli_parse_sriov(int argc, char **argv, struct sriov_cli *s,
		    struct pv_error *err)
{
	enum { O_MAC = 256, O_VLAN, O_QOS, O_TRUST, O_SPOOF, O_DRY };
	static const struct option opts[] = {
		{ "numvfs", required_argument, NULL, 'n' },
		{ "bind", no_argument, NULL, 'b' },
		{ "remove", no_argument, NULL, 'r' },
		{ "vf", required_argument, NULL, 'v' },
		{ "mac", required_argument, NULL, O_MAC },
		{ "vlan", required_argument, NULL, O_VLAN },
		{ "qos", required_argument, NULL, O_QOS },
		{ "trust", required_argument, NULL, O_TRUST },
		{ "spoofchk", required_argument, NULL, O_SPOOF },
		{ "force", no_argument, NULL, 'f' },
		{ "dry-run", no_argument, NULL, O_DRY },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool have_vf = false, have_qos = false;
	unsigned int v, nact = 0;
	int c, r;

	memset(s, 0, sizeof(*s));
	vf_link_req_init(&s->vf, 0);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":n:brv:fh", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (parse_uint(optarg, 0xffff, &s->numvfs))
				return pv_seterr(
					err, EINVAL,
					"sriov: --numvfs '%s': give a number of VFs, e.g. --numvfs 4",
					optarg);
			s->action = SRIOV_NUMVFS;
			nact++;
			break;
		case 'b':
			s->bind = true;
			break;
		case 'r':
			s->action = SRIOV_REMOVE;
			nact++;
			break;
		case 'v':
			if (parse_uint(optarg, 0xffff, &v))
				return pv_seterr(
					err, EINVAL,
					"sriov: --vf '%s': give the VF's index, 0 for the first",
					optarg);
			s->vf.vf = v;
			s->action = SRIOV_VF;
			have_vf = true;
			nact++;
			break;
		case O_MAC:
			if (vf_link_parse_mac(optarg, s->vf.mac))
				return pv_seterr(
					err, EINVAL,
					"sriov: --mac '%s': give a unicast MAC like 52:54:00:12:34:56",
					optarg);
			s->vf.set_mac = true;
			break;
		case O_VLAN:
			if (parse_uint(optarg, VF_VLAN_MAX, &v))
				return pv_seterr(
					err, EINVAL,
					"sriov: --vlan '%s': give a VLAN id from 0 (none) to %d",
					optarg, VF_VLAN_MAX);
			s->vf.vlan = (uint16_t)v;
			s->vf.set_vlan = true;
			break;
		case O_QOS:
			if (parse_uint(optarg, VF_QOS_MAX, &v))
				return pv_seterr(
					err, EINVAL,
					"sriov: --qos '%s': give a priority from 0 to %d",
					optarg, VF_QOS_MAX);
			s->vf.qos = (uint8_t)v;
			have_qos = true;
			break;
		case O_TRUST:
			r = parse_onoff("--trust", optarg, &s->vf.trust, err);
			if (r)
				return r;
			break;
		case O_SPOOF:
			r = parse_onoff("--spoofchk", optarg, &s->vf.spoofchk,
					err);
			if (r)
				return r;
			break;
		case 'f':
			s->force = true;
			break;
		case O_DRY:
			s->dry_run = true;
			break;
		case 'h':
			fputs(sriov_help, stdout);
			return 1;
		case ':':
			return pv_seterr(
				err, EINVAL,
				"sriov: %s needs a value: see `passvm sriov --help`",
				argv[optind - 1]);
		default:
			return pv_seterr(
				err, EINVAL,
				"sriov: unknown option \"%s\": see `passvm sriov --help`",
				argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return pv_seterr(
			err, EINVAL,
			"sriov: no PF given: pass the physical function, e.g. `passvm sriov 0000:01:00.0 --numvfs 2`");
	if (optind + 1 < argc)
		return pv_seterr(
			err, EINVAL,
			"sriov: one PF at a time: '%s' is one too many",
			argv[optind + 1]);
	if (pci_addr_parse_arg(argv[optind], strlen(argv[optind]), &s->pf))
		return pv_seterr(err, EINVAL,
				 "sriov: '%s' is not a PCI address: use %s",
				 argv[optind], pci_addr_forms);
	if (nact > 1)
		return pv_seterr(
			err, EINVAL,
			"sriov: --numvfs, --remove and --vf go one at a time");
	if (s->bind && s->action != SRIOV_NUMVFS)
		return pv_seterr(err, EINVAL,
				 "sriov: --bind goes with --numvfs N");
	if (have_qos && !s->vf.set_vlan)
		return pv_seterr(err, EINVAL,
				 "sriov: --qos goes with --vlan VID");
	if ((s->vf.set_mac || s->vf.set_vlan || s->vf.trust >= 0 ||
	     s->vf.spoofchk >= 0) != have_vf)
		return pv_seterr(
			err, EINVAL,
			have_vf ?
				"sriov: --vf N needs something to set: --mac, --vlan, --trust or --spoofchk" :
				"sriov: --mac, --vlan, --trust and --spoofchk need --vf N (which VF)");
	return 0;
}

/* Bind the PF's first @n VFs to vfio-pci (passvm bind). */
static int bind_new_vfs(const struct sriov_env *env, const struct pci_addr *pf,
			unsigned int n)
{
	struct pci_addr vfs[SRIOV_MAX_VFS];
	unsigned int i;

	if (env->bind.dry_run) {
		fprintf(env->bind.dry_run,
			"  then bind each new VF to vfio-pci (passvm bind)\n");
		return 0;
	}
	for (i = 0; i < n && i < SRIOV_MAX_VFS; i++)
		if (sriov_vf_addr(env->bind.sysfs, pf, i, &vfs[i])) {
			pv_err("VF %u of the PF is missing: check dmesg", i);
			return -ENOENT;
		}
	return bind_run(&env->bind, vfs, (int)i, false, false, stdout);
}

int cli_sriov(int argc, char **argv)
{
	struct pv_error err = { "" };
	struct sriov_env env;
	struct sriov_cli s;
	int r;

	r = cli_parse_sriov(argc, argv, &s, &err);
	if (r > 0)
		return 0;
	if (r) {
		pv_err("%s", err.msg);
		return 2;
	}
	sriov_env_default(&env);
	if (s.dry_run)
		env.bind.dry_run = stdout;
	switch (s.action) {
	case SRIOV_SHOW:
		r = sriov_show(&env, &s.pf, stdout, &err);
		break;
	case SRIOV_NUMVFS:
		r = sriov_create(&env, &s.pf, s.numvfs, s.force, 0, stdout,
				 &err);
		if (!r && s.bind && s.numvfs)
			return bind_new_vfs(&env, &s.pf, s.numvfs) ? 1 : 0;
		break;
	case SRIOV_REMOVE:
		r = sriov_remove(&env, &s.pf, s.force, stdout, &err);
		break;
	case SRIOV_VF:
		r = sriov_vf_configure(&env, &s.pf, &s.vf, stdout, &err);
		break;
	}
	if (r) {
		pv_err("%s", err.msg);
		return 1;
	}
	return 0;
}
