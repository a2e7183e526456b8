/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "siphash.h"
#include "t.h"
#include "tdata.h"

/* The 64 published vectors: key 00..0f, message 00..len-1. */
static void
test_vectors(void)
{
	uint8_t		 key[SIPHASH_KEY_LEN], msg[64];
	uint64_t	 want, got;
	unsigned int	 len, i, seen = 0;
	char		 line[128];
	FILE		*f;

	for (i = 0; i < sizeof(key); i++)
		key[i] = i;
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = i;
	if ((f = data_open("siphash24.txt")) == NULL) {
		CHECK(0);
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (line[0] == '#')
			continue;
		if (sscanf(line, "%u %" SCNx64, &len, &want) != 2 ||
		    len >= 64) {
			CHECK(0);
			continue;
		}
		got = siphash24(key, msg, len);
		if (got != want)
			fprintf(stderr, "len %u: %016" PRIx64 " != %016"
			    PRIx64 "\n", len, got, want);
		CHECK(got == want);
		seen++;
	}
	fclose(f);
	CHECK(seen == 64);
}

/* The ones the brief names, inline, in case the data file is damaged. */
static void
test_inline(void)
{
	uint8_t		key[SIPHASH_KEY_LEN], msg[64];
	unsigned int	i;

	for (i = 0; i < sizeof(key); i++)
		key[i] = i;
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = i;
	CHECK(siphash24(key, msg, 0) == 0x726fdb47dd0e0e31ULL);
	CHECK(siphash24(key, msg, 1) == 0x74f839c593dc67fdULL);
	CHECK(siphash24(key, msg, 7) == 0xab0200f58b01d137ULL);
	CHECK(siphash24(key, msg, 8) == 0x93f5f5799a932462ULL);
	/* The paper's appendix example: 15 bytes. */
	CHECK(siphash24(key, msg, 15) == 0xa129ca6149be45e5ULL);
	CHECK(siphash24(key, msg, 63) == 0x958a324ceb064572ULL);
	CHECK(siphash24(key, NULL, 0) == 0x726fdb47dd0e0e31ULL);
}

/* Unaligned input gives the same result. */
static void
test_unaligned(void)
{
	uint8_t		key[SIPHASH_KEY_LEN], buf[80];
	unsigned int	i, off;

	for (i = 0; i < sizeof(key); i++)
		key[i] = i;
	for (off = 1; off < 8; off++) {
		for (i = 0; i < 64; i++)
			buf[off + i] = i;
		CHECK(siphash24(key, buf + off, 63) == 0x958a324ceb064572ULL);
		CHECK(siphash24(key, buf + off, 15) == 0xa129ca6149be45e5ULL);
	}
	/* Another key changes the output. */
	key[0] ^= 1;
	CHECK(siphash24(key, buf + 1, 15) != 0xa129ca6149be45e5ULL);
}

int
main(void)
{
	test_vectors();
	test_inline();
	test_unaligned();
	return T_DONE();
}
