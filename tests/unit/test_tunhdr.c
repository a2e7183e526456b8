/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/socket.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "tunhdr.h"
#include "t.h"

/*
 * The BSD/macOS tunnel header, tested on any OS: the per-OS AF_INET6
 * values (sys/socket.h of FreeBSD 14, OpenBSD, macOS 13; the same in
 * Debian's golang-golang-x-sys-dev zerrors_*.go), their wire
 * encoding, and that tunhdr_read/tunhdr_write hide the header.
 */

static void
test_encoding(void)
{
	static const struct {
		uint32_t	 af;
		unsigned char	 wire[TUNHDR_LEN];
	} v[] = {
		{ TUNHDR_INET6_FREEBSD, { 0, 0, 0, 28 } },
		{ TUNHDR_INET6_OPENBSD, { 0, 0, 0, 24 } },
		{ TUNHDR_INET6_DARWIN, { 0, 0, 0, 30 } },
		{ 2, { 0, 0, 0, 2 } },	/* AF_INET everywhere */
		{ 0x01020304, { 1, 2, 3, 4 } },
	};
	unsigned char	 h[TUNHDR_LEN];
	size_t		 i;

	CHECK(TUNHDR_INET6_FREEBSD == 28);
	CHECK(TUNHDR_INET6_OPENBSD == 24);
	CHECK(TUNHDR_INET6_DARWIN == 30);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		tunhdr_set(h, v[i].af);
		CHECK(memcmp(h, v[i].wire, TUNHDR_LEN) == 0);
		CHECK(tunhdr_get(v[i].wire) == v[i].af);
	}
}

static void
test_io(uint32_t af)
{
	unsigned char	 pkt[1280], buf[1400], raw[1400];
	int		 sv[2];
	size_t		 i;

	for (i = 0; i < sizeof(pkt); i++)
		pkt[i] = (unsigned char)i;
	pkt[0] = 0x60;
	CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0);

	/* Write: the peer (the "kernel") sees header then packet. */
	CHECK(tunhdr_write(sv[0], af, pkt, sizeof(pkt)) ==
	    (ssize_t)sizeof(pkt));
	CHECK(recv(sv[1], raw, sizeof(raw), 0) ==
	    (ssize_t)(TUNHDR_LEN + sizeof(pkt)));
	CHECK(tunhdr_get(raw) == af);
	CHECK(memcmp(raw + TUNHDR_LEN, pkt, sizeof(pkt)) == 0);

	/* Read: the header is stripped, the packet lands at offset 0. */
	CHECK(send(sv[1], raw, TUNHDR_LEN + 40, 0) == TUNHDR_LEN + 40);
	memset(buf, 0, sizeof(buf));
	CHECK(tunhdr_read(sv[0], af, buf, sizeof(buf)) == 40);
	CHECK(memcmp(buf, pkt, 40) == 0);

	/* Another family (IPv4 routed to the tunnel) is refused. */
	tunhdr_set(raw, 2);
	CHECK(send(sv[1], raw, TUNHDR_LEN + 20, 0) == TUNHDR_LEN + 20);
	CHECK(tunhdr_read(sv[0], af, buf, sizeof(buf)) == -1 &&
	    errno == EAFNOSUPPORT);
	/* A frame shorter than the header is an error, not a packet. */
	CHECK(send(sv[1], raw, 2, 0) == 2);
	CHECK(tunhdr_read(sv[0], af, buf, sizeof(buf)) == -1 &&
	    errno == EPROTO);
	/* A header alone is an empty packet. */
	tunhdr_set(raw, af);
	CHECK(send(sv[1], raw, TUNHDR_LEN, 0) == TUNHDR_LEN);
	CHECK(tunhdr_read(sv[0], af, buf, sizeof(buf)) == 0);
	/* End of file stays 0. */
	(void)close(sv[1]);
	CHECK(tunhdr_read(sv[0], af, buf, sizeof(buf)) == 0);
	(void)close(sv[0]);
}

int
main(void)
{
	test_encoding();
	test_io(TUNHDR_INET6_FREEBSD);
	test_io(TUNHDR_INET6_OPENBSD);
	test_io(TUNHDR_INET6_DARWIN);
	return T_DONE();
}
