/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef CONF_H
#define CONF_H

#include <stdint.h>
#include <stdio.h>
#include <net/if.h>

/* Which file is being read. */
enum conf_kind {
	CONF_MIREDO,		/* miredo.conf(5) */
	CONF_SERVER		/* miredo-server.conf(5) */
};

enum conf_relay_type {
	CONF_CLIENT,		/* "client", "autoclient" */
	CONF_RELAY,		/* "relay", "cone" */
	CONF_RESTRICTED		/* "restricted": relay without the cone flag */
};

/* ServerNativeOutput: how miredo-server sends to native IPv6 (os.h). */
enum conf_native {
	CONF_NATIVE_AUTO,	/* "auto": the OS's way */
	CONF_NATIVE_RAW,	/* "raw": a raw socket (Linux only) */
	CONF_NATIVE_TUNNEL	/* "tunnel": through a tunnel interface */
};

#define CONF_NAME_MAX	256

/*
 * ServerRateLimit: packets a second per IPv4 address (server.h), chosen in
 * miredo-server.conf(5) for a few thousand clients behind one address.
 */
#define CONF_SRV_RATE_DEFAULT	1000
#define CONF_SRV_RATE_MAX	1000000

/*
 * PeerMax when not given: a public relay holds as many peers as miredo
 * (2^20, about 96 MB when full: miredo.conf(5)); a client talks to few.
 */
#define CONF_PEER_MAX_CLIENT	4096
#define CONF_PEER_MAX_RELAY	1048576

/*
 * The parsed configuration.  IPv4 addresses are in network byte order
 * (as struct in_addr.s_addr), ports and prefix in host order.  A have_*
 * flag says whether the directive was given.
 */
struct conf {
	enum conf_kind		kind;
	enum conf_relay_type	relay_type;
	char		server_name[CONF_NAME_MAX];	/* ServerAddress */
	char		server_name2[CONF_NAME_MAX];	/* ServerAddress2 */
	int		have_server_name, have_server_name2;
	uint32_t	prefix;		/* Prefix: top 32 bits, default 0x20010000 */
	unsigned int	mtu;		/* InterfaceMTU, default 1280 */
	char		ifname[IF_NAMESIZE];	/* InterfaceName, "" = kernel's */
	uint32_t	bind_addr;	/* BindAddress, 0 = any */
	uint16_t	bind_port;	/* BindPort, 0 = ephemeral */
	int		syslog_facility;	/* SyslogFacility, LOG_DAEMON */

	/* miredo-server.conf */
	uint32_t	server_bind;	/* ServerBindAddress */
	uint32_t	server_bind2;	/* ServerBindAddress2, default +1 */
	int		have_server_bind, have_server_bind2;

	/* Extensions beyond miredo 1.2.6; defaults keep miredo's behaviour. */
	unsigned int	refresh_interval;	/* RefreshInterval, s, 30 */
	unsigned int	qualify_timeout;	/* QualificationTimeout, s, 4 */
	unsigned int	qualify_retries;	/* QualificationRetries, 3 */
	unsigned int	peer_max;		/* PeerMax, CONF_PEER_MAX_* */
	unsigned int	queue_bytes;		/* PeerQueueBytes, 1048576 */
	unsigned int	icmp_max;	/* ServerICMPMax (server), 88 */
	unsigned int	srv_rate;	/* ServerRateLimit (server), pps, 0 = off */
	enum conf_native native;	/* ServerNativeOutput (server), auto */
	char		hook[CONF_NAME_MAX];	/* ClientHook, "" = none */
	int		local_discovery;	/* LocalDiscovery, yes */
	int		sns;	/* SymmetricNATSupport (RFC 6081), yes */
	int		hairpinning;	/* Hairpinning (RFC 6081 5.6), yes */
	int		port_mapping;	/* PortMapping (client), yes = 1 */
};

/* Fill c with the defaults for kind. */
void	conf_defaults(struct conf *c, enum conf_kind kind);
/*
 * Parse path into c (which conf_defaults() prepared).  Errors and
 * warnings go through the logger as "file:line: message".  With strict
 * (miredo-checkconf) unknown and repeated directives are errors.
 * Returns 0, or -1 if the file is invalid or unreadable.  Never resolves
 * host names.
 */
int	conf_parse(struct conf *c, const char *path, int strict);
/* Same, from an open stream (name is used in messages). */
int	conf_parse_stream(struct conf *c, FILE *fp, const char *name,
	    int strict);
/* Check cross-directive rules (e.g. ServerAddress required for a client). */
int	conf_check(const struct conf *c, const char *name);
/*
 * The secondary server address in effect: ServerBindAddress2, or the
 * primary + 1 when it was not given (call after the command line set
 * server_bind).
 */
uint32_t conf_server_bind2(const struct conf *c);
/* Print c in canonical form; the output re-parses to the same c. */
void	conf_print(const struct conf *c, FILE *fp);

/* What begins a message of miredo: "miredo[client]" or "miredo[relay]". */
const char *conf_logname(const struct conf *c);

#endif /* CONF_H */
