/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
/*
 * L6 of ../shared/reviews/security-2026-12-02.md: native traffic to many
 * made-up Teredo destinations makes a relay send bubbles to addresses the
 * destinations name.  The first probe of each path goes at once; the
 * repeats (2 s apart, up to 3 more), all peers together, are at most
 * CORE_PROBE_PER_SEC a second, the others wait for the next second: they
 * are not lost.
 */
#include "config.h"

#include <string.h>

#include "core.h"
#include "core_fake.h"
#include "core_impl.h"
#include "packet.h"
#include "teredo.h"
#include "t.h"

#define NDST	400	/* new destinations in one burst */

int
main(void)
{
	static struct fake f;
	struct core_config cfg;
	struct core_io io;
	struct core *c;
	struct in6_addr native = fake_ip6("2001:db8:1::1"), dst;
	uint32_t server = fake_ip("192.0.2.1");
	uint8_t buf[256];
	uint64_t now = 0;
	unsigned int i, first, second;
	size_t n;

	memset(&cfg, 0, sizeof(cfg));
	cfg.role = CORE_RELAY;
	cfg.cone = 0;	/* restricted: a direct and an indirect bubble */
	cfg.prefix = TEREDO_PREFIX;
	cfg.mtu = 1280;
	cfg.peer_max = 4096;
	cfg.queue_bytes = 1 << 20;
	cfg.local_ip = fake_ip("198.51.100.1");
	fake_init(&f, &io, 7);
	CHECK((c = core_new(&cfg, &io, now)) != NULL);

	for (i = 0; i < NDST; i++) {
		dst = fake_teredo(server, fake_ip("203.0.113.5"),
		    (uint16_t)(1000 + i));
		n = build_echo(buf, sizeof(buf), 0, &native, &dst, 1, 1,
		    "abc", 3);
		core_tun_input(c, now, buf, n);
	}
	first = f.nudp;
	CHECK(first > 0);	/* every first probe (capture stops at 512) */
	/* the repeats, all due at 2000 ms: a second's budget at a time */
	fake_clear(&f);
	fake_run(c, &now, 2500);
	second = f.nudp;
	CHECK(second > 0 && second <= 2 * CORE_PROBE_PER_SEC);
	fake_clear(&f);
	fake_run(c, &now, 3500);
	CHECK(f.nudp > 0 && f.nudp <= 2 * CORE_PROBE_PER_SEC);
	/* deferred, not lost: every peer's second probe (a pair) went out */
	CHECK(second + f.nudp == 2 * NDST);
	core_free(c);
	return T_DONE();
}
