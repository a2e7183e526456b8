/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/*
 * The port-mapping child (portmap.h): a simple loop.  Find the NAT
 * (UPnP IGD first, then NAT-PMP), map our UDP port to the same external
 * port (or one the NAT picks), report the mapping, renew it at half its
 * lifetime, and delete it on SIGTERM or when priv's end of the channel
 * closes.  Failures are reported as "no mapping" and retried with
 * back-off.  It never logs (priv does, from the messages).
 */

#include "config.h"
#include "compat.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef HAVE_MINIUPNPC
#include <miniupnpc/miniupnpc.h>
#include <miniupnpc/upnpcommands.h>
#endif
#ifdef HAVE_NATPMP
#include <natpmp.h>
#endif

#include "chan.h"
#include "daemon.h"
#include "portmap.h"
#include "teredo.h"

#define PORTMAP_LEASE		3600	/* s asked for */
#define PORTMAP_RETRY_MIN	10	/* s after a failure, doubling */
#define PORTMAP_RETRY_MAX	300
#define PORTMAP_DISCOVER_MS	2000	/* SSDP wait */
#define PORTMAP_DISCOVER1_MS	1000	/* the first: the core waits (core.h) */
#define PORTMAP_NATPMP_MS	2000	/* NAT-PMP wait per request */

static volatile sig_atomic_t portmap_term;

struct pm_state {
	uint16_t		port;		/* ours, internal */
	struct portmap_msg	cur;		/* the mapping we hold */
	struct portmap_pcp	pcp;
#ifdef HAVE_MINIUPNPC
	struct UPNPUrls		urls;
	struct IGDdatas		data;
	int			have_igd;
	int			searched;	/* an SSDP search was made */
	char			lanaddr[64];
#endif
};

int
portmap_built(void)
{
	return 1;	/* PCP (portmap_pcp.c) needs no library */
}

static void
portmap_onterm(int sig)
{
	(void)sig;
	portmap_term = 1;
}

static void
portmap_report(int fd, const struct portmap_msg *m)
{
	uint8_t buf[PORTMAP_MSG_LEN];

	portmap_msg_encode(m, buf);
	if (chan_send(fd, buf, sizeof(buf)) == -1)
		_exit(1);
}

#ifdef HAVE_MINIUPNPC
static int
portmap_upnp_find(struct pm_state *s)
{
	struct UPNPDev	*devs;
	int		 err = 0, rc;

	if (s->have_igd)
		return 0;
	/* "": no minissdpd (a local socket, refused in the sandbox). */
	devs = upnpDiscover(s->searched ? PORTMAP_DISCOVER_MS :
	    PORTMAP_DISCOVER1_MS, NULL, "", UPNP_LOCAL_PORT_ANY, 0, 2, &err);
	s->searched = 1;
	if (devs == NULL)
		return -1;
	memset(&s->urls, 0, sizeof(s->urls));
	/*
	 * 1: connected, with a public address.  2: not connected, or
	 * miniupnpc finds its address reserved (its list has the
	 * documentation ranges): portmap_upnp_add() checks the address
	 * itself, as the Teredo core does, and the IGD has the last word.
	 */
	rc = UPNP_GetValidIGD(devs, &s->urls, &s->data, s->lanaddr,
	    sizeof(s->lanaddr));
	freeUPNPDevlist(devs);
	if (rc == 1 || rc == 2) {
		s->have_igd = 1;
		return 0;
	}
	if (rc != 0)
		FreeUPNPUrls(&s->urls);
	return -1;
}

static void
portmap_upnp_forget(struct pm_state *s)
{
	if (s->have_igd)
		FreeUPNPUrls(&s->urls);
	s->have_igd = 0;
}

