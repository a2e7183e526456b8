/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "teredo.h"
#include "packet.h"
#include "t.h"
#include "tdata.h"

#define VEC_MAX		512

struct vec {
	char		name[32];
	uint8_t		b[VEC_MAX];
	size_t		len;
};

static struct vec	vecs[16];
static size_t		nvecs;

static size_t
unhex(uint8_t *out, size_t outsz, const char *s)
{
	size_t		n = 0;
	unsigned int	x;

	while (s[0] != '\0' && s[0] != '\n' && s[1] != '\0' && n < outsz) {
		if (sscanf(s, "%2x", &x) != 1)
			break;
		out[n++] = x;
		s += 2;
	}
	return n;
}

static void
load_vectors(void)
{
	char		 line[2 * VEC_MAX + 64], *sp;
	FILE		*f;
	struct vec	*v;

	if ((f = data_open("packets.txt")) == NULL)
		exit(1);
	while (fgets(line, sizeof(line), f) != NULL &&
	    nvecs < sizeof(vecs) / sizeof(vecs[0])) {
		if (line[0] == '#' || (sp = strchr(line, ' ')) == NULL)
			continue;
		*sp = '\0';
		v = &vecs[nvecs++];
		(void)snprintf(v->name, sizeof(v->name), "%.31s", line);
		v->len = unhex(v->b, sizeof(v->b), sp + 1);
	}
	fclose(f);
}

static const struct vec *
vec(const char *name)
{
	size_t	i;

	for (i = 0; i < nvecs; i++)
		if (strcmp(vecs[i].name, name) == 0)
			return &vecs[i];
	fprintf(stderr, "no vector %s\n", name);
	exit(1);
}

static struct in6_addr
a6(const char *s)
{
	struct in6_addr	a;

	if (inet_pton(AF_INET6, s, &a) != 1)
		exit(1);
	return a;
}

static uint32_t
a4(const char *s)
{
	struct in_addr	a;

	if (inet_pton(AF_INET, s, &a) != 1)
		exit(1);
	return a.s_addr;
}

/* Parse from an exactly-sized heap copy, so ASan sees any over-read. */
static int
parse_copy(struct teredo_packet *p, const uint8_t *b, size_t len,
    uint8_t **copy)
{
	*copy = malloc(len > 0 ? len : 1);
	if (*copy == NULL)
		exit(1);
	if (len > 0)
		memcpy(*copy, b, len);
	return teredo_parse(p, *copy, len);
}

static int
parse_ok(const uint8_t *b, size_t len)
{
	struct teredo_packet	 p;
	uint8_t			*c;
	int			 r;

	r = parse_copy(&p, b, len, &c);
	free(c);
	return r == 0;
}

/* Fix the payload length and the ICMPv6 checksum of a hand-made packet. */
static void
fix_icmp6(uint8_t *b, size_t len)
{
	struct in6_addr	s, d;
	uint16_t	ck;

	b[4] = (len - IP6_HDR_LEN) >> 8;
	b[5] = (len - IP6_HDR_LEN) & 0xff;
	memcpy(&s, b + 8, 16);
	memcpy(&d, b + 24, 16);
	b[42] = b[43] = 0;
	ck = icmp6_cksum(&s, &d, b + IP6_HDR_LEN, len - IP6_HDR_LEN);
	memcpy(b + 42, &ck, 2);
}

