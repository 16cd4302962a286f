/* SPDX-License-Identifier: GPL-2.0 */
/* vhost-net: virtio-net's data path in the host kernel. */
#ifndef PASSVM_VIRTIO_VHOST_NET_H
#define PASSVM_VIRTIO_VHOST_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "memory/mem_map.h"
#include "util/log.h"
#include "virtio/virtio_pci.h"

struct vhost_net;

/*
 * vhost_net_open() - open /dev/vhost-net (or borrow @fd, >= 0: an open
 * /dev/vhost-net the caller keeps, --net vhost-fd=N), VHOST_SET_OWNER,
 * learn its features, and follow guest RAM (a mem_map listener: the RAM
 * regions are vhost's memory table). Returns NULL when it is not there:
 * with @required (or a borrowed @fd) that is an error in @err (what to
 * load, or vhost=off; EBUSY: @fd has another owner), otherwise @err stays
 * empty and the caller takes the userspace path.
 */
struct vhost_net *vhost_net_open(struct mem_map *mem, bool required, int fd,
				 struct pv_error *err);

/* vhost_net_features() - VHOST_GET_FEATURES (transport and ring bits). */
uint64_t vhost_net_features(const struct vhost_net *h);

/*
 * vhost_net_start() - at DRIVER_OK: the negotiated features, the memory
 * table, each queue's ring (its HVAs from the started virtq), base 0, its
 * kick eventfd and its call fd (virtio_dev_call_fd), then the tap as
 * backend (Documentation/virt/... vhost uapi <linux/vhost.h>). The I/O
 * thread then leaves the kick fds to vhost. Errors: -errno with @err.
 */
int vhost_net_start(struct vhost_net *h, struct virtio_dev *v, int tap_fd,
		    struct pv_error *err);

/* vhost_net_stop() - detach the backend and stop the rings (reset). */
void vhost_net_stop(struct vhost_net *h, struct virtio_dev *v);

/* vhost_net_set_calls() - re-point each ring's call fd (MSI-X changed). */
void vhost_net_set_calls(struct vhost_net *h, struct virtio_dev *v);

/*
 * vhost_net_close() - stop following RAM, close the fd; a borrowed one is
 * given back without an owner (VHOST_RESET_OWNER: the next boot's
 * vhost_net_open sets it again).
 */
void vhost_net_close(struct vhost_net *h);

#endif
