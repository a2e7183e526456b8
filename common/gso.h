/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef GSO_H
#define GSO_H

/*
 * Tunnel offloads, the sans-I/O half (DESIGN.md "Data path").  A tunnel
 * opened with offloads (os_tun_open_offload, os.h) puts a header in front
 * of each packet it hands over: the packet may be a TCP super-packet of up
 * to 64 KB to be cut into segments of gso_size payload bytes, or carry a
 * checksum the kernel left for us to complete.  gso_input() turns one such
 * packet into ordinary IPv6 packets, each for the usual per-packet path.
 *
 * The header is laid out as Linux's struct virtio_net_hdr (10 bytes, host
 * byte order for a tunnel whose byte order was never set); the backend
 * checks that the two agree.  Nothing in it is trusted: a header that does
 * not describe the packet makes a counted drop.
 */

#include <stddef.h>
#include <stdint.h>

struct gso_hdr {
	uint8_t		flags;		/* GSO_F_* */
	uint8_t		gso_type;	/* GSO_TYPE_*, maybe | GSO_TYPE_ECN */
	uint16_t	hdr_len;	/* the kernel's hint: not used */
	uint16_t	gso_size;	/* payload bytes per segment */
	uint16_t	csum_start;	/* where the checksummed part starts */
	uint16_t	csum_offset;	/* its checksum field, from csum_start */
};

#define GSO_F_NEEDS_CSUM	1	/* complete the checksum */
#define GSO_F_DATA_VALID	2	/* checksum known good */

#define GSO_TYPE_NONE		0
#define GSO_TYPE_TCPV4		1
#define GSO_TYPE_UDP		3
#define GSO_TYPE_TCPV6		4
#define GSO_TYPE_UDP_L4		5
#define GSO_TYPE_ECN		0x80	/* the flow uses ECN (CWR once) */

/* Counters, added to by gso_input(). */
struct gso_stats {
	uint64_t	super;		/* super-packets split */
	uint64_t	segs;		/* packets made from them */
	uint64_t	csum;		/* single packets checksummed for the kernel */
	uint64_t	drop;		/* refused: the header does not fit */
};

/* Receives each packet made; it is valid only during the call. */
typedef void gso_emit_fn(void *arg, const unsigned char *pkt, size_t len);

/*
 * One packet pkt[0..len) read with its header h: emit it, its checksum
 * completed if the kernel left it, or its segments, none larger than
 * maxlen bytes (the tunnel MTU).  pkt is rewritten in place.  Returns how
 * many packets were emitted, or -1 for a drop (counted in st->drop).
 */
int	gso_input(struct gso_stats *st, const struct gso_hdr *h,
	    unsigned char *pkt, size_t len, size_t maxlen, gso_emit_fn *emit,
	    void *arg);

#endif /* GSO_H */
