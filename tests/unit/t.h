/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef T_H
#define T_H

/* A minimal unit-test harness: CHECK() counts failures, T_DONE() is the exit code. */

#include <stdio.h>

static int t_failed, t_checks;

#define CHECK(cond) do {						\
	t_checks++;							\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: CHECK failed: %s\n",		\
		    __FILE__, __LINE__, #cond);				\
		t_failed++;						\
	}								\
} while (0)

#define T_DONE() (fprintf(stderr, "%d checks, %d failed\n", t_checks,	\
	t_failed), t_failed != 0)

#endif /* T_H */
