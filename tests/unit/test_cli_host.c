// SPDX-License-Identifier: GPL-2.0
/*
 * The front ends of `passvm doctor`, `bind`, `unbind` and `sriov`
 * (vmm/cli_host.c),
 * and through the real binary the usage errors of all front ends.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "run_passvm.h"
#include "vmm/cli_host.h"

/* Silence stdout (--help) around @expr. */
#define QUIET(expr)                               \
	({                                        \
		FILE *saved_ = stdout;            \
		int r_;                           \
		stdout = fopen("/dev/null", "w"); \
		r_ = (expr);                      \
		fclose(stdout);                   \
		stdout = saved_;                  \
		r_;                               \
	})

static void test_doctor_usage(void **state)
{
	char *badmem[] = { "doctor", "--mem", "lots", NULL };
	char *nomem[] = { "doctor", "--mem", NULL };
	char *unknown[] = { "doctor", "--bogus", NULL };
	char *badbdf[] = { "doctor", "01:00", NULL };
	char *help[] = { "doctor", "--help", NULL };

	assert_int_equal(QUIET(cli_doctor(3, badmem)), 2);
	assert_int_equal(QUIET(cli_doctor(2, nomem)), 2);
	assert_int_equal(QUIET(cli_doctor(2, unknown)), 2);
	assert_int_equal(QUIET(cli_doctor(2, badbdf)), 2);
	assert_int_equal(QUIET(cli_doctor(2, help)), 0);
}

static void test_doctor_parse(void **state)
{
	char *argv[] = { "doctor",
			 "01:00.0",
			 "--mem",
			 "2G",
			 "host=0000:01:00.0",
			 "/sys/bus/pci/devices/0000:02:00.0/",
			 "--json",
			 "0000:01:00.0",
			 NULL };
	char *bad[] = { "doctor", "01:00.0", "host=", NULL };
	struct pci_addr_list l = { 0 };
	struct pv_error e = { "" };
	struct doctor_opts o;

	assert_int_equal(cli_parse_doctor(8, argv, &o, &l, &e), 0);
	assert_true(o.json);
	assert_true(o.mem_bytes == 2ull << 30);
	/* Three ways to name 01:00.0: one device. */
	assert_int_equal(o.ndevs, 2);
	assert_ptr_equal(o.devs, l.a);
	assert_int_equal(o.devs[0].bus, 1);
	assert_int_equal(o.devs[1].bus, 2);
	assert_string_equal(o.sysfs, "/sys");
	pci_addr_list_free(&l);

	assert_int_equal(cli_parse_doctor(3, bad, &o, &l, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "doctor: 'host='"));
	pci_addr_list_free(&l);
}

static void test_bind_usage(void **state)
{
	char *none[] = { "bind", NULL };
	char *badbdf[] = { "bind", "0000:01:00.9", NULL };
	char *badopt[] = { "unbind", "--force", "01:00.0", NULL };
	char *unknown[] = { "bind", "--frobnicate", "01:00.0", NULL };
	char *help[] = { "bind", "--help", NULL };
	char *uhelp[] = { "unbind", "-h", NULL };

	assert_int_equal(QUIET(cli_bind(1, none)), 2);
	assert_int_equal(QUIET(cli_bind(2, badbdf)), 2);
	assert_int_equal(QUIET(cli_unbind(3, badopt)), 2);
	assert_int_equal(QUIET(cli_bind(3, unknown)), 2);
	assert_int_equal(QUIET(cli_bind(2, help)), 0);
	assert_int_equal(QUIET(cli_unbind(2, uhelp)), 0);
}

