/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/* Echo requests into the simulation, and what came out of it. */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "packet.h"
#include "sim.h"

/* Echo helpers */

void
sim_host_ping(struct sim *s, const struct in6_addr *dst, uint16_t id,
    uint16_t seq, size_t datalen)
{
	uint8_t	buf[SIM_PKT_MAX], data[SIM_PKT_MAX];
	size_t	n;

	memset(data, 0xa5, sizeof(data));
	n = build_echo(buf, sizeof(buf), 0, &s->host.addr, dst, id, seq,
	    data, datalen);
	if (n == 0)
		abort();
	sim_ip6_send(s, buf, n);
}

void
sim_client_ping(struct sim *s, int client, const struct in6_addr *dst,
    uint16_t id, uint16_t seq, size_t datalen)
{
	struct sim_client	*c = &s->client[client];
	uint8_t			 buf[SIM_PKT_MAX], data[SIM_PKT_MAX];
	size_t			 n;

	memset(data, 0x5a, sizeof(data));
	n = build_echo(buf, sizeof(buf), 0, &c->addr, dst, id, seq, data,
	    datalen);
	if (n == 0)
		abort();
	core_tun_input(c->core, s->now, buf, n);
}

int
sim_tun_find_echo(const struct sim_client *c, int reply, uint16_t id,
    uint16_t seq)
{
	const uint8_t	*data;
	size_t		 datalen;
	uint16_t	 pid, pseq;
	int		 prep;
	unsigned int	 i;

	for (i = 0; i < c->ntun; i++)
		if (c->tun[i].len >= IP6_HDR_LEN &&
		    ip6_nxt(c->tun[i].buf) == IP6_NXT_ICMP6 &&
		    parse_echo(c->tun[i].buf, c->tun[i].len, &prep, &pid,
		    &pseq, &data, &datalen) == 0 && prep == reply &&
		    pid == id && pseq == seq)
			return (int)i;
	return -1;
}

int
sim_tun_find_error(const struct sim_client *c, uint8_t type, uint8_t code)
{
	unsigned int	i;

	for (i = 0; i < c->ntun; i++)
		if (c->tun[i].len > IP6_HDR_LEN + 1 &&
		    ip6_nxt(c->tun[i].buf) == IP6_NXT_ICMP6 &&
		    c->tun[i].buf[IP6_HDR_LEN] == type &&
		    c->tun[i].buf[IP6_HDR_LEN + 1] == code)
			return (int)i;
	return -1;
}

int
sim_host_find(const struct sim *s, int reply, uint16_t id, uint16_t seq)
{
	unsigned int	i;

	for (i = 0; i < s->host.nlog; i++)
		if (s->host.log[i].reply == reply &&
		    s->host.log[i].id == id && s->host.log[i].seq == seq)
			return (int)i;
	return -1;
}

void
sim_status(const struct sim *s, int client, struct core_status *st)
{
	if (client < 0)
		core_get_status(s->relay.core, st);
	else
		core_get_status(s->client[client].core, st);
}
