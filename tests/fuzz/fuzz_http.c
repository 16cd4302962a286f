// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz harness: the API's incremental HTTP/1.1 parser (api/http.c), fed
 * one client's byte stream in random chunkings, as the API server feeds
 * it from each read().
 *
 * Input: u8 body limit (1 KiB << (N % 8), or N bytes when bit 7 is set),
 * u8 chunking (0: all at once, 1: a byte at a time, else chunk lengths
 * from a generator seeded with it), then the stream.
 *
 * Invariants: the parser never holds more than it was given, nor more
 * than its cap (HTTP_MAX_HEAD + body limit + HTTP_FEED_SLACK), nor a head
 * over HTTP_MAX_HEAD; a request's method is 1 to 7 capitals, its path
 * starts with '/' and is at most HTTP_MAX_PATH printable bytes, its body
 * is at most the limit and is the stream's own bytes, right after its
 * head; consuming a request drops exactly its head and body; an error is
 * 400 with a message; and a stream gives the same requests, in the same
 * order, and the same verdict, however it is cut into reads (each cut is
 * compared with feeding it whole and a byte at a time). The response
 * writer never writes past the buffer it is given.
 */
/* FUZZ-TARGETS: api/http.c */
/* FUZZ-OPTIONS: -max_len=16384 -dict=tests/fuzz/dict/api.dict */
#include <stdlib.h>
#include <string.h>

#include "api/http.h"
#include "fuzz.h"

#define MAX_REQS 64

struct outcome {
	unsigned int n; /* requests */
	uint32_t hash; /* of their methods, paths, bodies */
	bool bad;
	int error;
	size_t consumed;
};

