/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/*
 * PCP MAP messages (common/pcp.c): the request's bytes as RFC 6887 §7.1
 * and §11.1 lay them out, and every check of an answer: good ones,
 * malformed, truncated, foreign, every result code, a NAT-PMP server.
 */

#include "config.h"

#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include "pcp.h"
#include "t.h"

static struct pcp_map req;

static void
setup(uint32_t lifetime)
{
	unsigned int i;

	memset(&req, 0, sizeof(req));
	for (i = 0; i < PCP_NONCE_LEN; i++)
		req.nonce[i] = (uint8_t)(0xa0 + i);
	req.client_ip = inet_addr("192.0.2.10");
	req.int_port = 3544;
	req.ext_port = 3544;
	req.lifetime = lifetime;
}

static void
test_build(void)
{
	static const uint8_t want[PCP_MAP_LEN] = {
		2, 1, 0, 0, 0, 0, 0x0e, 0x10,		/* MAP, 3600 s */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 10,
		0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
		0xa8, 0xa9, 0xaa, 0xab,			/* nonce */
		17, 0, 0, 0, 0x0d, 0xd8, 0x0d, 0xd8,	/* UDP 3544 3544 */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0,
	};
	uint8_t b[PCP_MAP_LEN];

	setup(3600);
	pcp_map_build(&req, b);
	CHECK(memcmp(b, want, sizeof(want)) == 0);
	req.ext_ip = inet_addr("203.0.113.1");
	req.lifetime = 0;
	pcp_map_build(&req, b);
	CHECK(b[4] == 0 && b[7] == 0 && b[56] == 203 && b[59] == 1);
	CHECK(pcp_retry_ms(0) == 250 && pcp_retry_ms(1) == 500 &&
	    pcp_retry_ms(3) == 2000 && pcp_retry_ms(4) == 0);
}

/* The server's answer to req: success, 203.0.113.1:3544 for 1800 s. */
static size_t
answer(uint8_t *b)
{
	memset(b, 0, PCP_MAP_LEN);
	b[0] = 2;
	b[1] = 0x80 | PCP_OP_MAP;
	b[7] = 0x08;
	b[6] = 0x07;			/* 1800 */
	b[11] = 42;			/* epoch */
	memcpy(b + 24, req.nonce, PCP_NONCE_LEN);
	b[36] = 17;
	b[40] = 0x0d;
	b[41] = 0xd8;
	b[42] = 0x0d;
	b[43] = 0xd9;			/* 3545 */
	b[54] = b[55] = 0xff;
	b[56] = 203;
	b[57] = 0;
	b[58] = 113;
	b[59] = 1;
	return PCP_MAP_LEN;
}

static enum pcp_verdict
parse(const uint8_t *b, size_t len, struct pcp_map *a)
{
	const char *why = "unset";
	enum pcp_verdict v;

	v = pcp_map_parse(&req, b, len, a, &why);
	/* A reason exactly when it is dropped. */
	CHECK((v == PCP_V_DROP) == (why != NULL));
	return v;
}

static void
test_good(void)
{
	uint8_t b[PCP_MAP_LEN + 8];
	struct pcp_map a;
	size_t n;

	setup(3600);
	n = answer(b);
	CHECK(parse(b, n, &a) == PCP_V_OK);
	CHECK(a.ext_ip == inet_addr("203.0.113.1") && a.ext_port == 3545 &&
	    a.lifetime == 1800 && a.epoch == 42 && a.result == 0 &&
	    a.int_port == 3544);
	/* An option after the opcode: ignored. */
	memset(b + n, 0, 8);
	b[n] = 0x7f;
	CHECK(parse(b, n + 8, &a) == PCP_V_OK);
	/* The reserved byte of the header: ignored (§7.2). */
	b[2] = 0x55;
	CHECK(parse(b, n, &a) == PCP_V_OK);
	/* A deletion's answer: lifetime 0, no address needed. */
	setup(0);
	n = answer(b);
	memset(b + 4, 0, 4);
	memset(b + 44, 0, 16);
	CHECK(parse(b, n, &a) == PCP_V_OK && a.lifetime == 0);
}

static void
test_malformed(void)
{
	uint8_t b[PCP_MAX_LEN + 8];
	struct pcp_map a;
	size_t n, i;

	setup(3600);
	n = answer(b);
	/* Truncated anywhere: dropped. */
	for (i = 0; i < n; i++)
		CHECK(parse(b, i, &a) == PCP_V_DROP);
	/* Not a multiple of 4, too long. */
	memset(b + n, 0, sizeof(b) - n);
	CHECK(parse(b, n + 1, &a) == PCP_V_DROP);
	CHECK(parse(b, PCP_MAX_LEN, &a) == PCP_V_OK);
	CHECK(parse(b, PCP_MAX_LEN + 4, &a) == PCP_V_DROP);
#define BAD(off, val) do {						\
	n = answer(b);							\
	b[off] = (uint8_t)(val);					\
	CHECK(parse(b, n, &a) == PCP_V_DROP);				\
} while (0)
	BAD(0, 1);			/* version 1 */
	BAD(0, 3);
	BAD(1, PCP_OP_MAP);		/* R bit clear: a request */
	BAD(1, 0x80 | 2);		/* PEER */
	BAD(1, 0x80 | 0);		/* ANNOUNCE */
	for (i = 0; i < PCP_NONCE_LEN; i++)
		BAD(24 + i, b[24 + i] ^ 1);	/* nonce */
	BAD(36, 6);			/* TCP */
	BAD(41, 0xd9);			/* internal port */
	BAD(40, 0);
	BAD(53, 1);			/* not IPv4-mapped */
	BAD(54, 0);
	n = answer(b);
	b[42] = 0;
	b[43] = 0;			/* external port 0 */
	CHECK(parse(b, n, &a) == PCP_V_DROP);
	n = answer(b);
	memset(b + 56, 0, 4);		/* external address 0 */
	CHECK(parse(b, n, &a) == PCP_V_DROP);
	n = answer(b);
	memset(b + 4, 0, 4);		/* success without lifetime */
	CHECK(parse(b, n, &a) == PCP_V_DROP);
