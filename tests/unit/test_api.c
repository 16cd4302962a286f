// SPDX-License-Identifier: GPL-2.0
/*
 * The API's resource model and router against bad input (malformed JSON,
 * wrong types, unknown fields, a path id other than the body's, pre-boot
 * resources after the start, a second InstanceStart), the config file
 * (the same, and its keys), and the server over a real Unix socket
 * (pipelining, byte-by-byte and stalled clients, the size cap, a socket in
 * use). A fake VMM records the callbacks.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "api/model.h"
#include "api/model_util.h"
#include "api/router.h"
#include "api/server.h"
#include "fake_vmm.h"
#include "vmm/cli.h"
#include "vmm/cli_ctl.h"

struct fixture {
	struct vm_config cfg;
	struct api_ctx a;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	vm_config_init(&f->cfg);
	api_ctx_init(&f->a, &f->cfg, &fake_vmm_ops);
	memset(&fake_vmm, 0, sizeof(fake_vmm));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	api_ctx_destroy(&f->a);
	vm_config_release(&f->cfg);
	free(f);
	return 0;
}

/* One request; returns the status, the body (or "") in @body. */
static int req(struct fixture *f, const char *method, const char *path,
	       const char *json, char *body, size_t cap)
{
	struct api_response r;

	api_route(&f->a, method, path, json, json ? strlen(json) : 0, &r);
	snprintf(body, cap, "%s", r.body ? r.body : "");
	free(r.body);
	return r.status;
}

#define EXPECT(f, st, m, p, j, needle)                                         \
	do {                                                                   \
		char b_[2048];                                                 \
		const char *j_ = (j);                                          \
		int s_ = req(f, m, p, j_, b_, sizeof(b_));                     \
		if (s_ != (st) || !strstr(b_, needle))                         \
			fail_msg("%s %s %s: %d '%s', want %d with '%s'", m, p, \
				 j_ ? j_ : "", s_, b_, st, needle);            \
	} while (0)

/*
 * A fault message cut inside a UTF-8 character (a long field value) is
 * still a fault message (fuzz_api: the body was {}, json_string()
 * refusing the text), and so is one naming a path that is not UTF-8.
 */
static void test_fault_message_not_utf8(void **state)
{
	struct fixture *f = *state;
	char body[2048], json[1024];
	size_t n;

	n = (size_t)snprintf(json, sizeof(json),
			     "{\"drive_id\": \"x\", \"is_root_device\": false, "
			     "\"path_on_host\": \"/p\", \"cache_type\": \"");
	for (int i = 0; i < 200; i++, n += 3)
		memcpy(json + n, "\xe2\x82\xac", 3); /* the euro sign */
	snprintf(json + n, sizeof(json) - n, "\"}");
	assert_int_equal(req(f, "PUT", "/drives/x", json, body, sizeof(body)),
			 400);
	assert_non_null(strstr(body, "\"fault_message\":\"An error occurred"));
	assert_non_null(strstr(body, "unknown variant"));
	assert_int_equal(req(f, "GET", "/\xfe\xff", NULL, body, sizeof(body)),
			 400);
	assert_non_null(
		strstr(body, "Invalid request method and/or path: GET /??."));
}

static void test_get_root_and_version(void **state)
{
	struct fixture *f = *state;

	strcpy(f->cfg.id, "vm-1");
	EXPECT(f, 200, "GET", "/", NULL,
	       "{\"id\":\"vm-1\",\"state\":\"Not started\"");
	EXPECT(f, 200, "GET", "/", NULL, "\"app_name\":\"Firecracker\"");
	EXPECT(f, 200, "GET", "/version", NULL, "\"firecracker_version\"");
	EXPECT(f, 400, "GET", "/nope", NULL,
	       "Invalid request method and/or path: GET /nope.");
	EXPECT(f, 400, "DELETE", "/machine-config", NULL,
	       "Invalid request method and/or path");
}

/*
 * jobj() keeps the pairs in order, nests, and like json_pack gives NULL
 * when a value is missing (json_string(NULL), or text not UTF-8), with the
 * other values released (ASan's leak check in make unit-asan).
 */
