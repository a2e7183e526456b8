/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef CONF_VALUE_H
#define CONF_VALUE_H

#include <stddef.h>
#include <stdint.h>

/*
 * The value syntaxes of the configuration files, as pure functions (no
 * logging, no name resolution): conf.c reports with file and line.
 */

/* Unsigned decimal, 0x hex or 0 octal; overflow gives ~0ULL.  0 or -1. */
int	conf_value_number(const char *s, unsigned long long *v);
/* Strict dotted quad into *ip (network order).  0 or -1. */
int	conf_value_ipv4(const char *s, uint32_t *ip);
/* Whether s only has digits and dots (so must be an IPv4 literal). */
int	conf_value_is_numeric(const char *s);
/* Whether s is a syntactically valid host name (RFC 1123 2.1). */
int	conf_value_hostname(const char *s);
/* Whether s is an acceptable interface name (also < IF_NAMESIZE). */
int	conf_value_ifname(const char *s);
/* Whether s is an absolute path of printable characters shorter than max. */
int	conf_value_path(const char *s, size_t max);

#define CONF_PREFIX_LOWBITS	1	/* bits below /32 were set: warn */
#define CONF_PREFIX_MULTICAST	(-2)	/* ff00::/8 */
/* IPv6 literal into its top 32 bits (host order): 0, 1 or -1, -2 above. */
int	conf_value_prefix(const char *s, uint32_t *prefix);
/* Format a 32-bit prefix as an IPv6 literal ("2001::"). */
void	conf_value_prefix_ntop(uint32_t prefix, char *buf, size_t len);

/* syslog(3) facility by name, case-insensitive.  0 or -1. */
int	conf_value_facility(const char *s, int *facility);
/* Name of a facility ("daemon" for an unknown value). */
const char *conf_value_facility_name(int facility);

#endif /* CONF_VALUE_H */
