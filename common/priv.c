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

static void	priv_relay_route_del(struct priv *);

void
priv_init(struct priv *p, const char *ifname, unsigned int ifindex,
    uint32_t prefix, uint32_t role)
{
	memset(p, 0, sizeof(*p));
	(void)strlcpy(p->ifname, ifname, sizeof(p->ifname));
	p->pol.ifindex = ifindex;
	p->pol.prefix = prefix;
	p->pol.role = role;
	p->state.ifindex = ifindex;
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

/* Remember a request; NULL if the table is full (a violation). */
static struct priv_net *
priv_record(struct priv_net *tab, size_t n, const struct in6_addr *dst,
    unsigned int plen, unsigned int metric)
{
	struct priv_net *e;
	size_t i;

	if ((e = priv_find(tab, n, dst, plen)) != NULL)
		return e;
	for (i = 0; i < n; i++)
		if (!tab[i].used) {
			tab[i].dst = *dst;
			tab[i].plen = plen;
			tab[i].metric = metric;
			tab[i].used = 1;
			tab[i].ours = 0;
			return &tab[i];
		}
	return NULL;
}

static size_t
priv_count(const struct priv_net *tab, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		c += tab[i].used != 0;
	return c;
}

static const char *
priv_ntop(const struct in6_addr *a, char *buf, size_t len)
{
	if (inet_ntop(AF_INET6, a, buf, (socklen_t)len) == NULL)
		(void)strlcpy(buf, "?", len);
	return buf;
}

static int
priv_is_ll(const struct in6_addr *a)
{
	return memcmp(a, &priv_ll, sizeof(*a)) == 0;
}

/* The client's Teredo address (/32) priv holds, or NULL. */
static const struct priv_net *
priv_teredo_addr(const struct priv *p)
{
	size_t i;

	for (i = 0; i < PRIV_ADDRS_MAX; i++)
		if (p->addrs[i].used && !priv_is_ll(&p->addrs[i].dst))
			return &p->addrs[i];
	return NULL;
}

static int
priv_same_state(const struct privmsg_state *a, const struct privmsg_state *b)
{
	return a->up == b->up && a->mtu == b->mtu &&
	    memcmp(&a->addr, &b->addr, sizeof(a->addr)) == 0;
}

/*
 * What a client engine may ask for now (M1 of the security review).  It
 * follows engine_io_up() and engine_io_down(): MTU, link up, address,
 * link-local, default route, STATE up; while up, a new address (the old
 * one deleted first) or a new MTU, then STATE up; going down: route,
 * addresses, link down, STATE down.  The link changes only on the way
 * up from down or on the way down; one Teredo address at a time; a STATE
 * tells what priv has configured, nothing else.
 */
static const char *
priv_client_order(struct priv *p, uint32_t type,
    const union privmsg *u)
{
	const struct priv_net *ta = priv_teredo_addr(p);

	switch (type) {
	case PRIV_MSG_ADDR_ADD:
		if (!p->link_up)
			return "address before the link is up";
		if (!priv_is_ll(&u->addr.addr) && ta != NULL &&
		    memcmp(&ta->dst, &u->addr.addr, sizeof(ta->dst)) != 0)
			return "a second Teredo address";
		return NULL;
	case PRIV_MSG_ADDR_DEL:
		return priv_find(p->addrs, PRIV_ADDRS_MAX, &u->addr.addr,
		    u->addr.plen) != NULL ? NULL :
		    "deleting an address it did not add";
	case PRIV_MSG_ROUTE_ADD:
		return p->link_up ? NULL : "route before the link is up";
	case PRIV_MSG_ROUTE_DEL:
		return priv_count(p->routes, PRIV_ROUTES_MAX) != 0 ? NULL :
		    "deleting a route it did not add";
	case PRIV_MSG_MTU:
		return NULL;
	case PRIV_MSG_LINK:
		if (u->link.up)
			return !p->link_up && !p->state.up ? NULL :
			    "link up outside qualification";
		return p->link_up && p->state.up && ta == NULL &&
		    priv_count(p->routes, PRIV_ROUTES_MAX) == 0 ? NULL :
		    "link down outside the end of qualification";
	case PRIV_MSG_STATE:
		if (!u->state.up)
			return !p->link_up && priv_count(p->addrs,
			    PRIV_ADDRS_MAX) == 0 ? NULL :
			    "down state while configured";
		if (!p->link_up || ta == NULL ||
		    memcmp(&ta->dst, &u->state.addr, sizeof(ta->dst)) != 0)
			return "up state with an address priv did not add";
		if (priv_count(p->routes, PRIV_ROUTES_MAX) == 0)
			return "up state without the default route";
		return u->state.mtu == p->mtu ? NULL :
		    "up state with an MTU priv did not set";
	default:
		return NULL;
	}
}

static int
priv_addr(struct priv *p, const struct privmsg_addr *m)
{
	char buf[INET6_ADDRSTRLEN];
	struct priv_net *e;

	if (m->type == PRIV_MSG_ADDR_ADD) {
		if ((e = priv_record(p->addrs, PRIV_ADDRS_MAX, &m->addr,
		    m->plen, 0)) == NULL)
			return -1;
		/* An address belongs to its interface: ours either way. */
		e->ours = 1;
		if (os_addr_add(p->pol.ifindex, &m->addr, m->plen) == -1 &&
		    errno != EEXIST)
			log_warn("%s: cannot add %s/%u to %s", __func__,
			    priv_ntop(&m->addr, buf, sizeof(buf)), m->plen,
			    p->ifname);
		return 0;
	}
	if ((e = priv_find(p->addrs, PRIV_ADDRS_MAX, &m->addr, m->plen)) !=
	    NULL)
		e->used = e->ours = 0;
	if (os_addr_del(p->pol.ifindex, &m->addr, m->plen) == -1)
		log_debug("%s: cannot delete %s/%u: %s", __func__,
		    priv_ntop(&m->addr, buf, sizeof(buf)), m->plen,
		    strerror(errno));
	return 0;
}

/*
 * Add a route through our interface, never replacing one: the kernel
 * refuses (EEXIST) when a route to dst/plen with this metric exists, on
 * our interface or another one.  Another interface's route is left alone
 * (and not removed at the end).  Returns 1 if we installed it, 0 if
 * another route was there, -1 on another error.
 */
static int
priv_route_add(struct priv *p, const struct in6_addr *dst, unsigned int plen,
    unsigned int metric)
{
	char buf[INET6_ADDRSTRLEN];

	if (os_route_add(p->pol.ifindex, dst, plen, metric) == 0)
		return 1;
	if (errno == EEXIST) {
		log_warnx("a route to %s/%u with metric %u exists already: "
		    "leaving it (not via %s)",
		    priv_ntop(dst, buf, sizeof(buf)), plen, metric, p->ifname);
		return 0;
	}
	log_warn("cannot add route %s/%u via %s",
	    priv_ntop(dst, buf, sizeof(buf)), plen, p->ifname);
	return -1;
}

static int
priv_route(struct priv *p, const struct privmsg_route *m)
{
	char buf[INET6_ADDRSTRLEN];
	struct priv_net *e;
	int ours;

	if (m->type == PRIV_MSG_ROUTE_ADD) {
		if ((e = priv_record(p->routes, PRIV_ROUTES_MAX, &m->dst,
		    m->plen, m->metric)) == NULL)
			return -1;
		if (!e->ours)
			e->ours = priv_route_add(p, &m->dst, m->plen,
			    m->metric) == 1;
		return 0;
	}
	e = priv_find(p->routes, PRIV_ROUTES_MAX, &m->dst, m->plen);
	ours = e != NULL && e->ours;
	if (e != NULL)
		e->used = e->ours = 0;
	/* Only what we installed, and by our interface (RTA_OIF). */
	if (ours && os_route_del(p->pol.ifindex, &m->dst, m->plen,
	    m->metric) == -1)
		log_debug("%s: cannot delete route %s/%u: %s", __func__,
		    priv_ntop(&m->dst, buf, sizeof(buf)), m->plen,
		    strerror(errno));
	return 0;
}

static void
priv_mtu(struct priv *p, unsigned int mtu)
{
	p->mtu = mtu;
	if (os_if_set_mtu(p->pol.ifindex, mtu) == -1)
		log_warn("%s: cannot set the MTU of %s to %u", __func__,
		    p->ifname, mtu);
}

static void
priv_link(struct priv *p, int up)
{
	if (os_if_set_up(p->pol.ifindex, up) == -1)
		log_warn("%s: cannot bring %s %s", __func__, p->ifname,
		    up ? "up" : "down");
	/* What the engine asked for, so that the order checks follow it. */
	p->link_up = up;
}

/* Returns the type, 0 for a STATE that changes nothing, -1 if full. */
static int
priv_apply(struct priv *p, int type, const union privmsg *u)
{
	switch (type) {
	case PRIV_MSG_ADDR_ADD:
	case PRIV_MSG_ADDR_DEL:
		return priv_addr(p, &u->addr) == -1 ? -1 : type;
	case PRIV_MSG_ROUTE_ADD:
	case PRIV_MSG_ROUTE_DEL:
		return priv_route(p, &u->route) == -1 ? -1 : type;
	case PRIV_MSG_MTU:
		priv_mtu(p, u->mtu.mtu);
		return type;
	case PRIV_MSG_LINK:
		priv_link(p, (int)u->link.up);
		return type;
	case PRIV_MSG_STATE:
		/* The hook runs on a change only. */
		if (priv_same_state(&p->state, &u->state))
			return 0;
		p->old_state = p->state;
		p->state = u->state;
		return type;
	case PRIV_MSG_READY:
		p->ready = 1;
		return type;
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
		log_warnx("%s: bad %s (%zu bytes) from the %s engine: %s",
		    __func__, privmsg_name(type), len,
		    p->pol.role == PRIVMSG_ROLE_CLIENT ? "client" : "relay",
		    why);
		return -1;
	}
	memcpy(&u, buf, len);
	if (t == PRIV_MSG_READY)
		why = p->ready ? "ready twice" : NULL;
	else
		why = priv_client_order(p, (uint32_t)t, &u);
	if (why != NULL) {
		log_warnx("%s: %s from the engine not allowed now: %s",
		    __func__, privmsg_name(type), why);
		return -1;
	}
	if ((t = priv_apply(p, t, &u)) == -1) {
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
			if (p->routes[i].ours)
				(void)os_route_del(p->pol.ifindex,
				    &p->routes[i].dst, p->routes[i].plen,
				    p->routes[i].metric);
			p->routes[i].used = p->routes[i].ours = 0;
		}
	for (i = 0; i < PRIV_ADDRS_MAX; i++)
		if (p->addrs[i].used) {
			(void)os_addr_del(p->pol.ifindex, &p->addrs[i].dst,
			    p->addrs[i].plen);
			p->addrs[i].used = p->addrs[i].ours = 0;
		}
	if (p->relay_route)
		priv_relay_route_del(p);
	if (p->link_up)
		priv_link(p, 0);
	p->ready = 0;
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

/*
 * The relay's route to the prefix.  One that exists already (another
 * interface's, same metric) is left alone: relaying then does not get
 * the prefix's traffic, which the warning says; a start-up failure would
 * not help.  Other errors are fatal.
 */
int
priv_relay_up(struct priv *p, unsigned int mtu)
{
	struct in6_addr pfx;

	if (os_if_set_mtu(p->pol.ifindex, mtu) == -1) {
		log_warn("cannot set the MTU of %s to %u", p->ifname, mtu);
		return -1;
	}
	p->mtu = mtu;
	if (os_if_set_up(p->pol.ifindex, 1) == -1) {
		log_warn("cannot bring %s up", p->ifname);
		return -1;
	}
	p->link_up = 1;
	if (os_addr_add(p->pol.ifindex, &priv_ll, 64) == -1 &&
	    errno != EEXIST) {
		log_warn("cannot add fe80::ffff:ffff:ffff/64 to %s",
		    p->ifname);
		return -1;
	}
	if (p->relay_route)
		return 0;
	priv_prefix_addr(p, &pfx);
	switch (priv_route_add(p, &pfx, 32, PRIVMSG_RELAY_METRIC)) {
	case 1:
		p->relay_route = 1;
		return 0;
	case 0:
		return 0;
	default:
		return -1;
	}
}

static void
priv_relay_route_del(struct priv *p)
{
	struct in6_addr pfx;

	priv_prefix_addr(p, &pfx);
	(void)os_route_del(p->pol.ifindex, &pfx, 32, PRIVMSG_RELAY_METRIC);
	p->relay_route = 0;
}

void
priv_relay_down(struct priv *p)
{
	if (p->relay_route)
		priv_relay_route_del(p);
	(void)os_addr_del(p->pol.ifindex, &priv_ll, 64);
	if (p->link_up)
		priv_link(p, 0);
}
