/* SPDX-License-Identifier: GPL-2.0 */
/* virtio-net on a tap (virtio 1.2 §5.1), in vhost-net or the I/O thread. */
#ifndef PASSVM_VIRTIO_NET_H
#define PASSVM_VIRTIO_NET_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/virtio_net.h>

#include "virtio/virtio_pci.h"

#define VIRTIO_NET_QUEUE_SIZE 256
#define VIRTIO_NET_RX 0
#define VIRTIO_NET_TX 1

enum virtio_net_vhost {
	VIRTIO_NET_VHOST_AUTO,
	VIRTIO_NET_VHOST_ON,
	VIRTIO_NET_VHOST_OFF,
};

struct virtio_net_params {
	const char *name; /* e.g. "net0" or the interface id */
	const char *tap; /* interface name */
	int tap_fd; /* >= 0: use this fd (not owned) instead of opening */
	int vhost_fd; /* > 0: this /dev/vhost-net (not owned); 0: open it */
	uint8_t mac[6];
	bool has_mac;
	unsigned int mtu; /* 0: none advertised (VIRTIO_NET_F_MTU) */
	enum virtio_net_vhost vhost;
};

struct virtio_net_stats {
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;
	uint64_t tx_errors, rx_no_buffers;
};

struct vhost_net;

struct virtio_net {
	struct virtio_dev vdev;
	char tap[16];
	int tap_fd;
	bool own_tap;
	struct vio_handler tap_h;
	uint32_t tap_events; /* what the loop watches on the tap */
	struct virtio_net_config cfg;
	struct vhost_net *vhost; /* NULL: the userspace path */
	bool vhost_active;
	struct virtq_chain chain;
	struct virtio_net_stats stats;
};

/*
 * virtio_net_create() - open the tap (or take @p->tap_fd) and, unless
 * vhost is off, /dev/vhost-net; build the device. Features: CSUM,
 * GUEST_CSUM, HOST/GUEST_TSO4/6 and _ECN (TSO of ECN-marked segments, as
 * QEMU offers), STATUS (link up), MAC and MTU when
 * given, and MRG_RXBUF with vhost-net. Errors: tap_open's, vhost_net_open's (vhost
 * on and not there), the transport's, each naming the interface.
 */
int virtio_net_create(struct virtio_net **out,
		      const struct virtio_net_params *p,
		      const struct virtio_env *env, struct pv_error *err);

/* virtio_net_destroy() - the device, vhost, then the tap. */
void virtio_net_destroy(struct virtio_net *n);

#endif
