# SPDX-License-Identifier: ISC
# libFuzzer harnesses (./configure --enable-fuzz CC=clang):
#   make fuzz-all [FUZZ_TIME=20] [FUZZ_JOBS=N]  every harness FUZZ_TIME s
#   make fuzz-smoke                             every harness 15 s (CI)
#   make fuzz-parse                             the codec's harness alone
#   make fuzz-seeds                             rewrite the seed corpora
# or, from anywhere, tests/fuzz/run.sh [SECONDS] (own build directory).
# The core sources are compiled again into libfuzzcore.a so that they
# carry the fuzzer's coverage instrumentation and the sanitizers.
FUZZ_FLAGS = -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_LIB_FLAGS = -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=all
FUZZ_TIME = 20
FUZZ_HARNESSES = parse client relay server tun conf privmsg gso pcp
EXTRA_DIST += tests/fuzz/fuzz_parse.c tests/fuzz/fuzz_core.c \
	tests/fuzz/fuzz_core.h tests/fuzz/fuzz_client.c \
	tests/fuzz/fuzz_relay.c tests/fuzz/fuzz_server.c tests/fuzz/fuzz_tun.c \
	tests/fuzz/fuzz_conf.c tests/fuzz/fuzz_privmsg.c tests/fuzz/mkseeds.c \
	tests/fuzz/fuzz_gso.c tests/fuzz/fuzz_pcp.c \
	tests/fuzz/campaign.sh tests/fuzz/run.sh tests/fuzz/corpus \
	tests/fuzz/crashes
if ENABLE_FUZZ
noinst_LIBRARIES += tests/fuzz/libfuzzcore.a
tests_fuzz_libfuzzcore_a_SOURCES = common/teredo.c common/packet.c \
	common/siphash.c common/peer.c common/peer_queue.c common/core.c \
	common/qualify.c common/outbound.c common/inbound.c common/bubble.c \
	common/discovery.c common/hairpin.c common/rport.c common/server.c \
	common/privmsg.c common/conf.c common/conf_value.c \
	common/conf_print.c common/log.c common/chan.c compat/compat.c \
	tests/fuzz/fuzz_core.c
tests_fuzz_libfuzzcore_a_CFLAGS = $(AM_CFLAGS) -g $(FUZZ_LIB_FLAGS)

FUZZ_PROGS = tests/fuzz/fuzz_parse tests/fuzz/fuzz_client \
	tests/fuzz/fuzz_relay tests/fuzz/fuzz_server tests/fuzz/fuzz_tun \
	tests/fuzz/fuzz_conf tests/fuzz/fuzz_privmsg tests/fuzz/fuzz_gso \
	tests/fuzz/fuzz_pcp
