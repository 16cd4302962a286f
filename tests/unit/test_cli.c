// SPDX-License-Identifier: GPL-2.0
/* `passvm run` option parsing, including malformed input. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "run_passvm.h"
#include "vmm/cli.h"

/* `passvm run` and the arguments of @ap, parsed into @o; @e cleared. */
static int parse_ap(struct vm_config *o, struct pv_error *e, va_list ap)
{
	char *argv[32];
	int argc = vargv(argv, 32, "run", ap);

	memset(e, 0, sizeof(*e));
	return cli_parse_run(argc, argv, o, e);
}

static int parse(struct vm_config *o, struct pv_error *e, ...)
{
	va_list ap;
	int r;

	va_start(ap, e);
	r = parse_ap(o, e, ap);
	va_end(ap);
	return r;
}

static void test_defaults(void **state)
{
	struct vm_config o;
	struct pv_error e;

	assert_int_equal(parse(&o, &e, "--kernel", "bz", NULL), 0);
	assert_string_equal(o.kernel, "bz");
	assert_null(o.initrd);
	assert_int_equal(o.mem, 256ull << 20);
	assert_int_equal(o.cpus, 1);
	assert_int_equal(o.nr_vfio, 0);
	assert_false(o.stats);
}

static void test_full(void **state)
{
	struct vm_config o;
	struct pv_error e;

	assert_int_equal(parse(&o, &e, "--kernel", "k", "--initrd", "i",
			       "--cmdline", "quiet", "--mem", "2G", "--cpus",
			       "4", "--vfio", "0000:01:00.0", "--vfio",
			       "02:00.0,managed", "--stats", "--trace",
			       "vfio,irq,console", NULL),
			 0);
	assert_int_equal(o.mem, 2ull << 30);
	assert_int_equal(o.cpus, 4);
	assert_int_equal(o.nr_vfio, 2);
	assert_string_equal(o.vfio[0].bdf, "0000:01:00.0");
	assert_false(o.vfio[0].managed);
	assert_string_equal(o.vfio[1].bdf, "0000:02:00.0"); /* canonical */
	assert_true(o.vfio[1].managed);
	assert_true(o.stats);
	assert_int_equal(o.trace, TRACE_VFIO | TRACE_IRQ | TRACE_CONSOLE);
	assert_string_equal(o.cmdline, "quiet");
}

static void expect_usage(const char *needle, ...)
{
	struct pv_error e;
	struct vm_config o;
	va_list ap;
	int r;

	va_start(ap, needle);
	r = parse_ap(&o, &e, ap);
	va_end(ap);
	assert_int_equal(r, -22);
	if (!strstr(e.msg, needle))
		fail_msg("message '%s' lacks '%s'", e.msg, needle);
}

static void test_malformed(void **state)
{
	expect_usage("--kernel FILE", NULL);
	expect_usage("--kernel FILE", "--mem", "1G", NULL);
	expect_usage("--mem", "--kernel", "k", "--mem", "8M", NULL);
	expect_usage("--mem", "--kernel", "k", "--mem", "2T", NULL);
	expect_usage("--mem", "--kernel", "k", "--mem", "100K", NULL);
	expect_usage("--mem", "--kernel", "k", "--mem", "lots", NULL);
	expect_usage("--cpus", "--kernel", "k", "--cpus", "0", NULL);
	expect_usage("--cpus", "--kernel", "k", "--cpus", "255", NULL);
	expect_usage("--cpus", "--kernel", "k", "--cpus", "2x", NULL);
	expect_usage("unknown option '--frobnicate'", "--kernel", "k",
		     "--frobnicate", NULL);
	expect_usage("needs a value", "--kernel", NULL);
	expect_usage("unexpected argument", "--kernel", "k", "extra", NULL);
	expect_usage("managed", "--kernel", "k", "--vfio", "01:00.0,bogus",
		     NULL);
	expect_usage("PCI address", "--kernel", "k", "--vfio", ",managed",
		     NULL);
	expect_usage("unknown category", "--kernel", "k", "--trace",
		     "vfio,nope", NULL);
	expect_usage("multiple of 2M", "--kernel", "k", "--hugepages", "--mem",
		     "17M", NULL);
}

/*
 * A usage error still names the --result file, also when the bad option
 * comes before --result (a CI job's typo must reach its result file).
 */
