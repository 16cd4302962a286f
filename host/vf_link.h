/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A VF's MAC, VLAN, trust and spoof checking, set and read through the
 * PF's netdev over rtnetlink, as `ip link set PF vf N mac .. vlan .. qos ..
 * trust on|off spoofchk on|off` and `ip link show PF` do: RTM_SETLINK
 * with IFLA_VFINFO_LIST / IFLA_VF_INFO holding IFLA_VF_MAC, IFLA_VF_VLAN,
 * IFLA_VF_TRUST, IFLA_VF_SPOOFCHK; RTM_GETLINK with IFLA_EXT_MASK
 * RTEXT_FILTER_VF, whose RTM_NEWLINK answer lists every VF. Sources:
 * <linux/rtnetlink.h>, <linux/if_link.h>, <linux/netlink.h>, rtnetlink(7),
 * netlink(7), the kernel's do_setvfinfo() and rtnl_fill_vfinfo()
 * (net/core/rtnetlink.c).
 *
 * The message builder and parser work on caller buffers and touch no
 * socket, so the unit tests check their bytes; vf_link_set() and
 * vf_link_get() do the socket I/O (NETLINK_ROUTE, one request, its
 * answer).
 */
#ifndef PASSVM_HOST_VF_LINK_H
#define PASSVM_HOST_VF_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/log.h"

#define VF_VLAN_MAX 4095
#define VF_QOS_MAX 7

/* What to change on VF @vf; what is not asked for stays. */
struct vf_link_req {
	unsigned int vf; /* index among the PF's VFs */
	bool set_mac;
	uint8_t mac[6];
	bool set_vlan;
	uint16_t vlan; /* 0 (none) .. VF_VLAN_MAX */
	uint8_t qos; /* 802.1p priority, 0 .. VF_QOS_MAX */
	int trust; /* -1 unchanged, 0 off, 1 on */
	int spoofchk; /* -1 unchanged, 0 off, 1 on */
};

/* A VF as the PF's driver reports it. */
struct vf_link_info {
	unsigned int vf;
	uint8_t mac[6];
	unsigned int vlan, qos;
	int trust, spoofchk; /* 1, 0, or -1 when the driver does not say */
	int link_state; /* IFLA_VF_LINK_STATE_*, or -1 not reported */
};

/* vf_link_req_init() - a request for VF @vf that changes nothing yet. */
void vf_link_req_init(struct vf_link_req *r, unsigned int vf);

/*
 * vf_link_build_set() - an RTM_SETLINK request (NLM_F_REQUEST |
 * NLM_F_ACK, sequence number @seq) for interface @ifindex with one
 * IFLA_VF_INFO holding the attributes @r asks for, into @buf (@len
 * bytes). Returns its length in bytes, -ENOBUFS when it does not fit,
 * -EINVAL when @r asks for nothing or is out of range (VLAN, QoS).
 */
int vf_link_build_set(void *buf, size_t len, uint32_t seq, int ifindex,
		      const struct vf_link_req *r);

/*
 * vf_link_build_get() - an RTM_GETLINK request for @ifindex with
 * IFLA_EXT_MASK = RTEXT_FILTER_VF, into @buf. Returns its length in
 * bytes or -ENOBUFS.
 */
int vf_link_build_get(void *buf, size_t len, uint32_t seq, int ifindex);

/*
 * vf_link_parse_ack() - the answer to a request with sequence number
 * @seq, @len bytes at @buf: 0 for an acknowledgement (NLMSG_ERROR with
 * error 0), the negative errno the kernel answered, -EINVAL when
 * malformed, -ENOMSG when no answer for @seq is there.
 */
int vf_link_parse_ack(const void *buf, size_t len, uint32_t seq);

/*
 * vf_link_parse() - the VFs of the RTM_NEWLINK answer to @seq in @buf
 * (@len bytes; hostile input: every length is checked): at most @max
 * into @out, in the answer's order. *@num_vf gets IFLA_NUM_VF (-1 when
 * absent). Returns how many VFs the answer lists (may exceed @max), the
 * kernel's negative errno (NLMSG_ERROR), -EINVAL (malformed) or -ENOMSG
 * (no RTM_NEWLINK for @seq).
 */
int vf_link_parse(const void *buf, size_t len, uint32_t seq,
		  struct vf_link_info *out, int max, int *num_vf);

/*
 * vf_link_set() - send @r for the PF interface @ifname and wait for the
 * kernel's acknowledgement. Errors (one line in @err): -ENODEV (no such
 * interface), the kernel's errno (-EOPNOTSUPP: the PF's driver cannot do
 * that; -EINVAL: a value it refuses; -EPERM: not root).
 */
int vf_link_set(const char *ifname, const struct vf_link_req *r,
		struct pv_error *err);

/*
 * vf_link_get() - the VFs of the PF interface @ifname (RTM_GETLINK),
 * at most @max into @out. Returns the count or a negative errno with one
 * line in @err.
 */
int vf_link_get(const char *ifname, struct vf_link_info *out, int max,
		struct pv_error *err);

/* vf_link_format_mac() - "52:54:00:12:34:56" into @buf (18 bytes). */
void vf_link_format_mac(const uint8_t mac[6], char buf[18]);

/*
 * vf_link_parse_mac() - "52:54:00:12:34:56" (hex, colons) into @mac.
 * Returns 0, or -EINVAL (malformed, or a multicast address, which no VF
 * may have).
 */
int vf_link_parse_mac(const char *s, uint8_t mac[6]);

#endif
