#!/bin/sh
# SPDX-License-Identifier: ISC
# Golden configuration tests for miredo-checkconf:
#  - N.conf (srv-N.conf with -s) must pass, and `-v` must print N.ok;
#    that output must itself pass and print the same (canonical form);
#  - bad-*.conf (bad-srv-*.conf with -s) must fail, and the first message
#    must be the one written after "# error: " on their first line;
#  - no name is ever resolved (run without network when possible).
# UPDATE_GOLDEN=1 rewrites the .ok files and the "# error:" lines instead.
set -u

bin=${CHECKCONF:-$(pwd)/miredo-checkconf}
dir=${srcdir:-.}/tests/conf
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
[ -x "$bin" ] || { echo "no $bin"; exit 99; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/conftest.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$dir" || exit 99
pass=0
fail=0

ok() { pass=$((pass + 1)); echo "ok   $1"; }
notok() { fail=$((fail + 1)); echo "FAIL $1"; }

kindflag() {
	case $1 in srv-*|bad-srv-*) echo -s ;; *) echo ;; esac
}

check_good() {
	f=$1
	ok=${f%.conf}.ok
	flag=$(kindflag "$f")
	if ! "$bin" $flag -v "$f" >"$tmp/out" 2>"$tmp/err"; then
		cat "$tmp/err"
		notok "$f: rejected"
		return
	fi
	if [ -n "${UPDATE_GOLDEN:-}" ]; then
		cp "$tmp/out" "$ok"
		echo "updated $ok"
	elif ! diff -u "$ok" "$tmp/out"; then
		notok "$f: -v output differs from $ok"
		return
	fi
	# The canonical form parses back to itself (warnings allowed, such
	# as the deprecated RelayType restricted).
	if ! "$bin" $flag -v "$tmp/out" >"$tmp/out2" 2>"$tmp/err2" ||
	    grep -qv ': warning: ' "$tmp/err2" ||
	    ! cmp -s "$tmp/out" "$tmp/out2"; then
		cat "$tmp/err2"
		notok "$f: canonical form does not re-parse to itself"
		return
	fi
	ok "$f"
}

check_bad() {
	f=$1
	want=$(sed -n '1s/^# error: //p' "$f")
	flag=$(kindflag "$f")
	"$bin" $flag -v "$f" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	got=$(sed -n 1p "$tmp/err")
	if [ -n "${UPDATE_GOLDEN:-}" ] && [ $rc -eq 1 ]; then
		{ echo "# error: $got"; sed 1d "$f"; } >"$tmp/new" &&
		    cp "$tmp/new" "$f"
		want=$got
	fi
	if [ $rc -ne 1 ]; then
		notok "$f: exit status $rc, want 1"
	elif [ -s "$tmp/out" ]; then
		notok "$f: printed a configuration although invalid"
	elif [ -z "$want" ] || [ "$got" != "$want" ]; then
		echo "want: $want"
		echo "got:  $got"
		notok "$f: wrong first message"
	else
		ok "$f"
	fi
}

# A name that cannot resolve (RFC 6761 .invalid) passes at once, also
# without any network at all (unshare -n) when we are root, and the
# program makes no Internet or netlink socket (strace) when it can tell.
check_nodns() {
	printf 'ServerAddress teredo.invalid\nServerAddress2 x.invalid\n' \
	    >"$tmp/nodns.conf"
	start=$(date +%s)
	if ! "$bin" "$tmp/nodns.conf" 2>"$tmp/err"; then
		cat "$tmp/err"
		notok "no DNS: unresolvable name rejected"
		return
	fi
	[ $(($(date +%s) - start)) -le 2 ] || { notok "no DNS: slow"; return; }
	if [ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null; then
		unshare -n "$bin" "$tmp/nodns.conf" ||
		    { notok "no DNS: fails without network"; return; }
		echo "     (checked without network: unshare -n)"
	fi
	if command -v strace >/dev/null 2>&1 &&
	    strace -f -qq -e trace=socket,connect -o "$tmp/trace" \
	    "$bin" "$tmp/nodns.conf" 2>/dev/null; then
		if grep -E 'AF_INET|AF_INET6|AF_NETLINK|connect\(' \
		    "$tmp/trace"; then
			notok "no DNS: the program opened a network socket"
			return
		fi
		echo "     (checked with strace: no socket, no connect)"
	fi
	ok "no DNS lookup"
}

for f in *.conf; do
	case $f in
	bad-*)	check_bad "$f" ;;
	*)	check_good "$f" ;;
	esac
done
check_nodns
"$bin" -V >"$tmp/v" && grep -q '^OS backend: ' "$tmp/v" &&
    ok "-V" || notok "-V"
"$bin" --bogus >/dev/null 2>&1
[ $? -eq 2 ] && ok "--bogus exits 2" || notok "--bogus exits 2"
"$bin" a b >/dev/null 2>&1
[ $? -eq 2 ] && ok "extra argument exits 2" || notok "extra argument exits 2"
# miredo's daemon options, as init scripts pass them (Debian: -f FILE).
"$bin" -f -u nobody -p "$tmp/x.pid" 01-client.conf >/dev/null 2>&1 &&
    "$bin" -c 01-client.conf >/dev/null 2>&1 &&
    ! "$bin" -c bad-mtu-low.conf >/dev/null 2>&1 &&
    ok "daemon options accepted (-f -u -p, -c FILE)" ||
    notok "daemon options accepted (-f -u -p, -c FILE)"
"$bin" -c 01-client.conf 01-client.conf >/dev/null 2>&1
[ $? -eq 2 ] && ok "-c and a file exits 2" || notok "-c and a file exits 2"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
