#!/bin/sh
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# On Linux, a build without the syscall filter must be asked for (the
# security review's M5): configure fails when libseccomp cannot be found
# (pkg-config made to find nothing), unless --without-seccomp is given,
# and then its summary says so.  Run from the top build directory with
# $srcdir set; skips (77) off Linux.
: "${srcdir:=.}"
[ "$(uname -s)" = Linux ] || { echo "SKIP: not Linux"; exit 77; }
top=$(cd "$srcdir" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/miredo-seccomp.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
fail=0

mkdir "$tmp/a" "$tmp/b"
if (cd "$tmp/a" && PKG_CONFIG=/bin/false "$top/configure" \
    --cache-file="$tmp/cache" >out 2>&1); then
	echo "FAIL: configure succeeded without libseccomp:"
	grep 'seccomp:' "$tmp/a/out"
	fail=1
elif grep -q 'libseccomp not found.*--without-seccomp' "$tmp/a/out"; then
	echo "ok: no libseccomp: configure fails and names --without-seccomp"
else
	echo "FAIL: configure failed for another reason:"
	tail -5 "$tmp/a/out"
	fail=1
fi
if (cd "$tmp/b" && PKG_CONFIG=/bin/false "$top/configure" \
    --cache-file="$tmp/cache" \
    --without-seccomp >out 2>&1) &&
    grep -q 'seccomp: *no (--without-seccomp' "$tmp/b/out"; then
	echo "ok: --without-seccomp: configured, and the summary says so"
else
	echo "FAIL: --without-seccomp:"
	tail -5 "$tmp/b/out"
	fail=1
fi
exit $fail
