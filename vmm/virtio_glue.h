/* SPDX-License-Identifier: GPL-2.0 */
/* Builds the VM's virtio devices from its description and wires them in. */
#ifndef PASSVM_VMM_VIRTIO_GLUE_H
#define PASSVM_VMM_VIRTIO_GLUE_H

#include "devices/irq.h"
#include "devices/pci.h"
#include "host/chardev.h"
#include "memory/mem_map.h"
#include "util/log.h"
#include "virtio/blk.h"
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
 * What the devices use on the host and outlive a guest reboot: each
 * disk's image (open, OFD-locked: a reboot never lets another VM take it
 * in between), each tap's fd (opened by name, or inherited: --net fd=N,
 * vhost-fd=N, both closed with the rest; a tap passvm created would vanish with its
 * last fd) and the vsock listener (hosts that connect while the guest
 * reboots wait in its backlog). Indexed like the VM description.
 */
struct virtio_host {
	struct blk_image image[VM_MAX_DRIVES];
	int tap_fd[VM_MAX_NETS];
	char tap_name[VM_MAX_NETS][16]; /* IFNAMSIZ: given or TUNGETIFF's */
	int vhost_fd[VM_MAX_NETS]; /* --net vhost-fd=N, 0: none */
	int vsock_fd; /* listening on the description's uds_path */
	bool vsock_open;
	unsigned int nr_images, nr_taps; /* opened so far */
};

/*
 * virtio_host_open() - check @c (virtio_devices_check) and open what its
 * devices use on the host, once for the whole run, so a missing, busy or
 * locked one fails before the guest starts; @err says what to fix.
 * Warns once about what passvm ignores (rate limiters). On error what was
 * opened is closed. Close with virtio_host_close().
 */
int virtio_host_open(struct virtio_host *h, const struct vm_config *c,
		     struct pv_error *err);

/*
 * net_fd_check() - is the inherited @fd (--net @what@fd: "fd=" or
 * "vhost-fd=") the character device @want (CHARDEV_TUN: /dev/net/tun,
 * CHARDEV_VHOST_NET), by fstat and @sysfs/dev/char (host_fd_chardev)?
 * Returns 0, -EBADF (not open) or -EINVAL (something else: @err says
 * what it is).
 */
int net_fd_check(const char *sysfs, const char *what, int fd,
		 enum chardev_kind want, struct pv_error *err);

/*
 * virtio_host_close() - close the images, taps, listener; unlink uds_path.
 * Safe on a zeroed or partly opened @h.
 */
void virtio_host_close(struct virtio_host *h, const struct vm_config *c);

/*
 * virtio_devices_create() - for one boot: every drive (the root one
 * first, so it is /dev/vda), interface and the vsock device of @c on @pci,
 * over the host resources @h (virtio_host_open; not owned), their I/O
 * threads started; guest RAM from @mem, interrupts through @irq (one MSI
 * owner per device), ioeventfds on @vm_fd. On error what was built is
 * torn down and @err says what went wrong. *@out is NULL when @c has no
 * virtio device.
 */
int virtio_devices_create(struct virtio_devices **out,
			  const struct vm_config *c,
			  const struct virtio_host *h, struct mem_map *mem,
			  struct irq_router *irq, struct pci_bus *pci,
			  int vm_fd, struct pv_error *err);

/*
 * virtio_devices_use_devid() - tag every device's MSI routes and
 * injections on @irq with its requester ID (bus 0: its devfn) as the
 * MSI devid, for a GICv3 ITS (KVM_MSI_VALID_DEVID; arm64). Before the
 * guest runs. @vd NULL: nothing.
 */
void virtio_devices_use_devid(struct virtio_devices *vd,
			      struct irq_router *irq);

/*
 * virtio_disk_change() - PATCH /drives/{id} path_on_host: drive @i of @c
 * (its device in @vd) served from @path from now on
 * (virtio_blk_change), @h->image[@i] the new image (a --reboot keeps it)
 * and @c's path_on_host @path; the old image closed (its lock released).
 * The caller holds the boot (vm_boot_get), as a reboot reads @h and @c.
 * Errors: blk_image_open's (nothing changed), -ENOMEM (@c not changed),
 * -ENODEV (no device for the drive).
 */
int virtio_disk_change(struct virtio_devices *vd, struct virtio_host *h,
		       struct vm_config *c, unsigned int i, const char *path,
		       struct pv_error *err);

/*
 * virtio_devices_destroy() - stop the I/O threads, reset and free the
 * devices (their ioeventfds and irqfds go); the host resources stay.
 */
void virtio_devices_destroy(struct virtio_devices *vd);

#endif
