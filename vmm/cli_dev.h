/* SPDX-License-Identifier: GPL-2.0 */
/* `passvm run`'s virtio device options: --disk, --net, --vsock. */
#ifndef PASSVM_VMM_CLI_DEV_H
#define PASSVM_VMM_CLI_DEV_H

#include "util/log.h"
#include "vmm/vm_config.h"

/* getopt_long() values of these options, above cli_ctl.h's. */
enum {
	O_DEV_FIRST = 640,
	O_DEV_DISK = O_DEV_FIRST,
	O_DEV_NET,
	O_DEV_VSOCK,
};

/* The rows cli_parse_run() adds to its struct option table. */
/* clang-format off */
#define CLI_DEV_OPTIONS \
	{ "disk", required_argument, NULL, O_DEV_DISK }, \
	{ "net", required_argument, NULL, O_DEV_NET }, \
	{ "vsock", required_argument, NULL, O_DEV_VSOCK }

/* Their part of `passvm run --help`. */
#define CLI_DEV_HELP \
	"  --disk PATH[,ro][,serial=S][,id=ID]\n" \
	"                     a virtio-blk disk on raw image PATH (read-only\n" \
	"                     with ,ro; GET_ID answers S); repeatable\n" \
	"  --net tap=NAME[,mac=MAC][,vhost=on|off][,id=ID]\n" \
	"                     a virtio-net interface on tap NAME (create one\n" \
	"                     with: ip tuntap add NAME mode tap), vhost-net by\n" \
	"                     default when /dev/vhost-net exists; repeatable\n" \
	"  --net fd=N[,vhost-fd=M][,mac=MAC][,vhost=on|off][,id=ID]\n" \
	"                     the same on an inherited open tap (fd N, from\n" \
	"                     /dev/net/tun attached with IFF_TAP | IFF_NO_PI |\n" \
	"                     IFF_VNET_HDR) and, with vhost-fd, an inherited\n" \
	"                     open /dev/vhost-net (fd M)\n" \
	"  --vsock cid=N,uds=PATH\n" \
	"                     a virtio-vsock device, guest CID N (>= 3), its\n" \
	"                     host side on Unix socket PATH as Firecracker's\n" \
	"                     (CONNECT <port> on PATH; PATH_<port> for\n" \
	"                     connections from the guest)\n"
/* clang-format on */

/*
 * cli_dev_opt() - one of the options above (@c, its getopt value; @arg)
 * into @o: a disk_cfg, net_cfg or the vsock_cfg, strings copied into @o.
 * Returns 0, or -EINVAL with a message in @err saying what to write.
 */
int cli_dev_opt(int c, const char *arg, struct vm_config *o,
		struct pv_error *err);

/*
 * cli_parse_fd() - @arg, an inherited fd number given to option @opt (for
 * messages: "--kvm-fd", "--net fd="), into *@fd: 3 or more (0-2 are
 * stdio). Only the number is checked. Returns 0 or -EINVAL with @err.
 */
int cli_parse_fd(const char *opt, const char *arg, int *fd,
		 struct pv_error *err);

/*
 * cli_dev_check() - once all options are read: ids for the disks and
 * interfaces given none (blkN, netN), and virtio_devices_check().
 */
int cli_dev_check(struct vm_config *o, struct pv_error *err);

#endif
