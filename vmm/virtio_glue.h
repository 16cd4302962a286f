/* SPDX-License-Identifier: GPL-2.0 */
/* Builds the VM's virtio devices from its description and wires them in. */
#ifndef PASSVM_VMM_VIRTIO_GLUE_H
#define PASSVM_VMM_VIRTIO_GLUE_H

#include "devices/irq.h"
#include "devices/pci.h"
#include "memory/mem_map.h"
#include "util/log.h"
#include "vmm/kvm_ioeventfd.h"
#include "vmm/vm_config.h"

/* A uds_path leaves room for "_4294967295" in a sockaddr_un (108 bytes). */
#define VIRTIO_UDS_MAX 96

struct virtio_blk;
struct virtio_net;
struct virtio_vsock;

struct virtio_devices {
	struct kvm_ioeventfd_ctx ioev;
	struct virtio_blk *blk[VM_MAX_DRIVES];
	unsigned int nr_blk;
	struct virtio_net *net[VM_MAX_NETS];
	unsigned int nr_net;
	struct virtio_vsock *vsock;
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

/* virtio_devices_print_stats() - the --stats lines of each device. */
void virtio_devices_print_stats(const struct virtio_devices *vd);

#endif
