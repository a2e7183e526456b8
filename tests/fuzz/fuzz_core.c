/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/mman.h>
#include <arpa/inet.h>

#include <sanitizer/common_interface_defs.h>
#include <sanitizer/lsan_interface.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core_impl.h"
#include "fuzz_core.h"

/*
 * The client and relay cores driven by events (see fuzz_core.h).  Every
 * callback checks what the core hands out; any violation aborts, which
 * libFuzzer reports as a crash.
 *
 * State carries across inputs, so the input libFuzzer saves on a crash
 * may not crash alone.  Hence every event since the core started is also
 * recorded, in the same encoding (lengths as actually used), and written
 * on a crash to $FUZZ_HISTORY_DIR/history-ROLE-PID (default: the
 * current directory): one input that replays it all.  With FUZZ_FRESH
 * set, each input starts from a newly qualified core (nothing recorded):
 *	FUZZ_FRESH=1 ./tests/fuzz/fuzz_client history-client-PID
 * The core starts afresh every FZ_RESET inputs, which bounds the record.
 */

#define FZ_RESET	2000
#define FZ_HIST_MAX	(64u << 20)

struct fz {
	enum core_role	 role;
	struct core	*c;
	uint64_t	 now;
	uint64_t	 rnd;
	uint32_t	 ip[FZ_NSRC];
	uint16_t	 port[FZ_NSRC];
	uint32_t	 server;		/* current server, nbo */
	int		 qualified;
	struct in6_addr	 addr;			/* from up() */
	uint8_t		 nonce[TEREDO_NONCE_LEN];	/* last RS */
	int		 have_rs;
	uint8_t		 ping[TEREDO_MTU];	/* last echo test */
	size_t		 ping_len;
	struct in6_addr	 bub_src, bub_dst;	/* last bubble */
	uint32_t	 bub_ip;
	uint16_t	 bub_port;
	int		 have_bub;
	int		 nsock;			/* open_udp() ids given */
	uint8_t		 buf[TEREDO_UDP_MAX + 64];
	unsigned int	 inputs;		/* since fz_init() */
	uint8_t		*hist;			/* events since fz_init() */
	size_t		 hist_len;
};

struct fz_rd {
	struct fz	*z;
	const uint8_t	*p;
	size_t		 n;
};

static struct fz	 fz_roles[2];
static struct fz	*fz_cur;	/* the core at work, for fz_dump() */
static int		 fz_fresh = -1;
static const struct in6_addr fz_ra_src = {{{
	0xfe, 0x80, 0, 0, 0, 0, 0, 0,
	0x80, 0, 0xf2, 0x27, 0xbe, 0xc4, 0x53, 0xed
}}};

/*
 * The record lives in its own mapping, not on the heap, where every
 * leak check would scan its megabytes for pointers.
 */
static void
fz_rec(struct fz *z, const void *b, size_t n)
{
	int	flags = MAP_PRIVATE | MAP_ANON;

	if (fz_fresh || n == 0)
		return;
	if (z->hist == NULL) {
#ifdef MAP_NORESERVE
		flags |= MAP_NORESERVE;
#endif
		z->hist = mmap(NULL, FZ_HIST_MAX, PROT_READ | PROT_WRITE,
		    flags, -1, 0);
		if (z->hist == MAP_FAILED) {
			z->hist = NULL;
			return;
		}
	}
	if (z->hist_len + n > FZ_HIST_MAX)
		return;		/* too long: the record stops */
	memcpy(z->hist + z->hist_len, b, n);
	z->hist_len += n;
}

static void
fz_rec8(struct fz *z, unsigned int v)
{
	uint8_t	b = v;

	fz_rec(z, &b, 1);
}

static void
fz_rec16(struct fz *z, unsigned int v)
{
	fz_rec8(z, v >> 8);
	fz_rec8(z, v & 0xff);
}

/* Write the record of the core at work (on a crash). */
static void
fz_dump(void)
{
	struct fz	*z = fz_cur;
	const char	*dir = getenv("FUZZ_HISTORY_DIR");
	char		 path[1024];
	FILE		*fp;

	if (z == NULL || fz_fresh || z->hist_len == 0)
		return;
	(void)snprintf(path, sizeof(path), "%s/history-%s-%ld",
	    dir != NULL ? dir : ".", z->role == CORE_CLIENT ? "client" :
	    "relay", (long)getpid());
	if ((fp = fopen(path, "wb")) == NULL)
		return;
	(void)fwrite(z->hist, 1, z->hist_len, fp);
	(void)fclose(fp);
	fprintf(stderr, "fuzz_core: the %u inputs since the core started "
	    "are in %s (%zu bytes); replay: FUZZ_FRESH=1 fuzz_%s %s\n",
	    z->inputs, path, z->hist_len, z->role == CORE_CLIENT ?
	    "client" : "relay", path);
}

