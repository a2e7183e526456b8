/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
/*
 * The privilege boundary as an attacker sees it (M1 of
 * ../shared/reviews/security-2026-12-02.md, issue 13): priv's real loop
 * (supervise.c, priv.c, hook.c) with the in-memory OS (tests/fake), and
 * in place of engine.c an engine_main() that plays a compromised engine.
 * It speaks the real channel protocol: a script of messages, usually a
 * legitimate start (READY, or a client's qualification) and then one
 * forbidden request.
 *
 * For each forbidden request, the same script ending in a malformed
 * message instead is the reference.  priv must kill the engine (SIGKILL,
 * with the expected reason in its log), and what root did (every OS call,
 * every hook run) must be exactly what it did for the reference: the
 * legitimate part and its undo, nothing of the forbidden request.  The
 * reference shows in turn that the legitimate part was accepted and that
 * a malformed message gets the engine killed (the README's claim).
 */
#include "chan.h"
#include "config.h"
#include "compat.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../fake/os_fake.h"
#include "daemon.h"
#include "engine.h"
#include "hook.h"
#include "log.h"
#include "miredo.h"
#include "privmsg.h"
#include "t.h"

#define TA	"2001:0:c000:201:8000:cfc6:3fff:fd74"	/* our address */
#define TB	"2001:0:c000:201:8000:cfc6:3fff:fd75"	/* another one */
#define LL	"fe80::ffff:ffff:ffff"

/* --- the fake engine ------------------------------------------------- */

struct step {
	union {
		union privmsg	m;
		unsigned char	b[PRIVMSG_BUFSZ];
	} u;
	size_t		len;
	unsigned int	delay_ms;	/* before this message */
};

static struct step script[80];
static size_t nscript;
static unsigned int ifx;	/* the tunnel's index */

/*
 * The only place that writes to the channel: one message as the engine
 * sends it (engine.c's engine_send()).  When the framing changes, change
 * this function only.
 */
static void
chan_write(int fd, const void *msg, size_t len)
{
	(void)chan_send(fd, msg, len);
}

/* Replaces engine.c: send the script, then wait to be killed. */
void
engine_main(const struct engine_args *a)
{
	size_t i;

	for (i = 0; i < nscript; i++) {
		if (script[i].delay_ms != 0)
			(void)usleep(script[i].delay_ms * 1000);
		chan_write(a->chan_fd, &script[i].u, script[i].len);
	}
	/* Not killed in 3 s: die of SIGALRM, which the test tells apart. */
	(void)alarm(3);
	for (;;)
		(void)pause();
}

/* supervise.c calls these (miredo.c); nothing here gets there. */
void
miredo_reload(struct miredo *m)
{
	(void)m;
	abort();
}

void
miredo_shutdown(struct miredo *m, int sig)
{
	(void)m;
	(void)sig;
	abort();
}

/* --- building the script --------------------------------------------- */

static struct in6_addr
a6(const char *s)
{
	struct in6_addr a;

	memset(&a, 0, sizeof(a));
	(void)inet_pton(AF_INET6, s, &a);
	return a;
}

static union privmsg *
add(uint32_t type, unsigned int delay_ms)
{
	struct step *s = &script[nscript++];

	memset(s, 0, sizeof(*s));
	s->u.m.type = type;
	s->u.m.addr.ifindex = ifx;	/* common initial members */
	s->len = privmsg_size(type);
	s->delay_ms = delay_ms;
	return &s->u.m;
}

static void
add_addr(uint32_t type, const char *addr, unsigned int plen)
{
	union privmsg *m = add(type, 0);

	m->addr.addr = a6(addr);
	m->addr.plen = plen;
}

static void
add_route(uint32_t type, const char *dst, unsigned int plen,
    unsigned int metric)
{
	union privmsg *m = add(type, 0);

	m->route.dst = a6(dst);
	m->route.plen = plen;
	m->route.metric = metric;
}

static void
add_u32(uint32_t type, uint32_t v, unsigned int delay_ms)
{
	union privmsg *m = add(type, delay_ms);

	if (type == PRIV_MSG_MTU)
		m->mtu.mtu = v;
	else
		m->link.up = v;
}

static void
add_state(int up, const char *addr, unsigned int mtu)
{
	union privmsg *m = add(PRIV_MSG_STATE, 0);

	m->state.up = (uint32_t)up;
	if (up) {
		m->state.addr = a6(addr);
		m->state.mtu = mtu;
	}
}

