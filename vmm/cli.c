// SPDX-License-Identifier: GPL-2.0
#include "vmm/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/verdict.h"
#include "host/pci_addr.h"
#include "util/parse.h"
#include "vmm/cli_ctl.h"
#include "vmm/cli_dev.h"

/* --vfio fd=N[,bdf=BDF]: a pre-opened group or device cdev. */
static int parse_vfio_fd(const char *arg, struct vfio_opt *v,
			 struct pv_error *err)
{
	char num[24];
	const char *comma = strchr(arg, ',');
	size_t len = comma ? (size_t)(comma - arg) : strlen(arg);
	struct pci_addr a;
	int ret;

	if (len - 3 >= sizeof(num))
		return pv_seterr(err, EINVAL, "--vfio '%s': bad fd number",
				 arg);
	memcpy(num, arg + 3, len - 3);
	num[len - 3] = '\0';
	ret = cli_parse_fd("--vfio fd=", num, &v->fd, err);
	if (ret)
		return ret;
	v->has_fd = true;
	v->bdf[0] = '\0';
	if (!comma)
		return 0;
	if (!strcmp(comma + 1, "managed"))
		return pv_seterr(
			err, EINVAL,
			"--vfio '%s': a pre-opened fd cannot be managed: binding needs root, which the launcher does before passing the fd",
			arg);
	if (strncmp(comma + 1, "bdf=", 4) ||
	    pci_addr_parse_arg(comma + 5, strlen(comma + 5), &a))
		return pv_seterr(
			err, EINVAL,
			"--vfio '%s': after fd=N only bdf=BDF may follow (%s)",
			arg, pci_addr_forms);
	pci_addr_format(&a, v->bdf);
	return 0;
}

static int parse_vfio(const char *arg, struct vm_config *o,
		      struct pv_error *err)
{
	const char *comma = strchr(arg, ',');
	size_t len = comma ? (size_t)(comma - arg) : strlen(arg);
	struct pci_addr a;
	struct vfio_opt *v;
	unsigned int i;
	int ret;