/* Say which property broke (the stack says where), then crash. */
static void
fz_fail(const char *what, unsigned long v)
{
	fprintf(stderr, "fuzz_core: %s (%#lx)\n", what, v);
	fz_dump();
	abort();
}

static uint32_t
fz_ip(const char *s)
{
	struct in_addr	a;

	if (inet_pton(AF_INET, s, &a) != 1)
		abort();
	return a.s_addr;
}

/* Record what the client asks the server, so that events can answer. */
static void
fz_note_udp(struct fz *z, uint32_t ip, uint16_t port,
    const struct teredo_packet *tp)
{
	const uint8_t		*d;
	size_t			 dlen;
	uint16_t		 id, seq;
	int			 reply;
	struct teredo_addr	 ta;

	if (tp->has_auth && parse_rs(tp->ip6, tp->ip6_len)) {
		/* Only a client solicits, and only its server. */
		if (z->role != CORE_CLIENT || port != TEREDO_PORT)
			fz_fail("RS from a relay or not to port 3544", port);
		memcpy(z->nonce, tp->nonce, sizeof(z->nonce));
		z->have_rs = 1;
	} else if (ip6_is_bubble(tp->ip6, tp->ip6_len)) {
		memcpy(&z->bub_src, ip6_src(tp->ip6), sizeof(z->bub_src));
		memcpy(&z->bub_dst, ip6_dst(tp->ip6), sizeof(z->bub_dst));
		z->bub_ip = ip;
		z->bub_port = port;
		z->have_bub = 1;
		/* Indirect (to a server): the peer answers from its mapping. */
		teredo_addr_decode(&z->bub_dst, &ta);
		if (port == TEREDO_PORT &&
		    teredo_addr_in_prefix(&z->bub_dst, TEREDO_PREFIX)) {
			z->bub_ip = ta.client;
			z->bub_port = ta.port;
		}
	} else if (parse_echo(tp->ip6, tp->ip6_len, &reply, &id, &seq, &d,
	    &dlen) == 0 && !reply && port == TEREDO_PORT &&
	    tp->ip6_len <= sizeof(z->ping)) {
		memcpy(z->ping, tp->ip6, tp->ip6_len);
		z->ping_len = tp->ip6_len;
	}
}

static void
fz_send_udp(void *arg, uint32_t ip, uint16_t port, const void *buf,
    size_t len)
{
	struct fz		*z = arg;
	struct teredo_packet	 tp;

	/* A valid Teredo datagram to a global unicast ip:port. */
	if (len < IP6_HDR_LEN || len > TEREDO_UDP_MAX ||
	    teredo_parse(&tp, buf, len) == -1)
		fz_fail("send_udp: malformed datagram", len);
#ifndef FZ_ALLOW_NONGLOBAL	/* -D to look past this finding */
	if (port == 0 || !ipv4_is_global(ip))
		fz_fail("send_udp: to a non-global ip:port", ntohl(ip));
#endif
	fz_note_udp(z, ip, port, &tp);
}

/* RFC 6081 random-port sockets: ids only, checked like send_udp. */
static int
fz_open_udp(void *arg, uint16_t *port)
{
	struct fz	*z = arg;

	*port = (uint16_t)(50000 + ++z->nsock);
	return z->nsock;
}

static void
fz_send_udp_from(void *arg, int sock, uint32_t ip, uint16_t port,
    const void *buf, size_t len)
{
	struct fz	*z = arg;

	if (sock < 1 || sock > z->nsock)
		fz_fail("send_udp_from: no such socket", (unsigned long)sock);
	fz_send_udp(arg, ip, port, buf, len);
}

static void
fz_close_udp(void *arg, int sock)
{
	struct fz	*z = arg;

	if (sock < 1 || sock > z->nsock)
		fz_fail("close_udp: no such socket", (unsigned long)sock);
}

