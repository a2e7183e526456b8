/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"
#include "compat.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core.h"
#include "ctl.h"
#include "server.h"
#include "teredo.h"

#define CTL_BACKLOG	8

/* What ctl_cleanup() removes, and in which process. */
static char	ctl_owned[sizeof(((struct sockaddr_un *)0)->sun_path)];
static pid_t	ctl_owner = -1;

struct ctl_out {
	char	*buf;
	size_t	 size, len;
};

int
ctl_path(const char *pidfile, char *path, size_t size)
{
	size_t len = strlen(pidfile);
	int n;

	if (len >= 4 && strcmp(pidfile + len - 4, ".pid") == 0)
		len -= 4;
	n = snprintf(path, size, "%.*s.ctl", (int)len, pidfile);
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* Only a socket is ever removed: a mistyped path must not cost a file. */
static int
ctl_unlink_stale(const char *path)
{
	struct stat sb;

	if (lstat(path, &sb) == -1)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(sb.st_mode)) {
		errno = EEXIST;
		return -1;
	}
	return unlink(path);
}

static int
ctl_bind(int fd, const char *path)
{
	struct sockaddr_un sun;
	mode_t old;
	int rc, save;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	/*
	 * The mode comes from the umask at bind time (0660): no moment at
	 * which others could connect, and no chmod(2) by path afterwards,
	 * which would follow a symbolic link put there meanwhile.
	 */
	old = umask(0117);
	rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	save = errno;
	(void)umask(old);
	errno = save;
	return rc;
}

int
ctl_listen(const char *path)
{
	int fd, save;

	if (ctl_unlink_stale(path) == -1)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		return -1;
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1 ||
	    fcntl(fd, F_SETFL, O_NONBLOCK) == -1 || ctl_bind(fd, path) == -1)
		goto fail;
	(void)strlcpy(ctl_owned, path, sizeof(ctl_owned));
	ctl_owner = getpid();
	if (listen(fd, CTL_BACKLOG) == -1)
		goto fail;
	return fd;
fail:
	save = errno;
	(void)close(fd);
	ctl_cleanup();
	errno = save;
	return -1;
}

void
ctl_cleanup(void)
{
	/* atexit() handlers also run in forked children that exit(). */
	if (ctl_owner != getpid() || ctl_owned[0] == '\0')
		return;
	(void)unlink(ctl_owned);
	ctl_owned[0] = '\0';
	ctl_owner = -1;
}

int
ctl_accept(int lfd)
{
	int fd;

	/* EAGAIN: the client gave up between poll() and accept(). */
	do
		fd = accept(lfd, NULL, NULL);
	while (fd == -1 && errno == EINTR);
	return fd;
}

void
ctl_reply(int fd, const char *report, size_t len)
{
	/*
	 * Never wait for the client: the report fits in an empty socket
	 * buffer, and a client that cannot take it loses it.  SIGPIPE is
	 * ignored by the daemons, so a client already gone costs nothing.
	 */
	(void)send(fd, report, len, MSG_DONTWAIT);
	(void)close(fd);
}

