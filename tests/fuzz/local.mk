# SPDX-License-Identifier: ISC
# codec: libFuzzer harness for the datagram parsers (./configure
# --enable-fuzz CC=clang; `make fuzz-parse` runs it FUZZ_TIME seconds).
# The codec sources are compiled into the harness so that they carry the
# fuzzer's coverage instrumentation.
FUZZ_FLAGS = -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_TIME = 60
EXTRA_DIST += tests/fuzz/fuzz_parse.c tests/fuzz/corpus/parse
if ENABLE_FUZZ
noinst_PROGRAMS += tests/fuzz/fuzz_parse
tests_fuzz_fuzz_parse_SOURCES = tests/fuzz/fuzz_parse.c common/teredo.c \
	common/packet.c common/siphash.c
tests_fuzz_fuzz_parse_CFLAGS = $(AM_CFLAGS) -g $(FUZZ_FLAGS)
tests_fuzz_fuzz_parse_LDFLAGS = $(FUZZ_FLAGS)
FUZZ_PARSE = tests/fuzz/fuzz_parse
endif

fuzz-parse: $(FUZZ_PARSE)
	@test -n "$(FUZZ_PARSE)" || \
	    { echo "configure with --enable-fuzz CC=clang first"; exit 1; }
	mkdir -p fuzz-corpus-parse
	./tests/fuzz/fuzz_parse -max_total_time=$(FUZZ_TIME) \
	    fuzz-corpus-parse $(srcdir)/tests/fuzz/corpus/parse
.PHONY: fuzz-parse