static void test_jobj(void **state)
{
	json_t *o = jobj("b", json_integer(2), "a",
			 jobj("t", json_true(), "s", json_string("x"), NULL),
			 "n", json_null(), NULL);
	char *text;

	assert_non_null(o);
	text = json_dumps(o, JSON_COMPACT);
	assert_string_equal(
		text, "{\"b\":2,\"a\":{\"t\":true,\"s\":\"x\"},\"n\":null}");
	free(text);
	json_decref(o);
	assert_null(jobj("a", json_string("kept until the end"), "b",
			 json_string(NULL), "c", json_integer(3), NULL));
	assert_null(jobj("a", json_string("\xfe"), NULL));
}

static void test_machine_config(void **state)
{
	struct fixture *f = *state;

	EXPECT(f, 204, "PUT", "/machine-config",
	       "{\"vcpu_count\": 4, \"mem_size_mib\": 512, \"smt\": false, \"huge_pages\": \"2M\"}",
	       "");
	assert_int_equal(f->cfg.cpus, 4);
	assert_int_equal(f->cfg.mem, 512ull << 20);
	assert_true(f->cfg.hugepages);
	EXPECT(f, 204, "PATCH", "/machine-config", "{\"vcpu_count\": 2}", "");
	assert_int_equal(f->cfg.mem, 512ull << 20);
	EXPECT(f, 200, "GET", "/machine-config", NULL,
	       "{\"vcpu_count\":2,\"mem_size_mib\":512,\"smt\":false,\"track_dirty_pages\":false,\"huge_pages\":\"2M\"}");
	/* PUT replaces: huge_pages back to None. */
	EXPECT(f, 204, "PUT", "/machine-config",
	       "{\"vcpu_count\": 1, \"mem_size_mib\": 128}", "");
	assert_false(f->cfg.hugepages);
}

/* Every refusal names the field and changes nothing. */
static void test_machine_config_bad(void **state)
{
	struct fixture *f = *state;

	f->cfg.cpus = 3;
	EXPECT(f, 400, "PUT", "/machine-config",
	       "{\"vcpu_count\": 2, \"mem_size_mib\": 256, \"vcpus\": 2}",
	       "unknown field `vcpus`");
	EXPECT(f, 400, "PUT", "/machine-config", "{\"vcpu_count\": 2}",
	       "missing field `mem_size_mib`");
	EXPECT(f, 400, "PUT", "/machine-config",
	       "{\"vcpu_count\": \"2\", \"mem_size_mib\": 256}",
	       "invalid type: string, expected a non-negative integer for field `vcpu_count`");
	EXPECT(f, 400, "PUT", "/machine-config",
	       "{\"vcpu_count\": -1, \"mem_size_mib\": 256}", "vcpu_count");
	EXPECT(f, 400, "PUT", "/machine-config",
	       "{\"vcpu_count\": 2.5, \"mem_size_mib\": 256}", "vcpu_count");
	EXPECT(f, 400, "PUT", "/machine-config",
	       "{\"vcpu_count\": 0, \"mem_size_mib\": 256}", "vcpu_count 0");
	EXPECT(f, 400, "PUT", "/machine-config",
	       "{\"vcpu_count\": 2, \"mem_size_mib\": 8}", "mem_size_mib 8");
	EXPECT(f, 400, "PUT", "/machine-config",
	       "{\"vcpu_count\": 2, \"mem_size_mib\": 255, \"huge_pages\": \"2M\"}",
	       "multiple of 2");
	EXPECT(f, 400, "PUT", "/machine-config",
	       "{\"vcpu_count\": 2, \"mem_size_mib\": 256, \"huge_pages\": \"1G\"}",
	       "unknown variant `1G`");
	EXPECT(f, 400, "PUT", "/machine-config",
	       "{\"vcpu_count\": 3, \"mem_size_mib\": 256, \"smt\": true}",
	       "can only be 1 or an even number when SMT is enabled");
	EXPECT(f, 400, "PUT", "/machine-config", "{\"vcpu_count\": 2,",
	       "An error occurred when deserializing the json body of a request: ");
	EXPECT(f, 400, "PUT", "/machine-config", "[1, 2]",
	       "expected a JSON object");
	EXPECT(f, 400, "PUT", "/machine-config", "", "Empty PUT request.");
	EXPECT(f, 400, "PUT", "/machine-config",
	       "{\"vcpu_count\": 2, \"vcpu_count\": 3, \"mem_size_mib\": 256}",
	       "duplicate");
	assert_int_equal(f->cfg.cpus, 3);
	assert_int_equal(f->cfg.mem, VM_DEFAULT_MEM);
	assert_int_equal(f->a.errors, 14);
}

