/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gso.h"
#include "t.h"

/*
 * gso.c: super-packets split into segments of the right count, lengths,
 * sequence numbers, flags and payload, each checksum verified here byte by
 * byte (RFC 1071, independently of gso.c's word sums); single packets'
 * checksums completed; hostile headers counted as drops, never a crash.
 */

#define MAXPKT	65536
#define MAXSEG	2048

static unsigned char pkt[MAXPKT], orig[MAXPKT];
static unsigned char segs[MAXSEG][1600];
static size_t seglen[MAXSEG];
static int nseg;

static void
collect(void *arg, const unsigned char *p, size_t len)
{
	(void)arg;
	if (nseg < MAXSEG && len <= sizeof(segs[0])) {
		memcpy(segs[nseg], p, len);
		seglen[nseg] = len;
	} else
		seglen[nseg < MAXSEG ? nseg : MAXSEG - 1] = (size_t)-1;
	nseg++;
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static unsigned int
get16(const unsigned char *p)
{
	return (unsigned int)(p[0] << 8 | p[1]);
}

/* Byte by byte, big-endian words: the sum over pseudo-header and l4. */
static unsigned int
sum_ref(const unsigned char *p, size_t len, size_t l4, int proto)
{
	uint32_t s = 0;
	size_t i, n = len - l4;

	for (i = 8; i < 40; i += 2)
		s += get16(p + i);
	s += (uint32_t)(n >> 16) + (uint32_t)(n & 0xffff) + (uint32_t)proto;
	for (i = 0; i < n; i++)
		s += (i & 1) ? p[l4 + i] : (uint32_t)p[l4 + i] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

static int
csum_ok(const unsigned char *p, size_t len, size_t l4, int proto)
{
	return sum_ref(p, len, l4, proto) == 0xffff;
}

/*
 * An IPv6 TCP packet: topt bytes of TCP options, n bytes of payload,
 * flags; the checksum field holds the pseudo-header sum as the kernel
 * leaves it for NEEDS_CSUM.
 */
static size_t
mk_tcp(size_t topt, size_t n, unsigned char flags, uint32_t seq)
{
	size_t l4 = 40, hl = l4 + 20 + topt, len = hl + n, i;
	unsigned int ps;

	memset(pkt, 0, hl);
	pkt[0] = 0x60;
	pkt[4] = (unsigned char)((len - 40) >> 8);
	pkt[5] = (unsigned char)(len - 40);
	pkt[6] = 6;
	pkt[7] = 64;
	pkt[8] = 0x20, pkt[9] = 0x01, pkt[10] = 0x0d, pkt[11] = 0xb8;
	pkt[23] = 1;
	pkt[24] = 0x20, pkt[25] = 0x01, pkt[38] = 0xfe, pkt[39] = 0x02;
	pkt[l4] = 0x30, pkt[l4 + 1] = 0x39, pkt[l4 + 3] = 80;
	pkt[l4 + 4] = (unsigned char)(seq >> 24);
	pkt[l4 + 5] = (unsigned char)(seq >> 16);
	pkt[l4 + 6] = (unsigned char)(seq >> 8);
	pkt[l4 + 7] = (unsigned char)seq;
	pkt[l4 + 12] = (unsigned char)(((20 + topt) / 4) << 4);
	pkt[l4 + 13] = flags;
	pkt[l4 + 14] = 0xff;
	for (i = 0; i < topt; i++)
		pkt[l4 + 20 + i] = 1;	/* NOP */
	for (i = 0; i < n; i++)
		pkt[hl + i] = (unsigned char)(i * 7 + i / 251);
	/* the pseudo-header alone: a zero-length l4 summed by sum_ref */
	ps = sum_ref(pkt, l4, l4, 6);
	ps += (unsigned int)((len - l4) >> 16) + (unsigned int)((len - l4) &
	    0xffff);
	while (ps >> 16)
		ps = (ps & 0xffff) + (ps >> 16);
	pkt[l4 + 16] = (unsigned char)(ps >> 8);
	pkt[l4 + 17] = (unsigned char)ps;
	memcpy(orig, pkt, len);
	return len;
}

static struct gso_hdr
tso(unsigned int gso_size)
{
	struct gso_hdr h;

	memset(&h, 0, sizeof(h));
	h.flags = GSO_F_NEEDS_CSUM;
	h.gso_type = GSO_TYPE_TCPV6;
	h.gso_size = (uint16_t)gso_size;
	h.csum_start = 40;
	h.csum_offset = 16;
	h.hdr_len = 60;
	return h;
}

/* Every segment checked against the original super-packet. */
static void
check_split(size_t topt, size_t n, unsigned int gso, size_t maxlen,
    unsigned char flags, uint32_t seq)
{
	struct gso_stats st;
	struct gso_hdr h = tso(gso);
	size_t len = mk_tcp(topt, n, flags, seq), hl = 60 + topt, mss, off;
	int i, want, r;

	mss = gso < maxlen - hl ? gso : maxlen - hl;
	want = n == 0 ? 1 : (int)((n + mss - 1) / mss);
	memset(&st, 0, sizeof(st));
	nseg = 0;
	r = gso_input(&st, &h, pkt, len, maxlen, collect, NULL);
	CHECK(r == want && nseg == want);
	CHECK(st.super == 1 && st.segs == (uint64_t)want && st.drop == 0);
	for (i = 0, off = 0; i < nseg && i < MAXSEG; i++, off += mss) {
		const unsigned char *s = segs[i], *th = s + 40;
		size_t pl = n - off < mss ? n - off : mss;
		unsigned char f = flags;

		CHECK(seglen[i] == hl + pl && seglen[i] <= maxlen);
		CHECK(get16(s + 4) + 40 == hl + pl);
		CHECK(memcmp(s, orig, 4) == 0 && memcmp(s + 6, orig + 6, 34) ==
		    0);
		CHECK(get32(th + 4) == (uint32_t)(seq + off));
		CHECK(memcmp(th + 8, orig + 48, 5) == 0);
		if (i != nseg - 1)
			f &= (unsigned char)~0x09;
		if (i != 0)
			f &= (unsigned char)~0x80;
		CHECK(th[13] == f);
		CHECK(memcmp(th + 20, orig + 60, topt) == 0);
		CHECK(memcmp(s + hl, orig + hl + off, pl) == 0);
		CHECK(csum_ok(s, seglen[i], 40, 6));
	}
}

static void
test_split(void)
{
	/* 9 segments of 1220, the last 240; FIN PSH CWR ACK */
	check_split(0, 10000, 1220, 1280, 0x99, 1000);
	/* an exact multiple; options; sequence numbers wrap */
	check_split(12, 4 * 1208, 1208, 1280, 0x18, 0xfffff000u);
	/* odd segment sizes: odd-length checksums */
	check_split(0, 5001, 1001, 1280, 0x10, 7);
	/* the kernel's segments larger than the tunnel's MTU: cut finer */
	check_split(0, 20000, 1440, 1280, 0x10, 1);
	/* a full 64 KB super-packet */
	check_split(0, 65536 - 60, 1220, 1280, 0x18, 42);
	/* payload smaller than one segment; none at all */
	check_split(0, 100, 1220, 1280, 0x19, 5);
	check_split(0, 0, 1220, 1280, 0x11, 5);
	/* tiny segments: many of them */
	check_split(0, 3000, 2, 1280, 0x18, 9);
}

static void
test_ecn_and_kernel_hint(void)
{
	struct gso_stats st;
	struct gso_hdr h = tso(1000);
	size_t len = mk_tcp(0, 2500, 0x90, 1);

	memset(&st, 0, sizeof(st));
	h.gso_type |= GSO_TYPE_ECN;
	h.hdr_len = 60000;	/* a hint we never use */
	nseg = 0;
	CHECK(gso_input(&st, &h, pkt, len, 1280, collect, NULL) == 3);
	CHECK(segs[0][53] == 0x90 && segs[1][53] == 0x10 &&
	    segs[2][53] == 0x10);
}

/* NEEDS_CSUM without GSO: the checksum completed, nothing else. */
static void
test_complete(void)
{
	struct gso_stats st;
	struct gso_hdr h = tso(0);
	size_t len = mk_tcp(0, 777, 0x18, 3), l4 = 40;
	unsigned int ps;

	memset(&st, 0, sizeof(st));
	h.gso_type = GSO_TYPE_NONE;
	nseg = 0;
	CHECK(gso_input(&st, &h, pkt, len, 1280, collect, NULL) == 1);
	CHECK(nseg == 1 && seglen[0] == len && csum_ok(segs[0], len, 40, 6));
	CHECK(memcmp(segs[0], orig, 56) == 0 && memcmp(segs[0] + 58,
	    orig + 58, len - 58) == 0);
	CHECK(st.csum == 1 && st.super == 0 && st.drop == 0);

	/* UDP: 8-byte header, field at 6 */
	len = mk_tcp(0, 333, 0, 0);
	pkt[6] = 17;
	pkt[l4 + 4] = (unsigned char)((len - l4) >> 8);
	pkt[l4 + 5] = (unsigned char)(len - l4);
	ps = sum_ref(pkt, l4, l4, 17) + (unsigned int)(len - l4);
	while (ps >> 16)
		ps = (ps & 0xffff) + (ps >> 16);
	pkt[l4 + 6] = (unsigned char)(ps >> 8);
	pkt[l4 + 7] = (unsigned char)ps;
	h.csum_offset = 6;
	nseg = 0;
	CHECK(gso_input(&st, &h, pkt, len, 1280, collect, NULL) == 1);
	CHECK(nseg == 1 && csum_ok(segs[0], len, 40, 17));
	CHECK(get16(segs[0] + l4 + 6) != 0);

	/* neither flag: untouched, even a bad checksum; DATA_VALID too */
	len = mk_tcp(0, 50, 0x10, 3);
	memset(&h, 0, sizeof(h));
	nseg = 0;
	CHECK(gso_input(&st, &h, pkt, len, 1280, collect, NULL) == 1);
	CHECK(nseg == 1 && memcmp(segs[0], orig, len) == 0);
	h.flags = GSO_F_DATA_VALID;
	CHECK(gso_input(&st, &h, pkt, len, 1280, collect, NULL) == 1);
	CHECK(nseg == 2 && memcmp(segs[1], orig, len) == 0);
	CHECK(st.csum == 2 && st.drop == 0);
}

/* UDP segmentation offload: lengths and checksums per datagram. */
static void
test_udp_l4(void)
{
	struct gso_stats st;
	struct gso_hdr h = tso(1000);
	size_t len = mk_tcp(0, 2488, 0, 0), i;

	pkt[6] = 17;
	h.gso_type = GSO_TYPE_UDP_L4;
	h.csum_offset = 6;
	memset(&st, 0, sizeof(st));
	nseg = 0;
	/* headers 48: payload 2500 in 1000, 1000, 500 */
	CHECK(gso_input(&st, &h, pkt, len, 1280, collect, NULL) == 3);
	for (i = 0; i < 3 && (int)i < nseg; i++) {
		CHECK(seglen[i] == (i < 2 ? 1048u : 548u));
		CHECK(get16(segs[i] + 44) == seglen[i] - 40);
		CHECK(get16(segs[i] + 4) == seglen[i] - 40);
		CHECK(csum_ok(segs[i], seglen[i], 40, 17));
	}
}

static void
expect_drop(const struct gso_hdr *h, size_t len, size_t maxlen,
    const char *what)
{
	struct gso_stats st;

	memset(&st, 0, sizeof(st));
	nseg = 0;
	if (gso_input(&st, h, pkt, len, maxlen, collect, NULL) != -1 ||
	    nseg != 0 || st.drop != 1)
		fprintf(stderr, "not dropped: %s\n", what);
	CHECK(nseg == 0 && st.drop == 1);
}

static void
test_hostile(void)
{
	struct gso_hdr h;
	size_t len = mk_tcp(0, 3000, 0x10, 1);

	h = tso(0);
	expect_drop(&h, len, 1280, "gso_size 0");
	h = tso(1220), h.csum_start = 20;
	expect_drop(&h, len, 1280, "csum_start in the IPv6 header");
	h = tso(1220), h.csum_start = 65535;
	expect_drop(&h, len, 1280, "csum_start beyond the packet");
	h = tso(1220), h.csum_start = (uint16_t)(len - 10);
	expect_drop(&h, len, 1280, "TCP header cut short");
	h = tso(1220), h.csum_offset = 6;
	expect_drop(&h, len, 1280, "TCP checksum at the wrong place");
	h = tso(1220), h.flags = 0;
	expect_drop(&h, len, 1280, "GSO without NEEDS_CSUM");
	h = tso(1220), h.gso_type = GSO_TYPE_TCPV4;
	expect_drop(&h, len, 1280, "TCPv4");
	h = tso(1220), h.gso_type = GSO_TYPE_UDP;
	expect_drop(&h, len, 1280, "UFO");
	h = tso(1220), h.gso_type = 0x7f;
	expect_drop(&h, len, 1280, "unknown type");
	h = tso(1220);
	expect_drop(&h, len, 60, "MTU no larger than the headers");
	expect_drop(&h, len - 1, 1280, "payload length disagrees");
	expect_drop(&h, 39, 1280, "shorter than IPv6");
	expect_drop(&h, 0, 1280, "empty");
	pkt[52] = 0x40;		/* data offset 4 words */
	expect_drop(&h, len, 1280, "data offset below 5");
	pkt[52] = 0xf0;		/* 60 bytes of TCP header: beyond the MTU */
	expect_drop(&h, len, 100, "headers beyond the MTU");
	len = mk_tcp(0, 3000, 0x10, 1);
	pkt[0] = 0x45;
	expect_drop(&h, len, 1280, "IPv4");
	len = mk_tcp(0, 3000, 0x10, 1);
	h = tso(0), h.gso_type = GSO_TYPE_NONE, h.csum_offset = 65535;
	expect_drop(&h, len, 1280, "checksum field beyond the packet");
	h.csum_offset = 16, h.csum_start = 0;
	expect_drop(&h, len, 1280, "csum_start 0");
	/* headers over 256 bytes (extension headers) */
	h = tso(1220), h.csum_start = 300;
	expect_drop(&h, len, 1280, "huge headers");
}

/* Random headers and packets: no crash, nothing over maxlen. */
static void
test_random(void)
{
	struct gso_stats st;
	struct gso_hdr h;
	size_t len, maxlen;
	int i, r, k;

	srandom(1);
	memset(&st, 0, sizeof(st));
	for (i = 0; i < 20000; i++) {
		len = (size_t)random() % 3000;
		for (k = 0; k < (int)len; k++)
			pkt[k] = (unsigned char)random();
		if (len >= 40 && (i & 1)) {
			pkt[0] = 0x60;
			pkt[4] = (unsigned char)((len - 40) >> 8);
			pkt[5] = (unsigned char)(len - 40);
		}
		h.flags = (uint8_t)(random() & 3);
		h.gso_type = (uint8_t)((i & 2) ? GSO_TYPE_TCPV6 :
		    (i & 4) ? GSO_TYPE_UDP_L4 : random());
		h.hdr_len = (uint16_t)random();
		h.gso_size = (uint16_t)(random() % 1500);
		h.csum_start = (uint16_t)(random() % 200);
		h.csum_offset = (uint16_t)((i & 8) ? 16 : random() % 40);
		maxlen = 1 + (size_t)random() % 1500;
		nseg = 0;
		r = gso_input(&st, &h, pkt, len, maxlen, collect, NULL);
		CHECK(r == nseg || (r == -1 && nseg == 0));
		for (k = 0; k < nseg && k < MAXSEG; k++)
			if (h.gso_type != GSO_TYPE_NONE && seglen[k] > maxlen)
				CHECK(0);
	}
	CHECK(st.super > 0 && st.drop > 0);
}

int
main(void)
{
	test_split();
	test_ecn_and_kernel_hint();
	test_complete();
	test_udp_l4();
	test_hostile();
	test_random();
	return T_DONE();
}
