/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gso.h"

/*
 * libFuzzer harness for the tunnel's offload header (common/gso.c): the
 * input is a struct gso_hdr, two bytes of MTU, then the packet.  Whatever
 * it says, nothing is read or written out of bounds, a split never makes
 * a packet over the MTU, and each TCP or UDP segment it makes carries a
 * checksum that verifies.
 */

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned char	pkt[65536];
static size_t		maxlen;
static int		split;

static void
verify(const unsigned char *p, size_t len)
{
	uint32_t s = 0;
	size_t i, l4 = 40, n;

	if (!split)
		return;
	if (len > maxlen || len < l4 + 8)
		abort();
	/* only what gso.c built itself: no extension headers */
	if (p[6] != 6 && p[6] != 17)
		return;
	n = len - l4;
	for (i = 8; i < 40; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	s += (uint32_t)(n >> 16) + (uint32_t)(n & 0xffff) + p[6];
	for (i = 0; i < n; i++)
		s += (i & 1) ? p[l4 + i] : (uint32_t)p[l4 + i] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	if (s != 0xffff)
		abort();
}

static void
emit(void *arg, const unsigned char *p, size_t len)
{
	volatile unsigned char x = 0;
	size_t i;

	(void)arg;
	for (i = 0; i < len; i++)
		x ^= p[i];
	verify(p, len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gso_hdr h;
	struct gso_stats st;
	size_t len;

	if (size < sizeof(h) + 2)
		return 0;
	memcpy(&h, data, sizeof(h));
	maxlen = (size_t)(data[sizeof(h)] << 8 | data[sizeof(h) + 1]);
	len = size - sizeof(h) - 2;
	if (len > sizeof(pkt))
		return 0;
	memcpy(pkt, data + sizeof(h) + 2, len);
	/* a split whose l4 is right after the IPv6 header: checked */
	split = h.gso_type != GSO_TYPE_NONE && h.csum_start == 40 &&
	    len > 6 && pkt[6] == ((h.gso_type & 0x7f) == GSO_TYPE_TCPV6 ? 6 :
	    17);
	memset(&st, 0, sizeof(st));
	(void)gso_input(&st, &h, pkt, len, maxlen, emit, NULL);
	return 0;
}
