// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for host/vf_link.c: the RTM_SETLINK and RTM_GETLINK requests
 * byte by byte (the layout of rtnetlink(7), <linux/if_link.h>; numbers
 * written out here, not taken from the headers, so that a wrong constant
 * in the builder fails), and the parser on a canned RTM_NEWLINK answer
 * shaped like the kernel's rtnl_fill_vfinfo() output, on acks and errors,
 * and on truncated or corrupted answers.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "host/vf_link.h"

/* A little-endian byte writer for the expected and canned messages. */
struct w {
	uint8_t b[1024];
	size_t n;
};

static void u8s(struct w *w, const void *p, size_t n)
{
	memcpy(w->b + w->n, p, n);
	w->n += n;
}

static void u16(struct w *w, uint16_t v)
{
	u8s(w, &v, 2);
}

static void u32(struct w *w, uint32_t v)
{
	u8s(w, &v, 4);
}

static void pad4(struct w *w)
{
	while (w->n % 4)
		w->b[w->n++] = 0;
}

/* An attribute header; returns its offset for patching a nest length. */
static size_t attr(struct w *w, uint16_t len, uint16_t type)
{
	size_t at = w->n;

	u16(w, len);
	u16(w, type);
	return at;
}

static void patch16(struct w *w, size_t at, size_t len)
{
	uint16_t v = (uint16_t)len;

	memcpy(w->b + at, &v, 2);
}

/* nlmsghdr + ifinfomsg (index @idx). */
static void msg_head(struct w *w, uint16_t type, uint16_t flags, uint32_t seq,
		     int32_t idx)
{
	u32(w, 0); /* length, patched */
	u16(w, type);
	u16(w, flags);
	u32(w, seq);
	u32(w, 0); /* port id */
	w->b[w->n++] = 0; /* AF_UNSPEC */
	w->b[w->n++] = 0;
	u16(w, 0); /* ifi_type */
	u32(w, (uint32_t)idx);
	u32(w, 0); /* flags */
	u32(w, 0); /* change */
}

static void msg_end(struct w *w, size_t start)
{
	uint32_t len = (uint32_t)(w->n - start);

	memcpy(w->b + start, &len, 4);
}

static const uint8_t MAC1[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x01 };

static void test_build_set_bytes(void **state)
{
	struct vf_link_req r;
	uint8_t buf[512], mac32[32] = { 0 };
	struct w e = { .n = 0 };
	int n;

	vf_link_req_init(&r, 1);
	r.set_mac = true;
	memcpy(r.mac, MAC1, 6);
	r.set_vlan = true;
	r.vlan = 100;
	r.qos = 3;
	r.trust = 1;
	r.spoofchk = 0;
	n = vf_link_build_set(buf, sizeof(buf), 0x1234, 7, &r);

	/* RTM_SETLINK = 19, NLM_F_REQUEST | NLM_F_ACK = 0x5. */
	msg_head(&e, 19, 0x5, 0x1234, 7);
	attr(&e, 88, 22); /* IFLA_VFINFO_LIST */
	attr(&e, 84, 1); /* IFLA_VF_INFO */
	attr(&e, 40, 1); /* IFLA_VF_MAC: vf, mac[32] */
	u32(&e, 1);
	memcpy(mac32, MAC1, 6);
	u8s(&e, mac32, 32);
	attr(&e, 16, 2); /* IFLA_VF_VLAN: vf, vlan, qos */
	u32(&e, 1);
	u32(&e, 100);
	u32(&e, 3);
	attr(&e, 12, 9); /* IFLA_VF_TRUST: vf, setting */
	u32(&e, 1);
	u32(&e, 1);
	attr(&e, 12, 4); /* IFLA_VF_SPOOFCHK: vf, setting */
	u32(&e, 1);
	u32(&e, 0);
	msg_end(&e, 0);
	assert_int_equal(n, 120);
	assert_int_equal(e.n, 120);
	assert_memory_equal(buf, e.b, 120);
}

/* Only what is asked for is sent: here the MAC alone. */
static void test_build_set_mac_only(void **state)
{
	struct vf_link_req r;
	uint8_t buf[512];
	int n;

	vf_link_req_init(&r, 0);
	r.set_mac = true;
	memcpy(r.mac, MAC1, 6);
	n = vf_link_build_set(buf, sizeof(buf), 1, 3, &r);
	assert_int_equal(n, 16 + 16 + 4 + 4 + 40);
	assert_int_equal(buf[32] | buf[33] << 8, 48); /* list */
	assert_int_equal(buf[36] | buf[37] << 8, 44); /* info */
	assert_int_equal(buf[42] | buf[43] << 8, 1); /* IFLA_VF_MAC */
}

