// SPDX-License-Identifier: GPL-2.0
/* The virtio devices' --stats figures; the contract is vmm/virtio_stats.h. */
#include "vmm/virtio_stats.h"

#include <string.h>

/*
 * Every counter struct here is all uint64_t: add one boot's (written by
 * the I/O threads, read relaxed) into the sum, field by field.
 */
#define ADD_U64S(dst, src)                                             \
	do {                                                           \
		_Static_assert(sizeof(*(dst)) % sizeof(uint64_t) == 0, \
			       "counters are uint64_t");               \
		add_u64s((uint64_t *)(dst), (const uint64_t *)(src),   \
			 sizeof(*(dst)) / sizeof(uint64_t));           \
	} while (0)

static void add_u64s(uint64_t *dst, const uint64_t *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] += __atomic_load_n(&src[i], __ATOMIC_RELAXED);
}

static struct virtio_dev_figures *figures_of(struct virtio_figures *f,
					     const struct virtio_glue_dev *g)
{
	struct virtio_dev_figures *d;

	for (unsigned int i = 0; i < f->nr; i++)
		if (f->dev[i].kind == g->kind && !strcmp(f->dev[i].id, g->id))
			return &f->dev[i];
	if (f->nr == VIRTIO_GLUE_MAX_DEVS)
		return NULL;
	d = &f->dev[f->nr++];
	memset(d, 0, sizeof(*d));
	d->kind = g->kind;
	snprintf(d->id, sizeof(d->id), "%s", g->id);
	return d;
}

void virtio_figures_add(struct virtio_figures *f,
			const struct virtio_devices *vd)
{
	for (unsigned int i = 0; vd && i < vd->nr; i++) {
		const struct virtio_glue_dev *g = &vd->dev[i];
		struct virtio_dev_figures *d = figures_of(f, g);

		if (!d)
			continue;
		snprintf(d->name, sizeof(d->name), "%s", g->vdev->name);
		d->slot = g->vdev->pci.devfn >> 3;
		ADD_U64S(&d->common, &g->vdev->stats);
		switch (g->kind) {
		case VIRTIO_KIND_BLK:
			ADD_U64S(&d->u.blk, &g->u.blk->stats);
			break;
		case VIRTIO_KIND_NET:
			snprintf(d->tap, sizeof(d->tap), "%s", g->u.net->tap);
			d->vhost = g->u.net->vhost;
			ADD_U64S(&d->u.net, &g->u.net->stats);
			break;
		case VIRTIO_KIND_VSOCK:
			ADD_U64S(&d->u.vsock, &g->u.vsock->stats);
			break;
		}
	}
}

static unsigned long long kib(uint64_t bytes)
{
	return (unsigned long long)(bytes >> 10);
}

static void print_common(const struct virtio_dev_figures *d, FILE *out)
{
	const struct virtio_stats *s = &d->common;

	fprintf(out,
		"passvm: stats: %s (00:%02x.0): notifications %llu (trapped %llu), interrupts %llu, config interrupts %llu, register accesses %llu\n",
		d->name, d->slot, (unsigned long long)s->kicks,
		(unsigned long long)s->trapped_kicks,
		(unsigned long long)s->irqs, (unsigned long long)s->config_irqs,
		(unsigned long long)s->reg_accesses);
}

static void print_blk(const struct virtio_dev_figures *d, FILE *out)
{
	const struct virtio_blk_stats *s = &d->u.blk;

	fprintf(out,
		"passvm: stats: %s: reads %llu (%llu KiB), writes %llu (%llu KiB), flushes %llu, discards %llu, write-zeroes %llu, get-id %llu, errors %llu\n",
		d->name, (unsigned long long)s->reads, kib(s->read_bytes),
		(unsigned long long)s->writes, kib(s->written_bytes),
		(unsigned long long)s->flushes, (unsigned long long)s->discards,
		(unsigned long long)s->write_zeroes,
		(unsigned long long)s->get_ids, (unsigned long long)s->errors);
}

static void print_net(const struct virtio_dev_figures *d, FILE *out)
{
	const struct virtio_net_stats *s = &d->u.net;

	if (d->vhost) {
		fprintf(out,
			"passvm: stats: %s: tap %s, data path vhost-net (packets counted in the kernel)\n",
			d->name, d->tap);
		return;
	}
	fprintf(out,
		"passvm: stats: %s: tap %s, data path userspace: rx %llu packets (%llu KiB), tx %llu packets (%llu KiB), tx errors %llu, rx out of buffers %llu\n",
		d->name, d->tap, (unsigned long long)s->rx_packets,
		kib(s->rx_bytes), (unsigned long long)s->tx_packets,
		kib(s->tx_bytes), (unsigned long long)s->tx_errors,
		(unsigned long long)s->rx_no_buffers);
}

