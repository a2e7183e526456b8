/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef PRIVMSG_H
#define PRIVMSG_H

/*
 * Messages between miredo's engine and its root parent ("priv"), framed
 * by common/chan.h.  One fixed-size struct per type, each
 * starting with its uint32_t type.  The receiver checks the exact length
 * first, then the values (privmsg_check()).  Pure functions, no I/O, so
 * that the unit tests and the fuzzer drive them directly.
 */

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

enum privmsg_type {
	/* engine -> priv */
	PRIV_MSG_ADDR_ADD = 1,
	PRIV_MSG_ADDR_DEL,
	PRIV_MSG_ROUTE_ADD,
	PRIV_MSG_ROUTE_DEL,
	PRIV_MSG_MTU,
	PRIV_MSG_LINK,
	PRIV_MSG_STATE,		/* configuration done: run the hook */
	PRIV_MSG_READY,		/* privileges dropped, sandbox entered */
	/* priv -> engine */
	PRIV_MSG_RESOLVED,
	PRIV_MSG_NETCHANGE,
	PRIV_MSG_PORTMAP,
	PRIV_MSG_MAX
};

struct privmsg_addr {		/* PRIV_MSG_ADDR_ADD, PRIV_MSG_ADDR_DEL */
	uint32_t	type;
	uint32_t	ifindex;
	struct in6_addr	addr;
	uint32_t	plen;
};

struct privmsg_route {		/* PRIV_MSG_ROUTE_ADD, PRIV_MSG_ROUTE_DEL */
	uint32_t	type;
	uint32_t	ifindex;
	struct in6_addr	dst;
	uint32_t	plen;
	uint32_t	metric;
};

struct privmsg_mtu {		/* PRIV_MSG_MTU */
	uint32_t	type;
	uint32_t	ifindex;
	uint32_t	mtu;
};

struct privmsg_link {		/* PRIV_MSG_LINK */
	uint32_t	type;
	uint32_t	ifindex;
	uint32_t	up;		/* 0 or 1 */
};

struct privmsg_state {		/* PRIV_MSG_STATE */
	uint32_t	type;
	uint32_t	ifindex;
	uint32_t	up;		/* 0 or 1 */
	uint32_t	mtu;
	struct in6_addr	addr;	/* Teredo address when up, else :: */
};

struct privmsg_ready {		/* PRIV_MSG_READY */
	uint32_t	type;
};

struct privmsg_resolved {	/* PRIV_MSG_RESOLVED */
	uint32_t	type;
	uint32_t	server;		/* nbo */
	uint32_t	server2;	/* nbo, 0 = primary + 1 */
};

struct privmsg_netchange {	/* PRIV_MSG_NETCHANGE */
	uint32_t	type;
};

struct privmsg_portmap {	/* PRIV_MSG_PORTMAP (portmap.h) */
	uint32_t	type;
	uint32_t	method;		/* enum portmap_method */
	uint32_t	ext_ip;		/* nbo, 0 = no mapping */
	uint32_t	ext_port;	/* host order */
	uint32_t	lifetime;	/* s */
};

/* Any message, for receive buffers. */
union privmsg {
	uint32_t		type;
	struct privmsg_addr	addr;
	struct privmsg_route	route;
	struct privmsg_mtu	mtu;
	struct privmsg_link	link;
	struct privmsg_state	state;
	struct privmsg_ready	ready;
	struct privmsg_resolved	resolved;
	struct privmsg_netchange netchange;
	struct privmsg_portmap	portmap;
};

/* The largest message: receive buffers are bigger to catch overlong ones. */
#define PRIVMSG_MAX	64
#define PRIVMSG_BUFSZ	(PRIVMSG_MAX * 2)

/* The default route of a client is less preferred than native ones. */
#define PRIVMSG_CLIENT_METRIC	1029
/* The relay route to the Teredo prefix: the normal metric of user routes. */
#define PRIVMSG_RELAY_METRIC	1024

/* Whose requests: a relay engine may only say that it is ready. */
#define PRIVMSG_ROLE_CLIENT	0
#define PRIVMSG_ROLE_RELAY	1

/*
 * What the engine may ask for, message by message.  What depends on the
 * state (the order of a client's requests) is checked by priv.c.
 */
struct privmsg_policy {
	uint32_t	ifindex;	/* our tunnel */
	uint32_t	prefix;		/* Teredo prefix, host order */
	uint32_t	role;		/* PRIVMSG_ROLE_* */
};

/*
 * Check a message from the engine: exact length for its type, then the
 * values against pol.  Returns the type, or -1 with *why set to a short
 * reason (for the log).
 */
int	privmsg_check(const void *buf, size_t len,
	    const struct privmsg_policy *pol, const char **why);
/* Check a message from priv (engine side): exact length and values. */
int	privmsg_check_engine(const void *buf, size_t len, const char **why);
/* The expected size of a message type, 0 if unknown. */
size_t	privmsg_size(uint32_t type);
const char *privmsg_name(uint32_t type);

#endif /* PRIVMSG_H */
