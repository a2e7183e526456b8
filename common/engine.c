/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"
#include "compat.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"
#include "chan.h"
#include "core.h"
#include "ctl.h"
#include "daemon.h"
#include "discsock.h"
#include "engine.h"
#include "gso.h"
#include "log.h"
#include "os.h"
#include "portmap.h"
#include "privmsg.h"
#include "rsock.h"
#include "teredo.h"

/* Packets handled per descriptor and wake-up, so neither side starves. */
#define ENGINE_BATCH	64
#define ENGINE_PKTMAX	65536

struct engine {
	int		tun, udp, chan;
	int		disc;		/* local discovery socket, or -1 */
	unsigned int	nnets;		/* and the links it listens on */
	struct core_net	nets[CORE_LOCAL_NETS];
	unsigned int	offload;	/* OS_TUN_*: the tunnel's gso_hdr */
	unsigned int	conf_mtu;	/* until the client is up */
	uint64_t	now;		/* of the packets being split */
	unsigned int	ifindex;
	struct core	*core;
	struct batch	*batch;		/* UDP in and out (batch.h) */
	int		up;		/* client: tunnel configured */
	struct in6_addr	addr;
	unsigned int	mtu;
	struct ctl_engine ctlinfo;	/* for the status report */
	int		ctl;		/* status listener, or -1 */
	struct ctl_server ctls;		/* its clients */
	enum core_state	state;		/* last seen, for state_since */
	struct chan_reader rd;		/* the frame being read from priv */
	struct rsock_pool rs;		/* client: RFC 6081 random ports */
	unsigned char	buf[ENGINE_PKTMAX];
};

static volatile sig_atomic_t engine_status_wanted;

static const struct in6_addr engine_ll = {{{
	0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
}}};

static void
engine_sigusr1(int sig)
{
	(void)sig;
	engine_status_wanted = 1;
}

/* priv went away or broke the protocol: nothing left to do. */
static void
engine_send(struct engine *e, const void *msg, size_t len)
{
	if (chan_send(e->chan, msg, len) == -1)
		fatal("%s: priv channel", __func__);
}

/*
 * Every message to priv but PRIV_MSG_READY starts with its type and our
 * interface (the common initial members of the union's structs).
 */
static void
engine_send_msg(struct engine *e, union privmsg *m, uint32_t type)
{
	m->addr.type = type;
	m->addr.ifindex = e->ifindex;
	engine_send(e, m, privmsg_size(type));
}

static void
engine_send_addr(struct engine *e, uint32_t type, const struct in6_addr *a,
    unsigned int plen)
{
	union privmsg	m;

	memset(&m, 0, sizeof(m));
	m.addr.addr = *a;
	m.addr.plen = plen;
	engine_send_msg(e, &m, type);
}

static void
engine_send_route(struct engine *e, uint32_t type)
{
	union privmsg	m;

	memset(&m, 0, sizeof(m));
	m.route.plen = 0;
	m.route.metric = PRIVMSG_CLIENT_METRIC;
	engine_send_msg(e, &m, type);
}

/* PRIV_MSG_MTU with the MTU, or PRIV_MSG_LINK with 1 (up) or 0 (down). */
static void
engine_send_if(struct engine *e, uint32_t type, uint32_t value)
{
	union privmsg	m;

	memset(&m, 0, sizeof(m));
	if (type == PRIV_MSG_MTU)
		m.mtu.mtu = value;
	else
		m.link.up = value;
	engine_send_msg(e, &m, type);
}

static void
engine_send_state(struct engine *e)
{
	union privmsg	m;

	memset(&m, 0, sizeof(m));
	m.state.up = (uint32_t)e->up;
	if (e->up) {
		m.state.mtu = e->mtu;
		m.state.addr = e->addr;
	}
	engine_send_msg(e, &m, PRIV_MSG_STATE);
}

/* core io.up: qualified, or a new address (RFC 4380 5.2.1, 5.2.5). */
static void
engine_io_up(void *arg, const struct in6_addr *addr, unsigned int mtu)
{
	struct engine *e = arg;
	int same = e->up && memcmp(&e->addr, addr, sizeof(*addr)) == 0;

	if (same && e->mtu == mtu)
		return;
	if (e->up && !same)
		engine_send_addr(e, PRIV_MSG_ADDR_DEL, &e->addr, 32);
	if (!e->up || e->mtu != mtu)
		engine_send_if(e, PRIV_MSG_MTU, mtu);
	if (!e->up)
		engine_send_if(e, PRIV_MSG_LINK, 1);
	engine_send_addr(e, PRIV_MSG_ADDR_ADD, addr, 32);
	if (!e->up) {
		engine_send_addr(e, PRIV_MSG_ADDR_ADD, &engine_ll, 64);
		engine_send_route(e, PRIV_MSG_ROUTE_ADD);
	}
	e->up = 1;
	e->addr = *addr;
	e->mtu = mtu;
	engine_send_state(e);
}