#undef BAD
}

static void
test_results(void)
{
	uint8_t b[PCP_MAP_LEN];
	struct pcp_map a;
	unsigned int r;
	size_t n;

	setup(3600);
	for (r = 1; r < 256; r++) {
		n = answer(b);
		b[3] = (uint8_t)r;
		b[7] = 30;
		b[6] = 0;		/* retry hint: 30 s */
		CHECK(parse(b, n, &a) == PCP_V_ERROR && a.result == r &&
		    a.lifetime == 30);
		/* ... only for our request. */
		b[24] ^= 1;
		CHECK(parse(b, n, &a) == PCP_V_DROP);
	}
	CHECK(strcmp(pcp_result_name(PCP_SUCCESS), "SUCCESS") == 0);
	CHECK(strcmp(pcp_result_name(PCP_NOT_AUTHORIZED), "NOT_AUTHORIZED") == 0);
	CHECK(strcmp(pcp_result_name(PCP_ADDRESS_MISMATCH),
	    "ADDRESS_MISMATCH") == 0);
	CHECK(strcmp(pcp_result_name(PCP_EXCESSIVE_REMOTE_PEERS),
	    "EXCESSIVE_REMOTE_PEERS") == 0);
	CHECK(strcmp(pcp_result_name(PCP_RESULT_MAX), "unknown") == 0);
}

/* A NAT-PMP server (RFC 6886 §3.5): version 0, "unsupported version". */
static void
test_natpmp(void)
{
	uint8_t b[16] = { 0, 0x80 | PCP_OP_MAP, 0, 1, 0, 0, 0, 9 };
	struct pcp_map a;

	setup(3600);
	CHECK(parse(b, 8, &a) == PCP_V_NATPMP);
	CHECK(parse(b, 4, &a) == PCP_V_NATPMP);
	CHECK(parse(b, 3, &a) == PCP_V_DROP);
	b[1] = 0x80;
	CHECK(parse(b, 8, &a) == PCP_V_NATPMP);
	b[1] = PCP_OP_MAP;		/* a request */
	CHECK(parse(b, 8, &a) == PCP_V_DROP);
	b[1] = 0x81;
	b[3] = 0;			/* NAT-PMP success: not for us */
	CHECK(parse(b, 16, &a) == PCP_V_DROP);
	b[3] = 2;
	CHECK(parse(b, 8, &a) == PCP_V_DROP);
	b[2] = 1;
	b[3] = 1;			/* 257, not 1 */
	CHECK(parse(b, 8, &a) == PCP_V_DROP);
}

static void
test_route(void)
{
	uint32_t gw = 0;

	CHECK(pcp_route_gateway("Iface\tDestination\tGateway \tFlags\t"
	    "RefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT", &gw) == 0);
	CHECK(pcp_route_gateway("c0\t00000000\t010200C0\t0003\t0\t0\t0\t"
	    "00000000\t0\t0\t0", &gw) == 1);
	/* As in memory: the bytes of 192.0.2.1 on a little-endian host. */
	CHECK(gw == 0x010200C0u);
	gw = 0;
	/* Not default, no gateway flag, down, no gateway. */
	CHECK(pcp_route_gateway("c0\t000200C0\t00000000\t0001\t0\t0\t0\t"
	    "00FFFFFF\t0\t0\t0", &gw) == 0);
	CHECK(pcp_route_gateway("c0\t00000000\t010200C0\t0001\t0\t0\t0\t"
	    "00000000\t0\t0\t0", &gw) == 0);
	CHECK(pcp_route_gateway("c0\t00000000\t010200C0\t0002\t0\t0\t0\t"
	    "00000000\t0\t0\t0", &gw) == 0);
	CHECK(pcp_route_gateway("c0\t00000000\t00000000\t0003\t0\t0\t0\t"
	    "00000000\t0\t0\t0", &gw) == 0);
	CHECK(pcp_route_gateway("c0\t00000000\t010200C0\t0003\t0\t0\t0\t"
	    "80000000\t0\t0\t0", &gw) == 0);
	CHECK(pcp_route_gateway("c0 00000000 zz", &gw) == 0);
	CHECK(pcp_route_gateway("", &gw) == 0 && gw == 0);
}

int
main(void)
{
	test_build();
	test_good();
	test_malformed();
	test_results();
	test_natpmp();
	test_route();
	return T_DONE();
}
