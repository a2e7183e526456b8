/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef SIPHASH_H
#define SIPHASH_H

#include <stddef.h>
#include <stdint.h>

#define SIPHASH_KEY_LEN	16

/* SipHash-2-4 (Aumasson, Bernstein), 64-bit output, little-endian key. */
uint64_t siphash24(const uint8_t key[SIPHASH_KEY_LEN], const void *data,
	    size_t len);

#endif /* SIPHASH_H */
