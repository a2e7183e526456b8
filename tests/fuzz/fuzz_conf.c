/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "log.h"

/*
 * libFuzzer harness: the configuration parser on arbitrary files, as
 * miredo.conf and as miredo-server.conf, strict (miredo-checkconf) and
 * not.  What it accepts must print (conf_print) in a form that parses
 * again, strictly, and prints the same: the canonical form of
 * miredo-checkconf -v is a fixed point.
 */

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int	LLVMFuzzerInitialize(int *argc, char ***argv);

static char *
fc_print(const struct conf *c, size_t *len)
{
	FILE	*fp;
	char	*out = NULL;

	if ((fp = open_memstream(&out, len)) == NULL)
		abort();
	conf_print(c, fp);
	if (fclose(fp) != 0)
		abort();
	return out;
}

static int
fc_parse(struct conf *c, enum conf_kind kind, void *buf, size_t len,
    int strict)
{
	FILE	*fp;
	int	 r;

	conf_defaults(c, kind);
	/* Never empty: conf_print always writes some lines. */
	if ((fp = fmemopen(buf, len, "r")) == NULL)
		abort();
	r = conf_parse_stream(c, fp, "fuzz.conf", strict);
	(void)fclose(fp);
	return r;
}

static void
fc_one(char *buf, size_t len, enum conf_kind kind, int strict)
{
	struct conf	 c, c2;
	char		*out1, *out2;
	size_t		 n1, n2;

	if (fc_parse(&c, kind, buf, len, strict) == -1)
		return;
	(void)conf_check(&c, "fuzz.conf");
	(void)conf_server_bind2(&c);
	out1 = fc_print(&c, &n1);
	if (fc_parse(&c2, kind, out1, n1, 1) == -1) {
		fprintf(stderr, "printed form does not parse:\n%s", out1);
		abort();
	}
	out2 = fc_print(&c2, &n2);
	if (n1 != n2 || memcmp(out1, out2, n1) != 0) {
		fprintf(stderr, "printed forms differ:\n%s---\n%s", out1,
		    out2);
		abort();
	}
	free(out1);
	free(out2);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* Messages are formatted but written nowhere. */
	log_init(0, 0, LOG_NOSYSLOG);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*buf;

	if (size == 0)
		return 0;
	/* fmemopen() wants a writable buffer, even to read. */
	if ((buf = malloc(size)) == NULL)
		abort();
	memcpy(buf, data, size);
	fc_one(buf, size, CONF_MIREDO, 0);
	fc_one(buf, size, CONF_MIREDO, 1);
	fc_one(buf, size, CONF_SERVER, 0);
	fc_one(buf, size, CONF_SERVER, 1);
	free(buf);
	return 0;
}
