/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "teredo.h"
#include "packet.h"

/*
 * Everything works on byte offsets with explicit big-endian helpers:
 * the IPv6 packet of a Teredo datagram sits at any offset after the
 * authentication encapsulation (13 bytes or more), so no wire struct is
 * ever dereferenced in place.
 */

#define OFF_PLEN	4
#define OFF_NXT		6
#define OFF_HLIM	7
#define OFF_SRC		8
#define OFF_DST		24
#define ICMP6_HDR_LEN	8		/* type, code, cksum, 4 more bytes */
#define RA_HDR_LEN	16		/* RFC 4861 4.2 */
#define ND_OPT_PREFIX	3		/* RFC 4861 4.6.2 */
#define ND_OPT_PREFIX_LEN 32
#define ND_OPT_MTU	5		/* RFC 4861 4.6.4 */
#define ND_OPT_MTU_LEN	8
#define ND_HLIM		255		/* RFC 4861 6.1: must be 255 */
#define DEF_HLIM	64

static const struct in6_addr all_routers = { { {
	0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02 } } };

/* A valid IPv6 header: version 6, payload length exactly the rest. */
static int
ip6_valid(const uint8_t *b, size_t len)
{
	if (len < IP6_HDR_LEN || (b[0] >> 4) != 6)
		return 0;
	return (size_t)teredo_get16(b + OFF_PLEN) + IP6_HDR_LEN == len;
}

/* The length of the IPv6 packet at b (len bytes or fewer), or 0. */
static size_t
ip6_fits(const uint8_t *b, size_t len)
{
	size_t	n;

	if (len < IP6_HDR_LEN || (b[0] >> 4) != 6)
		return 0;
	n = (size_t)teredo_get16(b + OFF_PLEN) + IP6_HDR_LEN;
	return n <= len ? n : 0;
}

/* One RFC 6081 option's value; -1 if its length is wrong for its type. */
static int
trailer_one(struct teredo_trailer *t, uint8_t type, const uint8_t *v,
    size_t vlen)
{
	size_t	i;

	switch (type) {
	case TRAILER_NONCE:
		if (vlen != TRAILER_NONCE_LEN || t->has_nonce)
			return -1;
		t->has_nonce = 1;
		memcpy(t->nonce, v, TRAILER_NONCE_LEN);
		return 0;
	case TRAILER_ALT_ADDR:
		/* MS-TERE 2.2.2: 8, 14, 20 or 26. */
		if (vlen < TRAILER_ALT_MIN || vlen > TRAILER_ALT_MAX ||
		    (vlen - 2) % 6 != 0 || t->alt_count != 0)
			return -1;
		for (i = 2; i < vlen; i += 6) {
			memcpy(&t->alt_ip[t->alt_count], v + i, 4);
			t->alt_port[t->alt_count] = teredo_get16(v + i + 4);
			t->alt_count++;
		}
		return 0;
	case TRAILER_ND_OPTION:
		/*
		 * RFC 6081 4.4: Length 4, DiscoveryType and 3 reserved
		 * bytes; the 1-byte form is kept from MS-TERE as read before.
		 */
		if ((vlen != TRAILER_ND_LEN && vlen != TRAILER_ND_LEN_RFC) ||
		    t->has_nd || v[0] > 1)
			return -1;
		t->has_nd = 1;
		t->nd_type = v[0];
		return 0;
	case TRAILER_RANDOM_PORT:
		if (vlen != TRAILER_PORT_LEN || t->has_random_port)
			return -1;
		t->has_random_port = 1;
		t->random_port = teredo_get16(v);
		return 0;
	default:
		t->unknown++;		/* skipped, as an unknown option */
		return 0;
	}
}

int
teredo_parse_trailer(struct teredo_trailer *t, const void *buf, size_t len)
{
	const uint8_t	*b = buf;
	size_t		 off = 0, vlen;

	memset(t, 0, sizeof(*t));
	while (off < len) {
		/* Type, Length (of the value), Value: all of it must fit. */
		if (len - off < 2)
			return -1;
		vlen = b[off + 1];
		if (len - off - 2 < vlen ||
		    trailer_one(t, b[off], b + off + 2, vlen) == -1) {
			t->alt_bad = b[off] == TRAILER_ALT_ADDR;
			return -1;
		}
		off += 2 + vlen;
	}
	return 0;
}

