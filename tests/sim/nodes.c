/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/*
 * The nodes of the simulation around the real cores: Teredo clients
 * (each with a tunnel whose output is kept for the test), the relay
 * (its tunnel is the native network's route to 2001::/32), the server
 * (two addresses, raw IPv6 output into the native network) and a native
 * IPv6 host that answers echo requests.  The scheduler advances the fake
 * clock to the next event or core timer.
 */

#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "packet.h"
#include "sim.h"
#include "teredo.h"

/* splitmix64: a deterministic PRNG per node. */
void
sim_rand(uint64_t *state, void *buf, size_t len)
{
	uint8_t		*b = buf;
	uint64_t	 z = 0;
	size_t		 i;

	for (i = 0; i < len; i++) {
		if (i % 8 == 0) {
			*state += 0x9e3779b97f4a7c15ull;
			z = *state;
			z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
			z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
			z ^= z >> 31;
		}
		b[i] = (uint8_t)(z >> (8 * (i % 8)));
	}
}

/* Client */

static void
client_send_udp(void *arg, uint32_t ip, uint16_t port, const void *buf,
    size_t len)
{
	struct sim_client	*c = arg;

	sim_udp_send(c->sim, c->ep, ip, port, buf, len);
}

static void
client_send_tun(void *arg, const void *pkt, size_t len)
{
	struct sim_client	*c = arg;
	struct sim_pkt		*p;

	if (c->ntun >= SIM_TUN_MAX || len > SIM_PKT_MAX)
		return;
	p = &c->tun[c->ntun++];
	p->t = c->sim->now;
	p->len = len;
	memcpy(p->buf, pkt, len);
}

static void
client_random(void *arg, void *buf, size_t len)
{
	struct sim_client	*c = arg;

	sim_rand(&c->rnd, buf, len);
}

static void
client_up(void *arg, const struct in6_addr *addr, unsigned int mtu)
{
	struct sim_client	*c = arg;

	c->ups++;
	c->is_up = 1;
	c->addr = *addr;
	c->mtu = mtu;
	c->up_at = c->sim->now;
}

static void
client_down(void *arg)
{
	struct sim_client	*c = arg;

	c->downs++;
	c->is_up = 0;
	c->down_at = c->sim->now;
}

static void
client_recv(struct sim *s, void *arg, int sock, uint32_t ip, uint16_t port,
    const void *buf, size_t len)
{
	struct sim_client	*c = arg;

	core_udp_input_from(c->core, s->now, sock, ip, port, buf, len);
}

/* One more socket, behind the same NAT, on its own local port. */
static int
client_open_udp(void *arg, uint16_t *port)
{
	struct sim_client	*c = arg;
	struct sim		*s = c->sim;
	struct sim_ep		*e;
	int			 id;

	if (c->nsock >= SIM_CLIENT_SOCKS)
		return -1;
	id = ++c->nsock;
	e = &s->ep[c->ep];
	c->sock_ep[id] = sim_add_ep(s, e->ip, (uint16_t)(e->port + 100 * id),
	    e->nat);
	e = &s->ep[c->sock_ep[id]];
	e->recv = client_recv;
	e->arg = c;
	e->sock = id;
	*port = e->port;
	return id;
}

static void
client_send_udp_from(void *arg, int sock, uint32_t ip, uint16_t port,
    const void *buf, size_t len)
{
	struct sim_client	*c = arg;

	if (sock < 1 || sock > c->nsock)
		abort();
	sim_udp_send(c->sim, c->sock_ep[sock], ip, port, buf, len);
}

static void
client_close_udp(void *arg, int sock)
{
	struct sim_client	*c = arg;

	if (sock < 1 || sock > c->nsock)
		abort();
	c->sim->ep[c->sock_ep[sock]].down = 1;
}

int
sim_add_client(struct sim *s, int nat, uint32_t inside_ip, uint64_t seed,
    const struct core_config *cfg)
{
	struct sim_client	*c;
	struct core_config	 def;
	struct core_io		 io;
	int			 i = s->nclient;

	if (i >= SIM_MAX_CLIENT)
		abort();
	c = &s->client[s->nclient++];
	memset(c, 0, sizeof(*c));
	c->sim = s;
	c->rnd = seed;
	if ((c->tun = calloc(SIM_TUN_MAX, sizeof(*c->tun))) == NULL)
		abort();
	c->ep = sim_add_ep(s, inside_ip, (uint16_t)(50000 + i), nat);
	s->ep[c->ep].recv = client_recv;
	s->ep[c->ep].arg = c;
	if (cfg == NULL) {
		memset(&def, 0, sizeof(def));
		def.role = CORE_CLIENT;
	} else
		def = *cfg;
	/* Our socket's port, as the engine tells it (getsockname). */
	def.local_port = s->ep[c->ep].port;
	cfg = &def;
	memset(&io, 0, sizeof(io));
	io.arg = c;
	io.send_udp = client_send_udp;
	io.send_tun = client_send_tun;
	io.random = client_random;
	io.up = client_up;
	io.down = client_down;
	if (s->client_rports) {
		io.open_udp = client_open_udp;
		io.send_udp_from = client_send_udp_from;
		io.close_udp = client_close_udp;
	}
	if ((c->core = core_new(cfg, &io, s->now)) == NULL)
		abort();
	core_set_server(c->core, s->now, s->server.addr[0], 0);
	return i;
}

