/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/types.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "conf.h"
#include "log.h"
#include "t.h"
#include "tcapture.h"

/* Parser tests: every directive, the defaults, each error class. */

static struct conf	 g;
static const char	*msg;
static char		 textbuf[4096];

static int
parse_len(enum conf_kind kind, int strict, const char *text, size_t len)
{
	FILE	*fp;
	int	 r;

	if (len > sizeof(textbuf))
		abort();
	memcpy(textbuf, text, len);
	conf_defaults(&g, kind);
	if ((fp = fmemopen(textbuf, len, "r")) == NULL)
		abort();
	tcap_begin();
	r = conf_parse_stream(&g, fp, "t.conf", strict);
	msg = tcap_end();
	(void)fclose(fp);
	return r;
}

static int
parse_kind(enum conf_kind kind, int strict, const char *text)
{
	return parse_len(kind, strict, text, strlen(text));
}

/* Strict miredo.conf, as miredo-checkconf reads it. */
static int
parse(const char *text)
{
	return parse_kind(CONF_MIREDO, 1, text);
}

/* text is rejected and the first message is exactly want. */
static int
rejects(enum conf_kind kind, const char *text, const char *want)
{
	size_t	 n = strlen(want);

	if (parse_kind(kind, 1, text) != -1)
		return 0;
	if (strncmp(msg, want, n) != 0 || msg[n] != '\n') {
		fprintf(stderr, "want \"%s\", got \"%s\"\n", want, msg);
		return 0;
	}
	return 1;
}

#define REJ(text, want)		CHECK(rejects(CONF_MIREDO, (text), (want)))
#define REJ_S(text, want)	CHECK(rejects(CONF_SERVER, (text), (want)))

static void
test_defaults(void)
{
	CHECK(parse("") == 0 && msg[0] == '\0');
	CHECK(g.kind == CONF_MIREDO && g.relay_type == CONF_CLIENT);
	CHECK(!g.have_server_name && !g.have_server_name2);
	CHECK(g.prefix == 0x20010000 && g.mtu == 1280 && g.ifname[0] == 0);
	CHECK(g.bind_addr == 0 && g.bind_port == 0);
	CHECK(g.syslog_facility == LOG_DAEMON);
	CHECK(g.refresh_interval == 30 && g.qualify_timeout == 4);
	CHECK(g.qualify_retries == 3 && g.peer_max == 4096);
	/* A relay's default table is a public relay's. */
	CHECK(parse("RelayType relay\n") == 0 && g.peer_max == 1048576);
	CHECK(parse("RelayType restricted\n") == 0 && g.peer_max == 1048576);
	CHECK(parse("PeerMax 300\nRelayType relay\n") == 0 &&
	    g.peer_max == 300);
	CHECK(parse("RelayType client\nServerAddress 192.0.2.1\n") == 0 &&
	    g.peer_max == 4096);
	CHECK(g.queue_bytes == 1048576 && g.hook[0] == '\0');
	CHECK(parse_kind(CONF_SERVER, 1, "# nothing\n\n") == 0);
	CHECK(g.kind == CONF_SERVER && !g.have_server_bind);
	CHECK(!g.have_server_bind2 && g.icmp_max == 88);
	CHECK(g.srv_rate == 1000 && CONF_SRV_RATE_DEFAULT == 1000);
}

