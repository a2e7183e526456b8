/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <string.h>

#include "gso.h"

/*
 * Segmentation is done in place: segment i's headers are written just in
 * front of its payload, over the tail of segment i-1, which has been
 * emitted by then.  So a 64 KB super-packet costs one pass of checksum and
 * a header copy per segment, and no buffer of its own.
 */

#define GSO_IP6_HLEN	40
#define GSO_TCP_HLEN	20
#define GSO_UDP_HLEN	8
#define GSO_HDRMAX	256	/* IPv6 + extension headers + TCP header */

#define TCP_FIN		0x01
#define TCP_PSH		0x08
#define TCP_CWR		0x80

struct gso_seg {
	size_t		l4;		/* transport header offset */
	size_t		hl;		/* all headers */
	size_t		mss;		/* payload per segment */
	int		tcp;		/* else UDP */
	uint32_t	seq;		/* the first segment's (TCP) */
	unsigned char	hdr[GSO_HDRMAX];	/* the headers, as read */
};

/* The one's complement sum of p[0..n), in memory order (RFC 1071). */
static uint64_t
gso_sum(uint64_t acc, const unsigned char *p, size_t n)
{
	uint32_t w;
	uint16_t h;
	unsigned char last[2];

	for (; n >= 4; p += 4, n -= 4) {
		memcpy(&w, p, 4);
		acc += w;
	}
	if (n >= 2) {
		memcpy(&h, p, 2);
		acc += h;
		p += 2;
		n -= 2;
	}
	if (n == 1) {
		last[0] = p[0];
		last[1] = 0;
		memcpy(&h, last, 2);
		acc += h;
	}
	return acc;
}

