/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef PORTMAP_H
#define PORTMAP_H

/*
 * Port mapping on the NAT (UPnP IGD, PCP, NAT-PMP) for the client's
 * Teredo port.  What the NAT says (SSDP, HTTP, XML, PCP, NAT-PMP) is
 * parsed in a child of priv of its own, unprivileged and sandboxed like
 * the resolver (OS_ROLE_PORTMAP): it asks for a mapping, renews it at half
 * its lifetime and deletes it when priv stops it (SIGTERM) or goes
 * away.  It tells priv, and priv the engine, only the mapping: one
 * fixed 16-byte message (struct portmap_msg) framed by chan.h.
 */

#include <sys/types.h>
#include <pwd.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

enum portmap_method {
	PORTMAP_NONE = 0,	/* no mapping (none yet, lost, or removed) */
	PORTMAP_UPNP,		/* UPnP IGD AddPortMapping */
	PORTMAP_NATPMP,		/* NAT-PMP (RFC 6886) */
	PORTMAP_PCP,		/* PCP MAP (RFC 6887), our own client */
	PORTMAP_METHOD_MAX
};

#define PORTMAP_MSG_VERSION	1
#define PORTMAP_MSG_LEN		16

/*
 * On the wire (network byte order): version (1 byte), method (1),
 * external port (2), external IPv4 (4), lifetime in s (4), zero (4).
 * PORTMAP_NONE carries zeros; a mapping a non-zero address, port and
 * lifetime.
 */
struct portmap_msg {
	enum portmap_method	method;
	uint32_t		ext_ip;		/* nbo */
	uint16_t		ext_port;	/* host order */
	uint32_t		lifetime;	/* s */
};

/* Encode m into buf (PORTMAP_MSG_LEN bytes). */
void	portmap_msg_encode(const struct portmap_msg *m, uint8_t *buf);
/* Parse and check; 0, or -1 with *why set. */
int	portmap_msg_parse(const void *buf, size_t len, struct portmap_msg *m,
	    const char **why);
const char *portmap_method_name(enum portmap_method method);

/* priv's side (portmap.c). */
struct portmap {
	pid_t		pid;		/* the child, -1 if none */
	int		fd;		/* its channel, -1 if none */
	struct portmap_msg last;	/* what it said last */
	uint64_t	last_at;	/* when (ms), 0 = never */
};

void	portmap_init(struct portmap *p);
/* Start the child for the UDP socket udp_fd (its port); 0 or -1. */
int	portmap_start(struct portmap *p, int udp_fd, const struct passwd *pw);
int	portmap_fd(const struct portmap *p);
/* The channel is readable: 1 if a new message is in p->last. */
int	portmap_read(struct portmap *p, uint64_t now);
/* A child was reaped: 1 if it was ours. */
int	portmap_reaped(struct portmap *p, pid_t pid, int status);
/* Ask the child to delete its mapping and exit; wait for it a while. */
void	portmap_stop(struct portmap *p);

/* The child (portmap_child.c): never returns. */
void	portmap_child(int fd, uint16_t port) __attribute__((noreturn));
/* 1 if built with a port-mapping method (PCP always is). */
int	portmap_built(void);

/* PCP in the child (portmap_pcp.c): the nonce of the mapping held. */
struct portmap_pcp {
	uint8_t		nonce[12];
};
/*
 * Map our port (lifetime > 0: *m filled) or delete the mapping cur
 * (0) by PCP; a set *stop cuts a mapping request short.  0 or -1.
 */
int	portmap_pcp(struct portmap_pcp *pc, uint16_t port, uint32_t lifetime,
	    const struct portmap_msg *cur, struct portmap_msg *m,
	    const volatile sig_atomic_t *stop);

#endif /* PORTMAP_H */
