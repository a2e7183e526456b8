# SPDX-License-Identifier: ISC
# Benchmarks (helper "bench"): run by hand as root from the build
# directory, never by `make check`; numbers, not pass/fail.  tbench.c is
# compiled by the scripts themselves (plain cc, Linux only).
EXTRA_DIST += tests/bench/README.md tests/bench/relay.sh \
	tests/bench/server.sh tests/bench/tcp.sh tests/bench/tbench.c \
	tests/bench/report.awk tests/bench/lib.sh tests/bench/peers.sh \
	tests/bench/peerbench.c tests/bench/fwd.c
