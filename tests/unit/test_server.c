/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/*
 * The Teredo server core: every accept and drop rule with its counter,
 * the RA byte for byte (the vector was written by hand from RFC 4380 and
 * RFC 4861; it is what miredo-server 1.2.6 sends but for RetransTimer,
 * 2000 there and 0, "unspecified", here), the cone reply
 * from the other address, the rate limit and its bounded table.
 */

#include "config.h"

#include <sys/resource.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "server.h"
#include "t.h"

#define SRV0	"198.51.100.10"
#define SRV1	"198.51.100.11"
#define CLI_IP	"198.51.100.50"
#define CLI_PORT 34310

struct sent {
	int	n, n6, sock;
	uint32_t ip;
	uint16_t port;
	uint8_t	buf[2048];
	size_t	len;
};

static void
cap_udp(void *arg, int sock, uint32_t ip, uint16_t port, const void *buf,
    size_t len)
{
	struct sent *t = arg;

	t->n++;
	t->sock = sock;
	t->ip = ip;
	t->port = port;
	t->len = len < sizeof(t->buf) ? len : sizeof(t->buf);
	memcpy(t->buf, buf, t->len);
}

static void
cap_ipv6(void *arg, const void *pkt, size_t len)
{
	struct sent *t = arg;

	t->n6++;
	t->len = len < sizeof(t->buf) ? len : sizeof(t->buf);
	memcpy(t->buf, pkt, t->len);
}

static uint32_t
v4(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		abort();
	return a.s_addr;
}

static size_t
unhex(uint8_t *out, const char *h)
{
	size_t n = 0;
	unsigned int b;

	while (*h != '\0') {
		if (*h == ' ' || *h == '\n') {
			h++;
			continue;
		}
		if (sscanf(h, "%2x", &b) != 1)
			abort();
		out[n++] = (uint8_t)b;
		h += 2;
	}
	return n;
}

/* A Teredo address written out by hand (RFC 4380 4). */
static void
teredo(uint8_t a[16], const char *server, uint16_t flags, uint16_t port,
    const char *client)
{
	uint32_t s = v4(server), c = ~v4(client);

	a[0] = 0x20; a[1] = 0x01; a[2] = 0; a[3] = 0;
	memcpy(a + 4, &s, 4);
	a[8] = flags >> 8; a[9] = flags & 0xff;
	port = (uint16_t)~port;
	a[10] = port >> 8; a[11] = port & 0xff;
	memcpy(a + 12, &c, 4);
}

static void
v6(uint8_t a[16], const char *s)
{
	if (inet_pton(AF_INET6, s, a) != 1)
		abort();
}