static void
engine_io_down(void *arg)
{
	struct engine *e = arg;

	if (!e->up)
		return;
	engine_send_route(e, PRIV_MSG_ROUTE_DEL);
	engine_send_addr(e, PRIV_MSG_ADDR_DEL, &e->addr, 32);
	engine_send_addr(e, PRIV_MSG_ADDR_DEL, &engine_ll, 64);
	engine_send_if(e, PRIV_MSG_LINK, 0);
	e->up = 0;
	engine_send_state(e);
}

static void
engine_io_send_udp(void *arg, uint32_t ip, uint16_t port, const void *buf,
    size_t len)
{
	struct engine *e = arg;

	/* Copied and sent at the end of the wake-up, in this order. */
	batch_send(e->batch, ip, port, buf, len);
}

static int
engine_io_open_udp(void *arg, uint16_t *port)
{
	struct engine *e = arg;

	return rsock_take(&e->rs, port);
}

static void
engine_io_send_udp_from(void *arg, int sock, uint32_t ip, uint16_t port,
    const void *buf, size_t len)
{
	struct engine *e = arg;

	/* After what the core sent before: RFC 6081's echo test counts. */
	batch_flush(e->batch);
	rsock_send(&e->rs, sock, ip, port, buf, len);
}

static void
engine_io_close_udp(void *arg, int sock)
{
	struct engine *e = arg;

	rsock_give(&e->rs, sock);
}

static void
engine_io_send_tun(void *arg, const void *pkt, size_t len)
{
	static const struct gso_hdr plain;
	struct engine *e = arg;

	if (e->offload)
		(void)os_tun_write_gso(e->tun, &plain, pkt, len);
	else
		(void)os_tun_write(e->tun, pkt, len);
}

static void
engine_io_random(void *arg, void *buf, size_t len)
{
	(void)arg;
	arc4random_buf(buf, len);
}

static void
engine_core_config(const struct conf *conf, struct core_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->role = conf->relay_type == CONF_CLIENT ? CORE_CLIENT :
	    CORE_RELAY;
	cfg->cone = conf->relay_type == CONF_RELAY;
	cfg->prefix = conf->prefix;
	cfg->mtu = conf->mtu;
	cfg->refresh_interval = conf->refresh_interval;
	cfg->qualify_timeout = conf->qualify_timeout;
	cfg->qualify_retries = conf->qualify_retries;
	cfg->peer_max = conf->peer_max;
	cfg->queue_bytes = conf->queue_bytes;
	cfg->local_ip = conf->bind_addr;
	cfg->local_discovery = conf->local_discovery;
	cfg->sns = conf->sns;
	cfg->hairpinning = conf->hairpinning;
	cfg->portmap_wait_ms = conf->port_mapping && portmap_built() ?
	    CORE_PORTMAP_WAIT_MS : 0;
}

static const char *
engine_state_name(enum core_state s)
{
	switch (s) {
	case CORE_STATE_OFF:
		return "no server";
	case CORE_STATE_QUALIFYING:
		return "qualifying";
	case CORE_STATE_QUALIFIED:
		return "qualified";
	case CORE_STATE_RELAY:
		return "relay";
	}
	return "?";
}

/* SIGUSR1: one status line, as netsh interface teredo show state would. */
static void
engine_log_status(const struct engine *e)
{
	struct core_status st;
	char a[INET6_ADDRSTRLEN] = "-", s[16], m[16];
	uint64_t drops = 0;
	size_t i;

	core_get_status(e->core, &st);
	if (st.state == CORE_STATE_QUALIFIED)
		(void)inet_ntop(AF_INET6, &st.addr, a, sizeof(a));
	for (i = 0; i < DROP_MAX; i++)
		drops += st.counters.drop[i];
	log_info("status: %s, address %s, server %s, mapping %s:%u (%s), "
	    "mtu %u, %u peers, udp rx %llu tx %llu, tun rx %llu tx %llu, "
	    "%llu dropped", engine_state_name(st.state), a,
	    ipv4_ntop(st.server, s), ipv4_ntop(st.mapped_ip, m),
	    st.mapped_port, st.cone ? "cone" : "restricted", st.mtu, st.peers,
	    (unsigned long long)st.counters.rx_udp,
	    (unsigned long long)st.counters.tx_udp,
	    (unsigned long long)st.counters.rx_tun,
	    (unsigned long long)st.counters.tx_tun,
	    (unsigned long long)drops);
}