/* RFC 4380 5.1.1: 00 01 idlen aulen id au nonce(8) confirmation. */
static int
parse_auth(struct teredo_packet *p, const uint8_t *b, size_t len,
    size_t *off)
{
	size_t		 need;

	if (len - *off < 4)
		return -1;
	need = TEREDO_AUTH_MIN + (size_t)b[*off + 2] + b[*off + 3];
	if (len - *off < need)
		return -1;
	p->has_auth = 1;
	p->nonce = b + *off + need - TEREDO_NONCE_LEN - 1;
	p->confirmation = b[*off + need - 1];
	*off += need;
	return 0;
}

/* RFC 4380 5.1.1: 00 00 port(2) ipv4(4), both inverted. */
static int
parse_origin(struct teredo_packet *p, const uint8_t *b, size_t len,
    size_t *off)
{
	if (len - *off < TEREDO_ORIGIN_LEN)
		return -1;
	p->has_origin = 1;
	p->origin_port = teredo_get16(b + *off + 2) ^ 0xffff;
	/* Inverting all bits does not depend on the byte order. */
	memcpy(&p->origin_ip, b + *off + 4, 4);
	p->origin_ip ^= 0xffffffffu;
	*off += TEREDO_ORIGIN_LEN;
	return 0;
}

/* Whether b[off..] starts with the indicator 00 type. */
static int
indicator(const uint8_t *b, size_t len, size_t off, uint8_t type)
{
	return len - off >= 2 && b[off] == 0 && b[off + 1] == type;
}

int
teredo_parse(struct teredo_packet *p, const void *buf, size_t len)
{
	const uint8_t		*b = buf;
	struct teredo_packet	 q;
	size_t			 off = 0;

	/* *p is all zero after a failure, so nothing half-parsed leaks. */
	memset(p, 0, sizeof(*p));
	memset(&q, 0, sizeof(q));
	if (len < IP6_HDR_LEN)
		return -1;
	/* The indicators come in this order, each at most once. */
	if (indicator(b, len, off, 1) && parse_auth(&q, b, len, &off) == -1)
		return -1;
	if (indicator(b, len, off, 0) && parse_origin(&q, b, len, &off) == -1)
		return -1;
	if ((q.ip6_len = ip6_fits(b + off, len - off)) == 0)
		return -1;
	q.ip6 = b + off;
	off += q.ip6_len;
	/*
	 * RFC 6081 4: a trailer may follow.  One we cannot parse costs the
	 * trailer, not the packet (RFC 4380 5.2.3 asks only that the IPv6
	 * payload length be consistent with the UDP length; miredo ignores
	 * what follows).
	 */
	if (off < len) {
		if (teredo_parse_trailer(&q.tr, b + off, len - off) == 0) {
			q.trailer = b + off;
			q.trailer_len = len - off;
		} else {
			q.alt_bad = q.tr.alt_bad;
			memset(&q.tr, 0, sizeof(q.tr));
			q.trailer_bad = 1;
		}
	}
	*p = q;
	return 0;
}

const void *
ip6_src(const void *ip6)
{
	return (const uint8_t *)ip6 + OFF_SRC;
}

const void *
ip6_dst(const void *ip6)
{
	return (const uint8_t *)ip6 + OFF_DST;
}

uint8_t
ip6_nxt(const void *ip6)
{
	return ((const uint8_t *)ip6)[OFF_NXT];
}

int
ip6_is_bubble(const void *ip6, size_t len)
{
	const uint8_t	*b = ip6;

	return len == IP6_HDR_LEN && b[OFF_NXT] == IP6_NXT_NONE &&
	    teredo_get16(b + OFF_PLEN) == 0;
}

static uint32_t
cksum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t		i;

	for (i = 0; i + 1 < len; i += 2)
		sum += teredo_get16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	/* Fold early so that the sum never overflows. */
	while (sum > 0xffff)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

uint16_t
icmp6_cksum(const struct in6_addr *src, const struct in6_addr *dst,
    const void *msg, size_t len)
{
	uint8_t		ph[8];
	uint32_t	sum;

	/* RFC 8200 8.1 pseudo-header: src, dst, length, 0, 0, 0, 58. */
	teredo_put32(ph, (uint32_t)len);
	ph[4] = ph[5] = ph[6] = 0;
	ph[7] = IP6_NXT_ICMP6;
	/* Bytes, not members: src and dst may be unaligned (ip6_src()). */
	sum = cksum_add(0, (const void *)src, 16);
	sum = cksum_add(sum, (const void *)dst, 16);
	sum = cksum_add(sum, ph, sizeof(ph));
	sum = cksum_add(sum, msg, len);
	/* Network byte order, to be stored as is. */
	return htons((uint16_t)~sum);
}

