#!/bin/bash
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# Compile the OS-neutral tests (tests/unit, tests/sim, tests/fake) against
# the FreeBSD and OpenBSD headers of ../shared/sysroots, as check.sh does
# for the programs' files, so that a port maintainer can build `make check`
# there.  Nothing is linked or run.
#
#	tests/cross/unit_headers.sh [SYSROOTS]	(default ../shared/sysroots)
#
# Left out: test_bsd_priv.c (its fakes of setgroups(2) and the set*id
# calls have glibc's prototypes) and test_capsicum.c (it brings its own
# <sys/capsicum.h>).  Prints one line per file that fails, then
# "N passed, N failed"; exit 0 only if every file compiled.
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
sysroots=$(cd "${1:-$src/../shared/sysroots}" 2>/dev/null && pwd) ||
    { echo "unit_headers.sh: no sysroots folder" >&2; exit 2; }
cc=${CC_BSD:-clang}
command -v "$cc" >/dev/null || { echo "unit_headers.sh: no $cc" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/unit-headers.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
warn=$(sed -n 's/^WARN_CFLAGS="\(.*\)"$/\1/p' "$src/configure.ac" | head -n 1)
read -ra flags <<<"$warn"
flags+=(-Werror -DHAVE_CONFIG_H -Icommon -Ios -Icompat
	'-DSYSCONFDIR="/usr/local/etc"' '-DRUNSTATEDIR="/var/run"')
passed=0 failed=0

cd "$src" || exit 1
files=()
for f in tests/unit/*.c tests/sim/*.c tests/fake/*.c; do
	case $f in
	*/test_bsd_priv.c|*/test_capsicum.c) ;;
	*) files+=("$f") ;;
	esac
done
for os in freebsd openbsd; do
	case $os in
	freebsd) triple=x86_64-unknown-freebsd14.1
		defs=(-D__FreeBSD_version=1402000) ;;
	openbsd) triple=x86_64-unknown-openbsd7.8
		defs=(-D___OpenBSD=202510 -DOpenBSD7_8) ;;
	esac
	root=$sysroots/$os/usr/include
	if [ ! -d "$root" ]; then
		echo "FAIL $os: no headers at $root"
		failed=$((failed + 1))
		continue
	fi
	mkdir -p "$tmp/$os" && cp "$sysroots/config/$os.h" "$tmp/$os/config.h"
	for f in "${files[@]}"; do
		if out=$("$cc" --target="$triple" -nostdinc -isystem "$root" \
		    -isystem "$("$cc" -print-resource-dir)/include" "${defs[@]}" \
		    -I"$tmp/$os" "${flags[@]}" -c -o /dev/null "$f" 2>&1); then
			passed=$((passed + 1))
		else
			failed=$((failed + 1))
			echo "FAIL $os $f: $(echo "$out" | grep -m 1 error)"
		fi
	done
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