/* An IPv6 packet; for ICMPv6 the checksum is computed here (RFC 4443). */
static size_t
mkpkt(uint8_t *p, const uint8_t src[16], const uint8_t dst[16], int nxt,
    int hlim, const uint8_t *pl, size_t plen)
{
	uint32_t sum = 0;
	size_t i;

	memset(p, 0, 40);
	p[0] = 0x60;
	p[4] = (uint8_t)(plen >> 8); p[5] = (uint8_t)plen;
	p[6] = (uint8_t)nxt; p[7] = (uint8_t)hlim;
	memcpy(p + 8, src, 16);
	memcpy(p + 24, dst, 16);
	if (plen > 0)
		memcpy(p + 40, pl, plen);
	if (nxt != 58)
		return 40 + plen;
	p[42] = p[43] = 0;
	for (i = 8; i < 40; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	sum += (uint32_t)plen + 58;
	for (i = 0; i < plen; i += 2)
		sum += (uint32_t)(p[40 + i] << 8 |
		    (i + 1 < plen ? p[41 + i] : 0));
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	p[42] = (uint8_t)(sum >> 8); p[43] = (uint8_t)sum;
	return 40 + plen;
}

static struct server *
mk(struct sent *t, unsigned int pps, unsigned int burst, unsigned int n)
{
	struct server_config c;
	struct server_io io;

	memset(&c, 0, sizeof(c));
	c.prefix = 0x20010000;
	c.addr[0] = v4(SRV0);
	c.addr[1] = v4(SRV1);
	c.mtu = 1280;
	c.icmp_max = 88;
	c.rate_pps = pps;
	c.rate_burst = burst;
	c.rate_sources = n;
	io.arg = t;
	io.send_udp = cap_udp;
	io.send_ipv6 = cap_ipv6;
	memset(t, 0, sizeof(*t));
	return server_new(&c, &io);
}

/* The RS a miredo client sends: ICMPv6 type 133, 4 reserved bytes. */
static const uint8_t rs_body[8] = { 133, 0, 0, 0, 0, 0, 0, 0 };
static const char auth_hex[] = "0001 0000 0102030405060708 00";

/* What the server must answer (captured layout, RFC 4380 5.2.1). */
static const char ra_plain[] =
    "0000 79f9 39cc9bcd"				/* origin */
    "60000000 0038 3a ff"
    "fe800000000000008000f22739cc9bf5"			/* ours */
    "fe80000000000000" "0000ffffffffffff"
    "86 00 9d1c 00 00 0000 00000000 00000000"
    "03 04 40 40 ffffffff ffffffff 00000000"
    "20010000c633640a 0000000000000000"
    "05 01 0000 00000500";
static const char ra_cone[] =
    "0000 79f9 39cc9bcd"
    "60000000 0038 3a ff"
    "fe800000000000008000f22739cc9bf5"
    "fe80000000000000" "8000ffffffffffff"
    "86 00 1d1c 00 00 0000 00000000 00000000"
    "03 04 40 40 ffffffff ffffffff 00000000"
    "20010000c633640a 0000000000000000"
    "05 01 0000 00000500";

static size_t
mk_rs(uint8_t *d, int auth, const char *ll, const char *dst, int hlim)
{
	uint8_t src[16], to[16];
	size_t n = 0;

	v6(src, ll);
	v6(to, dst);
	if (auth)
		n = unhex(d, auth_hex);
	return n + mkpkt(d + n, src, to, 58, hlim, rs_body, sizeof(rs_body));
}

static void
input(struct server *s, uint64_t now, int sock, const char *ip,
    uint16_t port, const uint8_t *d, size_t n)
{
	server_udp_input(s, now, sock, v4(ip), port, d, n);
}

static uint64_t
dropped(struct server *s, enum server_drop why)
{
	struct server_counters c;

	server_get_counters(s, &c);
	return c.drop[why];
}

static void
test_ra(void)
{
	struct sent t;
	struct server *s = mk(&t, 0, 0, 0);
	struct server_counters c;
	uint8_t d[256], want[256];
	size_t n, w;

	n = mk_rs(d, 1, "fe80::ffff:ffff:ffff", "ff02::2", 255);
	input(s, 0, 0, CLI_IP, CLI_PORT, d, n);
	w = unhex(want, auth_hex);
	w += unhex(want + w, ra_plain);
	CHECK(t.n == 1 && t.sock == 0 && t.ip == v4(CLI_IP) &&
	    t.port == CLI_PORT);
	CHECK(t.len == w && memcmp(t.buf, want, w) == 0);

	/* Without the authentication header, none in the answer. */
	n = mk_rs(d, 0, "fe80::ffff:ffff:ffff", "ff02::2", 255);
	input(s, 0, 1, CLI_IP, CLI_PORT, d, n);
	w = unhex(want, ra_plain);
	CHECK(t.n == 2 && t.sock == 1);
	CHECK(t.len == w && memcmp(t.buf, want, w) == 0);

	/* Cone bit: answered from the other address, either way. */
	n = mk_rs(d, 1, "fe80::8000:ffff:ffff:ffff", "ff02::2", 255);
	input(s, 0, 0, CLI_IP, CLI_PORT, d, n);
	w = unhex(want, auth_hex);
	w += unhex(want + w, ra_cone);
	CHECK(t.n == 3 && t.sock == 1);
	CHECK(t.len == w && memcmp(t.buf, want, w) == 0);
	input(s, 0, 1, CLI_IP, CLI_PORT, d, n);
	CHECK(t.n == 4 && t.sock == 0);

	server_get_counters(s, &c);
	CHECK(c.rs == 4 && c.ra_sent == 4 && c.rx == 4);
	server_free(s);
}

static void
test_bad_rs(void)
{
	struct sent t;
	struct server *s = mk(&t, 0, 0, 0);
	uint8_t d[256], src[16], dst[16], echo[16] = { 128, 0 };
	size_t n;

	n = mk_rs(d, 1, "fe80::ffff:ffff:ffff", "ff02::1", 255);
	input(s, 0, 0, CLI_IP, CLI_PORT, d, n);
	n = mk_rs(d, 1, "fe80::ffff:ffff:ffff", "ff02::2", 64);
	input(s, 0, 0, CLI_IP, CLI_PORT, d, n);
	n = mk_rs(d, 0, "fe80::ffff:ffff:ffff", "ff02::2", 255);
	d[43] ^= 1;				/* checksum */
	input(s, 0, 0, CLI_IP, CLI_PORT, d, n);
	v6(src, "fe80::ffff:ffff:ffff");
	v6(dst, "ff02::2");
	n = mkpkt(d, src, dst, 58, 255, echo, sizeof(echo));
	input(s, 0, 0, CLI_IP, CLI_PORT, d, n);
	CHECK(dropped(s, SDROP_BAD_RS) == 3);
	/* With auth, but not to ff02::2. */
	CHECK(dropped(s, SDROP_MALFORMED) == 1);
	CHECK(t.n == 0 && t.n6 == 0);
	server_free(s);
}

static void
test_malformed_own(void)
{
	struct sent t;
	struct server *s = mk(&t, 0, 0, 0);
	uint8_t d[256];
	size_t n;

	n = mk_rs(d, 1, "fe80::ffff:ffff:ffff", "ff02::2", 255);
	input(s, 0, 0, SRV0, 3544, d, n);		/* loop guard */
	input(s, 0, 0, SRV1, 3544, d, n);
	CHECK(dropped(s, SDROP_OWN_ADDRESS) == 2);
	input(s, 0, 0, CLI_IP, CLI_PORT, d, n - 1);	/* truncated */
	input(s, 0, 0, CLI_IP, CLI_PORT, d, 12);
	input(s, 0, 2, CLI_IP, CLI_PORT, d, n);		/* no such socket */
	input(s, 0, 0, CLI_IP, CLI_PORT, d, 0);
	/* An origin indication is never sent to a server. */
	n = unhex(d, "0000 79f9 39cc9bcd");
	n += mk_rs(d + n, 0, "fe80::ffff:ffff:ffff", "ff02::2", 255);
	input(s, 0, 0, CLI_IP, CLI_PORT, d, n);
	CHECK(dropped(s, SDROP_MALFORMED) == 5);
	/* A private mapping cannot make a Teredo address. */
	n = mk_rs(d, 1, "fe80::ffff:ffff:ffff", "ff02::2", 255);
	input(s, 0, 0, "10.1.2.3", CLI_PORT, d, n);
	input(s, 0, 0, CLI_IP, 0, d, n);
	CHECK(dropped(s, SDROP_NON_GLOBAL) == 2);
	CHECK(t.n == 0 && t.n6 == 0);
	server_free(s);
}

/* Client A (CLI_IP:CLI_PORT, ours) sends pl to dst. */
static size_t
from_a(uint8_t *d, const uint8_t dst[16], int nxt, const uint8_t *pl,
    size_t plen)
{
	uint8_t src[16];

	teredo(src, SRV0, 0, CLI_PORT, CLI_IP);
	return mkpkt(d, src, dst, nxt, 64, pl, plen);
}

static void
test_forward(void)
{
	struct sent t;
	struct server *s = mk(&t, 0, 0, 0);
	struct server_counters c;
	uint8_t d[256], src[16], dst[16], want[256], echo[88] = { 128, 0 };
	size_t n, w;

	/* Bubble to client B of ours: to B's mapping, A's origin first. */
	teredo(dst, SRV0, 0x8000, 4000, "203.0.113.10");
	n = from_a(d, dst, 59, NULL, 0);
	input(s, 0, 1, CLI_IP, CLI_PORT, d, n);
	w = unhex(want, "0000 79f9 39cc9bcd");
	memcpy(want + w, d, n);
	CHECK(t.n == 1 && t.sock == 0 && t.ip == v4("203.0.113.10") &&
	    t.port == 4000);
	CHECK(t.len == w + n && memcmp(t.buf, want, w + n) == 0);

	/* Echo request (88 bytes: the limit) to a native host: raw out. */
	v6(dst, "2001:db8:1::2");
	n = from_a(d, dst, 58, echo, sizeof(echo));
	input(s, 0, 0, CLI_IP, CLI_PORT, d, n);
	CHECK(t.n6 == 1 && t.len == n && memcmp(t.buf, d, n) == 0);

	/* A relay's indirect bubble (5.4.1) from its native address. */
	v6(src, "2001:db8:20::10");
	teredo(dst, SRV0, 0, CLI_PORT, CLI_IP);
	n = mkpkt(d, src, dst, 59, 64, NULL, 0);
	input(s, 0, 0, "192.0.2.10", 3544, d, n);
	w = unhex(want, "0000 f227 3fff fdf5");	/* 3544, 192.0.2.10 */
	memcpy(want + w, d, n);
	CHECK(t.n == 2 && t.sock == 0 && t.ip == v4(CLI_IP) &&
	    t.port == CLI_PORT);
	CHECK(t.len == w + n && memcmp(t.buf, want, w + n) == 0);
	/* A client of another server, to ours: its indirect bubble. */
	teredo(src, "192.0.2.1", 0, 5000, "203.0.113.20");
	n = mkpkt(d, src, dst, 59, 64, NULL, 0);
	input(s, 0, 0, "203.0.113.20", 5000, d, n);
	CHECK(t.n == 3 && t.ip == v4(CLI_IP) && t.port == CLI_PORT);

	/* miredo's indirect bubble: link-local source, hop limit 0. */
	v6(src, "fe80::b4d6:3d6d:6da4:16ae");
	n = mkpkt(d, src, dst, 59, 0, NULL, 0);
	input(s, 0, 1, "192.0.2.10", 45836, d, n);
	CHECK(t.n == 4 && t.ip == v4(CLI_IP) && t.port == CLI_PORT &&
	    t.len == n + 8 && memcmp(t.buf + 8, d, n) == 0);

	server_get_counters(s, &c);
	CHECK(c.fwd_udp == 4 && c.fwd_ipv6 == 1);
	server_free(s);
}

/*
 * RFC 6081 4: a Windows client's bubble with its trailer (each type, as
 * the RFC lays them out) reaches our client with the trailer intact; a
 * malformed trailer is counted and forwarded without the trailer; an
 * echo test loses its trailer (ServerICMPMax is about the datagram).
 */
static void
test_trailer(void)
{
	static const char *const tr[] = {
		"01 04 deadbeef",			/* nonce */
		"03 0e 0000 c0000207 0dd8 c6336409 3039", /* alt. address */
		"04 01 00",				/* ND option */
		"05 02 abcd",				/* random port */
		"01 04 01020304 05 02 1234 7f 00",	/* several */
	};
	struct sent t;
	struct server *s = mk(&t, 0, 0, 0);
	uint8_t d[256], dst[16], want[256], tb[64], echo[40] = { 128, 0 };
	size_t n, w, k, i;

	teredo(dst, SRV0, 0x8000, 4000, "203.0.113.10");
	for (i = 0; i < sizeof(tr) / sizeof(tr[0]); i++) {
		n = from_a(d, dst, 59, NULL, 0);
		k = unhex(tb, tr[i]);
		memcpy(d + n, tb, k);
		input(s, 0, 0, CLI_IP, CLI_PORT, d, n + k);
		w = unhex(want, "0000 79f9 39cc9bcd");
		memcpy(want + w, d, n + k);
		CHECK(t.n == (int)i + 1 && t.ip == v4("203.0.113.10") &&
		    t.len == w + n + k && memcmp(t.buf, want, w + n + k) == 0);
	}
	CHECK(dropped(s, SDROP_BAD_TRAILER) == 0);
	/* Malformed (a nonce of 5 bytes): counted, the bubble goes on. */
	n = from_a(d, dst, 59, NULL, 0);
	k = unhex(tb, "01 05 0102030405");
	memcpy(d + n, tb, k);
	input(s, 0, 0, CLI_IP, CLI_PORT, d, n + k);
	CHECK(dropped(s, SDROP_BAD_TRAILER) == 1);
	CHECK(t.n == 6 && t.len == 8 + n && memcmp(t.buf + 8, d, n) == 0);
	/* An echo request to a client of ours: the trailer is cut. */
	n = from_a(d, dst, 58, echo, sizeof(echo));
	k = unhex(tb, "01 04 deadbeef");
	memcpy(d + n, tb, k);
	input(s, 0, 0, CLI_IP, CLI_PORT, d, n + k);
	CHECK(t.n == 7 && t.len == 8 + n && memcmp(t.buf + 8, d, n) == 0);
	server_free(s);
}

static void
test_not_allowed(void)
{
	struct sent t;
	struct server *s = mk(&t, 0, 0, 0);
	uint8_t d[256], dst[16], big[89] = { 128, 0 }, udp[16] = { 0 };
	size_t n;

	v6(dst, "2001:db8:1::2");
	n = from_a(d, dst, 58, big, sizeof(big));	/* one byte too many */
	input(s, 0, 0, CLI_IP, CLI_PORT, d, n);
	n = from_a(d, dst, 17, udp, sizeof(udp));	/* neither */
	input(s, 0, 0, CLI_IP, CLI_PORT, d, n);
	n = from_a(d, dst, 59, NULL, 0);		/* bubble to native */
	input(s, 0, 0, CLI_IP, CLI_PORT, d, n);
	CHECK(dropped(s, SDROP_NOT_ALLOWED) == 3);
	n = from_a(d, dst, 58, big, 16);
	d[43] ^= 0x55;					/* bad checksum */
	input(s, 0, 0, CLI_IP, CLI_PORT, d, n);
	/* Authentication goes with router solicitations only. */
	n = unhex(d, auth_hex);
	n += from_a(d + n, dst, 59, NULL, 0);
	input(s, 0, 0, CLI_IP, CLI_PORT, d, n);
	CHECK(dropped(s, SDROP_MALFORMED) == 2);
	CHECK(t.n == 0 && t.n6 == 0);
	server_free(s);
}

static void
test_bad_source(void)
{
	struct sent t;
	struct server *s = mk(&t, 0, 0, 0);
	uint8_t d[256], src[16], dst[16];
	size_t n;

	v6(dst, "2001:db8:1::2");
	teredo(src, "192.0.2.1", 0, CLI_PORT, CLI_IP);	/* other server */
	n = mkpkt(d, src, dst, 59, 64, NULL, 0);
	input(s, 0, 0, CLI_IP, CLI_PORT, d, n);
	teredo(src, SRV0, 0, CLI_PORT + 1, CLI_IP);	/* port differs */
	n = mkpkt(d, src, dst, 59, 64, NULL, 0);
	input(s, 0, 0, CLI_IP, CLI_PORT, d, n);
	teredo(src, SRV0, 0, CLI_PORT, "198.51.100.51");	/* IPv4 */
	n = mkpkt(d, src, dst, 59, 64, NULL, 0);
	input(s, 0, 0, CLI_IP, CLI_PORT, d, n);
	v6(src, "2001:db8:5::1");		/* native to native */
	n = mkpkt(d, src, dst, 58, 64, (const uint8_t *)"\x80\0\0\0\0\0\0\0",
	    8);
	input(s, 0, 0, CLI_IP, CLI_PORT, d, n);
	teredo(dst, SRV0, 0, CLI_PORT, CLI_IP);	/* to a client of ours */
	v6(src, "fc00::1");				/* not global */
	n = mkpkt(d, src, dst, 59, 64, NULL, 0);
	input(s, 0, 0, CLI_IP, CLI_PORT, d, n);
	v6(src, "2001:0:c000:201::1");		/* Teredo, bad mapping */
	n = mkpkt(d, src, dst, 59, 64, NULL, 0);
	input(s, 0, 0, CLI_IP, CLI_PORT, d, n);
	v6(src, "fe80::1");			/* link-local, not a bubble */
	n = mkpkt(d, src, dst, 58, 64, (const uint8_t *)"\x80\0\0\0\0\0\0\0",
	    8);
	input(s, 0, 0, CLI_IP, CLI_PORT, d, n);
	CHECK(dropped(s, SDROP_BAD_SOURCE) == 7);
	CHECK(t.n == 0 && t.n6 == 0);
	server_free(s);
}

static void
test_bad_dest(void)
{
	struct sent t;
	struct server *s = mk(&t, 0, 0, 0);
	uint8_t d[256], src[16], dst[16];
	size_t n;
	static const char *const nonglobal[] = {
		"ff02::1", "ff0e::1", "fe80::1", "fc00::1", "::1", "::",
		"::ffff:192.0.2.1", "fec0::1",
	};
	size_t i;

	teredo(dst, "192.0.2.1", 0, 4000, "203.0.113.10");	/* not ours */
	n = from_a(d, dst, 59, NULL, 0);
	input(s, 0, 0, CLI_IP, CLI_PORT, d, n);
	v6(src, "fe80::1");		/* link-local bubble, not to a client */
	v6(dst, "2001:db8:1::2");
	n = mkpkt(d, src, dst, 59, 0, NULL, 0);
	input(s, 0, 0, CLI_IP, CLI_PORT, d, n);
	CHECK(dropped(s, SDROP_BAD_DEST) == 2);
	teredo(dst, SRV0, 0, 4000, "10.0.0.1");		/* private mapping */
	n = from_a(d, dst, 59, NULL, 0);
	input(s, 0, 0, CLI_IP, CLI_PORT, d, n);
	teredo(dst, SRV0, 0, 4000, "224.0.0.1");
	n = from_a(d, dst, 59, NULL, 0);
	input(s, 0, 0, CLI_IP, CLI_PORT, d, n);
	for (i = 0; i < sizeof(nonglobal) / sizeof(nonglobal[0]); i++) {
		v6(dst, nonglobal[i]);
		n = from_a(d, dst, 58, (const uint8_t *)"\x80\0\0\0\0\0\0\0",
		    8);
		input(s, 0, 0, CLI_IP, CLI_PORT, d, n);
	}
	CHECK(dropped(s, SDROP_NON_GLOBAL) == 2 + i);
	teredo(dst, SRV0, 0, 4000, SRV1);		/* would loop */
	n = from_a(d, dst, 59, NULL, 0);
	input(s, 0, 0, CLI_IP, CLI_PORT, d, n);
	CHECK(dropped(s, SDROP_OWN_ADDRESS) == 1);
	CHECK(t.n == 0 && t.n6 == 0);
	server_free(s);
}

static void
test_rate(void)
{
	struct sent t;
	struct server *s = mk(&t, 10, 20, 64);
	uint8_t d[256];
	size_t n;
	int i;

	n = mk_rs(d, 1, "fe80::ffff:ffff:ffff", "ff02::2", 255);
	for (i = 0; i < 30; i++)
		input(s, 1000, 0, CLI_IP, CLI_PORT, d, n);
	CHECK(t.n == 20 && dropped(s, SDROP_RATE_LIMIT) == 10);
	/* Another source has its own bucket. */
	input(s, 1000, 0, "203.0.113.99", 1, d, n);
	CHECK(t.n == 21);
	/* 10 per second refill: 5 more after 500 ms. */
	for (i = 0; i < 10; i++)
		input(s, 1500, 0, CLI_IP, CLI_PORT, d, n);
	CHECK(t.n == 26 && dropped(s, SDROP_RATE_LIMIT) == 15);
	/* A long pause refills to the burst, no more. */
	for (i = 0; i < 30; i++)
		input(s, 1000000, 0, CLI_IP, CLI_PORT, d, n);
	CHECK(t.n == 46 && dropped(s, SDROP_RATE_LIMIT) == 25);
	server_free(s);
}

/*
 * A relay's burst of indirect bubbles to many clients passes (the limit
 * is per destination client for forwarded packets, not per source), and
 * what one client receives is still capped, whoever sends it.
 */
static void
test_rate_relay(void)
{
	struct sent t;
	struct server *s = mk(&t, 100, 200, 4096);
	uint8_t d[256], src[16], dst[16];
	char ip[INET_ADDRSTRLEN];
	size_t n;
	int i;

	v6(src, "fe80::b4d6:3d6d:6da4:16ae");
	for (i = 0; i < 1000; i++) {
		(void)snprintf(ip, sizeof(ip), "203.0.113.%d", 1 + i % 250);
		teredo(dst, SRV0, 0, (uint16_t)(4000 + i / 250), ip);
		n = mkpkt(d, src, dst, 59, 0, NULL, 0);
		input(s, 1000, 0, "192.0.2.10", 3544, d, n);
	}
	CHECK(t.n == 1000 && dropped(s, SDROP_RATE_LIMIT) == 0);
	/* 300 sources, one destination: the burst of 200, no more. */
	teredo(dst, SRV0, 0, CLI_PORT, CLI_IP);
	n = mkpkt(d, src, dst, 59, 0, NULL, 0);
	for (i = 0; i < 300; i++) {
		(void)snprintf(ip, sizeof(ip), "192.0.2.%d", 20 + i % 200);
		input(s, 1000, 0, ip, (uint16_t)(3544 + i), d, n);
	}
	CHECK(t.n == 1200 && dropped(s, SDROP_RATE_LIMIT) == 100);
	/* Router solicitations stay limited per source. */
	n = mk_rs(d, 1, "fe80::ffff:ffff:ffff", "ff02::2", 255);
	for (i = 0; i < 300; i++)
		input(s, 1000, 0, "192.0.2.10", 3544, d, n);
	CHECK(t.n == 1400 && dropped(s, SDROP_RATE_LIMIT) == 200);
	server_free(s);
}

/*
 * A server configured as miredo-server would be by the miredo-server.conf
 * text (its defaults when empty).
 */
static struct server *
mk_conf(struct sent *t, struct conf *c, const char *text)
{
	struct server_config sc;
	struct server_io io;
	char buf[256];
	FILE *fp;

	conf_defaults(c, CONF_SERVER);
	(void)snprintf(buf, sizeof(buf), "%s", text);
	if (buf[0] != '\0') {
		if ((fp = fmemopen(buf, strlen(buf), "r")) == NULL ||
		    conf_parse_stream(c, fp, "t.conf", 1) != 0)
			abort();
		(void)fclose(fp);
	}
	memset(&sc, 0, sizeof(sc));
	sc.prefix = c->prefix;
	sc.addr[0] = v4(SRV0);
	sc.addr[1] = v4(SRV1);
	sc.mtu = c->mtu;
	sc.icmp_max = c->icmp_max;
	server_config_rate(&sc, c->srv_rate);
	io.arg = t;
	io.send_udp = cap_udp;
	io.send_ipv6 = cap_ipv6;
	memset(t, 0, sizeof(*t));
	return server_new(&sc, &io);
}

/*
 * miredo-server.conf(5)'s case for the default, 1000 packets a second in
 * bursts of 2000: 10000 clients behind one address of a carrier-grade
 * NAT, each soliciting both server addresses at the shortest refresh
 * (75 % of 30 s), are all answered over 90 s; 1000 clients qualifying at
 * the same instant (2 RS each) are all answered, 2000 get the burst and
 * the rest their retry 4 s later; a flood from one address gets the
 * burst and the rate, no more.
 */
static void
test_rate_default(void)
{
	struct sent t;
	struct conf c;
	struct server *s = mk_conf(&t, &c, "");
	uint8_t d[256];
	size_t n;
	uint64_t now;
	int i, k, sent = 0;

	CHECK(c.srv_rate == 1000);

	n = mk_rs(d, 1, "fe80::ffff:ffff:ffff", "ff02::2", 255);
	for (k = 0; k < 4; k++)
		for (i = 0; i < 10000; i++) {
			now = 1000 + (uint64_t)k * 22500 +
			    (uint64_t)i * 22500 / 10000;
			input(s, now, 0, CLI_IP, (uint16_t)(1024 + i), d, n);
			input(s, now, 1, CLI_IP, (uint16_t)(1024 + i), d, n);
			sent += 2;
		}
	CHECK(t.n == sent && dropped(s, SDROP_RATE_LIMIT) == 0);
	server_free(s);

	/* 1000 clients at once, then 2000 at once and their retries. */
	s = mk_conf(&t, &c, "");
	for (i = 0; i < 2000; i++)
		input(s, 1000, i & 1, CLI_IP, (uint16_t)(1024 + i / 2), d, n);
	CHECK(t.n == 2000 && dropped(s, SDROP_RATE_LIMIT) == 0);
	server_free(s);
	s = mk_conf(&t, &c, "");
	for (i = 0; i < 4000; i++)
		input(s, 1000, i & 1, CLI_IP, (uint16_t)(1024 + i / 2), d, n);
	CHECK(t.n == 2000 && dropped(s, SDROP_RATE_LIMIT) == 2000);
	for (i = 2000; i < 4000; i++)
		input(s, 5000, i & 1, CLI_IP, (uint16_t)(1024 + i / 2), d, n);
	CHECK(t.n == 4000 && dropped(s, SDROP_RATE_LIMIT) == 2000);
	server_free(s);

	/* 10^5 RS in one second from one address: 2000 + 999 answered. */
	s = mk_conf(&t, &c, "");
	for (i = 0; i < 100000; i++)
		input(s, 1000 + (uint64_t)i / 100, 0, CLI_IP, CLI_PORT, d, n);
	CHECK(t.n == 2999 && dropped(s, SDROP_RATE_LIMIT) == 100000 - 2999);
	server_free(s);
}

/* ServerRateLimit 0: no table, no limit, however fast one source goes. */
static void
test_rate_off(void)
{
	struct sent t;
	struct conf c;
	struct server *s;
	uint8_t d[256];
	size_t n;
	int i;

	s = mk_conf(&t, &c, "ServerRateLimit 0\n");
	CHECK(c.srv_rate == 0);
	n = mk_rs(d, 1, "fe80::ffff:ffff:ffff", "ff02::2", 255);
	for (i = 0; i < 100000; i++)
		input(s, 1000, 0, CLI_IP, CLI_PORT, d, n);
	CHECK(t.n == 100000 && dropped(s, SDROP_RATE_LIMIT) == 0);
	server_free(s);
}

static long
maxrss(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/*
 * 10^6 spoofed sources against a 1024-slot table, then against the
 * default one (4096 slots, 1000/s): the resident size does not grow (an
 * entry per source would be tens of MB), and a legitimate client in the
 * middle of the flood is always answered.
 */
static void
flood_run(struct server *s, struct sent *t)
{
	uint8_t d[256];
	size_t n;
	uint32_t i, ip;
	long before;
	int legit = 0, answered;

	n = mk_rs(d, 0, "fe80::ffff:ffff:ffff", "ff02::2", 64);
	before = maxrss();
	for (i = 0; i < 1000000; i++) {
		/* 10^6 sources in 11/8, hop limit 64: bad RS. */
		ip = htonl(0x0b000000u + i);
		server_udp_input(s, i / 10, 0, ip, (uint16_t)(i | 1), d,
		    n);
		if (i % 1000 == 0) {
			size_t m = mk_rs(d + 128, 0, "fe80::ffff:ffff:ffff",
			    "ff02::2", 255);
			input(s, i / 10, 0, CLI_IP, CLI_PORT, d + 128, m);
			legit++;
		}
	}
	answered = t->n;
	CHECK(answered == legit);
	CHECK(dropped(s, SDROP_BAD_RS) + dropped(s, SDROP_RATE_LIMIT) ==
	    1000000);
	CHECK(maxrss() - before < 8 * 1024);	/* kB on Linux */
	server_free(s);
}

static void
test_flood(void)
{
	struct sent t;
	struct conf c;

	flood_run(mk(&t, 100, 200, 1024), &t);
	flood_run(mk_conf(&t, &c, ""), &t);
}

/*
 * L7 of the security review: echo requests to native IPv6 from many
 * (spoofed) sources each within its own limit are capped all together,
 * at RL_FWD_GLOBAL (10) times the per-source rate and burst.
 */
static void
test_rate_fwd_global(void)
{
	struct sent t;
	struct server *s = mk(&t, 10, 5, 4096);
	uint8_t d[256], src[16], dst[16], echo[8] = { 128, 0 };
	char ip[32];
	size_t n;
	int i, j;

	v6(dst, "2001:db8:1::2");
	for (i = 0; i < 30; i++) {	/* 30 sources x 4: 120 within limits */
		(void)snprintf(ip, sizeof(ip), "198.51.100.%d", 100 + i);
		teredo(src, SRV0, 0, CLI_PORT, ip);
		n = mkpkt(d, src, dst, 58, 64, echo, sizeof(echo));
		for (j = 0; j < 4; j++)
			input(s, 1000, 0, ip, CLI_PORT, d, n);
	}
	CHECK(t.n6 == 50);		/* the global burst: 10 x 5 */
	CHECK(dropped(s, SDROP_RATE_LIMIT) == 70);
	/* it refills at 10 x 10 per second: 10 more after 100 ms */
	for (i = 0; i < 30; i++) {
		(void)snprintf(ip, sizeof(ip), "198.51.100.%d", 150 + i);
		teredo(src, SRV0, 0, CLI_PORT, ip);
		n = mkpkt(d, src, dst, 58, 64, echo, sizeof(echo));
		input(s, 1100, 0, ip, CLI_PORT, d, n);
	}
	CHECK(t.n6 == 60);
	server_free(s);
}

int
main(void)
{
	CHECK(strcmp(server_drop_name(SDROP_OWN_ADDRESS), "own-address") == 0);
	CHECK(strcmp(server_drop_name(SDROP_MAX), "unknown") == 0);
	test_ra();
	test_bad_rs();
	test_trailer();
	test_malformed_own();
	test_forward();
	test_not_allowed();
	test_bad_source();
	test_bad_dest();
	test_rate();
	test_rate_relay();
	test_rate_default();
	test_rate_off();
	test_flood();
	test_rate_fwd_global();
	return T_DONE();
}
