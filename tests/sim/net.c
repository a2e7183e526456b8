/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/*
 * The simulated networks: an event queue on a fake clock, an IPv4
 * Internet of UDP endpoints, NATs between some endpoints and the
 * Internet, and the trace of everything put on the wire.
 *
 * NAT models (RFC 4787 terms): full cone = endpoint-independent mapping
 * and filtering; port-restricted cone = endpoint-independent mapping,
 * address-and-port-dependent filtering; symmetric = address-and-port-
 * dependent mapping (one per destination) and filtering.  A mapping
 * lives timeout_ms after its last outbound packet.
 */

#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "packet.h"
#include "sim.h"

enum sim_ev_kind {
	SIM_EV_UDP,
	SIM_EV_IP6
};

struct sim_ev {
	struct sim_ev	*next;
	uint64_t	 t;
	enum sim_ev_kind kind;
	uint32_t	 sip, dip;
	uint16_t	 sport, dport;
	size_t		 len;
	uint8_t		 buf[SIM_PKT_MAX];
};

struct sim *
sim_new(void)
{
	struct sim	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		abort();
	if ((s->trace = calloc(SIM_TRACE_MAX, sizeof(*s->trace))) == NULL)
		abort();
	s->now = 1000;
	return s;
}

void
sim_free(struct sim *s)
{
	struct sim_ev	*e;
	int		 i;

	while ((e = s->head) != NULL) {
		s->head = e->next;
		free(e);
	}
	for (i = 0; i < s->nclient; i++) {
		core_free(s->client[i].core);
		free(s->client[i].tun);
	}
	core_free(s->relay.core);
	server_free(s->server.srv);
	free(s->trace);
	free(s);
}

uint32_t
sim_ip(const char *dotted)
{
	struct in_addr	a;

	if (inet_pton(AF_INET, dotted, &a) != 1)
		abort();
	return a.s_addr;
}

const char *
sim_nat_name(enum sim_nat_kind k)
{
	switch (k) {
	case SIM_NAT_FULL_CONE:
		return "full-cone";
	case SIM_NAT_RESTRICTED:
		return "port-restricted";
	case SIM_NAT_SYM_PRESERVE:
		return "port-preserving-symmetric";
	default:
		return "sequential-symmetric";
	}
}

int
sim_add_ep(struct sim *s, uint32_t ip, uint16_t port, int nat)
{
	struct sim_ep	*e;

	if (s->nep >= SIM_MAX_EP)
		abort();
	e = &s->ep[s->nep];
	memset(e, 0, sizeof(*e));
	e->ip = ip;
	e->port = port;
	e->nat = nat;
	return s->nep++;
}

int
sim_add_nat(struct sim *s, enum sim_nat_kind kind, uint32_t pub_ip,
    uint64_t timeout_ms)
{
	struct sim_nat	*n;

	if (s->nnat >= SIM_MAX_NAT)
		abort();
	n = &s->nat[s->nnat];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->pub_ip = pub_ip;
	/* Distinct port ranges per NAT make traces easier to read. */
	n->next_port = 40000 + 1000 * s->nnat;
	n->timeout_ms = timeout_ms;
	return s->nnat++;
}

void
sim_nat_flush(struct sim *s, int nat)
{
	struct sim_nat	*n = &s->nat[nat];

	memset(n->map, 0, sizeof(n->map));
	/* Skip ahead so that no old port is ever reused. */
	n->next_port += 100;
}

static int
sim_map_live(const struct sim *s, const struct sim_nat *n,
    const struct sim_mapping *m)
{
	return m->used && s->now - m->last <= n->timeout_ms;
}

static struct sim_mapping *
sim_map_find(struct sim *s, struct sim_nat *n, int ep, uint32_t ip,
    uint16_t port)
{
	struct sim_mapping	*m;
	int			 i;

	for (i = 0; i < SIM_MAX_MAP; i++) {
		m = &n->map[i];
		if (m->used && !sim_map_live(s, n, m)) {
			/* Timed out: forgotten. */
			m->used = 0;
			n->expired++;
			continue;
		}
		if (!m->used || m->ep != ep)
			continue;
		if (!SIM_NAT_IS_SYM(n->kind) ||
		    (m->rip == ip && m->rport == port))
			return m;
	}
	return NULL;
}

