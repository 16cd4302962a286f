// SPDX-License-Identifier: GPL-2.0
#include "vmm/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/pci_addr.h"
#include "util/parse.h"
#include "vmm/cli_ctl.h"

const char cli_run_help[] =
	"Usage: passvm run --kernel FILE [options]\n"
	"       passvm run --api-sock PATH | --config-file FILE [options]\n"
	"\n"
	"Boot a Linux bzImage in a KVM microVM, optionally with PCI devices\n"
	"assigned through VFIO. The guest's serial console (COM1) is passvm's\n"
	"stdin/stdout; on a terminal, press Ctrl-a x to quit, Ctrl-a h for\n"
	"help (Ctrl-C goes to the guest).\n"
	"\n"
	"  --kernel FILE      bzImage to boot (boot protocol 2.06 or later)\n"
	"  --initrd FILE      initramfs to load\n"
	"  --cmdline TEXT     kernel command line (default \"console=ttyS0\";\n"
	"                     keep console=ttyS0 in yours to see the guest)\n"
	"  --mem SIZE         guest RAM, K/M/G suffix, bare number = MiB\n"
	"                     (default 256M; 16M..1024G; Debian's cloud\n"
	"                     kernel needs at least 128M)\n"
	"  --cpus N           vCPUs (default 1; 1..254)\n"
	"  --vfio BDF[,managed]\n"
	"                     assign host PCI device BDF (bound to vfio-pci;\n"
	"                     with ,managed passvm binds it and restores the\n"
	"                     original driver at exit); repeatable\n"
	"  --sriov PF,numvfs=N\n"
	"                     make N VFs on SR-IOV PF (autoprobe off), assign\n"
	"                     them all, remove them at exit; repeatable\n"
	"  --hugepages        back guest RAM with 2 MiB hugetlbfs pages\n"
	"  --reboot           restart the guest in place when it resets\n"
	"                     (default: exit 3); more than 5 resets in 10 s\n"
	"                     end passvm with status 3\n"
	"  --stats[=json]     print exit counts and boot time at exit, as\n"
	"                     \"passvm: stats:\" lines or one JSON object on\n"
	"                     stderr (keys below)\n"
	"  --trace LIST       narrate steps on stderr: vfio,kvm,mem,pci,irq,\n"
	"                     boot or all\n" CLI_CTL_HELP "\n"
	"Exit status: 0 guest powered off; N guest wrote byte N to I/O port\n"
	"0xf4 (debug exit); 1 passvm error; 2 usage error; 3 guest reset;\n"
	"4 guest crashed (triple fault, KVM internal error); 128+SIG when\n"
	"killed by signal SIG (130 for Ctrl-a x); 148 a forbidden system\n"
	"call (seccomp); 152 bad --config-file.\n"
	"\n"
	"--stats=json keys: launch_to_first_instruction_ms, launch_to_exit_s,\n"
	"reboots, exits {total, pio, mmio, hlt, signal, shutdown, system-event,\n"
	"other}, pio and mmio {RANGE: exits, ..., unclaimed}, memory_kib\n"
	"{vmm_rss_anon, guest_ram_touched, peak_rss}, vfio [{bdf,\n"
	"trapped_bar_reads, trapped_bar_writes, msix_table_pba_accesses,\n"
	"config_reads, config_writes, bar_pieces_mapped, vectors_routed}].\n"
	"Counts add up across --reboot restarts.\n";

static int parse_vfio(const char *arg, struct vm_config *o,
		      struct pv_error *err)
{
	const char *comma = strchr(arg, ',');
	size_t len = comma ? (size_t)(comma - arg) : strlen(arg);
	struct pci_addr a;
	struct vfio_opt *v;
	unsigned int i;

	if (o->nr_vfio == CLI_MAX_VFIO)
		return pv_seterr(err, EINVAL,
				 "at most %d --vfio devices are supported",
				 CLI_MAX_VFIO);
	if (pci_addr_parse_arg(arg, len, &a))
		return pv_seterr(
			err, EINVAL,
			"--vfio '%s': not a PCI address: use " PCI_ADDR_FORMS,
			arg);
	v = &o->vfio[o->nr_vfio];
	pci_addr_format(&a, v->bdf);
	for (i = 0; i < o->nr_vfio; i++)
		if (!strcmp(o->vfio[i].bdf, v->bdf))
			return pv_seterr(
				err, EINVAL,
				"--vfio '%s': %s is already assigned by an earlier --vfio: give each device once",
				arg, v->bdf);
	v->managed = false;
	if (comma) {
		if (strcmp(comma + 1, "managed"))
			return pv_seterr(
				err, EINVAL,
				"--vfio '%s': unknown flag '%s' (the only one is 'managed')",
				arg, comma + 1);
		v->managed = true;
	}
	o->nr_vfio++;
	return 0;
}

/* --sriov PF,numvfs=N */
static int parse_sriov(const char *arg, struct vm_config *o,
		       struct pv_error *err)
{
	const char *comma = strchr(arg, ',');
	struct sriov_opt *s;
	struct pci_addr a;
	unsigned long n = 0;
	char *end = NULL;

