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
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"
#include "ctl.h"
#include "server.h"
#include "teredo.h"
#include "t.h"

/* Whether the report has this exact line. */
static int
has_line(const char *report, const char *line)
{
	size_t n = strlen(line);
	const char *p;

	for (p = report; (p = strstr(p, line)) != NULL; p++)
		if ((p == report || p[-1] == '\n') && p[n] == '\n')
			return 1;
	return 0;
}

static const struct ctl_engine no_eng;

static void	test_nat(struct core_status *, struct ctl_engine *);
static void	test_nat_6081(struct core_status *, struct ctl_engine *);

static uint32_t
ip(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		abort();
	return a.s_addr;
}

static void
test_path(void)
{
	char p[64];

	CHECK(ctl_path("/run/miredo.pid", p, sizeof(p)) == 0);
	CHECK(strcmp(p, "/run/miredo.ctl") == 0);
	CHECK(ctl_path("/run/miredo-server.pid", p, sizeof(p)) == 0);
	CHECK(strcmp(p, "/run/miredo-server.ctl") == 0);
	CHECK(ctl_path("/tmp/x", p, sizeof(p)) == 0);
	CHECK(strcmp(p, "/tmp/x.ctl") == 0);
	CHECK(ctl_path("/run/miredo.pid", p, 15) == -1 &&
	    errno == ENAMETOOLONG);
	CHECK(ctl_path("/run/miredo.pid", p, 16) == 0);
}

/* A qualified client behind a cone NAT (RFC 4380 4 address layout). */
static void
test_client(void)
{
	struct core_status st;
	struct ctl_engine eng;
	struct teredo_addr t;
	char buf[CTL_REPORT_MAX];
	size_t len;

	memset(&eng, 0, sizeof(eng));
	memset(&st, 0, sizeof(st));
	st.state = CORE_STATE_QUALIFIED;
	st.server = ip("198.51.100.20");
	st.mapped_ip = ip("203.0.113.7");
	st.mapped_port = 40000;
	st.cone = 1;
	st.mtu = 1280;
	st.peers = 3;
	st.counters.rx_udp = 42;
	st.counters.tx_tun = 7;
	st.counters.disc_sent = 4;
	st.counters.disc_rcvd = 6;
	st.counters.disc_dropped = 8;
	st.counters.hairpin_sent = 9;
	st.counters.hairpin_rcvd = 10;
	st.counters.hairpin_dropped = 11;
	st.counters.drop[DROP_BAD_SOURCE] = 5;
	st.counters.drop[DROP_OTHER] = 1;
	memset(&t, 0, sizeof(t));
	t.prefix = TEREDO_PREFIX;
	t.server = st.server;
	t.flags = TEREDO_FLAG_CONE;
	t.client = st.mapped_ip;
	t.port = st.mapped_port;
	teredo_addr_build(&st.addr, &t);
	eng.tun_non_ipv6 = 2;
	eng.offload = 1;
	eng.gso.super = 11;
	eng.gso.segs = 530;
	eng.gso.csum = 4;
	eng.gso.drop = 3;
	eng.udp_gso_runs = 6;
	eng.udp_gso_dgrams = 300;
	len = ctl_format_core(buf, sizeof(buf), &st, &eng);
	CHECK(len == strlen(buf) && len > 0 && buf[len - 1] == '\n');
	CHECK(has_line(buf, "role: client"));
	CHECK(has_line(buf, "state: qualified"));
	CHECK(has_line(buf, "address: 2001:0:c633:6414:8000:63bf:34ff:8ef8"));
	CHECK(has_line(buf, "address-server: 198.51.100.20"));
	CHECK(has_line(buf, "address-mapped: 203.0.113.7:40000"));
	CHECK(has_line(buf, "address-flags: 0x8000 (cone)"));
	CHECK(has_line(buf, "server: 198.51.100.20"));
	CHECK(has_line(buf, "server2: 198.51.100.21 (primary + 1)"));
	CHECK(has_line(buf, "nat: cone"));
	CHECK(has_line(buf, "mapped: 203.0.113.7:40000"));
	CHECK(has_line(buf, "mtu: 1280"));
	CHECK(has_line(buf, "peers: 3"));
	CHECK(has_line(buf, "udp-rx-packets: 42"));
	CHECK(has_line(buf, "tun-tx-packets: 7"));
	CHECK(has_line(buf, "drop-bad-source: 5"));
	CHECK(has_line(buf, "drop-other: 1"));
	CHECK(has_line(buf, "drop-malformed: 0"));
	CHECK(has_line(buf, "drop-tun-non-ipv6: 2"));
	CHECK(has_line(buf, "discovery-sent: 4"));
	CHECK(has_line(buf, "discovery-received: 6"));
	CHECK(has_line(buf, "discovery-dropped: 8"));
	CHECK(has_line(buf, "tun-offload: tcp"));
	CHECK(has_line(buf, "tun-gso-super: 11"));
	CHECK(has_line(buf, "tun-gso-segments: 530"));
	CHECK(has_line(buf, "tun-gso-checksums: 4"));
	CHECK(has_line(buf, "drop-tun-gso-bad: 3"));
	CHECK(has_line(buf, "udp-gso-sends: 6"));
	CHECK(has_line(buf, "udp-gso-datagrams: 300"));
	CHECK(has_line(buf, "hairpin-sent: 9"));
	CHECK(has_line(buf, "hairpin-received: 10"));
	CHECK(has_line(buf, "hairpin-dropped: 11"));
	CHECK(has_line(buf, "rfc6081-hairpinning: off"));
	len = ctl_json_core(buf, sizeof(buf), &st, &eng);
	CHECK(len > 0 && strstr(buf, "\"discovery-sent\":4,"
	    "\"discovery-received\":6,\"discovery-dropped\":8,") != NULL);
	CHECK(strstr(buf, "\"udp-gso-sends\":6,\"udp-gso-datagrams\":300,")
	    != NULL);
	CHECK(strstr(buf, "\"hairpin-sent\":9,\"hairpin-received\":10,"
	    "\"hairpin-dropped\":11") != NULL);
	test_nat(&st, &eng);
}