static void test_ids(void **state)
{
	struct fixture *f = *state;

	EXPECT(f, 204, "PUT", "/device-passthrough/nvme0",
	       "{\"id\": \"nvme0\", \"sbdf\": \"0000:00:03.0\"}", "");
	EXPECT(f, 400, "PUT", "/device-passthrough/nvme0",
	       "{\"id\": \"nvme1\", \"sbdf\": \"0000:00:04.0\"}",
	       "The id from the path does not match the id from the body!");
	EXPECT(f, 400, "PUT", "/device-passthrough/gpu",
	       "{\"id\": \"gpu\", \"sbdf\": \"00:03.0\"}",
	       "Duplicate device passthrough SBDF");
	EXPECT(f, 400, "PUT", "/device-passthrough/gpu",
	       "{\"id\": \"gpu\", \"sbdf\": \"0000:00:20.0\"}", "sbdf");
	EXPECT(f, 400, "PUT", "/device-passthrough/a-b",
	       "{\"id\": \"a-b\", \"sbdf\": \"0000:00:05.0\"}", "Invalid ID");
	/* A re-PUT under the same id replaces the device. */
	EXPECT(f, 204, "PUT", "/device-passthrough/nvme0",
	       "{\"id\": \"nvme0\", \"sbdf\": \"01:00.0\", \"managed\": true}",
	       "");
	assert_int_equal(f->cfg.nr_vfio, 1);
	assert_string_equal(f->cfg.vfio[0].bdf, "01:00.0");
	assert_true(f->cfg.vfio[0].managed);
}

static void test_drives_nets_vsock(void **state)
{
	struct fixture *f = *state;

	/* passvm does not throttle: only a limiter that limits nothing */
	EXPECT(f, 400, "PUT", "/drives/rootfs",
	       "{\"drive_id\": \"rootfs\", \"path_on_host\": \"r.ext4\", \"is_root_device\": true, \"is_read_only\": false, \"rate_limiter\": {\"bandwidth\": {\"size\": 100, \"refill_time\": 10}}}",
	       "rate_limiter.bandwidth: passvm does not support rate limiting (size 100 per 10 ms)");
	assert_int_equal(f->cfg.nr_disks, 0);
	EXPECT(f, 204, "PUT", "/drives/rootfs",
	       "{\"drive_id\": \"rootfs\", \"path_on_host\": \"r.ext4\", \"is_root_device\": true, \"is_read_only\": false, \"rate_limiter\": {\"bandwidth\": {\"size\": 0, \"refill_time\": 10}}}",
	       "");
	EXPECT(f, 400, "PUT", "/drives/data",
	       "{\"drive_id\": \"data\", \"path_on_host\": \"d\", \"is_root_device\": true}",
	       "A root block device already exists!");
	EXPECT(f, 400, "PUT", "/drives/data",
	       "{\"drive_id\": \"data\", \"is_root_device\": false}",
	       "path_on_host");
	EXPECT(f, 400, "PUT", "/drives/data",
	       "{\"drive_id\": \"data\", \"path_on_host\": \"d\", \"is_root_device\": false, \"rate_limiter\": {\"ops\": {\"size\": 1}}}",
	       "rate_limiter.ops: missing field `refill_time`");
	EXPECT(f, 204, "PUT", "/network-interfaces/eth0",
	       "{\"iface_id\": \"eth0\", \"host_dev_name\": \"tap0\", \"guest_mac\": \"06:00:c0:a8:00:02\"}",
	       "");
	EXPECT(f, 400, "PUT", "/network-interfaces/eth1",
	       "{\"iface_id\": \"eth1\", \"host_dev_name\": \"tap0\"}",
	       "host_dev_name 'tap0' is already used");
	EXPECT(f, 400, "PUT", "/network-interfaces/eth1",
	       "{\"iface_id\": \"eth1\", \"host_dev_name\": \"tap1\", \"guest_mac\": \"06:00:c0:a8:00\"}",
	       "guest_mac");
	EXPECT(f, 400, "PUT", "/vsock",
	       "{\"guest_cid\": 2, \"uds_path\": \"/tmp/v.sock\"}",
	       "guest_cid 2");
	EXPECT(f, 204, "PUT", "/vsock",
	       "{\"guest_cid\": 3, \"uds_path\": \"/tmp/v.sock\"}", "");
	EXPECT(f, 200, "GET", "/vm/config", NULL,
	       "\"drives\":[{\"drive_id\":\"rootfs\",\"path_on_host\":\"r.ext4\",\"is_root_device\":true,\"is_read_only\":false,\"cache_type\":\"Unsafe\",\"io_engine\":\"Sync\",\"rate_limiter\":{\"bandwidth\":{\"refill_time\":10,\"size\":0}}}]");
	EXPECT(f, 200, "GET", "/vm/config", NULL,
	       "\"network-interfaces\":[{\"iface_id\":\"eth0\",\"host_dev_name\":\"tap0\",\"guest_mac\":\"06:00:c0:a8:00:02\"}]");
	EXPECT(f, 200, "GET", "/vm/config", NULL,
	       "\"vsock\":{\"guest_cid\":3,\"uds_path\":\"/tmp/v.sock\"}");
}

