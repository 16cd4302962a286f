/* SPDX-License-Identifier: GPL-2.0 */
/* An incremental HTTP/1.1 request parser and response writer for the API socket (RFC 9112). */
#ifndef PASSVM_API_HTTP_H
#define PASSVM_API_HTTP_H

#include <stdbool.h>
#include <stddef.h>

/* Request line plus headers, bytes: a longer head is refused with 400. */
#define HTTP_MAX_HEAD 8192
#define HTTP_MAX_PATH 1024
/* What a client may send beyond one whole request before reading answers. */
#define HTTP_FEED_SLACK 65536

/*
 * One parsed request. @path and @body point into the parser's buffer and
 * stay valid until http_parser_consume() or the next http_parser_feed().
 */
struct http_request {
	char method[8]; /* "GET", "PUT", "PATCH", ... */
	const char *path; /* NUL-terminated origin-form path, no query */
	const char *body; /* @body_len bytes, not NUL-terminated */
	size_t body_len;
	bool keep_alive; /* HTTP/1.1 without "Connection: close" */
};

/*
 * The parser keeps the bytes a client has sent and not yet been answered:
 * a partial request (any split, down to one byte at a time) or several
 * pipelined ones. Bounded: HTTP_MAX_HEAD + @max_body + HTTP_FEED_SLACK.
 */
struct http_parser {
	char *buf;
	size_t len, cap;
	size_t max_body; /* bytes */
	size_t scan; /* where the search for the end of the head resumes */
	size_t head_len; /* 0 until the head of buf's first request is parsed */
	size_t content_length;
	bool keep_alive, expect_continue, continue_sent;
	char method[8];
	char path[HTTP_MAX_PATH + 1];
	int error; /* 0, or the HTTP status of a fatal error (400) */
	char error_msg[160];
};

enum http_status {
	HTTP_NEED_MORE = 0, /* no whole request yet: feed more */
	HTTP_REQUEST = 1, /* *req is a whole request */
	HTTP_BAD = -1, /* malformed: answer p->error, p->error_msg; close */
};

/* http_parser_init() - empty parser; bodies up to @max_body bytes. */
void http_parser_init(struct http_parser *p, size_t max_body);
void http_parser_free(struct http_parser *p);

/*
 * http_parser_feed() - append @n bytes a client sent. Beyond one whole
 * request plus HTTP_FEED_SLACK bytes, or out of memory, the parser turns
 * to error (http_parser_next() returns HTTP_BAD). Returns 0 or -ENOMEM.
 */
int http_parser_feed(struct http_parser *p, const void *data, size_t n);

/*
 * http_parser_next() - the first complete request in the buffer, if any.
 * After HTTP_REQUEST, answer it, then http_parser_consume() and call again
 * (pipelined requests). HTTP_BAD is final for this connection.
 */
enum http_status http_parser_next(struct http_parser *p,
				  struct http_request *req);

/* http_parser_consume() - drop the request last returned. */
void http_parser_consume(struct http_parser *p);

/*
 * http_parser_wants_continue() - true once when the client sent "Expect:
 * 100-continue" and waits for "HTTP/1.1 100 Continue" before its body
 * (curl does for bodies over 1 KiB). Marks it as sent.
 */
bool http_parser_wants_continue(struct http_parser *p);

/* True when no byte of a next request is buffered. */
bool http_parser_idle(const struct http_parser *p);

/*
 * http_format_response() - a whole response into @out (@cap bytes):
 * status line, "Server: Firecracker API", Connection, and for a @body
 * (may be NULL) Content-Type: application/json and Content-Length.
 * Returns its length, or 0 when it does not fit.
 */
size_t http_format_response(char *out, size_t cap, int status, const char *body,
			    bool keep_alive);

/* http_reason() - the reason phrase of @status ("No Content"). */
const char *http_reason(int status);

#endif