static void
test_origin_auth(void)
{
	static const uint8_t	want_o[8] = {
		0x00, 0x00, 0xfe, 0xae, 0xfe, 0xfd, 0xfc, 0xfb };
	static const uint8_t	nonce[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	const struct vec	*v;
	uint8_t			 b[32];

	/* SPEC 3: port 337 and 1.2.3.4 give 00 00 fe ae fe fd fc fb. */
	CHECK(build_origin(b, sizeof(b), a4("1.2.3.4"), 337) == 8);
	CHECK(memcmp(b, want_o, 8) == 0);
	CHECK(build_origin(b, 7, a4("1.2.3.4"), 337) == 0);
	v = vec("origin");
	CHECK(build_origin(b, 8, a4("192.0.2.139"), 12345) == 8);
	CHECK(v->len == 8 && memcmp(b, v->b, 8) == 0);
	v = vec("auth");
	CHECK(build_auth(b, sizeof(b), nonce, 0) == TEREDO_AUTH_MIN);
	CHECK(v->len == 13 && memcmp(b, v->b, 13) == 0);
	CHECK(build_auth(b, 13, nonce, 1) == 13 && b[12] == 1);
	CHECK(build_auth(b, 12, nonce, 0) == 0);
}

static void
test_checksum(void)
{
	const struct vec	*v = vec("echo");
	struct in6_addr		 s = a6("2001:db8::1"), d = a6("2001:db8::2");
	uint8_t			 b[64], *p;
	size_t			 i;

	/*
	 * By hand: 2001+0db8+0001 + 2001+0db8+0002 + 0008 + 003a + 8000 +
	 * 1234 + 0001 = edec, complement 1213.
	 */
	CHECK(build_echo(b, sizeof(b), 0, &s, &d, 0x1234, 1, NULL, 0) == 48);
	CHECK(b[42] == 0x12 && b[43] == 0x13);
	CHECK(v->len == 48 && memcmp(b, v->b, 48) == 0);
	CHECK(icmp6_cksum_ok(b, 48));
	CHECK(icmp6_cksum(&s, &d, b + 40, 8) == 0);
	b[42] = b[43] = 0;
	p = (uint8_t *)&(uint16_t){ icmp6_cksum(&s, &d, b + 40, 8) };
	CHECK(p[0] == 0x12 && p[1] == 0x13);
	CHECK(!icmp6_cksum_ok(b, 48));
	/*
	 * A flipped bit in the addresses or the message is detected; odd
	 * lengths are padded.  (Bytes 0-7 are not in the pseudo-header.)
	 */
	for (i = 8; i < 48; i++) {
		memcpy(b, v->b, 48);
		b[i] ^= 0x10;
		CHECK(!icmp6_cksum_ok(b, 48));
	}
	memcpy(b, v->b, 48);
	b[48] = 0xab;
	fix_icmp6(b, 49);
	CHECK(icmp6_cksum_ok(b, 49));
	b[48] = 0xac;
	CHECK(!icmp6_cksum_ok(b, 49));
	CHECK(!icmp6_cksum_ok(b, 43));
	memcpy(b, vec("bubble")->b, 40);
	CHECK(!icmp6_cksum_ok(b, 40));
}

static void
test_bubble(void)
{
	const struct vec	*v = vec("bubble");
	struct in6_addr		 s, d;
	uint8_t			 b[64];

	s = a6("2001:0:c000:201:8000:cfc6:3fff:fd74");
	d = a6("2001:0:c000:201:0:f227:3fff:fffe");
	CHECK(build_bubble(b, 39, &s, &d) == 0);
	CHECK(build_bubble(b, sizeof(b), &s, &d) == 40);
	CHECK(v->len == 40 && memcmp(b, v->b, 40) == 0);
	CHECK(ip6_is_bubble(b, 40));
	CHECK(!ip6_is_bubble(b, 41));
	CHECK(memcmp(ip6_src(b), &s, 16) == 0);
	CHECK(memcmp(ip6_dst(b), &d, 16) == 0);
	CHECK(ip6_nxt(b) == IP6_NXT_NONE);
	b[6] = IP6_NXT_ICMP6;
	CHECK(!ip6_is_bubble(b, 40));
	CHECK(parse_ok(v->b, 40));
}

static void
test_parse_accept(void)
{
	const struct vec	*v = vec("datagram_ra"), *ra = vec("ra");
	struct teredo_packet	 p;
	uint8_t			 b[VEC_MAX + 64], *c;

	CHECK(parse_copy(&p, v->b, v->len, &c) == 0);
	CHECK(p.has_auth && p.has_origin);
	CHECK(p.nonce == c + 4 && p.nonce[0] == 1 && p.nonce[7] == 8);
	CHECK(p.confirmation == 0);
	CHECK(p.origin_port == 12345 && p.origin_ip == a4("192.0.2.139"));
	CHECK(p.ip6 == c + 21 && p.ip6_len == ra->len);
	free(c);
	/* Auth only, with a client id and an auth value (RFC 4380 5.1.1). */
	memcpy(b, "\x00\x01\x02\x03" "ID" "AUV" "NNNNNNNN" "\x07", 18);
	memcpy(b + 18, ra->b, ra->len);
	CHECK(parse_copy(&p, b, 18 + ra->len, &c) == 0);
	CHECK(p.has_auth && !p.has_origin && p.nonce == c + 9);
	CHECK(p.confirmation == 7 && p.ip6 == c + 18);
	free(c);
	/* Origin only. */
	memcpy(b, vec("origin")->b, 8);
	memcpy(b + 8, ra->b, ra->len);
	CHECK(parse_copy(&p, b, 8 + ra->len, &c) == 0);
	CHECK(!p.has_auth && p.has_origin && p.ip6 == c + 8);
	CHECK(p.nonce == NULL);
	free(c);
	/* Bare IPv6. */
	CHECK(parse_copy(&p, ra->b, ra->len, &c) == 0);
	CHECK(!p.has_auth && !p.has_origin && p.ip6 == c);
	free(c);
}

static void
test_parse_reject(void)
{
	const struct vec	*ra = vec("ra"), *bu = vec("bubble");
	uint8_t			 b[VEC_MAX + 64];

	CHECK(!parse_ok(NULL, 0));
	CHECK(!parse_ok(bu->b, 39));
	/* Wrong IP version. */
	memcpy(b, bu->b, 40);
	b[0] = 0x40;
	CHECK(!parse_ok(b, 40));
	b[0] = 0x70;
	CHECK(!parse_ok(b, 40));
	/* Payload length must match exactly. */
	memcpy(b, ra->b, ra->len);
	CHECK(!parse_ok(b, ra->len - 1));
	memcpy(b, bu->b, 40);
	b[5] = 1;
	CHECK(!parse_ok(b, 40));
	b[5] = 0;
	b[4] = 0x80;
	CHECK(!parse_ok(b, 40));
}

/*
 * RFC 6081 4 trailers after a bubble: each type, built from the RFC's
 * formats (Type, Length of the value, Value), several at once, unknown
 * types skipped, and malformed trailers that cost only the trailer.
 */
static void
test_trailers(void)
{
	const struct vec	*bu = vec("bubble");
	static const uint8_t	 nonce[] = { 0x01, 4, 0xde, 0xad, 0xbe, 0xef };
	static const uint8_t	 alt[] = { 0x03, 14, 0, 0,
	    192, 0, 2, 7, 0x0d, 0xd8, 198, 51, 100, 9, 0x30, 0x39 };
	static const uint8_t	 nd[] = { 0x04, 1, 1 };
	static const uint8_t	 port[] = { 0x05, 2, 0xab, 0xcd };
	static const uint8_t	 unk[] = { 0x7f, 3, 1, 2, 3 };
	static const uint8_t	*bad[] = {
		(const uint8_t *)"\x01\x05\0\0\0\0\0",	/* nonce 5 */
		(const uint8_t *)"\x03\x09\0\0\1\2\3\4\5\6\7",
		(const uint8_t *)"\x04\x01\x02",		/* type 2 */
		(const uint8_t *)"\x05\x03\0\1\2",
		(const uint8_t *)"\x01\x04\0\0",		/* overruns */
		(const uint8_t *)"\x05",			/* no length */
	};
	static const size_t	 badlen[] = { 7, 11, 3, 5, 4, 1 };
	struct teredo_packet	 p;
	uint8_t			 b[VEC_MAX + 128], *copy;
	size_t			 n, i;

	CHECK(bu->len == 40);
	memcpy(b, bu->b, 40);
	n = 40;
	memcpy(b + n, nonce, sizeof(nonce));
	n += sizeof(nonce);
	memcpy(b + n, alt, sizeof(alt));
	n += sizeof(alt);
	memcpy(b + n, nd, sizeof(nd));
	n += sizeof(nd);
	memcpy(b + n, port, sizeof(port));
	n += sizeof(port);
	memcpy(b + n, unk, sizeof(unk));
	n += sizeof(unk);
	CHECK(parse_copy(&p, b, n, &copy) == 0);
	CHECK(p.ip6_len == 40 && ip6_is_bubble(p.ip6, p.ip6_len));
	CHECK(p.trailer_len == n - 40 && !p.trailer_bad &&
	    p.trailer == p.ip6 + 40);
	CHECK(p.tr.has_nonce && memcmp(p.tr.nonce, nonce + 2, 4) == 0);
	CHECK(p.tr.alt_count == 2 && p.tr.alt_ip[0] == htonl(0xc0000207) &&
	    p.tr.alt_port[0] == 3544 &&
	    p.tr.alt_ip[1] == htonl(0xc6336409) &&
	    p.tr.alt_port[1] == 12345);
	CHECK(p.tr.has_nd && p.tr.nd_type == 1);
	CHECK(p.tr.has_random_port && p.tr.random_port == 0xabcd);
	CHECK(p.tr.unknown == 1);
	free(copy);
	/* Each alone, and trailing bytes after a data packet too. */
	for (i = 0; i < 4; i++) {
		const uint8_t	*t[] = { nonce, alt, nd, port };
		size_t		 tl[] = { sizeof(nonce), sizeof(alt),
		    sizeof(nd), sizeof(port) };

		memcpy(b + 40, t[i], tl[i]);
		CHECK(parse_copy(&p, b, 40 + tl[i], &copy) == 0);
		CHECK(p.ip6_len == 40 && p.trailer_len == tl[i] &&
		    !p.trailer_bad);
		CHECK(p.tr.has_nonce + (p.tr.alt_count > 0) + p.tr.has_nd +
		    p.tr.has_random_port == 1);
		free(copy);
	}
	/* RFC 6081 4.4's form: Length 4, the type then 3 reserved bytes. */
	memcpy(b + 40, "\x04\x04\x00\0\0\0", 6);
	CHECK(parse_copy(&p, b, 46, &copy) == 0);
	CHECK(!p.trailer_bad && p.tr.has_nd && p.tr.nd_type == 0);
	free(copy);
	/* Malformed: the packet stays, the trailer goes. */
	for (i = 0; i < sizeof(badlen) / sizeof(badlen[0]); i++) {
		memcpy(b + 40, bad[i], badlen[i]);
		CHECK(parse_copy(&p, b, 40 + badlen[i], &copy) == 0);
		CHECK(p.ip6_len == 40 && p.trailer_bad && p.trailer == NULL &&
		    p.trailer_len == 0 && !p.tr.has_nonce &&
		    p.tr.alt_count == 0);
		/* Only the Alternate Address one is told apart (hairpin.c). */
		CHECK(p.alt_bad == (bad[i][0] == TRAILER_ALT_ADDR));
		free(copy);
	}
	/* A nonce twice is malformed. */
	memcpy(b + 40, nonce, sizeof(nonce));
	memcpy(b + 40 + sizeof(nonce), nonce, sizeof(nonce));
	CHECK(parse_copy(&p, b, 40 + 2 * sizeof(nonce), &copy) == 0 &&
	    p.trailer_bad);
	free(copy);
}

/* The indicators: order, repetition, types, lengths (RFC 4380 5.1.1). */
static void
test_parse_indicators(void)
{
	const struct vec	*au = vec("auth"), *og = vec("origin");
	const struct vec	*bu = vec("bubble");
	struct teredo_packet	 p;
	uint8_t			 b[VEC_MAX + 64];

	/* Two authentication headers. */
	memcpy(b, au->b, 13);
	memcpy(b + 13, au->b, 13);
	memcpy(b + 26, bu->b, 40);
	CHECK(parse_ok(b + 13, 53));
	CHECK(!parse_ok(b, 66));
	memset(&p, 0xff, sizeof(p));
	CHECK(teredo_parse(&p, b, 66) == -1);
	CHECK(!p.has_auth && !p.has_origin && p.ip6 == NULL);
	/* Authentication after the origin indication. */
	memcpy(b, og->b, 8);
	memcpy(b + 8, au->b, 13);
	memcpy(b + 21, bu->b, 40);
	CHECK(!parse_ok(b, 61));
	/* Any 00 01 indicator after the origin indication. */
	b[8] = 0;
	b[9] = 1;
	CHECK(!parse_ok(b, 61));
	/* Two origin indications. */
	memcpy(b, og->b, 8);
	memcpy(b + 8, og->b, 8);
	memcpy(b + 16, bu->b, 40);
	CHECK(parse_ok(b + 8, 48));
	CHECK(!parse_ok(b, 56));
	/* Unknown indicator types 00 02 .. 00 ff. */
	memcpy(b, "\x00\x02\x00\x00\x00\x00\x00\x00", 8);
	memcpy(b + 8, bu->b, 40);
	CHECK(!parse_ok(b, 48));
	/* Auth lengths that run past the end. */
	memcpy(b, au->b, 13);
	memcpy(b + 13, bu->b, 40);
	b[2] = 41;
	CHECK(!parse_ok(b, 53));
	b[2] = 0xff;
	b[3] = 0xff;
	CHECK(!parse_ok(b, 53));
	/* Auth that swallows exactly the packet: no IPv6 left. */
	b[2] = 40;
	b[3] = 0;
	CHECK(!parse_ok(b, 53));
	/* Nothing but headers. */
	CHECK(!parse_ok(au->b, 13));
	CHECK(!parse_ok(og->b, 8));
}

/*
 * Every truncation and every one-byte extension of a valid datagram: a
 * lone byte is a malformed RFC 6081 trailer, which costs only itself.
 */
static void
test_parse_truncations(void)
{
	const struct vec	*v = vec("datagram_ra");
	struct teredo_packet	 p, q;
	uint8_t			 b[VEC_MAX + 1], *copy;
	size_t			 n;
	int			 bad = 0;

	for (n = 0; n < v->len; n++)
		bad += parse_ok(v->b, n);
	CHECK(parse_copy(&q, v->b, v->len, &copy) == 0);
	free(copy);
	memcpy(b, v->b, v->len);
	for (n = 0; n < 256; n++) {
		b[v->len] = n;
		if (parse_copy(&p, b, v->len + 1, &copy) != 0 ||
		    !p.trailer_bad || p.trailer_len != 0 ||
		    p.ip6_len != q.ip6_len)
			bad++;
		free(copy);
	}
	CHECK(bad == 0);
	CHECK(parse_ok(v->b, v->len));
}

static void
test_rs(void)
{
	const struct vec	*v = vec("rs");
	uint8_t			 b[128];

	/*
	 * By hand: fe80 + 3 * ffff = fe80 (ones' complement), + ff02 + 0002
	 * + 0008 + 003a + 8500 = 82c8, complement 7d37.
	 */
	CHECK(build_rs(b, 47, &teredo_ll_client) == 0);
	CHECK(build_rs(b, sizeof(b), &teredo_ll_client) == 48);
	CHECK(b[42] == 0x7d && b[43] == 0x37);
	CHECK(v->len == 48 && memcmp(b, v->b, 48) == 0);
	CHECK(parse_rs(b, 48));
	CHECK(parse_ok(b, 48));
	CHECK(ip6_nxt(b) == IP6_NXT_ICMP6);
	CHECK(build_rs(b, sizeof(b), &teredo_ll_cone) == 48);
	CHECK(parse_rs(b, 48) && teredo_ll_is_cone(ip6_src(b)));
	/* A well-formed option is allowed, a zero-length one is not. */
	memcpy(b, v->b, 48);
	memcpy(b + 48, "\x01\x01\x00\x11\x22\x33\x44\x55", 8);
	fix_icmp6(b, 56);
	CHECK(parse_rs(b, 56));
	b[49] = 0;
	fix_icmp6(b, 56);
	CHECK(!parse_rs(b, 56));
	b[49] = 2;
	fix_icmp6(b, 56);
	CHECK(!parse_rs(b, 56));
	memcpy(b, v->b, 48);
	b[7] = 64;
	CHECK(!parse_rs(b, 48));
	memcpy(b, v->b, 48);
	b[41] = 1;
	fix_icmp6(b, 48);
	CHECK(!parse_rs(b, 48));
	memcpy(b, v->b, 48);
	b[40] = ND_ROUTER_ADVERT;
	fix_icmp6(b, 48);
	CHECK(!parse_rs(b, 48));
	memcpy(b, v->b, 48);
	b[43] ^= 1;
	CHECK(!parse_rs(b, 48));
	CHECK(!parse_rs(v->b, 47));
	CHECK(!parse_rs(vec("echo")->b, 48));
}

static void
test_ra_build(void)
{
	const struct vec	*v = vec("ra"), *v0 = vec("ra_nomtu");
	struct in6_addr		 src = a6("fe80::8000:5445:5245:444f");
	uint32_t		 prefix, server;
	unsigned int		 mtu;
	uint8_t			 b[256];
	size_t			 n;

	n = build_ra(b, sizeof(b), &src, &teredo_ll_client, TEREDO_PREFIX,
	    a4("192.0.2.1"), 1280);
	CHECK(n == 96 && n == v->len && memcmp(b, v->b, n) == 0);
	CHECK(build_ra(b, 95, &src, &teredo_ll_client, TEREDO_PREFIX,
	    a4("192.0.2.1"), 1280) == 0);
	mtu = 1;
	CHECK(parse_ra(b, n, &prefix, &server, &mtu) == 0);
	CHECK(prefix == TEREDO_PREFIX && server == a4("192.0.2.1"));
	CHECK(mtu == 1280);
	n = build_ra(b, sizeof(b), &src, &teredo_ll_client, TEREDO_PREFIX,
	    a4("192.0.2.1"), 0);
	CHECK(n == 88 && n == v0->len && memcmp(b, v0->b, n) == 0);
	CHECK(parse_ra(b, n, &prefix, &server, &mtu) == 0 && mtu == 0);
	n = build_ra(b, sizeof(b), &src, &teredo_ll_cone, 0x3ffe831fu,
	    a4("203.0.113.7"), 65535);
	CHECK(parse_ra(b, n, &prefix, &server, &mtu) == 0);
	CHECK(prefix == 0x3ffe831fu && server == a4("203.0.113.7"));
	CHECK(mtu == 65535);
	CHECK(memcmp(ip6_dst(b), &teredo_ll_cone, 16) == 0);
	/* The full datagram as a client receives it. */
	CHECK(parse_ok(vec("datagram_ra")->b, vec("datagram_ra")->len));
}

/* An RA with the given options, checksum fixed; returns its length. */
static size_t
mk_ra(uint8_t *b, const void *opts, size_t optlen)
{
	const struct vec	*v = vec("ra_nomtu");

	memcpy(b, v->b, 56);
	if (optlen > 0)
		memcpy(b + 56, opts, optlen);
	fix_icmp6(b, 56 + optlen);
	return 56 + optlen;
}

static int
ra_ok(const uint8_t *b, size_t len)
{
	uint32_t	 prefix, server;
	unsigned int	 mtu;
	uint8_t		*c;
	int		 r;

	if ((c = malloc(len)) == NULL)
		exit(1);
	memcpy(c, b, len);
	r = parse_ra(c, len, &prefix, &server, &mtu);
	free(c);
	return r == 0;
}

static void
test_ra_reject(void)
{
	const struct vec	*v = vec("ra");
	uint8_t			 b[512];
	size_t			 n;

	CHECK(ra_ok(v->b, v->len));
	/* Header: type, code, hop limit, checksum, length. */
	memcpy(b, v->b, v->len);
	b[7] = 254;
	CHECK(!ra_ok(b, v->len));
	memcpy(b, v->b, v->len);
	b[41] = 1;
	fix_icmp6(b, v->len);
	CHECK(!ra_ok(b, v->len));
	memcpy(b, v->b, v->len);
	b[40] = ND_ROUTER_SOLICIT;
	fix_icmp6(b, v->len);
	CHECK(!ra_ok(b, v->len));
	memcpy(b, v->b, v->len);
	b[60] ^= 0x01;
	CHECK(!ra_ok(b, v->len));
	memcpy(b, v->b, v->len);
	b[6] = IP6_NXT_UDP;
	CHECK(!ra_ok(b, v->len));
	CHECK(!ra_ok(v->b, v->len - 1));
	for (n = 0; n < v->len; n++)
		CHECK(!ra_ok(v->b, n));
}

static void
test_ra_options(void)
{
	const struct vec	*v = vec("ra");
	const uint8_t		*pio = v->b + 56, *mo = v->b + 88;
	uint8_t			 o[256], b[512];

	/* No prefix option; two of them. */
	CHECK(!ra_ok(b, mk_ra(b, NULL, 0)));
	CHECK(!ra_ok(b, mk_ra(b, mo, 8)));
	memcpy(o, pio, 32);
	memcpy(o + 32, pio, 32);
	CHECK(!ra_ok(b, mk_ra(b, o, 64)));
	/* Prefix length other than 64; option lengths 3 and 5. */
	memcpy(o, pio, 32);
	o[2] = 48;
	CHECK(!ra_ok(b, mk_ra(b, o, 32)));
	o[2] = 64;
	CHECK(ra_ok(b, mk_ra(b, o, 32)));
	o[1] = 3;
	CHECK(!ra_ok(b, mk_ra(b, o, 24)));
	memset(o + 32, 0, 8);
	o[1] = 5;
	CHECK(!ra_ok(b, mk_ra(b, o, 40)));
	/* Options of length 0 or running past the end. */
	memcpy(o, pio, 32);
	memcpy(o + 32, "\x19\x00\x00\x00\x00\x00\x00\x00", 8);
	CHECK(!ra_ok(b, mk_ra(b, o, 40)));
	o[33] = 2;
	CHECK(!ra_ok(b, mk_ra(b, o, 40)));
	CHECK(!ra_ok(b, mk_ra(b, o, 33)));
	o[33] = 1;
	CHECK(!ra_ok(b, mk_ra(b, o, 39)));
	/* Unknown options are ignored (RFC 4861 4.6). */
	CHECK(ra_ok(b, mk_ra(b, o, 40)));
	memcpy(o + 40, mo, 8);
	CHECK(ra_ok(b, mk_ra(b, o, 48)));
	/* MTU option: range 1280..65535, once, length 1. */
	memcpy(o, pio, 32);
	memcpy(o + 32, mo, 8);
	o[38] = 0x04;
	o[39] = 0xff;		/* 1279 */
	CHECK(!ra_ok(b, mk_ra(b, o, 40)));
	o[37] = 0x01;
	o[38] = o[39] = 0;	/* 65536 */
	CHECK(!ra_ok(b, mk_ra(b, o, 40)));
	o[37] = 0;
	o[38] = o[39] = 0xff;	/* 65535 */
	CHECK(ra_ok(b, mk_ra(b, o, 40)));
	memcpy(o + 40, mo, 8);
	CHECK(!ra_ok(b, mk_ra(b, o, 48)));
	memcpy(o + 32, mo, 8);
	o[33] = 2;
	memset(o + 40, 0, 8);
	CHECK(!ra_ok(b, mk_ra(b, o, 48)));
	/* The MTU before the prefix is fine. */
	memcpy(o, mo, 8);
	memcpy(o + 8, pio, 32);
	CHECK(ra_ok(b, mk_ra(b, o, 40)));
}

/* What Debian's miredo-server 1.2.6 answered to our RS. */
static void
test_miredo_ra(void)
{
	static const uint8_t	 nonce[8] = {
		0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 };
	const struct vec	*v = vec("miredo_ra");
	struct teredo_addr	 t;
	struct teredo_packet	 p;
	uint32_t		 prefix, server;
	unsigned int		 mtu;
	uint8_t			*c;

	CHECK(parse_copy(&p, v->b, v->len, &c) == 0);
	CHECK(p.has_auth && memcmp(p.nonce, nonce, 8) == 0);
	CHECK(p.confirmation == 0 && p.has_origin);
	CHECK(p.origin_port == 12345 && p.origin_ip == a4("192.0.2.139"));
	CHECK(memcmp(ip6_dst(p.ip6), &teredo_ll_client, 16) == 0);
	/* p.ip6 is at offset 21: the address helpers take unaligned input. */
	CHECK(!teredo_ll_is_cone(ip6_dst(p.ip6)));
	CHECK(teredo_ll_is_cone(ip6_src(p.ip6)));
	CHECK(!teredo_addr_in_prefix(ip6_src(p.ip6), TEREDO_PREFIX));
	teredo_addr_decode(ip6_dst(p.ip6), &t);
	CHECK(t.prefix == 0xfe800000u && t.port == 0);
	CHECK(parse_ra(p.ip6, p.ip6_len, &prefix, &server, &mtu) == 0);
	CHECK(prefix == TEREDO_PREFIX && server == a4("192.0.2.1"));
	CHECK(mtu == TEREDO_MTU);
	free(c);
	/* And miredo's RS is byte for byte ours, after its auth header. */
	v = vec("miredo_rs");
	CHECK(parse_copy(&p, v->b, v->len, &c) == 0);
	CHECK(p.has_auth && !p.has_origin && p.confirmation == 0);
	CHECK(parse_rs(p.ip6, p.ip6_len));
	CHECK(p.ip6_len == 48 && memcmp(p.ip6, vec("rs")->b, 48) == 0);
	free(c);
}

static void
test_echo(void)
{
	struct in6_addr		 s = a6("2001:db8::1"), d = a6("2001:db8::2");
	const uint8_t		*data;
	uint8_t			 b[256], payload[100];
	size_t			 n, dlen;
	uint16_t		 id, seq;
	int			 reply;

	memset(payload, 0x5a, sizeof(payload));
	payload[0] = 1;
	CHECK(build_echo(b, 147, 1, &s, &d, 7, 9, payload, 100) == 0);
	n = build_echo(b, 148, 1, &s, &d, 7, 9, payload, 100);
	CHECK(n == 148 && b[40] == ICMP6_ECHO_REPLY);
	CHECK(parse_ok(b, n));
	CHECK(parse_echo(b, n, &reply, &id, &seq, &data, &dlen) == 0);
	CHECK(reply == 1 && id == 7 && seq == 9 && dlen == 100);
	CHECK(data == b + 48 && memcmp(data, payload, 100) == 0);
	n = build_echo(b, sizeof(b), 0, &s, &d, 0xffff, 0, NULL, 0);
	CHECK(parse_echo(b, n, &reply, &id, &seq, &data, &dlen) == 0);
	CHECK(reply == 0 && id == 0xffff && seq == 0 && dlen == 0);
	/* Odd data length. */
	n = build_echo(b, sizeof(b), 0, &s, &d, 1, 2, payload, 33);
	CHECK(n == 81 && icmp6_cksum_ok(b, n));
	CHECK(parse_echo(b, n, &reply, &id, &seq, &data, &dlen) == 0);
	b[80] ^= 0xff;
	CHECK(parse_echo(b, n, &reply, &id, &seq, &data, &dlen) == -1);
	b[80] ^= 0xff;
	b[41] = 1;
	fix_icmp6(b, n);
	CHECK(parse_echo(b, n, &reply, &id, &seq, &data, &dlen) == -1);
	b[41] = 0;
	b[40] = ICMP6_DST_UNREACH;
	fix_icmp6(b, n);
	CHECK(parse_echo(b, n, &reply, &id, &seq, &data, &dlen) == -1);
	CHECK(parse_echo(vec("echo")->b, 47, &reply, &id, &seq, &data,
	    &dlen) == -1);
	CHECK(parse_echo(vec("rs")->b, 48, &reply, &id, &seq, &data,
	    &dlen) == -1);
	CHECK(parse_echo(vec("bubble")->b, 40, &reply, &id, &seq, &data,
	    &dlen) == -1);
}

static void
test_icmp6_error(void)
{
	static uint8_t		 orig[1500], b[2000];
	struct in6_addr		 me = a6("2001:db8::ff");
	struct in6_addr		 s = a6("2001:db8::1"), d = a6("2001:db8::2");
	size_t			 n;

	n = build_echo(orig, sizeof(orig), 0, &s, &d, 1, 1, b, 1452);
	CHECK(n == 1500);
	n = build_icmp6_error(b, sizeof(b), ICMP6_DST_UNREACH,
	    ICMP6_DST_UNREACH_ADDR, 0, &me, orig, 1500);
	CHECK(n == TEREDO_MTU);
	CHECK(parse_ok(b, n) && icmp6_cksum_ok(b, n));
	CHECK(b[40] == 1 && b[41] == 3 && b[7] == 64);
	CHECK(memcmp(b + 44, "\0\0\0\0", 4) == 0);
	CHECK(memcmp(ip6_src(b), &me, 16) == 0);
	CHECK(memcmp(ip6_dst(b), &s, 16) == 0);
	CHECK(memcmp(b + 48, orig, TEREDO_MTU - 48) == 0);
	/* A small packet is quoted whole; param is written. */
	n = build_icmp6_error(b, sizeof(b), ICMP6_PACKET_TOO_BIG, 0, 1280,
	    &me, vec("rs")->b, 48);
	CHECK(n == 96 && icmp6_cksum_ok(b, n) && parse_ok(b, n));
	CHECK(b[44] == 0 && b[45] == 0 && b[46] == 5 && b[47] == 0);
	CHECK(memcmp(b + 48, vec("rs")->b, 48) == 0);
	/* A small buffer limits the quote; too small for a header: 0. */
	n = build_icmp6_error(b, 200, ICMP6_DST_UNREACH, 1, 0, &me, orig,
	    1500);
	CHECK(n == 200 && icmp6_cksum_ok(b, n) && parse_ok(b, n));
	CHECK(build_icmp6_error(b, 87, ICMP6_DST_UNREACH, 1, 0, &me, orig,
	    1500) == 0);
	CHECK(build_icmp6_error(b, 88, ICMP6_DST_UNREACH, 1, 0, &me, orig,
	    1500) == 88);
	CHECK(build_icmp6_error(b, sizeof(b), ICMP6_DST_UNREACH, 1, 0, &me,
	    orig, 39) == 0);
}

int
main(void)
{
	load_vectors();
	test_origin_auth();
	test_checksum();
	test_bubble();
	test_parse_accept();
	test_parse_reject();
	test_trailers();
	test_parse_indicators();
	test_parse_truncations();
	test_rs();
	test_ra_build();
	test_ra_reject();
	test_ra_options();
	test_miredo_ra();
	test_echo();
	test_icmp6_error();
	return T_DONE();
}