int
icmp6_cksum_ok(const void *ip6, size_t len)
{
	const uint8_t	*b = ip6;

	if (len < IP6_HDR_LEN + 4 || b[OFF_NXT] != IP6_NXT_ICMP6)
		return 0;
	return icmp6_cksum(ip6_src(b), ip6_dst(b), b + IP6_HDR_LEN,
	    len - IP6_HDR_LEN) == 0;
}

size_t
build_origin(uint8_t *buf, size_t bufsz, uint32_t ip, uint16_t port)
{
	if (bufsz < TEREDO_ORIGIN_LEN)
		return 0;
	buf[0] = buf[1] = 0;
	teredo_put16(buf + 2, port ^ 0xffff);
	ip ^= 0xffffffffu;
	memcpy(buf + 4, &ip, 4);
	return TEREDO_ORIGIN_LEN;
}

size_t
build_auth(uint8_t *buf, size_t bufsz,
    const uint8_t nonce[TEREDO_NONCE_LEN], uint8_t confirmation)
{
	if (bufsz < TEREDO_AUTH_MIN)
		return 0;
	buf[0] = 0;
	buf[1] = 1;
	buf[2] = buf[3] = 0;		/* no client id, no auth value */
	memcpy(buf + 4, nonce, TEREDO_NONCE_LEN);
	buf[4 + TEREDO_NONCE_LEN] = confirmation;
	return TEREDO_AUTH_MIN;
}

/* Write an IPv6 header with plen bytes of payload to follow. */
static void
put_ip6(uint8_t *b, size_t plen, uint8_t nxt, uint8_t hlim,
    const struct in6_addr *src, const struct in6_addr *dst)
{
	teredo_put32(b, 0x60000000u);
	teredo_put16(b + OFF_PLEN, (uint16_t)plen);
	b[OFF_NXT] = nxt;
	b[OFF_HLIM] = hlim;
	memcpy(b + OFF_SRC, src, 16);
	memcpy(b + OFF_DST, dst, 16);
}

/* Fill in the checksum of the ICMPv6 message after the IPv6 header. */
static size_t
finish_icmp6(uint8_t *b, size_t len)
{
	uint16_t	ck;

	b[IP6_HDR_LEN + 2] = b[IP6_HDR_LEN + 3] = 0;
	ck = icmp6_cksum(ip6_src(b), ip6_dst(b), b + IP6_HDR_LEN,
	    len - IP6_HDR_LEN);
	memcpy(b + IP6_HDR_LEN + 2, &ck, 2);
	return len;
}

size_t
build_bubble(uint8_t *buf, size_t bufsz, const struct in6_addr *src,
    const struct in6_addr *dst)
{
	/* RFC 4380 2.8: an IPv6 header with no payload. */
	if (bufsz < IP6_HDR_LEN)
		return 0;
	put_ip6(buf, 0, IP6_NXT_NONE, ND_HLIM, src, dst);
	return IP6_HDR_LEN;
}

size_t
build_trailer(uint8_t *buf, size_t bufsz, uint8_t type, const void *value,
    size_t vlen)
{
	if (vlen > 255 || bufsz < 2 + vlen)
		return 0;
	buf[0] = type;
	buf[1] = (uint8_t)vlen;
	if (vlen != 0)
		memcpy(buf + 2, value, vlen);
	return 2 + vlen;
}

size_t
build_rs(uint8_t *buf, size_t bufsz, const struct in6_addr *src)
{
	const size_t	len = IP6_HDR_LEN + ICMP6_HDR_LEN;

	/* RFC 4861 4.1, no source link-layer option (RFC 4380 5.2.1). */
	if (bufsz < len)
		return 0;
	put_ip6(buf, ICMP6_HDR_LEN, IP6_NXT_ICMP6, ND_HLIM, src,
	    &all_routers);
	memset(buf + IP6_HDR_LEN, 0, ICMP6_HDR_LEN);
	buf[IP6_HDR_LEN] = ND_ROUTER_SOLICIT;
	return finish_icmp6(buf, len);
}

