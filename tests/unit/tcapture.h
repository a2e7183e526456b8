/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef TCAPTURE_H
#define TCAPTURE_H

/*
 * Capture what the logger writes to stderr (log_init(1, ..)) between
 * tcap_begin() and tcap_end(), into a buffer the test can inspect.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int	 tcap_saved = -1;
static FILE	*tcap_fp;
static char	 tcap_buf[8192];

static void
tcap_begin(void)
{
	(void)fflush(stderr);
	if ((tcap_fp = tmpfile()) == NULL)
		abort();
	tcap_saved = dup(2);
	if (tcap_saved == -1 || dup2(fileno(tcap_fp), 2) == -1)
		abort();
}

static const char *
tcap_end(void)
{
	size_t	 n;

	(void)fflush(stderr);
	if (dup2(tcap_saved, 2) == -1)
		abort();
	(void)close(tcap_saved);
	rewind(tcap_fp);
	n = fread(tcap_buf, 1, sizeof(tcap_buf) - 1, tcap_fp);
	tcap_buf[n] = '\0';
	(void)fclose(tcap_fp);
	return tcap_buf;
}

#endif /* TCAPTURE_H */
