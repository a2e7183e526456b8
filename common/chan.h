/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The miredo authors */
#ifndef CHAN_H
#define CHAN_H

/*
 * The channel between miredo's root parent (priv) and its engine: the
 * same on every OS.  A stream socketpair (macOS has no SOCK_SEQPACKET for
 * Unix sockets), carrying frames of a 4-byte length in host byte order
 * (both ends are one program on one machine) and that many bytes of
 * message.  A length of 0 or over CHAN_MSGMAX, or an end of file inside
 * a frame, is malformed: the stream cannot be trusted after it.  What a
 * message holds is privmsg.h's business, not this module's.
 *
 * Closing one end is seen as CHAN_EOF at the other: the engine exits
 * when priv goes away, and priv learns that the engine died.
 */

#include <stddef.h>
#include <stdint.h>

#define CHAN_MSGMAX	1024	/* the largest message: a log line (log.h) */
#define CHAN_HDRLEN	4	/* the length prefix */
#define CHAN_SEND_WAIT	1000	/* ms chan_send() waits for room, per wait */

enum chan_rc {
	CHAN_AGAIN,	/* no whole message yet (EAGAIN): poll again */
	CHAN_MSG,	/* one message: *msg and *len are set */
	CHAN_EOF,	/* the other end closed, between two messages */
	CHAN_BAD,	/* malformed: bad length, or EOF inside a frame */
	CHAN_ERROR	/* the read failed: errno is set */
};

/* The receiving side's state: a frame read in pieces. */
struct chan_reader {
	size_t		have;		/* bytes of the current frame so far */
	int		broken;		/* CHAN_BAD was returned */
	uint32_t	len;		/* its length, once the prefix is in */
	unsigned char	hdr[CHAN_HDRLEN];
	union {
		uint32_t	align;	/* messages start with a uint32_t */
		unsigned char	buf[CHAN_MSGMAX];
	} body;
};

/* A stream socketpair, both ends close-on-exec.  0, or -1 with errno. */
int	chan_pair(int sv[2]);
/*
 * Send one message (1..CHAN_MSGMAX bytes) in full, through partial
 * writes and EINTR; on a non-blocking descriptor, wait up to
 * CHAN_SEND_WAIT ms at a time for room.  0, or -1 with errno (EMSGSIZE
 * for a bad length, ETIMEDOUT); after a failure part of a frame may have
 * gone out, so the channel must be closed.
 */
int	chan_send(int fd, const void *msg, size_t len);
void	chan_reader_init(struct chan_reader *r);
/*
 * Read at most one message.  The bytes of a frame are read as they come
 * and never past its end, so what follows stays in the socket for the
 * next call.  On CHAN_MSG, *msg points into r (aligned for uint32_t)
 * until the next call.  After CHAN_BAD, CHAN_EOF or CHAN_ERROR the
 * channel is done with.
 */
enum chan_rc chan_read(int fd, struct chan_reader *r, const void **msg,
	    size_t *len);

#endif /* CHAN_H */