static void
fz_send_tun(void *arg, const void *pkt, size_t len)
{
	struct fz	*z = arg;
	const uint8_t	*b = pkt;
	size_t		 plen;

	if (len < IP6_HDR_LEN || len > IP6_HDR_LEN + 65535 || b[0] >> 4 != 6)
		fz_fail("send_tun: not an IPv6 packet", len);
	plen = (size_t)b[4] << 8 | b[5];
	if (plen + IP6_HDR_LEN != len)
		fz_fail("send_tun: payload length mismatch", len);
	/* Link-local sources never reach the kernel (RFC 4380 5.2.3). */
	if (core_is_ll(ip6_src(pkt)))
		fz_fail("send_tun: link-local source", 0);
	/* A client delivers only to its own address (but its errors). */
	if (z->role == CORE_CLIENT && !(b[6] == IP6_NXT_ICMP6 &&
	    len > IP6_HDR_LEN && b[IP6_HDR_LEN] < 128) &&
	    (!z->qualified || memcmp(ip6_dst(pkt), &z->addr, 16) != 0))
		fz_fail("send_tun: client delivers to another address", 0);
}

static void
fz_random(void *arg, void *buf, size_t len)
{
	struct fz	*z = arg;
	uint8_t		*b = buf;
	size_t		 i;

	/* xorshift64: the same sequence every run. */
	for (i = 0; i < len; i++) {
		z->rnd ^= z->rnd << 13;
		z->rnd ^= z->rnd >> 7;
		z->rnd ^= z->rnd << 17;
		b[i] = z->rnd & 0xff;
	}
}

static void
fz_up(void *arg, const struct in6_addr *addr, unsigned int mtu)
{
	struct fz		*z = arg;
	struct teredo_addr	 ta;

	teredo_addr_decode(addr, &ta);
	if (z->role != CORE_CLIENT || mtu < TEREDO_MTU ||
	    mtu > TEREDO_UDP_MAX || (ta.prefix >> 29) != 1 ||
	    ta.server != z->server || (ta.flags & 0x4300) != 0)
		fz_fail("up: bad address or MTU", mtu);
	z->addr = *addr;
	z->qualified = 1;
}

static void
fz_down(void *arg)
{
	struct fz	*z = arg;

	if (z->role != CORE_CLIENT || !z->qualified)
		fz_fail("down: not qualified", 0);
	memset(&z->addr, 0, sizeof(z->addr));
	z->qualified = 0;
}

/* The bounds that must hold after every event. */
static void
fz_check(struct fz *z)
{
	struct core_status	st;

	core_get_status(z->c, &st);
	if (st.peers > FZ_PEER_MAX ||
	    peer_queued_bytes(z->c->peers) > FZ_QUEUE_BYTES)
		fz_fail("peer table or queue over its cap", st.peers);
	if (z->role == CORE_RELAY && st.state != CORE_STATE_RELAY)
		fz_fail("relay left its state", st.state);
	if (z->role == CORE_CLIENT &&
	    (st.state == CORE_STATE_QUALIFIED) != z->qualified)
		fz_fail("state disagrees with up/down", st.state);
	if (z->qualified && memcmp(&st.addr, &z->addr, 16) != 0)
		fz_fail("status address disagrees with up()", 0);
}

static void
fz_advance_in(struct fz *z, uint64_t ms)
{
	uint64_t	until = z->now + ms, next;
	unsigned int	guard = 0;

	while ((next = core_next_timer(z->c)) <= until) {
		if (next > z->now)
			z->now = next;
		core_timer(z->c, z->now);
		/* A timer still due after it ran would spin the daemon. */
		if (core_next_timer(z->c) <= z->now || ++guard > 100000)
			fz_fail("timer due after core_timer()", guard);
	}
	z->now = until;
}

void
fz_advance(struct fz *z, uint64_t ms)
{
	uint64_t	step;

	/* Recorded as FZ_TIME events of at most 65535 ms. */
	for (; ms > 0; ms -= step) {
		step = ms > 0xffff ? 0xffff : ms;
		fz_rec8(z, FZ_TIME);
		fz_rec16(z, step);
		fz_advance_in(z, step);
	}
	fz_check(z);
}

/* The server answers the last RS with an RA for ip:port. */
static void
fz_answer_rs(struct fz *z, uint32_t ip, uint16_t port, unsigned int mtu)
{
	size_t	n, sz = sizeof(z->buf);

	if (!z->have_rs)
		return;
	n = build_auth(z->buf, sz, z->nonce, 0);
	n += build_origin(z->buf + n, sz - n, ip, port);
	n += build_ra(z->buf + n, sz - n, &fz_ra_src, &teredo_ll_client,
	    TEREDO_PREFIX, z->server, mtu);
	core_udp_input(z->c, z->now, z->server, TEREDO_PORT, z->buf, n);
}