/*
 * One message from priv: 1 if one was handled, 0 if none is complete yet.
 * Exits when priv went away, dies when it broke the protocol.
 */
static int
engine_chan_msg(struct engine *e, uint64_t now)
{
	struct privmsg_resolved r;
	struct privmsg_portmap pm;
	const void *msg;
	const char *why;
	size_t len;

	switch (chan_read(e->chan, &e->rd, &msg, &len)) {
	case CHAN_AGAIN:
		return 0;
	case CHAN_MSG:
		break;
	case CHAN_BAD:
		fatalx("%s: malformed frame from priv", __func__);
	default:
		log_debug("%s: priv is gone", __func__);
		exit(0);
	}
	/* The check proves len is the exact size of the type. */
	switch (privmsg_check_engine(msg, len, &why)) {
	case PRIV_MSG_RESOLVED:
		memcpy(&r, msg, sizeof(r));
		core_set_server(e->core, now, r.server, r.server2);
		break;
	case PRIV_MSG_NETCHANGE:
		core_netchange(e->core, now);
		break;
	case PRIV_MSG_PORTMAP:
		memcpy(&pm, msg, sizeof(pm));
		core_portmap(e->core, now, pm.method, pm.ext_ip,
		    (uint16_t)pm.ext_port, pm.lifetime);
		break;
	default:
		fatalx("%s: bad message from priv: %s", __func__, why);
	}
	return 1;
}

static void
engine_chan_input(struct engine *e, uint64_t now)
{
	int i;

	for (i = 0; i < 8 && engine_chan_msg(e, now); i++)
		continue;
}

static void
engine_gso_emit(void *arg, const unsigned char *pkt, size_t len)
{
	struct engine *e = arg;

	core_tun_input(e->core, e->now, pkt, len);
}

/* One packet behind its offload header: its segments, one by one. */
static void
engine_tun_gso(struct engine *e, const struct gso_hdr *h, size_t len)
{
	(void)gso_input(&e->ctlinfo.gso, h, e->buf, len,
	    e->up ? e->mtu : e->conf_mtu, engine_gso_emit, e);
}

static void
engine_tun_input(struct engine *e, uint64_t now)
{
	struct gso_hdr h;
	ssize_t n;
	int i;

	e->now = now;
	for (i = 0; i < ENGINE_BATCH; i++) {
		if (e->offload)
			n = os_tun_read_gso(e->tun, &h, e->buf, sizeof(e->buf));
		else
			n = os_tun_read(e->tun, e->buf, sizeof(e->buf));
		if (n > 0 && e->offload) {
			engine_tun_gso(e, &h, (size_t)n);
			continue;
		}
		if (n > 0) {
			core_tun_input(e->core, now, e->buf, (size_t)n);
			continue;
		}
		/* The backend dropped one non-IPv6 packet: go on. */
		if (n == -1 && errno == EAFNOSUPPORT) {
			e->ctlinfo.tun_non_ipv6++;
			continue;
		}
		/* A signal: the rest of the batch is still queued. */
		if (n == -1 && errno == EINTR)
			continue;
		/*
		 * EAGAIN: drained.  Anything else: poll() reports POLLERR
		 * next if the tunnel really failed.
		 */
		return;
	}
}

/* The wall clock time of a state change seen at now (monotonic ms). */
static void
engine_track_state(struct engine *e, uint64_t now)
{
	struct timespec ts;
	enum core_state s = core_state(e->core);

	(void)now;
	if (s == e->state && e->ctlinfo.state_since != 0)
		return;
	e->state = s;
	if (clock_gettime(CLOCK_REALTIME, &ts) == 0)
		e->ctlinfo.state_since = (int64_t)ts.tv_sec;
}

struct engine_page {
	char	*buf;
	size_t	 size, len;
	int	 full;
};

static void
engine_page_peer(void *arg, const struct core_peer *p)
{
	struct engine_page *pg = arg;
	size_t n;

	n = ctl_format_peer(pg->buf + pg->len, pg->size - pg->len, p);
	if (n == 0)
		pg->full = 1;
	pg->len += n;
}

