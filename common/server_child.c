/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */

/*
 * The working process of miredo-server: keeps only the descriptors it
 * needs, binds the two UDP sockets (port 3544) while still root, drops
 * privileges for good, enters the sandbox, then feeds datagrams to the
 * sans-I/O server core (server.c) until SIGTERM or until its supervisor
 * goes away.  Its native IPv6 output (os.h) is the supervisor's: a
 * tunnel must outlive a child, and only root may destroy it.
 */

#include "config.h"
#include "compat.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"
#include "ctl.h"
#include "daemon.h"
#include "log.h"
#include "os.h"
#include "server.h"
#include "server_child.h"
#include "teredo.h"

#define SRV_BATCH		64	/* datagrams read per wake-up */

struct srv_child {
	struct server	*core;
	int		 udp[2];
	struct batch	*b[2];		/* their batched I/O (batch.h) */
	struct os_native nat;		/* the supervisor's, inherited */
	int		 sup;		/* socket to the supervisor */
	int		 ctl;		/* status listener, or -1 */
	struct ctl_server ctls;		/* its clients */
	int64_t		 since;		/* serving since (UNIX time) */
	const struct server_config *sc;
};

static volatile sig_atomic_t srv_term, srv_usr1;

static void
srv_child_signal(int sig)
{
	if (sig == SIGUSR1)
		srv_usr1 = 1;
	else
		srv_term = 1;
}

static int
srv_udp_open(uint32_t ip)
{
	struct sockaddr_in sin;
	char		 buf[16];
	int		 fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(TEREDO_PORT);
	sin.sin_addr.s_addr = ip;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd == -1 || fcntl(fd, F_SETFL, O_NONBLOCK) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		log_warn("cannot bind UDP %s:%d", ipv4_ntop(ip, buf),
		    TEREDO_PORT);
		if (fd != -1)
			(void)close(fd);
		return -1;
	}
	if (os_udp_nodf(fd) == -1)
		log_warn("cannot clear DF on UDP %s:%d", ipv4_ntop(ip, buf),
		    TEREDO_PORT);
	return fd;
}

static void
srv_send_udp(void *arg, int sock, uint32_t ip, uint16_t port,
    const void *buf, size_t len)
{
	struct srv_child *ch = arg;

	/* Queued; sent when the batch in hand is done (srv_read()). */
	batch_send(ch->b[sock], ip, port, buf, len);
}

/* A whole IPv6 packet; the kernel routes it on its destination. */
static void
srv_send_ipv6(void *arg, const void *pkt, size_t len)
{
	struct srv_child *ch = arg;

	/* Lost like a datagram: the client's echo test tries again. */
	(void)os_native_send(&ch->nat, pkt, len);
}

static void
srv_log_counters(const struct server *core)
{
	struct server_counters c;
	char		 buf[512];
	size_t		 n;
	int		 i;

	server_get_counters(core, &c);
	n = (size_t)snprintf(buf, sizeof(buf), "rx %llu (%llu bytes), rs "
	    "%llu, ra %llu, forwarded udp %llu ipv6 %llu, dropped:",
	    (unsigned long long)c.rx, (unsigned long long)c.rx_bytes,
	    (unsigned long long)c.rs, (unsigned long long)c.ra_sent,
	    (unsigned long long)c.fwd_udp, (unsigned long long)c.fwd_ipv6);
	for (i = 0; i < SDROP_MAX && n < sizeof(buf); i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, " %s %llu",
		    server_drop_name(i), (unsigned long long)c.drop[i]);
	log_info("%s", buf);
}

