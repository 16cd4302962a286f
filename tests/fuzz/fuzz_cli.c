// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz harness: the command-line parsers, `passvm run` (vmm/cli.c,
 * vmm/cli_ctl.c, vmm/cli_dev.c) and the host front ends `doctor`, `bind`,
 * `unbind`, `sriov` (vmm/cli_host.c), with the BDF parser they share
 * (host/pci_addr.c), the size and duration parsers (util/parse.c) and
 * the MAC parser (host/vf_link.c). Parsers only: nothing is run.
 *
 * Input: u8 front end (% 5: run, doctor, bind, unbind, sriov), then the
 * arguments, separated by NUL bytes (at most 64; each in its own heap
 * block of exactly its size, so ASan sees a read past one).
 *
 * Invariants: each parser returns what it documents (0, 1 for --help,
 * -EINVAL with a message, run's CLI_CTL_BAD_LEVEL with one, -ENOMEM) and
 * the same thing when run again on the same arguments (getopt's state does
 * not leak from one call to the next); what `run` accepts is a description
 * vm_create() can take: RAM a whole number of MiB from 16 MiB to 1 TiB (of
 * 2 MiB with --hugepages), 1 to 254 vCPUs, at most 16 distinct devices each
 * with an id, a kernel unless the API or a config file will give one,
 * strings that point into the arguments; the host front ends give distinct
 * devices; sriov one action, its settings only with --vf (--qos only with
 * --vlan, --bind only with --numvfs), each within its range and a unicast
 * MAC; nothing leaks (LeakSanitizer).
 */
/* FUZZ-TARGETS: vmm/cli.c vmm/cli_ctl.c vmm/cli_host.c host/pci_addr.c */
/* FUZZ-TARGETS: util/parse.c */
/* FUZZ-OPTIONS: -max_len=2048 -dict=tests/fuzz/dict/cli.dict */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "memory/layout.h"
#include "vmm/cli.h"
#include "vmm/cli_ctl.h"
#include "vmm/cli_host.h"

#define MAX_ARGS 64

static char *args[MAX_ARGS + 2];
static int nargs;

static bool points_into_args(const char *s)
{
	if (!s)
		return true;
	for (int i = 0; i < nargs; i++)
		if (s >= args[i] && s <= args[i] + strlen(args[i]))
			return true;
	return false;
}

FZ_NOCOV static void check_run(int ret, const struct vm_config *c,
			       const struct pv_error *err)
{
	/* CLI_CTL_BAD_LEVEL: a bad --level, Firecracker's exit 152 */
	FZ_CHECK(ret == 0 || ret == 1 || ret == -EINVAL ||
			 ret == CLI_CTL_BAD_LEVEL,
		 "cli_parse_run: %d", ret);
	if (ret == -EINVAL || ret == CLI_CTL_BAD_LEVEL)
		FZ_CHECK(err->msg[0], "a usage error without a message");
	if (ret)
		return;
	FZ_CHECK(c->mem >= VM_MIN_MEM && c->mem <= VM_MAX_MEM &&
			 !(c->mem % SZ_1M),
		 "--mem %llu bytes accepted", (unsigned long long)c->mem);
	FZ_CHECK(c->cpus >= 1 && c->cpus <= VM_MAX_CPUS, "--cpus %u accepted",
		 c->cpus);
	FZ_CHECK(c->nr_vfio <= VM_MAX_PASSTHROUGH, "%u devices", c->nr_vfio);
	for (unsigned int i = 0; i < c->nr_vfio; i++) {
		/* A pre-opened fd (fd=N) may leave its address unsaid. */
		FZ_CHECK(
			memchr(c->vfio[i].bdf, 0, sizeof(c->vfio[i].bdf)) &&
				(c->vfio[i].bdf[0] || c->vfio[i].has_fd) &&
				c->vfio[i].id[0] &&
				memchr(c->vfio[i].id, 0, sizeof(c->vfio[i].id)),
			"device %u", i);
		for (unsigned int j = 0; j < i; j++) {
			FZ_CHECK(!c->vfio[i].bdf[0] ||
					 strcmp(c->vfio[i].bdf, c->vfio[j].bdf),
				 "%s given twice", c->vfio[i].bdf);
			FZ_CHECK(!c->vfio[i].has_fd || !c->vfio[j].has_fd ||
					 c->vfio[i].fd != c->vfio[j].fd,
				 "fd %d given twice", c->vfio[i].fd);
		}
	}
	FZ_CHECK(!(c->trace & ~(unsigned int)TRACE_ALL), "trace 0x%x",
		 c->trace);
	FZ_CHECK(!c->no_api || (c->config_file && !c->api_sock),
		 "--no-api without a config file");
	FZ_CHECK(!c->daemonize || c->console != CONSOLE_STDIO,
		 "--daemonize with the console on stdio");
	FZ_CHECK(c->api_max_body >= 1024 && c->api_max_body <= 16u << 20,
		 "API bodies up to %u bytes", c->api_max_body);
	FZ_CHECK(vm_id_valid(c->id, true), "--id '%s'", c->id);
	if (!c->api_sock && !c->config_file)
		FZ_CHECK(c->kernel &&
				 (!c->hugepages || !(c->mem % (2 * SZ_1M))),
			 "a VM without a kernel, or hugepages of %llu bytes",
			 (unsigned long long)c->mem);
	FZ_CHECK(points_into_args(c->kernel) && points_into_args(c->initrd) &&
			 points_into_args(c->cmdline) &&
			 points_into_args(c->api_sock) &&
			 points_into_args(c->config_file) &&
			 points_into_args(c->pidfile) &&
			 points_into_args(c->console_path),
		 "a string that is not one of the arguments");
	FZ_CHECK((c->console == CONSOLE_FILE || c->console == CONSOLE_SOCKET) ==
			 (c->console_path != NULL),
		 "console %d with path %p", c->console,
		 (const void *)c->console_path);
}

FZ_NOCOV static void check_devs(const struct pci_addr_list *l)
{
	for (int i = 0; i < l->n; i++)
		for (int j = 0; j < i; j++)
			FZ_CHECK(!pci_addr_equal(&l->a[i], &l->a[j]),
				 "device %d given twice", i);
}

FZ_NOCOV static void check_sriov(const struct sriov_cli *s)
{
	const struct vf_link_req *v = &s->vf;
	bool settings =
		v->set_mac || v->set_vlan || v->trust >= 0 || v->spoofchk >= 0;

	FZ_CHECK(s->action <= SRIOV_VF, "action %d", s->action);
	FZ_CHECK(settings == (s->action == SRIOV_VF),
		 "VF settings with action %d", s->action);
	FZ_CHECK(!s->bind || s->action == SRIOV_NUMVFS, "--bind without N");
	FZ_CHECK(s->numvfs <= 0xffff && v->vf <= 0xffff, "numvfs %u vf %u",
		 s->numvfs, v->vf);
	FZ_CHECK(v->vlan <= VF_VLAN_MAX && v->qos <= VF_QOS_MAX &&
			 (v->set_vlan || !v->qos),
		 "vlan %u qos %u", v->vlan, v->qos);
	FZ_CHECK(v->trust >= -1 && v->trust <= 1 && v->spoofchk >= -1 &&
			 v->spoofchk <= 1,
		 "trust %d spoofchk %d", v->trust, v->spoofchk);
	FZ_CHECK(!v->set_mac || !(v->mac[0] & 1), "a multicast MAC accepted");
}

/* One parse; returns a digest to compare with the second one. */
static long parse(unsigned int which)
{
	static const char *const names[] = { "run", "doctor", "bind", "unbind",
					     "sriov" };
	struct pv_error err = { "" };
	long digest;
	int ret;

	args[0] = (char *)names[which];
	switch (which) {
	case 0: {
		struct vm_config c;

		ret = cli_parse_run(nargs, args, &c, &err);
		check_run(ret, &c, &err);
		digest = ret * 1000003L + (long)c.nr_vfio * 131 +
			 (long)(c.mem >> 20) + c.cpus;
		vm_config_release(&c);
		return digest;
	}
	case 1: {
		struct pci_addr_list l = { 0 };
		struct doctor_opts o;

		ret = cli_parse_doctor(nargs, args, &o, &l, &err);
		FZ_CHECK(ret == 0 || ret == 1 || ret == -EINVAL ||
				 ret == -ENOMEM,
			 "cli_parse_doctor: %d", ret);
		FZ_CHECK(ret != -EINVAL || err.msg[0], "no message");
		if (!ret) {
			FZ_CHECK(o.mem_bytes && o.devs == l.a && o.ndevs == l.n,
				 "doctor options");
			check_devs(&l);
		}
		digest = ret * 1000003L + l.n;
		pci_addr_list_free(&l);
		return digest;
	}
	case 4: {
		struct sriov_cli s;

		ret = cli_parse_sriov(nargs, args, &s, &err);
		FZ_CHECK(ret == 0 || ret == 1 || ret == -EINVAL,
			 "cli_parse_sriov: %d", ret);
		FZ_CHECK(ret != -EINVAL || err.msg[0], "no message");
		if (!ret)
			check_sriov(&s);
		return ret * 1000003L + s.action * 65537L + s.numvfs +
		       s.vf.vf * 7 + s.vf.vlan;
	}
	default: {
		struct bind_cli b;

		ret = cli_parse_bind(nargs, args, which == 2, &b, &err);
		FZ_CHECK(ret == 0 || ret == 1 || ret == -EINVAL ||
				 ret == -ENOMEM,
			 "cli_parse_bind: %d", ret);
		FZ_CHECK(ret != -EINVAL || err.msg[0], "no message");
		if (!ret) {
			FZ_CHECK(b.devs.n > 0, "bind with no device");
			FZ_CHECK(which == 2 || !b.force, "unbind --force");
			check_devs(&b.devs);
		}
		digest = ret * 1000003L + b.devs.n * 7 + b.group + b.dry_run;
		pci_addr_list_free(&b.devs);
		return digest;
	}
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int which;
	size_t i = 1;
	long first;

	if (!size)
		return 0;
	which = data[0] % 5;
	nargs = 1;
	while (i < size && nargs <= MAX_ARGS) {
		const uint8_t *nul = memchr(data + i, 0, size - i);
		size_t n = nul ? (size_t)(nul - (data + i)) : size - i;

		args[nargs] = malloc(n + 1);
		if (!args[nargs])
			break;
		memcpy(args[nargs], data + i, n);
		args[nargs][n] = '\0';
		nargs++;
		i += n + 1;
	}
	args[nargs] = NULL;
	first = parse(which);
	FZ_CHECK(parse(which) == first,
		 "a second parse of the same arguments differs");
	/* Another front end in between must not change the answer either. */
	parse((which + 1) % 5);
	FZ_CHECK(parse(which) == first,
		 "a parse after another front end differs");
	for (int k = 1; k < nargs; k++)
		free(args[k]);
	return 0;
}