static void
test_directives(void)
{
	CHECK(parse("relaytype Cone\nSERVERADDRESS teredo.example.net\n"
	    "ServerAddress2 198.51.100.11\nPrefix 3ffe:831f::\n"
	    "InterfaceMTU 0x5dc\nInterfaceName teredo0\n"
	    "BindAddress 192.0.2.5\nBindPort 0100\n"
	    "SyslogFacility LOCAL7\nRefreshInterval 60\n"
	    "QualificationTimeout 5\nQualificationRetries 020\n"
	    "PeerMax 16\nPeerQueueBytes 67108864\n"
	    "ClientHook /etc/miredo/client-hook\n") == 0);
	CHECK(msg[0] == '\0');
	CHECK(g.relay_type == CONF_RELAY);
	CHECK(strcmp(g.server_name, "teredo.example.net") == 0);
	CHECK(g.have_server_name && g.have_server_name2);
	CHECK(strcmp(g.server_name2, "198.51.100.11") == 0);
	CHECK(g.prefix == 0x3ffe831f && g.mtu == 1500);
	CHECK(strcmp(g.ifname, "teredo0") == 0);
	CHECK(g.bind_addr == htonl(0xc0000205) && g.bind_port == 64);
	CHECK(g.syslog_facility == LOG_LOCAL7 && g.refresh_interval == 60);
	CHECK(g.qualify_timeout == 5 && g.qualify_retries == 16);
	CHECK(g.peer_max == 16 && g.queue_bytes == 67108864);
	CHECK(strcmp(g.hook, "/etc/miredo/client-hook") == 0);
	CHECK(parse("RelayType autoclient\n") == 0 &&
	    g.relay_type == CONF_CLIENT);
	CHECK(parse("RelayType relay\n") == 0 && g.relay_type == CONF_RELAY);
	CHECK(parse("RelayType CLIENT\n") == 0 && g.relay_type == CONF_CLIENT);
	CHECK(parse("RelayType restricted\n") == 0);
	CHECK(g.relay_type == CONF_RESTRICTED);
	CHECK(strcmp(msg, "t.conf:1: warning: RelayType: \"restricted\" is "
	    "deprecated, use \"relay\"\n") == 0);
	CHECK(parse("ServerAddress 198.51.100.10\n") == 0);
	CHECK(parse("ServerAddress teredo.example.net.\n") == 0);
	CHECK(parse("ServerAddress x\n") == 0);
	CHECK(parse("Prefix 2001:0::\n") == 0 && g.prefix == 0x20010000);
	CHECK(parse("BindPort 65535\n") == 0 && g.bind_port == 65535);
	CHECK(parse("BindAddress 0.0.0.0\n") == 0 && g.bind_addr == 0);
	CHECK(parse("InterfaceMTU 65507\n") == 0 && g.mtu == 65507);
	CHECK(parse("InterfaceName abcdefghijklmno\n") == 0);
}

static void
test_facilities(void)
{
	static const char *const names[] = { "auth", "authpriv", "cron",
	    "daemon", "ftp", "kern", "local0", "local1", "local2", "local3",
	    "local4", "local5", "local6", "local7", "lpr", "mail", "news",
	    "syslog", "user", "uucp" };
	char	 line[64];
	size_t	 i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		(void)snprintf(line, sizeof(line), "SyslogFacility %s\n",
		    names[i]);
		CHECK(parse(line) == 0);
	}
	CHECK(parse("SyslogFacility mail\n") == 0 &&
	    g.syslog_facility == LOG_MAIL);
	REJ("SyslogFacility local8\n",
	    "t.conf:1: SyslogFacility: unknown facility \"local8\"");
}

static void
test_syntax(void)
{
	CHECK(parse("  BindPort\t7   # comment\r\n#x\n") == 0);
	CHECK(g.bind_port == 7);
	CHECK(parse("BindPort 8") == 0 && g.bind_port == 8);
	CHECK(parse("BindPort 9#x\n") == 0 && g.bind_port == 9);
	REJ("\n\nBindPort\n", "t.conf:3: BindPort: missing value");
	REJ("BindPort # 4\n", "t.conf:1: BindPort: missing value");
	REJ("BindPort 4 5\n", "t.conf:1: BindPort: trailing garbage \"5\"");
	REJ("ServerAddress a b\n",
	    "t.conf:1: ServerAddress: trailing garbage \"b\"");
	CHECK(parse_len(CONF_MIREDO, 1, "BindPort 1\nBind\0Port 2\n", 22)
	    == -1);
	CHECK(strcmp(msg, "t.conf:2: NUL byte in line\n") == 0);
}

static void
test_long_lines(void)
{
	char	 buf[1100];

	memset(buf, 'x', sizeof(buf));
	buf[0] = '#';
	buf[1023] = '\n';
	buf[1024] = '\0';
	CHECK(parse(buf) == 0);		/* exactly 1023 characters */
	buf[1023] = 'x';
	buf[1024] = '\n';
	memcpy(buf + 1025, "BindPort 3\n", 12);
	CHECK(parse(buf) == -1);
	CHECK(strcmp(msg, "t.conf:1: line too long (more than 1023 "
	    "characters)\n") == 0);
	CHECK(g.bind_port == 3);	/* parsing goes on after the error */
}

