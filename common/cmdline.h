/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef CMDLINE_H
#define CMDLINE_H

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

#endif /* CMDLINE_H */