void
fz_requalify(struct fz *z)
{
	if (z->role != CORE_CLIENT)
		return;
	/* Recorded as FZ_NET (if needed) and FZ_RA events. */
	if (!z->qualified) {
		fz_rec8(z, FZ_NET);
		core_netchange(z->c, z->now);
	}
	fz_rec8(z, FZ_RA);
	fz_rec(z, &z->ip[6], 4);
	fz_rec16(z, 40000);
	fz_rec16(z, TEREDO_MTU);
	fz_answer_rs(z, z->ip[6], 40000, TEREDO_MTU);
	fz_check(z);
}

static struct core *
fz_new_core(struct fz *z)
{
	struct core_config	cfg;
	struct core_io		io;

	memset(&cfg, 0, sizeof(cfg));
	cfg.role = z->role;
	cfg.cone = 1;
	cfg.prefix = TEREDO_PREFIX;
	cfg.mtu = TEREDO_MTU;
	cfg.peer_max = FZ_PEER_MAX;
	cfg.queue_bytes = FZ_QUEUE_BYTES;
	if (z->role == CORE_RELAY)
		cfg.local_ip = fz_ip(FZ_RELAY_IP);
	/* The client with RFC 6081's extensions (SymmetricNATSupport). */
	cfg.sns = 1;
	cfg.local_port = 40000;
	/* And hairpinning (RFC 6081 5.6): a private local address. */
	cfg.hairpinning = 1;
	cfg.nlocal_nets = 1;
	cfg.local_nets[0].net = htonl(0xc0a80100u);	/* 192.168.1.0/24 */
	cfg.local_nets[0].mask = htonl(0xffffff00u);
	cfg.local_nets[0].addr = htonl(0xc0a80102u);
	memset(&io, 0, sizeof(io));
	io.arg = z;
	io.send_udp = fz_send_udp;
	io.send_tun = fz_send_tun;
	io.random = fz_random;
	io.up = fz_up;
	io.down = fz_down;
	io.open_udp = fz_open_udp;
	io.send_udp_from = fz_send_udp_from;
	io.close_udp = fz_close_udp;
	return core_new(&cfg, &io, z->now);
}

static void
fz_init(struct fz *z, enum core_role role)
{
	static const char	*ips[FZ_NSRC - 1] = { FZ_SERVER, FZ_SERVER2,
	    FZ_PEER_A, FZ_PEER_B, FZ_RELAY, FZ_NONGLOBAL, FZ_MAPPED };
	static const uint16_t	ports[FZ_NSRC - 1] = { TEREDO_PORT,
	    TEREDO_PORT, 5555, 40000, TEREDO_PORT, 1234, 40000 };
	uint8_t			*hist = z->hist;
	unsigned int		 i;

	core_free(z->c);
	memset(z, 0, sizeof(*z));
	z->hist = hist;
	z->role = role;
	z->rnd = 0x9e3779b97f4a7c15ull;
	z->now = 1000000;
	for (i = 0; i < FZ_NSRC - 1; i++) {
		z->ip[i] = fz_ip(ips[i]);
		z->port[i] = ports[i];
	}
	if ((z->c = fz_new_core(z)) == NULL)
		abort();
	if (role == CORE_RELAY) {
		/* Source 6 is our own address for a relay (loops). */
		z->ip[6] = fz_ip(FZ_RELAY_IP);
		z->port[6] = TEREDO_PORT;
		return;
	}
	/* Qualify first (RFC 4380 5.2.1): the RA must echo the nonce. */
	z->server = z->ip[0];
	core_set_server(z->c, z->now, z->server, 0);
	fz_answer_rs(z, z->ip[6], 40000, TEREDO_MTU);
	if (!z->qualified)
		fz_fail("initial qualification failed", 0);
}

struct fz *
fz_get(enum core_role role)
{
	struct fz	*z = &fz_roles[role == CORE_RELAY];

	if (fz_fresh == -1) {
		fz_fresh = getenv("FUZZ_FRESH") != NULL;
		/* Sanitizer reports also leave the record behind. */
		__sanitizer_set_death_callback(fz_dump);
	}
	if (z->c != NULL && !fz_fresh && ++z->inputs >= FZ_RESET) {
		fz_init(z, role);
		/*
		 * The campaign runs these harnesses with -detect_leaks=0
		 * (their state grows by design, and a check after every such
		 * input costs most of the time): look for leaks here instead.
		 */
		if (__lsan_do_recoverable_leak_check() != 0)
			fz_fail("memory leaked", 0);
	} else if (z->c == NULL || fz_fresh)
		fz_init(z, role);
	fz_cur = z;
	return z;
}