noinst_PROGRAMS += $(FUZZ_PROGS) tests/fuzz/mkseeds
FUZZ_LDADD = tests/fuzz/libfuzzcore.a
tests_fuzz_fuzz_parse_SOURCES = tests/fuzz/fuzz_parse.c
tests_fuzz_fuzz_parse_CFLAGS = $(AM_CFLAGS) -g $(FUZZ_FLAGS)
tests_fuzz_fuzz_parse_LDFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_parse_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_client_SOURCES = tests/fuzz/fuzz_client.c
tests_fuzz_fuzz_client_CFLAGS = $(AM_CFLAGS) -g $(FUZZ_FLAGS)
tests_fuzz_fuzz_client_LDFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_client_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_relay_SOURCES = tests/fuzz/fuzz_relay.c
tests_fuzz_fuzz_relay_CFLAGS = $(AM_CFLAGS) -g $(FUZZ_FLAGS)
tests_fuzz_fuzz_relay_LDFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_relay_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_server_SOURCES = tests/fuzz/fuzz_server.c
tests_fuzz_fuzz_server_CFLAGS = $(AM_CFLAGS) -g $(FUZZ_FLAGS)
tests_fuzz_fuzz_server_LDFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_server_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_tun_SOURCES = tests/fuzz/fuzz_tun.c
tests_fuzz_fuzz_tun_CFLAGS = $(AM_CFLAGS) -g $(FUZZ_FLAGS)
tests_fuzz_fuzz_tun_LDFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_tun_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_conf_SOURCES = tests/fuzz/fuzz_conf.c
tests_fuzz_fuzz_conf_CFLAGS = $(AM_CFLAGS) -g $(FUZZ_FLAGS)
tests_fuzz_fuzz_conf_LDFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_conf_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_privmsg_SOURCES = tests/fuzz/fuzz_privmsg.c
tests_fuzz_fuzz_privmsg_CFLAGS = $(AM_CFLAGS) -g $(FUZZ_FLAGS)
tests_fuzz_fuzz_privmsg_LDFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_privmsg_LDADD = $(FUZZ_LDADD)
# offload: the tunnel's offload header (common/gso.c, built in here)
tests_fuzz_fuzz_gso_SOURCES = tests/fuzz/fuzz_gso.c common/gso.c
tests_fuzz_fuzz_gso_CFLAGS = $(AM_CFLAGS) -g $(FUZZ_FLAGS)
tests_fuzz_fuzz_gso_LDFLAGS = $(FUZZ_FLAGS)
# port mapping: PCP MAP answers (common/pcp.c, built in here)
tests_fuzz_fuzz_pcp_SOURCES = tests/fuzz/fuzz_pcp.c common/pcp.c common/teredo.c
tests_fuzz_fuzz_pcp_CFLAGS = $(AM_CFLAGS) -g $(FUZZ_FLAGS)
tests_fuzz_fuzz_pcp_LDFLAGS = $(FUZZ_FLAGS)
# Plain build: it only writes files.
tests_fuzz_mkseeds_SOURCES = tests/fuzz/mkseeds.c
tests_fuzz_mkseeds_LDADD = libcore.a
endif

fuzz-check-enabled:
	@test -n "$(FUZZ_PROGS)" || \
	    { echo "configure with --enable-fuzz CC=clang first"; exit 1; }

fuzz-build: fuzz-check-enabled $(FUZZ_PROGS)

fuzz-parse: fuzz-check-enabled $(FUZZ_PROGS)
	mkdir -p fuzz-corpus-parse
	./tests/fuzz/fuzz_parse -max_total_time=$(FUZZ_TIME) \
	    fuzz-corpus-parse $(srcdir)/tests/fuzz/corpus/parse

# Each harness on a copy of its seed corpus in fuzz-work/ (the tree's
# seeds stay as they are); fails on any crash, leak, timeout or abort.
fuzz-all: fuzz-check-enabled $(FUZZ_PROGS)
	$(SHELL) $(srcdir)/tests/fuzz/campaign.sh $(srcdir) $(FUZZ_TIME) \
	    $(FUZZ_HARNESSES)

fuzz-smoke: fuzz-check-enabled $(FUZZ_PROGS)
	$(SHELL) $(srcdir)/tests/fuzz/campaign.sh $(srcdir) 15 \
	    $(FUZZ_HARNESSES)

fuzz-seeds: fuzz-check-enabled tests/fuzz/mkseeds$(EXEEXT)
	./tests/fuzz/mkseeds $(srcdir)/tests/fuzz/corpus \
	    $(srcdir)/tests/data/packets.txt
	mkdir -p $(srcdir)/tests/fuzz/corpus/conf
	cp $(srcdir)/tests/conf/*.conf $(srcdir)/tests/fuzz/corpus/conf/

clean-local: fuzz-clean
fuzz-clean:
	rm -rf fuzz-work fuzz-corpus-parse
.PHONY: fuzz-check-enabled fuzz-build fuzz-parse fuzz-all fuzz-smoke \
	fuzz-seeds fuzz-clean
