/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef PACKET_H
#define PACKET_H

/*
 * Teredo datagram codec: strict parsers and builders, no I/O, no
 * allocation.  Our own wire structs (no netinet/ip6.h: not every target
 * has it).  Parsers never read outside [buf, buf + len).
 * IPv4 addresses nbo, ports host order (see teredo.h).
 */

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define IP6_HDR_LEN		40
#define IP6_NXT_ICMP6		58
#define IP6_NXT_NONE		59
#define IP6_NXT_UDP		17
#define IP6_NXT_TCP		6

#define ICMP6_DST_UNREACH	1
#define ICMP6_DST_UNREACH_ADMIN	1	/* administratively prohibited */
#define ICMP6_DST_UNREACH_ADDR	3	/* address unreachable */
#define ICMP6_PACKET_TOO_BIG	2
#define ICMP6_ECHO_REQUEST	128
#define ICMP6_ECHO_REPLY	129
#define ND_ROUTER_SOLICIT	133
#define ND_ROUTER_ADVERT	134

/* The fixed IPv6 header. */
struct ip6_wire {
	uint32_t	vcf;		/* version, class, flow label (nbo) */
	uint16_t	plen;		/* payload length (nbo) */
	uint8_t		nxt;
	uint8_t		hlim;
	struct in6_addr	src;
	struct in6_addr	dst;
};

struct icmp6_wire {
	uint8_t		type;
	uint8_t		code;
	uint16_t	cksum;		/* nbo */
	uint8_t		data[4];	/* id + seq for echo */
};

#define TEREDO_NONCE_LEN	8
#define TEREDO_AUTH_MIN		13	/* 00 01 idlen aulen nonce(8) conf */
#define TEREDO_ORIGIN_LEN	8	/* 00 00 port(2) ipv4(4) */

/*
 * RFC 6081 4 / MS-TERE 2.2: Teredo trailers, type-length-value options
 * after the IPv6 packet (Length counts the value bytes that follow it).
 */
#define TRAILER_NONCE		0x01	/* value: 4-byte nonce */
#define TRAILER_ALT_ADDR	0x03	/* 2 reserved, then n x (IPv4, port) */
#define TRAILER_ND_OPTION	0x04	/* value: 1-byte discovery type */
#define TRAILER_RANDOM_PORT	0x05	/* value: 2-byte port */
#define TRAILER_NONCE_LEN	4
#define TRAILER_ND_LEN		1
#define TRAILER_ND_LEN_RFC	4	/* RFC 6081 4.4: type, 3 reserved */
#define TRAILER_PORT_LEN	2
#define TRAILER_ALT_MIN		8	/* reserved + one entry */
#define TRAILER_ALT_MAX		26	/* reserved + four entries */
#define TRAILER_ALT_ENTRIES	4

/*
 * The RFC 6081 options a trailer carried (has_* 0 if absent).  Options of
 * an unknown type are skipped; the raw bytes stay in trailer/trailer_len.
 */
struct teredo_trailer {
	int		has_nonce;
	uint8_t		nonce[TRAILER_NONCE_LEN];
	int		has_nd;
	uint8_t		nd_type;	/* 0 solicitation, 1 advertisement */
	int		has_random_port;
	uint16_t	random_port;	/* host order */
	unsigned int	alt_count;	/* Alternate Address entries */
	uint32_t	alt_ip[TRAILER_ALT_ENTRIES];	/* nbo */
	uint16_t	alt_port[TRAILER_ALT_ENTRIES];	/* host order */
	unsigned int	unknown;	/* options of other types */
	int		alt_bad;	/* parsing failed at an Alternate Address */
};

/*
 * A parsed Teredo datagram (RFC 4380 5.1.1).  Pointers point into the
 * caller's buffer.
 */
struct teredo_packet {
	int		 has_auth;
	const uint8_t	*nonce;		/* TEREDO_NONCE_LEN bytes, if has_auth */
	uint8_t		 confirmation;
	int		 has_origin;
	uint16_t	 origin_port;	/* de-obfuscated, host order */
	uint32_t	 origin_ip;	/* de-obfuscated, nbo */
	const uint8_t	*ip6;		/* the IPv6 packet */
	size_t		 ip6_len;	/* 40 + its payload length */
	/*
	 * Bytes after the IPv6 packet (RFC 6081 4): a well-formed trailer
	 * is kept (trailer, trailer_len, parsed into tr).  A malformed one
	 * is ignored, not the packet: trailer_bad is 1, trailer_len 0,
	 * and alt_bad 1 if the malformed option was an Alternate Address
	 * (RFC 6081 5.6.4.2: the bubble should be dropped; the core does).
	 */
	const uint8_t	*trailer;
	size_t		 trailer_len;
	int		 trailer_bad;
	int		 alt_bad;
	struct teredo_trailer tr;
};

