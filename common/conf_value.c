/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "conf_value.h"

static const struct {
	const char	*name;
	int		 value;
} conf_facilities[] = {
	{ "auth", LOG_AUTH }, { "authpriv", LOG_AUTHPRIV },
	{ "cron", LOG_CRON }, { "daemon", LOG_DAEMON }, { "ftp", LOG_FTP },
	{ "kern", LOG_KERN }, { "local0", LOG_LOCAL0 },
	{ "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
	{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 },
	{ "local5", LOG_LOCAL5 }, { "local6", LOG_LOCAL6 },
	{ "local7", LOG_LOCAL7 }, { "lpr", LOG_LPR }, { "mail", LOG_MAIL },
	{ "news", LOG_NEWS }, { "syslog", LOG_SYSLOG }, { "user", LOG_USER },
	{ "uucp", LOG_UUCP },
};
#define NFACILITIES	(sizeof(conf_facilities) / sizeof(conf_facilities[0]))

int
conf_value_number(const char *s, unsigned long long *v)
{
	char	*end;

	/* strtoull(3) would accept a sign and leading blanks: refuse them */
	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 0);
	if (*end != '\0')
		return -1;
	if (errno == ERANGE)
		*v = ~0ULL;
	return 0;
}

int
conf_value_ipv4(const char *s, uint32_t *ip)
{
	struct in_addr	 in;

	/* inet_pton(3), unlike inet_aton(3), takes no short or octal forms */
	if (inet_pton(AF_INET, s, &in) != 1)
		return -1;
	*ip = in.s_addr;
	return 0;
}

int
conf_value_is_numeric(const char *s)
{
	return strspn(s, "0123456789.") == strlen(s);
}

int
conf_value_hostname(const char *s)
{
	size_t	 len = strlen(s), label = 0, i;

	if (len > 0 && s[len - 1] == '.')
		len--;		/* a fully qualified name's root dot */
	if (len == 0 || len > 253)
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (label == 0 || s[i - 1] == '-')
				return 0;
			label = 0;
		} else if (isalnum((unsigned char)s[i]) || s[i] == '-') {
			if ((label == 0 && s[i] == '-') || ++label > 63)
				return 0;
		} else
			return 0;
	}
	return s[len - 1] != '-';
}

int
conf_value_ifname(const char *s)
{
	size_t	 len = strlen(s);

	if (len == 0 || len >= IF_NAMESIZE)
		return 0;
	if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") == len;
}

int
conf_value_path(const char *s, size_t max)
{
	size_t	 i;

	if (s[0] != '/' || strlen(s) >= max)
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (!isprint((unsigned char)s[i]))
			return 0;
	return 1;
}

int
conf_value_prefix(const char *s, uint32_t *prefix)
{
	struct in6_addr	 a;
	size_t		 i;
	int		 r = 0;

	if (inet_pton(AF_INET6, s, &a) != 1)
		return -1;
	/* a multicast prefix would make every Teredo address multicast */
	if (a.s6_addr[0] == 0xff)
		return CONF_PREFIX_MULTICAST;
	for (i = 4; i < sizeof(a.s6_addr); i++)
		if (a.s6_addr[i] != 0)
			r = CONF_PREFIX_LOWBITS;
	*prefix = (uint32_t)a.s6_addr[0] << 24 |
	    (uint32_t)a.s6_addr[1] << 16 | (uint32_t)a.s6_addr[2] << 8 |
	    a.s6_addr[3];
	return r;
}

void
conf_value_prefix_ntop(uint32_t prefix, char *buf, size_t len)
{
	uint8_t	 p[16];

	memset(p, 0, sizeof(p));
	p[0] = (uint8_t)(prefix >> 24);
	p[1] = (uint8_t)(prefix >> 16);
	p[2] = (uint8_t)(prefix >> 8);
	p[3] = (uint8_t)prefix;
	if (inet_ntop(AF_INET6, p, buf, (socklen_t)len) == NULL && len > 0)
		buf[0] = '\0';
}

int
conf_value_facility(const char *s, int *facility)
{
	size_t	 i;

	for (i = 0; i < NFACILITIES; i++)
		if (strcasecmp(s, conf_facilities[i].name) == 0) {
			*facility = conf_facilities[i].value;
			return 0;
		}
	return -1;
}

const char *
conf_value_facility_name(int facility)
{
	size_t	 i;

	for (i = 0; i < NFACILITIES; i++)
		if (conf_facilities[i].value == facility)
			return conf_facilities[i].name;
	return "daemon";
}
