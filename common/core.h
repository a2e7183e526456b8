/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef CORE_H
#define CORE_H

/*
 * The sans-I/O Teredo client and relay (RFC 4380 5.2, 5.4).  Fed with
 * events and the current time, it acts only through the callbacks in
 * struct core_io.  No system calls, no clock, no randomness of its own.
 * Times are milliseconds on a monotonic clock.  IPv4 nbo, ports host order.
 */

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

/* The Teredo IPv4 Discovery Address, 224.0.0.253 (RFC 4380 2.17). */
#define CORE_DISC_ADDR	0xe00000fdu	/* host order */
#define CORE_LOCAL_NETS	8

enum core_role {
	CORE_CLIENT,
	CORE_RELAY
};

struct core_config {
	enum core_role	role;
	int		cone;		/* relay: advertise/act as cone */
	uint32_t	prefix;		/* Teredo prefix, host order */
	unsigned int	mtu;		/* relay: tunnel MTU */
	unsigned int	refresh_interval;	/* client, s (30) */
	unsigned int	qualify_timeout;	/* client, s (4) */
	unsigned int	qualify_retries;	/* client (3) */
	unsigned int	peer_max;		/* peer table cap */
	unsigned int	queue_bytes;		/* global queue byte budget */
	uint32_t	local_ip;	/* relay: its own IPv4 if known (loop guard), 0 */
	/*
	 * Relay: its own native IPv6 address, the source of its ICMPv6
	 * errors (RFC 4443 2.2); :: if unknown (then the unreachable
	 * destination's).
	 */
	struct in6_addr	relay_src;
	/*
	 * Client: local client discovery (RFC 4380 5.2.8) on, and the
	 * IPv4 subnets of the links it runs on (discovery bubbles and
	 * local peers are accepted only from there).
	 */
	int		local_discovery;
	unsigned int	nlocal_nets;
	struct core_net {
		uint32_t	net, mask;	/* nbo */
		uint32_t	addr;		/* ours on it, nbo */
	}		local_nets[CORE_LOCAL_NETS];
	/*
	 * Client: the RFC 6081 Hairpinning Extension (5.6, hairpin.c): our
	 * local addresses (the first local_nets' addr) in our indirect
	 * bubbles, a peer's behind our NAT tried and, once it answered
	 * from one with our nonce, used.  Needs sns (the Nonce trailer).
	 */
	int		hairpinning;
	/*
	 * Client: the RFC 6081 Symmetric NAT Support Extension (5.2), and
	 * the NAT test through the secondary server address that goes
	 * with it (RFC 4380 5.2.1); 0 keeps to RFC 4380 as miredo does.
	 */
	int		sns;
	/* Client: the local port of our socket (0 if unknown). */
	uint16_t	local_port;
	/*
	 * Client: how long the first solicitation waits for a port
	 * mapping (core_portmap()), 0 not at all.  A NAT that maps a port
	 * outward for every destination from the mapping on (miniupnpd's
	 * MASQUERADE --to-ports) keeps the translation it made before for
	 * a flow that lives on, as the one to the server would.
	 */
	unsigned int	portmap_wait_ms;
};

#define CORE_PORTMAP_WAIT_MS	1500	/* SSDP takes 1 s (portmap_child.c) */

/*
 * The callbacks must not call back into the same core (a simulation
 * queues what it delivers): they run in the middle of its work.
 */
struct core_io {
	void	*arg;
	/* Send one UDP datagram from our socket. */
	void	(*send_udp)(void *arg, uint32_t ip, uint16_t port,
		    const void *buf, size_t len);
	/* Write one IPv6 packet to the tunnel. */
	void	(*send_tun)(void *arg, const void *pkt, size_t len);
	/* Fill buf with unpredictable bytes (a CSPRNG in the daemon). */
	void	(*random)(void *arg, void *buf, size_t len);
	/* Client: qualified (or the address changed); configure the tunnel. */
	void	(*up)(void *arg, const struct in6_addr *addr, unsigned int mtu);
	/* Client: lost qualification; remove address and routes. */
	void	(*down)(void *arg);
	/*
	 * Client, optional (NULL: RFC 6081's port-preserving and
	 * sequential port-symmetric extensions stay off): open one more UDP
	 * socket on a random local port (its port in *port) and return its
	 * id (> 0) or -1; send from it; close it.  What arrives on it goes
	 * to core_udp_input_from().
	 */
	int	(*open_udp)(void *arg, uint16_t *port);
	void	(*send_udp_from)(void *arg, int sock, uint32_t ip,
		    uint16_t port, const void *buf, size_t len);
	void	(*close_udp)(void *arg, int sock);
};