/* Status clients (ctl.h): answered between two batches of datagrams. */
static size_t
srv_ctl_answer(void *arg, const struct ctl_request *rq, char *buf,
    size_t size)
{
	struct srv_child *ch = arg;
	struct server_counters c;

	server_get_counters(ch->core, &c);
	switch (rq->format) {
	case CTL_TEXT:
		return ctl_format_server(buf, size, ch->sc, &c);
	case CTL_JSON:
		return ctl_json_server(buf, size, ch->since, ch->sc, &c);
	case CTL_PROMETHEUS:
		return ctl_prom_server(buf, size, ch->since, ch->sc, &c);
	default:
		/* A server keeps no peers. */
		return (size_t)snprintf(buf, size, "error: no peers here\n");
	}
}

/*
 * Read what one socket has, up to SRV_BATCH datagrams a batch at a time
 * (recvmmsg where the system has it, batch.h), and send the answers of
 * each batch in one call per socket (a cone RA leaves by the other one).
 */
static void
srv_read(struct srv_child *ch, int sock)
{
	const struct batch_dgram *d;
	uint64_t	 now;
	int		 i, n, more = 1, got;

	for (got = 0; more && got < SRV_BATCH; got += BATCH_RX) {
		n = batch_recv(ch->b[sock], &d, &more);
		now = daemon_now_ms();
		for (i = 0; i < n; i++)
			server_udp_input(ch->core, now, sock, d[i].ip,
			    d[i].port, d[i].buf, d[i].len);
		batch_flush(ch->b[0]);
		batch_flush(ch->b[1]);
	}
}

static void
srv_loop(struct srv_child *ch)
{
	struct pollfd	 pfd[3 + CTL_POLLFDS];
	struct timespec	 ts;
	uint64_t	 now;
	int		 i;

	pfd[0].fd = ch->udp[0];
	pfd[1].fd = ch->udp[1];
	pfd[2].fd = ch->sup;
	for (i = 0; i < 3; i++) {
		pfd[i].events = POLLIN;
		pfd[i].revents = 0;
	}
	ctl_server_init(&ch->ctls, ch->ctl);
	if (clock_gettime(CLOCK_REALTIME, &ts) == 0)
		ch->since = (int64_t)ts.tv_sec;
	while (!srv_term) {
		/* poll() skips a negative descriptor */
		ctl_server_pollfd(&ch->ctls, pfd + 3);
		if (srv_usr1) {
			srv_usr1 = 0;
			srv_log_counters(ch->core);
		}
		/* The time-out bounds the delay of a signal that raced. */
		now = daemon_now_ms();
		if (poll(pfd, 3 + CTL_POLLFDS,
		    ctl_server_timeout(&ch->ctls, now, 1000)) == -1)
			continue;
		/* The supervisor is gone: so are we. */
		if (pfd[2].revents != 0)
			break;
		for (i = 0; i < 2; i++)
			if (pfd[i].revents & POLLIN)
				srv_read(ch, i);
		ctl_server_run(&ch->ctls, pfd + 3, daemon_now_ms(),
		    srv_ctl_answer, ch);
	}
	srv_log_counters(ch->core);
}

/* Once started, a daemon's child has nothing to say on stderr. */
static void
srv_child_detach(int null)
{
	if (null == -1)
		return;
	(void)dup2(null, STDIN_FILENO);
	(void)dup2(null, STDOUT_FILENO);
	(void)dup2(null, STDERR_FILENO);
	if (null > STDERR_FILENO)
		(void)close(null);
}

