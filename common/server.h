/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef SERVER_H
#define SERVER_H

/*
 * The sans-I/O Teredo server (RFC 4380 5.3).  Two UDP sockets on
 * consecutive addresses (index 0 = primary, 1 = secondary) and a raw IPv6
 * output for clients' echo requests to native hosts.
 * IPv4 nbo, ports host order, times in ms.
 */

#include <stddef.h>
#include <stdint.h>

struct server_config {
	uint32_t	prefix;		/* host order */
	uint32_t	addr[2];	/* primary, secondary (nbo) */
	unsigned int	mtu;		/* advertised in the RA, 0 = none */
	unsigned int	icmp_max;	/* largest ICMPv6 payload forwarded (88) */
	unsigned int	rate_pps;	/* per-source packets per second (0 = off) */
	unsigned int	rate_burst;
	unsigned int	rate_sources;	/* size of the rate-limit table */
};

/*
 * The rate limit of miredo-server.conf's ServerRateLimit: pps packets a
 * second per address, in bursts of SERVER_RATE_BURST_S seconds' worth,
 * over a table of SERVER_RATE_SOURCES addresses; 0 turns it off.
 */
#define SERVER_RATE_BURST_S	2
#define SERVER_RATE_SOURCES	4096
void	server_config_rate(struct server_config *sc, unsigned int pps);

struct server_io {
	void	*arg;
	void	(*send_udp)(void *arg, int sock, uint32_t ip, uint16_t port,
		    const void *buf, size_t len);
	/* Send an IPv6 packet natively (raw socket, header included). */
	void	(*send_ipv6)(void *arg, const void *pkt, size_t len);
};

enum server_drop {
	SDROP_MALFORMED,
	SDROP_OWN_ADDRESS,	/* loop guard */
	SDROP_BAD_SOURCE,	/* 5.3.1 source checks */
	SDROP_BAD_DEST,
	SDROP_NON_GLOBAL,
	SDROP_NOT_ALLOWED,	/* neither bubble nor small ICMPv6 */
	SDROP_RATE_LIMIT,
	SDROP_BAD_RS,
	/*
	 * RFC 6081 trailer that does not parse: only the trailer is
	 * dropped, the packet goes on without it.
	 */
	SDROP_BAD_TRAILER,
	SDROP_MAX
};

struct server_counters {
	uint64_t	rx, rx_bytes;
	uint64_t	rs, ra_sent;
	uint64_t	fwd_udp, fwd_ipv6;
	uint64_t	drop[SDROP_MAX];
};

struct server;

struct server *server_new(const struct server_config *cfg,
	    const struct server_io *io);
void	server_free(struct server *s);
/* A datagram arrived on socket sock (0 or 1) from ip:port. */
void	server_udp_input(struct server *s, uint64_t now, int sock, uint32_t ip,
	    uint16_t port, const void *buf, size_t len);
void	server_get_counters(const struct server *s, struct server_counters *c);
const char *server_drop_name(enum server_drop d);

#endif /* SERVER_H */
