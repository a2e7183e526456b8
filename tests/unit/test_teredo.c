/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "teredo.h"
#include "t.h"
#include "tdata.h"

static uint32_t
ip4(const char *s)
{
	struct in_addr	a;

	if (inet_pton(AF_INET, s, &a) != 1) {
		fprintf(stderr, "bad IPv4 %s\n", s);
		exit(1);
	}
	return a.s_addr;
}

static void
check_vector(const char *addr, const char *server, unsigned int flags,
    unsigned int port, const char *client)
{
	struct in6_addr		a, b;
	struct teredo_addr	t;
	char			buf[16];

	CHECK(inet_pton(AF_INET6, addr, &a) == 1);
	teredo_addr_decode(&a, &t);
	CHECK(t.prefix == TEREDO_PREFIX);
	CHECK(t.server == ip4(server));
	CHECK(t.flags == flags);
	CHECK(t.port == port);
	CHECK(t.client == ip4(client));
	CHECK(strcmp(ipv4_ntop(t.client, buf), client) == 0);
	CHECK(teredo_addr_in_prefix(&a, TEREDO_PREFIX));
	CHECK(!teredo_addr_in_prefix(&a, 0x3ffe831fu));
	memset(&b, 0xaa, sizeof(b));
	teredo_addr_build(&b, &t);
	CHECK(memcmp(&a, &b, sizeof(a)) == 0);
}

static void
test_vectors(void)
{
	FILE		*f;
	char		 line[256], addr[64], server[32], client[32];
	unsigned int	 flags, port;
	int		 n = 0;

	if ((f = data_open("teredo_addr.txt")) == NULL) {
		CHECK(0);
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%63s %31s %x %u %31s", addr, server, &flags,
		    &port, client) != 5) {
			fprintf(stderr, "bad line: %s", line);
			CHECK(0);
			continue;
		}
		check_vector(addr, server, flags, port, client);
		n++;
	}
	fclose(f);
	CHECK(n >= 5);
}

static void
test_build(void)
{
	struct teredo_addr	t, u;
	struct in6_addr		a;
	static const uint8_t	want[16] = {
		0x20, 0x01, 0x00, 0x00, 0xc0, 0x00, 0x02, 0x01,
		0x80, 0x00, 0xcf, 0xc6, 0x3f, 0xff, 0xfd, 0x74 };

	t.prefix = TEREDO_PREFIX;
	t.server = ip4("192.0.2.1");
	t.flags = TEREDO_FLAG_CONE;
	t.port = 12345;
	t.client = ip4("192.0.2.139");
	teredo_addr_build(&a, &t);
	CHECK(memcmp(a.s6_addr, want, 16) == 0);
	teredo_addr_decode(&a, &u);
	CHECK(memcmp(&t, &u, sizeof(t)) == 0);
	/* Another prefix is carried as is. */
	t.prefix = 0x3ffe831fu;
	teredo_addr_build(&a, &t);
	CHECK(a.s6_addr[0] == 0x3f && a.s6_addr[1] == 0xfe &&
	    a.s6_addr[2] == 0x83 && a.s6_addr[3] == 0x1f);
	CHECK(teredo_addr_in_prefix(&a, 0x3ffe831fu));
	CHECK(!teredo_addr_in_prefix(&a, TEREDO_PREFIX));
}

