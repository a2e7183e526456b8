#!/bin/sh
# SPDX-License-Identifier: ISC
# Build the libFuzzer harnesses in their own build directory and run each
# for SECONDS (default 20) on a copy of its seed corpus:
#   tests/fuzz/run.sh [SECONDS]
# e.g. `tests/fuzz/run.sh 15` in CI, `tests/fuzz/run.sh 600` for a longer
# campaign.  Environment: FUZZ_BUILDDIR (default: build-fuzz/ at the top
# of the tree, reused between runs), FUZZ_JOBS (harnesses at a time).
# The last line is "fuzz: N harnesses, E executions, F failed".
# Exit 77 (skip) without clang and its libFuzzer runtime.
set -u

secs=${1:-20}
case $secs in
''|*[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;;
esac
top=$(cd "$(dirname "$0")/../.." && pwd) || exit 1
build=${FUZZ_BUILDDIR:-$top/build-fuzz}
jobs=$(nproc 2>/dev/null || echo 2)

# clang with -fsanitize=fuzzer (Debian: clang and libclang-rt-*-dev).
probe=$(mktemp -d) || exit 1
trap 'rm -rf "$probe"' EXIT
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)' \
    '{ (void)d; (void)n; return 0; }' >"$probe/t.c"
if ! clang -fsanitize=fuzzer,address,undefined -o "$probe/t" "$probe/t.c" \
    >/dev/null 2>&1; then
	echo "run.sh: clang with libFuzzer not found: fuzzing skipped"
	exit 77
fi

if [ ! -x "$top/configure" ]; then
	(cd "$top" && autoreconf -fi) || exit 1
fi
mkdir -p "$build" && cd "$build" || exit 1
# Warnings are on, not fatal: the gcc build of CI has -Werror.
if [ ! -f Makefile ] || ! grep -q '^ENABLE_FUZZ_TRUE = *$' Makefile; then
	"$top/configure" -q CC=clang --enable-fuzz || exit 1
fi
if ! make -j"$jobs" fuzz-build >make.log 2>&1; then
	tail -n 30 make.log
	echo "fuzz: build failed ($build/make.log)"
	exit 1
fi
make -s fuzz-all FUZZ_TIME="$secs" >fuzz.log 2>&1
rc=$?
grep -v '^make.*\*\*\*' fuzz.log
[ $rc -eq 0 ] || exit 1