static void test_lifecycle(void **state)
{
	struct fixture *f = *state;

	EXPECT(f, 400, "PATCH", "/vm", "{\"state\": \"Paused\"}",
	       "not supported before starting the microVM.");
	EXPECT(f, 400, "PUT", "/actions",
	       "{\"action_type\": \"SendCtrlAltDel\"}", "before starting");
	EXPECT(f, 400, "PUT", "/actions",
	       "{\"action_type\": \"InstanceStart\"}",
	       "Cannot start microvm without kernel configuration.");
	assert_int_equal(fake_vmm.starts, 0);
	EXPECT(f, 204, "PUT", "/boot-source",
	       "{\"kernel_image_path\": \"bzImage\", \"boot_args\": \"console=ttyS0\"}",
	       "");
	EXPECT(f, 400, "PUT", "/actions", "{\"action_type\": \"Reboot\"}",
	       "unknown variant `Reboot`");
	EXPECT(f, 204, "PUT", "/actions",
	       "{\"action_type\": \"InstanceStart\"}", "");
	assert_int_equal(fake_vmm.starts, 1);
	EXPECT(f, 200, "GET", "/", NULL, "\"state\":\"Running\"");
	EXPECT(f, 400, "PUT", "/actions",
	       "{\"action_type\": \"InstanceStart\"}",
	       "The requested operation is not supported after starting the microVM.");
	assert_int_equal(fake_vmm.starts, 1);
	EXPECT(f, 400, "PUT", "/boot-source", "{\"kernel_image_path\": \"x\"}",
	       "not supported after starting the microVM.");
	EXPECT(f, 400, "PUT", "/machine-config",
	       "{\"vcpu_count\": 1, \"mem_size_mib\": 128}", "after starting");
	assert_string_equal(f->cfg.kernel, "bzImage");
	EXPECT(f, 204, "PATCH", "/vm", "{\"state\": \"Paused\"}", "");
	EXPECT(f, 200, "GET", "/", NULL, "\"state\":\"Paused\"");
	EXPECT(f, 204, "PATCH", "/vm", "{\"state\": \"Paused\"}", "");
	EXPECT(f, 204, "PATCH", "/vm", "{\"state\": \"Resumed\"}", "");
	EXPECT(f, 400, "PATCH", "/vm", "{\"state\": \"Stopped\"}",
	       "unknown variant `Stopped`");
	assert_int_equal(fake_vmm.pauses, 1);
	assert_int_equal(fake_vmm.resumes, 1);
	EXPECT(f, 204, "PUT", "/actions",
	       "{\"action_type\": \"SendCtrlAltDel\"}", "");
	assert_int_equal(fake_vmm.cads, 1);
	EXPECT(f, 400, "PUT", "/actions", "{\"action_type\": \"FlushMetrics\"}",
	       "no metrics file");
	EXPECT(f, 200, "GET", "/vm/config", NULL,
	       "\"boot-source\":{\"kernel_image_path\":\"bzImage\",\"boot_args\":\"console=ttyS0\"}");
}