/* Status clients (ctl.h): answered between two batches of packets. */
static size_t
engine_ctl_answer(void *arg, const struct ctl_request *rq, char *buf,
    size_t size)
{
	struct engine *e = arg;
	struct engine_page pg;
	struct core_status st;
	uint64_t next;
	char head[32];
	int n;

	if (rq->format == CTL_PEERS) {
		/* Room for the header line first. */
		if (size <= sizeof(head))
			return 0;
		pg.buf = buf + sizeof(head);
		pg.size = size - sizeof(head);
		pg.len = 0;
		pg.full = 0;
		next = core_peer_page(e->core, daemon_now_ms(), rq->cursor,
		    rq->count, engine_page_peer, &pg);
		if (pg.full)
			return 0;
		if (next == UINT64_MAX)
			n = snprintf(head, sizeof(head), "next end\n");
		else
			n = snprintf(head, sizeof(head), "next %llu\n",
			    (unsigned long long)next);
		memmove(buf + n, buf + sizeof(head), pg.len);
		memcpy(buf, head, (size_t)n);
		return (size_t)n + pg.len;
	}
	core_get_status(e->core, &st);
	batch_gso_stats(e->batch, &e->ctlinfo.udp_gso_runs,
	    &e->ctlinfo.udp_gso_dgrams);
	switch (rq->format) {
	case CTL_JSON:
		return ctl_json_core(buf, size, &st, &e->ctlinfo);
	case CTL_PROMETHEUS:
		return ctl_prom_core(buf, size, &st, &e->ctlinfo);
	default:
		return ctl_format_core(buf, size, &st, &e->ctlinfo);
	}
}

static void
engine_udp_input(struct engine *e, uint64_t now)
{
	const struct batch_dgram *d;
	int got, i, more, n;

	for (got = 0, more = 1; more && got < ENGINE_BATCH; got += BATCH_RX) {
		n = batch_recv(e->batch, &d, &more);
		for (i = 0; i < n; i++)
			core_udp_input(e->core, now, d[i].ip, d[i].port,
			    d[i].buf, d[i].len);
	}
}

/* What arrived on 224.0.0.253:3544 (RFC 4380 5.2.8). */
static void
engine_disc_input(struct engine *e, uint64_t now)
{
	struct sockaddr_in sin;
	socklen_t slen;
	ssize_t n;
	int i;

	for (i = 0; i < ENGINE_BATCH; i++) {
		slen = sizeof(sin);
		n = recvfrom(e->disc, e->buf, sizeof(e->buf), 0,
		    (struct sockaddr *)&sin, &slen);
		if (n == -1 && errno == EINTR)
			continue;
		if (n < 0)
			return;
		if (slen < sizeof(sin) || sin.sin_family != AF_INET)
			continue;
		core_discovery_input(e->core, now, sin.sin_addr.s_addr,
		    ntohs(sin.sin_port), e->buf, (size_t)n);
	}
}

static int
engine_timeout(struct engine *e, uint64_t now)
{
	uint64_t next;

	core_timer(e->core, now);
	next = core_next_timer(e->core);
	/* Never spin if the core has nothing due; never sleep too long. */
	if (next <= now)
		return 10;
	if (next - now > 60000)
		return 60000;
	return (int)(next - now);
}

