#!/bin/bash
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# Peer-table benchmark (issue 16: <= 128 bytes per idle peer at 10^6,
# mass expiry adding < 5 ms to a live peer's latency), for each COUNT
# (default 10^4, 10^5, 10^6):
#   1. in process, any user: peerbench (built here from the build
#      directory's libcore.a): the table's bytes per peer and this
#      process's RSS growth per peer, for a relay core that learned COUNT
#      trusted peers; then all of them idle at once, expired by
#      core_timer() in steps: the worst call, and the worst time of a
#      packet to a live peer between two calls; and what one pass over
#      all of them (the table before the steps) takes.
#   2. as root with Debian's miredo installed (skipped with -x):
#      tests/bench/relay.sh -m, one round of ours and one of Debian's
#      relay, each sent one small packet to each of COUNT Teredo
#      destinations: VmRSS idle and after (rss0, rssN in kB).
#
# Usage: tests/bench/peers.sh [-b BUILDDIR] [-N NICE] [-x] [COUNT...]
#   -N  niceness of everything it runs (default 10: a shared machine)
# Numbers, not pass/fail; not part of `make check`.

set -u
here=$(cd "$(dirname "$0")" && pwd)
builddir=$PWD
nice=10
netns=1
while getopts b:N:x o; do
	case $o in
	b) builddir=$OPTARG ;;
	N) nice=$OPTARG ;;
	x) netns=0 ;;
	*) echo "usage: $0 [-b BUILDDIR] [-N NICE] [-x] [COUNT...]" >&2
	    exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- 10000 100000 1000000
[ -f "$builddir/libcore.a" ] && [ -f "$builddir/config.h" ] ||
    { echo "SKIP: no libcore.a in $builddir (-b BUILDDIR)"; exit 77; }
command -v cc >/dev/null || { echo "SKIP: cc missing"; exit 77; }
tmp=$(mktemp -d "/tmp/peers$$.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
src=$here/../..
cc -O2 -I"$builddir" -I"$src/common" -I"$src/tests/unit" \
    -o "$tmp/peerbench" "$here/peerbench.c" "$src/tests/unit/core_fake.c" \
    "$builddir/libcore.a" || exit 1

echo "peer table, in process (nice $nice; load: $(cut -d' ' -f1-3 \
    /proc/loadavg), $(nproc) CPUs)"
for n in "$@"; do
	# One process each: RSS growth must not reuse a freed table.
	nice -n "$nice" "$tmp/peerbench" "$n"
done

[ "$netns" = 1 ] || exit 0
if [ "$(id -u)" != 0 ]; then
	echo "relay RSS against Debian's miredo: skipped (not root)"
	exit 0
fi
for n in "$@"; do
	# A pace the relays can follow on a loaded machine: 50 000/s.
	s=$(( n / 50000 > 3 ? n / 50000 : 3 ))
	echo
	echo "relays after $n destinations (relay.sh -m -r 1 -n $n -s $s)"
	"$here/relay.sh" -b "$builddir" -m -r 1 -n "$n" -s "$s" -N "$nice" |
	    grep -v '^round='
done
