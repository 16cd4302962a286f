// SPDX-License-Identifier: GPL-2.0
/* HTTP/1.1 request parsing (RFC 9112 §2-§6: request line, fields, Content-Length bodies) and responses. */
#include "api/http.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void http_parser_init(struct http_parser *p, size_t max_body)
{
	memset(p, 0, sizeof(*p));
	p->max_body = max_body;
}

void http_parser_free(struct http_parser *p)
{
	free(p->buf);
	p->buf = NULL;
	p->len = p->cap = 0;
}

static enum http_status bad(struct http_parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static enum http_status bad(struct http_parser *p, const char *fmt, ...)
{
	va_list ap;

	if (!p->error) {
		p->error = 400;
		va_start(ap, fmt);
		vsnprintf(p->error_msg, sizeof(p->error_msg), fmt, ap);
		va_end(ap);
	}
	return HTTP_BAD;
}

int http_parser_feed(struct http_parser *p, const void *data, size_t n)
{
	/* One whole request and a read's worth of the next, at most. */
	size_t limit = HTTP_MAX_HEAD + p->max_body + HTTP_FEED_SLACK;
	char *b;

	if (p->error)
		return 0;
	if (p->len + n > limit) {
		bad(p, "more than %zu bytes sent ahead of the answers", limit);
		return 0;
	}
	if (p->len + n > p->cap) {
		size_t cap = p->cap ? p->cap : 1024;

		while (cap < p->len + n)
			cap *= 2;
		b = realloc(p->buf, cap + 1);
		if (!b) {
			bad(p, "out of memory");
			return -ENOMEM;
		}
		p->buf = b;
		p->cap = cap;
	}
	memcpy(p->buf + p->len, data, n);
	p->len += n;
	return 0;
}

/* The end of the head: the index after "\r\n\r\n" or "\n\n", or 0. */
static size_t find_head_end(struct http_parser *p)
{
	size_t i = p->scan > 3 ? p->scan - 3 : 0;
	size_t lim = p->len < HTTP_MAX_HEAD ? p->len : HTTP_MAX_HEAD;

	for (; i < lim; i++) {
		if (p->buf[i] != '\n')
			continue;
		if (i >= 1 && p->buf[i - 1] == '\n')
			return i + 1;
		if (i >= 2 && p->buf[i - 1] == '\r' && p->buf[i - 2] == '\n')
			return i + 1;
	}
	p->scan = lim;
	return 0;
}

static bool is_tchar(int c)
{
	return isalnum(c) || strchr("!#$%&'*+-.^_`|~", c);
}

/* Parse "METHOD SP target SP HTTP/1.x" (@line, NUL-terminated). */
static enum http_status parse_request_line(struct http_parser *p, char *line)
{
	char *sp1 = strchr(line, ' '), *sp2, *target, *q;
	size_t mlen;

	if (!sp1)
		return bad(
			p,
			"malformed request line: expected 'METHOD /path HTTP/1.1'");
	mlen = (size_t)(sp1 - line);
	if (!mlen || mlen >= sizeof(p->method))
		return bad(p, "unsupported HTTP method");
	for (size_t i = 0; i < mlen; i++)
		if (!isupper((unsigned char)line[i]))
			return bad(p, "malformed HTTP method");
	memcpy(p->method, line, mlen);
	p->method[mlen] = '\0';
	target = sp1 + 1;
	sp2 = strchr(target, ' ');
	if (!sp2)
		return bad(p, "malformed request line: no HTTP version");
	*sp2 = '\0';
	if (!strcmp(sp2 + 1, "HTTP/1.1"))
		p->keep_alive = true;
	else if (!strcmp(sp2 + 1, "HTTP/1.0"))
		p->keep_alive = false;
	else
		return bad(p, "unsupported HTTP version '%.16s': use HTTP/1.1",
			   sp2 + 1);
	/* Absolute form (RFC 9112 §3.2.2): keep only the path. */
	if (!strncmp(target, "http://", 7)) {
		target = strchr(target + 7, '/');
		if (!target)
			target = "/";
	}
	if (target[0] != '/')
		return bad(p,
			   "malformed request target: it must start with '/'");
	q = strchr(target, '?');
	if (q)
		*q = '\0';
	if (strlen(target) > HTTP_MAX_PATH)
		return bad(p, "request path longer than %d bytes",
			   HTTP_MAX_PATH);
	for (const char *c = target; *c; c++)
		if ((unsigned char)*c <= ' ' || (unsigned char)*c >= 0x7f)
			return bad(p, "malformed request path");
	strcpy(p->path, target);
	return HTTP_REQUEST;
}

static enum http_status parse_field(struct http_parser *p, char *line,
				    bool *have_len)
{
	char *colon = strchr(line, ':'), *v, *end;
	unsigned long long n;

	if (!colon || colon == line)
		return bad(p, "malformed header line");
	for (char *c = line; c < colon; c++)
		if (!is_tchar((unsigned char)*c))
			return bad(p, "malformed header name");
	*colon = '\0';
	v = colon + 1;
	while (*v == ' ' || *v == '\t')
		v++;
	end = v + strlen(v);
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	if (!strcasecmp(line, "Content-Length")) {
		if (!*v || strspn(v, "0123456789") != strlen(v) ||
		    strlen(v) > 15)
			return bad(p, "malformed Content-Length '%.20s'", v);
		n = strtoull(v, NULL, 10);
		if (*have_len && n != p->content_length)
			return bad(p, "conflicting Content-Length headers");
		*have_len = true;
		p->content_length = (size_t)n;
	} else if (!strcasecmp(line, "Transfer-Encoding")) {
		/* identity is no coding (Firecracker's micro_http takes it) */
		if (!strcasecmp(v, "identity"))
			return HTTP_REQUEST;
		return bad(
			p,
			"Transfer-Encoding '%.20s' is not supported: send a Content-Length body",
			v);
	} else if (!strcasecmp(line, "Connection")) {
		if (!strcasecmp(v, "close"))
			p->keep_alive = false;
		else if (!strcasecmp(v, "keep-alive"))
			p->keep_alive = true;
	} else if (!strcasecmp(line, "Expect")) {
		if (strcasecmp(v, "100-continue"))
			return bad(p, "unsupported Expect '%.20s'", v);
		p->expect_continue = true;
	}
	return HTTP_REQUEST;
}

/* Parse the head of the first request (buf[0..end)). */
static enum http_status parse_head(struct http_parser *p, size_t end)
{
	char *line = p->buf, *stop = p->buf + end;
	bool first = true, have_len = false;
	enum http_status st;

	if (memchr(p->buf, '\0', end))
		return bad(p, "NUL byte in the request head");
	p->content_length = 0;
	p->expect_continue = false;
	p->continue_sent = false;
	while (line < stop) {
		char *nl = memchr(line, '\n', (size_t)(stop - line));

		if (!nl)
			break;
		*nl = '\0';
		if (nl > line && nl[-1] == '\r')
			nl[-1] = '\0';
		if (strchr(line, '\r'))
			return bad(p, "malformed header line");
		if (!*line)
			break; /* the empty line ending the head */
		if (first) {
			st = parse_request_line(p, line);
			first = false;
		} else if (*line == ' ' || *line == '\t') {
			st = bad(
				p,
				"obsolete header line folding is not accepted");
		} else {
			st = parse_field(p, line, &have_len);
		}
		if (st != HTTP_REQUEST)
			return st;
		line = nl + 1;
	}
	if (first)
		return bad(p, "empty request");
	if (p->content_length > p->max_body)
		return bad(
			p,
			"Request payload with size %zu is larger than the limit of %zu allowed by server.",
			p->content_length, p->max_body);
	p->head_len = end;
	return HTTP_REQUEST;
}

enum http_status http_parser_next(struct http_parser *p,
				  struct http_request *req)
{
	size_t end;

	if (p->error)
		return HTTP_BAD;
	if (!p->head_len) {
		/* Blank lines before a request are ignored (RFC 9112 §2.2). */
		size_t skip = 0;

		while (skip < p->len &&
		       (p->buf[skip] == '\r' || p->buf[skip] == '\n'))
			skip++;
		if (skip) {
			memmove(p->buf, p->buf + skip, p->len - skip);
			p->len -= skip;
			p->scan = 0;
		}
		end = find_head_end(p);
		if (!end) {
			if (p->len >= HTTP_MAX_HEAD)
				return bad(p,
					   "request head longer than %d bytes",
					   HTTP_MAX_HEAD);
			return HTTP_NEED_MORE;
		}
		if (parse_head(p, end) != HTTP_REQUEST)
			return HTTP_BAD;
	}
	if (p->len - p->head_len < p->content_length)
		return HTTP_NEED_MORE;
	memset(req, 0, sizeof(*req));
	strcpy(req->method, p->method);
	req->path = p->path;
	req->body = p->buf + p->head_len;
	req->body_len = p->content_length;
	req->keep_alive = p->keep_alive;
	return HTTP_REQUEST;
}

void http_parser_consume(struct http_parser *p)
{
	size_t used = p->head_len + p->content_length;

	if (!p->head_len || used > p->len)
		return;
	memmove(p->buf, p->buf + used, p->len - used);
	p->len -= used;
	p->head_len = 0;
	p->content_length = 0;
	p->scan = 0;
}

bool http_parser_wants_continue(struct http_parser *p)
{
	if (!p->head_len || !p->expect_continue || p->continue_sent ||
	    p->len - p->head_len >= p->content_length)
		return false;
	p->continue_sent = true;
	return true;
}

bool http_parser_idle(const struct http_parser *p)
{
	return p->len == 0;
}

const char *http_reason(int status)
{
	switch (status) {
	case 100:
		return "Continue";
	case 200:
		return "OK";
	case 204:
		return "No Content";
	case 400:
		return "Bad Request";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 413:
		return "Payload Too Large";
	case 500:
		return "Internal Server Error";
	case 503:
		return "Service Unavailable";
	default:
		return "Unknown";
	}
}

size_t http_format_response(char *out, size_t cap, int status, const char *body,
			    bool keep_alive)
{
	int n;

	if (body)
		n = snprintf(out, cap,
			     "HTTP/1.1 %d %s\r\nServer: Firecracker API\r\n"
			     "Connection: %s\r\n"
			     "Content-Type: application/json\r\n"
			     "Content-Length: %zu\r\n\r\n%s",
			     status, http_reason(status),
			     keep_alive ? "keep-alive" : "close", strlen(body),
			     body);
	else
		n = snprintf(out, cap,
			     "HTTP/1.1 %d %s\r\nServer: Firecracker API\r\n"
			     "Connection: %s\r\n\r\n",
			     status, http_reason(status),
			     keep_alive ? "keep-alive" : "close");
	if (n < 0 || (size_t)n >= cap)
		return 0;
	return (size_t)n;
}