/* Why packets were dropped; each has a counter. */
enum core_drop {
	DROP_MALFORMED,		/* teredo_parse failed */
	DROP_UNQUALIFIED,	/* client not qualified yet */
	DROP_BAD_SOURCE,	/* outer source not trusted for inner source */
	DROP_NOT_TEREDO,	/* relay: inner source not a Teredo address */
	DROP_NON_GLOBAL,	/* embedded IPv4 not global (CVE-2006-6264) */
	DROP_LOOP,		/* destination embeds our own address */
	DROP_LINK_LOCAL,	/* link-local source would reach the kernel */
	DROP_BAD_RA,		/* RA with wrong nonce or contents */
	DROP_BAD_DEST,		/* tunnel packet to an unusable destination */
	DROP_QUEUE_FULL,	/* peer queue or global budget full */
	DROP_RATE_LIMIT,	/* bubble or ICMPv6 rate limit */
	DROP_UNREACHABLE,	/* peer could not be reached */
	DROP_BAD_TUN,		/* malformed packet from the tunnel */
	DROP_OTHER,
	/*
	 * RFC 6081 trailer that does not parse: only the trailer is
	 * dropped, the packet goes on without it.
	 */
	DROP_BAD_TRAILER,
	DROP_UNKNOWN_PEER,	/* relay: a client it never sent to (5.4.2) */
	DROP_MAX
};

struct core_counters {
	uint64_t	rx_udp, rx_udp_bytes, tx_udp, tx_udp_bytes;
	uint64_t	rx_tun, tx_tun;
	uint64_t	bubbles_sent, bubbles_rcvd;
	uint64_t	rs_sent, ra_rcvd;
	uint64_t	icmp_sent;
	uint64_t	peers_evicted;
	/* Local discovery bubbles (RFC 4380 5.2.8). */
	uint64_t	disc_sent, disc_rcvd, disc_dropped;
	uint64_t	hairpin_sent, hairpin_rcvd, hairpin_dropped;
	uint64_t	nonce_sent, nonce_ok;	/* RFC 6081 5.2 nonces */
	uint64_t	echo_tests;		/* RFC 6081 5.5.4.1.1 */
	uint64_t	drop[DROP_MAX];
};

enum core_state {
	CORE_STATE_OFF,		/* client: no server address yet */
	CORE_STATE_QUALIFYING,
	CORE_STATE_QUALIFIED,
	CORE_STATE_RELAY	/* relay: always up */
};

/*
 * What the client learned of its NAT (RFC 4380 5.2.1, RFC 6081 5.3.3,
 * 5.4.3): whether the secondary server address saw the same mapping as
 * the primary one, and whether the mapped port is our local port.
 */
enum core_nat {
	CORE_NAT_UNKNOWN,	/* not tested (yet), or no answer */
	CORE_NAT_CONE,		/* relay: acts as a cone (no NAT) */
	CORE_NAT_NOT_SYMMETRIC,	/* same mapping from both addresses */
	CORE_NAT_SYMMETRIC
};

