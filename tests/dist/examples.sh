#!/bin/sh
# SPDX-License-Identifier: ISC
# Every example configuration in the manual pages (between the
# '.\" EXAMPLE miredo|server' and '.\" END EXAMPLE' markers) and every
# sample in dist/ passes miredo-checkconf, also with its commented-out
# directives enabled; the -v canonical form re-parses to itself; every
# directive that miredo-checkconf -v prints is documented in the pages.
# Run from the top build directory with $srcdir set.
: "${srcdir:=.}"
cc=./miredo-checkconf
if ! test -x "$cc"; then
	echo "FAIL: $cc was not built"
	exit 1
fi
tmp=`mktemp -d "${TMPDIR:-/tmp}/miredo-examples.XXXXXX"` || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
fail=0

# check KIND FILE LABEL
check()
{
	opt=
	page=man/miredo.conf.5
	if test "$1" = server; then
		opt=-s
		page=man/miredo-server.conf.5
	fi
	if ! "$cc" $opt "$2" >"$tmp/out" 2>&1; then
		echo "FAIL: $3 is rejected:"
		sed 's/^/  | /' "$2"
		cat "$tmp/out"
		fail=1
		return
	fi
	if test -s "$tmp/out"; then
		echo "FAIL: $3: miredo-checkconf is not silent:"
		cat "$tmp/out"
		fail=1
	fi
	if ! "$cc" $opt -v "$2" >"$tmp/canon" 2>"$tmp/out" ||
	    ! "$cc" $opt -v "$tmp/canon" >"$tmp/canon2" 2>>"$tmp/out" ||
	    ! cmp -s "$tmp/canon" "$tmp/canon2"; then
		echo "FAIL: $3: the -v canonical form does not re-parse to itself"
		cat "$tmp/out"
		diff "$tmp/canon" "$tmp/canon2"
		fail=1
		return
	fi
	for d in `sed -e 's/#.*//' "$tmp/canon" | awk 'NF { print $1 }'`; do
		if ! grep -qi "^\.It Ic $d " "$page"; then
			echo "FAIL: $3: directive $d is not documented in $page"
			fail=1
		fi
	done
	echo "ok: $3"
}

# The examples of the built pages (paths substituted).
for p in man/miredo.8 man/miredo-server.8 man/miredo.conf.5 \
    man/miredo-server.conf.5; do
	b=`basename "$p"`
	awk -v dir="$tmp" -v base="$b" '
	/^\.\\" EXAMPLE / {
		n++; f = dir "/ex-" base "-" n "." $3; printf "" > f
		inex = 1; next
	}
	/^\.\\" END EXAMPLE/ { inex = 0; close(f); next }
	inex && !/^\./ { gsub(/\\&/, ""); gsub(/\\e/, "\\"); print > f }
	' "$p"
done
n=0
for f in "$tmp"/ex-*; do
	test -f "$f" || continue
	n=`expr $n + 1`
	kind=${f##*.}
	check "$kind" "$f" "example `basename "$f"`"
done
if test $n -lt 7; then
	echo "FAIL: only $n examples found in the pages (markers broken?)"
	fail=1
fi

# The samples as shipped, and with every "#Directive value" enabled.
for s in miredo server; do
	f=$srcdir/dist/miredo.conf
	test $s = server && f=$srcdir/dist/miredo-server.conf
	check $s "$f" "sample `basename "$f"`"
	sed 's/^#\([A-Za-z][A-Za-z0-9]*[ 	]\)/\1/' "$f" >"$tmp/all.$s"
	check $s "$tmp/all.$s" "sample `basename "$f"` (all enabled)"
done
exit $fail
