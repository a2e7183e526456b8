#!/bin/sh
# SPDX-License-Identifier: ISC
# Every manual page is clean under "mandoc -Tlint -W warning" and has no
# unsubstituted @placeholder@ left.  Run from the top build directory.
if ! command -v mandoc >/dev/null 2>&1; then
	echo "SKIP: mandoc is not installed"
	exit 77
fi
# The five pages of miredo 1.2.6, and any other page built here.
pages="man/miredo.8 man/miredo-server.8 man/miredo-checkconf.8
    man/miredo.conf.5 man/miredo-server.conf.5"
for p in man/*.[1-9]; do
	case " `echo $pages` " in
	*" $p "*) ;;
	*) test -f "$p" && pages="$pages $p" ;;
	esac
done
fail=0
for p in $pages; do
	if ! test -f "$p"; then
		echo "FAIL: $p was not built"
		fail=1
		continue
	fi
	out=`mandoc -Tlint -W warning "$p" 2>&1`
	if test -n "$out"; then
		echo "FAIL: $p:"
		echo "$out"
		fail=1
	fi
	if grep -n '@[A-Za-z_]*@' "$p"; then
		echo "FAIL: $p: placeholder left"
		fail=1
	fi
	test $fail = 0 && echo "ok: $p"
done
exit $fail