static void
test_flags(void)
{
	static const uint8_t	ones[2] = { 0xff, 0xff }, zero[2] = { 0, 0 };
	static const uint8_t	r1[2] = { 0x12, 0x34 };
	unsigned int		i;
	uint8_t			r[2];
	uint16_t		f;

	CHECK(teredo_flags(0, ones) == 0x3cff);
	CHECK(teredo_flags(1, ones) == 0xbcff);
	CHECK(teredo_flags(0, zero) == 0);
	CHECK(teredo_flags(1, zero) == TEREDO_FLAG_CONE);
	CHECK(teredo_flags(0, r1) == (0x1234 & 0x3cff));
	/* R, U and G are never set, whatever the random bits. */
	for (i = 0; i < 65536; i++) {
		r[0] = i >> 8;
		r[1] = i & 0xff;
		f = teredo_flags(i & 1, r);
		CHECK((f & (TEREDO_FLAG_R | TEREDO_FLAG_U | TEREDO_FLAG_G)) ==
		    0);
		CHECK(!!(f & TEREDO_FLAG_CONE) == (int)(i & 1));
		CHECK((f & TEREDO_FLAG_RANDOM) == (i & TEREDO_FLAG_RANDOM));
		if (t_failed > 0)
			break;
	}
	/* The 12 A bits of RFC 5991: CRAAAAUG AAAAAAAA. */
	CHECK(TEREDO_FLAG_RANDOM == 0x3cff);
}

static void
test_ll(void)
{
	struct in6_addr	a;

	CHECK(inet_pton(AF_INET6, "fe80::ffff:ffff:ffff", &a) == 1);
	CHECK(memcmp(&a, &teredo_ll_client, sizeof(a)) == 0);
	CHECK(!teredo_ll_is_cone(&a));
	CHECK(inet_pton(AF_INET6, "fe80::8000:ffff:ffff:ffff", &a) == 1);
	CHECK(memcmp(&a, &teredo_ll_cone, sizeof(a)) == 0);
	CHECK(teredo_ll_is_cone(&a));
	CHECK(teredo_ll_is_cone(&teredo_ll_cone));
	CHECK(!teredo_ll_is_cone(&teredo_ll_client));
	/* RFC 4380 form: flags, port and IPv4 in the interface id. */
	CHECK(inet_pton(AF_INET6, "fe80::8000:cfc6:3fff:fd74", &a) == 1);
	CHECK(teredo_ll_is_cone(&a));
	CHECK(inet_pton(AF_INET6, "fe80::7fff:ffff:ffff:ffff", &a) == 1);
	CHECK(!teredo_ll_is_cone(&a));
	/* Not fe80::/64: never cone. */
	CHECK(inet_pton(AF_INET6, "fe80:0:0:1:8000:ffff:ffff:ffff", &a) == 1);
	CHECK(!teredo_ll_is_cone(&a));
	CHECK(inet_pton(AF_INET6, "2001:0:c000:201:8000:cfc6:3fff:fd74",
	    &a) == 1);
	CHECK(!teredo_ll_is_cone(&a));
	CHECK(inet_pton(AF_INET6, "fec0::8000:ffff:ffff:ffff", &a) == 1);
	CHECK(!teredo_ll_is_cone(&a));
}

static void
test_global(void)
{
	FILE		*f;
	char		 line[128], addr[32];
	int		 want, n = 0;

	if ((f = data_open("ipv4_global.txt")) == NULL) {
		CHECK(0);
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%31s %d", addr, &want) != 2) {
			fprintf(stderr, "bad line: %s", line);
			CHECK(0);
			continue;
		}
		if (ipv4_is_global(ip4(addr)) != want) {
			fprintf(stderr, "ipv4_is_global(%s) != %d\n", addr,
			    want);
			CHECK(0);
		}
		n++;
	}
	fclose(f);
	CHECK(n >= 50);
}

static void
test_ntop(void)
{
	char	buf[16];

	CHECK(strcmp(ipv4_ntop(ip4("0.0.0.0"), buf), "0.0.0.0") == 0);
	CHECK(strcmp(ipv4_ntop(ip4("255.255.255.255"), buf),
	    "255.255.255.255") == 0);
	CHECK(strcmp(ipv4_ntop(ip4("192.0.2.1"), buf), "192.0.2.1") == 0);
	CHECK(ipv4_ntop(1, buf) == buf);
}

int
main(void)
{
	test_vectors();
	test_build();
	test_flags();
	test_ll();
	test_global();
	test_ntop();
	return T_DONE();
}
