// SPDX-License-Identifier: GPL-2.0
/*
 * `passvm run --api-sock PATH` and `--config-file FILE`: the VM described
 * over Firecracker's API or by a file. The API thread never builds or runs
 * the VM: InstanceStart is handed to the main thread, which builds it
 * (vm_create) and answers, then runs it (vm_run) as `passvm run` does.
 */
#include "vmm/api_run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/model.h"
#include "api/model_util.h"
#include "arch/arch.h"
#include "api/router.h"
#include "api/server.h"
#include "vmm/cli_ctl.h"
#include "vmm/daemon.h"
#include "vmm/preflight.h"
#include "vmm/term.h"
#include "vmm/vm.h"

#define CONFIG_MAX_BYTES (1u << 20)

/* The hand-over between the API thread (start) and the main thread. */
struct runner {
	struct vm_config *cfg;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int req_fd; /* eventfd: the API thread asks for the start */
	bool requested, done;
	int ret;
	struct pv_error err;
	bool built; /* vm is valid */
	bool tried; /* vm_create() ran: vm holds what it did */
	struct vm vm;
};

static int do_start(void *opaque, struct pv_error *err)
{
	struct runner *r = opaque;
	uint64_t one = 1;
	int ret;

	pthread_mutex_lock(&r->lock);
	r->requested = true;
	r->done = false;
	pthread_mutex_unlock(&r->lock);
	if (write(r->req_fd, &one, sizeof(one)) != sizeof(one))
		return pv_seterr(err, errno, "cannot reach the VMM: %s",
				 strerror(errno));
	pthread_mutex_lock(&r->lock);
	while (!r->done)
		pthread_cond_wait(&r->cond, &r->lock);
	ret = r->ret;
	if (ret)
		*err = r->err;
	pthread_mutex_unlock(&r->lock);
	return ret;
}

static int do_pause(void *opaque, struct pv_error *err)
{
	struct runner *r = opaque;

	return vm_pause(&r->vm, err);
}

static int do_resume(void *opaque, struct pv_error *err)
{
	struct runner *r = opaque;

	vm_resume(&r->vm);
	return 0;
}

static int do_cad(void *opaque, struct pv_error *err)
{
	struct runner *r = opaque;
	int ret = vm_boot_get(&r->vm, err);

	if (!ret) {
		ret = arch_ctrl_alt_del(&r->vm, err);
		vm_boot_put(&r->vm);
	}
	return ret;
}

static int do_drive(void *opaque, unsigned int i, const char *path,
		    struct pv_error *err)
{
	struct runner *r = opaque;
	int ret = vm_boot_get(&r->vm, err);

	if (!ret) {
		ret = virtio_disk_change(r->vm.virtio, &r->vm.virtio_host,
					 r->cfg, i, path, err);
		vm_boot_put(&r->vm);
	}
	return ret;
}

/* vCPU exits add up across --reboot restarts, as --stats; UART: this boot. */
static void do_metrics(void *opaque, json_t *line)
{
	struct runner *r = opaque;
	struct serial_stats ss = { 0 };
	struct pv_error err;
	struct vm_stats *st;
	json_t *v, *exits;
	bool built;

	st = calloc(1, sizeof(*st)); /* zeros before the start */
	if (!st)
		return;
	pthread_mutex_lock(&r->lock);
	built = r->built;
	pthread_mutex_unlock(&r->lock);
	if (built && !vm_boot_get(&r->vm, &err)) {
		*st = r->vm.past;
		vm_stats_add(st, &r->vm);
		serial_get_stats(&r->vm.serial, &ss);
		vm_boot_put(&r->vm);
	}
	v = json_object();
	exits = json_object();
	for (int s = 0; s < VCPU_STAT_NR; s++)
		json_object_set_new(exits, vcpu_stat_names[s],
				    json_integer((json_int_t)st->exits[s]));
	free(st);
	json_object_set_new(v, "exits", exits);
	json_object_set_new(line, "vcpu", v);
	json_object_set_new(line, "uart",
			    jobj("write_count", json_integer(ss.tx_bytes),
				 "missed_write_count",
				 json_integer(ss.tx_dropped), "read_count",
				 json_integer(ss.rx_bytes), NULL));
}

/* Build the VM on the main thread. 0, or -errno with r->err set. */
static int build(struct runner *r)
{
	int ret = vm_config_check(r->cfg, &r->err);

	if (!ret) {
		ret = vm_create(&r->vm, r->cfg, &r->err);
		r->tried = true;
	}
	r->built = !ret;
	return ret;
}

