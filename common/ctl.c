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
#include <poll.h>
#include <stdlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core.h"
#include "ctl.h"
#include "json.h"
#include "portmap.h"
#include "server.h"
#include "teredo.h"

#define CTL_BACKLOG	8

/* What ctl_cleanup() removes, and in which process. */
static char	ctl_owned[sizeof(((struct sockaddr_un *)0)->sun_path)];
static pid_t	ctl_owner = -1;

struct ctl_out {
	char	*buf;
	size_t	 size, len;
	int	 cut;		/* something did not fit */
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

	if (o->len + 1 >= o->size) {
		o->cut = 1;
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		o->cut = 1;
		return;
	}
	o->len += (size_t)n;
	if (o->len >= o->size) {
		o->len = o->size - 1;
		o->cut = 1;
	}
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
	if (st->nat == CORE_NAT_SYMMETRIC)
		return "yes, symmetric";
	if (eng->local_port != 0 && eng->local_port == st->mapped_port &&
	    eng->local_ip != 0 && eng->local_ip == st->mapped_ip)
		return "none (the mapped address is our own)";
	if (eng->local_port != 0 && eng->local_port != st->mapped_port)
		return "yes, port-translating (treated as restricted)";
	return "unknown (treated as restricted)";
}

/*
 * What the client's NAT test found (RFC 4380 5.2.1, RFC 6081 5.3.3,
 * 5.4.3) and which RFC 6081 extensions are active.  A symmetric NAT that
 * does not preserve ports is assumed sequential (RFC 6081 3.4).
 */
static void
ctl_rfc6081(struct ctl_out *o, const struct core_status *st)
{
	char m[16];

	switch (st->nat) {
	case CORE_NAT_SYMMETRIC:
		ctl_printf(o, "nat-symmetric: yes, %s (the secondary server "
		    "saw %s:%u)\n", st->port_preserving ? "port-preserving" :
		    "assumed sequential", ipv4_ntop(st->mapped_ip2, m),
		    (unsigned int)st->mapped_port2);
		break;
	case CORE_NAT_NOT_SYMMETRIC:
		ctl_printf(o, "nat-symmetric: no (the secondary server saw "
		    "the same mapping)\n");
		break;
	default:
		ctl_printf(o, "nat-symmetric: unknown%s\n", st->sns ? "" :
		    " (not tested: SymmetricNATSupport no)");
		break;
	}
	ctl_printf(o, "nat-port-preserving: %s\n",
	    st->mapped_ip == 0 ? "unknown" : st->port_preserving ? "yes" :
	    "no");
	ctl_printf(o, "rfc6081-symmetric-nat-support: %s\n",
	    st->sns ? "on" : "off");
	ctl_printf(o, "rfc6081-port-preserving: %s\n", st->pp ? "on" : "off");
	ctl_printf(o, "rfc6081-sequential: %s\n", st->seq ? "on" : "off");
	ctl_printf(o, "rfc6081-random-ports: %u\n", st->rports);
	ctl_printf(o, "rfc6081-server-load-reduction: %s\n",
	    st->sns ? "on" : "off");
	ctl_printf(o, "rfc6081-hairpinning: %s\n", st->hairpin ? "on" : "off");
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
	if (st->state == CORE_STATE_RELAY)
		return;
	ctl_rfc6081(o, st);
	if (st->portmap_ip != 0)
		ctl_printf(o, "port-mapping: %s:%u by %s (lifetime %u s)\n",
		    ipv4_ntop(st->portmap_ip, m),
		    (unsigned int)st->portmap_port,
		    portmap_method_name(st->portmap_method),
		    st->portmap_lifetime);
	else
		ctl_printf(o, "port-mapping: none\n");
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
	ctl_counter(o, "discovery-sent", c->disc_sent);
	ctl_counter(o, "discovery-received", c->disc_rcvd);
	ctl_counter(o, "discovery-dropped", c->disc_dropped);
	ctl_counter(o, "hairpin-sent", c->hairpin_sent);
	ctl_counter(o, "hairpin-received", c->hairpin_rcvd);
	ctl_counter(o, "hairpin-dropped", c->hairpin_dropped);
	for (i = 0; i < DROP_MAX; i++) {
		(void)snprintf(name, sizeof(name), "drop-%s",
		    core_drop_name((enum core_drop)i));
		ctl_counter(o, name, c->drop[i]);
	}
	ctl_counter(o, "drop-tun-non-ipv6", tun_non_ipv6);
}