static unsigned int
fz_take8(struct fz_rd *r)
{
	if (r->n == 0)
		return 0;
	r->n--;
	return *r->p++;
}

/* The readers record what they return (0 past the end of the input). */
static unsigned int
fz_get8(struct fz_rd *r)
{
	unsigned int	v = fz_take8(r);

	fz_rec8(r->z, v);
	return v;
}

static unsigned int
fz_get16(struct fz_rd *r)
{
	unsigned int	v = fz_take8(r) << 8;

	v |= fz_take8(r);
	fz_rec16(r->z, v);
	return v;
}

static uint32_t
fz_get32(struct fz_rd *r)
{
	uint32_t	v = 0;
	size_t		n = r->n < 4 ? r->n : 4;

	/* Raw bytes: already in network byte order. */
	memcpy(&v, r->p, n);
	r->p += n;
	r->n -= n;
	fz_rec(r->z, &v, sizeof(v));
	return v;
}

/* Copy a length-prefixed payload into z->buf; returns its length. */
static size_t
fz_payload(struct fz *z, struct fz_rd *r)
{
	size_t	len = fz_take8(r) << 8;

	len |= fz_take8(r);
	if (len > r->n)
		len = r->n;
	fz_rec16(z, len);
	fz_rec(z, r->p, len);
	memcpy(z->buf, r->p, len);
	r->p += len;
	r->n -= len;
	return len;
}

/* Give an ICMPv6 packet its right checksum. */
static void
fz_fix_cksum(uint8_t *ip6, size_t len)
{
	uint16_t	ck;

	if (len < IP6_HDR_LEN + 4 || ip6_nxt(ip6) != IP6_NXT_ICMP6)
		return;
	ip6[IP6_HDR_LEN + 2] = ip6[IP6_HDR_LEN + 3] = 0;
	ck = icmp6_cksum(ip6_src(ip6), ip6_dst(ip6), ip6 + IP6_HDR_LEN,
	    len - IP6_HDR_LEN);
	memcpy(ip6 + IP6_HDR_LEN + 2, &ck, sizeof(ck));
}

static void
fz_patch_udp(struct fz *z, unsigned int op, uint32_t ip, uint16_t port,
    size_t len)
{
	struct teredo_packet	tp;
	struct teredo_addr	ta;
	struct in6_addr		a;
	uint8_t			*ip6;

	if (teredo_parse(&tp, z->buf, len) == -1)
		return;
	ip6 = z->buf + (tp.ip6 - z->buf);
	if ((op & FZ_SELF) && z->role == CORE_CLIENT)
		memcpy(ip6 + 24, &z->addr, sizeof(z->addr));
	else if (op & FZ_SELF) {
		ta.prefix = TEREDO_PREFIX;
		ta.server = z->ip[0];
		ta.flags = 0;
		ta.port = port;
		ta.client = ip;
		teredo_addr_build(&a, &ta);
		memcpy(ip6 + 8, &a, sizeof(a));
	}
	if (op & FZ_FIX)
		fz_fix_cksum(ip6, tp.ip6_len);
}

static void
fz_udp(struct fz *z, unsigned int op, struct fz_rd *r)
{
	unsigned int	a = op >> 5;
	uint32_t	ip = z->ip[a];
	uint16_t	port = z->port[a];
	size_t		len;

	if (a == FZ_NSRC - 1) {
		ip = fz_get32(r);
		port = fz_get16(r);
	}
	len = fz_payload(z, r);
	if (op & (FZ_SELF | FZ_FIX))
		fz_patch_udp(z, op, ip, port, len);
	core_udp_input(z->c, z->now, ip, port, z->buf, len);
}

static void
fz_tun_in(struct fz *z, unsigned int flags, size_t len)
{
	if (len >= IP6_HDR_LEN && (flags & FZ_SELF) && z->qualified)
		memcpy(z->buf + 8, &z->addr, sizeof(z->addr));
	if (flags & FZ_FIX)
		fz_fix_cksum(z->buf, len);
	core_tun_input(z->c, z->now, z->buf, len);
}

