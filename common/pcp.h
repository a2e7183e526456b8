/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef PCP_H
#define PCP_H

/*
 * The Port Control Protocol (RFC 6887), MAP opcode, IPv4 only: the
 * messages the port-mapping child sends to its default gateway and the
 * checks of what comes back.  Pure functions, no I/O (the child's I/O is
 * common/portmap_pcp.c).
 */

#include <stddef.h>
#include <stdint.h>

#define PCP_SERVER_PORT	5351
#define PCP_VERSION	2
#define PCP_OP_MAP	1
#define PCP_HDR_LEN	24	/* common header */
#define PCP_MAP_LEN	60	/* header and MAP opcode, no option */
#define PCP_MAX_LEN	1100	/* longest PCP message */
#define PCP_NONCE_LEN	12
#define PCP_PROTO_UDP	17

/* Result codes (RFC 6887 §7.4). */
enum pcp_result {
	PCP_SUCCESS = 0,
	PCP_UNSUPP_VERSION,
	PCP_NOT_AUTHORIZED,
	PCP_MALFORMED_REQUEST,
	PCP_UNSUPP_OPCODE,
	PCP_UNSUPP_OPTION,
	PCP_MALFORMED_OPTION,
	PCP_NETWORK_FAILURE,
	PCP_NO_RESOURCES,
	PCP_UNSUPP_PROTOCOL,
	PCP_USER_EX_QUOTA,
	PCP_CANNOT_PROVIDE_EXTERNAL,
	PCP_ADDRESS_MISMATCH,
	PCP_EXCESSIVE_REMOTE_PEERS,
	PCP_RESULT_MAX
};

/* A UDP MAP request, or what its answer says. */
struct pcp_map {
	uint8_t		nonce[PCP_NONCE_LEN];
	uint32_t	client_ip;	/* nbo: our source address */
	uint16_t	int_port;	/* host order */
	uint16_t	ext_port;	/* suggested (0: any) or assigned */
	uint32_t	ext_ip;		/* nbo; suggested (0: any) or assigned */
	uint32_t	lifetime;	/* s: asked (0: delete) or granted */
	uint32_t	epoch;		/* answer: the server's epoch time */
	unsigned int	result;		/* answer: enum pcp_result */
};

/* What to do with an answer (pcp_map_parse()). */
enum pcp_verdict {
	PCP_V_DROP = 0,	/* not an answer to our request: ignore it */
	PCP_V_OK,	/* success: the mapping (or the deletion) */
	PCP_V_ERROR,	/* the server refused: result code, lifetime */
	PCP_V_NATPMP	/* a NAT-PMP server: "unsupported version" */
};

/* The request into buf (PCP_MAP_LEN bytes). */
void	pcp_map_build(const struct pcp_map *req, uint8_t *buf);
/*
 * Check an answer against the request req; fills *ans (PCP_V_OK and
 * PCP_V_ERROR), and *why for PCP_V_DROP.
 */
enum pcp_verdict pcp_map_parse(const struct pcp_map *req, const void *buf,
	    size_t len, struct pcp_map *ans, const char **why);
const char *pcp_result_name(unsigned int result);
/* How long to wait for an answer to the try'th send (from 0), ms. */
unsigned int pcp_retry_ms(unsigned int try);
/*
 * One line of Linux's /proc/net/route: 1 and *gw (nbo) for a default
 * route (destination and mask 0, RTF_GATEWAY, up), else 0.
 */
int	pcp_route_gateway(const char *line, uint32_t *gw);

#endif /* PCP_H */