/*
 * Parse one UDP payload: optional authentication encapsulation, then
 * optional origin indication, then an IPv6 packet whose version is 6 and
 * whose payload length fits in the rest, then an optional RFC 6081
 * trailer.  0 or -1 (invalid).
 */
int	teredo_parse(struct teredo_packet *p, const void *buf, size_t len);
/* Parse a trailer alone (len > 0): 0, or -1 if malformed. */
int	teredo_parse_trailer(struct teredo_trailer *t, const void *buf,
	    size_t len);

/*
 * Header accessors for a validated IPv6 packet (at least 40 bytes).  The
 * packet may sit at any offset, so the pointers may be unaligned: use
 * them with memcpy/memcmp only, never dereference them.  void, not
 * struct in6_addr: a compiler may assume a struct in6_addr * to be 4-byte
 * aligned and copy through it with word loads, which trap on
 * strict-alignment CPUs (clang for MIPS did, in tests/sim).
 */
const void *ip6_src(const void *ip6);
const void *ip6_dst(const void *ip6);
uint8_t	ip6_nxt(const void *ip6);

/* Whether a validated packet is a bubble (no payload, next header 59). */
int	ip6_is_bubble(const void *ip6, size_t len);

/*
 * ICMPv6 checksum over the pseudo-header and msg (cksum field included),
 * in network byte order (store it as is); 0 when msg's checksum is right.
 */
uint16_t icmp6_cksum(const struct in6_addr *src, const struct in6_addr *dst,
	    const void *msg, size_t len);
/* Whether the packet's ICMPv6 checksum is right (nxt must be 58). */
int	icmp6_cksum_ok(const void *ip6, size_t len);

/*
 * Builders write into buf (bufsz bytes) and return the length written,
 * or 0 if buf is too small.  All checksums are filled in.
 */
size_t	build_origin(uint8_t *buf, size_t bufsz, uint32_t ip, uint16_t port);
/* Authentication encapsulation with empty id and value (as miredo). */
size_t	build_auth(uint8_t *buf, size_t bufsz,
	    const uint8_t nonce[TEREDO_NONCE_LEN], uint8_t confirmation);
size_t	build_bubble(uint8_t *buf, size_t bufsz, const struct in6_addr *src,
	    const struct in6_addr *dst);
/* One RFC 6081 trailer option: type, length, value (vlen <= 255). */
size_t	build_trailer(uint8_t *buf, size_t bufsz, uint8_t type,
	    const void *value, size_t vlen);
/* Router solicitation from src (a client link-local) to ff02::2. */
size_t	build_rs(uint8_t *buf, size_t bufsz, const struct in6_addr *src);
/*
 * Router advertisement from src to dst with one prefix option
 * prefix(32) || server(32) /64 and, if mtu != 0, an MTU option.
 */
size_t	build_ra(uint8_t *buf, size_t bufsz, const struct in6_addr *src,
	    const struct in6_addr *dst, uint32_t prefix, uint32_t server,
	    unsigned int mtu);
/* Echo request or reply with id, seq and data. */
size_t	build_echo(uint8_t *buf, size_t bufsz, int reply,
	    const struct in6_addr *src, const struct in6_addr *dst,
	    uint16_t id, uint16_t seq, const void *data, size_t datalen);
/*
 * ICMPv6 error (type, code) from src quoting as much of the offending
 * packet as fits in the IPv6 minimum MTU (RFC 4443 2.4).
 */
size_t	build_icmp6_error(uint8_t *buf, size_t bufsz, uint8_t type,
	    uint8_t code, uint32_t param, const struct in6_addr *src,
	    const void *orig, size_t origlen);

/*
 * Parse a router advertisement (the IPv6 packet of a Teredo datagram):
 * ICMPv6 type 134 code 0, right checksum, hop limit 255, exactly one
 * prefix information option of length 64 (its top 64 bits returned in
 * *prefix and *server), optional MTU option (*mtu, 0 if absent; an MTU
 * outside 1280..65535 is rejected).  0 or -1.
 */
int	parse_ra(const void *ip6, size_t len, uint32_t *prefix,
	    uint32_t *server, unsigned int *mtu);
/* Whether the packet is a valid router solicitation (type 133 code 0). */
int	parse_rs(const void *ip6, size_t len);
/*
 * Parse an echo request/reply: sets *id, *seq and the data pointer and
 * length.  Checks the ICMPv6 checksum.  0 or -1.
 */
int	parse_echo(const void *ip6, size_t len, int *reply, uint16_t *id,
	    uint16_t *seq, const uint8_t **data, size_t *datalen);

#endif /* PACKET_H */
