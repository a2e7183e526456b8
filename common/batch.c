/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <netinet/in.h>
#include <netinet/udp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"

/*
 * HAVE_RECVMMSG, HAVE_SENDMMSG and HAVE_DECL_UDP_SEGMENT (configure) are
 * tested here only; the engine sees the same interface either way.
 *
 * UDP GSO (UDP_SEGMENT, Linux 4.18): a run of datagrams to one peer, all
 * of one size but the last, which may be shorter, leaves in one message
 * that the kernel cuts into datagrams after the stack: the encapsulated
 * segments of a super-packet from the tunnel (gso.h) pay the UDP and IP
 * layers once.  They lie one after the other in the ring, so the message
 * is one iovec.  A run the kernel refuses (EINVAL: larger than the route's
 * MTU; EIO: no checksum offload) is sent again one datagram at a time.
 */
#if defined(HAVE_SENDMMSG) && HAVE_DECL_UDP_SEGMENT
#define BATCH_GSO
#define BATCH_GSO_SEGS	64		/* the kernel's UDP_MAX_SEGMENTS */
#define BATCH_GSO_BYTES	65000		/* under 65535 - 20 - 8 */
#endif

/* Any UDP/IPv4 payload fits (65535 - 20 - 8); untouched pages cost no RSS. */
#define BATCH_SLOT	65536
#define BATCH_TX	64		/* datagrams per send call */
#define BATCH_TX_BYTES	(2 * BATCH_SLOT)	/* ring; any datagram fits */

struct batch {
	int			 fd;
	int			 gso;		/* batch_gso_probe() passed */
	uint64_t		 gso_runs, gso_dgrams;
	struct batch_dgram	 rx[BATCH_RX];
#ifdef HAVE_RECVMMSG
	struct mmsghdr		 rxm[BATCH_RX];
	struct iovec		 rxiov[BATCH_RX];
	struct sockaddr_in	 rxsin[BATCH_RX];
#endif
#ifdef HAVE_SENDMMSG
	unsigned int		 ntx;
	size_t			 txused;
	struct mmsghdr		 txm[BATCH_TX];
	struct iovec		 txiov[BATCH_TX];
	struct sockaddr_in	 txsin[BATCH_TX];
	unsigned char		 txbuf[BATCH_TX_BYTES];
#endif
#ifdef BATCH_GSO
	struct mmsghdr		 gm[BATCH_TX];	/* one per run */
	struct iovec		 giov[BATCH_TX];
	unsigned int		 gfirst[BATCH_TX], gcount[BATCH_TX];
	union {
		char		 buf[CMSG_SPACE(sizeof(uint16_t))];
		struct cmsghdr	 align;
	}			 gctl[BATCH_TX];
#endif
	unsigned char		 rxbuf[BATCH_RX][BATCH_SLOT];
};

#ifdef BATCH_GSO
/*
 * Whether this system really cuts a UDP_SEGMENT message (at start: a
 * kernel without it refuses the option; qemu-user drops the option and
 * sends one big datagram): 2 segments of 64 bytes through the loopback
 * must arrive as 2 datagrams of 64.  Without a loopback, no GSO.
 */