/* No cone test (RFC 5991): what the mapping says of the NAT. */
static void
test_nat(struct core_status *st, struct ctl_engine *eng)
{
	char buf[CTL_REPORT_MAX];

	st->cone = 0;
	(void)ctl_format_core(buf, sizeof(buf), st, eng);
	CHECK(has_line(buf, "nat: unknown (treated as restricted)"));
	eng->local_ip = st->mapped_ip;
	eng->local_port = st->mapped_port;
	(void)ctl_format_core(buf, sizeof(buf), st, eng);
	CHECK(has_line(buf, "nat: none (the mapped address is our own)"));
	eng->local_ip = 0;
	eng->local_port = 3545;
	(void)ctl_format_core(buf, sizeof(buf), st, eng);
	CHECK(has_line(buf,
	    "nat: yes, port-translating (treated as restricted)"));
	CHECK(has_line(buf, "nat-symmetric: unknown (not tested: "
	    "SymmetricNATSupport no)"));
	CHECK(has_line(buf, "rfc6081-symmetric-nat-support: off"));
	test_nat_6081(st, eng);
}

/* What the NAT test through the secondary server found (RFC 6081). */
static void
test_nat_6081(struct core_status *st, struct ctl_engine *eng)
{
	char buf[CTL_REPORT_MAX];

	st->sns = 1;
	st->nat = CORE_NAT_SYMMETRIC;
	st->port_preserving = 1;
	st->mapped_ip2 = st->mapped_ip;
	st->mapped_port2 = 40001;
	(void)ctl_format_core(buf, sizeof(buf), st, eng);
	CHECK(has_line(buf, "nat: yes, symmetric"));
	CHECK(has_line(buf, "nat-symmetric: yes, port-preserving (the "
	    "secondary server saw 203.0.113.7:40001)"));
	CHECK(has_line(buf, "nat-port-preserving: yes"));
	CHECK(has_line(buf, "rfc6081-symmetric-nat-support: on"));
	CHECK(has_line(buf, "rfc6081-port-preserving: off"));
	st->pp = 1;
	st->rports = 2;
	st->hairpin = 1;
	(void)ctl_format_core(buf, sizeof(buf), st, eng);
	CHECK(has_line(buf, "rfc6081-hairpinning: on"));
	CHECK(has_line(buf, "rfc6081-port-preserving: on"));
	CHECK(has_line(buf, "rfc6081-sequential: off"));
	CHECK(has_line(buf, "rfc6081-random-ports: 2"));
	CHECK(has_line(buf, "rfc6081-server-load-reduction: on"));
	(void)ctl_json_core(buf, sizeof(buf), st, eng);
	CHECK(strstr(buf, "\"port-preserving-symmetric-nat\":true,"
	    "\"sequential-port-symmetric-nat\":false,\"random-ports\":2,"
	    "\"server-load-reduction\":true,\"hairpinning\":true}")
	    != NULL);
	st->pp = 0;
	st->hairpin = 0;
	st->rports = 0;
	CHECK(strstr(buf, "\"nat\":\"symmetric\",\"cone\":false,"
	    "\"nat_symmetric\":true,\"mapping2\":{\"ip\":\"203.0.113.7\","
	    "\"port\":40001},\"nat_port_preserving\":true,\"rfc6081\":"
	    "{\"symmetric-nat-support\":true,") != NULL);
	st->port_preserving = 0;
	(void)ctl_format_core(buf, sizeof(buf), st, eng);
	CHECK(has_line(buf, "nat-symmetric: yes, assumed sequential (the "
	    "secondary server saw 203.0.113.7:40001)"));
	CHECK(has_line(buf, "nat-port-preserving: no"));
	st->nat = CORE_NAT_NOT_SYMMETRIC;
	(void)ctl_format_core(buf, sizeof(buf), st, eng);
	CHECK(has_line(buf, "nat-symmetric: no (the secondary server saw "
	    "the same mapping)"));
	(void)ctl_json_core(buf, sizeof(buf), st, eng);
	CHECK(strstr(buf, "\"nat_symmetric\":false,") != NULL);
	st->sns = 0;
	st->nat = CORE_NAT_UNKNOWN;
}

