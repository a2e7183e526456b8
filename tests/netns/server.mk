# SPDX-License-Identifier: ISC
# miredo-server in network namespaces (root; skip with 77 otherwise).
check_PROGRAMS += tests/netns/teredo_probe
tests_netns_teredo_probe_SOURCES = tests/netns/teredo_probe.c
tests_netns_teredo_probe_LDADD = libcore.a
dist_noinst_SCRIPTS += tests/netns/server_life.sh tests/netns/server_interop.sh \
	tests/netns/server_native.sh
if OS_LINUX
TESTS += tests/netns/server_life.sh tests/netns/server_interop.sh \
	tests/netns/server_native.sh
endif