struct core_status {
	enum core_state	state;
	struct in6_addr	addr;		/* client: Teredo address when qualified */
	uint32_t	server, server2;
	uint32_t	mapped_ip;	/* client: mapping seen by the server */
	uint16_t	mapped_port;
	int		cone;		/* client: NAT looks like a cone NAT */
	enum core_nat	nat;
	int		port_preserving;	/* mapped port == local port */
	uint32_t	mapped_ip2;	/* mapping seen by the secondary */
	uint16_t	mapped_port2;
	int		sns;		/* RFC 6081 5.2 active */
	int		pp, seq;	/* RFC 6081 5.4, 5.5 active */
	unsigned int	rports;		/* random-port sockets open */
	int		hairpin;	/* RFC 6081 5.6 active (hairpin.c) */
	/* client: a mapping of our port on the NAT (core_portmap()) */
	uint32_t	portmap_ip;	/* nbo, 0 = none */
	uint16_t	portmap_port;
	unsigned int	portmap_method;	/* how it was made (portmap.h) */
	unsigned int	portmap_lifetime;	/* s, as granted */
	unsigned int	mtu;
	unsigned int	peers;
	struct core_counters counters;
};

struct core;

struct core *core_new(const struct core_config *cfg, const struct core_io *io,
	    uint64_t now);
void	core_free(struct core *c);

/* A UDP datagram arrived from ip:port. */
void	core_udp_input(struct core *c, uint64_t now, uint32_t ip,
	    uint16_t port, const void *buf, size_t len);
/* The same, on a socket of open_udp() (sock 0: the main socket). */
void	core_udp_input_from(struct core *c, uint64_t now, int sock,
	    uint32_t ip, uint16_t port, const void *buf, size_t len);
/* An IPv6 packet was read from the tunnel. */
void	core_tun_input(struct core *c, uint64_t now, const void *pkt,
	    size_t len);
/* Run due timers.  core_next_timer() says when next (absolute ms). */
void	core_timer(struct core *c, uint64_t now);
uint64_t core_next_timer(const struct core *c);
/*
 * Client: the server name resolved (server2 may be 0 for primary+1).
 * Starts or restarts qualification if the address changed.
 */
void	core_set_server(struct core *c, uint64_t now, uint32_t server,
	    uint32_t server2);
/*
 * Client: a datagram that arrived on the Teredo IPv4 Discovery Address
 * (a socket bound to it and joined to its group, so never a unicast one).
 */
void	core_discovery_input(struct core *c, uint64_t now, uint32_t ip,
	    uint16_t port, const void *buf, size_t len);
/* Client: the network changed: re-qualify at once. */
void	core_netchange(struct core *c, uint64_t now);
/*
 * Client: the NAT mapped ip:port (nbo, host order) to our port for
 * lifetime s, made by method (an opaque number for the status); ip 0:
 * no mapping.  A new mapping the server has not seen yet makes the
 * client qualify again at once, so that its Teredo address carries the
 * mapping (RFC 6081 4.3): for that the NAT must send our packets out
 * through the mapped port too, as a port mapping does.
 */
void	core_portmap(struct core *c, uint64_t now, unsigned int method,
	    uint32_t ip, uint16_t port, unsigned int lifetime);
void	core_get_status(const struct core *c, struct core_status *st);
/* Bytes the peer table has allocated (peer_table_bytes()). */
size_t	core_peer_bytes(const struct core *c);
enum core_state core_state(const struct core *c);
const char *core_drop_name(enum core_drop d);
/*
 * One page of the peer list (peer_walk()): fn gets each peer's address,
 * mapping, trust, the ms since its last reception and transmission (-1:
 * never) and its queued bytes.  Returns the next cursor, UINT64_MAX at
 * the end.
 */
struct core_peer {
	struct in6_addr	 addr;
	uint32_t	 ip;
	uint16_t	 port;
	int		 trusted;
	/* Local discovery: 0 no, 1 discovered, 2 proven at local_ip. */
	int		 local;
	uint32_t	 local_ip;
	uint16_t	 local_port;
	int64_t		 rx_ago, tx_ago;
	size_t		 queued;
};
typedef void	core_peer_fn(void *arg, const struct core_peer *p);
uint64_t core_peer_page(struct core *c, uint64_t now, uint64_t cursor,
	    unsigned int max, core_peer_fn *fn, void *arg);

#endif /* CORE_H */
