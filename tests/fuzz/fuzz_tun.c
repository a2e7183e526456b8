/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "fuzz_core.h"

/*
 * libFuzzer harness: packets read from the tunnel (core_tun_input) by a
 * qualified client and by a relay.  The first byte picks:
 *	bit 0     the relay (set) or the client
 *	bit 3     FZ_FIX: recompute the ICMPv6 checksum
 *	bit 4     FZ_SELF: source := the client's Teredo address
 *	bits 5-7  then let the clock run that many seconds (timers, so
 *		  that bubbles, echo tests and their failures happen)
 * and the rest is the IPv6 packet.  The cores live across inputs.
 */

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz	*z;

	if (size == 0)
		return 0;
	z = fz_get((data[0] & 1) ? CORE_RELAY : CORE_CLIENT);
	fz_tun(z, data[0], data + 1, size - 1);
	fz_advance(z, (uint64_t)(data[0] >> 5) * 1000);
	/* Refreshes are answered: the client stays qualified. */
	fz_requalify(z);
	return 0;
}