static void test_build_set_refuses(void **state)
{
	struct vf_link_req r;
	uint8_t buf[512];

	vf_link_req_init(&r, 0);
	assert_int_equal(vf_link_build_set(buf, sizeof(buf), 1, 3, &r),
			 -EINVAL); /* nothing to set */
	r.set_vlan = true;
	r.vlan = 4096;
	assert_int_equal(vf_link_build_set(buf, sizeof(buf), 1, 3, &r),
			 -EINVAL);
	r.vlan = 4095;
	r.qos = 8;
	assert_int_equal(vf_link_build_set(buf, sizeof(buf), 1, 3, &r),
			 -EINVAL);
	r.qos = 7;
	assert_int_equal(vf_link_build_set(buf, 55, 1, 3, &r), -ENOBUFS);
	assert_int_equal(vf_link_build_set(buf, 16, 1, 3, &r), -ENOBUFS);
	assert_int_equal(vf_link_build_set(buf, 56, 1, 3, &r), 56);
}

static void test_build_get_bytes(void **state)
{
	struct w e = { .n = 0 };
	uint8_t buf[128];

	/* RTM_GETLINK = 18, NLM_F_REQUEST; IFLA_EXT_MASK = 29. */
	msg_head(&e, 18, 0x1, 99, 12);
	attr(&e, 8, 29);
	u32(&e, 1); /* RTEXT_FILTER_VF */
	msg_end(&e, 0);
	assert_int_equal(vf_link_build_get(buf, sizeof(buf), 99, 12), 40);
	assert_memory_equal(buf, e.b, 40);
	assert_int_equal(vf_link_build_get(buf, 39, 99, 12), -ENOBUFS);
}

/* One IFLA_VF_INFO as rtnl_fill_vfinfo() writes it. */
static void canned_vf(struct w *w, uint32_t vf, const uint8_t *mac,
		      uint32_t vlan, uint32_t qos, uint32_t spoof,
		      uint32_t trust)
{
	uint8_t mac32[32] = { 0 };
	size_t info = attr(w, 0, 1), vs;

	memcpy(mac32, mac, 6);
	attr(w, 40, 1); /* MAC */
	u32(w, vf);
	u8s(w, mac32, 32);
	attr(w, 16, 2); /* VLAN */
	u32(w, vf);
	u32(w, vlan);
	u32(w, qos);
	attr(w, 12, 3); /* TX_RATE */
	u32(w, vf);
	u32(w, 0);
	attr(w, 12, 4); /* SPOOFCHK */
	u32(w, vf);
	u32(w, spoof);
	attr(w, 12, 5); /* LINK_STATE: auto */
	u32(w, vf);
	u32(w, 0);
	attr(w, 16, 6); /* RATE */
	u32(w, vf);
	u32(w, 0);
	u32(w, 0);
	attr(w, 12, 7); /* RSS_QUERY_EN: -1 */
	u32(w, vf);
	u32(w, 0xffffffff);
	attr(w, 12, 9); /* TRUST */
	u32(w, vf);
	u32(w, trust);
	vs = attr(w, 0, 8 | 0x8000); /* STATS, nested (NLA_F_NESTED) */
	attr(w, 12, 0); /* RX_PACKETS, u64 */
	u32(w, 5);
	u32(w, 0);
	patch16(w, vs, w->n - vs);
	patch16(w, info, w->n - info);
}

/* An RTM_NEWLINK for "enp1s0" with two VFs, as the kernel answers. */
static size_t canned_newlink(struct w *w, uint32_t seq)
{
	static const uint8_t mac2[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x02 };
	size_t list;

	w->n = 0;
	msg_head(w, 16, 0, seq, 12);
	attr(w, 11, 3); /* IFLA_IFNAME */
	u8s(w, "enp1s0", 7);
	pad4(w);
	attr(w, 8, 21); /* IFLA_NUM_VF */
	u32(w, 2);
	list = attr(w, 0, 22);
	canned_vf(w, 0, MAC1, 100, 3, 1, 0);
	canned_vf(w, 1, mac2, 0, 0, 0, 0xffffffff); /* trust not said */
	patch16(w, list, w->n - list);
	attr(w, 8, 4); /* IFLA_MTU */
	u32(w, 1500);
	msg_end(w, 0);
	return w->n;
}

