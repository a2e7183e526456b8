/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/*
 * PCP (RFC 6887) in the port-mapping child (portmap.h): one MAP request
 * for our UDP port to the default gateway's port 5351, from a UDP socket
 * connected to it (the kernel passes only its answers; they are checked
 * again here), retransmitted after 250, 500, 1000 and 2000 ms (RFC 6887
 * §8.1.1 starts at 3 s and never stops: too slow for a daemon that also
 * tries NAT-PMP after it, and for the tests).  The nonce is drawn for a
 * new mapping and kept for its renewals and its deletion (§11.2).  The
 * messages are common/pcp.c's; no library is needed.
 *
 * The gateway is the default route's, read from Linux's /proc/net/route
 * (or, with libnatpmp, asked of its getdefaultgateway(), which knows the
 * BSDs' routing sockets too).
 */

#include "config.h"
#include "compat.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "pcp.h"
#include "portmap.h"
#include "teredo.h"

#define PCP_DELETE_TRIES	3	/* 1.75 s: priv waits 3 s for us */

#ifdef HAVE_NATPMP
/* libnatpmp's (getgateway.h, not installed by every distribution). */
int	getdefaultgateway(in_addr_t *addr);
#endif

static int
pcp_gateway(uint32_t *gw)
{
	FILE	*f;
	char	 line[256];
	int	 found = 0;

	if ((f = fopen("/proc/net/route", "r")) != NULL) {
		while (!found && fgets(line, sizeof(line), f) != NULL)
			found = pcp_route_gateway(line, gw);
		(void)fclose(f);
	}
#ifdef HAVE_NATPMP
	if (!found) {
		in_addr_t a;

		if (getdefaultgateway(&a) == 0 && a != 0) {
			*gw = a;
			found = 1;
		}
	}
#endif
	return found ? 0 : -1;
}

/* A UDP socket connected to gw:5351; *src our address towards it. */
static int
pcp_socket(uint32_t gw, uint32_t *src)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);
	int			fd;

	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(PCP_SERVER_PORT);
	sin.sin_addr.s_addr = gw;
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1 ||
	    sin.sin_family != AF_INET) {
		(void)close(fd);
		return -1;
	}
	*src = sin.sin_addr.s_addr;
	return fd;
}

/* Read what is there: a verdict other than PCP_V_DROP ends the wait. */
static enum pcp_verdict
pcp_receive(int fd, uint32_t gw, const struct pcp_map *req,
    struct pcp_map *ans, int *refused)
{
	struct sockaddr_in	 from;
	socklen_t		 flen = sizeof(from);
	uint8_t			 in[PCP_MAX_LEN + 4];
	const char		*why;
	ssize_t			 n;

	n = recvfrom(fd, in, sizeof(in), 0, (struct sockaddr *)&from, &flen);
	if (n == -1) {
		/* ICMP port unreachable: no PCP server there. */
		*refused = errno == ECONNREFUSED;
		return PCP_V_DROP;
	}
	/* Only the gateway's port 5351 speaks for it. */
	if (flen < sizeof(from) || from.sin_family != AF_INET ||
	    from.sin_addr.s_addr != gw ||
	    from.sin_port != htons(PCP_SERVER_PORT))
		return PCP_V_DROP;
	return pcp_map_parse(req, in, (size_t)n, ans, &why);
}

/* Send req up to tries times, each time waiting for its answer. */
static enum pcp_verdict
pcp_exchange(int fd, uint32_t gw, const struct pcp_map *req,
    struct pcp_map *ans, unsigned int tries,
    const volatile sig_atomic_t *stop)
{
	uint8_t			out[PCP_MAP_LEN];
	struct pollfd		pfd;
	enum pcp_verdict	v;
	uint64_t		end, now;
	unsigned int		t, wait;
	int			refused = 0;

	pcp_map_build(req, out);
	pfd.fd = fd;
	pfd.events = POLLIN;
	for (t = 0; t < tries && (wait = pcp_retry_ms(t)) != 0; t++) {
		if (sendto(fd, out, sizeof(out), 0, NULL, 0) == -1)
			return PCP_V_DROP;
		end = daemon_now_ms() + wait;
		while ((stop == NULL || !*stop) &&
		    (now = daemon_now_ms()) < end) {
			if (poll(&pfd, 1, (int)(end - now)) != 1)
				continue;
			v = pcp_receive(fd, gw, req, ans, &refused);
			if (v != PCP_V_DROP)
				return v;
			if (refused)
				return PCP_V_DROP;
		}
		if (stop != NULL && *stop)
			break;
	}
	return PCP_V_DROP;
}

int
portmap_pcp(struct portmap_pcp *pc, uint16_t port, uint32_t lifetime,
    const struct portmap_msg *cur, struct portmap_msg *m,
    const volatile sig_atomic_t *stop)
{
	struct pcp_map		req, ans;
	enum pcp_verdict	v;
	uint32_t		gw;
	int			fd;

	if (pcp_gateway(&gw) == -1)
		return -1;
	memset(&req, 0, sizeof(req));
	if ((fd = pcp_socket(gw, &req.client_ip)) == -1)
		return -1;
	if (cur->method != PORTMAP_PCP) {
		/* A new mapping: a new nonce, our port outside too. */
		arc4random_buf(pc->nonce, sizeof(pc->nonce));
		req.ext_port = port;
	} else {
		req.ext_port = cur->ext_port;
		req.ext_ip = cur->ext_ip;
	}
	memcpy(req.nonce, pc->nonce, sizeof(req.nonce));
	req.int_port = port;
	req.lifetime = lifetime;
	/* A deletion is what SIGTERM asked for: it is not cut short. */
	v = pcp_exchange(fd, gw, &req, &ans,
	    lifetime == 0 ? PCP_DELETE_TRIES : ~0U, lifetime == 0 ? NULL : stop);
	(void)close(fd);
	/*
	 * Anything else, a NAT-PMP server's "unsupported version" too
	 * (PCP_V_NATPMP), a refusal or silence: the caller tries NAT-PMP.
	 */
	if (v != PCP_V_OK)
		return -1;
	if (lifetime == 0)
		return 0;
	/* As UPnP: an address behind another NAT maps nothing for Teredo. */
	if (!ipv4_is_global(ans.ext_ip))
		return -1;
	m->method = PORTMAP_PCP;
	m->ext_ip = ans.ext_ip;
	m->ext_port = ans.ext_port;
	m->lifetime = ans.lifetime;
	return 0;
}