static void test_bind_parse(void **state)
{
	char *argv[] = { "bind",	 "--dry-run",
			 "-g",		 "01:00.0",
			 "host=01:00.0", "/sys/bus/pci/devices/0000:01:00.1",
			 "--force",	 NULL };
	char *uargv[] = { "unbind", "-n", "01:00.0", "01:00.0", NULL };
	struct pv_error e = { "" };
	struct bind_cli b;

	assert_int_equal(cli_parse_bind(7, argv, true, &b, &e), 0);
	assert_true(b.dry_run);
	assert_true(b.group);
	assert_true(b.force);
	assert_int_equal(b.devs.n, 2);
	assert_int_equal(b.devs.a[0].fn, 0);
	assert_int_equal(b.devs.a[1].fn, 1);
	pci_addr_list_free(&b.devs);

	assert_int_equal(cli_parse_bind(4, uargv, false, &b, &e), 0);
	assert_true(b.dry_run);
	assert_false(b.force);
	assert_int_equal(b.devs.n, 1);
	pci_addr_list_free(&b.devs);
	assert_int_equal(cli_parse_bind(1, uargv, false, &b, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "no device given"));
}

/* ---- through the binary ---- */

static void test_binary(void **state)
{
	const char *garbage[] = { "passvm",   "run",
				  "--kernel", "/nonexistent",
				  "--vfio",   "garbage",
				  NULL };
	const char *twice[] = { "passvm",   "run",
				"--kernel", "/nonexistent",
				"--vfio",   "01:00.0",
				"--vfio",   "host=0000:01:00.0",
				NULL };
	const char *help[] = { "passvm", "doctor", "--help", NULL };
	const char *bind[] = { "passvm", "bind", "nonsense", NULL };
	const char *sriov_vf[] = {
		"passvm", "sriov", "01:00.0", "--mac", "52:54:00:12:34:01", NULL
	};
	const char *sriov_gone[] = { "passvm", "sriov", "00ff:ff:1f.7", NULL };
	static char out[16384], err[2048];

	/* README: a usage error is exit 2, before anything is opened. */
	assert_int_equal(
		run_passvm(garbage, out, sizeof(out), err, sizeof(err)), 2);
	assert_non_null(strstr(err, "--vfio 'garbage': not a PCI address"));
	assert_int_equal(run_passvm(twice, out, sizeof(out), err, sizeof(err)),
			 2);
	assert_non_null(strstr(err, "already assigned"));
	assert_int_equal(run_passvm(bind, out, sizeof(out), err, sizeof(err)),
			 2);
	assert_non_null(strstr(err, "'nonsense' is not a PCI address"));
	assert_int_equal(
		run_passvm(sriov_vf, out, sizeof(out), err, sizeof(err)), 2);
	assert_non_null(strstr(err, "need --vf N"));
	/* A device that is not there: a failure (1), saying so. */
	assert_int_equal(
		run_passvm(sriov_gone, out, sizeof(out), err, sizeof(err)), 1);
	assert_non_null(strstr(err, "no PCI device 00ff:ff:1f.7"));

	/* doctor --help carries the whole JSON schema. */
	assert_int_equal(run_passvm(help, out, sizeof(out), err, sizeof(err)),
			 0);
	assert_non_null(strstr(out, cli_doctor_help));
	assert_non_null(strstr(out, doctor_json_schema));
	assert_null(strstr(out, "vfio/doctor.c"));
}

/* `passvm sriov` and the arguments of @ap, parsed into @s; @e cleared. */
static int sriov_ap(struct sriov_cli *s, struct pv_error *e, va_list ap)
{
	char *argv[32];
	int argc = vargv(argv, 32, "sriov", ap);

	memset(e, 0, sizeof(*e));
	return QUIET(cli_parse_sriov(argc, argv, s, e));
}

/* Parse `passvm sriov ARGS...`; returns cli_parse_sriov()'s result. */
static int sriov(struct sriov_cli *s, struct pv_error *e, ...)
{
	va_list ap;
	int r;

	va_start(ap, e);
	r = sriov_ap(s, e, ap);
	va_end(ap);
	return r;
}

static void sriov_bad(const char *needle, ...)
{
	struct pv_error e;
	struct sriov_cli s;
	va_list ap;
	int r;

	va_start(ap, needle);
	r = sriov_ap(&s, &e, ap);
	va_end(ap);
	assert_int_equal(r, -EINVAL);
	if (!strstr(e.msg, needle))
		fail_msg("message '%s' lacks '%s'", e.msg, needle);
}

