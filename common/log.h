/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef LOG_H
#define LOG_H

#include <stdarg.h>

/*
 * OpenBSD-style logging.  log_init(debug, verbose, facility): debug != 0
 * also writes to stderr (foreground); verbose enables log_debug.  Messages
 * go to syslog with the configured facility (ident = program name).
 */
void	log_init(int debug, int verbose, int facility);
/* Facility for log_init(): stderr only, no syslog (miredo-checkconf, tests). */
#define LOG_NOSYSLOG	(-1)
void	log_setfacility(int facility);
/* Reconnect to syslog (after a process closed its descriptors). */
void	log_reopen(void);
void	log_procinit(const char *procname);
void	log_setverbose(int verbose);
int	log_getverbose(void);
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
/*
 * A child of a supervisor logs through it: log_tofd(fd) sends every
 * later line over fd (a chan_pair() made before the sandbox: a frame
 * per line, the priority then the text, cut at CHAN_MSGMAX; the child
 * goes quiet if its supervisor stops reading) instead of stderr and syslog, so the child needs
 * no /dev/log connection; log_tofd(-1) makes it silent.  The supervisor
 * polls its end and calls log_relay(fd, "engine"): -1 at the child's
 * end (or on error), then it closes fd.
 */
#define LOG_LINE_MAX	1023
void	log_tofd(int fd);
int	log_getfd(void);	/* the descriptor of log_tofd(), or -1 */
int	log_relay(int fd, const char *who);
/* "who (pid N) exited with status S" or "killed by signal N (SIG...)". */
void	log_child_status(const char *who, long pid, int status);
void	vlog(int pri, const char *fmt, va_list ap)
	    __attribute__((format(printf, 2, 0)));
void	fatal(const char *, ...) __attribute__((noreturn, format(printf, 1, 2)));
void	fatalx(const char *, ...) __attribute__((noreturn, format(printf, 1, 2)));

#endif /* LOG_H */