	if (o->nr_sriov == VM_MAX_SRIOV)
		return pv_seterr(err, EINVAL,
				 "at most %d --sriov PFs are supported",
				 VM_MAX_SRIOV);
	if (!comma || pci_addr_parse_arg(arg, (size_t)(comma - arg), &a))
		return pv_seterr(
			err, EINVAL,
			"--sriov '%s': give PF,numvfs=N with the PF as " PCI_ADDR_FORMS,
			arg);
	errno = 0;
	if (!strncmp(comma + 1, "numvfs=", 7) && comma[8] >= '0' &&
	    comma[8] <= '9')
		n = strtoul(comma + 8, &end, 10);
	if (!n || errno || *end || n > CLI_MAX_VFIO)
		return pv_seterr(
			err, EINVAL,
			"--sriov '%s': give numvfs=N with N from 1 to %d, e.g. --sriov 0000:01:00.0,numvfs=2",
			arg, CLI_MAX_VFIO);
	s = &o->sriov[o->nr_sriov];
	pci_addr_format(&a, s->pf);
	for (unsigned int i = 0; i < o->nr_sriov; i++)
		if (!strcmp(o->sriov[i].pf, s->pf))
			return pv_seterr(
				err, EINVAL,
				"--sriov '%s': PF %s is given twice: give it once with the VFs it needs",
				arg, s->pf);
	s->numvfs = (unsigned int)n;
	o->nr_sriov++;
	return 0;
}

int cli_parse_run(int argc, char **argv, struct vm_config *o,
		  struct pv_error *err)
{
	enum {
		O_KERNEL = 256,
		O_INITRD,
		O_CMDLINE,
		O_MEM,
		O_CPUS,
		O_VFIO,
		O_SRIOV,
		O_STATS,
		O_TRACE,
		O_HUGE,
		O_REBOOT,
		O_HELP
	};
	static const struct option opts[] = {
		{ "kernel", required_argument, NULL, O_KERNEL },
		{ "initrd", required_argument, NULL, O_INITRD },
		{ "cmdline", required_argument, NULL, O_CMDLINE },
		{ "mem", required_argument, NULL, O_MEM },
		{ "cpus", required_argument, NULL, O_CPUS },
		{ "vfio", required_argument, NULL, O_VFIO },
		{ "sriov", required_argument, NULL, O_SRIOV },
		{ "stats", optional_argument, NULL, O_STATS },
		{ "trace", required_argument, NULL, O_TRACE },
		{ "hugepages", no_argument, NULL, O_HUGE },
		{ "reboot", no_argument, NULL, O_REBOOT },
		{ "help", no_argument, NULL, O_HELP },
		CLI_CTL_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	const char *bad;
	char *end;
	unsigned long n;
	int c, ret;

	vm_config_init(o);
	/*
	 * 0, not 1: glibc and musl then reset getopt entirely. With 1, a
	 * scan an earlier call left inside an option cluster ("-xk" stopped
	 * at x) would go on in that call's argv.
	 */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case O_KERNEL:
			o->kernel = optarg;
			break;
		case O_INITRD:
			o->initrd = optarg;
			break;
		case O_CMDLINE:
			o->cmdline = optarg;
			break;
		case O_MEM:
			if (parse_size(optarg, &o->mem) ||
			    o->mem < CLI_MIN_MEM || o->mem > CLI_MAX_MEM ||
			    o->mem % (1ull << 20))
				return pv_seterr(
					err, EINVAL,
					"--mem '%s': give a whole number of MiB from 16M to 1024G, e.g. --mem 512M",
					optarg);
			break;
		case O_CPUS:
			errno = 0;
			n = strtoul(optarg, &end, 10);
			if (errno || *end || end == optarg || n < 1 ||
			    n > CLI_MAX_CPUS)
				return pv_seterr(
					err, EINVAL,
					"--cpus '%s': give a number from 1 to %d",
					optarg, CLI_MAX_CPUS);
			o->cpus = (unsigned int)n;
			break;
		case O_VFIO:
			ret = parse_vfio(optarg, o, err);
			if (ret)
				return ret;
			break;
		case O_SRIOV:
			ret = parse_sriov(optarg, o, err);
			if (ret)
				return ret;
			break;
		case O_STATS:
			if (optarg && strcmp(optarg, "json") &&
			    strcmp(optarg, "text"))
				return pv_seterr(
					err, EINVAL,
					"--stats=%s: the formats are text (the default) and json",
					optarg);
			o->stats = true;
			o->stats_json = optarg && !strcmp(optarg, "json");
			break;
		case O_TRACE:
			if (trace_parse(optarg, &o->trace, &bad))
				return pv_seterr(
					err, EINVAL,
					"--trace: unknown category at '%s' (use vfio,kvm,mem,pci,irq,boot or all)",
					bad);
			break;
		case O_HUGE:
			o->hugepages = true;
			break;
		case O_REBOOT:
			o->reboot = true;
			break;
		case 'h':
		case O_HELP:
			fputs(cli_run_help, stdout);
			return 1;
		case ':':
			return pv_seterr(
				err, EINVAL,
				"option '%s' needs a value: see passvm run --help",
				argv[optind - 1]);
		default:
			if (c >= O_CTL_FIRST) {
				ret = cli_ctl_opt(c, optarg, o, err);
				if (ret)
					return ret;
				break;
			}
			return pv_seterr(
				err, EINVAL,
				"unknown option '%s': see passvm run --help",
				argv[optind - 1]);
		}
	}
	if (optind < argc)
		return pv_seterr(
			err, EINVAL,
			"unexpected argument '%s': see passvm run --help",
			argv[optind]);
	return cli_ctl_check(o, err);
}