/*
 * PATCH /drives/{id} after the start: the body checked as Firecracker's
 * PartialDrive, the drive found, a limiting rate limiter refused before
 * the VMM is asked; a new path_on_host goes to the VMM (fake_vmm), whose
 * refusal is the 400's message and leaves the description as it was.
 */
static void test_drive_patch(void **state)
{
	struct fixture *f = *state;
	const char *path = "x";
	unsigned int i = 99;
	struct pv_error err;
	json_t *j;

	fake_vmm.cfg = &f->cfg;
	EXPECT(f, 204, "PUT", "/boot-source", "{\"kernel_image_path\": \"k\"}",
	       "");
	EXPECT(f, 204, "PUT", "/drives/root",
	       "{\"drive_id\": \"root\", \"path_on_host\": \"r.img\", \"is_root_device\": true, \"is_read_only\": false}",
	       "");
	EXPECT(f, 204, "PUT", "/drives/data",
	       "{\"drive_id\": \"data\", \"path_on_host\": \"old.img\", \"is_root_device\": false, \"is_read_only\": true}",
	       "");
	EXPECT(f, 400, "PATCH", "/drives/data",
	       "{\"drive_id\": \"data\", \"path_on_host\": \"new.img\"}",
	       "not supported before starting the microVM.");
	EXPECT(f, 204, "PUT", "/actions",
	       "{\"action_type\": \"InstanceStart\"}", "");
	EXPECT(f, 400, "PATCH", "/drives/data",
	       "{\"drive_id\": \"data\", \"path_on_host\": \"new.img\", \"is_read_only\": false}",
	       "unknown field `is_read_only`");
	EXPECT(f, 400, "PATCH", "/drives/data",
	       "{\"drive_id\": \"data\", \"path_on_host\": 7}", "path_on_host");
	EXPECT(f, 400, "PATCH", "/drives/data",
	       "{\"path_on_host\": \"new.img\"}", "drive_id");
	EXPECT(f, 400, "PATCH", "/drives/data",
	       "{\"drive_id\": \"root\", \"path_on_host\": \"new.img\"}",
	       "does not match the id from the body");
	EXPECT(f, 400, "PATCH", "/drives/nope",
	       "{\"drive_id\": \"nope\", \"path_on_host\": \"new.img\"}",
	       "Invalid block device ID: no drive 'nope'");
	EXPECT(f, 400, "PATCH", "/drives/data",
	       "{\"drive_id\": \"data\", \"path_on_host\": \"new.img\", \"rate_limiter\": {\"ops\": {\"size\": 5, \"refill_time\": 100}}}",
	       "does not support rate limiting");
	assert_int_equal(fake_vmm.drive_paths, 0);
	/* the VMM cannot open it: its message, the old path kept */
	EXPECT(f, 400, "PATCH", "/drives/data",
	       "{\"drive_id\": \"data\", \"path_on_host\": \"missing.img\"}",
	       "disk missing.img: no such file");
	assert_int_equal(fake_vmm.drive_paths, 1);
	EXPECT(f, 200, "GET", "/vm/config", NULL,
	       "{\"drive_id\":\"data\",\"path_on_host\":\"old.img\"");
	/* the VMM took it: the description names it, read-only kept */
	EXPECT(f, 204, "PATCH", "/drives/data",
	       "{\"drive_id\": \"data\", \"path_on_host\": \"new.img\", \"rate_limiter\": null}",
	       "");
	assert_int_equal(fake_vmm.drive_paths, 2);
	assert_int_equal(fake_vmm.drive, 1);
	assert_string_equal(fake_vmm.path, "new.img");
	EXPECT(f, 200, "GET", "/vm/config", NULL,
	       "{\"drive_id\":\"data\",\"path_on_host\":\"new.img\",\"is_root_device\":false,\"is_read_only\":true");
	/* no path_on_host (Firecracker's vhost-user refresh): nothing asked */
	EXPECT(f, 204, "PATCH", "/drives/root", "{\"drive_id\": \"root\"}", "");
	assert_int_equal(fake_vmm.drive_paths, 2);
	/* the model alone: the index and the path, or NULL */
	j = json_loads("{\"drive_id\": \"root\"}", 0, NULL);
	assert_int_equal(model_drive_patch(&f->cfg, "root", j, &i, &path, &err),
			 0);
	assert_int_equal(i, 0);
	assert_null(path);
	json_decref(j);
	fake_vmm.cfg = NULL;
}

