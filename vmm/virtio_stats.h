/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio devices' --stats figures, kept apart from the devices so that
 * they add up across --reboot restarts (each boot builds its devices
 * anew, in the same order, under the same names). Printed as "passvm:
 * stats: virtio-..." lines (wording fixed: the lab reads them) and as the
 * "virtio" array of --stats=json (keys in cli_run_help and README).
 */
#ifndef PASSVM_VMM_VIRTIO_STATS_H
#define PASSVM_VMM_VIRTIO_STATS_H

#include <stdbool.h>
#include <stdio.h>

#include "util/json_out.h"
#include "virtio/blk.h"
#include "virtio/net.h"
#include "virtio/vsock.h"
#include "vmm/virtio_glue.h"

/* One device, all boots: counters summed. */
struct virtio_dev_figures {
	char name[48]; /* the device's, e.g. "virtio-blk rootfs" */
	char id[VM_ID_MAX + 1]; /* the VM description's id */
	enum virtio_kind kind;
	unsigned int slot; /* PCI device number on bus 0 */
	char tap[16]; /* net: the tap's name */
	bool vhost; /* net: vhost-net moved the packets (none counted) */
	struct virtio_stats common;
	union {
		struct virtio_blk_stats blk;
		struct virtio_net_stats net;
		struct vsock_stats vsock;
	} u;
};

struct virtio_figures {
	struct virtio_dev_figures dev[VIRTIO_GLUE_MAX_DEVS];
	unsigned int nr;
};

/* virtio_figures_add() - add one boot's devices @vd (NULL: none) to @f. */
void virtio_figures_add(struct virtio_figures *f,
			const struct virtio_devices *vd);

/* virtio_figures_print() - the "passvm: stats: virtio-..." lines. */
void virtio_figures_print(const struct virtio_figures *f, FILE *out);

/*
 * virtio_figures_json() - the "virtio" array: per device id, type
 * (blk, net, vsock), slot, notifications, trapped_notifications,
 * interrupts, config_interrupts, register_accesses, then blk: reads,
 * read_bytes, writes, written_bytes, flushes, discards, write_zeroes,
 * get_ids, errors; net: tap, vhost, rx_packets, rx_bytes, tx_packets,
 * tx_bytes, tx_errors, rx_no_buffers (null under vhost-net); vsock:
 * host_connections, guest_connections, refused, rsts_sent,
 * to_guest_bytes, from_guest_bytes.
 */
void virtio_figures_json(const struct virtio_figures *f, struct json_out *j);

#endif