static void test_usage_error_keeps_result(void **state)
{
	struct vm_config o;
	struct pv_error e;

	assert_int_equal(parse(&o, &e, "--kernel", "k", "--verdict", "bogus",
			       "--timeout", "9s", "--result", "r.json", NULL),
			 -EINVAL);
	assert_string_equal(o.result, "r.json");
	assert_int_equal(parse(&o, &e, "--timeout", "soon", "--result=a.json",
			       "--result", "b.json", NULL),
			 -EINVAL);
	assert_string_equal(o.result, "b.json");
	/* An option's value is not mistaken for it; "--" ends options. */
	assert_int_equal(parse(&o, &e, "--mem", "lots", "--", "--result",
			       "x.json", NULL),
			 -EINVAL);
	assert_null(o.result);
	assert_int_equal(parse(&o, &e, "--mem", "lots", "--result=", NULL),
			 -EINVAL);
	assert_null(o.result);
}

/* --vfio takes every form of host/pci_addr.h; a device once. */
static void test_vfio_forms(void **state)
{
	struct vm_config o;
	struct pv_error e;

	assert_int_equal(parse(&o, &e, "--kernel", "k", "--vfio",
			       "/sys/bus/pci/devices/0000:01:00.0/", "--vfio",
			       "host=02:00.0,managed", "--vfio",
			       "path=/sys/bus/pci/devices/0000:03:00.1", NULL),
			 0);
	assert_int_equal(o.nr_vfio, 3);
	assert_string_equal(o.vfio[0].bdf, "0000:01:00.0");
	assert_false(o.vfio[0].managed);
	assert_string_equal(o.vfio[1].bdf, "0000:02:00.0");
	assert_true(o.vfio[1].managed);
	assert_string_equal(o.vfio[2].bdf, "0000:03:00.1");

	expect_usage("not a PCI address", "--kernel", "k", "--vfio", "garbage",
		     NULL);
	expect_usage("host=0000:01:00.0", "--kernel", "k", "--vfio", "01:00.9",
		     NULL);
	expect_usage("already assigned", "--kernel", "k", "--vfio", "01:00.0",
		     "--vfio", "host=0000:01:00.0,managed", NULL);
	expect_usage("0000:01:00.0 is already", "--kernel", "k", "--vfio",
		     "0000:01:00.0", "--vfio",
		     "/sys/bus/pci/devices/0000:01:00.0", NULL);
}

/* --stats is text ("passvm: stats:" lines), --stats=json one object. */
/* --iommu and the pre-opened fds of an unprivileged start. */
static void test_host_interfaces(void **state)
{
	struct vm_config o;
	struct pv_error e;

	assert_int_equal(parse(&o, &e, "--kernel", "k", NULL), 0);
	assert_int_equal(o.iommu, IOMMU_MODE_AUTO);
	assert_false(o.has_kvm_fd || o.has_iommu_fd);
	assert_int_equal(parse(&o, &e, "--kernel", "k", "--iommu", "iommufd",
			       "--kvm-fd", "3", "--iommu-fd", "4", "--vfio",
			       "fd=5", "--vfio", "fd=6,bdf=01:00.1", NULL),
			 0);
	assert_int_equal(o.iommu, IOMMU_MODE_IOMMUFD);
	assert_true(o.has_kvm_fd && o.kvm_fd == 3);
	assert_true(o.has_iommu_fd && o.iommu_fd == 4);
	assert_int_equal(o.nr_vfio, 2);
	assert_true(o.vfio[0].has_fd && o.vfio[0].fd == 5);
	assert_string_equal(o.vfio[0].bdf, "");
	assert_true(o.vfio[1].has_fd && o.vfio[1].fd == 6);
	assert_string_equal(o.vfio[1].bdf, "0000:01:00.1");
	assert_false(o.vfio[1].managed);

	assert_int_equal(
		parse(&o, &e, "--kernel", "k", "--iommu", "vfio", NULL),
		-EINVAL);
	assert_non_null(strstr(e.msg, "auto (the default), type1 or iommufd"));
	assert_int_equal(parse(&o, &e, "--kernel", "k", "--kvm-fd", "1", NULL),
			 -EINVAL);
	assert_non_null(strstr(e.msg, "stdin, stdout and stderr"));
	assert_int_equal(
		parse(&o, &e, "--kernel", "k", "--iommu-fd", "x3", NULL),
		-EINVAL);
	assert_int_equal(
		parse(&o, &e, "--kernel", "k", "--vfio", "fd=5,managed", NULL),
		-EINVAL);
	assert_non_null(strstr(e.msg, "cannot be managed"));
	assert_int_equal(
		parse(&o, &e, "--kernel", "k", "--vfio", "fd=5,bdf=zz", NULL),
		-EINVAL);
	assert_int_equal(parse(&o, &e, "--kernel", "k", "--vfio", "fd=5",
			       "--vfio", "fd=5", NULL),
			 -EINVAL);
	assert_non_null(strstr(e.msg, "given twice"));
	assert_int_equal(parse(&o, &e, "--kernel", "k", "--vfio", "fd=", NULL),
			 -EINVAL);
	/* A device by its address and as a pre-opened fd's bdf=, either way
	 * round, is one device given twice (fuzz_cli). */
	assert_int_equal(parse(&o, &e, "--kernel", "k", "--vfio", "01:00.0",
			       "--vfio", "fd=5,bdf=01:00.0", NULL),
			 -EINVAL);
	assert_non_null(strstr(e.msg, "already assigned"));
	assert_int_equal(parse(&o, &e, "--kernel", "k", "--vfio",
			       "fd=5,bdf=01:00.0", "--vfio", "01:00.0", NULL),
			 -EINVAL);
	assert_int_equal(parse(&o, &e, "--kernel", "k", "--vfio", "fd=5",
			       "--vfio", "fd=6", NULL),
			 0);
}