static void
test_integers(void)
{
	REJ("InterfaceMTU 12x\n",
	    "t.conf:1: InterfaceMTU: invalid integer \"12x\"");
	REJ("InterfaceMTU -1280\n",
	    "t.conf:1: InterfaceMTU: invalid integer \"-1280\"");
	REJ("InterfaceMTU +1280\n",
	    "t.conf:1: InterfaceMTU: invalid integer \"+1280\"");
	REJ("BindPort 0x\n", "t.conf:1: BindPort: invalid integer \"0x\"");
	REJ("BindPort 08\n", "t.conf:1: BindPort: invalid integer \"08\"");
	REJ("InterfaceMTU 1279\n",
	    "t.conf:1: InterfaceMTU: 1279 out of range (1280..65507)");
	/* An IPv6 packet above 65507 bytes fits in no UDP datagram. */
	REJ("InterfaceMTU 65508\n",
	    "t.conf:1: InterfaceMTU: 65508 out of range (1280..65507)");
	REJ("InterfaceMTU 65536\n",
	    "t.conf:1: InterfaceMTU: 65536 out of range (1280..65507)");
	REJ("BindPort 99999999999999999999999\n", "t.conf:1: BindPort: "
	    "99999999999999999999999 out of range (0..65535)");
	REJ("RefreshInterval 9\n",
	    "t.conf:1: RefreshInterval: 9 out of range (10..3600)");
	REJ("RefreshInterval 3601\n",
	    "t.conf:1: RefreshInterval: 3601 out of range (10..3600)");
	REJ("QualificationTimeout 0\n",
	    "t.conf:1: QualificationTimeout: 0 out of range (1..60)");
	REJ("QualificationTimeout 61\n",
	    "t.conf:1: QualificationTimeout: 61 out of range (1..60)");
	REJ("QualificationRetries 21\n",
	    "t.conf:1: QualificationRetries: 21 out of range (1..20)");
	REJ("PeerMax 15\n", "t.conf:1: PeerMax: 15 out of range (16..1048576)");
	REJ("PeerMax 1048577\n",
	    "t.conf:1: PeerMax: 1048577 out of range (16..1048576)");
	REJ("PeerQueueBytes 4095\n",
	    "t.conf:1: PeerQueueBytes: 4095 out of range (4096..67108864)");
	REJ_S("ServerICMPMax 1233\n",
	    "t.conf:1: ServerICMPMax: 1233 out of range (0..1232)");
	CHECK(parse_kind(CONF_SERVER, 1, "ServerICMPMax 0\n") == 0);
	CHECK(g.icmp_max == 0);
}

/* ServerRateLimit: 0 (off) to 10^6 packets a second, server only. */
static void
test_srv_rate(void)
{
	CHECK(parse_kind(CONF_SERVER, 1, "ServerRateLimit 0\n") == 0);
	CHECK(g.srv_rate == 0 && msg[0] == '\0');
	CHECK(parse_kind(CONF_SERVER, 1, "serverratelimit 0x7d0\n") == 0);
	CHECK(g.srv_rate == 2000);
	CHECK(parse_kind(CONF_SERVER, 1, "ServerRateLimit 1000000\n") == 0);
	CHECK(g.srv_rate == 1000000);
	REJ_S("ServerRateLimit 1000001\n", "t.conf:1: ServerRateLimit: "
	    "1000001 out of range (0..1000000)");
	REJ_S("ServerRateLimit 4294967296\n", "t.conf:1: ServerRateLimit: "
	    "4294967296 out of range (0..1000000)");
	REJ_S("ServerRateLimit -1\n",
	    "t.conf:1: ServerRateLimit: invalid integer \"-1\"");
	REJ_S("ServerRateLimit off\n",
	    "t.conf:1: ServerRateLimit: invalid integer \"off\"");
	REJ_S("ServerRateLimit 100pps\n",
	    "t.conf:1: ServerRateLimit: invalid integer \"100pps\"");
	REJ_S("ServerRateLimit\n", "t.conf:1: ServerRateLimit: missing value");
	REJ("ServerRateLimit 100\n", "t.conf:1: unknown directive "
	    "\"ServerRateLimit\" (it belongs in miredo-server.conf)");
	/* Repeated: an error for miredo-checkconf, the first one kept. */
	REJ_S("ServerRateLimit 5\nServerRateLimit 6\n",
	    "t.conf:2: ServerRateLimit repeated (first on line 1)");
}

