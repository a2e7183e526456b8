/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef TDATA_H
#define TDATA_H

/* Test vectors: the files of tests/data, found through $srcdir. */

#include <stdio.h>
#include <stdlib.h>

/* Open tests/data/name under $srcdir (automake exports it). */
static FILE *
data_open(const char *name)
{
	const char	*srcdir = getenv("srcdir");
	char		 path[1024];
	FILE		*f;

	(void)snprintf(path, sizeof(path), "%s/tests/data/%s",
	    srcdir != NULL ? srcdir : ".", name);
	if ((f = fopen(path, "r")) == NULL)
		fprintf(stderr, "cannot open %s\n", path);
	return f;
}

#endif /* TDATA_H */
