// SPDX-License-Identifier: GPL-2.0
/*
 * rtnetlink requests for a PF's VFs, and their answers; see
 * host/vf_link.h. A minimal builder of our own (Debian's libmnl-dev has no
 * static library for the musl binary): netlink(7) message framing with
 * NLMSG_ALIGN, attributes with NLA_ALIGN, nests closed by patching their
 * length. Sources: <linux/netlink.h>, <linux/rtnetlink.h>,
 * <linux/if_link.h>, rtnetlink(7), net/core/rtnetlink.c (do_setvfinfo,
 * rtnl_fill_vfinfo: trust and spoofchk are -1 when the driver does not
 * fill them).
 */
#include "host/vf_link.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#define RECV_BUF (128 * 1024) /* an RTM_NEWLINK with many VFs and stats */

/* ---- the builder ---- */

struct nl_buf {
	uint8_t *p;
	size_t len, used; /* bytes */
	bool overflow;
};

static void *nb_reserve(struct nl_buf *b, size_t n)
{
	size_t aligned = NLMSG_ALIGN(n);
	void *at;

	if (b->overflow || aligned > b->len - b->used) {
		b->overflow = true;
		return NULL;
	}
	at = b->p + b->used;
	memset(at, 0, aligned);
	b->used += aligned;
	return at;
}

/* Start a message: header and family header (@fam bytes). */
static struct nlmsghdr *nb_msg(struct nl_buf *b, uint16_t type, uint16_t flags,
			       uint32_t seq, size_t fam)
{
	struct nlmsghdr *h = nb_reserve(b, NLMSG_HDRLEN);

	if (!h || !nb_reserve(b, fam))
		return NULL;
	h->nlmsg_type = type;
	h->nlmsg_flags = flags;
	h->nlmsg_seq = seq;
	return h;
}

static struct nlattr *nb_attr(struct nl_buf *b, uint16_t type, const void *data,
			      size_t n)
{
	struct nlattr *a = nb_reserve(b, NLA_HDRLEN + n);

	if (!a)
		return NULL;
	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + n);
	if (n)
		memcpy((uint8_t *)a + NLA_HDRLEN, data, n);
	return a;
}

/* A nest's length covers everything added since it was opened. */
static void nb_nest_end(struct nl_buf *b, struct nlattr *nest)
{
	if (nest && !b->overflow)
		nest->nla_len = (uint16_t)(b->p + b->used - (uint8_t *)nest);
}

static int nb_finish(struct nl_buf *b, struct nlmsghdr *h)
{
	if (!h || b->overflow || b->used > UINT16_MAX)
		return -ENOBUFS;
	h->nlmsg_len = (uint32_t)b->used;
	return (int)b->used;
}

void vf_link_req_init(struct vf_link_req *r, unsigned int vf)
{
	memset(r, 0, sizeof(*r));
	r->vf = vf;
	r->trust = r->spoofchk = -1;
}

int vf_link_build_set(void *buf, size_t len, uint32_t seq, int ifindex,
		      const struct vf_link_req *r)
{
	struct nl_buf b = { buf, len, 0, false };
	struct nlattr *list, *info;
	struct ifinfomsg *ifi;
	struct nlmsghdr *h;

	if (!r->set_mac && !r->set_vlan && r->trust < 0 && r->spoofchk < 0)
		return -EINVAL;
	if (r->set_vlan && (r->vlan > VF_VLAN_MAX || r->qos > VF_QOS_MAX))
		return -EINVAL;
	if (r->trust > 1 || r->spoofchk > 1)
		return -EINVAL;
	h = nb_msg(&b, RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, seq,
		   sizeof(*ifi));
	if (!h)
		return -ENOBUFS;
	ifi = NLMSG_DATA(h);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	list = nb_attr(&b, IFLA_VFINFO_LIST, NULL, 0);
	info = nb_attr(&b, IFLA_VF_INFO, NULL, 0);
	if (r->set_mac) {
		struct ifla_vf_mac m = { .vf = r->vf };

		memcpy(m.mac, r->mac, 6);
		nb_attr(&b, IFLA_VF_MAC, &m, sizeof(m));
	}
	if (r->set_vlan) {
		struct ifla_vf_vlan v = { r->vf, r->vlan, r->qos };

		nb_attr(&b, IFLA_VF_VLAN, &v, sizeof(v));
	}
	if (r->trust >= 0) {
		struct ifla_vf_trust t = { r->vf, (uint32_t)r->trust };

		nb_attr(&b, IFLA_VF_TRUST, &t, sizeof(t));
	}
	if (r->spoofchk >= 0) {
		struct ifla_vf_spoofchk s = { r->vf, (uint32_t)r->spoofchk };

		nb_attr(&b, IFLA_VF_SPOOFCHK, &s, sizeof(s));
	}
	nb_nest_end(&b, info);
	nb_nest_end(&b, list);
	return nb_finish(&b, h);
}

