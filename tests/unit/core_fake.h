/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef CORE_FAKE_H
#define CORE_FAKE_H

/* A fake struct core_io for the core's unit tests: captures everything. */

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "core.h"

#define FAKE_MAX	512
#define FAKE_PKT	1500

struct fake_pkt {
	uint32_t	ip;
	uint16_t	port;
	size_t		len;
	uint8_t		buf[FAKE_PKT];
};

struct fake {
	struct fake_pkt	udp[FAKE_MAX];
	unsigned int	nudp;
	struct fake_pkt	tun[FAKE_MAX];
	unsigned int	ntun;
	int		ups, downs;
	struct in6_addr	addr;
	unsigned int	mtu;
	uint64_t	rnd;
};

void	fake_init(struct fake *f, struct core_io *io, uint64_t seed);
void	fake_clear(struct fake *f);
/* Run timers until (and including) time `until`; *now ends at until. */
void	fake_run(struct core *c, uint64_t *now, uint64_t until);
uint64_t fake_drop(const struct core *c, enum core_drop d);
uint32_t fake_ip(const char *s);
struct in6_addr fake_ip6(const char *s);
/* The Teredo address (no flags) of client ip:port under server srv. */
struct in6_addr fake_teredo(uint32_t srv, uint32_t ip, uint16_t port);
/* Count captured UDP datagrams to ip:port. */
unsigned int fake_count_to(const struct fake *f, uint32_t ip, uint16_t port);

#endif /* CORE_FAKE_H */