static void
test_values(void)
{
	REJ("RelayType server\n", "t.conf:1: RelayType: unknown value "
	    "\"server\" (client, autoclient, relay, cone or restricted)");
	REJ("ServerAddress 1.2.3\n",
	    "t.conf:1: ServerAddress: invalid IPv4 address \"1.2.3\"");
	REJ("ServerAddress 10.1.2.3\n",
	    "t.conf:1: ServerAddress: 10.1.2.3 is not a global unicast "
	    "address");
	REJ("ServerAddress2 -a.example\n",
	    "t.conf:1: ServerAddress2: invalid host name \"-a.example\"");
	REJ("ServerAddress a_b.example\n",
	    "t.conf:1: ServerAddress: invalid host name \"a_b.example\"");
	REJ("ServerAddress a..b\n",
	    "t.conf:1: ServerAddress: invalid host name \"a..b\"");
	REJ("Prefix 2001::/32\n",
	    "t.conf:1: Prefix: invalid IPv6 prefix \"2001::/32\"");
	REJ("Prefix ff0e::\n", "t.conf:1: Prefix: multicast prefix ff0e:: "
	    "refused");
	CHECK(parse("Prefix 2001:db8:1::\n") == 0 && g.prefix == 0x20010db8);
	CHECK(strcmp(msg, "t.conf:1: warning: Prefix: bits of 2001:db8:1:: "
	    "beyond /32 ignored\n") == 0);
	REJ("InterfaceName abcdefghijklmnop\n", "t.conf:1: InterfaceName: "
	    "\"abcdefghijklmnop\" is too long (at most 15 characters)");
	REJ("InterfaceName te/redo\n",
	    "t.conf:1: InterfaceName: invalid interface name \"te/redo\"");
	REJ("BindAddress 192.0.2\n",
	    "t.conf:1: BindAddress: invalid IPv4 address \"192.0.2\"");
	REJ("BindAddress host.example\n",
	    "t.conf:1: BindAddress: invalid IPv4 address \"host.example\"");
	REJ("ClientHook hook.sh\n", "t.conf:1: ClientHook: \"hook.sh\" is "
	    "not an absolute path of printable characters");
}

static void
test_unknown_repeated(void)
{
	CHECK(parse_kind(CONF_MIREDO, 0, "Foo bar\n") == 0);
	CHECK(strcmp(msg, "t.conf:1: warning: unknown directive \"Foo\"\n")
	    == 0);
	REJ("Foo bar\n", "t.conf:1: unknown directive \"Foo\"");
	CHECK(parse_kind(CONF_MIREDO, 0, "BindPort 1\nbindport 2\n") == 0);
	CHECK(g.bind_port == 1);	/* the first one wins, as in sshd */
	CHECK(strcmp(msg, "t.conf:2: warning: BindPort repeated (first on "
	    "line 1), ignored\n") == 0);
	REJ("BindPort 1\n\nBindPort 2\n",
	    "t.conf:3: BindPort repeated (first on line 1)");
	/* each file has its own directives */
	REJ("ServerBindAddress 198.51.100.10\n",
	    "t.conf:1: unknown directive \"ServerBindAddress\" (it belongs "
	    "in miredo-server.conf)");
	REJ_S("RelayType relay\n", "t.conf:1: unknown directive "
	    "\"RelayType\" (it belongs in miredo.conf)");
	REJ_S("ServerAddress x.example\n", "t.conf:1: unknown directive "
	    "\"ServerAddress\" (it belongs in miredo.conf)");
}

static void
test_server(void)
{
	CHECK(parse_kind(CONF_SERVER, 1, "ServerBindAddress 198.51.100.10\n"
	    "ServerBindAddress2 198.51.100.20\nPrefix 2001::\n"
	    "InterfaceMTU 1400\nSyslogFacility user\nServerICMPMax 100\n")
	    == 0 && msg[0] == '\0');
	CHECK(g.have_server_bind && g.server_bind == htonl(0xc633640a));
	CHECK(g.have_server_bind2 && g.server_bind2 == htonl(0xc6336414));
	CHECK(g.mtu == 1400 && g.icmp_max == 100);
	CHECK(conf_server_bind2(&g) == htonl(0xc6336414));
	REJ_S("ServerBindAddress 192.168.1.1\n", "t.conf:1: ServerBindAddress: "
	    "192.168.1.1 is not a global unicast address");
	REJ_S("ServerBindAddress2 server.example\n", "t.conf:1: "
	    "ServerBindAddress2: invalid IPv4 address \"server.example\"");
}

static void
test_check(void)
{
	CHECK(parse("") == 0);
	tcap_begin();
	CHECK(conf_check(&g, "m.conf") == -1);
	CHECK(strcmp(tcap_end(),
	    "m.conf: ServerAddress is required in client mode\n") == 0);
	CHECK(parse("ServerAddress teredo.example\n") == 0);
	CHECK(conf_check(&g, "m.conf") == 0);
	CHECK(parse("RelayType relay\n") == 0 && conf_check(&g, "m") == 0);
	CHECK(parse_kind(CONF_SERVER, 1, "") == 0);
	tcap_begin();
	CHECK(conf_check(&g, "s.conf") == -1);
	CHECK(strcmp(tcap_end(), "s.conf: ServerBindAddress is required (in "
	    "the file or on the command line)\n") == 0);
	/* the daemon fills it from its command line, then checks */
	g.server_bind = htonl(0xc633640a);
	g.have_server_bind = 1;
	CHECK(conf_check(&g, "s.conf") == 0);
	CHECK(conf_server_bind2(&g) == htonl(0xc633640b));
	g.server_bind = htonl(0xc63364ff);	/* .255 + 1 leaves the /24 */
	CHECK(conf_check(&g, "s.conf") == 0);
	g.server_bind = htonl(0x0affffff);	/* 10.255.255.255 */
	tcap_begin();
	CHECK(conf_check(&g, "s.conf") == -1);
	(void)tcap_end();
}