static void test_metrics_and_logger(void **state)
{
	struct fixture *f = *state;
	char path[] = "/tmp/passvm-test-metrics-XXXXXX", line[512];
	int fd = mkstemp(path);
	FILE *fp;

	close(fd);
	snprintf(line, sizeof(line), "{\"metrics_path\": \"%s\"}", path);
	EXPECT(f, 204, "PUT", "/metrics", line, "");
	EXPECT(f, 400, "PUT", "/metrics", line,
	       "Reinitialization of metrics not allowed.");
	EXPECT(f, 400, "PUT", "/logger", "{\"level\": \"Loud\"}", "level");
	EXPECT(f, 204, "PUT", "/logger", "{\"level\": \"warning\"}", "");
	assert_int_equal(log_level, LOG_LEVEL_WARNING);
	log_level = LOG_LEVEL_INFO;
	EXPECT(f, 204, "PUT", "/boot-source", "{\"kernel_image_path\": \"k\"}",
	       "");
	EXPECT(f, 204, "PUT", "/actions",
	       "{\"action_type\": \"InstanceStart\"}", "");
	EXPECT(f, 204, "PUT", "/actions", "{\"action_type\": \"FlushMetrics\"}",
	       "");
	fp = fopen(path, "r");
	assert_non_null(fp);
	assert_non_null(fgets(line, sizeof(line), fp));
	fclose(fp);
	unlink(path);
	assert_non_null(strstr(line, "\"utc_timestamp_ms\""));
	assert_non_null(strstr(line, "\"api_server\":{\"requests\":"));
}

static const char good_file[] =
	"{\"boot-source\": {\"kernel_image_path\": \"vmlinux.bin\", \"boot_args\": \"console=ttyS0 reboot=k panic=1\"},"
	" \"drives\": [{\"drive_id\": \"rootfs\", \"path_on_host\": \"bionic.rootfs.ext4\", \"is_root_device\": true, \"is_read_only\": false}],"
	" \"machine-config\": {\"vcpu_count\": 2, \"mem_size_mib\": 1024},"
	" \"network-interfaces\": [{\"iface_id\": \"eth0\", \"host_dev_name\": \"tap0\", \"guest_mac\": \"06:00:c0:a8:00:02\"}],"
	" \"device-passthrough\": [{\"id\": \"nvme0\", \"sbdf\": \"0000:00:03.0\"}],"
	" \"mmds-config\": null, \"pmem\": [], \"x-not-firecracker\": {\"whatever\": 1}}";

static void test_config_file(void **state)
{
	struct fixture *f = *state;
	struct vm_config again;
	struct pv_error e;
	json_t *j;
	char *text, *text2;

	assert_int_equal(
		model_config_file(&f->cfg, good_file, strlen(good_file), &e),
		0);
	assert_string_equal(f->cfg.kernel, "vmlinux.bin");
	assert_int_equal(f->cfg.cpus, 2);
	assert_int_equal(f->cfg.mem, 1024ull << 20);
	assert_int_equal(f->cfg.nr_disks, 1);
	assert_true(f->cfg.disks[0].root);
	assert_int_equal(f->cfg.nr_nets, 1);
	assert_int_equal(f->cfg.nets[0].mac[5], 2);
	assert_int_equal(f->cfg.nr_vfio, 1);
	/* GET /vm/config is the same shape: it reads back as a config. */
	j = model_vm_config_json(&f->cfg);
	text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	vm_config_init(&again);
	assert_int_equal(model_config_file(&again, text, strlen(text), &e), 0);
	j = model_vm_config_json(&again);
	text2 = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	assert_string_equal(text, text2);
	free(text);
	free(text2);
	vm_config_release(&again);
}

static void expect_file(const char *doc, const char *needle)
{
	struct vm_config c;
	struct pv_error e = { "" };

	vm_config_init(&c);
	if (model_config_file(&c, doc, strlen(doc), &e) >= 0)
		fail_msg("accepted: %s", doc);
	if (!strstr(e.msg, needle))
		fail_msg("'%s' lacks '%s'", e.msg, needle);
	vm_config_release(&c);
}