int vf_link_build_get(void *buf, size_t len, uint32_t seq, int ifindex)
{
	struct nl_buf b = { buf, len, 0, false };
	uint32_t mask = RTEXT_FILTER_VF;
	struct ifinfomsg *ifi;
	struct nlmsghdr *h;

	h = nb_msg(&b, RTM_GETLINK, NLM_F_REQUEST, seq, sizeof(*ifi));
	if (!h)
		return -ENOBUFS;
	ifi = NLMSG_DATA(h);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	nb_attr(&b, IFLA_EXT_MASK, &mask, sizeof(mask));
	return nb_finish(&b, h);
}

/* ---- the parser ---- */

/*
 * The next message of @seq at or after *@off in @buf (@len bytes), with
 * its length checked; NULL at the end. -EINVAL in *@bad when malformed.
 */
static const struct nlmsghdr *next_msg(const uint8_t *buf, size_t len,
				       size_t *off, uint32_t seq, int *bad)
{
	while (*off + NLMSG_HDRLEN <= len) {
		const struct nlmsghdr *h = (const void *)(buf + *off);

		if (h->nlmsg_len < NLMSG_HDRLEN || h->nlmsg_len > len - *off) {
			*bad = -EINVAL;
			return NULL;
		}
		*off += NLMSG_ALIGN(h->nlmsg_len);
		if (h->nlmsg_seq == seq)
			return h;
	}
	return NULL;
}

/* The errno of an NLMSG_ERROR (0: an acknowledgement), or -EINVAL. */
static int error_of(const struct nlmsghdr *h)
{
	const struct nlmsgerr *e = NLMSG_DATA(h);

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)) || e->error > 0)
		return -EINVAL;
	return e->error;
}

int vf_link_parse_ack(const void *buf, size_t len, uint32_t seq)
{
	const struct nlmsghdr *h;
	size_t off = 0;
	int bad = 0;

	while ((h = next_msg(buf, len, &off, seq, &bad)))
		if (h->nlmsg_type == NLMSG_ERROR)
			return error_of(h);
	return bad ? bad : -ENOMSG;
}

/* Walk the attributes in [p, p + len): each call gives the next one. */
struct attr_iter {
	const uint8_t *p;
	size_t len, off;
	bool bad;
};

static const struct nlattr *attr_next(struct attr_iter *it, uint16_t *type,
				      const void **data, size_t *n)
{
	const struct nlattr *a;

	if (it->off + NLA_HDRLEN > it->len)
		return NULL;
	a = (const void *)(it->p + it->off);
	if (a->nla_len < NLA_HDRLEN || a->nla_len > it->len - it->off) {
		it->bad = true;
		return NULL;
	}
	*type = a->nla_type & NLA_TYPE_MASK;
	*data = (const uint8_t *)a + NLA_HDRLEN;
	*n = a->nla_len - NLA_HDRLEN;
	it->off += NLA_ALIGN(a->nla_len);
	return a;
}