uint16_t
sim_nat_port(const struct sim *s, int nat, int ep, uint32_t ip,
    uint16_t port)
{
	const struct sim_nat	*n = &s->nat[nat];
	const struct sim_mapping *m;
	int			 i;

	for (i = 0; i < SIM_MAX_MAP; i++) {
		m = &n->map[i];
		if (!sim_map_live(s, n, m) || m->ep != ep)
			continue;
		if (!SIM_NAT_IS_SYM(n->kind) ||
		    (m->rip == ip && m->rport == port))
			return m->pub_port;
	}
	return 0;
}

static void
sim_map_remote(struct sim_mapping *m, uint32_t ip, uint16_t port)
{
	unsigned int	i;

	for (i = 0; i < m->nremote; i++)
		if (m->remote[i].ip == ip && m->remote[i].port == port)
			return;
	if (m->nremote < SIM_MAX_REMOTE)
		i = m->nremote++;
	else
		i = (unsigned int)(port % SIM_MAX_REMOTE);
	m->remote[i].ip = ip;
	m->remote[i].port = port;
}

/* A port-preserving NAT keeps the inside port if no live mapping has it. */
static uint16_t
sim_nat_new_port(struct sim *s, struct sim_nat *n, int ep)
{
	uint16_t	want = s->ep[ep].port;
	int		i;

	if (n->kind != SIM_NAT_SYM_PRESERVE)
		return n->next_port++;
	for (i = 0; i < SIM_MAX_MAP; i++)
		if (sim_map_live(s, n, &n->map[i]) &&
		    n->map[i].pub_port == want)
			return n->next_port++;
	return want;
}

/* Outbound through a NAT: the public port to use. */
static uint16_t
sim_nat_out(struct sim *s, int nat, int ep, uint32_t ip, uint16_t port)
{
	struct sim_nat		*n = &s->nat[nat];
	struct sim_mapping	*m;
	int			 i;

	if ((m = sim_map_find(s, n, ep, ip, port)) == NULL) {
		for (i = 0; i < SIM_MAX_MAP && n->map[i].used; i++)
			;
		if (i == SIM_MAX_MAP)
			abort();
		m = &n->map[i];
		memset(m, 0, sizeof(*m));
		m->used = 1;
		m->ep = ep;
		m->rip = ip;
		m->rport = port;
		m->pub_port = sim_nat_new_port(s, n, ep);
	}
	m->last = s->now;
	sim_map_remote(m, ip, port);
	return m->pub_port;
}

/* Inbound to a NAT's public address: the inside endpoint, or -1. */
static int
sim_nat_in(struct sim *s, struct sim_nat *n, uint32_t sip, uint16_t sport,
    uint16_t dport)
{
	struct sim_mapping	*m;
	unsigned int		 j;
	int			 i;

	for (i = 0; i < SIM_MAX_MAP; i++) {
		m = &n->map[i];
		if (!m->used || m->pub_port != dport)
			continue;
		if (!sim_map_live(s, n, m)) {
			m->used = 0;
			n->expired++;
			return -1;
		}
		if (n->kind == SIM_NAT_FULL_CONE)
			return m->ep;
		for (j = 0; j < m->nremote; j++)
			if (m->remote[j].ip == sip &&
			    m->remote[j].port == sport)
				return m->ep;
		n->filtered++;
		return -1;
	}
	return -1;
}

static void
sim_enqueue(struct sim *s, struct sim_ev *e)
{
	struct sim_ev	**pp;

	e->next = NULL;
	if (s->tail == NULL || s->tail->t <= e->t) {
		if (s->tail != NULL)
			s->tail->next = e;
		else
			s->head = e;
		s->tail = e;
		return;
	}
	/* Rare: keep the order by time, FIFO among equal times. */
	for (pp = &s->head; *pp != NULL && (*pp)->t <= e->t;
	    pp = &(*pp)->next)
		;
	e->next = *pp;
	*pp = e;
}

static struct sim_ev *
sim_ev_new(struct sim *s, enum sim_ev_kind kind, uint64_t delay,
    const void *buf, size_t len)
{
	struct sim_ev	*e;

	if (len > SIM_PKT_MAX)
		abort();
	if ((e = calloc(1, sizeof(*e))) == NULL)
		abort();
	e->kind = kind;
	e->t = s->now + delay;
	e->len = len;
	memcpy(e->buf, buf, len);
	return e;
}

