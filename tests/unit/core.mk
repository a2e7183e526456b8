# SPDX-License-Identifier: ISC
# core unit tests: the peer table and the client and relay state machines
UNIT_TESTS += tests/unit/test_peer tests/unit/test_core_client \
	tests/unit/test_core_relay tests/unit/test_core_discovery \
	tests/unit/test_core_sym tests/unit/test_core_hairpin
tests_unit_test_peer_SOURCES = tests/unit/test_peer.c
tests_unit_test_peer_LDADD = libcore.a
tests_unit_test_core_client_SOURCES = tests/unit/test_core_client.c \
	tests/unit/core_fake.c tests/unit/core_fake.h
tests_unit_test_core_client_LDADD = libcore.a
tests_unit_test_core_relay_SOURCES = tests/unit/test_core_relay.c \
	tests/unit/core_fake.c tests/unit/core_fake.h
tests_unit_test_core_relay_LDADD = libcore.a
tests_unit_test_core_discovery_SOURCES = \
	tests/unit/test_core_discovery.c tests/unit/core_fake.c \
	tests/unit/core_fake.h
tests_unit_test_core_discovery_LDADD = libcore.a
tests_unit_test_core_sym_SOURCES = tests/unit/test_core_sym.c \
	tests/unit/core_fake.c tests/unit/core_fake.h
tests_unit_test_core_sym_LDADD = libcore.a
tests_unit_test_core_hairpin_SOURCES = tests/unit/test_core_hairpin.c \
	tests/unit/core_fake.c tests/unit/core_fake.h
tests_unit_test_core_hairpin_LDADD = libcore.a
