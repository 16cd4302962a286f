/* SPDX-License-Identifier: GPL-2.0 */
/* A tap interface for virtio-net: open by name, offloads, errors that help. */
#ifndef PASSVM_VIRTIO_TAP_H
#define PASSVM_VIRTIO_TAP_H

#include <stdint.h>

#include "util/log.h"

/* The vnet header on the tap: struct virtio_net_hdr_v1 (virtio 1.x). */
#define TAP_VNET_HDR_LEN 12

/*
 * tap_open() - attach to tap @name (Documentation/networking/tuntap.rst:
 * TUNSETIFF with IFF_TAP | IFF_NO_PI | IFF_VNET_HDR, one queue), with a
 * 12-byte vnet header (TUNSETVNETHDRSZ), non-blocking. A tap that does not
 * exist is created when passvm may (it then goes away with passvm: a
 * warning says so). Returns the fd, or -errno with @err naming the fix:
 * ENOENT (no /dev/net/tun: modprobe tun), EPERM (no such tap and no right
 * to create it: ip tuntap add NAME mode tap user USER), EBUSY (another
 * process has it), EINVAL (NAME is a tun, or no vnet header support).
 */
int tap_open(const char *name, struct pv_error *err);

/*
 * tap_adopt() - take @fd, an inherited open /dev/net/tun already attached
 * to an interface (a launcher's TUNSETIFF; --net fd=N): TUNGETIFF must
 * say IFF_TAP, IFF_NO_PI and IFF_VNET_HDR (fixed at TUNSETIFF: refused
 * when missing, with the flags the launcher must give); what can still be
 * set is: a 12-byte vnet header (TUNSETVNETHDRSZ), O_NONBLOCK and
 * close-on-exec. @name (IFNAMSIZ bytes) gets the interface's name. The fd
 * is not closed on error. Returns 0, or -errno with @err naming the fd and
 * the fix: ENOTTY (not a tun fd), EBADFD (attached to no interface),
 * EINVAL (a tun, or a flag missing). Source: tuntap.rst, <linux/if_tun.h>.
 */
int tap_adopt(int fd, char *name, struct pv_error *err);

/*
 * tap_set_offload() - TUNSETOFFLOAD: which offloads the guest takes on
 * receive (TUN_F_CSUM, TUN_F_TSO4/6, TUN_F_TSO_ECN). Returns 0 or -errno.
 */
int tap_set_offload(int fd, unsigned int flags);

#endif