static void print_vsock(const struct virtio_dev_figures *d, FILE *out)
{
	const struct vsock_stats *s = &d->u.vsock;

	fprintf(out,
		"passvm: stats: %s: connections from the host %llu, from the guest %llu, refused %llu, RSTs sent %llu, to the guest %llu KiB, from the guest %llu KiB\n",
		d->name, (unsigned long long)s->host_conns,
		(unsigned long long)s->guest_conns,
		(unsigned long long)s->refused, (unsigned long long)s->rst_sent,
		kib(s->to_guest_bytes), kib(s->from_guest_bytes));
}

void virtio_figures_print(const struct virtio_figures *f, FILE *out)
{
	for (unsigned int i = 0; i < f->nr; i++) {
		const struct virtio_dev_figures *d = &f->dev[i];

		print_common(d, out);
		switch (d->kind) {
		case VIRTIO_KIND_BLK:
			print_blk(d, out);
			break;
		case VIRTIO_KIND_NET:
			print_net(d, out);
			break;
		case VIRTIO_KIND_VSOCK:
			print_vsock(d, out);
			break;
		}
	}
}

static const char *const kind_names[] = {
	[VIRTIO_KIND_BLK] = "blk",
	[VIRTIO_KIND_NET] = "net",
	[VIRTIO_KIND_VSOCK] = "vsock",
};

static void json_net(const struct virtio_dev_figures *d, struct json_out *j)
{
	static const char *const keys[] = { "rx_packets", "rx_bytes",
					    "tx_packets", "tx_bytes",
					    "tx_errors",  "rx_no_buffers" };
	const struct virtio_net_stats *s = &d->u.net;
	const uint64_t v[] = { s->rx_packets, s->rx_bytes,  s->tx_packets,
			       s->tx_bytes,   s->tx_errors, s->rx_no_buffers };

	jout_string(j, "tap", d->tap);
	jout_bool(j, "vhost", d->vhost);
	/* vhost-net moves the packets in the kernel: passvm counts none */
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (d->vhost)
			jout_null(j, keys[i]);
		else
			jout_uint(j, keys[i], v[i]);
	}
}

void virtio_figures_json(const struct virtio_figures *f, struct json_out *j)
{
	jout_array_begin(j, "virtio");
	for (unsigned int i = 0; i < f->nr; i++) {
		const struct virtio_dev_figures *d = &f->dev[i];
		const struct virtio_stats *c = &d->common;

		jout_object_begin(j, NULL);
		jout_string(j, "id", d->id);
		jout_string(j, "type", kind_names[d->kind]);
		jout_uint(j, "slot", d->slot);
		jout_uint(j, "notifications", c->kicks);
		jout_uint(j, "trapped_notifications", c->trapped_kicks);
		jout_uint(j, "interrupts", c->irqs);
		jout_uint(j, "config_interrupts", c->config_irqs);
		jout_uint(j, "register_accesses", c->reg_accesses);
		switch (d->kind) {
		case VIRTIO_KIND_BLK:
			jout_uint(j, "reads", d->u.blk.reads);
			jout_uint(j, "read_bytes", d->u.blk.read_bytes);
			jout_uint(j, "writes", d->u.blk.writes);
			jout_uint(j, "written_bytes", d->u.blk.written_bytes);
			jout_uint(j, "flushes", d->u.blk.flushes);
			jout_uint(j, "discards", d->u.blk.discards);
			jout_uint(j, "write_zeroes", d->u.blk.write_zeroes);
			jout_uint(j, "get_ids", d->u.blk.get_ids);
			jout_uint(j, "errors", d->u.blk.errors);
			break;
		case VIRTIO_KIND_NET:
			json_net(d, j);
			break;
		case VIRTIO_KIND_VSOCK:
			jout_uint(j, "host_connections", d->u.vsock.host_conns);
			jout_uint(j, "guest_connections",
				  d->u.vsock.guest_conns);
			jout_uint(j, "refused", d->u.vsock.refused);
			jout_uint(j, "rsts_sent", d->u.vsock.rst_sent);
			jout_uint(j, "to_guest_bytes",
				  d->u.vsock.to_guest_bytes);
			jout_uint(j, "from_guest_bytes",
				  d->u.vsock.from_guest_bytes);
			break;
		}
		jout_object_end(j);
	}
	jout_array_end(j);
}