static void test_sriov_parse(void **state)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x01 };
	struct sriov_cli s;
	struct pv_error e;

	assert_int_equal(sriov(&s, &e, "01:00.0", NULL), 0);
	assert_int_equal(s.action, SRIOV_SHOW);
	assert_int_equal(s.pf.bus, 1);
	assert_int_equal(sriov(&s, &e, "--numvfs", "3", "--bind",
			       "host=0000:01:00.0", "--dry-run", NULL),
			 0);
	assert_int_equal(s.action, SRIOV_NUMVFS);
	assert_int_equal(s.numvfs, 3);
	assert_true(s.bind);
	assert_true(s.dry_run);
	assert_int_equal(sriov(&s, &e, "01:00.0", "--remove", "--force", NULL),
			 0);
	assert_int_equal(s.action, SRIOV_REMOVE);
	assert_true(s.force);
	assert_int_equal(sriov(&s, &e, "01:00.0", "--vf", "1", "--mac",
			       "52:54:00:12:34:01", "--vlan", "100", "--qos",
			       "5", "--trust", "on", "--spoofchk", "off", NULL),
			 0);
	assert_int_equal(s.action, SRIOV_VF);
	assert_int_equal(s.vf.vf, 1);
	assert_true(s.vf.set_mac);
	assert_memory_equal(s.vf.mac, mac, 6);
	assert_true(s.vf.set_vlan);
	assert_int_equal(s.vf.vlan, 100);
	assert_int_equal(s.vf.qos, 5);
	assert_int_equal(s.vf.trust, 1);
	assert_int_equal(s.vf.spoofchk, 0);
	/* Only what is given changes. */
	assert_int_equal(
		sriov(&s, &e, "01:00.0", "--vf", "0", "--trust", "off", NULL),
		0);
	assert_false(s.vf.set_mac);
	assert_false(s.vf.set_vlan);
	assert_int_equal(s.vf.spoofchk, -1);
	assert_int_equal(s.vf.trust, 0);
	assert_int_equal(sriov(&s, &e, "--help", NULL), 1);

	sriov_bad("no PF given", NULL);
	sriov_bad("one PF at a time", "01:00.0", "02:00.0", NULL);
	sriov_bad("not a PCI address", "eth0", NULL);
	sriov_bad("--numvfs 'x'", "01:00.0", "--numvfs", "x", NULL);
	sriov_bad("--numvfs '-1'", "01:00.0", "--numvfs", "-1", NULL);
	sriov_bad("one at a time", "01:00.0", "--numvfs", "2", "--remove",
		  NULL);
	sriov_bad("--bind goes with --numvfs", "01:00.0", "--bind", NULL);
	sriov_bad("needs something to set", "01:00.0", "--vf", "0", NULL);
	sriov_bad("need --vf N", "01:00.0", "--mac", "52:54:00:12:34:01", NULL);
	sriov_bad("unicast MAC", "01:00.0", "--vf", "0", "--mac",
		  "01:00:5e:00:00:01", NULL);
	sriov_bad("from 0 (none) to 4095", "01:00.0", "--vf", "0", "--vlan",
		  "4096", NULL);
	sriov_bad("from 0 to 7", "01:00.0", "--vf", "0", "--vlan", "1", "--qos",
		  "8", NULL);
	sriov_bad("--qos goes with --vlan", "01:00.0", "--vf", "0", "--qos",
		  "1", "--trust", "on", NULL);
	sriov_bad("say on or off", "01:00.0", "--vf", "0", "--trust", "yes",
		  NULL);
	sriov_bad("needs a value", "01:00.0", "--vf", NULL);
	sriov_bad("unknown option", "01:00.0", "--numvfz", "2", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_doctor_usage),
		cmocka_unit_test(test_doctor_parse),
		cmocka_unit_test(test_bind_usage),
		cmocka_unit_test(test_bind_parse),
		cmocka_unit_test(test_sriov_parse),
		cmocka_unit_test(test_binary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
