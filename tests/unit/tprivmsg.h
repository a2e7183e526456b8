/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef TPRIVMSG_H
#define TPRIVMSG_H

/* Building privsep requests for test_privmsg and test_priv. */

#include <sys/socket.h>

#include <arpa/inet.h>
#include <string.h>

#include "privmsg.h"

/* A bad literal gives 0xee.. so that the check under test rejects it. */
static struct in6_addr
a6(const char *s)
{
	struct in6_addr a;

	if (inet_pton(AF_INET6, s, &a) != 1)
		memset(&a, 0xee, sizeof(a));
	return a;
}

static struct privmsg_addr
maddr(uint32_t type, uint32_t idx, const char *addr, uint32_t plen)
{
	struct privmsg_addr m;

	memset(&m, 0, sizeof(m));
	m.type = type;
	m.ifindex = idx;
	m.addr = a6(addr);
	m.plen = plen;
	return m;
}

static struct privmsg_route
mroute(uint32_t type, uint32_t idx, const char *dst, uint32_t plen,
    uint32_t metric)
{
	struct privmsg_route m;

	memset(&m, 0, sizeof(m));
	m.type = type;
	m.ifindex = idx;
	m.dst = a6(dst);
	m.plen = plen;
	m.metric = metric;
	return m;
}

#endif /* TPRIVMSG_H */