static void ctl_printf(struct ctl_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
ctl_printf(struct ctl_out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->len + 1 >= o->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	o->len += (size_t)n;
	if (o->len >= o->size)
		o->len = o->size - 1;
}

static void
ctl_counter(struct ctl_out *o, const char *name, uint64_t v)
{
	ctl_printf(o, "%s: %llu\n", name, (unsigned long long)v);
}

static void
ctl_ipv4(struct ctl_out *o, const char *name, uint32_t ip)
{
	char a[16];

	if (ip == 0)
		ctl_printf(o, "%s: none\n", name);
	else
		ctl_printf(o, "%s: %s\n", name, ipv4_ntop(ip, a));
}

static const char *
ctl_state_name(enum core_state s)
{
	switch (s) {
	case CORE_STATE_OFF:
		return "off";
	case CORE_STATE_QUALIFYING:
		return "qualifying";
	case CORE_STATE_QUALIFIED:
		return "qualified";
	case CORE_STATE_RELAY:
		return "relay";
	}
	return "unknown";
}

/* The Teredo address and what it says (RFC 4380 4, RFC 5991 flags). */
static void
ctl_address(struct ctl_out *o, const struct core_status *st)
{
	struct teredo_addr t;
	char a[INET6_ADDRSTRLEN], s[16];

	if (st->state != CORE_STATE_QUALIFIED ||
	    inet_ntop(AF_INET6, &st->addr, a, sizeof(a)) == NULL) {
		ctl_printf(o, "address: none\n");
		return;
	}
	teredo_addr_decode(&st->addr, &t);
	ctl_printf(o, "address: %s\n", a);
	ctl_printf(o, "address-server: %s\n", ipv4_ntop(t.server, s));
	ctl_printf(o, "address-mapped: %s:%u\n", ipv4_ntop(t.client, s),
	    (unsigned int)t.port);
	ctl_printf(o, "address-flags: 0x%04x (%s)\n", (unsigned int)t.flags,
	    (t.flags & TEREDO_FLAG_CONE) ? "cone" : "not cone");
}

/*
 * What a qualified client can say of its NAT: the mapping against its own
 * socket address (RFC 4380 5.2.1).  The cone test is not made (RFC 5991
 * 3), so a NAT is assumed restricted unless the core says cone.
 */
static const char *
ctl_nat_kind(const struct core_status *st, const struct ctl_engine *eng)
{
	if (st->cone)
		return "cone";
	if (eng->local_port != 0 && eng->local_port == st->mapped_port &&
	    eng->local_ip != 0 && eng->local_ip == st->mapped_ip)
		return "none (the mapped address is our own)";
	if (eng->local_port != 0 && eng->local_port != st->mapped_port)
		return "yes, port-translating (treated as restricted)";
	return "unknown (treated as restricted)";
}

static void
ctl_nat(struct ctl_out *o, const struct core_status *st,
    const struct ctl_engine *eng)
{
	char m[16];

	switch (st->state) {
	case CORE_STATE_RELAY:
		ctl_printf(o, "nat: none (relay, %s)\n",
		    st->cone ? "cone" : "restricted");
		return;
	case CORE_STATE_QUALIFIED:
		ctl_printf(o, "nat: %s\n", ctl_nat_kind(st, eng));
		break;
	default:
		ctl_printf(o, "nat: unknown\n");
		break;
	}
	if (st->mapped_ip != 0)
		ctl_printf(o, "mapped: %s:%u\n", ipv4_ntop(st->mapped_ip, m),
		    (unsigned int)st->mapped_port);
	else
		ctl_printf(o, "mapped: none\n");
}

static void
ctl_servers(struct ctl_out *o, const struct core_status *st)
{
	char s[16];

	ctl_ipv4(o, "server", st->server);
	if (st->server != 0 && st->server2 == 0)
		ctl_printf(o, "server2: %s (primary + 1)\n",
		    ipv4_ntop(htonl(ntohl(st->server) + 1), s));
	else
		ctl_ipv4(o, "server2", st->server2);
}

static void
ctl_core_counters(struct ctl_out *o, const struct core_counters *c,
    uint64_t tun_non_ipv6)
{
	char name[64];
	int i;

	ctl_counter(o, "udp-rx-packets", c->rx_udp);
	ctl_counter(o, "udp-rx-bytes", c->rx_udp_bytes);
	ctl_counter(o, "udp-tx-packets", c->tx_udp);
	ctl_counter(o, "udp-tx-bytes", c->tx_udp_bytes);
	ctl_counter(o, "tun-rx-packets", c->rx_tun);
	ctl_counter(o, "tun-tx-packets", c->tx_tun);
	ctl_counter(o, "bubbles-sent", c->bubbles_sent);
	ctl_counter(o, "bubbles-received", c->bubbles_rcvd);
	ctl_counter(o, "rs-sent", c->rs_sent);
	ctl_counter(o, "ra-received", c->ra_rcvd);
	ctl_counter(o, "icmp-sent", c->icmp_sent);
	ctl_counter(o, "peers-evicted", c->peers_evicted);
	for (i = 0; i < DROP_MAX; i++) {
		(void)snprintf(name, sizeof(name), "drop-%s",
		    core_drop_name((enum core_drop)i));
		ctl_counter(o, name, c->drop[i]);
	}
	ctl_counter(o, "drop-tun-non-ipv6", tun_non_ipv6);
}

size_t
ctl_format_core(char *buf, size_t size, const struct core_status *st,
    const struct ctl_engine *eng)
{
	struct ctl_out o = { buf, size, 0 };

	if (size == 0)
		return 0;
	buf[0] = '\0';
	ctl_printf(&o, "role: %s\n", st->state == CORE_STATE_RELAY ?
	    "relay" : "client");
	ctl_printf(&o, "state: %s\n", ctl_state_name(st->state));
	ctl_address(&o, st);
	if (st->state != CORE_STATE_RELAY)
		ctl_servers(&o, st);
	ctl_nat(&o, st, eng);
	ctl_printf(&o, "mtu: %u\n", st->mtu);
	ctl_printf(&o, "peers: %u\n", st->peers);
	ctl_core_counters(&o, &st->counters, eng->tun_non_ipv6);
	return o.len;
}

size_t
ctl_format_server(char *buf, size_t size, const struct server_config *sc,
    const struct server_counters *c)
{
	struct ctl_out o = { buf, size, 0 };
	struct in6_addr p;
	char name[64], a[INET6_ADDRSTRLEN];
	int i;

	if (size == 0)
		return 0;
	buf[0] = '\0';
	ctl_printf(&o, "role: server\nstate: serving\n");
	ctl_ipv4(&o, "server", sc->addr[0]);
	ctl_ipv4(&o, "server2", sc->addr[1]);
	memset(&p, 0, sizeof(p));
	p.s6_addr[0] = (uint8_t)(sc->prefix >> 24);
	p.s6_addr[1] = (uint8_t)(sc->prefix >> 16);
	p.s6_addr[2] = (uint8_t)(sc->prefix >> 8);
	p.s6_addr[3] = (uint8_t)sc->prefix;
	if (inet_ntop(AF_INET6, &p, a, sizeof(a)) != NULL)
		ctl_printf(&o, "prefix: %s/32\n", a);
	if (sc->mtu != 0)
		ctl_printf(&o, "mtu: %u\n", sc->mtu);
	else
		ctl_printf(&o, "mtu: none\n");
	ctl_counter(&o, "rx-packets", c->rx);
	ctl_counter(&o, "rx-bytes", c->rx_bytes);
	ctl_counter(&o, "rs-received", c->rs);
	ctl_counter(&o, "ra-sent", c->ra_sent);
	ctl_counter(&o, "forwarded-udp", c->fwd_udp);
	ctl_counter(&o, "forwarded-ipv6", c->fwd_ipv6);
	for (i = 0; i < SDROP_MAX; i++) {
		(void)snprintf(name, sizeof(name), "drop-%s",
		    server_drop_name((enum server_drop)i));
		ctl_counter(&o, name, c->drop[i]);
	}
	return o.len;
}

size_t
ctl_vis(char *out, size_t outsz, const char *in, size_t len)
{
	unsigned char c;
	size_t i, n = 0;

	for (i = 0; i < len && n + CTL_VIS_MAX < outsz; i++) {
		c = (unsigned char)in[i];
		if ((c >= 0x20 && c < 0x7f && c != '\\') || c == '\n' ||
		    c == '\t')
			out[n++] = (char)c;
		else
			n += (size_t)snprintf(out + n, outsz - n, "\\%03o", c);
	}
	return n;
}