/*
 * RFC 4380 5.2.1/5.3.1 and RFC 4861 4.2.  The Teredo server is not a
 * default router: cur hop limit 0 (unspecified), no M/O flags, router
 * lifetime 0, reachable time and retransmission timer 0 (unspecified).
 * The prefix option carries prefix || server IPv4 /64 with the A flag
 * (the client forms its own address from it, RFC 4380 5.2.1) and not the
 * L flag: Teredo peers are never on-link in the ND sense.  Lifetimes are
 * infinite; the client refreshes through qualification anyway.
 */
size_t
build_ra(uint8_t *buf, size_t bufsz, const struct in6_addr *src,
    const struct in6_addr *dst, uint32_t prefix, uint32_t server,
    unsigned int mtu)
{
	size_t		 len, plen;
	uint8_t		*o;

	plen = RA_HDR_LEN + ND_OPT_PREFIX_LEN + (mtu ? ND_OPT_MTU_LEN : 0);
	len = IP6_HDR_LEN + plen;
	if (bufsz < len)
		return 0;
	put_ip6(buf, plen, IP6_NXT_ICMP6, ND_HLIM, src, dst);
	memset(buf + IP6_HDR_LEN, 0, plen);
	buf[IP6_HDR_LEN] = ND_ROUTER_ADVERT;
	o = buf + IP6_HDR_LEN + RA_HDR_LEN;
	o[0] = ND_OPT_PREFIX;
	o[1] = ND_OPT_PREFIX_LEN / 8;
	o[2] = 64;
	o[3] = 0x40;				/* A */
	teredo_put32(o + 4, 0xffffffffu);	/* valid lifetime */
	teredo_put32(o + 8, 0xffffffffu);	/* preferred lifetime */
	teredo_put32(o + 16, prefix);
	memcpy(o + 20, &server, 4);
	if (mtu != 0) {
		o += ND_OPT_PREFIX_LEN;
		o[0] = ND_OPT_MTU;
		o[1] = ND_OPT_MTU_LEN / 8;
		teredo_put32(o + 4, mtu);
	}
	return finish_icmp6(buf, len);
}

size_t
build_echo(uint8_t *buf, size_t bufsz, int reply,
    const struct in6_addr *src, const struct in6_addr *dst,
    uint16_t id, uint16_t seq, const void *data, size_t datalen)
{
	size_t		len;

	if (datalen > TEREDO_MTU_MAX - ICMP6_HDR_LEN ||
	    bufsz < IP6_HDR_LEN + ICMP6_HDR_LEN ||
	    bufsz - IP6_HDR_LEN - ICMP6_HDR_LEN < datalen)
		return 0;
	len = IP6_HDR_LEN + ICMP6_HDR_LEN + datalen;
	put_ip6(buf, len - IP6_HDR_LEN, IP6_NXT_ICMP6, DEF_HLIM, src, dst);
	buf[IP6_HDR_LEN] = reply ? ICMP6_ECHO_REPLY : ICMP6_ECHO_REQUEST;
	buf[IP6_HDR_LEN + 1] = 0;
	teredo_put16(buf + IP6_HDR_LEN + 4, id);
	teredo_put16(buf + IP6_HDR_LEN + 6, seq);
	if (datalen > 0)
		memmove(buf + IP6_HDR_LEN + ICMP6_HDR_LEN, data, datalen);
	return finish_icmp6(buf, len);
}

size_t
build_icmp6_error(uint8_t *buf, size_t bufsz, uint8_t type,
    uint8_t code, uint32_t param, const struct in6_addr *src,
    const void *orig, size_t origlen)
{
	const size_t	 hdr = IP6_HDR_LEN + ICMP6_HDR_LEN;
	struct in6_addr	 dst;
	size_t		 quote;

	/* The error goes back to the source of the offending packet. */
	if (origlen < IP6_HDR_LEN || bufsz < hdr + IP6_HDR_LEN)
		return 0;
	memcpy(&dst, (const uint8_t *)orig + OFF_SRC, sizeof(dst));
	/* RFC 4443 2.4 (c): as much as fits in the minimum MTU. */
	quote = origlen;
	if (quote > TEREDO_MTU - hdr)
		quote = TEREDO_MTU - hdr;
	if (quote > bufsz - hdr)
		quote = bufsz - hdr;
	memmove(buf + hdr, orig, quote);
	put_ip6(buf, ICMP6_HDR_LEN + quote, IP6_NXT_ICMP6, DEF_HLIM, src,
	    &dst);
	buf[IP6_HDR_LEN] = type;
	buf[IP6_HDR_LEN + 1] = code;
	teredo_put32(buf + IP6_HDR_LEN + 4, param);
	return finish_icmp6(buf, hdr + quote);
}