/* Map (or renew) our port; fills *m. */
static int
portmap_upnp_add(struct pm_state *s, struct portmap_msg *m)
{
	char		 in[8], ext[8], lease[16], ip[40] = "", got[8] = "";
	struct in_addr	 a;
	unsigned int	 lifetime = PORTMAP_LEASE;
	int		 rc;

	if (portmap_upnp_find(s) == -1)
		return -1;
	(void)snprintf(in, sizeof(in), "%u", s->port);
	(void)snprintf(ext, sizeof(ext), "%u",
	    s->cur.ext_port != 0 ? s->cur.ext_port : s->port);
	(void)snprintf(lease, sizeof(lease), "%u", lifetime);
	if (UPNP_GetExternalIPAddress(s->urls.controlURL,
	    s->data.first.servicetype, ip) != 0 ||
	    inet_pton(AF_INET, ip, &a) != 1 || !ipv4_is_global(a.s_addr))
		goto fail;
	rc = UPNP_AddPortMapping(s->urls.controlURL,
	    s->data.first.servicetype, ext, in, s->lanaddr, "Teredo (miredo)",
	    "UDP", NULL, lease);
	if (rc == 725) {
		/* OnlyPermanentLeasesSupported: renew it all the same. */
		rc = UPNP_AddPortMapping(s->urls.controlURL,
		    s->data.first.servicetype, ext, in, s->lanaddr,
		    "Teredo (miredo)", "UDP", NULL, "0");
	}
	if (rc == 718 || rc == 724) {
		/* Taken, or must equal the internal one: let the NAT pick. */
		rc = UPNP_AddAnyPortMapping(s->urls.controlURL,
		    s->data.first.servicetype, ext, in, s->lanaddr,
		    "Teredo (miredo)", "UDP", NULL, lease, got);
		if (rc == 0)
			(void)strlcpy(ext, got, sizeof(ext));
	}
	if (rc != 0)
		goto fail;
	m->method = PORTMAP_UPNP;
	m->ext_ip = a.s_addr;
	m->ext_port = (uint16_t)strtonum(ext, 1, 65535, NULL);
	m->lifetime = lifetime;
	return m->ext_port == 0 ? -1 : 0;
fail:
	portmap_upnp_forget(s);
	return -1;
}

static void
portmap_upnp_del(struct pm_state *s)
{
	char ext[8];

	if (!s->have_igd)
		return;
	(void)snprintf(ext, sizeof(ext), "%u", s->cur.ext_port);
	(void)UPNP_DeletePortMapping(s->urls.controlURL,
	    s->data.first.servicetype, ext, "UDP", NULL);
}
#endif /* HAVE_MINIUPNPC */

#ifdef HAVE_NATPMP
/*
 * One request and its answer, within PORTMAP_NATPMP_MS; a SIGTERM cuts
 * it short unless it is the deletion that SIGTERM asked for.
 */
static int
portmap_natpmp_ask(natpmp_t *n, natpmpresp_t *r, int abortable)
{
	struct pollfd	pfd;
	int		rc, waited = 0;

	pfd.fd = n->s;
	pfd.events = POLLIN;
	while ((rc = readnatpmpresponseorretry(n, r)) == NATPMP_TRYAGAIN &&
	    waited < PORTMAP_NATPMP_MS && !(abortable && portmap_term)) {
		(void)poll(&pfd, 1, 100);
		waited += 100;
	}
	return rc == 0 ? 0 : -1;
}

/* Map (lifetime > 0) or delete (0) our port with NAT-PMP. */
static int
portmap_natpmp(struct pm_state *s, uint32_t lifetime, struct portmap_msg *m)
{
	natpmp_t	n;
	natpmpresp_t	r;
	uint32_t	ip;
	int		rc = -1;

	if (initnatpmp(&n, 0, 0) != 0)
		return -1;
	ip = s->cur.ext_ip;
	if (lifetime != 0) {
		if (sendpublicaddressrequest(&n) < 0 ||
		    portmap_natpmp_ask(&n, &r, 1))
			goto out;
		ip = r.pnu.publicaddress.addr.s_addr;
	}
	if (sendnewportmappingrequest(&n, NATPMP_PROTOCOL_UDP, s->port,
	    lifetime == 0 ? 0 : s->cur.ext_port != 0 ? s->cur.ext_port :
	    s->port, lifetime) < 0 ||
	    portmap_natpmp_ask(&n, &r, lifetime != 0))
		goto out;
	if (lifetime != 0) {
		m->method = PORTMAP_NATPMP;
		m->ext_ip = ip;
		m->ext_port = r.pnu.newportmapping.mappedpublicport;
		m->lifetime = r.pnu.newportmapping.lifetime;
		if (ip == 0 || m->ext_port == 0 || m->lifetime == 0)
			goto out;
	}
	rc = 0;
out:
	(void)closenatpmp(&n);
	return rc;
}
#endif /* HAVE_NATPMP */

