/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef SIM_H
#define SIM_H

/*
 * An in-process, deterministic Teredo network on a fake millisecond
 * clock: real client, relay and server cores exchanging real bytes over
 * a simulated IPv4 Internet with NATs, and a native IPv6 network behind
 * the relay and the server.  Nothing is delivered from inside a core
 * callback: every datagram becomes an event, delivered after the call
 * returns (core.h forbids re-entering a core from its callbacks).
 */

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "core.h"
#include "server.h"

#define SIM_LATENCY_MS	10	/* one hop of the IPv4 Internet */
#define SIM_V6_LATENCY_MS 5	/* one hop of the native network */
#define SIM_PKT_MAX	2048
#define SIM_MAX_EP	48
#define SIM_MAX_NAT	4
#define SIM_MAX_CLIENT	4
#define SIM_MAX_MAP	64	/* mappings per NAT */
#define SIM_MAX_REMOTE	16	/* remotes remembered per mapping */
#define SIM_TUN_MAX	256	/* packets a client's tunnel keeps */
#define SIM_TRACE_MAX	32768
#define SIM_CLIENT_SOCKS 8	/* random-port sockets a client may open */

#define SIM_SERVER_IP	"192.0.2.1"	/* and 192.0.2.2 */
#define SIM_RELAY_IP	"198.51.100.1"
#define SIM_RELAY_PORT	3545
#define SIM_HOST_IP6	"2001:db8:1::2"

enum sim_nat_kind {
	SIM_NAT_FULL_CONE,
	SIM_NAT_RESTRICTED,	/* port-restricted cone */
	/* Symmetric, public ports handed out one after the other. */
	SIM_NAT_SYMMETRIC,
	/*
	 * Symmetric, port-preserving (RFC 6081 2): a new mapping takes the
	 * inside port as its public port unless a live mapping already has
	 * it, then the next sequential one.
	 */
	SIM_NAT_SYM_PRESERVE
};
#define SIM_NAT_SYM_SEQUENTIAL	SIM_NAT_SYMMETRIC
/* Whether the kind maps per destination. */
#define SIM_NAT_IS_SYM(k)	((k) == SIM_NAT_SYMMETRIC || \
				    (k) == SIM_NAT_SYM_PRESERVE)

struct sim;

/* One UDP socket of a node, reached at ip:port (inside its NAT, if any). */
struct sim_ep {
	uint32_t	 ip;
	uint16_t	 port;
	int		 nat;		/* index, or -1: on the Internet */
	int		 sock;		/* server socket index */
	int		 down;		/* drops what arrives */
	void		(*recv)(struct sim *, void *arg, int sock,
			    uint32_t ip, uint16_t port, const void *buf,
			    size_t len);
	void		*arg;
};

struct sim_remote {
	uint32_t	ip;
	uint16_t	port;
};

struct sim_mapping {
	int		 used;
	int		 ep;		/* inside endpoint */
	uint32_t	 rip;		/* symmetric: the one destination */
	uint16_t	 rport;
	uint16_t	 pub_port;
	uint64_t	 last;		/* last outbound use */
	struct sim_remote remote[SIM_MAX_REMOTE];
	unsigned int	 nremote;
};

struct sim_nat {
	enum sim_nat_kind kind;
	uint32_t	 pub_ip;
	uint16_t	 next_port;
	uint64_t	 timeout_ms;
	struct sim_mapping map[SIM_MAX_MAP];
	uint64_t	 filtered, expired;
};

/* Every datagram put on the IPv4 Internet, as seen there. */
struct sim_trace {
	uint64_t	 t;
	int		 from_ep;	/* sender, before NAT */
	uint32_t	 sip, dip;
	uint16_t	 sport, dport;
	size_t		 len;
	int		 parsed;	/* teredo_parse succeeded */
	int		 bubble, has_auth, has_origin;
	uint8_t		 nxt, icmp_type;
	struct in6_addr	 src6, dst6;
	uint8_t		 payload[16];	/* first ICMPv6 data bytes */
};

struct sim_pkt {
	uint64_t	 t;
	size_t		 len;
	uint8_t		 buf[SIM_PKT_MAX];
};

struct sim_client {
	struct sim	*sim;
	struct core	*core;
	int		 ep;
	uint64_t	 rnd;
	unsigned int	 ups, downs;
	int		 is_up;
	struct in6_addr	 addr;
	unsigned int	 mtu;
	uint64_t	 up_at, down_at;
	struct sim_pkt	*tun;		/* SIM_TUN_MAX */
	unsigned int	 ntun;
	int		 echo_reply;	/* answer echo requests from tun */
	/* Sockets of core_io.open_udp (RFC 6081 random ports): ep, by id. */
	int		 sock_ep[SIM_CLIENT_SOCKS + 1];
	int		 nsock;
	unsigned int	 scanned;	/* tun packets looked at for that */
};