/* The client's kernel answers echo requests that reach its tunnel. */
static void
client_answer(struct sim *s, struct sim_client *c)
{
	const struct sim_pkt	*p;
	const uint8_t		*data;
	uint8_t			 buf[SIM_PKT_MAX];
	struct in6_addr		 src;
	size_t			 datalen, n;
	uint16_t		 id, seq;
	int			 reply;

	for (; c->scanned < c->ntun; c->scanned++) {
		p = &c->tun[c->scanned];
		if (!c->echo_reply || p->len < IP6_HDR_LEN ||
		    ip6_nxt(p->buf) != IP6_NXT_ICMP6 ||
		    parse_echo(p->buf, p->len, &reply, &id, &seq, &data,
		    &datalen) == -1 || reply)
			continue;
		memcpy(&src, ip6_src(p->buf), sizeof(src));
		n = build_echo(buf, sizeof(buf), 1, &c->addr, &src, id, seq,
		    data, datalen);
		if (n != 0)
			core_tun_input(c->core, s->now, buf, n);
	}
}

/* Relay */

static void
relay_send_udp(void *arg, uint32_t ip, uint16_t port, const void *buf,
    size_t len)
{
	struct sim	*s = arg;

	sim_udp_send(s, s->relay.ep, ip, port, buf, len);
}

static void
relay_send_tun(void *arg, const void *pkt, size_t len)
{
	sim_ip6_send(arg, pkt, len);
}

static void
relay_random(void *arg, void *buf, size_t len)
{
	struct sim	*s = arg;

	sim_rand(&s->relay.rnd, buf, len);
}

static void
relay_up(void *arg, const struct in6_addr *addr, unsigned int mtu)
{
	(void)arg;
	(void)addr;
	(void)mtu;
}

static void
relay_down(void *arg)
{
	(void)arg;
}

static void
relay_recv(struct sim *s, void *arg, int sock, uint32_t ip, uint16_t port,
    const void *buf, size_t len)
{
	(void)arg;
	(void)sock;
	core_udp_input(s->relay.core, s->now, ip, port, buf, len);
}

int
sim_add_relay(struct sim *s, unsigned int peer_max)
{
	struct core_config	cfg;
	struct core_io		io;

	memset(&cfg, 0, sizeof(cfg));
	cfg.role = CORE_RELAY;
	cfg.peer_max = peer_max;
	cfg.local_ip = sim_ip(SIM_RELAY_IP);
	memset(&io, 0, sizeof(io));
	io.arg = s;
	io.send_udp = relay_send_udp;
	io.send_tun = relay_send_tun;
	io.random = relay_random;
	io.up = relay_up;
	io.down = relay_down;
	s->relay.rnd = 0x7e1a7;
	s->relay.ep = sim_add_ep(s, cfg.local_ip, SIM_RELAY_PORT, -1);
	s->ep[s->relay.ep].recv = relay_recv;
	if ((s->relay.core = core_new(&cfg, &io, s->now)) == NULL)
		abort();
	return s->relay.ep;
}

/* Server */

static void
server_send_udp(void *arg, int sock, uint32_t ip, uint16_t port,
    const void *buf, size_t len)
{
	struct sim	*s = arg;

	if (sock != 0 && sock != 1)
		abort();
	sim_udp_send(s, s->server.ep[sock], ip, port, buf, len);
}

static void
server_send_ipv6(void *arg, const void *pkt, size_t len)
{
	sim_ip6_send(arg, pkt, len);
}

static void
server_recv(struct sim *s, void *arg, int sock, uint32_t ip, uint16_t port,
    const void *buf, size_t len)
{
	(void)arg;
	server_udp_input(s->server.srv, s->now, sock, ip, port, buf, len);
}