static void __attribute__((noreturn))
engine_loop(struct engine *e)
{
	/* chan, tun, udp, discovery, the random-port sockets, ctl */
	struct pollfd pfd[4 + RSOCK_MAX + CTL_POLLFDS];
	struct pollfd *ctlfd = pfd + 4 + RSOCK_MAX;
	uint64_t now;
	int timeout;

	pfd[0].fd = e->chan;
	pfd[1].fd = e->tun;
	pfd[2].fd = e->udp;
	pfd[3].fd = e->disc;	/* -1: none, poll() skips it */
	pfd[0].events = pfd[1].events = pfd[2].events = POLLIN;
	pfd[3].events = POLLIN;
	pfd[3].revents = 0;
	rsock_pollfd(&e->rs, pfd + 4);
	ctl_server_init(&e->ctls, e->ctl);
	now = daemon_now_ms();
	for (;;) {
		/*
		 * One clock read per wake-up: the timers run with the time
		 * the batch started, at most a batch's work late.
		 */
		timeout = engine_timeout(e, now);
		engine_track_state(e, now);
		/* poll() skips a negative descriptor */
		ctl_server_pollfd(&e->ctls, ctlfd);
		timeout = ctl_server_timeout(&e->ctls, now, timeout);
		batch_flush(e->batch);
		if (poll(pfd, 4 + RSOCK_MAX + CTL_POLLFDS, timeout) == -1 &&
		    errno != EINTR)
			fatal("%s: poll", __func__);
		if (engine_status_wanted) {
			engine_status_wanted = 0;
			engine_log_status(e);
		}
		now = daemon_now_ms();
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))
			engine_chan_input(e, now);
		if (pfd[1].revents & (POLLERR | POLLHUP | POLLNVAL))
			fatalx("%s: the tunnel failed", __func__);
		if (pfd[1].revents & POLLIN)
			engine_tun_input(e, now);
		/* batch_recv() also clears a pending socket error */
		if (pfd[2].revents != 0)
			engine_udp_input(e, now);
		if (pfd[3].revents != 0)
			engine_disc_input(e, now);
		rsock_input(&e->rs, pfd + 4, e->core, now, e->buf,
		    sizeof(e->buf));
		engine_track_state(e, now);
		ctl_server_run(&e->ctls, ctlfd, now, engine_ctl_answer, e);
	}
}

static void
engine_signals(void)
{
	struct sigaction sa;
	sigset_t none;

	memset(&sa, 0, sizeof(sa));
	(void)sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_DFL;
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGHUP, &sa, NULL);
	(void)sigaction(SIGCHLD, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	(void)sigaction(SIGPIPE, &sa, NULL);
	(void)sigaction(SIGUSR2, &sa, NULL);
	sa.sa_handler = engine_sigusr1;
	(void)sigaction(SIGUSR1, &sa, NULL);
	(void)sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
}

/*
 * A client with SymmetricNATSupport: the random-port sockets of RFC 6081
 * 5.4 and 5.5, opened now, before the sandbox forbids it.
 */
static void
engine_rsock_open(struct engine *e, const struct conf *conf)
{
	unsigned int i;

	for (i = 0; i < RSOCK_MAX; i++)
		e->rs.fd[i] = -1;
	if (conf->relay_type != CONF_CLIENT || !conf->sns)
		return;
	if (rsock_open(&e->rs, conf->bind_addr) < RSOCK_MAX)
		log_warnx("only %u random-port sockets (RFC 6081) could be "
		    "opened", e->rs.n);
}

static int
engine_rsock_limit(struct engine *e)
{
	unsigned int i;

	for (i = 0; i < e->rs.n; i++)
		if (os_sandbox_fd(e->rs.fd[i], OS_FD_UDP) == -1)
			return -1;
	return 0;
}

/* Our own end of the mapping, to tell a NAT in the status report. */
static void
engine_local_addr(struct engine *e)
{
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);

	memset(&sin, 0, sizeof(sin));
	if (getsockname(e->udp, (struct sockaddr *)&sin, &slen) == -1 ||
	    sin.sin_family != AF_INET)
		return;
	e->ctlinfo.local_ip = sin.sin_addr.s_addr;
	e->ctlinfo.local_port = ntohs(sin.sin_port);
}

/*
 * A relay's own native IPv6 address, the source of its ICMPv6 errors
 * (RFC 4443 2.2): the one the kernel would use toward the IPv6 Internet
 * (a UDP connect() sends nothing).  Before the sandbox; :: if none.
 */
static void
engine_relay_src(struct in6_addr *src)
{
	struct sockaddr_in6 sin6;
	socklen_t slen = sizeof(sin6);
	int fd;

	memset(src, 0, sizeof(*src));
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(9);
	/* 2000::1: unallocated global unicast, reached by the default route. */
	sin6.sin6_addr.s6_addr[0] = 0x20;
	sin6.sin6_addr.s6_addr[15] = 1;
	if ((fd = socket(AF_INET6, SOCK_DGRAM, 0)) == -1)
		return;
	if (connect(fd, (struct sockaddr *)&sin6, sizeof(sin6)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sin6, &slen) == 0 &&
	    sin6.sin6_family == AF_INET6 &&
	    (sin6.sin6_addr.s6_addr[0] & 0xe0) == 0x20)
		*src = sin6.sin6_addr;
	(void)close(fd);
}

/*
 * Local discovery's sockets, before the sandbox (discsock.h).  Without
 * them the client works as before, and says why.
 */