static void test_parse_newlink(void **state)
{
	struct vf_link_info v[4];
	struct w w;
	size_t len = canned_newlink(&w, 77);
	int num;

	assert_int_equal(vf_link_parse(w.b, len, 77, v, 4, &num), 2);
	assert_int_equal(num, 2);
	assert_int_equal(v[0].vf, 0);
	assert_memory_equal(v[0].mac, MAC1, 6);
	assert_int_equal(v[0].vlan, 100);
	assert_int_equal(v[0].qos, 3);
	assert_int_equal(v[0].spoofchk, 1);
	assert_int_equal(v[0].trust, 0);
	assert_int_equal(v[0].link_state, 0);
	assert_int_equal(v[1].vf, 1);
	assert_int_equal(v[1].mac[5], 0x02);
	assert_int_equal(v[1].spoofchk, 0);
	assert_int_equal(v[1].trust, -1);
	/* Room for one: the count is still two. */
	memset(v, 0, sizeof(v));
	assert_int_equal(vf_link_parse(w.b, len, 77, v, 1, &num), 2);
	assert_int_equal(v[0].vlan, 100);
	assert_int_equal(v[1].vlan, 0);
	/* Another sequence number: not our answer. */
	assert_int_equal(vf_link_parse(w.b, len, 78, v, 4, &num), -ENOMSG);
}

/* Every truncation and every one-byte corruption is refused or parsed,
 * never read past the end (the buffer is exactly the message). */
static void test_parse_hostile(void **state)
{
	struct vf_link_info v[4];
	uint8_t copy[1024];
	struct w w;
	size_t len = canned_newlink(&w, 5), i;
	int num, r;

	for (i = 0; i < len; i++) {
		memcpy(copy, w.b, i);
		r = vf_link_parse(copy, i, 5, v, 4, &num);
		assert_true(r < 0);
	}
	for (i = 0; i < len; i++) {
		memcpy(copy, w.b, len);
		copy[i] ^= 0xff;
		r = vf_link_parse(copy, len, 5, v, 4, &num);
		assert_true(r >= -ENOMSG && r <= 2);
	}
	/* An attribute longer than its nest. */
	memcpy(copy, w.b, len);
	copy[32 + 12 + 8] = 0xff; /* IFLA_VFINFO_LIST's length, low byte */
	copy[32 + 12 + 9] = 0x0f;
	assert_int_equal(vf_link_parse(copy, len, 5, v, 4, &num), -EINVAL);
}

static void errmsg(struct w *w, uint32_t seq, int32_t error)
{
	w->n = 0;
	u32(w, 0);
	u16(w, 2); /* NLMSG_ERROR */
	u16(w, 0);
	u32(w, seq);
	u32(w, 0);
	u32(w, (uint32_t)error);
	/* The request's header, as the kernel echoes it. */
	u32(w, 16);
	u16(w, 19);
	u16(w, 5);
	u32(w, seq);
	u32(w, 0);
	msg_end(w, 0);
}

static void test_ack_and_errors(void **state)
{
	struct vf_link_info v[2];
	struct w w;
	int num;

	errmsg(&w, 9, 0);
	assert_int_equal(vf_link_parse_ack(w.b, w.n, 9), 0);
	assert_int_equal(vf_link_parse_ack(w.b, w.n, 8), -ENOMSG);
	errmsg(&w, 9, -EOPNOTSUPP);
	assert_int_equal(vf_link_parse_ack(w.b, w.n, 9), -EOPNOTSUPP);
	assert_int_equal(vf_link_parse(w.b, w.n, 9, v, 2, &num), -EOPNOTSUPP);
	errmsg(&w, 9, 5); /* a positive error is nonsense */
	assert_int_equal(vf_link_parse_ack(w.b, w.n, 9), -EINVAL);
	assert_int_equal(vf_link_parse_ack(w.b, 12, 9), -ENOMSG);
	w.b[0] = 200; /* nlmsg_len past the end */
	assert_int_equal(vf_link_parse_ack(w.b, 36, 9), -EINVAL);
}

static void test_mac_text(void **state)
{
	uint8_t mac[6];
	char text[18];

	assert_int_equal(vf_link_parse_mac("52:54:00:Ab:cD:0f", mac), 0);
	vf_link_format_mac(mac, text);
	assert_string_equal(text, "52:54:00:ab:cd:0f");
	assert_int_equal(vf_link_parse_mac("01:00:5e:00:00:01", mac), -EINVAL);
	assert_int_equal(vf_link_parse_mac("52:54:00:12:34", mac), -EINVAL);
	assert_int_equal(vf_link_parse_mac("52-54-00-12-34-56", mac), -EINVAL);
	assert_int_equal(vf_link_parse_mac("52:54:00:12:34:5g", mac), -EINVAL);
	assert_int_equal(vf_link_parse_mac("52:54:00:12:34:567", mac), -EINVAL);
	assert_int_equal(vf_link_parse_mac(" 2:54:00:12:34:56", mac), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_set_bytes),
		cmocka_unit_test(test_build_set_mac_only),
		cmocka_unit_test(test_build_set_refuses),
		cmocka_unit_test(test_build_get_bytes),
		cmocka_unit_test(test_parse_newlink),
		cmocka_unit_test(test_parse_hostile),
		cmocka_unit_test(test_ack_and_errors),
		cmocka_unit_test(test_mac_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
