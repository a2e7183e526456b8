# SPDX-License-Identifier: ISC
# perf: the engine's batched UDP I/O over loopback sockets (common/batch.c)
UNIT_TESTS += tests/unit/test_batch
tests_unit_test_batch_SOURCES = tests/unit/test_batch.c common/batch.c \
	common/batch.h
tests_unit_test_batch_LDADD = libcore.a
