/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "privmsg.h"
#include "teredo.h"

/*
 * libFuzzer harness: the validators of the messages between miredo's
 * engine and its root parent (common/privmsg.h).  Each input is one
 * message, checked at an aligned and at a misaligned address, and the
 * verdict is compared with an independent statement of the policy of
 * the privilege separation (the engine may only touch its own tunnel:
 * Teredo address /32 or the client link-local /64, ::/0 with the
 * client metric, MTU 1280..65535; a client's policy).
 */

#define FP_IFINDEX	7

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct privmsg_policy fp_pol = { FP_IFINDEX, TEREDO_PREFIX,
    PRIVMSG_ROLE_CLIENT };
static const uint8_t fp_ll[16] = {
	0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
};
static const uint8_t fp_zero[16];
static const uint8_t fp_pfx[16] = { 0x20, 0x01, 0, 0 };

static uint32_t
fp_u32(const uint8_t *m, size_t off)
{
	uint32_t	v;

	memcpy(&v, m + off, sizeof(v));
	return v;
}

static int
fp_mtu_ok(uint32_t mtu)
{
	return mtu >= 1280 && mtu <= 65535;
}

/* Offsets follow the structs; the oracle reads bytes, not members. */
static int
fp_oracle_values(uint32_t type, const uint8_t *m)
{
	const uint8_t	*a = m + 8;

	if (type == PRIV_MSG_READY)	/* the type alone: nothing to check */
		return 1;
	if (fp_u32(m, 4) != FP_IFINDEX)
		return 0;
	switch (type) {
	case PRIV_MSG_ADDR_ADD:
	case PRIV_MSG_ADDR_DEL:
		if (memcmp(a, fp_ll, 16) == 0)
			return fp_u32(m, 24) == 64;
		return memcmp(a, fp_pfx, 4) == 0 && fp_u32(m, 24) == 32;
	case PRIV_MSG_ROUTE_ADD:
	case PRIV_MSG_ROUTE_DEL:
		/* ::/0 only (the relay's prefix route is priv's own) */
		return fp_u32(m, 28) == PRIVMSG_CLIENT_METRIC &&
		    fp_u32(m, 24) == 0 && memcmp(a, fp_zero, 16) == 0;
	case PRIV_MSG_MTU:
		return fp_mtu_ok(fp_u32(m, 8));
	case PRIV_MSG_LINK:
		return fp_u32(m, 8) <= 1;
	case PRIV_MSG_STATE:
		a = m + 16;
		if (fp_u32(m, 8) == 0)
			return fp_u32(m, 12) == 0 &&
			    memcmp(a, fp_zero, 16) == 0;
		return fp_u32(m, 8) == 1 && fp_mtu_ok(fp_u32(m, 12)) &&
		    memcmp(a, fp_pfx, 4) == 0;
	default:
		return 0;
	}
}

static int
fp_oracle(const uint8_t *m, size_t len)
{
	static const size_t	sizes[PRIV_MSG_MAX] = {
		[PRIV_MSG_ADDR_ADD] = 28, [PRIV_MSG_ADDR_DEL] = 28,
		[PRIV_MSG_ROUTE_ADD] = 32, [PRIV_MSG_ROUTE_DEL] = 32,
		[PRIV_MSG_MTU] = 12, [PRIV_MSG_LINK] = 12,
		[PRIV_MSG_STATE] = 32, [PRIV_MSG_READY] = 4,
		[PRIV_MSG_RESOLVED] = 12,
		[PRIV_MSG_NETCHANGE] = 4
	};
	uint32_t		type;

	if (len < 4)
		return -1;
	type = fp_u32(m, 0);
	if (type == 0 || type > PRIV_MSG_READY || len != sizes[type])
		return -1;
	return fp_oracle_values(type, m) ? (int)type : -1;
}

static void
fp_check(const uint8_t *m, size_t len)
{
	const char	*why;
	int		 r, want;
	uint32_t	 type = len >= 4 ? fp_u32(m, 0) : 0;

	r = privmsg_check(m, len, &fp_pol, &why);
	want = fp_oracle(m, len);
	if (r != want || (r == -1) != (why != NULL) ||
	    (why != NULL && strlen(why) == 0))
		abort();
	r = privmsg_check_engine(m, len, &why);
	want = len >= 4 && (type == PRIV_MSG_RESOLVED ||
	    type == PRIV_MSG_NETCHANGE || type == PRIV_MSG_PORTMAP) &&
	    len == privmsg_size(type) ? (int)type : -1;
	/* A port mapping's port (the fourth word) fits 16 bits. */
	if (want == PRIV_MSG_PORTMAP && fp_u32(m, 12) > 65535)
		want = -1;
	if (r != want || (r == -1) != (why != NULL))
		abort();
	if (privmsg_name(type) == NULL ||
	    privmsg_size(type) > PRIVMSG_MAX)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t	*buf;

	if (size > PRIVMSG_BUFSZ)
		size = PRIVMSG_BUFSZ;
	if ((buf = malloc(size + 1)) == NULL)
		abort();
	memcpy(buf, data, size);
	fp_check(buf, size);
	/* The receive buffer may hold a message at any offset. */
	memmove(buf + 1, buf, size);
	fp_check(buf + 1, size);
	free(buf);
	return 0;
}
