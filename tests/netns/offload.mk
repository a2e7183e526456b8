# SPDX-License-Identifier: ISC
# Tunnel offloads through the whole system: 100 MB of TCP each way intact
# with pings and small UDP alongside, super-packets split by the relay
# and the client; then a kernel that refuses offloads (old_tun.so): the
# plain tunnel (helper "offload"; root, skips with 77 otherwise).
dist_noinst_SCRIPTS += tests/netns/offload.sh tests/netns/udp_echo.py
if OS_LINUX
check_PROGRAMS += tests/netns/old_tun.so
tests_netns_old_tun_so_SOURCES = tests/netns/old_tun.c
tests_netns_old_tun_so_CFLAGS = $(AM_CFLAGS) -fPIC
tests_netns_old_tun_so_LDFLAGS = -shared
tests_netns_old_tun_so_LDADD = -ldl
TESTS += tests/netns/offload.sh
endif