/* conf_print() output parses back to the same structure. */
static void
roundtrip(enum conf_kind kind, const char *text)
{
	struct conf	 a;
	char		 out[4096];
	FILE		*fp;
	size_t		 n;

	CHECK(parse_kind(kind, 0, text) == 0);
	a = g;
	if ((fp = tmpfile()) == NULL)
		abort();
	conf_print(&a, fp);
	rewind(fp);
	n = fread(out, 1, sizeof(out) - 1, fp);
	out[n] = '\0';
	(void)fclose(fp);
	CHECK(parse_kind(kind, 1, out) == 0);
	CHECK(memcmp(&a, &g, sizeof(a)) == 0);
}

static void
test_print(void)
{
	roundtrip(CONF_MIREDO, "");
	roundtrip(CONF_MIREDO, "RelayType cone\nServerAddress a.example\n"
	    "ServerAddress2 198.51.100.11\nPrefix 3ffe:831f::\n"
	    "InterfaceMTU 1500\nInterfaceName teredo\nBindAddress 192.0.2.1\n"
	    "BindPort 3545\nSyslogFacility local0\nRefreshInterval 11\n"
	    "QualificationTimeout 9\nQualificationRetries 2\nPeerMax 99\n"
	    "PeerQueueBytes 5000\nClientHook /usr/lib/miredo/hook\n");
	roundtrip(CONF_MIREDO, "RelayType restricted\nPrefix 2001:db8:1::\n");
	roundtrip(CONF_SERVER, "");
	roundtrip(CONF_SERVER, "ServerBindAddress 198.51.100.10\n"
	    "ServerBindAddress2 203.0.113.7\nSyslogFacility authpriv\n"
	    "ServerICMPMax 1232\nInterfaceMTU 1280\n");
	roundtrip(CONF_SERVER, "ServerBindAddress 198.51.100.10\n"
	    "ServerRateLimit 0\n");
	roundtrip(CONF_SERVER, "ServerRateLimit 123456\n");
}

static void
test_files(void)
{
	struct conf	 c;

	conf_defaults(&c, CONF_MIREDO);
	tcap_begin();
	CHECK(conf_parse(&c, "/nonexistent/miredo.conf", 1) == -1);
	CHECK(strcmp(tcap_end(), "/nonexistent/miredo.conf: No such file "
	    "or directory\n") == 0);
	tcap_begin();
	CHECK(conf_parse(&c, "/", 1) == -1);
	CHECK(strncmp(tcap_end(), "/: ", 3) == 0);
}

static void
test_limits(void)
{
	struct conf	 c;
	FILE		*fp;
	const char	*m;
	int		 i;

	if ((fp = tmpfile()) == NULL)
		abort();
	for (i = 0; i < 20000; i++)	/* 1.2 MB of comments */
		fprintf(fp, "# %060d\n", i);
	rewind(fp);
	conf_defaults(&c, CONF_MIREDO);
	tcap_begin();
	CHECK(conf_parse_stream(&c, fp, "big", 1) == -1);
	CHECK(strcmp(tcap_end(), "big:16645: file too large (more than "
	    "1048576 bytes)\n") == 0);
	(void)fclose(fp);
	if ((fp = tmpfile()) == NULL)
		abort();
	for (i = 0; i < 100; i++)
		fprintf(fp, "junk\n");
	rewind(fp);
	tcap_begin();
	CHECK(conf_parse_stream(&c, fp, "junk", 1) == -1);
	m = tcap_end();
	CHECK(strstr(m, "junk:50: unknown directive") != NULL);
	CHECK(strstr(m, "junk:51:") == NULL);
	CHECK(strstr(m, "\njunk: too many errors, giving up\n") != NULL);
	(void)fclose(fp);
}

int
main(void)
{
	log_init(1, 0, LOG_NOSYSLOG);
	test_defaults();
	test_directives();
	test_srv_rate();
	test_facilities();
	test_syntax();
	test_long_lines();
	test_integers();
	test_values();
	test_unknown_repeated();
	test_server();
	test_check();
	test_print();
	test_files();
	test_limits();
	return T_DONE();
}
