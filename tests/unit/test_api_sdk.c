// SPDX-License-Identifier: GPL-2.0
/*
 * The API as Firecracker's own clients drive it, through the real server
 * (HTTP parser and router) on a Unix socket: the requests of a microVM
 * start by firecracker-go-sdk (Machine.Start's handlers: the socket probe
 * GET /machine-config, logger, metrics, machine-config and its read-back,
 * boot-source, drives, network interfaces, vsock, MMDS config,
 * InstanceStart; then DescribeInstanceInfo, the PATCHes it offers (a
 * drive's new path_on_host reaching the VMM), pause,
 * resume, FlushMetrics and Shutdown's SendCtrlAltDel), written byte for
 * byte as Go's net/http and go-openapi's runtime put them on the wire:
 * one keep-alive connection, Host, User-Agent, Content-Length, Accept,
 * Content-Type and Accept-Encoding: gzip, JSON from encoding/json (keys in
 * the models' order, a trailing newline), optional fields left out or
 * null. The bodies are this file's own transcription of the SDK's models
 * (its client/models) with firectl's defaults (smt true, pci=off in the
 * boot args). A fake VMM stands for the VM.
 */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "api/router.h"
#include "api/server.h"
#include "fake_vmm.h"

struct sdk {
	struct vm_config cfg;
	struct api_ctx a;
	struct api_server *s;
	char sock[64], log[64], metrics[64];
	int fd; /* the client's one connection */
	int saved_stderr; /* PUT /logger takes stderr */
	char body[8192]; /* the last response's body */
	char in[16384]; /* bytes received and not yet read as a response */
	size_t in_len;
};

