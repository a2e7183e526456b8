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
# miredo-status -j, --prometheus, -P (issue 17): client, relay, server
dist_noinst_SCRIPTS += tests/netns/status_json.sh tests/status_check.py
EXTRA_DIST += tests/status.schema.json
if OS_LINUX
TESTS += tests/netns/status_json.sh
endif