/* Read the leading __u32 vf and the __u32 setting after it. */
static bool vf_u32_pair(const void *d, size_t n, uint32_t *vf, uint32_t *val)
{
	uint32_t v[2];

	if (n < sizeof(v))
		return false;
	memcpy(v, d, sizeof(v));
	*vf = v[0];
	*val = v[1];
	return true;
}

/* One IFLA_VF_INFO into @vi. */
static bool parse_vf(const void *d, size_t n, struct vf_link_info *vi)
{
	struct attr_iter it = { d, n, 0, false };
	const void *ad;
	uint16_t t;
	size_t an;
	uint32_t vf, val;

	memset(vi, 0, sizeof(*vi));
	vi->trust = vi->spoofchk = vi->link_state = -1;
	while (attr_next(&it, &t, &ad, &an)) {
		switch (t) {
		case IFLA_VF_MAC: {
			struct ifla_vf_mac m;

			if (an < sizeof(m))
				return false;
			memcpy(&m, ad, sizeof(m));
			vi->vf = m.vf;
			memcpy(vi->mac, m.mac, 6);
			break;
		}
		case IFLA_VF_VLAN: {
			struct ifla_vf_vlan v;

			if (an < sizeof(v))
				return false;
			memcpy(&v, ad, sizeof(v));
			vi->vlan = v.vlan;
			vi->qos = v.qos;
			break;
		}
		case IFLA_VF_TRUST:
		case IFLA_VF_SPOOFCHK:
		case IFLA_VF_LINK_STATE:
			if (!vf_u32_pair(ad, an, &vf, &val))
				return false;
			/* (u32)-1: the driver did not say. */
			if (t == IFLA_VF_TRUST)
				vi->trust = val > 1 ? -1 : (int)val;
			else if (t == IFLA_VF_SPOOFCHK)
				vi->spoofchk = val > 1 ? -1 : (int)val;
			else
				vi->link_state = val > 2 ? -1 : (int)val;
			break;
		default:
			break; /* rates, stats, VLAN list, GUIDs... */
		}
	}
	return !it.bad;
}

int vf_link_parse(const void *buf, size_t len, uint32_t seq,
		  struct vf_link_info *out, int max, int *num_vf)
{
	const struct nlmsghdr *h;
	size_t off = 0;
	int bad = 0;

	*num_vf = -1;
	while ((h = next_msg(buf, len, &off, seq, &bad))) {
		size_t hdr = NLMSG_LENGTH(sizeof(struct ifinfomsg));
		struct attr_iter it;
		const void *d;
		uint16_t t;
		size_t n;
		int count = 0;

		if (h->nlmsg_type == NLMSG_ERROR)
			return error_of(h) ? error_of(h) : -ENOMSG;
		if (h->nlmsg_type != RTM_NEWLINK)
			continue;
		if (h->nlmsg_len < hdr)
			return -EINVAL;
		it = (struct attr_iter){ (const uint8_t *)h + NLMSG_ALIGN(hdr),
					 h->nlmsg_len - NLMSG_ALIGN(hdr), 0,
					 false };
		while (attr_next(&it, &t, &d, &n)) {
			struct attr_iter in = { d, n, 0, false };
			const void *vd;
			uint16_t vt;
			size_t vn;

			if (t == IFLA_NUM_VF && n >= 4) {
				uint32_t v;

				memcpy(&v, d, 4);
				*num_vf = (int)(v > 0xffff ? 0xffff : v);
			}
			if (t != IFLA_VFINFO_LIST)
				continue;
			while (attr_next(&in, &vt, &vd, &vn)) {
				struct vf_link_info vi;

				if (vt != IFLA_VF_INFO)
					continue;
				if (!parse_vf(vd, vn, &vi))
					return -EINVAL;
				if (count < max)
					out[count] = vi;
				count++;
			}
			if (in.bad)
				return -EINVAL;
		}
		return it.bad ? -EINVAL : count;
	}
	return bad ? bad : -ENOMSG;
}