/* Not qualified yet: nothing claimed about address or NAT. */
static void
test_qualifying(void)
{
	struct core_status st;
	char buf[CTL_REPORT_MAX];

	memset(&st, 0, sizeof(st));
	st.state = CORE_STATE_QUALIFYING;
	st.server = ip("198.51.100.20");
	st.server2 = ip("198.51.100.30");
	st.mtu = 1280;
	(void)ctl_format_core(buf, sizeof(buf), &st, &no_eng);
	CHECK(has_line(buf, "state: qualifying"));
	CHECK(has_line(buf, "address: none"));
	CHECK(has_line(buf, "server2: 198.51.100.30"));
	CHECK(has_line(buf, "nat: unknown"));
	CHECK(has_line(buf, "mapped: none"));
	st.state = CORE_STATE_OFF;
	st.server = st.server2 = 0;
	(void)ctl_format_core(buf, sizeof(buf), &st, &no_eng);
	CHECK(has_line(buf, "state: off"));
	CHECK(has_line(buf, "server: none"));
	CHECK(has_line(buf, "server2: none"));
}

static void
test_relay(void)
{
	struct core_status st;
	char buf[CTL_REPORT_MAX], small[20];
	size_t len;
	int i;

	memset(&st, 0, sizeof(st));
	st.state = CORE_STATE_RELAY;
	st.cone = 1;
	st.mtu = 1400;
	len = ctl_format_core(buf, sizeof(buf), &st, &no_eng);
	CHECK(has_line(buf, "role: relay"));
	CHECK(has_line(buf, "state: relay"));
	CHECK(has_line(buf, "nat: none (relay, cone)"));
	CHECK(has_line(buf, "mtu: 1400"));
	CHECK(strstr(buf, "server:") == NULL);
	/* Every drop reason has its line. */
	for (i = 0; i < DROP_MAX; i++) {
		char line[64];

		(void)snprintf(line, sizeof(line), "drop-%s: 0",
		    core_drop_name((enum core_drop)i));
		CHECK(has_line(buf, line));
	}
	CHECK(len < CTL_REPORT_MAX / 2);
	/* Truncated, never overrun. */
	CHECK(ctl_format_core(small, sizeof(small), &st, &no_eng) ==
	    sizeof(small) - 1);
	CHECK(small[sizeof(small) - 1] == '\0');
	CHECK(strncmp(small, "role: relay\nstate: ", 19) == 0);
	CHECK(ctl_format_core(small, 0, &st, &no_eng) == 0);
}

