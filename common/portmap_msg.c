/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/* The port-mapping child's message (portmap.h): pure, no I/O. */

#include "config.h"

#include <string.h>

#include "portmap.h"
#include "teredo.h"

void
portmap_msg_encode(const struct portmap_msg *m, uint8_t *buf)
{
	memset(buf, 0, PORTMAP_MSG_LEN);
	buf[0] = PORTMAP_MSG_VERSION;
	buf[1] = (uint8_t)m->method;
	buf[2] = (uint8_t)(m->ext_port >> 8);
	buf[3] = (uint8_t)m->ext_port;
	memcpy(buf + 4, &m->ext_ip, 4);		/* already nbo */
	teredo_put32(buf + 8, m->lifetime);
}

int
portmap_msg_parse(const void *buf, size_t len, struct portmap_msg *m,
    const char **why)
{
	const uint8_t	*b = buf;

	*why = NULL;
	if (len != PORTMAP_MSG_LEN)
		*why = "wrong length";
	else if (b[0] != PORTMAP_MSG_VERSION)
		*why = "unknown version";
	else if (b[1] >= PORTMAP_METHOD_MAX)
		*why = "unknown method";
	else if (teredo_get32(b + 12) != 0)
		*why = "reserved bytes not zero";
	if (*why != NULL)
		return -1;
	memset(m, 0, sizeof(*m));
	m->method = (enum portmap_method)b[1];
	m->ext_port = (uint16_t)(b[2] << 8 | b[3]);
	memcpy(&m->ext_ip, b + 4, 4);
	m->lifetime = teredo_get32(b + 8);
	if (m->method == PORTMAP_NONE &&
	    (m->ext_port != 0 || m->ext_ip != 0 || m->lifetime != 0))
		*why = "no mapping, but an address";
	else if (m->method != PORTMAP_NONE &&
	    (m->ext_port == 0 || m->ext_ip == 0 || m->lifetime == 0))
		*why = "a mapping without address, port or lifetime";
	return *why == NULL ? 0 : -1;
}

const char *
portmap_method_name(enum portmap_method method)
{
	switch (method) {
	case PORTMAP_UPNP:
		return "UPnP";
	case PORTMAP_NATPMP:
		return "NAT-PMP";
	case PORTMAP_PCP:
		return "PCP";
	default:
		return "none";
	}
}