static int
batch_gso_probe(void)
{
	unsigned char		 data[128], rbuf[256];
	union {
		char		 buf[CMSG_SPACE(sizeof(uint16_t))];
		struct cmsghdr	 align;
	}			 ctl;
	struct sockaddr_in	 sin;
	socklen_t		 sl = sizeof(sin);
	struct iovec		 iov;
	struct msghdr		 mh;
	struct cmsghdr		*cm;
	uint16_t		 seg = 64;
	int			 r, s = -1, ok = 0;

	if ((r = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		return 0;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(r, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    getsockname(r, (struct sockaddr *)&sin, &sl) == -1 ||
	    (s = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		goto out;
	memset(data, 0x5a, sizeof(data));
	memset(&ctl, 0, sizeof(ctl));
	memset(&mh, 0, sizeof(mh));
	iov.iov_base = data;
	iov.iov_len = sizeof(data);
	mh.msg_name = &sin;
	mh.msg_namelen = sizeof(sin);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = ctl.buf;
	mh.msg_controllen = sizeof(ctl.buf);
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_UDP;
	cm->cmsg_type = UDP_SEGMENT;
	cm->cmsg_len = CMSG_LEN(sizeof(seg));
	memcpy(CMSG_DATA(cm), &seg, sizeof(seg));
	if (sendmsg(s, &mh, 0) == (ssize_t)sizeof(data))
		ok = recv(r, rbuf, sizeof(rbuf), MSG_DONTWAIT) == 64 &&
		    recv(r, rbuf, sizeof(rbuf), MSG_DONTWAIT) == 64;
out:
	if (s != -1)
		(void)close(s);
	(void)close(r);
	return ok;
}
#endif

struct batch *
batch_new(int fd)
{
	struct batch *b;
	int i;

	/* Large enough for malloc to map it: zero pages until used. */
	if ((b = calloc(1, sizeof(*b))) == NULL)
		return NULL;
	b->fd = fd;
	for (i = 0; i < BATCH_RX; i++) {
		b->rx[i].buf = b->rxbuf[i];
#ifdef HAVE_RECVMMSG
		b->rxiov[i].iov_base = b->rxbuf[i];
		b->rxiov[i].iov_len = BATCH_SLOT;
		b->rxm[i].msg_hdr.msg_iov = &b->rxiov[i];
		b->rxm[i].msg_hdr.msg_iovlen = 1;
		b->rxm[i].msg_hdr.msg_name = &b->rxsin[i];
#endif
	}
#ifdef HAVE_SENDMMSG
	for (i = 0; i < BATCH_TX; i++) {
		b->txsin[i].sin_family = AF_INET;
		b->txm[i].msg_hdr.msg_iov = &b->txiov[i];
		b->txm[i].msg_hdr.msg_iovlen = 1;
		b->txm[i].msg_hdr.msg_name = &b->txsin[i];
		b->txm[i].msg_hdr.msg_namelen = sizeof(b->txsin[i]);
	}
#endif
#ifdef BATCH_GSO
	b->gso = batch_gso_probe();
#endif
	return b;
}

/* Keep datagram k from sin if it came from IPv4; returns the next k. */
static int
batch_keep(struct batch *b, int k, const struct sockaddr_in *sin,
    socklen_t slen, size_t len)
{
	if (slen < sizeof(*sin) || sin->sin_family != AF_INET)
		return k;
	b->rx[k].ip = sin->sin_addr.s_addr;
	b->rx[k].port = ntohs(sin->sin_port);
	b->rx[k].len = len;
	return k + 1;
}

#ifdef HAVE_RECVMMSG
/* One call for the whole batch; rx[] lists the datagrams kept. */
static int
batch_recv_n(struct batch *b, int *more)
{
	int i, k = 0, n;

	for (i = 0; i < BATCH_RX; i++) {
		b->rxm[i].msg_hdr.msg_namelen = sizeof(b->rxsin[i]);
		b->rxm[i].msg_hdr.msg_flags = 0;
	}
	do
		n = recvmmsg(b->fd, b->rxm, BATCH_RX, 0, NULL);
	while (n == -1 && errno == EINTR);
	*more = n == BATCH_RX;
	for (i = 0; i < n; i++) {
		b->rx[k].buf = b->rxbuf[i];
		k = batch_keep(b, k, &b->rxsin[i],
		    b->rxm[i].msg_hdr.msg_namelen, (size_t)b->rxm[i].msg_len);
	}
	return k;
}
#else
static int
batch_recv_n(struct batch *b, int *more)
{
	struct sockaddr_in sin;
	socklen_t slen;
	ssize_t r;
	int i, k = 0;

	*more = 0;
	for (i = 0; i < BATCH_RX; i++) {
		slen = sizeof(sin);
		r = recvfrom(b->fd, b->rxbuf[i], BATCH_SLOT, 0,
		    (struct sockaddr *)&sin, &slen);
		if (r == -1 && errno != EINTR)
			return k;
		if (r == -1)
			continue;	/* a signal: try again */
		b->rx[k].buf = b->rxbuf[i];
		k = batch_keep(b, k, &sin, slen, (size_t)r);
	}
	*more = 1;
	return k;
}
#endif

int
batch_recv(struct batch *b, const struct batch_dgram **d, int *more)
{
	*d = b->rx;
	return batch_recv_n(b, more);
}

#ifdef HAVE_SENDMMSG
void
batch_send(struct batch *b, uint32_t ip, uint16_t port, const void *buf,
    size_t len)
{
	unsigned int i;

	if (len > BATCH_TX_BYTES)
		return;		/* larger than any UDP/IPv4 datagram */
	if (b->ntx == BATCH_TX || BATCH_TX_BYTES - b->txused < len)
		batch_flush(b);
	i = b->ntx++;
	memcpy(b->txbuf + b->txused, buf, len);
	b->txiov[i].iov_base = b->txbuf + b->txused;
	b->txiov[i].iov_len = len;
	b->txsin[i].sin_addr.s_addr = ip;
	b->txsin[i].sin_port = htons(port);
	b->txused += len;
}

/* Datagrams m[0..cnt), in order. */
static void
batch_sendmmsg(struct batch *b, struct mmsghdr *m, unsigned int cnt)
{
	unsigned int i = 0;
	int n;

	while (i < cnt) {
		n = sendmmsg(b->fd, m + i, cnt - i, 0);
		if (n > 0)
			i += (unsigned int)n;
		else if (n == -1 && errno == EINTR)
			continue;
		else
			/*
			 * A full buffer or an ICMP error loses this one
			 * datagram, as UDP may; the rest are still tried,
			 * as separate sendto() calls would.
			 */
			i++;
	}
}

#ifdef BATCH_GSO
static int
batch_same_peer(const struct sockaddr_in *a, const struct sockaddr_in *b)
{
	return a->sin_addr.s_addr == b->sin_addr.s_addr &&
	    a->sin_port == b->sin_port;
}

/* Datagrams i..: how many go in run k (at least one), which it fills. */
static unsigned int
batch_gso_run(struct batch *b, unsigned int i, unsigned int k)
{
	size_t seg = b->txiov[i].iov_len, total = seg, len;
	struct msghdr *h = &b->gm[k].msg_hdr;
	struct cmsghdr *c;
	unsigned int j;
	uint16_t v;

	for (j = i + 1; j < b->ntx && j - i < BATCH_GSO_SEGS; j++) {
		len = b->txiov[j].iov_len;
		if (!batch_same_peer(&b->txsin[j], &b->txsin[i]) ||
		    len > seg || total + len > BATCH_GSO_BYTES)
			break;
		total += len;
		if (len < seg) {	/* a shorter one ends the run */
			j++;
			break;
		}
	}
	b->gfirst[k] = i;
	b->gcount[k] = j - i;
	b->giov[k].iov_base = b->txiov[i].iov_base;
	b->giov[k].iov_len = total;
	memset(h, 0, sizeof(*h));
	h->msg_name = &b->txsin[i];
	h->msg_namelen = sizeof(b->txsin[i]);
	h->msg_iov = &b->giov[k];
	h->msg_iovlen = 1;
	if (j - i > 1) {
		h->msg_control = b->gctl[k].buf;
		h->msg_controllen = sizeof(b->gctl[k].buf);
		c = CMSG_FIRSTHDR(h);
		c->cmsg_level = IPPROTO_UDP;
		c->cmsg_type = UDP_SEGMENT;
		c->cmsg_len = CMSG_LEN(sizeof(v));
		v = (uint16_t)seg;
		memcpy(CMSG_DATA(c), &v, sizeof(v));
	}
	return j - i;
}

static void
batch_flush_gso(struct batch *b)
{
	unsigned int i, k, nm = 0;
	int n;

	for (i = 0; i < b->ntx; nm++)
		i += batch_gso_run(b, i, nm);
	for (k = 0; k < nm;) {
		n = sendmmsg(b->fd, b->gm + k, nm - k, 0);
		if (n > 0) {
			for (i = k; i < k + (unsigned int)n; i++)
				if (b->gcount[i] > 1) {
					b->gso_runs++;
					b->gso_dgrams += b->gcount[i];
				}
			k += (unsigned int)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		/* Refused as a run: one by one.  Else lost, as in UDP. */
		if (b->gcount[k] > 1 && (errno == EINVAL || errno == EIO))
			batch_sendmmsg(b, b->txm + b->gfirst[k], b->gcount[k]);
		k++;
	}
}
#endif

void
batch_flush(struct batch *b)
{
#ifdef BATCH_GSO
	if (b->gso)
		batch_flush_gso(b);
	else
#endif
	batch_sendmmsg(b, b->txm, b->ntx);
	b->ntx = 0;
	b->txused = 0;
}
#else
void
batch_send(struct batch *b, uint32_t ip, uint16_t port, const void *buf,
    size_t len)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = ip;
	sin.sin_port = htons(port);
	/* A full buffer or an ICMP error loses one datagram, as UDP may. */
	(void)sendto(b->fd, buf, len, 0, (struct sockaddr *)&sin,
	    sizeof(sin));
}

void
batch_flush(struct batch *b)
{
	(void)b;
}
#endif

void
batch_gso_stats(const struct batch *b, uint64_t *runs, uint64_t *dgrams)
{
	*runs = b->gso_runs;
	*dgrams = b->gso_dgrams;
}