/* ---- the socket ---- */

/* Send @req (@n bytes) on a new NETLINK_ROUTE socket; answer in @ans. */
static int transact(const void *req, size_t n, void *ans, size_t alen,
		    ssize_t *got)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct timeval tv = { 5, 0 };
	int fd, e;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (sendto(fd, req, n, 0, (struct sockaddr *)&kernel, sizeof(kernel)) !=
	    (ssize_t)n) {
		e = -errno;
		close(fd);
		return e ? e : -EIO;
	}
	*got = recv(fd, ans, alen, 0);
	e = *got < 0 ? -errno : 0;
	close(fd);
	return e;
}

static int ifindex_of(const char *ifname, struct pv_error *err)
{
	unsigned int i = if_nametoindex(ifname);

	if (!i)
		return pv_seterr(
			err, ENODEV,
			"no network interface %s (the PF's netdev): is its driver loaded? see `ip link`",
			ifname);
	return (int)i;
}

static uint32_t next_seq(void)
{
	static uint32_t seq;

	if (!seq)
		seq = (uint32_t)getpid() << 8;
	return ++seq;
}

int vf_link_set(const char *ifname, const struct vf_link_req *r,
		struct pv_error *err)
{
	uint8_t req[512], ans[1024];
	uint32_t seq = next_seq();
	ssize_t got = 0;
	int idx, n, e;

	idx = ifindex_of(ifname, err);
	if (idx < 0)
		return idx;
	n = vf_link_build_set(req, sizeof(req), seq, idx, r);
	if (n < 0)
		return pv_seterr(
			err, -n,
			"VF %u: nothing to set, or a VLAN above %d or QoS above %d",
			r->vf, VF_VLAN_MAX, VF_QOS_MAX);
	e = transact(req, (size_t)n, ans, sizeof(ans), &got);
	if (!e)
		e = vf_link_parse_ack(ans, (size_t)got, seq);
	if (!e)
		return 0;
	if (e == -EOPNOTSUPP)
		return pv_seterr(
			err, -e,
			"%s's driver cannot set that on VF %u (%s): see `ip link show %s`",
			ifname, r->vf, strerror(-e), ifname);
	return pv_seterr(
		err, -e, "setting VF %u of %s: %s%s", r->vf, ifname,
		strerror(-e),
		e == -EPERM || e == -EACCES ?
			": run passvm as root" :
		e == -EINVAL ?
			": the driver refused a value (is the VF index below the PF's VF count?)" :
			"");
}

int vf_link_get(const char *ifname, struct vf_link_info *out, int max,
		struct pv_error *err)
{
	uint32_t seq = next_seq();
	uint8_t req[128], *ans;
	ssize_t got = 0;
	int idx, n, e, num;

	idx = ifindex_of(ifname, err);
	if (idx < 0)
		return idx;
	n = vf_link_build_get(req, sizeof(req), seq, idx);
	ans = malloc(RECV_BUF);
	if (n < 0 || !ans) {
		free(ans);
		return pv_seterr(err, ENOMEM, "out of memory");
	}
	e = transact(req, (size_t)n, ans, RECV_BUF, &got);
	if (!e)
		e = vf_link_parse(ans, (size_t)got, seq, out, max, &num);
	free(ans);
	if (e < 0)
		return pv_seterr(err, -e, "reading %s's VFs (RTM_GETLINK): %s",
				 ifname, strerror(-e));
	return e;
}

void vf_link_format_mac(const uint8_t mac[6], char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int vf_link_parse_mac(const char *s, uint8_t mac[6])
{
	uint8_t m[6];
	int i;

	if (strlen(s) != 17)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		int hi = hexval(s[3 * i]), lo = hexval(s[3 * i + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':'))
			return -EINVAL;
		m[i] = (uint8_t)(hi << 4 | lo);
	}
	if (m[0] & 1) /* multicast */
		return -EINVAL;
	memcpy(mac, m, 6);
	return 0;
}
