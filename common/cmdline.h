/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef CMDLINE_H
#define CMDLINE_H

/* Default paths; the Makefile passes SYSCONFDIR and RUNSTATEDIR. */
#ifndef SYSCONFDIR
#define SYSCONFDIR	"/etc"
#endif
#ifndef RUNSTATEDIR
#define RUNSTATEDIR	"/var/run"
#endif
#define CMDLINE_CONF_MIREDO	SYSCONFDIR "/miredo/miredo.conf"
#define CMDLINE_CONF_SERVER	SYSCONFDIR "/miredo/miredo-server.conf"
#define CMDLINE_PID_MIREDO	RUNSTATEDIR "/miredo.pid"
#define CMDLINE_PID_SERVER	RUNSTATEDIR "/miredo-server.pid"

/*
 * The daemons' options, for getopt_long(3) (needs <getopt.h>).
 * miredo-checkconf accepts them as well, so that init scripts can pass
 * it the daemon's arguments.
 */
#define CMDLINE_SHORTOPTS	"c:fhp:t:u:V"
#define CMDLINE_LONGOPTS						\
	{ "config",	required_argument,	NULL,	'c' },		\
	{ "foreground",	no_argument,		NULL,	'f' },		\
	{ "help",	no_argument,		NULL,	'h' },		\
	{ "pidfile",	required_argument,	NULL,	'p' },		\
	{ "chrootdir",	required_argument,	NULL,	't' },		\
	{ "user",	required_argument,	NULL,	'u' },		\
	{ "version",	no_argument,		NULL,	'V' }

enum cmdline_prog {
	CMDLINE_MIREDO,		/* miredo: positional = server name */
	CMDLINE_SERVER		/* miredo-server: positional = server IPv4 */
};

struct cmdline {
	const char	*config;	/* -c, default per program */
	const char	*pidfile;	/* -p, default per program */
	const char	*chrootdir;	/* -t, NULL = none */
	const char	*user;		/* -u, default MIREDO_USER */
	const char	*positional;	/* NULL if absent */
	int		 foreground;	/* -f */
};

/*
 * Parse argv as SPEC section 1 says.  -h prints usage and exits 0; -V
 * prints version, copyright, licence and OS backend and exits 0; a bad,
 * repeated or extra argument prints usage to stderr and exits 2.
 */
void	cmdline_parse(struct cmdline *cl, enum cmdline_prog prog, int argc,
	    char *argv[]);

/*
 * The -V text of every program, without exiting: "prog (miredo) version"
 * (just "miredo version" when prog is NULL), copyright, licence and OS
 * backend.
 */
void	cmdline_print_version(const char *prog);

#endif /* CMDLINE_H */
