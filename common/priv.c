/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"
#include "compat.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "log.h"
#include "os.h"
#include "priv.h"

/* The client link-local of SPEC section 3, also the relay's. */
static const struct in6_addr priv_ll = {{{
	0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
}}};

void
priv_init(struct priv *p, const char *ifname, unsigned int ifindex,
    uint32_t prefix)
{
	memset(p, 0, sizeof(*p));
	(void)strlcpy(p->ifname, ifname, sizeof(p->ifname));
	p->pol.ifindex = ifindex;
	p->pol.prefix = prefix;
}

static struct priv_net *
priv_find(struct priv_net *tab, size_t n, const struct in6_addr *dst,
    unsigned int plen)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (tab[i].used && tab[i].plen == plen &&
		    memcmp(&tab[i].dst, dst, sizeof(*dst)) == 0)
			return &tab[i];
	return NULL;
}

/* Remember what was configured; -1 if the table is full (a violation). */
static int
priv_record(struct priv_net *tab, size_t n, const struct in6_addr *dst,
    unsigned int plen, unsigned int metric)
{
	size_t i;

	if (priv_find(tab, n, dst, plen) != NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (!tab[i].used) {
			tab[i].dst = *dst;
			tab[i].plen = plen;
			tab[i].metric = metric;
			tab[i].used = 1;
			return 0;
		}
	return -1;
}

static void
priv_forget(struct priv_net *tab, size_t n, const struct in6_addr *dst,
    unsigned int plen)
{
	struct priv_net *e;

	if ((e = priv_find(tab, n, dst, plen)) != NULL)
		e->used = 0;
}

static const char *
priv_ntop(const struct in6_addr *a, char *buf, size_t len)
{
	if (inet_ntop(AF_INET6, a, buf, (socklen_t)len) == NULL)
		(void)strlcpy(buf, "?", len);
	return buf;
}

static int
priv_addr(struct priv *p, const struct privmsg_addr *m)
{
	char buf[INET6_ADDRSTRLEN];
	int add = m->type == PRIV_MSG_ADDR_ADD;

	if (add) {
		if (priv_record(p->addrs, PRIV_ADDRS_MAX, &m->addr,
		    m->plen, 0) == -1)
			return -1;
		if (os_addr_add(p->ifname, &m->addr, m->plen) == -1 &&
		    errno != EEXIST)
			log_warn("%s: cannot add %s/%u to %s", __func__,
			    priv_ntop(&m->addr, buf, sizeof(buf)), m->plen,
			    p->ifname);
		return 0;
	}
	priv_forget(p->addrs, PRIV_ADDRS_MAX, &m->addr, m->plen);
	if (os_addr_del(p->ifname, &m->addr, m->plen) == -1)
		log_debug("%s: cannot delete %s/%u: %s", __func__,
		    priv_ntop(&m->addr, buf, sizeof(buf)), m->plen,
		    strerror(errno));
	return 0;
}

static int
priv_route(struct priv *p, const struct privmsg_route *m)
{
	char buf[INET6_ADDRSTRLEN];

	if (m->type == PRIV_MSG_ROUTE_ADD) {
		if (priv_record(p->routes, PRIV_ROUTES_MAX, &m->dst, m->plen,
		    m->metric) == -1)
			return -1;
		if (os_route_add(p->ifname, &m->dst, m->plen, m->metric) ==
		    -1 && errno != EEXIST)
			log_warn("%s: cannot add route %s/%u via %s", __func__,
			    priv_ntop(&m->dst, buf, sizeof(buf)), m->plen,
			    p->ifname);
		return 0;
	}
	priv_forget(p->routes, PRIV_ROUTES_MAX, &m->dst, m->plen);
	if (os_route_del(p->ifname, &m->dst, m->plen, m->metric) == -1)
		log_debug("%s: cannot delete route %s/%u: %s", __func__,
		    priv_ntop(&m->dst, buf, sizeof(buf)), m->plen,
		    strerror(errno));
	return 0;
}

static void
priv_mtu(struct priv *p, unsigned int mtu)
{
	if (os_if_set_mtu(p->ifname, mtu) == -1)
		log_warn("%s: cannot set the MTU of %s to %u", __func__,
		    p->ifname, mtu);
	else
		p->mtu = mtu;
}

static void
priv_link(struct priv *p, int up)
{
	if (os_if_set_up(p->ifname, up) == -1)
		log_warn("%s: cannot bring %s %s", __func__, p->ifname,
		    up ? "up" : "down");
	else
		p->link_up = up;
}

static int
priv_apply(struct priv *p, int type, const union privmsg *u)
{
	switch (type) {
	case PRIV_MSG_ADDR_ADD:
	case PRIV_MSG_ADDR_DEL:
		return priv_addr(p, &u->addr);
	case PRIV_MSG_ROUTE_ADD:
	case PRIV_MSG_ROUTE_DEL:
		return priv_route(p, &u->route);
	case PRIV_MSG_MTU:
		priv_mtu(p, u->mtu.mtu);
		return 0;
	case PRIV_MSG_LINK:
		priv_link(p, (int)u->link.up);
		return 0;
	case PRIV_MSG_STATE:
		p->old_state = p->state;
		p->state = u->state;
		return 0;
	case PRIV_MSG_READY:
		return 0;
	default:
		return -1;
	}
}

int
priv_dispatch(struct priv *p, const void *buf, size_t len)
{
	union privmsg u;
	const char *why;
	uint32_t type = 0;
	int t;

	if (len >= sizeof(type))
		memcpy(&type, buf, sizeof(type));
	if ((t = privmsg_check(buf, len, &p->pol, &why)) == -1) {
		log_warnx("%s: bad %s (%zu bytes) from the engine: %s",
		    __func__, privmsg_name(type), len, why);
		return -1;
	}
	memcpy(&u, buf, len);
	if (priv_apply(p, t, &u) == -1) {
		log_warnx("%s: bad %s from the engine: too many entries",
		    __func__, privmsg_name(type));
		return -1;
	}
	return t;
}

int
priv_clear(struct priv *p)
{
	size_t i;
	int was_up = p->state.up == 1;

	for (i = 0; i < PRIV_ROUTES_MAX; i++)
		if (p->routes[i].used) {
			(void)os_route_del(p->ifname, &p->routes[i].dst,
			    p->routes[i].plen, p->routes[i].metric);
			p->routes[i].used = 0;
		}
	for (i = 0; i < PRIV_ADDRS_MAX; i++)
		if (p->addrs[i].used) {
			(void)os_addr_del(p->ifname, &p->addrs[i].dst,
			    p->addrs[i].plen);
			p->addrs[i].used = 0;
		}
	if (p->link_up)
		priv_link(p, 0);
	p->old_state = p->state;
	memset(&p->state, 0, sizeof(p->state));
	p->state.ifindex = p->pol.ifindex;
	return was_up;
}

static void
priv_prefix_addr(const struct priv *p, struct in6_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->s6_addr[0] = p->pol.prefix >> 24;
	a->s6_addr[1] = p->pol.prefix >> 16;
	a->s6_addr[2] = p->pol.prefix >> 8;
	a->s6_addr[3] = p->pol.prefix;
}

int
priv_relay_up(struct priv *p, unsigned int mtu)
{
	struct in6_addr pfx;
	char buf[INET6_ADDRSTRLEN];

	if (os_if_set_mtu(p->ifname, mtu) == -1) {
		log_warn("cannot set the MTU of %s to %u", p->ifname, mtu);
		return -1;
	}
	p->mtu = mtu;
	if (os_if_set_up(p->ifname, 1) == -1) {
		log_warn("cannot bring %s up", p->ifname);
		return -1;
	}
	p->link_up = 1;
	if (os_addr_add(p->ifname, &priv_ll, 64) == -1 && errno != EEXIST) {
		log_warn("cannot add fe80::ffff:ffff:ffff/64 to %s",
		    p->ifname);
		return -1;
	}
	priv_prefix_addr(p, &pfx);
	if (os_route_add(p->ifname, &pfx, 32, PRIVMSG_RELAY_METRIC) == -1 &&
	    errno != EEXIST) {
		log_warn("cannot add a route to %s/32 via %s",
		    priv_ntop(&pfx, buf, sizeof(buf)), p->ifname);
		return -1;
	}
	return 0;
}

void
priv_relay_down(struct priv *p)
{
	struct in6_addr pfx;

	priv_prefix_addr(p, &pfx);
	(void)os_route_del(p->ifname, &pfx, 32, PRIVMSG_RELAY_METRIC);
	(void)os_addr_del(p->ifname, &priv_ll, 64);
	if (p->link_up)
		priv_link(p, 0);
}
