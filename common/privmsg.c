/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <string.h>

#include "privmsg.h"

/*
 * The only link-local address the engine may configure: the one miredo
 * uses for its clients (SPEC section 3).
 */
static const struct in6_addr privmsg_ll = {{{
	0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
}}};

static const char *const privmsg_names[PRIV_MSG_MAX] = {
	[PRIV_MSG_ADDR_ADD] = "PRIV_MSG_ADDR_ADD",
	[PRIV_MSG_ADDR_DEL] = "PRIV_MSG_ADDR_DEL",
	[PRIV_MSG_ROUTE_ADD] = "PRIV_MSG_ROUTE_ADD",
	[PRIV_MSG_ROUTE_DEL] = "PRIV_MSG_ROUTE_DEL",
	[PRIV_MSG_MTU] = "PRIV_MSG_MTU",
	[PRIV_MSG_LINK] = "PRIV_MSG_LINK",
	[PRIV_MSG_STATE] = "PRIV_MSG_STATE",
	[PRIV_MSG_READY] = "PRIV_MSG_READY",
	[PRIV_MSG_RESOLVED] = "PRIV_MSG_RESOLVED",
	[PRIV_MSG_NETCHANGE] = "PRIV_MSG_NETCHANGE",
	[PRIV_MSG_PORTMAP] = "PRIV_MSG_PORTMAP",
};

size_t
privmsg_size(uint32_t type)
{
	switch (type) {
	case PRIV_MSG_ADDR_ADD:
	case PRIV_MSG_ADDR_DEL:
		return sizeof(struct privmsg_addr);
	case PRIV_MSG_ROUTE_ADD:
	case PRIV_MSG_ROUTE_DEL:
		return sizeof(struct privmsg_route);
	case PRIV_MSG_MTU:
		return sizeof(struct privmsg_mtu);
	case PRIV_MSG_LINK:
		return sizeof(struct privmsg_link);
	case PRIV_MSG_STATE:
		return sizeof(struct privmsg_state);
	case PRIV_MSG_READY:
		return sizeof(struct privmsg_ready);
	case PRIV_MSG_RESOLVED:
		return sizeof(struct privmsg_resolved);
	case PRIV_MSG_NETCHANGE:
		return sizeof(struct privmsg_netchange);
	case PRIV_MSG_PORTMAP:
		return sizeof(struct privmsg_portmap);
	default:
		return 0;
	}
}

const char *
privmsg_name(uint32_t type)
{
	if (type >= PRIV_MSG_MAX || privmsg_names[type] == NULL)
		return "unknown message";
	return privmsg_names[type];
}

static int
privmsg_in_prefix(const struct in6_addr *a, uint32_t prefix)
{
	uint32_t top;

	/* 0: a client's, learnt from its server: any global unicast /32. */
	if (prefix == 0)
		return (a->s6_addr[0] & 0xe0) == 0x20;
	top = (uint32_t)a->s6_addr[0] << 24 | (uint32_t)a->s6_addr[1] << 16 |
	    (uint32_t)a->s6_addr[2] << 8 | a->s6_addr[3];
	return top == prefix;
}

static int
privmsg_is_zero(const struct in6_addr *a)
{
	static const struct in6_addr zero;

	return memcmp(a, &zero, sizeof(zero)) == 0;
}

static int
privmsg_mtu_ok(uint32_t mtu)
{
	/* RFC 4380 5.1.1 / SPEC section 2: 1280..65535 */
	return mtu >= 1280 && mtu <= 65535;
}

/* Teredo address /32 or our link-local /64: nothing else. */
static const char *
privmsg_check_addr(const struct privmsg_addr *m,
    const struct privmsg_policy *pol)
{
	if (m->ifindex != pol->ifindex)
		return "not our interface";
	if (memcmp(&m->addr, &privmsg_ll, sizeof(privmsg_ll)) == 0)
		return m->plen == 64 ? NULL : "bad link-local prefix length";
	if (!privmsg_in_prefix(&m->addr, pol->prefix))
		return "address outside the Teredo prefix";
	return m->plen == 32 ? NULL : "bad prefix length";
}

