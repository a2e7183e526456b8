/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
/*
 * L5 of ../shared/reviews/security-2026-12-02.md: what miredo-status
 * prints of the engine's report (ctl_vis()) has no byte but printable
 * ASCII, newline and tab.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "t.h"

static const char *
vis(const char *in, size_t len)
{
	static char out[256];
	size_t n;

	n = ctl_vis(out, sizeof(out) - 1, in, len);
	out[n] = '\0';
	return out;
}

int
main(void)
{
	/* an OSC 52 clipboard write and a title change, a NUL, DEL, 8-bit */
	static const char evil[] = "state: \033]52;c;aGk=\007up\033]0;x\007\n"
	    "a\0b\177\233c\\d\te";
	const char *v = vis(evil, sizeof(evil) - 1);
	size_t i;
	char big[600];

	CHECK(strcmp(v, "state: \\033]52;c;aGk=\\007up\\033]0;x\\007\n"
	    "a\\000b\\177\\233c\\134d\te") == 0);
	for (i = 0; v[i] != '\0'; i++)
		CHECK((v[i] >= 0x20 && v[i] < 0x7f) || v[i] == '\n' ||
		    v[i] == '\t');
	/* a plain report is unchanged */
	CHECK(strcmp(vis("mtu: 1280\npeers: 3\n", 19), "mtu: 1280\npeers: 3\n")
	    == 0);
	/* never past the buffer, whatever the input */
	memset(big, '\033', sizeof(big));
	CHECK(strlen(vis(big, sizeof(big))) < 256);
	CHECK(strlen(vis(big, sizeof(big))) % 4 == 0);
	return T_DONE();
}