int api_load_config(struct vm_config *c, struct pv_error *err)
{
	struct pv_error e;
	struct stat st;
	char *text;
	ssize_t n;
	int fd, ret;

	fd = open(c->config_file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pv_seterr(err, errno, "cannot open '%s': %s",
				 c->config_file, strerror(errno));
	if (fstat(fd, &st) || st.st_size > CONFIG_MAX_BYTES) {
		close(fd);
		return pv_seterr(err, EFBIG, "'%s' is larger than %u bytes",
				 c->config_file, CONFIG_MAX_BYTES);
	}
	text = malloc((size_t)st.st_size + 1);
	n = text ? read(fd, text, (size_t)st.st_size) : -1;
	close(fd);
	if (n != st.st_size) {
		free(text);
		return pv_seterr(err, EIO, "cannot read '%s'", c->config_file);
	}
	ret = model_config_file(c, text, (size_t)n, &e);
	free(text);
	if (ret)
		return pv_seterr(err, -ret, "%s: %s", c->config_file, e.msg);
	return 0;
}

/* Wait for InstanceStart (built here) or a signal. 0: the VM is built. */
static int wait_start(struct runner *r, int *status)
{
	sigset_t set;
	int sfd;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	for (;;) {
		struct pollfd p[2] = { { .fd = r->req_fd, .events = POLLIN },
				       { .fd = sfd, .events = POLLIN } };
		struct signalfd_siginfo si;
		uint64_t v;

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents && read(sfd, &si, sizeof(si)) == sizeof(si)) {
			close(sfd);
			*status = 128 + (int)si.ssi_signo;
			return -EINTR;
		}
		if (!p[0].revents || read(r->req_fd, &v, sizeof(v)) < 0)
			continue;
		pthread_mutex_lock(&r->lock);
		r->ret = build(r);
		r->done = true;
		pthread_cond_broadcast(&r->cond);
		pthread_mutex_unlock(&r->lock);
		if (r->built) {
			close(sfd);
			return 0;
		}
		pv_warn("InstanceStart failed: %s", r->err.msg);
	}
	close(sfd);
	*status = VM_EXIT_VMM_ERROR;
	return -EIO;
}

int api_run(struct vm_config *o)
{
	static const struct api_vmm_ops ops_tmpl = {
		.start = do_start,
		.pause = do_pause,
		.resume = do_resume,
		.ctrl_alt_del = do_cad,
		.drive_path = do_drive,
		.fill_metrics = do_metrics,
	};
	struct api_vmm_ops ops = ops_tmpl;
	struct runner *r = calloc(1, sizeof(*r));
	struct api_server *srv = NULL;
	struct pv_error err = { "" };
	struct run_end end = { .kind = RUN_END_ERROR };
	struct api_ctx ctx;
	int status = VM_EXIT_VMM_ERROR;
	bool ran = false, cli_metrics;

	if (!r) {
		pv_err("out of memory");
		return VM_EXIT_VMM_ERROR;
	}
	r->cfg = o;
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->cond, NULL);
	r->req_fd = eventfd(0, EFD_CLOEXEC);
	ops.opaque = r;
	api_ctx_init(&ctx, o, &ops);
	/* --metrics-path: the file's "metrics" is then refused, as Firecracker */
	cli_metrics = o->metrics.set;
	if (cli_metrics && api_open_metrics(&ctx, &err)) {
		pv_err("%s", err.msg);
		goto out;
	}
	if (o->config_file && (api_load_config(o, &err) ||
			       (o->logger.set && api_apply_logger(o, &err)) ||
			       (!cli_metrics && o->metrics.set &&
				api_open_metrics(&ctx, &err)))) {
		pv_err("bad --config-file: %s", err.msg);
		status = VM_EXIT_BAD_CONFIG;
		goto out;
	}
	if (daemon_begin(o, &err) || console_redirect(o, &err)) {
		pv_err("%s", err.msg);
		goto out;
	}
	if (o->config_file) {
		if (build(r)) {
			pv_err("%s", r->err.msg);
			status = vm_config_check(o, &err) ? VM_EXIT_BAD_CONFIG :
							    VM_EXIT_VMM_ERROR;
			goto out;
		}
		ctx.state = API_RUNNING;
	}
	if (api_server_start(&srv, &ctx, o->no_api ? NULL : o->api_sock,
			     o->api_max_body, &err)) {
		pv_err("%s", err.msg);
		goto out;
	}
	daemon_ready();
	if (!r->built && wait_start(r, &status))
		goto out;
	if (o->console == CONSOLE_STDIO && isatty(STDIN_FILENO)) {
		char banner[512];

		preflight_banner(o, banner, sizeof(banner));
		fprintf(stderr, "%s\n", banner);
		term_raw();
	}
	vm_run(&r->vm);
	ran = true;
	term_restore();
out:
	/* The API thread touches the VM: it ends first. */
	api_server_stop(srv);
	if (!ran && status == VM_EXIT_BAD_CONFIG) {
		end.kind = RUN_END_BAD_CONFIG;
		log_last_error(end.message, sizeof(end.message));
	} else if (!ran && status > 128) {
		end.kind = RUN_END_SIGNAL;
		end.signal = status - 128;
	}
	status = run_finish(o, r->tried ? &r->vm : NULL, r->built,
			    ran ? &r->vm.end : &end);
	api_ctx_destroy(&ctx);
	daemon_end(o);
	close(r->req_fd);
	free(r);
	vm_config_release(o);
	return status;
}
