/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/types.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>

#include "conf.h"
#include "conf_value.h"
#include "log.h"
#include "teredo.h"

/*
 * What is done with a parsed configuration: the rules between directives
 * (after the command line had its say) and the canonical form that
 * miredo-checkconf -v prints and conf_parse() reads back.
 */

static const char *const conf_relay_names[] = {
	"client", "relay", "restricted"
};

static const char *const conf_native_names[] = {
	"auto", "raw", "tunnel"
};

uint32_t
conf_server_bind2(const struct conf *c)
{
	if (c->have_server_bind2)
		return c->server_bind2;
	return htonl(ntohl(c->server_bind) + 1);
}

static int
conf_check_server(const struct conf *c, const char *name)
{
	char		 buf[16];
	uint32_t	 ip2 = conf_server_bind2(c);

	if (!c->have_server_bind) {
		log_warnx("%s: ServerBindAddress is required (in the file "
		    "or on the command line)", name);
		return -1;
	}
	if (!ipv4_is_global(c->server_bind)) {
		log_warnx("%s: ServerBindAddress %s is not a global unicast "
		    "address", name, ipv4_ntop(c->server_bind, buf));
		return -1;
	}
	if (!ipv4_is_global(ip2) || ip2 == c->server_bind) {
		log_warnx("%s: secondary server address %s is not a global "
		    "unicast address distinct from the primary", name,
		    ipv4_ntop(ip2, buf));
		return -1;
	}
	return 0;
}

int
conf_check(const struct conf *c, const char *name)
{
	if (c->kind == CONF_SERVER)
		return conf_check_server(c, name);
	if (c->relay_type == CONF_CLIENT && !c->have_server_name) {
		log_warnx("%s: ServerAddress is required in client mode",
		    name);
		return -1;
	}
	if (c->have_server_name2 && !c->have_server_name) {
		log_warnx("%s: ServerAddress2 given without ServerAddress",
		    name);
		return -1;
	}
	return 0;
}

static void
conf_print_common(const struct conf *c, FILE *fp)
{
	char	 buf[INET6_ADDRSTRLEN];

	conf_value_prefix_ntop(c->prefix, buf, sizeof(buf));
	(void)fprintf(fp, "Prefix %s\n", buf);
	(void)fprintf(fp, "InterfaceMTU %u\n", c->mtu);
}

static void
conf_print_server(const struct conf *c, FILE *fp)
{
	char	 buf[16];

	if (c->have_server_bind)
		(void)fprintf(fp, "ServerBindAddress %s\n",
		    ipv4_ntop(c->server_bind, buf));
	if (c->have_server_bind2)
		(void)fprintf(fp, "ServerBindAddress2 %s\n",
		    ipv4_ntop(c->server_bind2, buf));
	conf_print_common(c, fp);
	(void)fprintf(fp, "SyslogFacility %s\n",
	    conf_value_facility_name(c->syslog_facility));
	(void)fprintf(fp, "ServerICMPMax %u\n", c->icmp_max);
	(void)fprintf(fp, "ServerRateLimit %u\n", c->srv_rate);
	if (c->native != CONF_NATIVE_AUTO)
		(void)fprintf(fp, "ServerNativeOutput %s\n",
		    conf_native_names[c->native]);
}

void
conf_print(const struct conf *c, FILE *fp)
{
	char	 buf[16];

	if (c->kind == CONF_SERVER) {
		conf_print_server(c, fp);
		return;
	}
	(void)fprintf(fp, "RelayType %s\n", conf_relay_names[c->relay_type]);
	if (c->have_server_name)
		(void)fprintf(fp, "ServerAddress %s\n", c->server_name);
	if (c->have_server_name2)
		(void)fprintf(fp, "ServerAddress2 %s\n", c->server_name2);
	conf_print_common(c, fp);
	if (c->ifname[0] != '\0')
		(void)fprintf(fp, "InterfaceName %s\n", c->ifname);
	(void)fprintf(fp, "BindAddress %s\n", ipv4_ntop(c->bind_addr, buf));
	(void)fprintf(fp, "BindPort %u\n", (unsigned int)c->bind_port);
	(void)fprintf(fp, "SyslogFacility %s\n",
	    conf_value_facility_name(c->syslog_facility));
	(void)fprintf(fp, "RefreshInterval %u\n", c->refresh_interval);
	(void)fprintf(fp, "QualificationTimeout %u\n", c->qualify_timeout);
	(void)fprintf(fp, "QualificationRetries %u\n", c->qualify_retries);
	(void)fprintf(fp, "PeerMax %u\n", c->peer_max);
	(void)fprintf(fp, "PeerQueueBytes %u\n", c->queue_bytes);
	if (c->hook[0] != '\0')
		(void)fprintf(fp, "ClientHook %s\n", c->hook);
	(void)fprintf(fp, "LocalDiscovery %s\n",
	    c->local_discovery ? "yes" : "no");
	(void)fprintf(fp, "SymmetricNATSupport %s\n", c->sns ? "yes" : "no");
	(void)fprintf(fp, "Hairpinning %s\n", c->hairpinning ? "yes" : "no");
	if (!c->port_mapping)
		(void)fprintf(fp, "PortMapping no\n");
}
