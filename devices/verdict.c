// SPDX-License-Identifier: GPL-2.0
/* The guest's verdict channels; the contract is devices/verdict.h. */
#include "devices/verdict.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/log.h"
#include "util/parse.h"

const char *const verdict_channel_names[VERDICT_NR_CHANNELS] = {
	[VERDICT_MMIO] = "mmio",
	[VERDICT_SERIAL] = "serial",
	[VERDICT_PORT] = "port",
};

int verdict_parse_list(const char *list, unsigned int *mask, const char **bad)
{
	const char *p = list;
	unsigned int m = 0;

	if (!*p) {
		*bad = p;
		return -1;
	}
	while (*p) {
		size_t len = strcspn(p, ",");
		int ch = -1;

		for (int i = 0; i < VERDICT_NR_CHANNELS; i++)
			if (strlen(verdict_channel_names[i]) == len &&
			    !strncmp(verdict_channel_names[i], p, len))
				ch = i;
		if (len == 3 && !strncmp(p, "all", 3)) {
			m |= VERDICT_ALL;
		} else if (ch < 0) {
			*bad = p;
			return -1;
		} else {
			m |= VERDICT_BIT(ch);
		}
		p += len;
		if (*p == ',')
			p++;
	}
	*mask = m;
	return 0;
}

int verdict_cmdline(char *out, size_t len, const char *cmdline,
		    const char *token)
{
	size_t at = cmdline_init_args(cmdline);
	int n;

	if (!token) {
		n = snprintf(out, len, "%s", cmdline);
	} else {
		/* "A -- B" -> "A passvm.token=T -- B" */
		while (at &&
		       (cmdline[at - 1] == ' ' || cmdline[at - 1] == '\t'))
			at--;
		n = snprintf(out, len, "%.*s%spassvm.token=%s%s%s", (int)at,
			     cmdline, at ? " " : "", token,
			     cmdline[at] ? " " : "",
			     cmdline + at + strspn(cmdline + at, " "));
	}
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

/* "0".."255" exactly (no sign, no leading zero): the value, else -1. */
static int parse_value(const char *s, size_t len)
{
	int v = 0;

	if (!len || len > 3 || (len > 1 && s[0] == '0'))
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v <= 255 ? v : -1;
}

/* Judge one whole line (@s, @len bytes, no '\n'). */
static int judge_line(const char *s, size_t len, const char *token)
{
	size_t plen = strlen(VERDICT_LINE_PREFIX);
	const char *tok, *sp;
	size_t tlen;
	int v;

	while (len && s[len - 1] == '\r')
		len--;
	if (len <= plen || memcmp(s, VERDICT_LINE_PREFIX, plen))
		return VERDICT_LINE_NONE;
	tok = s + plen;
	sp = memchr(tok, ' ', len - plen);
	if (!sp || sp == tok)
		return VERDICT_LINE_NONE;
	tlen = (size_t)(sp - tok);
	v = parse_value(sp + 1, len - plen - tlen - 1);
	if (v < 0)
		return VERDICT_LINE_NONE;
	if (token && (strlen(token) != tlen || memcmp(tok, token, tlen)))
		return VERDICT_LINE_OTHER_TOKEN;
	return v;
}

int verdict_line_feed(struct verdict_line *l, const char *token, uint8_t c)
{
	int ret;

	if (c != '\n') {
		if (l->len < sizeof(l->buf))
			l->buf[l->len++] = (char)c;
		else
			l->overflow = true;
		return VERDICT_LINE_NONE;
	}
	ret = l->overflow ? VERDICT_LINE_NONE :
			    judge_line(l->buf, l->len, token);
	l->len = 0;
	l->overflow = false;
	return ret;
}

void verdict_init(struct verdict *v, unsigned int enabled, const char *token,
		  const struct vm_stop_sink *stop)
{
	memset(v, 0, sizeof(*v));
	pthread_mutex_init(&v->lock, NULL);
	v->enabled = enabled & VERDICT_ALL;
	if (token)
		snprintf(v->token, sizeof(v->token), "%s", token);
	if (stop)
		v->stop = *stop;
}

/* A verdict @val arrived on @ch: stop, or count it when @ch is off. */
static void give(struct verdict *v, enum verdict_channel ch, unsigned int val)
{
	bool stop = false;

	pthread_mutex_lock(&v->lock);
	if (!(v->enabled & VERDICT_BIT(ch))) {
		v->ignored[ch]++;
	} else if (!v->given) {
		v->given = true;
		v->value = val;
		v->channel = ch;
		stop = true;
	}
	pthread_mutex_unlock(&v->lock);
	if (!stop)
		return;
	pv_trace(TRACE_BOOT, "verdict %u on %s", val,
		 verdict_channel_names[ch]);
	vm_request_stop(&v->stop, VM_STOP_VERDICT, (int)val);
}

static void mmio_read(void *opaque, uint64_t offset, uint8_t *data,
		      uint32_t len)
{
	static const char magic[] = VERDICT_MMIO_MAGIC;

	for (uint32_t i = 0; i < len; i++)
		data[i] = offset + i < 4 ? (uint8_t)magic[offset + i] : 0;
}

static void mmio_write(void *opaque, uint64_t offset, const uint8_t *data,
		       uint32_t len)
{
	/* The register is byte 0; a wider write gives its low byte. */
	if (offset == 0 && len)
		give(opaque, VERDICT_MMIO, data[0]);
}

const struct io_ops verdict_mmio_ops = {
	.read = mmio_read,
	.write = mmio_write,
};

static void port_read(void *opaque, uint64_t offset, uint8_t *data,
		      uint32_t len)
{
	memset(data, 0xff, len);
}

static void port_write(void *opaque, uint64_t offset, const uint8_t *data,
		       uint32_t len)
{
	if (offset == 0 && len)
		give(opaque, VERDICT_PORT, data[0]);
}

const struct io_ops verdict_port_ops = {
	.read = port_read,
	.write = port_write,
};

void verdict_serial_byte(void *opaque, uint8_t c)
{
	struct verdict *v = opaque;
	bool on;
	int r;

	pthread_mutex_lock(&v->lock);
	on = v->enabled & VERDICT_BIT(VERDICT_SERIAL);
	r = verdict_line_feed(&v->line, on ? v->token : NULL, c);
	if (r == VERDICT_LINE_OTHER_TOKEN)
		v->ignored[VERDICT_SERIAL]++;
	pthread_mutex_unlock(&v->lock);
	if (r >= 0)
		give(v, VERDICT_SERIAL, (unsigned int)r);
}

bool verdict_result(struct verdict *v, unsigned int *value,
		    enum verdict_channel *channel, uint64_t *ignored)
{
	bool given;

	pthread_mutex_lock(&v->lock);
	given = v->given;
	if (given) {
		*value = v->value;
		*channel = v->channel;
	}
	if (ignored)
		memcpy(ignored, v->ignored, sizeof(v->ignored));
	pthread_mutex_unlock(&v->lock);
	return given;
}