static void test_stats_formats(void **state)
{
	struct vm_config o;
	struct pv_error e;

	assert_int_equal(parse(&o, &e, "--kernel", "k", "--stats", NULL), 0);
	assert_true(o.stats);
	assert_false(o.stats_json);
	assert_int_equal(parse(&o, &e, "--kernel", "k", "--stats=json", NULL),
			 0);
	assert_true(o.stats);
	assert_true(o.stats_json);
	assert_int_equal(parse(&o, &e, "--kernel", "k", "--stats=text", NULL),
			 0);
	assert_true(o.stats);
	assert_false(o.stats_json);
	expect_usage("the formats are text (the default) and json", "--kernel",
		     "k", "--stats=xml", NULL);
	/* The help documents the JSON keys and the reboot guard. */
	assert_non_null(strstr(cli_run_help, "launch_to_first_instruction_ms"));
	assert_non_null(strstr(cli_run_help, "vectors_routed"));
	assert_non_null(strstr(cli_run_help, "trapped_notifications"));
	assert_non_null(strstr(cli_run_help, "5 resets in 10 s"));
}

/* --sriov PF,numvfs=N: the PF canonical, N from 1 to the device limit. */
static void test_sriov(void **state)
{
	struct vm_config o;
	struct pv_error e;

	assert_int_equal(parse(&o, &e, "--kernel", "k", "--sriov",
			       "01:00.0,numvfs=2", "--sriov",
			       "host=0000:02:00.1,numvfs=16", NULL),
			 0);
	assert_int_equal(o.nr_sriov, 2);
	assert_string_equal(o.sriov[0].pf, "0000:01:00.0");
	assert_int_equal(o.sriov[0].numvfs, 2);
	assert_string_equal(o.sriov[1].pf, "0000:02:00.1");
	assert_int_equal(o.sriov[1].numvfs, 16);
	expect_usage("numvfs=N", "--kernel", "k", "--sriov", "01:00.0", NULL);
	expect_usage("numvfs=N", "--kernel", "k", "--sriov", "01:00.0,numvfs=0",
		     NULL);
	expect_usage("numvfs=N", "--kernel", "k", "--sriov",
		     "01:00.0,numvfs=17", NULL);
	expect_usage("numvfs=N", "--kernel", "k", "--sriov",
		     "01:00.0,numvfs=-1", NULL);
	expect_usage("numvfs=N", "--kernel", "k", "--sriov",
		     "01:00.0,numvfs=2x", NULL);
	expect_usage("numvfs=N", "--kernel", "k", "--sriov", "01:00.0,vfs=2",
		     NULL);
	expect_usage("PF,numvfs=N", "--kernel", "k", "--sriov",
		     "nonsense,numvfs=2", NULL);
	expect_usage("given twice", "--kernel", "k", "--sriov",
		     "01:00.0,numvfs=1", "--sriov", "0000:01:00.0,numvfs=2",
		     NULL);
}

/*
 * A parse after one that stopped inside a cluster of short options (the
 * x of "-xk" is unknown) starts afresh: it once went on with the k of the
 * first call's argv, freed by then (fuzz_cli: a second parse of the same
 * arguments gave another answer).
 */
static void test_parse_after_cluster_error(void **state)
{
	char *first[] = { "run", strdup("-xk"), NULL };
	struct vm_config o;
	struct pv_error e;

	assert_int_equal(cli_parse_run(2, first, &o, &e), -EINVAL);
	free(first[1]);
	assert_int_equal(parse(&o, &e, "--kernel", "bz", NULL), 0);
	assert_string_equal(o.kernel, "bz");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_usage_error_keeps_result),
		cmocka_unit_test(test_vfio_forms),
		cmocka_unit_test(test_sriov),
		cmocka_unit_test(test_stats_formats),
		cmocka_unit_test(test_parse_after_cluster_error),
		cmocka_unit_test(test_host_interfaces),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
