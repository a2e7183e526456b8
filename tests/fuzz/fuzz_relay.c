/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "fuzz_core.h"

/*
 * libFuzzer harness: the Teredo relay core (common/core.h, CORE_RELAY)
 * fed with sequences of events (fuzz_core.h); one core lives across
 * inputs so that state carries from one to the next.
 */

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_run(fz_get(CORE_RELAY), data, size);
	return 0;
}