static uint16_t
gso_fold(uint64_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

static uint16_t
gso_get16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
gso_put16(unsigned char *p, size_t v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

static void
gso_put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* Store ~sum at p; UDP over IPv6 sends 0 as 0xffff (RFC 8200 8.1). */
static void
gso_store_csum(unsigned char *p, uint64_t acc, int udp)
{
	uint16_t c = (uint16_t)~gso_fold(acc);

	if (udp && c == 0)
		c = 0xffff;
	memcpy(p, &c, 2);
}

/*
 * The transport checksum of one IPv6 packet pkt[0..len) whose upper-layer
 * header starts at l4, from scratch: the pseudo-header (RFC 8200 8.1) with
 * the upper-layer length and protocol, then header and data.
 */
static void
gso_l4_csum(unsigned char *pkt, size_t len, size_t l4, int tcp)
{
	unsigned char ph[GSO_IP6_HLEN];
	size_t off = l4 + (tcp ? 16 : 6);

	memcpy(ph, pkt + 8, 32);
	gso_put32(ph + 32, (uint32_t)(len - l4));
	memset(ph + 36, 0, 3);
	ph[39] = tcp ? 6 : 17;
	pkt[off] = pkt[off + 1] = 0;
	gso_store_csum(pkt + off, gso_sum(gso_sum(0, ph, sizeof(ph)),
	    pkt + l4, len - l4), !tcp);
}

/*
 * NEEDS_CSUM on a single packet: the field already holds the
 * pseudo-header's sum, so summing from csum_start to the end completes it
 * whatever the protocol (virtio 1.1, 5.1.6.2).
 */
static int
gso_complete(const struct gso_hdr *h, unsigned char *pkt, size_t len)
{
	size_t start = h->csum_start, off = start + h->csum_offset;

	if (start < GSO_IP6_HLEN || start >= len || off + 2 > len)
		return -1;
	gso_store_csum(pkt + off, gso_sum(0, pkt + start, len - start),
	    h->csum_offset == 6);
	return 0;
}

/* Check that the header describes a super-packet we can split. */
static int
gso_plan(struct gso_seg *s, const struct gso_hdr *h, const unsigned char *pkt,
    size_t len, size_t maxlen)
{
	uint8_t type = h->gso_type & (uint8_t)~GSO_TYPE_ECN;

	if (type != GSO_TYPE_TCPV6 && type != GSO_TYPE_UDP_L4)
		return -1;
	s->tcp = type == GSO_TYPE_TCPV6;
	s->l4 = h->csum_start;
	if (!(h->flags & GSO_F_NEEDS_CSUM) || h->gso_size == 0 ||
	    s->l4 < GSO_IP6_HLEN ||
	    h->csum_offset != (s->tcp ? 16 : 6) ||
	    s->l4 + (s->tcp ? GSO_TCP_HLEN : GSO_UDP_HLEN) > len)
		return -1;
	/* The TCP data offset, in 32-bit words (RFC 9293 3.1). */
	s->hl = s->l4 + (s->tcp ? (size_t)(pkt[s->l4 + 12] >> 4) * 4 :
	    GSO_UDP_HLEN);
	if (s->tcp && s->hl < s->l4 + GSO_TCP_HLEN)
		return -1;
	if (s->hl > len || s->hl > GSO_HDRMAX || s->hl >= maxlen)
		return -1;
	/* The tunnel MTU may be smaller than the kernel's segments. */
	s->mss = h->gso_size;
	if (s->mss > maxlen - s->hl)
		s->mss = maxlen - s->hl;
	memcpy(s->hdr, pkt, s->hl);
	s->seq = (uint32_t)pkt[s->l4 + 4] << 24 | (uint32_t)pkt[s->l4 + 5] <<
	    16 | (uint32_t)pkt[s->l4 + 6] << 8 | pkt[s->l4 + 7];
	return 0;
}

/* Segment i, payload pay[0..n): its headers go in front of it. */
static unsigned char *
gso_make(const struct gso_seg *s, unsigned char *pay, size_t n, size_t i,
    int last)
{
	unsigned char *p = pay - s->hl, *th = p + s->l4;
	size_t len = s->hl + n;

	if (i > 0)
		memcpy(p, s->hdr, s->hl);
	gso_put16(p + 4, len - GSO_IP6_HLEN);
	if (s->tcp) {
		gso_put32(th + 4, s->seq + (uint32_t)(i * s->mss));
		/* RFC 3168 6.1.2: CWR on the first; FIN, PSH on the last. */
		if (!last)
			th[13] &= (unsigned char)~(TCP_FIN | TCP_PSH);
		if (i > 0)
			th[13] &= (unsigned char)~TCP_CWR;
	} else
		gso_put16(th + 4, len - s->l4);
	gso_l4_csum(p, len, s->l4, s->tcp);
	return p;
}

static int
gso_split(struct gso_stats *st, const struct gso_hdr *h, unsigned char *pkt,
    size_t len, size_t maxlen, gso_emit_fn *emit, void *arg)
{
	struct gso_seg s;
	size_t off, n, i;

	if (gso_plan(&s, h, pkt, len, maxlen) == -1)
		return -1;
	st->super++;
	for (i = 0, off = s.hl; off < len || i == 0; i++, off += n) {
		n = len - off < s.mss ? len - off : s.mss;
		emit(arg, gso_make(&s, pkt + off, n, i, off + n == len),
		    s.hl + n);
		st->segs++;
	}
	return (int)i;
}

int
gso_input(struct gso_stats *st, const struct gso_hdr *h, unsigned char *pkt,
    size_t len, size_t maxlen, gso_emit_fn *emit, void *arg)
{
	int n = 1;

	/* An IPv6 packet whose payload length the header must agree with. */
	if (h->gso_type != GSO_TYPE_NONE || (h->flags & GSO_F_NEEDS_CSUM)) {
		if (len < GSO_IP6_HLEN || (pkt[0] >> 4) != 6 ||
		    gso_get16(pkt + 4) + (size_t)GSO_IP6_HLEN != len)
			goto drop;
	}
	if (h->gso_type != GSO_TYPE_NONE)
		n = gso_split(st, h, pkt, len, maxlen, emit, arg);
	else if (h->flags & GSO_F_NEEDS_CSUM) {
		n = gso_complete(h, pkt, len);
		if (n == 0) {
			st->csum++;
			emit(arg, pkt, len);
			n = 1;
		}
	} else
		emit(arg, pkt, len);
	if (n >= 0)
		return n;
drop:
	st->drop++;
	return -1;
}