/* What engine_io_up() sends when a client qualifies. */
static void
add_qualify(const char *addr, unsigned int mtu)
{
	add_u32(PRIV_MSG_MTU, mtu, 0);
	add_u32(PRIV_MSG_LINK, 1, 0);
	add_addr(PRIV_MSG_ADDR_ADD, addr, 32);
	add_addr(PRIV_MSG_ADDR_ADD, LL, 64);
	add_route(PRIV_MSG_ROUTE_ADD, "::", 0, PRIVMSG_CLIENT_METRIC);
	add_state(1, addr, mtu);
}

enum prefix { P_READY, P_QUALIFIED };

static void
add_prefix(enum prefix p)
{
	nscript = 0;
	add(PRIV_MSG_READY, 0);
	if (p == P_QUALIFIED)
		add_qualify(TA, 1280);
}

/* A malformed message: an MTU request one byte too long. */
static void
add_malformed(void)
{
	union privmsg *m = add(PRIV_MSG_MTU, 0);

	m->mtu.mtu = 1280;
	script[nscript - 1].len++;
}

/* --- running priv ---------------------------------------------------- */

static char dir[] = "/tmp/test_supervise.XXXXXX";
static char hook_path[64], hook_out[64], log_path[64];

struct outcome {
	char	os[4096];	/* the fake OS's log of calls */
	char	hook[2048];	/* one line per hook run */
	char	log[4096];	/* priv's log */
	int	killed;		/* the engine died of SIGKILL */
	int	reaped;		/* and priv saw it */
};

static void
slurp(const char *path, char *buf, size_t len)
{
	ssize_t n = 0;
	int fd;

	if ((fd = open(path, O_RDONLY)) != -1) {
		n = read(fd, buf, len - 1);
		(void)close(fd);
	}
	buf[n > 0 ? n : 0] = '\0';
}

/*
 * Run priv with the current script for an engine of that role until the
 * engine is gone (or 6 s), then let the hook finish.
 */
static void
run(uint32_t role, struct outcome *o)
{
	static struct miredo m;
	char name[IF_NAMESIZE];
	uint64_t deadline;
	int err, save;

	memset(o, 0, sizeof(*o));
	(void)unlink(hook_out);
	os_fake_reset();
	memset(&m, 0, sizeof(m));
	m.tun = os_tun_open("teredo", name, sizeof(name));
	CHECK(m.tun != -1);
	(void)strlcpy(m.ifname, name, sizeof(m.ifname));
	m.ifindex = ifx = os_if_index(name);
	m.udp = m.mon = m.ctl = m.chan = -1;
	m.engine = -1;
	m.backoff = SUPERVISE_BACKOFF_MIN;
	m.cl.foreground = 1;
	m.conf.relay_type = role == PRIVMSG_ROLE_RELAY ? CONF_RELAY :
	    CONF_CLIENT;
	m.conf.syslog_facility = LOG_NOSYSLOG;
	(void)strlcpy(m.conf.hook, hook_path, sizeof(m.conf.hook));
	resolve_init(&m.rs, "", "");
	portmap_init(&m.pm);
	priv_init(&m.pv, m.ifname, m.ifindex, 0x20010000u, role);
	/* The script was built before the index was known. */
	for (size_t i = 0; i < nscript; i++)
		if (script[i].u.m.type != PRIV_MSG_READY &&
		    script[i].u.m.addr.ifindex == 0)
			script[i].u.m.addr.ifindex = ifx;
	if (role == PRIVMSG_ROLE_RELAY)
		CHECK(priv_relay_up(&m.pv, 1280) == 0);

	/* priv's log (stderr) into a file */
	save = dup(STDERR_FILENO);
	CHECK((err = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) !=
	    -1);
	(void)dup2(err, STDERR_FILENO);
	(void)close(err);

	supervise_engine_start(&m);
	deadline = daemon_now_ms() + 6000;
	while (m.engine != -1 && daemon_now_ms() < deadline)
		supervise_once(&m);
	o->reaped = m.engine == -1;
	if (!o->reaped) {
		(void)kill(m.engine, SIGKILL);
		supervise_engine_stop(&m);
	}
	hook_flush();

	(void)dup2(save, STDERR_FILENO);
	(void)close(save);
	slurp(log_path, o->log, sizeof(o->log));
	o->killed = strstr(o->log, ") killed by signal 9 (SIGKILL)") != NULL;
	(void)strlcpy(o->os, os_fake_log(), sizeof(o->os));
	slurp(hook_out, o->hook, sizeof(o->hook));
	if (role == PRIVMSG_ROLE_RELAY)
		priv_relay_down(&m.pv);
	(void)os_tun_close(m.tun, m.ifname);
}

