/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/*
 * PCP MAP messages (pcp.h), as RFC 6887 §7 and §11 lay them out: a
 * 24-byte common header, then the 36-byte MAP opcode.  Addresses are
 * 128 bits; an IPv4 one is IPv4-mapped (::ffff:a.b.c.d), and "any IPv4
 * address" is ::ffff:0.0.0.0 (§11.1).
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "pcp.h"
#include "teredo.h"

#define PCP_IRT_MS	250	/* first wait (RFC: 3 s), doubling */
#define PCP_TRIES	4	/* sends before giving up (RFC: no limit) */

static const uint8_t pcp_v4mapped[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

/* An IPv4 address (nbo) as 16 bytes. */
static void
put_addr(uint8_t *p, uint32_t ip)
{
	memcpy(p, pcp_v4mapped, sizeof(pcp_v4mapped));
	memcpy(p + 12, &ip, 4);
}

void
pcp_map_build(const struct pcp_map *req, uint8_t *buf)
{
	memset(buf, 0, PCP_MAP_LEN);
	buf[0] = PCP_VERSION;
	buf[1] = PCP_OP_MAP;		/* R = 0: a request */
	teredo_put32(buf + 4, req->lifetime);
	put_addr(buf + 8, req->client_ip);
	memcpy(buf + 24, req->nonce, PCP_NONCE_LEN);
	buf[36] = PCP_PROTO_UDP;
	buf[40] = (uint8_t)(req->int_port >> 8);
	buf[41] = (uint8_t)req->int_port;
	buf[42] = (uint8_t)(req->ext_port >> 8);
	buf[43] = (uint8_t)req->ext_port;
	put_addr(buf + 44, req->ext_ip);
}

/*
 * Not a PCP answer of version 2: a NAT-PMP server (RFC 6886 §3.5)
 * answers version 0, its opcode with the R bit, result 1 (unsupported
 * version) on 16 bits.
 */
static enum pcp_verdict
pcp_other_version(const uint8_t *b, const char **why)
{
	if (b[0] == 0 && (b[1] & 0x80) != 0 &&
	    (b[2] << 8 | b[3]) == PCP_UNSUPP_VERSION)
		return PCP_V_NATPMP;
	*why = b[0] == 0 ? "NAT-PMP, not unsupported version" :
	    "unknown version";
	return PCP_V_DROP;
}

/* The MAP opcode's fields of an answer of the right length. */
static enum pcp_verdict
pcp_map_fields(const struct pcp_map *req, const uint8_t *b,
    struct pcp_map *ans, const char **why)
{
	memset(ans, 0, sizeof(*ans));
	memcpy(ans->nonce, b + 24, PCP_NONCE_LEN);
	ans->result = b[3];
	ans->lifetime = teredo_get32(b + 4);
	ans->epoch = teredo_get32(b + 8);
	ans->client_ip = req->client_ip;
	ans->int_port = (uint16_t)(b[40] << 8 | b[41]);
	ans->ext_port = (uint16_t)(b[42] << 8 | b[43]);
	memcpy(&ans->ext_ip, b + 56, 4);
	/* §11.3: an answer to another request (or a forged one). */
	if (memcmp(ans->nonce, req->nonce, PCP_NONCE_LEN) != 0)
		*why = "nonce mismatch";
	else if (b[36] != PCP_PROTO_UDP || ans->int_port != req->int_port)
		*why = "protocol or internal port mismatch";
	if (*why != NULL)
		return PCP_V_DROP;
	if (ans->result != PCP_SUCCESS)
		return PCP_V_ERROR;
	if (req->lifetime == 0)
		return PCP_V_OK;	/* deleted */
	if (memcmp(b + 44, pcp_v4mapped, sizeof(pcp_v4mapped)) != 0)
		*why = "external address not IPv4";
	else if (ans->ext_ip == 0 || ans->ext_port == 0)
		*why = "no external address or port";
	else if (ans->lifetime == 0)
		*why = "success without lifetime";
	return *why == NULL ? PCP_V_OK : PCP_V_DROP;
}

enum pcp_verdict
pcp_map_parse(const struct pcp_map *req, const void *buf, size_t len,
    struct pcp_map *ans, const char **why)
{
	const uint8_t	*b = buf;

	*why = NULL;
	if (len < 4) {
		*why = "truncated";
		return PCP_V_DROP;
	}
	if (b[0] != PCP_VERSION)
		return pcp_other_version(b, why);
	/* §8.3: at least the header, whole 32-bit words, at most 1100. */
	if (len < PCP_HDR_LEN || len % 4 != 0 || len > PCP_MAX_LEN)
		*why = "bad length";
	else if ((b[1] & 0x80) == 0)
		*why = "a request, not an answer";
	else if ((b[1] & 0x7f) != PCP_OP_MAP)
		*why = "not MAP";
	else if (len < PCP_MAP_LEN)
		*why = "truncated MAP";
	if (*why != NULL)
		return PCP_V_DROP;
	/* Options after the opcode (none is asked for): ignored. */
	return pcp_map_fields(req, b, ans, why);
}

const char *
pcp_result_name(unsigned int result)
{
	static const char *const names[PCP_RESULT_MAX] = {
		"SUCCESS", "UNSUPP_VERSION", "NOT_AUTHORIZED",
		"MALFORMED_REQUEST", "UNSUPP_OPCODE", "UNSUPP_OPTION",
		"MALFORMED_OPTION", "NETWORK_FAILURE", "NO_RESOURCES",
		"UNSUPP_PROTOCOL", "USER_EX_QUOTA", "CANNOT_PROVIDE_EXTERNAL",
		"ADDRESS_MISMATCH", "EXCESSIVE_REMOTE_PEERS",
	};

	return result < PCP_RESULT_MAX ? names[result] : "unknown";
}

unsigned int
pcp_retry_ms(unsigned int try)
{
	return try < PCP_TRIES ? (unsigned int)PCP_IRT_MS << try : 0;
}

int
pcp_route_gateway(const char *line, uint32_t *gw)
{
	char		ifname[32];
	unsigned int	dst, via, flags, mask;

	/* Iface Destination Gateway Flags RefCnt Use Metric Mask ... */
	if (sscanf(line, "%31s %x %x %x %*d %*u %*d %x", ifname, &dst, &via,
	    &flags, &mask) != 5)
		return 0;
	/* 0x1 RTF_UP, 0x2 RTF_GATEWAY; the numbers are as in memory. */
	if (dst != 0 || mask != 0 || (flags & 0x3) != 0x3 || via == 0)
		return 0;
	*gw = (uint32_t)via;
	return 1;
}
