# SPDX-License-Identifier: ISC
# Hostile traffic, floods of spoofed peers and faults against our daemons
# in network namespaces (root; skip with 77 otherwise).  The scripts source
# tests/interop/topo.sh and use ./miredo, ./miredo-server and the
# generator from the build directory.
check_PROGRAMS += tests/hostile/teredo_gen
tests_hostile_teredo_gen_SOURCES = tests/hostile/teredo_gen.c
tests_hostile_teredo_gen_LDADD = libcore.a
dist_noinst_SCRIPTS += tests/hostile/hostile.sh tests/hostile/flood.sh \
	tests/hostile/faults.sh tests/hostile/common.sh
if OS_LINUX
TESTS += tests/hostile/hostile.sh tests/hostile/flood.sh \
	tests/hostile/faults.sh
endif
