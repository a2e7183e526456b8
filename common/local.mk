# SPDX-License-Identifier: ISC
# The platform-neutral core and the programs' main()s.
# Each line below is owned by one area; add files on your own line.
noinst_LIBRARIES += libcore.a
libcore_a_SOURCES =
# foundation: logging, configuration, command line, compat
libcore_a_SOURCES += common/compat.h common/log.c common/log.h common/conf.c common/conf.h \
	common/cmdline.c common/cmdline.h compat/compat.c \
	common/conf_value.c common/conf_value.h common/conf_print.c
# codec: Teredo addresses, packets, keyed hash
libcore_a_SOURCES += common/teredo.c common/teredo.h common/packet.c common/packet.h \
	common/siphash.c common/siphash.h
# engine core: peer table, client and relay state machines
libcore_a_SOURCES += common/peer.c common/peer.h common/peer_impl.h \
	common/peer_queue.c common/core.c common/core.h \
	common/core_impl.h common/qualify.c common/outbound.c common/inbound.c \
	common/bubble.c common/discovery.c common/hairpin.c common/rport.c
# server core
libcore_a_SOURCES += common/server.c common/server.h
# daemon layer shared by the programs: privsep messages, daemonizing
libcore_a_SOURCES += common/privmsg.c common/privmsg.h common/daemon.c common/daemon.h
# port: the priv<->engine channel's framing, the same on every OS
libcore_a_SOURCES += common/chan.c common/chan.h
# daemon: miredo's priv process (see miredo_SOURCES)
EXTRA_DIST += common/priv.h common/resolve.h common/hook.h common/miredo.h

sbin_PROGRAMS += miredo miredo-server miredo-checkconf
miredo_SOURCES = common/miredo.c common/engine.c common/engine.h \
	common/miredo.h common/supervise.c common/priv.c common/priv.h \
	common/resolve.c common/resolve.h common/hook.c common/hook.h
miredo_LDADD = libcore.a libos.a $(SECCOMP_LIBS)
# perf: batched UDP I/O of the engine
miredo_SOURCES += common/batch.c common/batch.h common/discsock.c common/discsock.h
# RFC 6081 5.4, 5.5: the engine's random-port sockets
miredo_SOURCES += common/rsock.c common/rsock.h
miredo_server_SOURCES = common/server_main.c common/server_child.c common/server_child.h
miredo_server_LDADD = libcore.a libos.a $(SECCOMP_LIBS)
# perf: the server's batched UDP I/O, the engine's batch.c
miredo_server_SOURCES += common/batch.c common/batch.h
miredo_checkconf_SOURCES = common/checkconf.c
miredo_checkconf_LDADD = libcore.a
# status: the control socket of both daemons and miredo-status (helper "status")
libcore_a_SOURCES += common/ctl.c common/ctl.h common/json.c common/json.h
sbin_PROGRAMS += miredo-status
miredo_status_SOURCES = common/miredo_status.c
miredo_status_LDADD = libcore.a
# port mapping on the NAT (UPnP IGD, NAT-PMP): core hook, message, priv's child
libcore_a_SOURCES += common/core_portmap.c common/portmap_msg.c common/portmap.h
miredo_SOURCES += common/portmap.c common/portmap_child.c
# PCP (RFC 6887): its messages (pure), the child's I/O
libcore_a_SOURCES += common/pcp.c common/pcp.h
miredo_SOURCES += common/portmap_pcp.c
miredo_LDADD += $(MINIUPNPC_LIBS) $(NATPMP_LIBS)
# offload: tunnel super-packets split for the engine (helper "offload")
miredo_SOURCES += common/gso.c common/gso.h
