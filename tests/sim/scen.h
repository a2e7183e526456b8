/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef SCEN_H
#define SCEN_H

/* Scenario helpers shared by the files of the simulation test. */

#include <stdio.h>

#include "sim.h"

extern int scen_failed, scen_checks;
extern const char *scen_name;

/* An assertion of a scenario: prints the scenario and the condition. */
#define SCHECK(cond) do {						\
	scen_checks++;							\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: [%s] CHECK failed: %s\n",	\
		    __FILE__, __LINE__, scen_name, #cond);		\
		scen_failed++;						\
	}								\
} while (0)

#define SIM_NAT_IP0	"203.0.113.10"
#define SIM_NAT_IP1	"203.0.113.20"
#define SIM_NAT_TIMEOUT	60000

/* test_sim.c */
void	scen_begin(const char *what, enum sim_nat_kind k);
struct sim *scen_world(enum sim_nat_kind k0, int two,
	    enum sim_nat_kind k1);
unsigned int scen_count_bubbles(const struct sim *s, int from_ep,
	    const struct in6_addr *dst, int indirect, uint64_t from,
	    uint64_t to);

/* scen_maint.c */
void	scen_refresh(enum sim_nat_kind k);
void	scen_mapping_change(enum sim_nat_kind k);
void	scen_server_loss(enum sim_nat_kind k);
void	scen_qualify_retry(void);
void	scen_server_cone(void);

/* scen_limits.c */
void	scen_teredo_addr(const struct sim *s, const char *ip, uint16_t port,
	    struct in6_addr *a);
void	scen_bubble_limits(void);
void	scen_ping_retries(void);

/* scen_relay.c */
void	scen_peer_expiry(void);
void	scen_eviction(void);
void	scen_relay_drops(void);

/* scen_sym.c */
void	scen_sym(void);

#endif /* SCEN_H */