/* Sockets as root, then privileges dropped for good. */
static int
srv_child_setup(struct srv_child *ch, const struct server_config *sc,
    const struct passwd *pw, const char *chrootdir, int null)
{
	struct server_io io;
	char		 buf[2][16];

	if ((ch->udp[0] = srv_udp_open(sc->addr[0])) == -1 ||
	    (ch->udp[1] = srv_udp_open(sc->addr[1])) == -1)
		return -1;
	if ((ch->b[0] = batch_new(ch->udp[0])) == NULL ||
	    (ch->b[1] = batch_new(ch->udp[1])) == NULL) {
		log_warn("batch_new");
		return -1;
	}
	if (os_privdrop(pw, chrootdir) == -1) {
		log_warn("cannot drop privileges to %s", pw->pw_name);
		return -1;
	}
	io.arg = ch;
	io.send_udp = srv_send_udp;
	io.send_ipv6 = srv_send_ipv6;
	if ((ch->core = server_new(sc, &io)) == NULL) {
		log_warn("server_new");
		return -1;
	}
	log_info("serving on %s and %s, port %d",
	    ipv4_ntop(sc->addr[0], buf[0]), ipv4_ntop(sc->addr[1], buf[1]),
	    TEREDO_PORT);
	/* Before the sandbox, which may not allow dup2(). */
	srv_child_detach(null);
	if (os_sandbox(OS_ROLE_SERVER) == -1) {
		if (errno != ENOTSUP) {
			log_warn("cannot enter the sandbox");
			return -1;
		}
		log_warnx("WARNING: no system-call filter: this build has "
		    "no sandbox (--without-seccomp)");
	}
	return 0;
}

/*
 * Keep stdio and the descriptors in keep (-1 entries skipped), renumbered
 * from 3 in their order, and close every other one: what the supervisor
 * holds (its self-pipe, the pid file, what its own launcher left open)
 * is none of the child's business.  syslog's socket is closed first, so
 * that it cannot later write to a number reused by one of ours.
 */
static int
srv_child_fds(int *keep[], int n)
{
	int	 tmp[4];
	int	 i, j;

	if (n > (int)(sizeof(tmp) / sizeof(tmp[0]))) {
		errno = EINVAL;
		return -1;
	}
	closelog();
	/* Above the target range first, so no dup2 closes one we keep. */
	for (i = j = 0; i < n; i++) {
		if (*keep[i] == -1)
			continue;
		if ((tmp[j++] = fcntl(*keep[i], F_DUPFD, 3 + n)) == -1)
			return -1;
	}
	for (i = j = 0; i < n; i++) {
		if (*keep[i] == -1)
			continue;
		if (dup2(tmp[j++], 3 + i) == -1)
			return -1;
		*keep[i] = 3 + i;
	}
	closefrom(3 + n);
	return 0;
}

void
server_child_main(int sup, int ctl, const struct os_native *nat,
    const struct server_config *sc, const struct passwd *pw,
    const char *chrootdir, int foreground)
{
	struct srv_child ch;
	uint8_t		 st;
	int		 null = -1;
	int		*keep[4];
	int		 lfd = log_getfd();

	memset(&ch, 0, sizeof(ch));
	ch.nat = *nat;
	keep[0] = &sup;
	keep[1] = &ctl;
	keep[2] = &ch.nat.fd;
	keep[3] = &lfd;		/* its log lines go to the supervisor */
	if (srv_child_fds(keep, 4) == -1) {
		log_tofd(-1);	/* the log descriptor may be gone */
		_exit(1);
	}
	if (lfd != -1)
		log_tofd(lfd);
	else
		log_reopen();
	log_procinit("miredo-server");
	daemon_signal(SIGTERM, srv_child_signal);
	daemon_signal(SIGUSR1, srv_child_signal);
	daemon_signal(SIGHUP, SIG_IGN);
	daemon_signal(SIGINT, SIG_IGN);
	daemon_signal(SIGUSR2, SIG_IGN);
	daemon_signal(SIGCHLD, SIG_DFL);
	/* A status client that hangs up early must not kill us. */
	daemon_signal(SIGPIPE, SIG_IGN);
	ch.sup = sup;
	ch.ctl = ctl;
	ch.sc = sc;
	if (!foreground)
		null = open("/dev/null", O_RDWR);
	st = srv_child_setup(&ch, sc, pw, chrootdir, null) == 0 ? 0 : 1;
	if (write(sup, &st, 1) != 1 || st != 0)
		_exit(1);
	srv_loop(&ch);
	server_free(ch.core);
	_exit(0);
}