static int setup(void **state)
{
	struct sdk *t = calloc(1, sizeof(*t));
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct pv_error e;

	vm_config_init(&t->cfg);
	api_ctx_init(&t->a, &t->cfg, &fake_vmm_ops);
	memset(&fake_vmm, 0, sizeof(fake_vmm));
	fake_vmm.cfg = &t->cfg;
	snprintf(t->sock, sizeof(t->sock), "/tmp/passvm-test-sdk-%d.sock",
		 (int)getpid());
	snprintf(t->log, sizeof(t->log), "/tmp/passvm-test-sdk-%d.log",
		 (int)getpid());
	snprintf(t->metrics, sizeof(t->metrics),
		 "/tmp/passvm-test-sdk-%d.metrics", (int)getpid());
	unlink(t->sock);
	unlink(t->log);
	unlink(t->metrics);
	t->saved_stderr = dup(STDERR_FILENO);
	assert_int_equal(api_server_start(&t->s, &t->a, t->sock, 51200, &e), 0);
	t->fd = socket(AF_UNIX, SOCK_STREAM, 0);
	strcpy(sa.sun_path, t->sock);
	assert_int_equal(connect(t->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct sdk *t = *state;

	close(t->fd);
	api_server_stop(t->s);
	dup2(t->saved_stderr, STDERR_FILENO);
	close(t->saved_stderr);
	log_level = LOG_LEVEL_INFO;
	unlink(t->log);
	unlink(t->metrics);
	api_ctx_destroy(&t->a);
	vm_config_release(&t->cfg);
	free(t);
	return 0;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { 0, ms * 1000000L };

	nanosleep(&ts, NULL);
}

/* More bytes from the connection into t->in; fails after 5 s. */
static void read_more(struct sdk *t)
{
	struct pollfd p = { .fd = t->fd, .events = POLLIN };
	ssize_t r;

	if (poll(&p, 1, 5000) <= 0)
		fail_msg("no answer in 5 s; have '%.*s'", (int)t->in_len,
			 t->in);
	r = read(t->fd, t->in + t->in_len, sizeof(t->in) - 1 - t->in_len);
	if (r <= 0)
		fail_msg("connection closed; have '%.*s'", (int)t->in_len,
			 t->in);
	t->in_len += (size_t)r;
	t->in[t->in_len] = '\0';
}

/*
 * The next response as Go's client reads it: the head, then exactly
 * Content-Length bytes (none for a 204), the rest left for the next one.
 * Returns the status; the body goes to t->body. The connection must stay
 * open (Connection: keep-alive).
 */
static int read_response(struct sdk *t)
{
	size_t head, blen = 0;
	const char *cl, *ka, *end;
	int status;

	while (!(end = strstr(t->in, "\r\n\r\n")))
		read_more(t);
	head = (size_t)(end + 4 - t->in);
	if (sscanf(t->in, "HTTP/1.1 %d ", &status) != 1)
		fail_msg("not a status line: '%s'", t->in);
	ka = strstr(t->in, "Connection: keep-alive\r\n");
	if (!ka || ka > end)
		fail_msg("not kept alive: '%.*s'", (int)head, t->in);
	cl = strstr(t->in, "Content-Length: ");
	if (cl && cl < end)
		blen = strtoul(cl + 16, NULL, 10);
	if (status == 204 && blen)
		fail_msg("204 with a body: '%s'", t->in);
	while (t->in_len < head + blen)
		read_more(t);
	snprintf(t->body, sizeof(t->body), "%.*s", (int)blen, t->in + head);
	t->in_len -= head + blen;
	memmove(t->in, t->in + head + blen, t->in_len + 1);
	return status;
}

static void send_all(int fd, const char *p, size_t n)
{
	assert_int_equal(write(fd, p, n), (ssize_t)n);
}

/*
 * The bytes Go's net/http writes for one go-openapi request (Request.write:
 * the request line, Host, User-Agent, Content-Length when there is a body,
 * the request's own headers sorted, then the Transport's Accept-Encoding).
 * @json is the body without encoding/json's trailing newline (added here),
 * or NULL. With @split the body leaves in a second segment, 20 ms later.
 */
static int go(struct sdk *t, const char *method, const char *path,
	      const char *json, bool split)
{
	char head[512], body[4096] = "";
	size_t blen = 0;

	if (json)
		blen = (size_t)snprintf(body, sizeof(body), "%s\n", json);
	if (json)
		snprintf(head, sizeof(head),
			 "%s %s HTTP/1.1\r\n"
			 "Host: localhost\r\n"
			 "User-Agent: Go-http-client/1.1\r\n"
			 "Content-Length: %zu\r\n"
			 "Accept: application/json\r\n"
			 "Content-Type: application/json\r\n"
			 "Accept-Encoding: gzip\r\n\r\n",
			 method, path, blen);
	else
		snprintf(head, sizeof(head),
			 "%s %s HTTP/1.1\r\n"
			 "Host: localhost\r\n"
			 "User-Agent: Go-http-client/1.1\r\n"
			 "Accept: application/json\r\n"
			 "Accept-Encoding: gzip\r\n\r\n",
			 method, path);
	if (split) {
		send_all(t->fd, head, strlen(head));
		sleep_ms(20);
		send_all(t->fd, body, blen);
	} else {
		char all[4608];
		int n = snprintf(all, sizeof(all), "%s%.*s", head, (int)blen,
				 body);

		send_all(t->fd, all, (size_t)n);
	}
	return read_response(t);
}

/* A request that must get @status and, in its body, @needle. */
#define GO(t, st, m, p, j, needle)                                             \
	do {                                                                   \
		const char *j_ = (j);                                          \
		int s_ = go(t, m, p, j_, false);                               \
		if (s_ != (st) || !strstr((t)->body, needle))                  \
			fail_msg("%s %s %s: %d '%s', want %d with '%s'", m, p, \
				 j_ ? j_ : "", s_, (t)->body, st, needle);     \
	} while (0)

/* Firecracker's 400s carry {"fault_message": ...}; a 204 has no body. */
#define FAULT(t, m, p, j, msg) GO(t, 400, m, p, j, msg)
#define OK(t, m, p, j) GO(t, 204, m, p, j, "")

/* firectl's start (its defaults) through Machine.Start, then its run. */
static void test_sdk_start(void **state)
{
	struct sdk *t = *state;
	char json[512], *cmdline;
	FILE *fp;

	/* waitForSocket: the probe, before anything is configured */
	GO(t, 200, "GET", "/machine-config", NULL,
	   "\"vcpu_count\":1,\"mem_size_mib\":256,\"smt\":false");
	/* BootstrapLogging: setupLogging (show_level true, origin false) */
	snprintf(
		json, sizeof(json),
		"{\"level\":\"Debug\",\"log_path\":\"%s\",\"show_level\":true,\"show_log_origin\":false}",
		t->log);
	OK(t, "PUT", "/logger", json);
	assert_int_equal(access(t->log, F_OK), 0);
	dup2(t->saved_stderr, STDERR_FILENO); /* cmocka reports there */
	snprintf(json, sizeof(json), "{\"metrics_path\":\"%s\"}", t->metrics);
	OK(t, "PUT", "/metrics", json);
	/* CreateMachine: firectl's Smt is !--disable-smt; CPUTemplate ""
	 * is left out (omitempty) */
	OK(t, "PUT", "/machine-config",
	   "{\"mem_size_mib\":512,\"smt\":true,\"vcpu_count\":2}");
	/* refreshMachineConfiguration */
	GO(t, 200, "GET", "/machine-config", NULL,
	   "{\"vcpu_count\":2,\"mem_size_mib\":512,\"smt\":true,\"track_dirty_pages\":false,\"huge_pages\":\"None\"}");
	/* CreateBootSource: firectl's default kernel-opts; no initrd (an
	 * empty InitrdPath is left out) */
	OK(t, "PUT", "/boot-source",
	   "{\"boot_args\":\"ro console=ttyS0 noapic reboot=k panic=1 pci=off nomodules\",\"kernel_image_path\":\"/srv/vmlinux\"}");
	/* AttachDrives: firectl's --add-drive ones ("2"...), then the root
	 * drive "1"; Partuuid "" left out, the *bool fields always there */
	OK(t, "PUT", "/drives/2",
	   "{\"drive_id\":\"2\",\"is_read_only\":true,\"is_root_device\":false,\"path_on_host\":\"/srv/data.img\"}");
	/* its body in a second segment */
	if (go(t, "PUT", "/drives/1",
	       "{\"drive_id\":\"1\",\"is_read_only\":false,\"is_root_device\":true,\"path_on_host\":\"/srv/rootfs.ext4\"}",
	       true) != 204)
		fail_msg("PUT /drives/1 in two segments: %s", t->body);
	/* CreateNetworkInterfaces: iface ids "1"...; the MAC as the user
	 * wrote it */
	OK(t, "PUT", "/network-interfaces/1",
	   "{\"guest_mac\":\"06:00:AC:10:00:02\",\"host_dev_name\":\"tap0\",\"iface_id\":\"1\"}");
	/* AddVsocks: VsockID "" left out */
	OK(t, "PUT", "/vsock",
	   "{\"guest_cid\":3,\"uds_path\":\"/tmp/firectl.vsock\"}");
	/* ConfigMmds: only with an interface that AllowMMDS */
	FAULT(t, "PUT", "/mmds/config",
	      "{\"network_interfaces\":[\"1\"],\"version\":\"V1\"}",
	      "{\"fault_message\":\"PUT /mmds/config: passvm does not support MMDS");
	FAULT(t, "PUT", "/mmds", "{\"latest\":{\"meta-data\":{}}}",
	      "does not support MMDS");
	assert_int_equal(fake_vmm.starts, 0);
	/* startInstance */
	OK(t, "PUT", "/actions", "{\"action_type\":\"InstanceStart\"}");
	assert_int_equal(fake_vmm.starts, 1);

	/* DescribeInstanceInfo, then the description as it stands */
	GO(t, 200, "GET", "/", NULL, "\"state\":\"Running\"");
	GO(t, 200, "GET", "/vm/config", NULL,
	   "\"boot-source\":{\"kernel_image_path\":\"/srv/vmlinux\",\"boot_args\":\"ro console=ttyS0 noapic reboot=k panic=1 pci=off nomodules\"}");
	assert_non_null(strstr(
		t->body,
		"\"drives\":[{\"drive_id\":\"2\",\"path_on_host\":\"/srv/data.img\",\"is_root_device\":false,\"is_read_only\":true,\"cache_type\":\"Unsafe\",\"io_engine\":\"Sync\"},"
		"{\"drive_id\":\"1\",\"path_on_host\":\"/srv/rootfs.ext4\",\"is_root_device\":true,\"is_read_only\":false,\"cache_type\":\"Unsafe\",\"io_engine\":\"Sync\"}]"));
	assert_non_null(strstr(
		t->body,
		"\"machine-config\":{\"vcpu_count\":2,\"mem_size_mib\":512,\"smt\":true"));
	assert_non_null(strstr(
		t->body,
		"\"network-interfaces\":[{\"iface_id\":\"1\",\"host_dev_name\":\"tap0\",\"guest_mac\":\"06:00:ac:10:00:02\"}]"));
	assert_non_null(strstr(
		t->body,
		"\"vsock\":{\"guest_cid\":3,\"uds_path\":\"/tmp/firectl.vsock\"}"));
	assert_non_null(strstr(t->body, "\"level\":\"Debug\""));
	assert_non_null(strstr(t->body, t->metrics));
	/* The guest boots without pci=off (its devices are on PCI here) and
	 * with Firecracker's root= for the root drive. */
	cmdline = vm_config_boot_cmdline(&t->cfg);
	assert_string_equal(
		cmdline,
		"ro console=ttyS0 noapic reboot=k panic=1 nomodules root=/dev/vda rw");
	free(cmdline);

	/* UpdateGuestNetworkInterfaceRateLimit, UpdateGuestDrive */
	FAULT(t, "PATCH", "/network-interfaces/1",
	      "{\"iface_id\":\"1\",\"rx_rate_limiter\":{\"bandwidth\":{\"refill_time\":1000,\"size\":1048576}}}",
	      "rx_rate_limiter.bandwidth: passvm does not support rate limiting (size 1048576 per 1000 ms)");
	/* the drive's new file: the VMM opens it (fake_vmm); the
	 * description then names it */
	OK(t, "PATCH", "/drives/1",
	   "{\"drive_id\":\"1\",\"path_on_host\":\"/srv/other.ext4\"}");
	assert_int_equal(fake_vmm.drive_paths, 1);
	assert_int_equal(fake_vmm.drive, 1); /* "1" is the second drive */
	assert_string_equal(fake_vmm.path, "/srv/other.ext4");
	GO(t, 200, "GET", "/vm/config", NULL,
	   "{\"drive_id\":\"1\",\"path_on_host\":\"/srv/other.ext4\",\"is_root_device\":true");
	FAULT(t, "PATCH", "/drives/1",
	      "{\"drive_id\":\"1\",\"path_on_host\":\"/srv/missing.ext4\"}",
	      "disk /srv/missing.ext4: no such file");
	GO(t, 200, "GET", "/vm/config", NULL,
	   "\"path_on_host\":\"/srv/other.ext4\"");
	FAULT(t, "PATCH", "/drives/9", "{\"drive_id\":\"9\"}",
	      "Invalid block device ID: no drive '9'");
	assert_int_equal(fake_vmm.drive_paths, 2);
	/* a limiter that limits nothing changes nothing: accepted */
	OK(t, "PATCH", "/network-interfaces/1",
	   "{\"iface_id\":\"1\",\"tx_rate_limiter\":{\"bandwidth\":{\"refill_time\":0,\"size\":0}}}");
	/* a pre-boot resource now */
	FAULT(t, "PUT", "/drives/3",
	      "{\"drive_id\":\"3\",\"is_read_only\":false,\"is_root_device\":false,\"path_on_host\":\"/srv/x\"}",
	      "The requested operation is not supported after starting the microVM.");
	/* PauseVM, ResumeVM, FlushMetrics */
	OK(t, "PATCH", "/vm", "{\"state\":\"Paused\"}");
	GO(t, 200, "GET", "/", NULL, "\"state\":\"Paused\"");
	OK(t, "PATCH", "/vm", "{\"state\":\"Resumed\"}");
	OK(t, "PUT", "/actions", "{\"action_type\":\"FlushMetrics\"}");
	fp = fopen(t->metrics, "r");
	assert_non_null(fp);
	assert_non_null(fgets(json, sizeof(json), fp));
	fclose(fp);
	assert_non_null(strstr(json, "\"api_server\":{\"requests\":"));
	/* Shutdown: Ctrl-Alt-Del on x86 */
	OK(t, "PUT", "/actions", "{\"action_type\":\"SendCtrlAltDel\"}");
	assert_int_equal(fake_vmm.cads, 1);
	assert_int_equal(fake_vmm.pauses, 1);
	assert_int_equal(fake_vmm.resumes, 1);
}

/*
 * The SDK's other shapes: DrivesBuilder's options (cache type, IO engine,
 * partuuid, a rate limiter from NewRateLimiter), a nil *bool sent as null,
 * "smt": false with track_dirty_pages, interface rate limiters, the
 * resources passvm lacks (each refused with a fault_message that says
 * so), Firecracker 1.17's metrics fields to a FIFO with no reader yet,
 * and HTTP details (GET /version,
 * Transfer-Encoding: identity, two requests in one segment).
 */
static void test_sdk_shapes(void **state)
{
	struct sdk *t = *state;
	char json[512], line[1024];
	const char *two;
	int fifo;
	ssize_t n;

	GO(t, 200, "GET", "/version", NULL, "{\"firecracker_version\":\"");
	OK(t, "PUT", "/machine-config",
	   "{\"mem_size_mib\":128,\"smt\":false,\"track_dirty_pages\":false,\"vcpu_count\":1}");
	FAULT(t, "PUT", "/machine-config",
	      "{\"mem_size_mib\":128,\"smt\":true,\"vcpu_count\":3}",
	      "The vCPU number can only be 1 or an even number when SMT is enabled.");
	FAULT(t, "PUT", "/machine-config",
	      "{\"mem_size_mib\":128,\"track_dirty_pages\":true,\"vcpu_count\":1}",
	      "track_dirty_pages");
	FAULT(t, "PUT", "/machine-config",
	      "{\"cpu_template\":\"T2\",\"mem_size_mib\":128,\"vcpu_count\":1}",
	      "cpu_template `T2`");
	OK(t, "PUT", "/boot-source",
	   "{\"boot_args\":\"console=ttyS0 reboot=k panic=1 pci=off\",\"initrd_path\":\"/srv/initrd\",\"kernel_image_path\":\"/srv/vmlinux\"}");
	OK(t, "PUT", "/drives/root_drive",
	   "{\"cache_type\":\"Writeback\",\"drive_id\":\"root_drive\",\"io_engine\":\"Async\",\"is_read_only\":false,\"is_root_device\":true,"
	   "\"partuuid\":\"0eaa91a0-01\",\"path_on_host\":\"/srv/root.img\","
	   "\"rate_limiter\":{\"bandwidth\":{\"refill_time\":0,\"size\":0},\"ops\":{\"one_time_burst\":0,\"refill_time\":100,\"size\":0}}}");
	OK(t, "PUT", "/drives/0",
	   "{\"drive_id\":\"0\",\"is_read_only\":null,\"is_root_device\":false,\"path_on_host\":\"/srv/d0.img\"}");
	FAULT(t, "PUT", "/drives/1",
	      "{\"drive_id\":\"1\",\"is_read_only\":false,\"is_root_device\":false,\"path_on_host\":\"/srv/d1.img\","
	      "\"rate_limiter\":{\"ops\":{\"refill_time\":1000,\"size\":100}}}",
	      "rate_limiter.ops: passvm does not support rate limiting (size 100 per 1000 ms)");
	FAULT(t, "PUT", "/drives/2",
	      "{\"cache_type\":\"Directsync\",\"drive_id\":\"2\",\"is_read_only\":false,\"is_root_device\":false,\"path_on_host\":\"/srv/d2.img\"}",
	      "unknown variant `Directsync`");
	OK(t, "PUT", "/network-interfaces/eth0",
	   "{\"guest_mac\":\"02:fc:00:00:00:05\",\"host_dev_name\":\"fc-tap0\",\"iface_id\":\"eth0\","
	   "\"rx_rate_limiter\":{\"bandwidth\":{\"refill_time\":0,\"size\":0},\"ops\":{\"refill_time\":0,\"size\":0}},\"tx_rate_limiter\":{}}");
	FAULT(t, "PUT", "/network-interfaces/eth1",
	      "{\"host_dev_name\":\"fc-tap1\",\"iface_id\":\"eth1\",\"tx_rate_limiter\":{\"bandwidth\":{\"one_time_burst\":0,\"refill_time\":100,\"size\":10000}}}",
	      "tx_rate_limiter.bandwidth: passvm does not support rate limiting");
	FAULT(t, "PUT", "/logger",
	      "{\"level\":\"Info\",\"log_path\":\"/tmp/x\",\"module\":\"api_server\"}",
	      "module 'api_server': not supported (passvm's messages have no module)");
	/* the resources passvm lacks */
	FAULT(t, "PUT", "/balloon",
	      "{\"amount_mib\":64,\"deflate_on_oom\":true,\"stats_polling_interval_s\":1}",
	      "PUT /balloon: passvm does not support the balloon device.");
	FAULT(t, "GET", "/balloon/statistics", NULL,
	      "does not support the balloon device");
	FAULT(t, "PUT", "/entropy", "{}",
	      "passvm does not support the entropy device");
	FAULT(t, "PUT", "/cpu-config", "{\"cpuid_modifiers\":[]}",
	      "does not support custom CPU templates");
	FAULT(t, "PUT", "/snapshot/load",
	      "{\"mem_backend\":{\"backend_path\":\"/m\",\"backend_type\":\"File\"},\"snapshot_path\":\"/s\"}",
	      "does not support snapshots");
	FAULT(t, "DELETE", "/drives/0", NULL,
	      "DELETE /drives/0: passvm does not support hot-unplugging devices.");
	FAULT(t, "PATCH", "/drives/0", "{\"drive_id\":\"0\"}",
	      "The requested operation is not supported before starting the microVM.");
	FAULT(t, "PUT", "/mmdsx", "{}",
	      "Invalid request method and/or path: PUT /mmdsx.");
	/* Firecracker 1.17's metrics: emit_id, properties; to a FIFO that
	 * nobody reads yet, as the SDK makes for MetricsFifo (and firectl
	 * for --firecracker-log) */
	assert_int_equal(mkfifo(t->metrics, 0600), 0);
	snprintf(
		json, sizeof(json),
		"{\"emit_id\":true,\"metrics_path\":\"%s\",\"properties\":{\"host\":\"h1\"}}",
		t->metrics);
	OK(t, "PUT", "/metrics", json);
	/* Transfer-Encoding: identity is no coding at all */
	two = "PUT /actions HTTP/1.1\r\nHost: localhost\r\n"
	      "Transfer-Encoding: identity\r\nContent-Length: 32\r\n\r\n"
	      "{\"action_type\":\"InstanceStart\"}\n";
	send_all(t->fd, two, strlen(two));
	assert_int_equal(read_response(t), 204);
	assert_int_equal(fake_vmm.starts, 1);
	OK(t, "PUT", "/actions", "{\"action_type\":\"FlushMetrics\"}");
	/* the line waits in the pipe for a reader that comes later */
	fifo = open(t->metrics, O_RDONLY | O_NONBLOCK);
	assert_true(fifo >= 0);
	n = read(fifo, line, sizeof(line) - 1);
	close(fifo);
	assert_true(n > 0 && line[n - 1] == '\n');
	line[n] = '\0';
	assert_non_null(strstr(line, "\"id\":\"anonymous-instance\""));
	assert_non_null(strstr(line, "\"properties\":{\"host\":\"h1\"}"));
	/* two requests in one segment, two answers in order */
	two = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"
	      "GET /vm/config HTTP/1.1\r\nHost: localhost\r\n\r\n";
	send_all(t->fd, two, strlen(two));
	assert_int_equal(read_response(t), 200);
	assert_non_null(strstr(t->body, "\"state\":\"Running\""));
	assert_int_equal(read_response(t), 200);
	assert_non_null(strstr(
		t->body,
		"{\"drive_id\":\"root_drive\",\"path_on_host\":\"/srv/root.img\",\"is_root_device\":true,\"is_read_only\":false,"
		"\"partuuid\":\"0eaa91a0-01\",\"cache_type\":\"Writeback\",\"io_engine\":\"Async\","
		"\"rate_limiter\":{\"bandwidth\":{\"refill_time\":0,\"size\":0},\"ops\":{\"one_time_burst\":0,\"refill_time\":100,\"size\":0}}}"));
	assert_non_null(strstr(
		t->body,
		"{\"drive_id\":\"0\",\"path_on_host\":\"/srv/d0.img\",\"is_root_device\":false,\"is_read_only\":false,"));
	assert_non_null(strstr(
		t->body, "\"emit_id\":true,\"properties\":{\"host\":\"h1\"}"));
	assert_null(strstr(t->body, "\"drive_id\":\"1\""));
	assert_null(strstr(t->body, "eth1"));
	assert_int_equal(t->cfg.nr_disks, 2);
	assert_int_equal(t->cfg.nr_nets, 1);
	assert_false(t->cfg.smt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sdk_start, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sdk_shapes, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
