/* SPDX-License-Identifier: GPL-2.0 */
/* Builds the VM's virtio devices from its description and wires them in. */
#ifndef PASSVM_VMM_VIRTIO_GLUE_H
#define PASSVM_VMM_VIRTIO_GLUE_H

#include "devices/irq.h"
#include "devices/pci.h"
#include "memory/mem_map.h"
#include "util/log.h"
#include "vmm/kvm_ioeventfd.h"
#include "vmm/virtio_irq.h"
#include "vmm/vm_config.h"

/* A uds_path leaves room for "_4294967295" in a sockaddr_un (108 bytes). */
#define VIRTIO_UDS_MAX 96

struct virtio_blk;
struct virtio_net;
struct virtio_vsock;

enum virtio_kind {
	VIRTIO_KIND_BLK,
	VIRTIO_KIND_NET,
	VIRTIO_KIND_VSOCK,
};

#define VIRTIO_GLUE_MAX_DEVS (VM_MAX_DRIVES + VM_MAX_NETS + 1)

/* One device of one boot. */
struct virtio_glue_dev {
	enum virtio_kind kind;
	const char *id; /* the VM description's (not owned) */
	struct virtio_irq_owner irq; /* its MSI owner on the router */
	struct virtio_dev *vdev; /* inside the model below */
	union {
		struct virtio_blk *blk;
		struct virtio_net *net;
		struct virtio_vsock *vsock;
	} u;
};

/* The virtio devices of one boot, in creation (and PCI slot) order. */
struct virtio_devices {
	struct kvm_ioeventfd_ctx ioev;
	struct virtio_glue_dev dev[VIRTIO_GLUE_MAX_DEVS];
	unsigned int nr;
};

/*
 * virtio_devices_check() - what the description's fields alone do not
 * say, for every front end: a vhost-user drive (not supported), one image
 * or one tap twice, ids given twice, the vsock CID range (3 to 2^32-2) and
 * uds_path length. Returns 0 or -EINVAL, @err naming the device and fix.
 */
int virtio_devices_check(const struct vm_config *c, struct pv_error *err);

/*
 * virtio_devices_create() - every drive (the root one first, so it is
 * /dev/vda), interface and the vsock device of @c, on @pci, their I/O
 * threads started; guest RAM from @mem, interrupts through @irq,
 * ioeventfds on @vm_fd. Every image, tap and socket is opened here, so a
 * missing or busy one fails before the guest starts. On error what was
 * built is torn down and @err says what to fix. *@out is NULL when @c
 * has no virtio device.
 */
int virtio_devices_create(struct virtio_devices **out,
			  const struct vm_config *c, struct mem_map *mem,
			  struct irq_router *irq, struct pci_bus *pci,
			  int vm_fd, struct pv_error *err);

/* virtio_devices_destroy() - stop the I/O threads, close everything. */
void virtio_devices_destroy(struct virtio_devices *vd);

#endif
