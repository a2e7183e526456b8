# SPDX-License-Identifier: ISC
# codec unit tests: UNIT_TESTS += tests/unit/test_x; tests_unit_test_x_SOURCES = ...; tests_unit_test_x_LDADD = libcore.a
UNIT_TESTS += tests/unit/test_teredo tests/unit/test_packet tests/unit/test_siphash
tests_unit_test_teredo_SOURCES = tests/unit/test_teredo.c tests/unit/tdata.h
tests_unit_test_teredo_LDADD = libcore.a
tests_unit_test_packet_SOURCES = tests/unit/test_packet.c tests/unit/tdata.h
tests_unit_test_packet_LDADD = libcore.a
tests_unit_test_siphash_SOURCES = tests/unit/test_siphash.c tests/unit/tdata.h
tests_unit_test_siphash_LDADD = libcore.a
EXTRA_DIST += tests/data/teredo_addr.txt tests/data/ipv4_global.txt \
	tests/data/siphash24.txt tests/data/packets.txt