static uint32_t mix(uint32_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

FZ_NOCOV static void check_req(const struct http_parser *p,
			       const struct http_request *r,
			       const uint8_t *stream, size_t fed)
{
	size_t mlen = strlen(r->method), plen = strlen(r->path);
	/* Where buf[0] is in the stream: what was fed less what is held. */
	size_t base = fed - p->len;

	FZ_CHECK(mlen >= 1 && mlen <= 7, "method '%s'", r->method);
	for (size_t i = 0; i < mlen; i++)
		FZ_CHECK(r->method[i] >= 'A' && r->method[i] <= 'Z',
			 "method '%s'", r->method);
	FZ_CHECK(r->path[0] == '/' && plen <= HTTP_MAX_PATH, "path '%.40s'",
		 r->path);
	for (size_t i = 0; i < plen; i++)
		FZ_CHECK((unsigned char)r->path[i] > ' ' &&
				 (unsigned char)r->path[i] < 0x7f,
			 "path byte 0x%02x", (unsigned char)r->path[i]);
	FZ_CHECK(r->body_len <= p->max_body, "a %zu-byte body (limit %zu)",
		 r->body_len, p->max_body);
	FZ_CHECK(r->body == p->buf + p->head_len && p->head_len &&
			 p->head_len <= HTTP_MAX_HEAD &&
			 p->head_len + r->body_len <= p->len,
		 "body at %td, head %zu, %zu bytes held", r->body - p->buf,
		 p->head_len, p->len);
	FZ_CHECK(!memcmp(r->body, stream + base + p->head_len, r->body_len),
		 "the body is not the client's bytes");
}

FZ_NOCOV static void check_parser(const struct http_parser *p, size_t fed,
				  size_t consumed)
{
	FZ_CHECK(p->len <= p->cap || !p->buf, "%zu bytes in %zu", p->len,
		 p->cap);
	FZ_CHECK(p->len + consumed <= fed,
		 "holds %zu and consumed %zu of %zu bytes given", p->len,
		 consumed, fed);
	FZ_CHECK(p->len <= HTTP_MAX_HEAD + p->max_body + HTTP_FEED_SLACK,
		 "holds %zu bytes", p->len);
	FZ_CHECK(p->head_len <= HTTP_MAX_HEAD, "a %zu-byte head", p->head_len);
	FZ_CHECK(!p->error || (p->error == 400 && p->error_msg[0]),
		 "error %d '%s'", p->error, p->error_msg);
}

/* Parse @stream (@n bytes) fed in chunks: @mode 0 whole, 1 bytewise. */
static void run(const uint8_t *stream, size_t n, size_t max_body,
		unsigned int mode, struct outcome *o)
{
	struct http_parser p;
	uint32_t rng = mode * 2654435761u + 1;
	size_t fed = 0;

	memset(o, 0, sizeof(*o));
	o->hash = 2166136261u;
	http_parser_init(&p, max_body);
	while (fed < n && !o->bad) {
		struct http_request r;
		enum http_status st;
		size_t chunk = n - fed;

		if (mode == 1) {
			chunk = 1;
		} else if (mode > 1) {
			rng = rng * 1103515245u + 12345u;
			chunk = 1 + (rng >> 16) % 300;
			if (chunk > n - fed)
				chunk = n - fed;
		}
		FZ_CHECK(!http_parser_feed(&p, stream + fed, chunk), "feed");
		fed += chunk;
		check_parser(&p, fed, o->consumed);
		while ((st = http_parser_next(&p, &r)) == HTTP_REQUEST) {
			size_t before = p.len, used;

			check_req(&p, &r, stream, fed);
			if (o->n < MAX_REQS) {
				o->hash = mix(o->hash, r.method,
					      strlen(r.method) + 1);
				o->hash = mix(o->hash, r.path,
					      strlen(r.path) + 1);
				o->hash = mix(o->hash, r.body, r.body_len);
				o->hash = mix(o->hash, &r.keep_alive, 1);
			}
			o->n++;
			used = p.head_len + r.body_len;
			http_parser_wants_continue(&p);
			http_parser_consume(&p);
			FZ_CHECK(p.len == before - used && !p.head_len,
				 "consume took %zu of %zu bytes, not %zu",
				 before - p.len, before, used);
			o->consumed += used;
			check_parser(&p, fed, o->consumed);
		}
		if (st == HTTP_BAD) {
			o->bad = true;
			o->error = p.error;
		} else {
			/* Waiting for more: a body it asked to continue for. */
			http_parser_wants_continue(&p);
		}
		check_parser(&p, fed, o->consumed);
	}
	/* Blank lines it skipped are consumed too: count what it holds. */
	o->consumed = fed - p.len;
	http_parser_free(&p);
}

FZ_NOCOV static void check_same(const struct outcome *a,
				const struct outcome *b, unsigned int mode)
{
	FZ_CHECK(a->n == b->n && a->hash == b->hash && a->bad == b->bad &&
			 a->error == b->error,
		 "chunking %u: %u requests%s, whole: %u requests%s", mode, b->n,
		 b->bad ? " then an error" : "", a->n,
		 a->bad ? " then an error" : "");
}

static void responses(const uint8_t *data, size_t size)
{
	static const int statuses[] = { 100, 200, 204, 400, 404,
					405, 413, 500, 503, 999 };
	char body[256], out[512];
	size_t n = size < sizeof(body) - 1 ? size : sizeof(body) - 1;

	memcpy(body, data, n);
	body[n] = '\0';
	for (size_t cap = 0; cap < sizeof(out); cap += 61) {
		char *buf = malloc(cap ? cap : 1);
		size_t len;

		if (!buf)
			return;
		len = http_format_response(buf, cap, statuses[size % 10],
					   size & 1 ? body : NULL, size & 2);
		FZ_CHECK(len < cap || !len, "%zu bytes in %zu", len, cap);
		if (len)
			FZ_CHECK(!memcmp(buf, "HTTP/1.1 ", 9) &&
					 strlen(buf) == len,
				 "response '%.20s'", buf);
		free(buf);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct outcome whole, bytes, cut;
	size_t max_body;
	uint8_t lim, chunking;

	if (size < 2)
		return 0;
	lim = data[0];
	chunking = data[1];
	max_body = lim & 0x80 ? lim & 0x7f : 1024u << (lim % 8);
	data += 2;
	size -= 2;
	run(data, size, max_body, 0, &whole);
	run(data, size, max_body, 1, &bytes);
	check_same(&whole, &bytes, 1);
	if (chunking > 1) {
		run(data, size, max_body, chunking, &cut);
		check_same(&whole, &cut, chunking);
	}
	responses(data, size);
	return 0;
}
