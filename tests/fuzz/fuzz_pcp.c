/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pcp.h"

/*
 * libFuzzer harness for the PCP MAP answer's checks (common/pcp.c): the
 * input is an answer from the gateway, parsed against a fixed request
 * (a mapping, and a deletion), from a buffer of exactly its size; and,
 * as text, a line of /proc/net/route.  Nothing is read out of bounds,
 * a reason is given exactly when the answer is dropped, and an answer
 * taken is one a server could have sent to that request.
 */

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const struct pcp_map *req, const uint8_t *b, size_t size)
{
	struct pcp_map		 a;
	const char		*why;
	enum pcp_verdict	 v;

	v = pcp_map_parse(req, b, size, &a, &why);
	if ((v == PCP_V_DROP) != (why != NULL))
		abort();
	if (v == PCP_V_NATPMP && (size < 4 || b[0] != 0))
		abort();
	if (v != PCP_V_OK && v != PCP_V_ERROR)
		return;
	if (size < PCP_MAP_LEN || size > PCP_MAX_LEN || size % 4 != 0 ||
	    b[0] != PCP_VERSION || b[1] != (0x80 | PCP_OP_MAP) ||
	    memcmp(b + 24, req->nonce, PCP_NONCE_LEN) != 0 ||
	    a.int_port != req->int_port || (v == PCP_V_ERROR) != (b[3] != 0))
		abort();
	if (v == PCP_V_OK && req->lifetime != 0 &&
	    (a.ext_ip == 0 || a.ext_port == 0 || a.lifetime == 0))
		abort();
	(void)pcp_result_name(a.result);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcp_map	 req;
	uint8_t		*b;
	char		*line;
	uint32_t	 gw;

	memset(&req, 0, sizeof(req));
	memcpy(req.nonce, "miredo-nonce", PCP_NONCE_LEN);
	req.client_ip = 0x0a0200c0;
	req.int_port = 3544;
	req.lifetime = 3600;
	if ((b = malloc(size == 0 ? 1 : size)) == NULL)
		return 0;
	memcpy(b, data, size);
	check(&req, b, size);
	req.lifetime = 0;
	check(&req, b, size);
	free(b);
	if ((line = malloc(size + 1)) == NULL)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	(void)pcp_route_gateway(line, &gw);
	free(line);
	return 0;
}
