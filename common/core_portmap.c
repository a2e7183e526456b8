/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/*
 * A port mapping on the NAT, as the port-mapping child reported it
 * (portmap.h): the core only learns the external address, port and
 * lifetime.  Kept apart from qualify.c on purpose.
 */

#include "config.h"

#include "core_impl.h"

void
core_portmap(struct core *c, uint64_t now, unsigned int method, uint32_t ip,
    uint16_t port, unsigned int lifetime)
{
	int	fresh;

	if (!core_is_client(c))
		return;
	if (ip == 0 || port == 0 || lifetime == 0) {
		c->st.portmap_ip = 0;
		c->st.portmap_port = 0;
		c->st.portmap_method = 0;
		c->st.portmap_lifetime = 0;
		return;
	}
	fresh = ip != c->st.portmap_ip || port != c->st.portmap_port;
	c->q.portmap_wait = 0;
	c->st.portmap_ip = ip;
	c->st.portmap_port = port;
	c->st.portmap_method = method;
	c->st.portmap_lifetime = lifetime;
	/*
	 * The server saw another mapping (or none yet): ask it again now,
	 * through the new one, rather than at the next refresh.
	 */
	if (fresh && c->st.state != CORE_STATE_OFF &&
	    (c->st.mapped_ip != ip || c->st.mapped_port != port))
		qualify_netchange(c, now);
}