static void test_config_file_bad(void **state)
{
	expect_file("{\"boot-source\": {\"kernel_image_path\": \"k\"}",
		    "line 1");
	expect_file("[]", "JSON object");
	expect_file("{\"drives\": []}", "missing key `boot-source`");
	expect_file("{\"boot-source\": {\"kernel_image_path\": \"k\"}}",
		    "missing key `drives`");
	expect_file(
		"{\"boot-source\": {\"kernel_image_path\": \"k\", \"initrd\": \"i\"}, \"drives\": []}",
		"`boot-source`: unknown field `initrd`");
	expect_file(
		"{\"boot-source\": {\"kernel_image_path\": \"k\"}, \"drives\": {}}",
		"`drives`: invalid type");
	expect_file(
		"{\"boot-source\": {\"kernel_image_path\": \"k\"}, \"drives\": [],"
		" \"machine-config\": {\"vcpu_count\": 2, \"mem_size_mib\": 256, \"memory\": 1}}",
		"`machine-config`: unknown field `memory`");
	expect_file(
		"{\"boot-source\": {\"kernel_image_path\": \"k\"}, \"drives\": [],"
		" \"device-passthrough\": [{\"id\": \"a\", \"sbdf\": \"00:03.0\"}, {\"id\": \"b\", \"sbdf\": \"0000:00:03.0\"}]}",
		"`device-passthrough`[1]: Duplicate device passthrough SBDF");
	/* Firecracker's sections passvm lacks: refused, not ignored */
	expect_file(
		"{\"boot-source\": {\"kernel_image_path\": \"k\"}, \"drives\": [],"
		" \"balloon\": {\"amount_mib\": 64, \"deflate_on_oom\": true}}",
		"`balloon`: passvm does not support the balloon device");
	expect_file(
		"{\"boot-source\": {\"kernel_image_path\": \"k\"}, \"drives\": [],"
		" \"mmds-config\": {\"network_interfaces\": [\"eth0\"]}}",
		"`mmds-config`: passvm does not support MMDS");
	expect_file(
		"{\"boot-source\": {\"kernel_image_path\": \"k\"}, \"drives\": [],"
		" \"pmem\": [{\"id\": \"p\"}]}",
		"`pmem`: passvm does not support pmem devices");
	expect_file(
		"{\"boot-source\": {\"kernel_image_path\": \"k\"}, \"drives\": [],"
		" \"logger\": {\"module\": \"api_server\"}}",
		"`logger`: module 'api_server'");
}

static void test_cli_ctl(void **state)
{
	char *argv[] = { "run",	  "--api-sock", "/tmp/s",	 "--id",
			 "my-vm", "--console",	"socket:/tmp/c", NULL };
	char *bad1[] = { "run", "--no-api", NULL };
	char *bad2[] = {
		"run", "--api-sock", "/tmp/s", "--id", "bad id", NULL
	};
	char *bad3[] = { "run",	      "--kernel", "k", "--daemonize",
			 "--console", "stdio",	  NULL };
	char *bad4[] = { "run",	      "--api-sock", "/tmp/s",
			 "--console", "tty:x",	    NULL };
	struct vm_config c;
	struct pv_error e;

	assert_int_equal(cli_parse_run(7, argv, &c, &e), 0);
	assert_string_equal(c.api_sock, "/tmp/s");
	assert_string_equal(c.id, "my-vm");
	assert_int_equal(c.console, CONSOLE_SOCKET);
	assert_null(c.kernel); /* described later, over the API */
	assert_int_equal(cli_parse_run(2, bad1, &c, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "--config-file"));
	assert_int_equal(cli_parse_run(5, bad2, &c, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "--id"));
	assert_int_equal(cli_parse_run(6, bad3, &c, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "--daemonize"));
	assert_int_equal(cli_parse_run(5, bad4, &c, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "--console"));
}

/* --- over a real socket --------------------------------------------- */

