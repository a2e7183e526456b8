# SPDX-License-Identifier: ISC
# miredo's life cycle as a relay: privilege separation, signals, pid file,
# restarts, clean shutdown (root; skips with 77 otherwise).  lib.sh: the
# namespace set-up and check helpers it shares with status.sh.
EXTRA_DIST += tests/netns/lib.sh tests/netns/checks.sh
dist_noinst_SCRIPTS += tests/netns/lifecycle.sh
if OS_LINUX
TESTS += tests/netns/lifecycle.sh
endif
# miredo as a client with Debian's miredo-server: DNS at start-up, hook,
# network change, crashed engine (skips with 77 without miredo-server)
dist_noinst_SCRIPTS += tests/netns/client_life.sh
if OS_LINUX
TESTS += tests/netns/client_life.sh
endif
# the status socket of miredo and miredo-server, miredo-status (helper "status")
dist_noinst_SCRIPTS += tests/netns/status.sh
if OS_LINUX
TESTS += tests/netns/status.sh
endif
# our client re-qualifies against another server on SIGHUP, then SIGTERM
# leaves nothing behind (helper "asan")
dist_noinst_SCRIPTS += tests/netns/client_reload.sh
if OS_LINUX
TESTS += tests/netns/client_reload.sh
endif
# RFC 6081 trailers through our server and Debian's, answered by our
# clients; a lost server's name resolved again (issue 14)
dist_noinst_SCRIPTS += tests/netns/trailers.sh
if OS_LINUX
TESTS += tests/netns/trailers.sh
endif
# RFC 6081: a client behind a port-preserving and behind a sequential
# symmetric NAT reaches one behind a port-restricted NAT with
# SymmetricNATSupport, and not without (issue 15)
dist_noinst_SCRIPTS += tests/netns/rfc6081.sh
if OS_LINUX
TESTS += tests/netns/rfc6081.sh
endif
# the netns tests with the daemons under ASan + UBSan (issue 9), run by
# tests/all.sh as root
EXTRA_DIST += tests/asan-netns.sh
# local client discovery (RFC 4380 5.2.8): two of our clients behind one
# NAT that does not hairpin reach each other over their LAN, and not
# with LocalDiscovery no
dist_noinst_SCRIPTS += tests/netns/local_discovery.sh
if OS_LINUX
TESTS += tests/netns/local_discovery.sh
endif
# RFC 6081 hairpinning: two of our clients on two inside subnets of one
# NAT that does not hairpin reach each other inside, and not with
# Hairpinning no (nor Debian's miredo)
dist_noinst_SCRIPTS += tests/netns/hairpin.sh
if OS_LINUX
TESTS += tests/netns/hairpin.sh
endif