void
fz_tun(struct fz *z, unsigned int flags, const uint8_t *pkt, size_t len)
{
	/* Recorded as an FZ_TUN event: the length has 16 bits. */
	if (len > 0xffff)
		len = 0xffff;
	fz_rec8(z, FZ_TUN | (flags & (FZ_FIX | FZ_SELF)));
	fz_rec16(z, len);
	fz_rec(z, pkt, len);
	memcpy(z->buf, pkt, len);
	fz_tun_in(z, flags, len);
	fz_check(z);
}

/* The native host answers the last connectivity test (5.2.9). */
static void
fz_pong(struct fz *z, unsigned int a)
{
	const uint8_t	*d;
	size_t		 dlen, n;
	uint16_t	 id, seq;
	int		 reply;

	if (z->ping_len == 0 || parse_echo(z->ping, z->ping_len, &reply, &id,
	    &seq, &d, &dlen) == -1)
		return;
	n = build_echo(z->buf, sizeof(z->buf), 1, ip6_dst(z->ping),
	    ip6_src(z->ping), id, seq, d, dlen);
	core_udp_input(z->c, z->now, z->ip[a], z->port[a], z->buf, n);
}

/* The peer answers the last bubble, source and destination swapped. */
static void
fz_bubble(struct fz *z, unsigned int a)
{
	size_t	n;

	if (!z->have_bub)
		return;
	n = build_bubble(z->buf, sizeof(z->buf), &z->bub_dst, &z->bub_src);
	if (a == 0)
		core_udp_input(z->c, z->now, z->bub_ip, z->bub_port, z->buf, n);
	else
		core_udp_input(z->c, z->now, z->ip[a], z->port[a], z->buf, n);
}

static void
fz_net(struct fz *z, unsigned int a)
{
	if (a == 0) {
		core_netchange(z->c, z->now);
		return;
	}
	/* Another server (odd) or back to the first one (even). */
	z->server = (a & 1) ? fz_ip("198.51.100.77") : z->ip[0];
	core_set_server(z->c, z->now, z->server, 0);
}

static void
fz_event(struct fz *z, unsigned int op, struct fz_rd *r)
{
	unsigned int	a = op >> 5;
	uint32_t	ip;
	uint16_t	port;
	size_t		len;

	switch (op & 7) {
	case FZ_TUN:
		len = fz_payload(z, r);
		fz_tun_in(z, op, len);
		break;
	case FZ_TIME:
		fz_advance_in(z, (uint64_t)fz_get16(r) << a);
		break;
	case FZ_RA:
		ip = fz_get32(r);
		port = fz_get16(r);
		fz_answer_rs(z, ip, port, fz_get16(r));
		break;
	case FZ_PONG:
		fz_pong(z, a);
		break;
	case FZ_NET:
		fz_net(z, a);
		break;
	case FZ_BUB:
		fz_bubble(z, a);
		break;
	default:
		fz_udp(z, op, r);
		break;
	}
	fz_check(z);
}

/* FUZZ_VERBOSE: what the input did, to check that seeds do their job. */
static void
fz_report(const struct fz *z)
{
	struct core_status	st;
	unsigned int		i;

	core_get_status(z->c, &st);
	fprintf(stderr, "state %d peers %u rx_udp %llu tx_udp %llu rx_tun %llu "
	    "tx_tun %llu bubbles %llu/%llu rs %llu ra %llu icmp %llu drops",
	    (int)st.state, st.peers, (unsigned long long)st.counters.rx_udp,
	    (unsigned long long)st.counters.tx_udp,
	    (unsigned long long)st.counters.rx_tun,
	    (unsigned long long)st.counters.tx_tun,
	    (unsigned long long)st.counters.bubbles_sent,
	    (unsigned long long)st.counters.bubbles_rcvd,
	    (unsigned long long)st.counters.rs_sent,
	    (unsigned long long)st.counters.ra_rcvd,
	    (unsigned long long)st.counters.icmp_sent);
	for (i = 0; i < DROP_MAX; i++)
		if (st.counters.drop[i] != 0)
			fprintf(stderr, " %s=%llu", core_drop_name(i),
			    (unsigned long long)st.counters.drop[i]);
	fprintf(stderr, "\n");
}

void
fz_run(struct fz *z, const uint8_t *data, size_t size)
{
	static int	verbose = -1;
	struct fz_rd	r = { z, data, size };

	if (verbose == -1)
		verbose = getenv("FUZZ_VERBOSE") != NULL;
	while (r.n > 0)
		fz_event(z, fz_get8(&r), &r);
	if (verbose)
		fz_report(z);
}
