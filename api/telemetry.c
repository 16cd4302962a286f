// SPDX-License-Identifier: GPL-2.0
/* The API's logger (PUT /logger: passvm's stderr to a file or FIFO) and metrics (JSON lines, Firecracker's FlushMetrics). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/model.h"
#include "api/model_util.h"
#include "api/router.h"

void api_ctx_init(struct api_ctx *a, struct vm_config *cfg,
		  const struct api_vmm_ops *ops)
{
	memset(a, 0, sizeof(*a));
	a->cfg = cfg;
	a->ops = ops;
	a->state = API_NOT_STARTED;
	a->metrics_fd = -1;
}

void api_ctx_destroy(struct api_ctx *a)
{
	if (a->metrics_fd >= 0)
		close(a->metrics_fd);
	a->metrics_fd = -1;
}

/*
 * O_NONBLOCK: a FIFO nobody reads must never stall passvm. A FIFO with no
 * reader yet (firecracker-go-sdk makes the metrics FIFO and opens no
 * reader) refuses a write-only open (ENXIO): it is opened read-write then,
 * as Firecracker opens both paths (utils::open_file_nonblock).
 */
static int open_sink(const char *path, const char *what, struct pv_error *err)
{
	int fl = O_APPEND | O_CREAT | O_NONBLOCK | O_CLOEXEC;
	int fd = open(path, O_WRONLY | fl, 0644);

	if (fd < 0 && errno == ENXIO)
		fd = open(path, O_RDWR | fl, 0644);
	if (fd < 0)
		return pv_seterr(err, errno, "cannot open %s '%s': %s", what,
				 path, strerror(errno));
	return fd;
}

int api_apply_logger(const struct vm_config *c, struct pv_error *err)
{
	int fd;

	if (c->logger.log_path) {
		fd = open_sink(c->logger.log_path, "log_path", err);
		if (fd < 0)
			return fd;
		fflush(stderr);
		if (dup2(fd, STDERR_FILENO) < 0) {
			int e = errno;

			close(fd);
			return pv_seterr(err, e, "cannot log to '%s': %s",
					 c->logger.log_path, strerror(e));
		}
		close(fd);
		log_format.id = c->id; /* Firecracker's lines from now on */
	}
	log_format.show_level = c->logger.show_level;
	log_format.show_origin = c->logger.show_log_origin;
	if (c->logger.level)
		model_log_level(c->logger.level, &log_level);
	return 0;
}

int api_open_metrics(struct api_ctx *a, struct pv_error *err)
{
	int fd = open_sink(a->cfg->metrics.path, "metrics_path", err);

	if (fd < 0)
		return fd;
	if (a->metrics_fd >= 0)
		close(a->metrics_fd);
	a->metrics_fd = fd;
	return 0;
}

int api_write_metrics(struct api_ctx *a, struct pv_error *err)
{
	struct timespec ts;
	json_t *line;
	char *text;
	ssize_t n;
	size_t len;

	if (a->metrics_fd < 0)
		return pv_seterr(
			err, ENOENT,
			"no metrics file: PUT /metrics {\"metrics_path\": ...} before the start");
	clock_gettime(CLOCK_REALTIME, &ts);
	line = jobj("utc_timestamp_ms",
		    json_integer((json_int_t)ts.tv_sec * 1000 +
				 ts.tv_nsec / 1000000),
		    "api_server",
		    jobj("requests", json_integer((json_int_t)a->requests),
			 "errors", json_integer((json_int_t)a->errors), NULL),
		    NULL);
	if (line && a->ops && a->ops->fill_metrics)
		a->ops->fill_metrics(a->ops->opaque, line);
	/* Firecracker 1.17's Metrics: emit_id and properties. */
	if (line && a->cfg->metrics.emit_id)
		json_object_set_new(line, "id", json_string(a->cfg->id));
	if (line && a->cfg->metrics.properties)
		json_object_set_new(
			line, "properties",
			json_loads(a->cfg->metrics.properties, 0, NULL));
	text = line ? json_dumps(line, JSON_COMPACT) : NULL;
	json_decref(line);
	if (!text)
		return pv_seterr(err, ENOMEM, "out of memory");
	len = strlen(text);
	text[len++] = '\n'; /* json_dumps leaves room: replaces the NUL */
	n = write(a->metrics_fd, text, len);
	free(text);
	if (n != (ssize_t)len)
		return pv_seterr(err, n < 0 ? errno : EAGAIN,
				 "cannot write the metrics line: %s",
				 n < 0 ? strerror(errno) : "short write");
	a->metrics_lines++;
	return 0;
}
