/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "compat.h"
#include "conf.h"
#include "conf_value.h"
#include "log.h"
#include "teredo.h"

/*
 * miredo.conf(5) and miredo-server.conf(5): one "Directive value" per
 * line.  Purely syntactic and semantic: host names are checked for their
 * form only and never resolved, so that checking works before DNS does.
 */

#define CONF_LINE_MAX	1023		/* longest line accepted */
#define CONF_FILE_MAX	(1024 * 1024)	/* bytes: not a device or a log */
#define CONF_ERRORS_MAX	50		/* then give up (binary files) */
#define CONF_MIREDO_BIT	(1u << CONF_MIREDO)
#define CONF_SERVER_BIT	(1u << CONF_SERVER)
#define CONF_BOTH_BITS	(CONF_MIREDO_BIT | CONF_SERVER_BIT)

struct conf_state;
struct conf_directive;

typedef int conf_handler(struct conf_state *, const struct conf_directive *,
    const char *);

struct conf_directive {
	const char	*name;
	unsigned int	 kinds;		/* CONF_*_BIT */
	conf_handler	*parse;
	size_t		 off;		/* field, for the generic handlers */
	unsigned long	 min, max;	/* range, for conf_set_uint */
};

static conf_handler conf_set_relaytype, conf_set_host, conf_set_prefix,
    conf_set_uint, conf_set_port, conf_set_ifname, conf_set_bindaddr,
    conf_set_facility, conf_set_hook, conf_set_serverbind,
    conf_set_native, conf_set_bool, conf_set_portmap;

#define F(field)	offsetof(struct conf, field)

static const struct conf_directive conf_directives[] = {
	{ "RelayType", CONF_MIREDO_BIT, conf_set_relaytype, 0, 0, 0 },
	{ "ServerAddress", CONF_MIREDO_BIT, conf_set_host, F(server_name),
	    0, 0 },
	{ "ServerAddress2", CONF_MIREDO_BIT, conf_set_host, F(server_name2),
	    0, 0 },
	{ "Prefix", CONF_BOTH_BITS, conf_set_prefix, 0, 0, 0 },
	/* An IPv6 packet must fit in one UDP datagram (RFC 768, 791). */
	{ "InterfaceMTU", CONF_BOTH_BITS, conf_set_uint, F(mtu),
	    TEREDO_MTU, TEREDO_UDP_MAX },
	{ "InterfaceName", CONF_MIREDO_BIT, conf_set_ifname, 0, 0, 0 },
	{ "BindAddress", CONF_MIREDO_BIT, conf_set_bindaddr, 0, 0, 0 },
	{ "BindPort", CONF_MIREDO_BIT, conf_set_port, 0, 0, 65535 },
	{ "SyslogFacility", CONF_BOTH_BITS, conf_set_facility, 0, 0, 0 },
	{ "RefreshInterval", CONF_MIREDO_BIT, conf_set_uint,
	    F(refresh_interval), 10, 3600 },
	{ "QualificationTimeout", CONF_MIREDO_BIT, conf_set_uint,
	    F(qualify_timeout), 1, 60 },
	{ "QualificationRetries", CONF_MIREDO_BIT, conf_set_uint,
	    F(qualify_retries), 1, 20 },
	{ "PeerMax", CONF_MIREDO_BIT, conf_set_uint, F(peer_max),
	    16, 1048576 },
	{ "PeerQueueBytes", CONF_MIREDO_BIT, conf_set_uint, F(queue_bytes),
	    4096, 67108864 },
	{ "ClientHook", CONF_MIREDO_BIT, conf_set_hook, 0, 0, 0 },
	/* RFC 4380 5.2.8; miredo 1.2.6 has no such directive. */
	{ "LocalDiscovery", CONF_MIREDO_BIT, conf_set_bool,
	    F(local_discovery), 0, 0 },
	/* RFC 6081 3.1; miredo 1.2.6 has no such directive. */
	{ "SymmetricNATSupport", CONF_MIREDO_BIT, conf_set_bool,
	    F(sns), 0, 0 },
	/* RFC 6081 3.5, 5.6; miredo 1.2.6 has no such directive. */
	{ "Hairpinning", CONF_MIREDO_BIT, conf_set_bool,
	    F(hairpinning), 0, 0 },
	{ "PortMapping", CONF_MIREDO_BIT, conf_set_portmap, 0, 0, 0 },
	{ "ServerBindAddress", CONF_SERVER_BIT, conf_set_serverbind,
	    F(server_bind), 0, 0 },
	{ "ServerBindAddress2", CONF_SERVER_BIT, conf_set_serverbind,
	    F(server_bind2), 0, 0 },
	{ "ServerICMPMax", CONF_SERVER_BIT, conf_set_uint, F(icmp_max),
	    0, 1232 },
	{ "ServerNativeOutput", CONF_SERVER_BIT, conf_set_native, 0, 0, 0 },
	{ "ServerRateLimit", CONF_SERVER_BIT, conf_set_uint, F(srv_rate),
	    0, CONF_SRV_RATE_MAX },
};
#define CONF_NDIRECTIVES (sizeof(conf_directives) / sizeof(conf_directives[0]))