/*
 * The default route with the client metric: the only route a client
 * engine asks for (the relay's route to the prefix is priv's own).
 */
static const char *
privmsg_check_route(const struct privmsg_route *m,
    const struct privmsg_policy *pol)
{
	if (m->ifindex != pol->ifindex)
		return "not our interface";
	if (m->metric != PRIVMSG_CLIENT_METRIC)
		return "bad metric";
	if (m->plen != 0)
		return "route other than ::/0";
	return privmsg_is_zero(&m->dst) ? NULL : "bad default route";
}

static const char *
privmsg_check_state(const struct privmsg_state *m,
    const struct privmsg_policy *pol)
{
	if (m->ifindex != pol->ifindex)
		return "not our interface";
	if (m->up == 0)
		return privmsg_is_zero(&m->addr) && m->mtu == 0 ? NULL :
		    "down state with an address";
	if (m->up != 1)
		return "bad state";
	if (!privmsg_mtu_ok(m->mtu))
		return "MTU out of range";
	if (!privmsg_in_prefix(&m->addr, pol->prefix))
		return "address outside the Teredo prefix";
	return NULL;
}

static const char *
privmsg_check_values(uint32_t type, const void *buf,
    const struct privmsg_policy *pol)
{
	union privmsg u;

	memcpy(&u, buf, privmsg_size(type));
	/* A relay's set-up is priv's, from the configuration. */
	if (pol->role != PRIVMSG_ROLE_CLIENT && type != PRIV_MSG_READY)
		return type < PRIV_MSG_READY ? "not allowed to a relay engine" :
		    "not a request";
	switch (type) {
	case PRIV_MSG_ADDR_ADD:
	case PRIV_MSG_ADDR_DEL:
		return privmsg_check_addr(&u.addr, pol);
	case PRIV_MSG_ROUTE_ADD:
	case PRIV_MSG_ROUTE_DEL:
		return privmsg_check_route(&u.route, pol);
	case PRIV_MSG_MTU:
		if (u.mtu.ifindex != pol->ifindex)
			return "not our interface";
		return privmsg_mtu_ok(u.mtu.mtu) ? NULL : "MTU out of range";
	case PRIV_MSG_LINK:
		if (u.link.ifindex != pol->ifindex)
			return "not our interface";
		return u.link.up <= 1 ? NULL : "bad link state";
	case PRIV_MSG_STATE:
		return privmsg_check_state(&u.state, pol);
	case PRIV_MSG_READY:
		return NULL;
	default:
		return "not a request";
	}
}

int
privmsg_check(const void *buf, size_t len, const struct privmsg_policy *pol,
    const char **why)
{
	uint32_t type;
	size_t want;

	*why = NULL;
	if (len < sizeof(type)) {
		*why = "short message";
		return -1;
	}
	memcpy(&type, buf, sizeof(type));
	want = privmsg_size(type);
	if (want == 0) {
		*why = "unknown type";
		return -1;
	}
	if (len != want) {
		*why = "wrong length";
		return -1;
	}
	*why = privmsg_check_values(type, buf, pol);
	return *why == NULL ? (int)type : -1;
}

int
privmsg_check_engine(const void *buf, size_t len, const char **why)
{
	uint32_t type;

	*why = NULL;
	if (len < sizeof(type)) {
		*why = "short message";
		return -1;
	}
	memcpy(&type, buf, sizeof(type));
	if (type != PRIV_MSG_RESOLVED && type != PRIV_MSG_NETCHANGE &&
	    type != PRIV_MSG_PORTMAP) {
		*why = "unknown type";
		return -1;
	}
	if (len != privmsg_size(type)) {
		*why = "wrong length";
		return -1;
	}
	if (type == PRIV_MSG_PORTMAP) {
		struct privmsg_portmap pm;

		memcpy(&pm, buf, sizeof(pm));
		if (pm.ext_port > 65535) {
			*why = "bad port";
			return -1;
		}
	}
	return (int)type;
}
