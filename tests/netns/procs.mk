# SPDX-License-Identifier: ISC
# Every unprivileged process of a running client and server: uid, no
# capabilities, no_new_privs, seccomp, and only the descriptors it needs;
# the filter kills a forbidden call and the supervisor logs it (review
# H1, M2).  Root only (77 otherwise).
dist_noinst_SCRIPTS += tests/netns/procs.sh
if OS_LINUX
check_PROGRAMS += tests/netns/dns_stub tests/netns/intruder.so
tests_netns_dns_stub_SOURCES = tests/netns/dns_stub.c
tests_netns_intruder_so_SOURCES = tests/netns/intruder.c
tests_netns_intruder_so_CFLAGS = $(AM_CFLAGS) -fPIC
tests_netns_intruder_so_LDFLAGS = -shared
tests_netns_intruder_so_LDADD = -ldl
TESTS += tests/netns/procs.sh
endif