int
sim_add_server(struct sim *s)
{
	struct server_config	cfg;
	struct server_io	io;
	int			i;

	memset(&cfg, 0, sizeof(cfg));
	cfg.prefix = TEREDO_PREFIX;
	cfg.addr[0] = sim_ip(SIM_SERVER_IP);
	cfg.addr[1] = htonl(ntohl(cfg.addr[0]) + 1);
	cfg.mtu = TEREDO_MTU;
	cfg.icmp_max = 88;
	memset(&io, 0, sizeof(io));
	io.arg = s;
	io.send_udp = server_send_udp;
	io.send_ipv6 = server_send_ipv6;
	for (i = 0; i < 2; i++) {
		s->server.addr[i] = cfg.addr[i];
		s->server.ep[i] = sim_add_ep(s, cfg.addr[i], TEREDO_PORT, -1);
		s->ep[s->server.ep[i]].recv = server_recv;
		s->ep[s->server.ep[i]].sock = i;
	}
	if ((s->server.srv = server_new(&cfg, &io)) == NULL)
		abort();
	return 0;
}

/* The native network and its host */

void
sim_add_host(struct sim *s)
{
	memset(&s->host, 0, sizeof(s->host));
	if (inet_pton(AF_INET6, SIM_HOST_IP6, &s->host.addr) != 1)
		abort();
}

static void
host_input(struct sim *s, const uint8_t *pkt, size_t len)
{
	struct sim_host	*h = &s->host;
	const uint8_t	*data;
	uint8_t		 buf[SIM_PKT_MAX];
	struct in6_addr	 src;
	size_t		 datalen, n;
	uint16_t	 id, seq;
	int		 reply;

	if (ip6_nxt(pkt) != IP6_NXT_ICMP6 || parse_echo(pkt, len, &reply,
	    &id, &seq, &data, &datalen) == -1) {
		h->other++;
		return;
	}
	memcpy(&src, ip6_src(pkt), sizeof(src));
	if (h->nlog < SIM_HOST_LOG) {
		h->log[h->nlog].t = s->now;
		h->log[h->nlog].reply = reply;
		h->log[h->nlog].id = id;
		h->log[h->nlog].seq = seq;
		h->log[h->nlog].datalen = datalen;
		h->log[h->nlog++].src = src;
	}
	if (reply) {
		h->replies++;
		return;
	}
	h->requests++;
	n = build_echo(buf, sizeof(buf), 1, &h->addr, &src, id, seq, data,
	    datalen);
	if (n != 0)
		sim_ip6_send(s, buf, n);
}

void
sim_ip6_deliver(struct sim *s, const uint8_t *pkt, size_t len)
{
	const struct in6_addr	*dst;

	if (len < IP6_HDR_LEN) {
		s->v6_lost++;
		return;
	}
	dst = ip6_dst(pkt);
	if (teredo_addr_in_prefix(dst, TEREDO_PREFIX) && s->relay.core != NULL)
		core_tun_input(s->relay.core, s->now, pkt, len);
	else if (memcmp(dst, &s->host.addr, sizeof(s->host.addr)) == 0)
		host_input(s, pkt, len);
	else
		s->v6_lost++;
}

/* Scheduler */

static uint64_t
sim_next(const struct sim *s)
{
	uint64_t	next = sim_next_event(s), t;
	int		i;

	for (i = 0; i < s->nclient; i++)
		if ((t = core_next_timer(s->client[i].core)) < next)
			next = t;
	if (s->relay.core != NULL &&
	    (t = core_next_timer(s->relay.core)) < next)
		next = t;
	return next;
}

static void
sim_timers(struct sim *s)
{
	int	i;

	for (i = 0; i < s->nclient; i++)
		if (core_next_timer(s->client[i].core) <= s->now)
			core_timer(s->client[i].core, s->now);
	if (s->relay.core != NULL && core_next_timer(s->relay.core) <= s->now)
		core_timer(s->relay.core, s->now);
}

void
sim_run(struct sim *s, uint64_t until)
{
	uint64_t	next, last = 0;
	unsigned int	spins = 0;
	int		i;

	while ((next = sim_next(s)) <= until) {
		if (next > s->now)
			s->now = next;
		/* A timer that never moves would spin here forever. */
		spins = next == last ? spins + 1 : 0;
		last = next;
		if (spins > 100000) {
			fprintf(stderr, "sim: timer stuck at %llu ms\n",
			    (unsigned long long)next);
			abort();
		}
		sim_timers(s);
		while (sim_step(s, s->now))
			for (i = 0; i < s->nclient; i++)
				client_answer(s, &s->client[i]);
		for (i = 0; i < s->nclient; i++)
			client_answer(s, &s->client[i]);
	}
	if (until > s->now)
		s->now = until;
}

int
sim_run_until_up(struct sim *s, int client, uint64_t limit)
{
	while (!s->client[client].is_up && s->now < limit)
		sim_run(s, s->now + 10);
	return s->client[client].is_up;
}
