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
#include "devices/verdict.h"
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
}

/* `passvm run --help` for a guest of @g, in a malloc'd string. */
static char *help_for(const struct arch_guest *g)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	cli_run_help_print(f, g);
	fclose(f);
	return buf;
}

/*
 * The help documents the JSON keys and the reboot guard, and each
 * architecture's own verdict page (from its layout header), verdict port
 * and --timeout.
 */
static void test_help(void **state)
{
	char *x86 = help_for(&arch_guest_x86_64);
	char *arm = help_for(&arch_guest_arm64);

	for (char *h = x86; h; h = h == x86 ? arm : NULL) {
		assert_non_null(strstr(h, "launch_to_first_instruction_ms"));
		assert_non_null(strstr(h, "vectors_routed"));
		assert_non_null(strstr(h, "trapped_notifications"));
		assert_non_null(strstr(h, "5 resets in 10 s"));
		assert_non_null(strstr(h, "--timeout-grace DURATION"));
		assert_non_null(strstr(h, "--kvm-fd N"));
		assert_null(strstr(h, "%"));
	}
	assert_non_null(strstr(x86, "busybox devmem 0xfe000000 8 V"));
	assert_non_null(strstr(x86, "busybox devmem 0xfe000000 8 $status"));
	assert_non_null(strstr(x86, "I/O port 0xf4"));
	assert_non_null(strstr(x86, "ACPI power button"));
	assert_non_null(strstr(x86, "--kernel bzImage"));
	assert_null(strstr(x86, "0x9010000"));
	assert_non_null(strstr(arm, "busybox devmem 0x9010000 8 V"));
	assert_non_null(strstr(arm, "busybox devmem 0x9010000 8 $status"));
	assert_non_null(strstr(arm, "arm64 has no I/O ports"));
	assert_non_null(
		strstr(arm, "stop the guest at\n                     once"));
	assert_non_null(strstr(arm, "--kernel Image"));
	assert_null(strstr(arm, "0xfe000000"));
	assert_null(strstr(arm, "I/O port 0xf4"));
	assert_null(strstr(arm, "ACPI power button"));
	free(x86);
	free(arm);
}

/*
 * scripts/ci-initramfs writes the verdict page the guest's architecture
 * has: its --arch table gives each the address of arch_guest_* (the
 * layout headers'), as the help above does (make unit runs from the top
 * of the tree).
 */
static void test_ci_script_pages(void **state)
{
	const struct arch_guest *gs[] = { &arch_guest_x86_64,
					  &arch_guest_arm64 };
	char script[8192], line[64];
	FILE *f = fopen("scripts/ci-initramfs", "r");
	size_t n;

	assert_non_null(f);
	n = fread(script, 1, sizeof(script) - 1, f);
	fclose(f);
	script[n] = '\0';
	for (unsigned int i = 0; i < 2; i++) {
		snprintf(line, sizeof(line), "\n%s) page=0x%llx ;;\n",
			 gs[i]->name, (unsigned long long)gs[i]->verdict_mmio);
		if (!strstr(script, line))
			fail_msg("scripts/ci-initramfs lacks '%s'", line + 1);
	}
	assert_non_null(strstr(script, "devmem \"$page\" 8"));
}

/* cli_parse_run_arch() for a guest of @g; @o and @e filled as parse(). */
static int parse_arch(const struct arch_guest *g, struct vm_config *o,
		      struct pv_error *e, ...)
{
	char *argv[32] = { "run" };
	int argc = 1;
	va_list ap;

	va_start(ap, e);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	memset(e, 0, sizeof(*e));
	return cli_parse_run_arch(argc, argv, o, g, e);
}

/*
 * arm64 has no I/O ports: --verdict port could never fire there, so it is
 * a usage error naming --verdict mmio; "all" means mmio and serial. On
 * x86 every channel is taken.
 */
static void test_verdict_arch(void **state)
{
	const struct arch_guest *arm = &arch_guest_arm64;
	const unsigned int mmio = VERDICT_BIT(VERDICT_MMIO);
	const unsigned int serial = VERDICT_BIT(VERDICT_SERIAL);
	const unsigned int port = VERDICT_BIT(VERDICT_PORT);
	const char *bad[] = { "port", "mmio,port", "port,serial", "all,port",
			      "serial,port,mmio" };
	struct vm_config o;
	struct pv_error e;

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse_arch(arm, &o, &e, "--kernel", "k",
					    "--verdict", bad[i], "--result",
					    "r.json", NULL),
				 -EINVAL);
		if (!strstr(e.msg, "--verdict mmio") ||
		    !strstr(e.msg, "arm64 has no I/O ports") ||
		    !strstr(e.msg, "0x9010000"))
			fail_msg("--verdict %s: '%s'", bad[i], e.msg);
		/* the usage error still reaches the result file */
		assert_string_equal(o.result, "r.json");
	}
	assert_int_equal(parse_arch(arm, &o, &e, "--kernel", "k", "--verdict",
				    "all", NULL),
			 0);
	assert_int_equal(o.verdict, mmio | serial);
	assert_int_equal(parse_arch(arm, &o, &e, "--kernel", "k", "--verdict",
				    "mmio,serial", NULL),
			 0);
	assert_int_equal(o.verdict, mmio | serial);
	/* an unknown name lists only the channels arm64 has */
	assert_int_equal(parse_arch(arm, &o, &e, "--kernel", "k", "--verdict",
				    "prot", NULL),
			 -EINVAL);
	assert_non_null(strstr(e.msg, "use mmio,serial or all"));

	assert_int_equal(parse_arch(&arch_guest_x86_64, &o, &e, "--kernel", "k",
				    "--verdict", "port", NULL),
			 0);
	assert_int_equal(o.verdict, port);
	assert_int_equal(parse_arch(&arch_guest_x86_64, &o, &e, "--kernel", "k",
				    "--verdict", "all", NULL),
			 0);
	assert_int_equal(o.verdict, mmio | serial | port);
	/* cli_parse_run() is this binary's architecture (x86 here) */
	assert_ptr_equal(arch_guest, &arch_guest_x86_64);
	assert_int_equal(
		parse(&o, &e, "--kernel", "k", "--verdict", "port", NULL), 0);
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
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_verdict_arch),
		cmocka_unit_test(test_ci_script_pages),
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