static int
lines(const char *s, const char *word)
{
	int n = 0;

	for (; (s = strstr(s, word)) != NULL; s++)
		n++;
	return n;
}

static int ncases;

/*
 * Hook runs are at least HOOK_MIN_MS apart: before a run in which the
 * hook should run at once, let the last one's window pass.
 */
static void
run_hook_due(uint32_t role, struct outcome *o)
{
	(void)usleep((HOOK_MIN_MS + 100) * 1000);
	run(role, o);
}

/*
 * The current script (a prefix and one forbidden request) against its
 * reference (the same prefix and a malformed message), run once per role
 * and prefix.
 */
static void
forbidden(const char *what, uint32_t role, enum prefix p, const char *why)
{
	static struct outcome refs[2][2], got;
	static int have[2][2];
	struct outcome *ref = &refs[role][p];
	struct step save[80];
	size_t nsave = nscript;

	ncases++;
	if (!have[role][p]) {
		memcpy(save, script, sizeof(save));
		add_prefix(p);
		add_malformed();
		run_hook_due(role, ref);
		memcpy(script, save, sizeof(save));
		nscript = nsave;
		have[role][p] = 1;
		CHECK(ref->reaped && ref->killed);
		CHECK(strstr(ref->log, "wrong length") != NULL);
		/* the legitimate part was accepted: the reference did it */
		if (p == P_QUALIFIED) {
			CHECK(strstr(ref->os, "route_add teredo ::/0") != NULL);
			CHECK(lines(ref->hook, "up ") == 1);
			CHECK(lines(ref->hook, "down ") == 1);
		} else
			CHECK(ref->hook[0] == '\0');
	}
	if (p == P_QUALIFIED)
		run_hook_due(role, &got);
	else
		run(role, &got);
	if (!got.reaped || !got.killed || strstr(got.log, why) == NULL ||
	    strcmp(got.os, ref->os) != 0 || strcmp(got.hook, ref->hook) != 0)
		fprintf(stderr, "FAIL: %s (%s engine): reaped %d killed %d\n"
		    "--- log\n%s--- OS calls\n%s--- reference\n%s"
		    "--- hook\n%s--- reference\n%s", what,
		    role == PRIVMSG_ROLE_RELAY ? "relay" : "client",
		    got.reaped, got.killed, got.log, got.os, ref->os,
		    got.hook, ref->hook);
	CHECK(got.reaped && got.killed);
	CHECK(strstr(got.log, why) != NULL);
	CHECK(strcmp(got.os, ref->os) == 0);
	CHECK(strcmp(got.hook, ref->hook) == 0);
}

/* A relay engine may only say that it is ready, once. */
static void
test_relay(void)
{
	const uint32_t R = PRIVMSG_ROLE_RELAY;
	const char *no = "not allowed to a relay engine";

	add_prefix(P_READY);
	add_addr(PRIV_MSG_ADDR_ADD, TA, 32);
	forbidden("ADDR_ADD", R, P_READY, no);
	add_prefix(P_READY);
	add_addr(PRIV_MSG_ADDR_DEL, LL, 64);
	forbidden("ADDR_DEL of the link-local", R, P_READY, no);
	add_prefix(P_READY);
	add_route(PRIV_MSG_ROUTE_ADD, "::", 0, PRIVMSG_CLIENT_METRIC);
	forbidden("ROUTE_ADD ::/0", R, P_READY, no);
	add_prefix(P_READY);
	add_route(PRIV_MSG_ROUTE_DEL, "::", 0, PRIVMSG_CLIENT_METRIC);
	forbidden("ROUTE_DEL", R, P_READY, no);
	add_prefix(P_READY);
	add_u32(PRIV_MSG_MTU, 65535, 0);
	forbidden("MTU", R, P_READY, no);
	add_prefix(P_READY);
	add_u32(PRIV_MSG_LINK, 0, 0);
	forbidden("LINK down", R, P_READY, no);
	add_prefix(P_READY);
	add_u32(PRIV_MSG_LINK, 1, 0);
	forbidden("LINK up", R, P_READY, no);
	add_prefix(P_READY);
	add_state(1, "2001:0:dead:beef::1", 65535);
	forbidden("STATE up (the hook)", R, P_READY, no);
	add_prefix(P_READY);
	add_state(0, NULL, 0);
	forbidden("STATE down (the hook)", R, P_READY, no);
	add_prefix(P_READY);
	add(PRIV_MSG_READY, 0);
	forbidden("READY twice", R, P_READY, "ready twice");
	add_prefix(P_READY);
	add(PRIV_MSG_NETCHANGE, 0);
	forbidden("a message of priv's", R, P_READY, "not a request");
}