static int dial(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	strcpy(sa.sun_path, path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

/* Read until @n responses (counted by status lines) or 5 s. */
static void read_answers(int fd, char *buf, size_t cap, int n)
{
	size_t len = 0;

	buf[0] = '\0';
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int seen = 0;
		ssize_t r;

		for (char *s = buf; (s = strstr(s, "HTTP/1.1 ")); s++)
			seen++;
		if (seen >= n)
			return;
		if (poll(&p, 1, 5000) <= 0)
			fail_msg("timeout with '%s'", buf);
		r = read(fd, buf + len, cap - 1 - len);
		if (r <= 0)
			return;
		len += (size_t)r;
		buf[len] = '\0';
	}
}

static void test_server(void **state)
{
	struct fixture *f = *state;
	char path[64], buf[8192], big[2048];
	struct api_server *s, *s2;
	struct pv_error e;
	int stall, slow, c;
	const char *put =
		"PUT /machine-config HTTP/1.1\r\nContent-Length: 38\r\n\r\n"
		"{\"vcpu_count\": 2, \"mem_size_mib\": 256}";

	snprintf(path, sizeof(path), "/tmp/passvm-test-api-%d.sock",
		 (int)getpid());
	unlink(path);
	assert_int_equal(api_server_start(&s, &f->a, path, 1024, &e), 0);
	/* The same path again: in use. */
	assert_true(api_server_start(&s2, &f->a, path, 1024, &e) < 0);
	assert_non_null(strstr(e.msg, "in use"));

	/* A client that sends half a head and stalls blocks nobody. */
	stall = dial(path);
	assert_int_equal(
		write(stall, "PUT /machine-config HTTP/1.1\r\nCont", 34), 34);
	/* A byte-by-byte sender is answered once its request is whole. */
	slow = dial(path);
	for (size_t i = 0; i < strlen(put); i++)
		assert_int_equal(write(slow, put + i, 1), 1);
	read_answers(slow, buf, sizeof(buf), 1);
	assert_non_null(strstr(buf, "HTTP/1.1 204 No Content\r\n"));
	assert_non_null(strstr(buf, "Server: Firecracker API\r\n"));
	assert_int_equal(f->cfg.cpus, 2);

	/* Pipelined: three requests in one write, three answers in order. */
	c = dial(path);
	snprintf(buf, sizeof(buf),
		 "GET / HTTP/1.1\r\n\r\n"
		 "PUT /machine-config HTTP/1.1\r\nContent-Length: 3\r\n\r\n{x}"
		 "GET /machine-config HTTP/1.1\r\n\r\n");
	assert_int_equal(write(c, buf, strlen(buf)), (ssize_t)strlen(buf));
	read_answers(c, buf, sizeof(buf), 3);
	assert_true(strstr(buf, "200 OK") < strstr(buf, "400 Bad Request"));
	assert_true(strstr(buf, "400 Bad Request") <
		    strstr(buf, "\"vcpu_count\":2"));
	assert_non_null(strstr(buf, "Content-Type: application/json\r\n"));
	close(c);

	/* Over the 1024-byte cap: 400 naming the limit, then closed. */
	c = dial(path);
	memset(big, ' ', sizeof(big));
	snprintf(buf, sizeof(buf),
		 "PUT /boot-source HTTP/1.1\r\nContent-Length: %zu\r\n\r\n",
		 sizeof(big));
	assert_int_equal(write(c, buf, strlen(buf)), (ssize_t)strlen(buf));
	read_answers(c, buf, sizeof(buf), 1);
	assert_non_null(strstr(buf, "400 Bad Request"));
	assert_non_null(strstr(buf, "larger than the limit of 1024"));
	close(c);

	/* Malformed head: 400, Connection: close. */
	c = dial(path);
	assert_int_equal(write(c, "HELLO\r\n\r\n", 9), 9);
	read_answers(c, buf, sizeof(buf), 1);
	assert_non_null(strstr(buf, "400 Bad Request"));
	assert_non_null(strstr(buf, "Connection: close"));
	close(c);

	close(stall);
	close(slow);
	api_server_stop(s);
	assert_int_equal(access(path, F_OK), -1); /* removed */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fault_message_not_utf8,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_get_root_and_version,
						setup, teardown),
		cmocka_unit_test(test_jobj),
		cmocka_unit_test_setup_teardown(test_machine_config, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_machine_config_bad, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drives_nets_vsock, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_lifecycle, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_drive_patch, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_metrics_and_logger, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_config_file, setup,
						teardown),
		cmocka_unit_test(test_config_file_bad),
		cmocka_unit_test(test_cli_ctl),
		cmocka_unit_test_setup_teardown(test_server, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