static void
engine_disc_socket(struct engine *e, const struct conf *conf)
{
	if (discsock_sender(e->udp, conf->bind_addr) == -1) {
		log_warn("local discovery off: multicast options");
		return;
	}
	e->disc = discsock_open(conf->bind_addr, e->nets, &e->nnets);
	if (e->disc == -1)
		log_warn("local discovery off: cannot listen on "
		    "224.0.0.253:%u", TEREDO_PORT);
	else
		log_info("local discovery on %u link%s", e->nnets,
		    e->nnets == 1 ? "" : "s");
}

static void
engine_disc_open(struct engine *e, const struct conf *conf)
{
	e->disc = -1;
	if (conf->relay_type != CONF_CLIENT)
		return;
	if (conf->local_discovery)
		engine_disc_socket(e, conf);
	/* RFC 6081 hairpinning: our local addresses (hairpin.c), anyway. */
	if (e->disc == -1 && conf->hairpinning)
		discsock_links(conf->bind_addr, e->nets, &e->nnets);
}

static void
engine_nonblock(int fd)
{
	int fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
		fatal("%s: fcntl", __func__);
}

void
engine_main(const struct engine_args *a)
{
	static struct engine e;
	struct core_config cfg;
	struct core_io io;
	struct privmsg_ready ready;
	struct in6_addr relay_src;

	log_tofd(a->log_fd);
	log_procinit(conf_logname(a->conf));
	engine_signals();
	e.tun = a->tun_fd;
	e.offload = a->tun_offload;
	e.ctlinfo.offload = a->tun_offload;
	e.conf_mtu = a->conf->mtu;
	e.udp = a->udp_fd;
	e.chan = a->chan_fd;
	e.ifindex = a->ifindex;
	e.ctl = a->ctl_fd;
	chan_reader_init(&e.rd);
	engine_nonblock(e.chan);
	engine_nonblock(e.tun);
	engine_nonblock(e.udp);
	engine_local_addr(&e);
	engine_relay_src(&relay_src);
	engine_disc_open(&e, a->conf);
	engine_rsock_open(&e, a->conf);
	if ((e.batch = batch_new(e.udp)) == NULL)
		fatal("%s: batch_new", __func__);
	log_info("engine started");
	if (os_privdrop(a->pw, a->chrootdir) == -1)
		fatal("cannot drop privileges to %s", a->pw->pw_name);
	/* Each descriptor kept, with what it is still used for (os.h). */
	if (os_sandbox_fd(e.tun, OS_FD_TUN) == -1 ||
	    os_sandbox_fd(e.udp, OS_FD_UDP) == -1 ||
	    os_sandbox_fd(e.disc, OS_FD_UDP) == -1 ||
	    os_sandbox_fd(e.chan, OS_FD_CHAN) == -1 ||
	    os_sandbox_fd(e.ctl, OS_FD_CTL) == -1 ||
	    os_sandbox_fd(a->log_fd, OS_FD_CHAN) == -1 ||
	    engine_rsock_limit(&e) == -1)
		fatal("cannot limit the engine's descriptors");
	if (os_sandbox(OS_ROLE_ENGINE) == -1) {
		if (errno != ENOTSUP)
			fatal("cannot enter the sandbox");
		log_warnx("WARNING: no system-call filter: this build has "
		    "no sandbox (--without-seccomp)");
	}
	ready.type = PRIV_MSG_READY;
	engine_send(&e, &ready, sizeof(ready));
	engine_core_config(a->conf, &cfg);
	if (cfg.role == CORE_RELAY)
		cfg.relay_src = relay_src;
	if (e.disc == -1)
		cfg.local_discovery = 0;
	cfg.nlocal_nets = e.nnets;
	memcpy(cfg.local_nets, e.nets, sizeof(cfg.local_nets));
	cfg.local_port = e.ctlinfo.local_port;
	memset(&io, 0, sizeof(io));
	io.arg = &e;
	io.send_udp = engine_io_send_udp;
	io.send_tun = engine_io_send_tun;
	io.random = engine_io_random;
	io.up = engine_io_up;
	io.down = engine_io_down;
	if (e.rs.n > 0) {
		io.open_udp = engine_io_open_udp;
		io.send_udp_from = engine_io_send_udp_from;
		io.close_udp = engine_io_close_udp;
	}
	if ((e.core = core_new(&cfg, &io, daemon_now_ms())) == NULL)
		fatal("%s: core_new", __func__);
	engine_loop(&e);
}