/* The tunnel's offloads (os.h OS_TUN_*: TSO 1, USO 2). */
static const char *
ctl_offload_word(unsigned int feat)
{
	static const char *const w[] = { "none", "tcp", "udp", "tcp udp" };

	return w[feat & 3];
}

static void
ctl_offload(struct ctl_out *o, const struct ctl_engine *eng)
{
	ctl_printf(o, "tun-offload: %s\n", ctl_offload_word(eng->offload));
	ctl_counter(o, "tun-gso-super", eng->gso.super);
	ctl_counter(o, "tun-gso-segments", eng->gso.segs);
	ctl_counter(o, "tun-gso-checksums", eng->gso.csum);
	ctl_counter(o, "drop-tun-gso-bad", eng->gso.drop);
	ctl_counter(o, "udp-gso-sends", eng->udp_gso_runs);
	ctl_counter(o, "udp-gso-datagrams", eng->udp_gso_dgrams);
}

size_t
ctl_format_core(char *buf, size_t size, const struct core_status *st,
    const struct ctl_engine *eng)
{
	struct ctl_out o = { buf, size, 0, 0 };

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
	ctl_offload(&o, eng);
	return o.len;
}

size_t
ctl_format_server(char *buf, size_t size, const struct server_config *sc,
    const struct server_counters *c)
{
	struct ctl_out o = { buf, size, 0, 0 };
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

/* JSON (schema "miredo-status", version 1). */

#define CTL_SCHEMA	"miredo-status"
#define CTL_VERSION	1

static void
ctl_json_ipv4(struct json *j, const char *key, uint32_t ip)
{
	char a[16];

	if (ip == 0)
		json_null(j, key);
	else
		json_str(j, key, ipv4_ntop(ip, a));
}

static void
ctl_json_mapping(struct json *j, const char *key, uint32_t ip, uint16_t port)
{
	if (ip == 0) {
		json_null(j, key);
		return;
	}
	json_begin(j, key, 0);
	ctl_json_ipv4(j, "ip", ip);
	json_u64(j, "port", port);
	json_end(j, 0);
}

/* The mapping asked of the NAT (portmap.h); null when none. */
static void
ctl_json_portmap(struct json *j, const struct core_status *st)
{
	if (st->portmap_ip == 0) {
		json_null(j, "port_mapping");
		return;
	}
	json_begin(j, "port_mapping", 0);
	json_str(j, "method", portmap_method_name(st->portmap_method));
	ctl_json_ipv4(j, "ip", st->portmap_ip);
	json_u64(j, "port", st->portmap_port);
	json_u64(j, "lifetime", st->portmap_lifetime);
	json_end(j, 0);
}

static void
ctl_json_head(struct json *j, const char *program, const char *role,
    const char *state, int64_t since)
{
	json_begin(j, NULL, 0);
	json_str(j, "schema", CTL_SCHEMA);
	json_u64(j, "version", CTL_VERSION);
	json_str(j, "program", program);
	json_str(j, "role", role);
	json_str(j, "state", state);
	if (since > 0)
		json_u64(j, "state_since", (uint64_t)since);
	else
		json_null(j, "state_since");
}

/* The NAT kind in one word (ctl_nat_kind() says it in a sentence). */
static const char *
ctl_nat_word(const struct core_status *st, const struct ctl_engine *eng)
{
	switch (st->state) {
	case CORE_STATE_RELAY:
		return "none";
	case CORE_STATE_QUALIFIED:
		if (st->cone)
			return "cone";
		if (st->nat == CORE_NAT_SYMMETRIC)
			return "symmetric";
		if (eng->local_port != 0 && eng->local_port ==
		    st->mapped_port && eng->local_ip != 0 &&
		    eng->local_ip == st->mapped_ip)
			return "none";
		if (eng->local_port != 0 && eng->local_port != st->mapped_port)
			return "port-translating";
		return "restricted";
	default:
		return "unknown";
	}
}

/* ctl_rfc6081() for JSON: null where the client does not know. */
static void
ctl_json_rfc6081(struct json *j, const struct core_status *st)
{
	if (st->nat == CORE_NAT_SYMMETRIC ||
	    st->nat == CORE_NAT_NOT_SYMMETRIC) {
		json_bool(j, "nat_symmetric", st->nat == CORE_NAT_SYMMETRIC);
		ctl_json_mapping(j, "mapping2", st->mapped_ip2,
		    st->mapped_port2);
	} else {
		json_null(j, "nat_symmetric");
		json_null(j, "mapping2");
	}
	if (st->state == CORE_STATE_QUALIFIED)
		json_bool(j, "nat_port_preserving", st->port_preserving);
	else
		json_null(j, "nat_port_preserving");
	json_begin(j, "rfc6081", 0);
	json_bool(j, "symmetric-nat-support", st->sns);
	json_bool(j, "port-preserving-symmetric-nat", st->pp);
	json_bool(j, "sequential-port-symmetric-nat", st->seq);
	json_u64(j, "random-ports", st->rports);
	json_bool(j, "server-load-reduction", st->sns);
	json_bool(j, "hairpinning", st->hairpin);
	json_end(j, 0);
}

size_t
ctl_json_core(char *buf, size_t size, const struct core_status *st,
    const struct ctl_engine *eng)
{
	const struct core_counters *c = &st->counters;
	struct teredo_addr t;
	struct json j;
	char a[INET6_ADDRSTRLEN], s[16];
	int i, relay = st->state == CORE_STATE_RELAY;

	json_init(&j, buf, size);
	ctl_json_head(&j, "miredo", relay ? "relay" : "client",
	    ctl_state_name(st->state), eng->state_since);
	if (st->state == CORE_STATE_QUALIFIED &&
	    inet_ntop(AF_INET6, &st->addr, a, sizeof(a)) != NULL) {
		teredo_addr_decode(&st->addr, &t);
		json_begin(&j, "address", 0);
		json_str(&j, "ipv6", a);
		json_str(&j, "server", ipv4_ntop(t.server, s));
		ctl_json_mapping(&j, "mapped", t.client, t.port);
		json_u64(&j, "flags", t.flags);
		json_bool(&j, "cone", (t.flags & TEREDO_FLAG_CONE) != 0);
		json_end(&j, 0);
	} else
		json_null(&j, "address");
	if (relay) {
		json_null(&j, "server");
		json_null(&j, "server2");
	} else {
		ctl_json_ipv4(&j, "server", st->server);
		ctl_json_ipv4(&j, "server2", st->server2 != 0 ? st->server2 :
		    st->server != 0 ? htonl(ntohl(st->server) + 1) : 0);
	}
	ctl_json_mapping(&j, "mapping", st->mapped_ip, st->mapped_port);
	ctl_json_portmap(&j, st);
	json_str(&j, "nat", ctl_nat_word(st, eng));
	json_bool(&j, "cone", st->cone);
	ctl_json_rfc6081(&j, st);
	json_u64(&j, "mtu", st->mtu);
	json_u64(&j, "peers", st->peers);
	json_begin(&j, "counters", 0);
	json_u64(&j, "udp-rx-packets", c->rx_udp);
	json_u64(&j, "udp-rx-bytes", c->rx_udp_bytes);
	json_u64(&j, "udp-tx-packets", c->tx_udp);
	json_u64(&j, "udp-tx-bytes", c->tx_udp_bytes);
	json_u64(&j, "tun-rx-packets", c->rx_tun);
	json_u64(&j, "tun-tx-packets", c->tx_tun);
	json_u64(&j, "bubbles-sent", c->bubbles_sent);
	json_u64(&j, "bubbles-received", c->bubbles_rcvd);
	json_u64(&j, "rs-sent", c->rs_sent);
	json_u64(&j, "ra-received", c->ra_rcvd);
	json_u64(&j, "icmp-sent", c->icmp_sent);
	json_u64(&j, "peers-evicted", c->peers_evicted);
	json_u64(&j, "discovery-sent", c->disc_sent);
	json_u64(&j, "discovery-received", c->disc_rcvd);
	json_u64(&j, "discovery-dropped", c->disc_dropped);
	json_u64(&j, "tun-gso-super", eng->gso.super);
	json_u64(&j, "tun-gso-segments", eng->gso.segs);
	json_u64(&j, "tun-gso-checksums", eng->gso.csum);
	json_u64(&j, "udp-gso-sends", eng->udp_gso_runs);
	json_u64(&j, "udp-gso-datagrams", eng->udp_gso_dgrams);
	json_u64(&j, "hairpin-sent", c->hairpin_sent);
	json_u64(&j, "hairpin-received", c->hairpin_rcvd);
	json_u64(&j, "hairpin-dropped", c->hairpin_dropped);
	json_end(&j, 0);
	json_begin(&j, "drops", 0);
	for (i = 0; i < DROP_MAX; i++)
		json_u64(&j, core_drop_name((enum core_drop)i), c->drop[i]);
	json_u64(&j, "tun-non-ipv6", eng->tun_non_ipv6);
	json_u64(&j, "tun-gso-bad", eng->gso.drop);
	json_end(&j, 0);
	json_str(&j, "tun_offload", ctl_offload_word(eng->offload));
	json_end(&j, 0);
	return json_finish(&j);
}

size_t
ctl_json_server(char *buf, size_t size, int64_t since,
    const struct server_config *sc, const struct server_counters *c)
{
	struct json j;
	struct in6_addr p;
	char a[INET6_ADDRSTRLEN + 3];
	int i;

	json_init(&j, buf, size);
	ctl_json_head(&j, "miredo-server", "server", "serving", since);
	ctl_json_ipv4(&j, "server", sc->addr[0]);
	ctl_json_ipv4(&j, "server2", sc->addr[1]);
	memset(&p, 0, sizeof(p));
	p.s6_addr[0] = (uint8_t)(sc->prefix >> 24);
	p.s6_addr[1] = (uint8_t)(sc->prefix >> 16);
	p.s6_addr[2] = (uint8_t)(sc->prefix >> 8);
	p.s6_addr[3] = (uint8_t)sc->prefix;
	if (inet_ntop(AF_INET6, &p, a, INET6_ADDRSTRLEN) != NULL) {
		(void)strlcat(a, "/32", sizeof(a));
		json_str(&j, "prefix", a);
	} else
		json_null(&j, "prefix");
	if (sc->mtu != 0)
		json_u64(&j, "mtu", sc->mtu);
	else
		json_null(&j, "mtu");
	json_begin(&j, "counters", 0);
	json_u64(&j, "rx-packets", c->rx);
	json_u64(&j, "rx-bytes", c->rx_bytes);
	json_u64(&j, "rs-received", c->rs);
	json_u64(&j, "ra-sent", c->ra_sent);
	json_u64(&j, "forwarded-udp", c->fwd_udp);
	json_u64(&j, "forwarded-ipv6", c->fwd_ipv6);
	json_end(&j, 0);
	json_begin(&j, "drops", 0);
	for (i = 0; i < SDROP_MAX; i++)
		json_u64(&j, server_drop_name((enum server_drop)i),
		    c->drop[i]);
	json_end(&j, 0);
	json_end(&j, 0);
	return json_finish(&j);
}

size_t
ctl_format_peer(char *buf, size_t size, const struct core_peer *p)
{
	struct json j;
	char a[INET6_ADDRSTRLEN];

	json_init(&j, buf, size);
	json_begin(&j, NULL, 0);
	if (inet_ntop(AF_INET6, &p->addr, a, sizeof(a)) != NULL)
		json_str(&j, "address", a);
	else
		json_null(&j, "address");
	ctl_json_mapping(&j, "mapping", p->ip, p->port);
	json_bool(&j, "trusted", p->trusted);
	/* Local discovery (RFC 4380 5.2.8): only for a local peer. */
	if (p->local != 0) {
		ctl_json_mapping(&j, "local", p->local_ip, p->local_port);
		json_bool(&j, "local_proven", p->local == 2);
	}
	if (p->rx_ago >= 0)
		json_u64(&j, "last_receive_ms_ago", (uint64_t)p->rx_ago);
	else
		json_null(&j, "last_receive_ms_ago");
	if (p->tx_ago >= 0)
		json_u64(&j, "last_send_ms_ago", (uint64_t)p->tx_ago);
	else
		json_null(&j, "last_send_ms_ago");
	json_u64(&j, "queued_bytes", p->queued);
	json_end(&j, 0);
	return json_finish(&j);
}

/* Prometheus text exposition format (version 0.0.4). */

static void
ctl_prom_family(struct ctl_out *o, const char *name, const char *type,
    const char *help)
{
	ctl_printf(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
ctl_prom(struct ctl_out *o, const char *name, const char *labels,
    uint64_t v)
{
	ctl_printf(o, "%s%s%s%s %llu\n", name, labels[0] ? "{" : "", labels,
	    labels[0] ? "}" : "", (unsigned long long)v);
}

static void
ctl_prom_info(struct ctl_out *o, const char *pfx, const char *role,
    const char *state, int64_t since)
{
	char n[64];

	(void)snprintf(n, sizeof(n), "%s_info", pfx);
	ctl_prom_family(o, n, "gauge", "Role and state of the daemon.");
	ctl_printf(o, "%s{role=\"%s\",state=\"%s\"} 1\n", n, role, state);
	if (since <= 0)
		return;
	(void)snprintf(n, sizeof(n), "%s_state_since_seconds", pfx);
	ctl_prom_family(o, n, "gauge",
	    "UNIX time at which the daemon entered its state.");
	ctl_prom(o, n, "", (uint64_t)since);
}

static size_t
ctl_out_end(struct ctl_out *o)
{
	/* A cut report would be read as a valid one with fewer metrics. */
	return o->cut ? 0 : o->len;
}

size_t
ctl_prom_core(char *buf, size_t size, const struct core_status *st,
    const struct ctl_engine *eng)
{
	const struct core_counters *c = &st->counters;
	struct ctl_out o = { buf, size, 0, 0 };
	char l[64];
	int i;

	if (size == 0)
		return 0;
	buf[0] = '\0';
	ctl_prom_info(&o, "miredo", st->state == CORE_STATE_RELAY ? "relay" :
	    "client", ctl_state_name(st->state), eng->state_since);
	ctl_prom_family(&o, "miredo_mtu_bytes", "gauge",
	    "MTU of the Teredo interface.");
	ctl_prom(&o, "miredo_mtu_bytes", "", st->mtu);
	ctl_prom_family(&o, "miredo_peers", "gauge", "Peers in the table.");
	ctl_prom(&o, "miredo_peers", "", st->peers);
	ctl_prom_family(&o, "miredo_packets_total", "counter",
	    "Packets by direction and side (udp: Teredo, tun: IPv6).");
	ctl_prom(&o, "miredo_packets_total", "direction=\"rx\",side=\"udp\"",
	    c->rx_udp);
	ctl_prom(&o, "miredo_packets_total", "direction=\"tx\",side=\"udp\"",
	    c->tx_udp);
	ctl_prom(&o, "miredo_packets_total", "direction=\"rx\",side=\"tun\"",
	    c->rx_tun);
	ctl_prom(&o, "miredo_packets_total", "direction=\"tx\",side=\"tun\"",
	    c->tx_tun);
	ctl_prom_family(&o, "miredo_bytes_total", "counter",
	    "UDP payload bytes by direction.");
	ctl_prom(&o, "miredo_bytes_total", "direction=\"rx\",side=\"udp\"",
	    c->rx_udp_bytes);
	ctl_prom(&o, "miredo_bytes_total", "direction=\"tx\",side=\"udp\"",
	    c->tx_udp_bytes);
	ctl_prom_family(&o, "miredo_bubbles_total", "counter",
	    "Teredo bubbles by direction.");
	ctl_prom(&o, "miredo_bubbles_total", "direction=\"tx\"",
	    c->bubbles_sent);
	ctl_prom(&o, "miredo_bubbles_total", "direction=\"rx\"",
	    c->bubbles_rcvd);
	ctl_prom_family(&o, "miredo_router_solicitations_sent_total",
	    "counter", "Router solicitations sent to the server.");
	ctl_prom(&o, "miredo_router_solicitations_sent_total", "", c->rs_sent);
	ctl_prom_family(&o, "miredo_router_advertisements_received_total",
	    "counter", "Router advertisements accepted.");
	ctl_prom(&o, "miredo_router_advertisements_received_total", "",
	    c->ra_rcvd);
	ctl_prom_family(&o, "miredo_icmp_sent_total", "counter",
	    "ICMPv6 errors sent.");
	ctl_prom(&o, "miredo_icmp_sent_total", "", c->icmp_sent);
	ctl_prom_family(&o, "miredo_peers_evicted_total", "counter",
	    "Peers evicted from the full table.");
	ctl_prom(&o, "miredo_peers_evicted_total", "", c->peers_evicted);
	ctl_prom_family(&o, "miredo_discovery_bubbles_total", "counter",
	    "Local discovery bubbles (RFC 4380 5.2.8) by outcome.");
	ctl_prom(&o, "miredo_discovery_bubbles_total", "result=\"sent\"",
	    c->disc_sent);
	ctl_prom(&o, "miredo_discovery_bubbles_total", "result=\"received\"",
	    c->disc_rcvd);
	ctl_prom(&o, "miredo_discovery_bubbles_total", "result=\"dropped\"",
	    c->disc_dropped);
	ctl_prom_family(&o, "miredo_hairpin_total", "counter",
	    "RFC 6081 hairpinning: bubbles sent to alternate addresses, "
	    "trailers used and dropped.");
	ctl_prom(&o, "miredo_hairpin_total", "result=\"sent\"",
	    c->hairpin_sent);
	ctl_prom(&o, "miredo_hairpin_total", "result=\"received\"",
	    c->hairpin_rcvd);
	ctl_prom(&o, "miredo_hairpin_total", "result=\"dropped\"",
	    c->hairpin_dropped);
	ctl_prom_family(&o, "miredo_drops_total", "counter",
	    "Packets dropped, by reason.");
	for (i = 0; i < DROP_MAX; i++) {
		(void)snprintf(l, sizeof(l), "reason=\"%s\"",
		    core_drop_name((enum core_drop)i));
		ctl_prom(&o, "miredo_drops_total", l, c->drop[i]);
	}
	ctl_prom(&o, "miredo_drops_total", "reason=\"tun-non-ipv6\"",
	    eng->tun_non_ipv6);
	ctl_prom(&o, "miredo_drops_total", "reason=\"tun-gso-bad\"",
	    eng->gso.drop);
	ctl_prom_family(&o, "miredo_tun_gso_super_packets_total", "counter",
	    "Super-packets from the tunnel split into segments.");
	ctl_prom(&o, "miredo_tun_gso_super_packets_total", "", eng->gso.super);
	ctl_prom_family(&o, "miredo_tun_gso_segments_total", "counter",
	    "Segments made from the tunnel's super-packets.");
	ctl_prom(&o, "miredo_tun_gso_segments_total", "", eng->gso.segs);
	ctl_prom_family(&o, "miredo_udp_gso_sends_total", "counter",
	    "Runs of datagrams sent as one with UDP GSO.");
	ctl_prom(&o, "miredo_udp_gso_sends_total", "", eng->udp_gso_runs);
	return ctl_out_end(&o);
}

size_t
ctl_prom_server(char *buf, size_t size, int64_t since,
    const struct server_config *sc, const struct server_counters *c)
{
	struct ctl_out o = { buf, size, 0, 0 };
	char l[64];
	int i;

	(void)sc;
	if (size == 0)
		return 0;
	buf[0] = '\0';
	ctl_prom_info(&o, "miredo_server", "server", "serving", since);
	ctl_prom_family(&o, "miredo_server_packets_total", "counter",
	    "Datagrams received.");
	ctl_prom(&o, "miredo_server_packets_total", "direction=\"rx\"",
	    c->rx);
	ctl_prom_family(&o, "miredo_server_bytes_total", "counter",
	    "Bytes received.");
	ctl_prom(&o, "miredo_server_bytes_total", "direction=\"rx\"",
	    c->rx_bytes);
	ctl_prom_family(&o, "miredo_server_router_solicitations_total",
	    "counter", "Router solicitations received.");
	ctl_prom(&o, "miredo_server_router_solicitations_total", "", c->rs);
	ctl_prom_family(&o, "miredo_server_router_advertisements_total",
	    "counter", "Router advertisements sent.");
	ctl_prom(&o, "miredo_server_router_advertisements_total", "",
	    c->ra_sent);
	ctl_prom_family(&o, "miredo_server_forwarded_total", "counter",
	    "Packets forwarded, by way out.");
	ctl_prom(&o, "miredo_server_forwarded_total", "way=\"udp\"",
	    c->fwd_udp);
	ctl_prom(&o, "miredo_server_forwarded_total", "way=\"ipv6\"",
	    c->fwd_ipv6);
	ctl_prom_family(&o, "miredo_server_drops_total", "counter",
	    "Packets dropped, by reason.");
	for (i = 0; i < SDROP_MAX; i++) {
		(void)snprintf(l, sizeof(l), "reason=\"%s\"",
		    server_drop_name((enum server_drop)i));
		ctl_prom(&o, "miredo_server_drops_total", l, c->drop[i]);
	}
	return ctl_out_end(&o);
}

/* Requests and the clients waited for. */

static int
ctl_word(const char **p, const char *end, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(end - *p) < n || memcmp(*p, w, n) != 0 ||
	    (*p + n != end && (*p)[n] != ' '))
		return 0;
	*p += n;
	return 1;
}

/* A decimal number after one space, at most max. */
static int
ctl_number(const char **p, const char *end, uint64_t max, uint64_t *v)
{
	const char *s = *p;
	uint64_t n = 0;

	if (s == end || *s++ != ' ' || s == end || *s < '0' || *s > '9')
		return -1;
	for (; s != end && *s >= '0' && *s <= '9'; s++) {
		if (n > (max - (uint64_t)(*s - '0')) / 10)
			return -1;
		n = n * 10 + (uint64_t)(*s - '0');
	}
	*p = s;
	*v = n;
	return 0;
}

int
ctl_parse(const char *line, size_t len, struct ctl_request *rq,
    const char **why)
{
	const char *p = line, *end = line + len;
	uint64_t n;

	memset(rq, 0, sizeof(*rq));
	if (ctl_word(&p, end, "text"))
		rq->format = CTL_TEXT;
	else if (ctl_word(&p, end, "json"))
		rq->format = CTL_JSON;
	else if (ctl_word(&p, end, "prometheus"))
		rq->format = CTL_PROMETHEUS;
	else if (ctl_word(&p, end, "peers")) {
		rq->format = CTL_PEERS;
		if (ctl_number(&p, end, UINT64_MAX, &rq->cursor) == -1 ||
		    ctl_number(&p, end, CTL_PAGE_MAX, &n) == -1 || n == 0) {
			*why = "peers: want a cursor and a count of 1 to "
			    "128";
			return -1;
		}
		rq->count = (unsigned int)n;
	} else {
		*why = "unknown request";
		return -1;
	}
	if (p != end) {
		*why = "unexpected words after the request";
		return -1;
	}
	return 0;
}

void
ctl_server_init(struct ctl_server *s, int lfd)
{
	int i;

	s->lfd = lfd;
	for (i = 0; i < CTL_CONNS; i++)
		s->conn[i].fd = -1;
}

void
ctl_server_pollfd(const struct ctl_server *s, struct pollfd *pfd)
{
	int i, busy = 1;

	for (i = 0; i < CTL_CONNS; i++) {
		pfd[1 + i].fd = s->conn[i].fd;
		pfd[1 + i].events = POLLIN;
		pfd[1 + i].revents = 0;
		if (s->conn[i].fd == -1)
			busy = 0;
	}
	/* With every slot taken, new clients wait in the backlog. */
	pfd[0].fd = busy ? -1 : s->lfd;
	pfd[0].events = POLLIN;
	pfd[0].revents = 0;
}

int
ctl_server_timeout(const struct ctl_server *s, uint64_t now, int timeout)
{
	uint64_t d;
	int i;

	for (i = 0; i < CTL_CONNS; i++) {
		if (s->conn[i].fd == -1)
			continue;
		d = s->conn[i].deadline > now ? s->conn[i].deadline - now : 0;
		if (timeout < 0 || d < (uint64_t)timeout)
			timeout = (int)d;
	}
	return timeout;
}

static void
ctl_answer(struct ctl_conn *cc, const struct ctl_request *rq,
    ctl_answer_fn *fn, void *arg)
{
	static char report[CTL_REPORT_MAX];
	size_t len;

	len = fn(arg, rq, report, sizeof(report));
	if (len == 0)
		len = (size_t)snprintf(report, sizeof(report),
		    "error: the answer does not fit\n");
	ctl_reply(cc->fd, report, len);
	cc->fd = -1;
}

static void
ctl_error(struct ctl_conn *cc, const char *why)
{
	char line[128];
	int n;

	n = snprintf(line, sizeof(line), "error: %s\n", why);
	ctl_reply(cc->fd, line, n > 0 ? (size_t)n : 0);
	cc->fd = -1;
}

/* Read what the client sent; answer once a line is complete. */
static void
ctl_conn_input(struct ctl_conn *cc, ctl_answer_fn *fn, void *arg)
{
	struct ctl_request rq;
	const char *why;
	char *nl;
	ssize_t n;

	n = recv(cc->fd, cc->req + cc->len, sizeof(cc->req) - cc->len,
	    MSG_DONTWAIT);
	if (n == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return;
		(void)close(cc->fd);
		cc->fd = -1;
		return;
	}
	if (n == 0) {
		/* The client said all it will say. */
		if (cc->len == 0) {
			memset(&rq, 0, sizeof(rq));
			ctl_answer(cc, &rq, fn, arg);
		} else
			ctl_error(cc, "request without a newline");
		return;
	}
	cc->len += (size_t)n;
	if ((nl = memchr(cc->req, '\n', cc->len)) == NULL) {
		if (cc->len == sizeof(cc->req))
			ctl_error(cc, "request too long");
		return;
	}
	if (ctl_parse(cc->req, (size_t)(nl - cc->req), &rq, &why) == -1)
		ctl_error(cc, why);
	else
		ctl_answer(cc, &rq, fn, arg);
}

void
ctl_server_run(struct ctl_server *s, const struct pollfd *pfd, uint64_t now,
    ctl_answer_fn *fn, void *arg)
{
	struct ctl_request rq;
	struct ctl_conn *cc;
	int fd, i;

	for (i = 0; i < CTL_CONNS; i++) {
		cc = &s->conn[i];
		if (cc->fd == -1 || pfd[1 + i].fd != cc->fd)
			continue;
		if (pfd[1 + i].revents != 0)
			ctl_conn_input(cc, fn, arg);
		if (cc->fd != -1 && now >= cc->deadline) {
			/* Said nothing in time: an older client, text. */
			memset(&rq, 0, sizeof(rq));
			if (cc->len == 0)
				ctl_answer(cc, &rq, fn, arg);
			else
				ctl_error(cc, "request too slow");
		}
	}
	if (pfd[0].fd == -1 || !(pfd[0].revents & POLLIN))
		return;
	for (i = 0; i < CTL_CONNS; i++) {
		cc = &s->conn[i];
		if (cc->fd != -1)
			continue;
		if ((fd = ctl_accept(s->lfd)) == -1)
			return;
		cc->fd = fd;
		cc->len = 0;
		cc->deadline = now + CTL_WAIT_MS;
		/* Most clients have already written their request. */
		ctl_conn_input(cc, fn, arg);
	}
}
