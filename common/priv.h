/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef PRIV_H
#define PRIV_H

/*
 * What miredo's root process does to its tunnel: the static relay set-up,
 * and the engine's requests, validated by privmsg_check() and recorded so
 * that they can all be undone when the engine goes away.
 */

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#include "privmsg.h"

#define PRIV_ADDRS_MAX	4
#define PRIV_ROUTES_MAX	4

struct priv_net {
	struct in6_addr	dst;
	unsigned int	plen;
	unsigned int	metric;		/* routes only */
	int		used;		/* requested by the engine */
	int		ours;		/* installed by us: removed at end */
};

struct priv {
	char			ifname[IF_NAMESIZE];
	struct privmsg_policy	pol;
	struct priv_net		addrs[PRIV_ADDRS_MAX];
	struct priv_net		routes[PRIV_ROUTES_MAX];
	int			link_up;
	unsigned int		mtu;		/* the MTU last asked for */
	int			ready;		/* PRIV_MSG_READY seen */
	int			relay_route;	/* the relay's route is ours */
	struct privmsg_state	state;		/* last STATE from the engine */
	struct privmsg_state	old_state;	/* the one before */
};

/* role: PRIVMSG_ROLE_CLIENT or PRIVMSG_ROLE_RELAY. */
void	priv_init(struct priv *p, const char *ifname, unsigned int ifindex,
	    uint32_t prefix, uint32_t role);
/*
 * Validate and apply one message from the engine: its length and values
 * (privmsg_check()), then whether the role and the state allow it now.
 * Returns its type (PRIV_MSG_STATE only for a real change of state: the
 * caller runs the hook), 0 for a STATE that changes nothing, or -1 after
 * logging the violation: the caller must kill the engine.
 */
int	priv_dispatch(struct priv *p, const void *buf, size_t len);
/* Undo everything the engine configured.  Returns 1 if it was up. */
int	priv_clear(struct priv *p);
/* Relay: MTU, up, link-local /64, route to prefix/32. */
int	priv_relay_up(struct priv *p, unsigned int mtu);
void	priv_relay_down(struct priv *p);

#endif /* PRIV_H */