static void
test_server(void)
{
	struct server_config sc;
	struct server_counters c;
	char buf[CTL_REPORT_MAX], line[64];
	int i;

	memset(&sc, 0, sizeof(sc));
	memset(&c, 0, sizeof(c));
	sc.prefix = TEREDO_PREFIX;
	sc.addr[0] = ip("192.0.2.20");
	sc.addr[1] = ip("192.0.2.21");
	sc.mtu = 1280;
	c.rx = 10;
	c.rs = 4;
	c.ra_sent = 4;
	c.drop[SDROP_RATE_LIMIT] = 9;
	(void)ctl_format_server(buf, sizeof(buf), &sc, &c);
	CHECK(has_line(buf, "role: server"));
	CHECK(has_line(buf, "state: serving"));
	CHECK(has_line(buf, "server: 192.0.2.20"));
	CHECK(has_line(buf, "server2: 192.0.2.21"));
	CHECK(has_line(buf, "prefix: 2001::/32"));
	CHECK(has_line(buf, "mtu: 1280"));
	CHECK(has_line(buf, "rx-packets: 10"));
	CHECK(has_line(buf, "rs-received: 4"));
	CHECK(has_line(buf, "ra-sent: 4"));
	CHECK(has_line(buf, "drop-rate-limit: 9"));
	for (i = 0; i < SDROP_MAX; i++) {
		(void)snprintf(line, sizeof(line), "drop-%s: ",
		    server_drop_name((enum server_drop)i));
		CHECK(strstr(buf, line) != NULL);
	}
}

static int
connect_to(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	(void)strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		(void)close(fd);
		return -1;
	}
	return fd;
}

/* The socket's life: stale one replaced, mode 0660, reply, removal. */
static void
test_socket(void)
{
	char dir[] = "/tmp/test_ctl.XXXXXX", path[64], got[64];
	struct stat sb;
	ssize_t n;
	int lfd, c, s;

	if (mkdtemp(dir) == NULL)
		abort();
	(void)snprintf(path, sizeof(path), "%s/x.ctl", dir);
	/* A regular file is never removed. */
	CHECK((c = open(path, O_CREAT | O_WRONLY, 0600)) != -1);
	(void)close(c);
	CHECK(ctl_listen(path) == -1 && errno == EEXIST);
	(void)unlink(path);
	/* A stale socket is. */
	CHECK((lfd = ctl_listen(path)) != -1);
	(void)close(lfd);
	CHECK((lfd = ctl_listen(path)) != -1);
	CHECK(stat(path, &sb) == 0 && S_ISSOCK(sb.st_mode) &&
	    (sb.st_mode & 0777) == 0660);
	CHECK((fcntl(lfd, F_GETFL) & O_NONBLOCK) != 0);
	CHECK(ctl_accept(lfd) == -1 && errno == EAGAIN);
	CHECK((c = connect_to(path)) != -1);
	CHECK((s = ctl_accept(lfd)) != -1);
	ctl_reply(s, "state: relay\n", 13);
	n = read(c, got, sizeof(got));
	CHECK(n == 13 && memcmp(got, "state: relay\n", 13) == 0);
	CHECK(read(c, got, sizeof(got)) == 0);
	(void)close(c);
	/* A client gone before the reply costs nothing. */
	CHECK((c = connect_to(path)) != -1);
	(void)close(c);
	CHECK((s = ctl_accept(lfd)) != -1);
	ctl_reply(s, "x\n", 2);
	ctl_cleanup();
	CHECK(stat(path, &sb) == -1 && errno == ENOENT);
	(void)close(lfd);
	(void)rmdir(dir);
}

int
main(void)
{
	(void)signal(SIGPIPE, SIG_IGN);
	test_path();
	test_client();
	test_qualifying();
	test_relay();
	test_server();
	test_socket();
	return T_DONE();
}
