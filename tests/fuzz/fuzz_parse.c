/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "teredo.h"
#include "packet.h"

/*
 * libFuzzer harness for the datagram codec: every parser on arbitrary
 * UDP payloads, and the round trips that must hold for what they accept.
 */

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t	out[TEREDO_UDP_MAX + 64];

static void
check_ra(const uint8_t *ip6, size_t len)
{
	uint32_t	prefix, server, prefix2, server2;
	unsigned int	mtu, mtu2;
	size_t		n;

	if (parse_ra(ip6, len, &prefix, &server, &mtu) == -1)
		return;
	if (mtu != 0 && (mtu < TEREDO_MTU || mtu > TEREDO_MTU_MAX))
		abort();
	n = build_ra(out, sizeof(out), ip6_src(ip6), ip6_dst(ip6), prefix,
	    server, mtu);
	if (n == 0 || parse_ra(out, n, &prefix2, &server2, &mtu2) == -1 ||
	    prefix2 != prefix || server2 != server || mtu2 != mtu)
		abort();
}

static void
check_echo(const uint8_t *ip6, size_t len)
{
	const uint8_t	*d;
	size_t		 dlen, n;
	uint16_t	 id, seq;
	int		 reply;

	if (parse_echo(ip6, len, &reply, &id, &seq, &d, &dlen) == -1)
		return;
	if (d < ip6 || d + dlen != ip6 + len)
		abort();
	n = build_echo(out, sizeof(out), !reply, ip6_dst(ip6), ip6_src(ip6),
	    id, seq, d, dlen);
	if (n != len || !icmp6_cksum_ok(out, n))
		abort();
}

static void
check_ip6(const uint8_t *ip6, size_t len)
{
	struct teredo_addr	t;
	struct in6_addr		a;
	size_t			n;

	check_ra(ip6, len);
	check_echo(ip6, len);
	(void)parse_rs(ip6, len);
	(void)ip6_is_bubble(ip6, len);
	(void)icmp6_cksum_ok(ip6, len);
	memcpy(&a, ip6_src(ip6), sizeof(a));
	teredo_addr_decode(&a, &t);
	(void)ipv4_is_global(t.client);
	n = build_icmp6_error(out, sizeof(out), ICMP6_DST_UNREACH,
	    ICMP6_DST_UNREACH_ADDR, 0, &a, ip6, len);
	if (n == 0 || n > TEREDO_MTU || !icmp6_cksum_ok(out, n))
		abort();
}

/*
 * The same packet with its ICMPv6 checksum made right, so that mutations
 * of the RA options reach the option parser instead of failing the sum.
 */
static void
check_fixed(const uint8_t *ip6, size_t len)
{
	static uint8_t	fixed[TEREDO_UDP_MAX];
	uint16_t	ck;

	if (len < IP6_HDR_LEN + 4 || len > sizeof(fixed) ||
	    ip6_nxt(ip6) != IP6_NXT_ICMP6)
		return;
	memcpy(fixed, ip6, len);
	fixed[IP6_HDR_LEN + 2] = fixed[IP6_HDR_LEN + 3] = 0;
	ck = icmp6_cksum(ip6_src(fixed), ip6_dst(fixed), fixed + IP6_HDR_LEN,
	    len - IP6_HDR_LEN);
	memcpy(fixed + IP6_HDR_LEN + 2, &ck, 2);
	if (!icmp6_cksum_ok(fixed, len))
		abort();
	check_ip6(fixed, len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct teredo_packet	p;

	if (teredo_parse(&p, data, size) == 0) {
		if (p.ip6 < data || p.ip6 + p.ip6_len > data + size ||
		    p.ip6_len < IP6_HDR_LEN)
			abort();
		/* RFC 6081: the rest is the trailer, kept or ignored. */
		if (p.ip6 + p.ip6_len != data + size && (p.trailer_bad ?
		    p.trailer != NULL : p.trailer != p.ip6 + p.ip6_len ||
		    p.trailer + p.trailer_len != data + size))
			abort();
		if (p.has_auth && (p.nonce < data ||
		    p.nonce + TEREDO_NONCE_LEN > p.ip6))
			abort();
		check_ip6(p.ip6, p.ip6_len);
		check_fixed(p.ip6, p.ip6_len);
	}
	/* The ICMPv6 parsers must also be safe on raw input. */
	(void)parse_rs(data, size);
	check_ra(data, size);
	check_echo(data, size);
	return 0;
}