struct conf_state {
	struct conf	*c;
	const char	*name;
	unsigned int	 line;
	int		 strict;
	int		 errors;
	unsigned int	 seen[CONF_NDIRECTIVES];	/* line of first use */
	size_t		 bytes;		/* read so far */
};

static void
conf_msg(struct conf_state *st, int error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
conf_msg(struct conf_state *st, int error, const char *fmt, ...)
{
	char	 buf[1200];
	va_list	 ap;

	va_start(ap, fmt);
	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (error) {
		st->errors++;
		log_warnx("%s:%u: %s", st->name, st->line, buf);
	} else
		log_warnx("%s:%u: warning: %s", st->name, st->line, buf);
}

#define conf_error(st, ...)	conf_msg((st), 1, __VA_ARGS__)
#define conf_warning(st, ...)	conf_msg((st), 0, __VA_ARGS__)

void
conf_defaults(struct conf *c, enum conf_kind kind)
{
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->relay_type = CONF_CLIENT;
	c->prefix = TEREDO_PREFIX;
	c->mtu = TEREDO_MTU;
	c->syslog_facility = LOG_DAEMON;
	c->refresh_interval = 30;
	c->qualify_timeout = 4;
	c->qualify_retries = 3;
	c->peer_max = 0;	/* by RelayType, once the file is read */
	c->queue_bytes = 1048576;
	c->icmp_max = 88;
	c->srv_rate = CONF_SRV_RATE_DEFAULT;
	c->local_discovery = 1;
	c->sns = 1;
	c->hairpinning = 1;
	c->port_mapping = 1;
}

static int
conf_range(struct conf_state *st, const struct conf_directive *d,
    const char *val, unsigned long long *v)
{
	if (conf_value_number(val, v) == -1) {
		conf_error(st, "%s: invalid integer \"%s\"", d->name, val);
		return -1;
	}
	if (*v < d->min || *v > d->max) {
		conf_error(st, "%s: %s out of range (%lu..%lu)", d->name, val,
		    d->min, d->max);
		return -1;
	}
	return 0;
}

static int
conf_set_uint(struct conf_state *st, const struct conf_directive *d,
    const char *val)
{
	unsigned long long	 v;

	if (conf_range(st, d, val, &v) == -1)
		return -1;
	*(unsigned int *)(void *)((char *)st->c + d->off) = (unsigned int)v;
	return 0;
}

static int
conf_set_port(struct conf_state *st, const struct conf_directive *d,
    const char *val)
{
	unsigned long long	 v;

	if (conf_range(st, d, val, &v) == -1)
		return -1;
	st->c->bind_port = (uint16_t)v;
	return 0;
}

static int
conf_set_portmap(struct conf_state *st, const struct conf_directive *d,
    const char *val)
{
	if (strcasecmp(val, "yes") == 0)
		st->c->port_mapping = 1;
	else if (strcasecmp(val, "no") == 0)
		st->c->port_mapping = 0;
	else {
		conf_error(st, "%s: unknown value \"%s\" (yes or no)",
		    d->name, val);
		return -1;
	}
	return 0;
}

static int
conf_set_relaytype(struct conf_state *st, const struct conf_directive *d,
    const char *val)
{
	if (strcasecmp(val, "client") == 0 ||
	    strcasecmp(val, "autoclient") == 0)
		st->c->relay_type = CONF_CLIENT;
	else if (strcasecmp(val, "relay") == 0 || strcasecmp(val, "cone") == 0)
		st->c->relay_type = CONF_RELAY;
	else if (strcasecmp(val, "restricted") == 0) {
		st->c->relay_type = CONF_RESTRICTED;
		conf_warning(st, "%s: \"restricted\" is deprecated, "
		    "use \"relay\"", d->name);
	} else {
		conf_error(st, "%s: unknown value \"%s\" (client, autoclient, "
		    "relay, cone or restricted)", d->name, val);
		return -1;
	}
	return 0;
}

/* yes/no, and the usual synonyms, into an int field. */
static int
conf_set_bool(struct conf_state *st, const struct conf_directive *d,
    const char *val)
{
	int	*field = (int *)(void *)((char *)st->c + d->off);

	if (strcasecmp(val, "yes") == 0 || strcasecmp(val, "on") == 0 ||
	    strcasecmp(val, "true") == 0)
		*field = 1;
	else if (strcasecmp(val, "no") == 0 || strcasecmp(val, "off") == 0 ||
	    strcasecmp(val, "false") == 0)
		*field = 0;
	else {
		conf_error(st, "%s: unknown value \"%s\" (yes or no)",
		    d->name, val);
		return -1;
	}
	return 0;
}

static int
conf_set_native(struct conf_state *st, const struct conf_directive *d,
    const char *val)
{
	if (strcasecmp(val, "auto") == 0)
		st->c->native = CONF_NATIVE_AUTO;
	else if (strcasecmp(val, "raw") == 0)
		st->c->native = CONF_NATIVE_RAW;
	else if (strcasecmp(val, "tunnel") == 0)
		st->c->native = CONF_NATIVE_TUNNEL;
	else {
		conf_error(st, "%s: unknown value \"%s\" (auto, raw or "
		    "tunnel)", d->name, val);
		return -1;
	}
	return 0;
}

static int
conf_set_host(struct conf_state *st, const struct conf_directive *d,
    const char *val)
{
	uint32_t	 ip;
	char		*dst = (char *)st->c + d->off;

	/* Only the form is checked: names are resolved at run time. */
	if (conf_value_is_numeric(val)) {
		if (conf_value_ipv4(val, &ip) == -1) {
			conf_error(st, "%s: invalid IPv4 address \"%s\"",
			    d->name, val);
			return -1;
		}
		if (!ipv4_is_global(ip)) {
			conf_error(st, "%s: %s is not a global unicast "
			    "address", d->name, val);
			return -1;
		}
	} else if (!conf_value_hostname(val)) {
		conf_error(st, "%s: invalid host name \"%s\"", d->name, val);
		return -1;
	}
	(void)strlcpy(dst, val, CONF_NAME_MAX);
	if (d->off == F(server_name))
		st->c->have_server_name = 1;
	else
		st->c->have_server_name2 = 1;
	return 0;
}

static int
conf_set_prefix(struct conf_state *st, const struct conf_directive *d,
    const char *val)
{
	switch (conf_value_prefix(val, &st->c->prefix)) {
	case 0:
		return 0;
	case CONF_PREFIX_LOWBITS:
		conf_warning(st, "%s: bits of %s beyond /32 ignored", d->name,
		    val);
		return 0;
	case CONF_PREFIX_MULTICAST:
		conf_error(st, "%s: multicast prefix %s refused", d->name, val);
		return -1;
	default:
		conf_error(st, "%s: invalid IPv6 prefix \"%s\"", d->name, val);
		return -1;
	}
}

static int
conf_set_ifname(struct conf_state *st, const struct conf_directive *d,
    const char *val)
{
	if (strlen(val) >= IF_NAMESIZE) {
		conf_error(st, "%s: \"%s\" is too long (at most %d characters)",
		    d->name, val, IF_NAMESIZE - 1);
		return -1;
	}
	if (!conf_value_ifname(val)) {
		conf_error(st, "%s: invalid interface name \"%s\"", d->name,
		    val);
		return -1;
	}
	(void)strlcpy(st->c->ifname, val, sizeof(st->c->ifname));
	return 0;
}

static int
conf_set_bindaddr(struct conf_state *st, const struct conf_directive *d,
    const char *val)
{
	if (conf_value_ipv4(val, &st->c->bind_addr) == -1) {
		conf_error(st, "%s: invalid IPv4 address \"%s\"", d->name, val);
		return -1;
	}
	return 0;
}

static int
conf_set_serverbind(struct conf_state *st, const struct conf_directive *d,
    const char *val)
{
	uint32_t	 ip;

	if (conf_value_ipv4(val, &ip) == -1) {
		conf_error(st, "%s: invalid IPv4 address \"%s\"", d->name, val);
		return -1;
	}
	if (!ipv4_is_global(ip)) {
		conf_error(st, "%s: %s is not a global unicast address",
		    d->name, val);
		return -1;
	}
	if (d->off == F(server_bind)) {
		st->c->server_bind = ip;
		st->c->have_server_bind = 1;
	} else {
		st->c->server_bind2 = ip;
		st->c->have_server_bind2 = 1;
	}
	return 0;
}

static int
conf_set_facility(struct conf_state *st, const struct conf_directive *d,
    const char *val)
{
	if (conf_value_facility(val, &st->c->syslog_facility) == -1) {
		conf_error(st, "%s: unknown facility \"%s\"", d->name, val);
		return -1;
	}
	return 0;
}

static int
conf_set_hook(struct conf_state *st, const struct conf_directive *d,
    const char *val)
{
	if (!conf_value_path(val, sizeof(st->c->hook))) {
		conf_error(st, "%s: \"%s\" is not an absolute path of "
		    "printable characters", d->name, val);
		return -1;
	}
	(void)strlcpy(st->c->hook, val, sizeof(st->c->hook));
	return 0;
}

static const struct conf_directive *
conf_lookup(const char *name, size_t *idx)
{
	size_t	 i;

	for (i = 0; i < CONF_NDIRECTIVES; i++)
		if (strcasecmp(name, conf_directives[i].name) == 0) {
			*idx = i;
			return &conf_directives[i];
		}
	return NULL;
}

/* Next whitespace-delimited word of *p, NUL-terminated in place. */
static char *
conf_word(char **p)
{
	char	*s = *p, *w;

	while (isspace((unsigned char)*s))
		s++;
	if (*s == '\0')
		return NULL;
	w = s;
	while (*s != '\0' && !isspace((unsigned char)*s))
		s++;
	if (*s != '\0')
		*s++ = '\0';
	*p = s;
	return w;
}

/* Unknown and repeated directives: warnings, errors when strict. */
static int
conf_check_known(struct conf_state *st, const char *word,
    const struct conf_directive *d, size_t idx)
{
	if (d == NULL) {
		conf_msg(st, st->strict, "unknown directive \"%s\"", word);
		return -1;
	}
	if ((d->kinds & (1u << st->c->kind)) == 0) {
		conf_msg(st, st->strict, "unknown directive \"%s\" (it belongs "
		    "in %s)", word, st->c->kind == CONF_SERVER ? "miredo.conf" :
		    "miredo-server.conf");
		return -1;
	}
	if (st->seen[idx] != 0) {
		conf_msg(st, st->strict, "%s repeated (first on line %u)%s",
		    d->name, st->seen[idx], st->strict ? "" : ", ignored");
		return -1;
	}
	st->seen[idx] = st->line;
	return 0;
}

static void
conf_line(struct conf_state *st, char *line)
{
	const struct conf_directive	*d;
	char				*p = line, *word, *val, *extra;
	size_t				 idx = 0;

	line[strcspn(line, "#")] = '\0';
	if ((word = conf_word(&p)) == NULL)
		return;
	d = conf_lookup(word, &idx);
	if (conf_check_known(st, word, d, idx) == -1)
		return;
	if ((val = conf_word(&p)) == NULL) {
		conf_error(st, "%s: missing value", d->name);
		return;
	}
	if ((extra = conf_word(&p)) != NULL) {
		conf_error(st, "%s: trailing garbage \"%s\"", d->name, extra);
		return;
	}
	(void)d->parse(st, d, val);
}

/*
 * Read one line into buf (CONF_LINE_MAX + 1 bytes).  Returns 1 for a
 * line, 0 at the end, -1 for a line to reject (reported here).
 */
static int
conf_getline(struct conf_state *st, FILE *fp, char *buf)
{
	size_t	 len = 0;
	int	 ch, nul = 0;

	while ((ch = getc(fp)) != EOF) {
		if (++st->bytes > CONF_FILE_MAX) {
			st->line++;
			conf_error(st, "file too large (more than %d bytes)",
			    CONF_FILE_MAX);
			return 0;
		}
		if (ch == '\n')
			break;
		if (ch == '\0')
			nul = 1;
		if (len < CONF_LINE_MAX + 1)
			buf[len] = (char)ch;
		len++;
	}
	if (ch == EOF && len == 0)
		return 0;
	st->line++;
	if (nul) {
		conf_error(st, "NUL byte in line");
		return -1;
	}
	if (len > CONF_LINE_MAX) {
		conf_error(st, "line too long (more than %d characters)",
		    CONF_LINE_MAX);
		return -1;
	}
	buf[len] = '\0';
	return 1;
}

int
conf_parse_stream(struct conf *c, FILE *fp, const char *name, int strict)
{
	struct conf_state	 st;
	char			 buf[CONF_LINE_MAX + 2];
	int			 r;

	memset(&st, 0, sizeof(st));
	st.c = c;
	st.name = name;
	st.strict = strict;
	while (st.errors < CONF_ERRORS_MAX &&
	    (r = conf_getline(&st, fp, buf)) != 0)
		if (r == 1)
			conf_line(&st, buf);
	if (st.errors >= CONF_ERRORS_MAX)
		log_warnx("%s: too many errors, giving up", name);
	if (c->kind == CONF_MIREDO && c->peer_max == 0)
		c->peer_max = c->relay_type == CONF_CLIENT ?
		    CONF_PEER_MAX_CLIENT : CONF_PEER_MAX_RELAY;
	if (ferror(fp)) {
		log_warn("%s: read", name);
		return -1;
	}
	return st.errors == 0 ? 0 : -1;
}

int
conf_parse(struct conf *c, const char *path, int strict)
{
	FILE	*fp;
	int	 r;

	if ((fp = fopen(path, "r")) == NULL) {
		log_warn("%s", path);
		return -1;
	}
	r = conf_parse_stream(c, fp, path, strict);
	(void)fclose(fp);
	return r;
}

const char *
conf_logname(const struct conf *c)
{
	if (c->kind == CONF_SERVER)
		return "miredo-server";
	return c->relay_type == CONF_CLIENT ? "miredo[client]" :
	    "miredo[relay]";
}
