// SPDX-License-Identifier: GPL-2.0
/*
 * `passvm doctor`, `passvm bind` and `passvm unbind`: their options; see
 * vmm/cli_host.h. The work is host/doctor.c's and host/bind.c's.
 */
#include "vmm/cli_host.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "host/bind.h"
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
