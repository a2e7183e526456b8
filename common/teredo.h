/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef TEREDO_H
#define TEREDO_H

/*
 * Teredo addresses and protocol constants (RFC 4380, RFC 5991).
 * Conventions used by the whole core: IPv4 addresses are uint32_t in
 * network byte order (as in_addr.s_addr); UDP ports and the 32-bit
 * prefix are in host order.
 */

#include <stdint.h>
#include <netinet/in.h>

#define TEREDO_PORT		3544
#define TEREDO_PREFIX		0x20010000u	/* 2001:0000::/32 */
#define TEREDO_MTU		1280
#define TEREDO_MTU_MAX		65535
#define TEREDO_UDP_MAX		65507		/* largest UDP payload */

#define TEREDO_FLAG_CONE	0x8000		/* C */
#define TEREDO_FLAG_R		0x4000		/* reserved, must be 0 */
#define TEREDO_FLAG_U		0x0200		/* must be 0 */
#define TEREDO_FLAG_G		0x0100		/* must be 0 */
#define TEREDO_FLAG_RANDOM	0x3cff		/* the 12 A bits of RFC 5991 */

/* The decoded fields of a Teredo address. */
struct teredo_addr {
	uint32_t	prefix;		/* host order */
	uint32_t	server;		/* network order */
	uint16_t	flags;		/* host order */
	uint16_t	port;		/* client's mapped port, de-obfuscated */
	uint32_t	client;		/* client's mapped IPv4, de-obfuscated, nbo */
};

void	teredo_addr_build(struct in6_addr *a, const struct teredo_addr *t);
void	teredo_addr_decode(const struct in6_addr *a, struct teredo_addr *t);
/* Whether a lies in prefix/32. */
int	teredo_addr_in_prefix(const struct in6_addr *a, uint32_t prefix);
/* RFC 5991 flags: cone bit as given, 12 A bits from rnd, R, U, G zero. */
uint16_t teredo_flags(int cone, const uint8_t rnd[2]);

/* The client link-local address miredo uses: fe80::ffff:ffff:ffff. */
extern const struct in6_addr teredo_ll_client;
/* fe80::8000:ffff:ffff:ffff: the same with the cone bit, as in a cone RS. */
extern const struct in6_addr teredo_ll_cone;
/* Whether a link-local source carries the cone bit (RFC 4380 5.2.1). */
int	teredo_ll_is_cone(const struct in6_addr *a);

/*
 * Whether an IPv4 address (nbo) may appear in Teredo: false for the
 * RFC 6890 special-purpose ranges, true for the documentation ranges
 * (192.0.2/24, 198.51.100/24, 203.0.113/24) so that tests can use them.
 * Decision (documented in the manual): 100.64/10 and 198.18/15 are
 * accepted as miredo does, so testbeds and carrier-grade NATs work.
 */
int	ipv4_is_global(uint32_t ip);

/* Format "a.b.c.d" into buf (at least 16 bytes); returns buf. */
const char *ipv4_ntop(uint32_t ip, char *buf);

/*
 * Big-endian reads and writes of wire fields at any (unaligned) offset,
 * for the codec (teredo.c, packet.c).
 */
void	teredo_put16(uint8_t *p, uint16_t v);
void	teredo_put32(uint8_t *p, uint32_t v);
uint16_t teredo_get16(const uint8_t *p);
uint32_t teredo_get32(const uint8_t *p);

#endif /* TEREDO_H */