/* No mapping yet (any method), or one that method gave. */
static int
portmap_may(const struct pm_state *s, enum portmap_method method)
{
	return s->cur.method == PORTMAP_NONE || s->cur.method == method;
}

/* Get or renew a mapping, by the method that gave the current one. */
static int
portmap_get(struct pm_state *s, struct portmap_msg *m)
{
	memset(m, 0, sizeof(*m));
#ifdef HAVE_MINIUPNPC
	if (portmap_may(s, PORTMAP_UPNP) && portmap_upnp_add(s, m) == 0)
		return 0;
#endif
	if (portmap_may(s, PORTMAP_PCP) && portmap_pcp(&s->pcp, s->port,
	    PORTMAP_LEASE, &s->cur, m, &portmap_term) == 0)
		return 0;
#ifdef HAVE_NATPMP
	/* Also after a NAT-PMP server's answer to PCP: unsupported version. */
	if (portmap_may(s, PORTMAP_NATPMP) &&
	    portmap_natpmp(s, PORTMAP_LEASE, m) == 0)
		return 0;
#endif
	memset(m, 0, sizeof(*m));
	return -1;
}

static void
portmap_delete(struct pm_state *s)
{
	struct portmap_msg m;

	(void)m;
	switch (s->cur.method) {
#ifdef HAVE_MINIUPNPC
	case PORTMAP_UPNP:
		portmap_upnp_del(s);
		break;
#endif
#ifdef HAVE_NATPMP
	case PORTMAP_NATPMP:
		(void)portmap_natpmp(s, 0, &m);
		break;
#endif
	case PORTMAP_PCP:
		(void)portmap_pcp(&s->pcp, s->port, 0, &s->cur, &m, NULL);
		break;
	default:
		break;
	}
	memset(&s->cur, 0, sizeof(s->cur));
}

/* Wait up to secs for SIGTERM or priv's EOF: 1 if we must stop. */
static int
portmap_wait(int fd, unsigned int secs)
{
	struct pollfd	pfd;
	char		c;
	ssize_t		n;
	uint64_t	end = daemon_now_ms() + (uint64_t)secs * 1000, now;

	pfd.fd = fd;
	pfd.events = POLLIN;
	while (!portmap_term && (now = daemon_now_ms()) < end) {
		if (poll(&pfd, 1, (int)(end - now)) != 1)
			continue;
		/* priv never writes: readable means it is gone. */
		n = read(fd, &c, 1);
		if (n == 0 || (n == -1 && errno != EINTR && errno != EAGAIN))
			return 1;
	}
	return portmap_term;
}

void
portmap_child(int fd, uint16_t port)
{
	struct pm_state		s;
	struct portmap_msg	m;
	unsigned int		retry = PORTMAP_RETRY_MIN, wait;

	memset(&s, 0, sizeof(s));
	s.port = port;
	(void)signal(SIGTERM, portmap_onterm);
	for (;;) {
		if (portmap_get(&s, &m) == 0) {
			if (m.method != s.cur.method ||
			    m.ext_ip != s.cur.ext_ip ||
			    m.ext_port != s.cur.ext_port ||
			    m.lifetime != s.cur.lifetime)
				portmap_report(fd, &m);
			s.cur = m;
			retry = PORTMAP_RETRY_MIN;
			/* Renew at half the lifetime, however short. */
			wait = m.lifetime / 2;
			if (wait == 0)
				wait = 1;
		} else {
			if (s.cur.method != PORTMAP_NONE)
				portmap_report(fd, &m);	/* lost it */
			memset(&s.cur, 0, sizeof(s.cur));
			wait = retry;
			retry = retry * 2 > PORTMAP_RETRY_MAX ?
			    PORTMAP_RETRY_MAX : retry * 2;
		}
		if (portmap_wait(fd, wait))
			break;
	}
	portmap_delete(&s);
	_exit(0);
}
