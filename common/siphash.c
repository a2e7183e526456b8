/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "siphash.h"

/*
 * SipHash-2-4 as specified in "SipHash: a fast short-input PRF"
 * (Aumasson, Bernstein, 2012): 2 compression rounds per 8-byte word,
 * 4 finalization rounds.  Input words are read little-endian byte by
 * byte, so neither alignment nor host byte order matters.
 */

#define ROTL(x, b)	(uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static uint64_t
le64(const uint8_t *p, size_t n)
{
	uint64_t	v = 0;
	size_t		i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void
sip_round(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = ROTL(v[1], 13);
	v[1] ^= v[0];
	v[0] = ROTL(v[0], 32);
	v[2] += v[3];
	v[3] = ROTL(v[3], 16);
	v[3] ^= v[2];
	v[0] += v[3];
	v[3] = ROTL(v[3], 21);
	v[3] ^= v[0];
	v[2] += v[1];
	v[1] = ROTL(v[1], 17);
	v[1] ^= v[2];
	v[2] = ROTL(v[2], 32);
}

static void
sip_compress(uint64_t v[4], uint64_t m)
{
	v[3] ^= m;
	sip_round(v);
	sip_round(v);
	v[0] ^= m;
}

uint64_t
siphash24(const uint8_t key[SIPHASH_KEY_LEN], const void *data, size_t len)
{
	const uint8_t	*p = data;
	uint64_t	 v[4], k0, k1, last;
	size_t		 left;

	k0 = le64(key, 8);
	k1 = le64(key + 8, 8);
	/* The constants spell "somepseudorandomlygeneratedbytes". */
	v[0] = k0 ^ 0x736f6d6570736575ULL;
	v[1] = k1 ^ 0x646f72616e646f6dULL;
	v[2] = k0 ^ 0x6c7967656e657261ULL;
	v[3] = k1 ^ 0x7465646279746573ULL;

	for (left = len; left >= 8; left -= 8, p += 8)
		sip_compress(v, le64(p, 8));
	/* Last word: remaining bytes, then the length mod 256 on top. */
	last = le64(p, left) | (uint64_t)(len & 0xff) << 56;
	sip_compress(v, last);

	v[2] ^= 0xff;
	sip_round(v);
	sip_round(v);
	sip_round(v);
	sip_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}