/* Common checks of an ICMPv6 message: header, type, code, checksum. */
static int
icmp6_valid(const uint8_t *b, size_t len, size_t minlen)
{
	if (len < IP6_HDR_LEN + minlen || !ip6_valid(b, len) ||
	    b[OFF_NXT] != IP6_NXT_ICMP6 || b[IP6_HDR_LEN + 1] != 0)
		return 0;
	return icmp6_cksum_ok(b, len);
}

/* What the options of an RA or RS carried. */
struct nd_opts {
	int		prefixes;
	int		mtus;
	uint32_t	prefix;
	uint32_t	server;
	unsigned int	mtu;
};

static int
nd_opt_one(struct nd_opts *o, const uint8_t *p, size_t olen)
{
	switch (p[0]) {
	case ND_OPT_PREFIX:
		if (olen != ND_OPT_PREFIX_LEN || p[2] != 64)
			return -1;
		o->prefixes++;
		o->prefix = teredo_get32(p + 16);
		memcpy(&o->server, p + 20, 4);
		return 0;
	case ND_OPT_MTU:
		if (olen != ND_OPT_MTU_LEN || o->mtus++ > 0)
			return -1;
		o->mtu = teredo_get32(p + 4);
		if (o->mtu < TEREDO_MTU || o->mtu > TEREDO_MTU_MAX)
			return -1;
		return 0;
	default:
		return 0;		/* RFC 4861 4.6: ignore unknown */
	}
}

/* RFC 4861 4.6: every option has a non-zero length and fits. */
static int
nd_opts_parse(struct nd_opts *o, const uint8_t *p, size_t len)
{
	size_t		olen;

	memset(o, 0, sizeof(*o));
	while (len > 0) {
		if (len < 2 || p[1] == 0)
			return -1;
		olen = (size_t)p[1] * 8;
		if (olen > len || nd_opt_one(o, p, olen) == -1)
			return -1;
		p += olen;
		len -= olen;
	}
	return 0;
}

int
parse_ra(const void *ip6, size_t len, uint32_t *prefix,
    uint32_t *server, unsigned int *mtu)
{
	const uint8_t	*b = ip6;
	struct nd_opts	 o;

	if (!icmp6_valid(b, len, RA_HDR_LEN) ||
	    b[IP6_HDR_LEN] != ND_ROUTER_ADVERT || b[OFF_HLIM] != ND_HLIM)
		return -1;
	if (nd_opts_parse(&o, b + IP6_HDR_LEN + RA_HDR_LEN,
	    len - IP6_HDR_LEN - RA_HDR_LEN) == -1 || o.prefixes != 1)
		return -1;
	*prefix = o.prefix;
	*server = o.server;
	*mtu = o.mtu;
	return 0;
}

int
parse_rs(const void *ip6, size_t len)
{
	const uint8_t	*b = ip6;
	struct nd_opts	 o;

	/* RFC 4861 6.1.1, with the options of an RS merely well-formed. */
	if (!icmp6_valid(b, len, ICMP6_HDR_LEN) ||
	    b[IP6_HDR_LEN] != ND_ROUTER_SOLICIT || b[OFF_HLIM] != ND_HLIM)
		return 0;
	return nd_opts_parse(&o, b + IP6_HDR_LEN + ICMP6_HDR_LEN,
	    len - IP6_HDR_LEN - ICMP6_HDR_LEN) == 0;
}

int
parse_echo(const void *ip6, size_t len, int *reply, uint16_t *id,
    uint16_t *seq, const uint8_t **data, size_t *datalen)
{
	const uint8_t	*b = ip6;
	uint8_t		 type;

	if (!icmp6_valid(b, len, ICMP6_HDR_LEN))
		return -1;
	type = b[IP6_HDR_LEN];
	if (type != ICMP6_ECHO_REQUEST && type != ICMP6_ECHO_REPLY)
		return -1;
	*reply = type == ICMP6_ECHO_REPLY;
	*id = teredo_get16(b + IP6_HDR_LEN + 4);
	*seq = teredo_get16(b + IP6_HDR_LEN + 6);
	*data = b + IP6_HDR_LEN + ICMP6_HDR_LEN;
	*datalen = len - IP6_HDR_LEN - ICMP6_HDR_LEN;
	return 0;
}
