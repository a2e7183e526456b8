/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>

#include "teredo.h"

/*
 * RFC 4380 4: prefix(32) server(32) flags(16) port(16) client(32), the
 * port and client IPv4 obfuscated by inverting every bit (which does not
 * depend on the byte order).  Only bytes are accessed, so no alignment
 * or host byte order matters.
 */

/*
 * Addresses often point into packets at odd offsets (ip6_src()), so they
 * are only ever read as bytes, never through the struct's members.
 */
#define BYTES(a)	((const uint8_t *)(const void *)(a))

#define ADDR_SERVER	4
#define ADDR_FLAGS	8
#define ADDR_PORT	10
#define ADDR_CLIENT	12

const struct in6_addr teredo_ll_client = { { {
	0xfe, 0x80, 0, 0, 0, 0, 0, 0,
	0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } } };

const struct in6_addr teredo_ll_cone = { { {
	0xfe, 0x80, 0, 0, 0, 0, 0, 0,
	0x80, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } } };

/*
 * Big-endian byte access for the whole codec (packet.c too): wire fields
 * sit at any offset, so they are never read through a wider type.
 */
void
teredo_put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

void
teredo_put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

uint16_t
teredo_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

uint32_t
teredo_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

void
teredo_addr_build(struct in6_addr *a, const struct teredo_addr *t)
{
	uint8_t		*b = (uint8_t *)(void *)a;
	uint32_t	 client = t->client ^ 0xffffffffu;

	teredo_put32(b, t->prefix);
	memcpy(b + ADDR_SERVER, &t->server, 4);
	teredo_put16(b + ADDR_FLAGS, t->flags);
	teredo_put16(b + ADDR_PORT, t->port ^ 0xffff);
	memcpy(b + ADDR_CLIENT, &client, 4);
}

void
teredo_addr_decode(const struct in6_addr *a, struct teredo_addr *t)
{
	const uint8_t	*b = BYTES(a);

	t->prefix = teredo_get32(b);
	memcpy(&t->server, b + ADDR_SERVER, 4);
	t->flags = teredo_get16(b + ADDR_FLAGS);
	t->port = teredo_get16(b + ADDR_PORT) ^ 0xffff;
	memcpy(&t->client, b + ADDR_CLIENT, 4);
	t->client ^= 0xffffffffu;
}

int
teredo_addr_in_prefix(const struct in6_addr *a, uint32_t prefix)
{
	return teredo_get32(BYTES(a)) == prefix;
}

uint16_t
teredo_flags(int cone, const uint8_t rnd[2])
{
	uint16_t	f;

	/* RFC 5991 2: CRAAAAUG AAAAAAAA, R, U and G zero. */
	f = teredo_get16(rnd) & TEREDO_FLAG_RANDOM;
	if (cone)
		f |= TEREDO_FLAG_CONE;
	return f;
}

int
teredo_ll_is_cone(const struct in6_addr *a)
{
	static const uint8_t ll[8] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0 };

	/* RFC 4380 5.2.1: the cone bit is the top bit of the flags field. */
	if (memcmp(a, ll, sizeof(ll)) != 0)
		return 0;
	return (BYTES(a)[8] & 0x80) != 0;
}

/*
 * RFC 6890 special-purpose IPv4 blocks, and what Teredo does with each.
 * The first matching entry decides; anything unmatched is global.
 */
struct ipv4_block {
	uint32_t	net;	/* host order */
	unsigned int	len;
	int		global;
};

static const struct ipv4_block ipv4_blocks[] = {
	{ 0x00000000u, 8, 0 },		/* 0/8 "this network" */
	{ 0x0a000000u, 8, 0 },		/* 10/8 private (RFC 1918) */
	/*
	 * Decision: 100.64/10 (shared address space, RFC 6598) is accepted,
	 * as miredo does, so that clients behind carrier-grade NAT and test
	 * beds that use it keep working.
	 */
	{ 0x64400000u, 10, 1 },
	{ 0x7f000000u, 8, 0 },		/* 127/8 loopback */
	{ 0xa9fe0000u, 16, 0 },		/* 169.254/16 link-local */
	{ 0xac100000u, 12, 0 },		/* 172.16/12 private */
	{ 0xc0000000u, 24, 0 },		/* 192.0.0/24 IETF protocol */
	/* Decision: documentation (RFC 5737) accepted so tests can use it. */
	{ 0xc0000200u, 24, 1 },		/* 192.0.2/24 TEST-NET-1 */
	{ 0xc0586300u, 24, 0 },		/* 192.88.99/24 6to4 relay anycast */
	{ 0xc0a80000u, 16, 0 },		/* 192.168/16 private */
	/* Decision: benchmarking (RFC 2544) accepted, as miredo does. */
	{ 0xc6120000u, 15, 1 },		/* 198.18/15 */
	{ 0xc6336400u, 24, 1 },		/* 198.51.100/24 TEST-NET-2 */
	{ 0xcb007100u, 24, 1 },		/* 203.0.113/24 TEST-NET-3 */
	{ 0xffffffffu, 32, 0 },		/* limited broadcast */
	{ 0xe0000000u, 4, 0 },		/* 224/4 multicast */
	{ 0xf0000000u, 4, 0 },		/* 240/4 reserved */
};

int
ipv4_is_global(uint32_t ip)
{
	uint32_t	h, mask;
	size_t		i;

	h = teredo_get32((const uint8_t *)&ip);
	for (i = 0; i < sizeof(ipv4_blocks) / sizeof(ipv4_blocks[0]); i++) {
		mask = 0xffffffffu << (32 - ipv4_blocks[i].len);
		if ((h & mask) == ipv4_blocks[i].net)
			return ipv4_blocks[i].global;
	}
	return 1;
}

const char *
ipv4_ntop(uint32_t ip, char *buf)
{
	uint8_t		b[4];

	memcpy(b, &ip, 4);
	(void)snprintf(buf, 16, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
	return buf;
}
