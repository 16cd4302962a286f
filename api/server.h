/* SPDX-License-Identifier: GPL-2.0 */
/* The API server: HTTP/1.1 over a Unix socket, on its own epoll thread ("fc_api"). */
#ifndef PASSVM_API_SERVER_H
#define PASSVM_API_SERVER_H

#include <stddef.h>

#include "api/router.h"
#include "util/log.h"

#define API_MAX_CLIENTS 16
/* A client that stops in the middle of a request is dropped after this. */
#define API_STALL_MS 10000
/* Firecracker's WRITE_METRICS_PERIOD_MS. */
#define API_METRICS_PERIOD_MS 60000

struct api_server;

/*
 * api_server_start() - bind and listen on @sock_path (NULL: no socket; the
 * thread still writes periodic metrics) and start the thread serving
 * requests through api_route(@ctx) with bodies up to @max_body bytes. A
 * path that exists (a socket in use or left over) is refused: the message
 * says to remove it. @ctx is used only by that thread until
 * api_server_stop(). Returns 0 and *@out, or -errno with a message.
 */
int api_server_start(struct api_server **out, struct api_ctx *ctx,
		     const char *sock_path, size_t max_body,
		     struct pv_error *err);

/* api_server_stop() - end the thread, close every client, remove the
 * socket file, free @s. NULL is a no-op. */
void api_server_stop(struct api_server *s);

#endif