static void
sim_trace_add(struct sim *s, int from_ep, uint32_t sip, uint16_t sport,
    uint32_t dip, uint16_t dport, const void *buf, size_t len)
{
	struct sim_trace	*t;
	struct teredo_packet	 tp;

	if (s->ntrace >= SIM_TRACE_MAX)
		return;
	t = &s->trace[s->ntrace++];
	memset(t, 0, sizeof(*t));
	t->t = s->now;
	t->from_ep = from_ep;
	t->sip = sip;
	t->sport = sport;
	t->dip = dip;
	t->dport = dport;
	t->len = len;
	if (teredo_parse(&tp, buf, len) != 0)
		return;
	t->parsed = 1;
	t->has_auth = tp.has_auth;
	t->has_origin = tp.has_origin;
	t->bubble = ip6_is_bubble(tp.ip6, tp.ip6_len);
	t->nxt = ip6_nxt(tp.ip6);
	memcpy(&t->src6, ip6_src(tp.ip6), sizeof(t->src6));
	memcpy(&t->dst6, ip6_dst(tp.ip6), sizeof(t->dst6));
	if (t->nxt == IP6_NXT_ICMP6 && tp.ip6_len > IP6_HDR_LEN) {
		t->icmp_type = tp.ip6[IP6_HDR_LEN];
		len = tp.ip6_len - IP6_HDR_LEN - 8;
		if (tp.ip6_len >= IP6_HDR_LEN + 8)
			memcpy(t->payload, tp.ip6 + IP6_HDR_LEN + 8,
			    len < sizeof(t->payload) ? len :
			    sizeof(t->payload));
	}
}

void
sim_udp_raw(struct sim *s, uint32_t sip, uint16_t sport, uint32_t dip,
    uint16_t dport, const void *buf, size_t len)
{
	struct sim_ev	*e;

	sim_trace_add(s, -1, sip, sport, dip, dport, buf, len);
	e = sim_ev_new(s, SIM_EV_UDP, SIM_LATENCY_MS, buf, len);
	e->sip = sip;
	e->sport = sport;
	e->dip = dip;
	e->dport = dport;
	sim_enqueue(s, e);
}

void
sim_udp_send(struct sim *s, int ep, uint32_t ip, uint16_t port,
    const void *buf, size_t len)
{
	struct sim_ep	*e = &s->ep[ep];
	struct sim_ev	*ev;
	uint32_t	 sip = e->ip;
	uint16_t	 sport = e->port;

	if (e->nat >= 0) {
		sip = s->nat[e->nat].pub_ip;
		sport = sim_nat_out(s, e->nat, ep, ip, port);
	}
	sim_trace_add(s, ep, sip, sport, ip, port, buf, len);
	ev = sim_ev_new(s, SIM_EV_UDP, SIM_LATENCY_MS, buf, len);
	ev->sip = sip;
	ev->sport = sport;
	ev->dip = ip;
	ev->dport = port;
	sim_enqueue(s, ev);
}

void
sim_ip6_send(struct sim *s, const void *pkt, size_t len)
{
	sim_enqueue(s, sim_ev_new(s, SIM_EV_IP6, SIM_V6_LATENCY_MS, pkt,
	    len));
}

/* The Internet: an endpoint on it, or a NAT's public address. */
static void
sim_udp_deliver(struct sim *s, const struct sim_ev *ev)
{
	struct sim_ep	*e;
	int		 i, ep = -1;

	for (i = 0; i < s->nep && ep == -1; i++)
		if (s->ep[i].nat == -1 && s->ep[i].ip == ev->dip &&
		    s->ep[i].port == ev->dport)
			ep = i;
	for (i = 0; i < s->nnat && ep == -1; i++)
		if (s->nat[i].pub_ip == ev->dip) {
			ep = sim_nat_in(s, &s->nat[i], ev->sip, ev->sport,
			    ev->dport);
			if (ep == -1) {
				s->lost++;
				return;
			}
		}
	if (ep == -1 || s->ep[ep].down || s->ep[ep].recv == NULL) {
		s->lost++;
		return;
	}
	e = &s->ep[ep];
	e->recv(s, e->arg, e->sock, ev->sip, ev->sport, ev->buf, ev->len);
}

uint64_t
sim_next_event(const struct sim *s)
{
	return s->head != NULL ? s->head->t : UINT64_MAX;
}

int
sim_step(struct sim *s, uint64_t until)
{
	struct sim_ev	*e = s->head;

	if (e == NULL || e->t > until)
		return 0;
	s->head = e->next;
	if (s->head == NULL)
		s->tail = NULL;
	if (e->t > s->now)
		s->now = e->t;
	if (e->kind == SIM_EV_UDP)
		sim_udp_deliver(s, e);
	else
		sim_ip6_deliver(s, e->buf, e->len);
	free(e);
	return 1;
}