struct sim_relay {
	struct core	*core;
	int		 ep;
	uint64_t	 rnd;
};

struct sim_server {
	struct server	*srv;
	int		 ep[2];
	uint32_t	 addr[2];
};

struct sim_echo {
	uint64_t	 t;
	int		 reply;
	uint16_t	 id, seq;
	size_t		 datalen;
	struct in6_addr	 src;
};

#define SIM_HOST_LOG	256

struct sim_host {
	struct in6_addr	 addr;
	unsigned int	 requests, replies, other;
	struct sim_echo	 log[SIM_HOST_LOG];
	unsigned int	 nlog;
};

struct sim_ev;

struct sim {
	uint64_t	 now;
	uint64_t	 seq;
	struct sim_ev	*head, *tail;
	struct sim_ep	 ep[SIM_MAX_EP];
	int		 nep;
	struct sim_nat	 nat[SIM_MAX_NAT];
	int		 nnat;
	struct sim_trace *trace;
	unsigned int	 ntrace;
	uint64_t	 lost;		/* no route or node down */
	uint64_t	 v6_lost;
	struct sim_client client[SIM_MAX_CLIENT];
	int		 nclient;
	struct sim_relay relay;
	struct sim_server server;
	struct sim_host	 host;
	/* sim_add_client gives clients open_udp (RFC 6081 5.4, 5.5). */
	int		 client_rports;
};

/* net.c: the networks and the event queue */
struct sim *sim_new(void);
void	sim_free(struct sim *s);
uint32_t sim_ip(const char *dotted);
int	sim_add_ep(struct sim *s, uint32_t ip, uint16_t port, int nat);
int	sim_add_nat(struct sim *s, enum sim_nat_kind kind, uint32_t pub_ip,
	    uint64_t timeout_ms);
/* Flush every mapping: the next ones get new public ports. */
void	sim_nat_flush(struct sim *s, int nat);
/* The public port of ep's mapping toward ip:port, 0 if none. */
uint16_t sim_nat_port(const struct sim *s, int nat, int ep, uint32_t ip,
	    uint16_t port);
/* Send from endpoint ep (through its NAT) to ip:port. */
void	sim_udp_send(struct sim *s, int ep, uint32_t ip, uint16_t port,
	    const void *buf, size_t len);
/* Put a datagram on the Internet with any (forged) source. */
void	sim_udp_raw(struct sim *s, uint32_t sip, uint16_t sport,
	    uint32_t dip, uint16_t dport, const void *buf, size_t len);
/* An IPv6 packet enters the native network. */
void	sim_ip6_send(struct sim *s, const void *pkt, size_t len);
/* Deliver the first due event; 0 if none is due by `until`. */
int	sim_step(struct sim *s, uint64_t until);
uint64_t sim_next_event(const struct sim *s);
const char *sim_nat_name(enum sim_nat_kind k);

/* nodes.c: the roles around the cores, and the scheduler */
/* The native IPv6 network: 2001::/32 to the relay, the host, or lost. */
void	sim_ip6_deliver(struct sim *s, const uint8_t *pkt, size_t len);
void	sim_rand(uint64_t *state, void *buf, size_t len);
int	sim_add_server(struct sim *s);
int	sim_add_relay(struct sim *s, unsigned int peer_max);
void	sim_add_host(struct sim *s);
/* A client behind nat (-1: none); returns its index. */
int	sim_add_client(struct sim *s, int nat, uint32_t inside_ip,
	    uint64_t seed, const struct core_config *cfg);
void	sim_run(struct sim *s, uint64_t until);
/* Run until the client is up (or until `limit`); 1 if up. */
int	sim_run_until_up(struct sim *s, int client, uint64_t limit);
void	sim_host_ping(struct sim *s, const struct in6_addr *dst,
	    uint16_t id, uint16_t seq, size_t datalen);
void	sim_client_ping(struct sim *s, int client, const struct in6_addr *dst,
	    uint16_t id, uint16_t seq, size_t datalen);
/* Index in the client's tunnel output of an echo (reply) id/seq, or -1. */
int	sim_tun_find_echo(const struct sim_client *c, int reply, uint16_t id,
	    uint16_t seq);
/* Index of an ICMPv6 error of type/code in the tunnel output, or -1. */
int	sim_tun_find_error(const struct sim_client *c, uint8_t type,
	    uint8_t code);
/* Index in the host's log of an echo (reply) id/seq, or -1. */
int	sim_host_find(const struct sim *s, int reply, uint16_t id,
	    uint16_t seq);
void	sim_status(const struct sim *s, int client, struct core_status *st);

#endif /* SIM_H */