/* A client engine, before and after it qualified. */
static void
test_client(void)
{
	const uint32_t C = PRIVMSG_ROLE_CLIENT;

	/* before qualification */
	add_prefix(P_READY);
	add_route(PRIV_MSG_ROUTE_ADD, "::", 0, PRIVMSG_CLIENT_METRIC);
	forbidden("ROUTE_ADD before the link", C, P_READY,
	    "route before the link is up");
	add_prefix(P_READY);
	add_addr(PRIV_MSG_ADDR_ADD, TA, 32);
	forbidden("ADDR_ADD before the link", C, P_READY,
	    "address before the link is up");
	add_prefix(P_READY);
	add_addr(PRIV_MSG_ADDR_DEL, TA, 32);
	forbidden("ADDR_DEL of what it did not add", C, P_READY,
	    "deleting an address it did not add");
	add_prefix(P_READY);
	add_route(PRIV_MSG_ROUTE_DEL, "::", 0, PRIVMSG_CLIENT_METRIC);
	forbidden("ROUTE_DEL of what it did not add", C, P_READY,
	    "deleting a route it did not add");
	add_prefix(P_READY);
	add_u32(PRIV_MSG_LINK, 0, 0);
	forbidden("LINK down while down", C, P_READY,
	    "link down outside the end of qualification");
	add_prefix(P_READY);
	add_state(1, TA, 1280);
	forbidden("STATE up, nothing configured (the hook)", C, P_READY,
	    "up state with an address priv did not add");
	add_prefix(P_READY);
	add_u32(PRIV_MSG_MTU, 65536, 0);
	forbidden("MTU 65536", C, P_READY, "MTU out of range");
	add_prefix(P_READY);
	add_u32(PRIV_MSG_MTU, 1279, 0);
	forbidden("MTU 1279", C, P_READY, "MTU out of range");
	add_prefix(P_READY);
	add(PRIV_MSG_READY, 0);
	forbidden("READY twice", C, P_READY, "ready twice");
	add_prefix(P_READY);
	add(PRIV_MSG_RESOLVED, 0);
	forbidden("a message of priv's", C, P_READY, "not a request");
	add_prefix(P_READY);
	add(PRIV_MSG_MAX + 7, 0);
	script[nscript - 1].len = 12;
	forbidden("an unknown type", C, P_READY, "unknown type");
	add_prefix(P_READY);
	add(PRIV_MSG_ADDR_ADD, 0);
	script[nscript - 1].len = 3;
	forbidden("a short message", C, P_READY, "short message");

	/* qualified */
	add_prefix(P_QUALIFIED);
	add_u32(PRIV_MSG_LINK, 1, 0);
	forbidden("LINK up while qualified", C, P_QUALIFIED,
	    "link up outside qualification");
	add_prefix(P_QUALIFIED);
	add_u32(PRIV_MSG_LINK, 0, 0);
	forbidden("LINK down while configured", C, P_QUALIFIED,
	    "link down outside the end of qualification");
	add_prefix(P_QUALIFIED);
	add_addr(PRIV_MSG_ADDR_ADD, TB, 32);
	forbidden("a second Teredo address", C, P_QUALIFIED,
	    "a second Teredo address");
	add_prefix(P_QUALIFIED);
	add_addr(PRIV_MSG_ADDR_ADD, "2001:db8::1", 32);
	forbidden("an address outside the prefix", C, P_QUALIFIED,
	    "address outside the Teredo prefix");
	add_prefix(P_QUALIFIED);
	add_addr(PRIV_MSG_ADDR_ADD, "fe80::1", 64);
	forbidden("another link-local", C, P_QUALIFIED,
	    "address outside the Teredo prefix");
	add_prefix(P_QUALIFIED);
	add_route(PRIV_MSG_ROUTE_ADD, "2001::", 32, PRIVMSG_CLIENT_METRIC);
	forbidden("ROUTE_ADD of the prefix", C, P_QUALIFIED,
	    "route other than ::/0");
	add_prefix(P_QUALIFIED);
	add_route(PRIV_MSG_ROUTE_ADD, "::", 0, 1);
	forbidden("ROUTE_ADD ::/0 metric 1", C, P_QUALIFIED, "bad metric");
	add_prefix(P_QUALIFIED);
	add_u32(PRIV_MSG_MTU, 1400, 0);
	script[nscript - 1].u.m.mtu.ifindex = 1;
	forbidden("MTU of another interface", C, P_QUALIFIED,
	    "not our interface");
	add_prefix(P_QUALIFIED);
	add_state(1, TB, 1280);
	forbidden("STATE up, an address priv did not add (the hook)", C,
	    P_QUALIFIED, "up state with an address priv did not add");
	add_prefix(P_QUALIFIED);
	add_state(1, TA, 65535);
	forbidden("STATE up, an MTU priv did not set (the hook)", C,
	    P_QUALIFIED, "up state with an MTU priv did not set");
	add_prefix(P_QUALIFIED);
	add_state(0, NULL, 0);
	forbidden("STATE down while configured (the hook)", C, P_QUALIFIED,
	    "down state while configured");
}