	if (o->nr_vfio == CLI_MAX_VFIO)
		return pv_seterr(err, EINVAL,
				 "at most %d --vfio devices are supported",
				 CLI_MAX_VFIO);
	v = &o->vfio[o->nr_vfio];
	memset(v, 0, sizeof(*v));
	if (!strncmp(arg, "fd=", 3)) {
		ret = parse_vfio_fd(arg, v, err);
		if (ret)
			return ret;
		for (i = 0; i < o->nr_vfio; i++)
			if (o->vfio[i].has_fd && o->vfio[i].fd == v->fd)
				return pv_seterr(
					err, EINVAL,
					"--vfio '%s': fd %d is given twice",
					arg, v->fd);
	} else {
		if (pci_addr_parse_arg(arg, len, &a))
			return pv_seterr(
				err, EINVAL,
				"--vfio '%s': not a PCI address: use %s or fd=N",
				arg, pci_addr_forms);
		pci_addr_format(&a, v->bdf);
	}
	/* One device once, by address or as a pre-opened fd's bdf=. */
	for (i = 0; v->bdf[0] && i < o->nr_vfio; i++)
		if (!strcmp(o->vfio[i].bdf, v->bdf))
			return pv_seterr(
				err, EINVAL,
				"--vfio '%s': %s is already assigned by an earlier --vfio: give each device once",
				arg, v->bdf);
	if (comma && !v->has_fd) {
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

/* Bounds of --timeout (above 0) and --timeout-grace (0 allowed). */
#define TIMEOUT_MAX_NS (30ull * 24 * 3600 * 1000000000ull)

static int parse_timeout(bool timeout, const char *arg, struct vm_config *o,
			 struct pv_error *err)
{
	const char *name = timeout ? "--timeout" : "--timeout-grace";
	uint64_t ns;

	if (parse_duration(arg, &ns) || ns > TIMEOUT_MAX_NS || (timeout && !ns))
		return pv_seterr(
			err, EINVAL,
			"%s '%s': give a duration such as 90s, 10m or 1h (a bare number is seconds; at most 30 days%s)",
			name, arg, timeout ? "; not 0" : "");
	if (timeout)
		o->timeout_ns = ns;
	else
		o->timeout_grace_ns = ns;
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
			"--sriov '%s': give PF,numvfs=N with the PF as %s", arg,
			pci_addr_forms);
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

/*
 * The --result FILE of @argv when parsing stopped early (a usage error
 * before it), so that the error still reaches the result file; the last
 * one wins, as in getopt. NULL when there is none.
 */
static const char *find_result(int argc, char **argv)
{
	const char *path = NULL;

	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--result") && i + 1 < argc)
			path = argv[++i];
		else if (!strncmp(argv[i], "--result=", 9))
			path = argv[i] + 9;
	}
	return path && *path ? path : NULL;
}

/*
 * --verdict LIST names the port channel (not only through "all", which
 * means the channels @g has) where @g has no I/O ports.
 */
static int check_verdict(const char *list, struct vm_config *o,
			 const struct arch_guest *g, struct pv_error *err)
{
	size_t n;

	if (g->verdict_port >= 0 || !(o->verdict & VERDICT_BIT(VERDICT_PORT)))
		return 0;
	for (const char *p = list; *p; p += n + (p[n] == ',')) {
		n = strcspn(p, ",");
		if (n == strlen(verdict_channel_names[VERDICT_PORT]) &&
		    !strncmp(p, verdict_channel_names[VERDICT_PORT], n))
			return pv_seterr(
				err, EINVAL,
				"--verdict port: %s has no I/O ports, so the guest cannot write the verdict port: use --verdict mmio (a byte at GPA 0x%llx: busybox devmem 0x%llx 8 V) or serial",
				g->name, (unsigned long long)g->verdict_mmio,
				(unsigned long long)g->verdict_mmio);
	}
	o->verdict &= ~VERDICT_BIT(VERDICT_PORT); /* "all" */
	return 0;
}

static int parse_run(int argc, char **argv, struct vm_config *o,
		     const struct arch_guest *g, struct pv_error *err);

int cli_parse_run_arch(int argc, char **argv, struct vm_config *o,
		       const struct arch_guest *g, struct pv_error *err)
{
	int ret = parse_run(argc, argv, o, g, err);

	if (ret < 0 && !o->result)
		o->result = find_result(argc, argv);
	return ret;
}

int cli_parse_run(int argc, char **argv, struct vm_config *o,
		  struct pv_error *err)
{
	return cli_parse_run_arch(argc, argv, o, arch_guest, err);
}

static int parse_run(int argc, char **argv, struct vm_config *o,
		     const struct arch_guest *g, struct pv_error *err)
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
		O_VERDICT,
		O_TIMEOUT,
		O_GRACE,
		O_RESULT,
		O_IOMMU,
		O_IOMMU_FD,
		O_KVM_FD,
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
		{ "verdict", required_argument, NULL, O_VERDICT },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "timeout-grace", required_argument, NULL, O_GRACE },
		{ "result", required_argument, NULL, O_RESULT },
		{ "iommu", required_argument, NULL, O_IOMMU },
		{ "iommu-fd", required_argument, NULL, O_IOMMU_FD },
		{ "kvm-fd", required_argument, NULL, O_KVM_FD },
		{ "help", no_argument, NULL, O_HELP },
		CLI_CTL_OPTIONS,
		CLI_DEV_OPTIONS,
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
					"--trace: unknown category at '%s' (use vfio,kvm,mem,pci,irq,boot,console or all)",
					bad);
			break;
		case O_HUGE:
			o->hugepages = true;
			break;
		case O_REBOOT:
			o->reboot = true;
			break;
		case O_VERDICT:
			if (verdict_parse_list(optarg, &o->verdict, &bad))
				return pv_seterr(
					err, EINVAL,
					"--verdict: unknown channel at '%s' (use %s or all)",
					bad,
					g->verdict_port >= 0 ?
						"mmio,serial,port" :
						"mmio,serial");
			ret = check_verdict(optarg, o, g, err);
			if (ret)
				return ret;
			break;
		case O_TIMEOUT:
		case O_GRACE:
			ret = parse_timeout(c == O_TIMEOUT, optarg, o, err);
			if (ret)
				return ret;
			break;
		case O_RESULT:
			if (!*optarg)
				return pv_seterr(err, EINVAL,
						 "--result needs a file name");
			o->result = optarg;
			break;
		case O_IOMMU:
			if (iommu_mode_parse(optarg, &o->iommu))
				return pv_seterr(
					err, EINVAL,
					"--iommu '%s': give auto (the default), type1 or iommufd",
					optarg);
			break;
		case O_IOMMU_FD:
			ret = cli_parse_fd("--iommu-fd", optarg, &o->iommu_fd,
					   err);
			if (ret)
				return ret;
			o->has_iommu_fd = true;
			break;
		case O_KVM_FD:
			ret = cli_parse_fd("--kvm-fd", optarg, &o->kvm_fd, err);
			if (ret)
				return ret;
			o->has_kvm_fd = true;
			break;
		case 'h':
		case O_HELP:
			cli_run_help_print(stdout, g);
			return 1;
		case ':':
			return pv_seterr(
				err, EINVAL,
				"option '%s' needs a value: see passvm run --help",
				argv[optind - 1]);
		default:
			if (c >= O_DEV_FIRST) {
				ret = cli_dev_opt(c, optarg, o, err);
				if (ret)
					return ret;
				break;
			}
			if (c >= O_CTL_FIRST) {
				ret = cli_ctl_opt(c, optarg, o, err);
				if (ret)
					return ret;
				break;
			}
			ret = cli_ctl_refused(argv[optind - 1], err);
			if (ret)
				return ret;
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
	ret = cli_dev_check(o, err);
	return ret ? ret : cli_ctl_check(o, err);
}