/*
 * Accepted but limited: the same STATE again runs no hook, and hook runs
 * are at least HOOK_MIN_MS apart however fast the states change.
 */
static void
test_hook_limits(void)
{
	struct outcome o;
	unsigned int i;

	add_prefix(P_QUALIFIED);
	for (i = 0; i < 20; i++)
		add_state(1, TA, 1280);
	/* after the rate limit's window: only the suppression stops them */
	script[nscript - 20].delay_ms = HOOK_MIN_MS + 200;
	add_malformed();
	run_hook_due(PRIVMSG_ROLE_CLIENT, &o);
	CHECK(o.killed);
	CHECK(lines(o.hook, "up ") == 1 && lines(o.hook, "down ") == 1);

	/* 10 real changes, 60 ms apart: 600 ms, so at most 2 runs */
	add_prefix(P_QUALIFIED);
	for (i = 1; i <= 10; i++) {
		add_u32(PRIV_MSG_MTU, 1280 + i, 60);
		add_addr(PRIV_MSG_ADDR_ADD, TA, 32);
		add_state(1, TA, 1280 + i);
	}
	add_malformed();
	run_hook_due(PRIVMSG_ROLE_CLIENT, &o);
	CHECK(o.killed);
	if (lines(o.hook, "up ") > 2)
		fprintf(stderr, "hook runs:\n%s", o.hook);
	CHECK(lines(o.hook, "up ") <= 2);
	/* the last state is the one the hook got */
	CHECK(strstr(o.hook, "down  0 1290") != NULL);
}

int
main(void)
{
	FILE *f;

	log_init(1, 0, LOG_NOSYSLOG);
	log_procinit("priv");
	CHECK(mkdtemp(dir) != NULL);
	(void)snprintf(hook_path, sizeof(hook_path), "%s/hook", dir);
	(void)snprintf(hook_out, sizeof(hook_out), "%s/hook.out", dir);
	(void)snprintf(log_path, sizeof(log_path), "%s/log", dir);
	CHECK((f = fopen(hook_path, "w")) != NULL);
	fprintf(f, "#!/bin/sh\necho \"$STATE $ADDRESS $MTU $OLD_MTU\" >> %s\n",
	    hook_out);
	(void)fclose(f);
	CHECK(chmod(hook_path, 0700) == 0);
	supervise_signals();

	test_relay();
	test_client();
	test_hook_limits();
	fprintf(stderr, "%d forbidden requests\n", ncases);

	(void)unlink(hook_path);
	(void)unlink(hook_out);
	(void)unlink(log_path);
	(void)rmdir(dir);
	return T_DONE();
}
