#!/bin/sh
# SPDX-License-Identifier: ISC
# What a person reads at the terminal names the program and its role, not
# an internal process ("priv", "engine", "supervisor", "server"): started
# by an ordinary user, "miredo: must be started as root" and
# "miredo-server: must be started as root (to bind port 3544)"; as root
# in a network namespace of its own, every line of a relay begins with
# "miredo[relay]: ", of a client with "miredo[client]: " (also the lines
# its unprivileged engine sends through the privileged process), and of a
# server with "miredo-server: " (its supervisor's and its child's).  Run
# from the top build directory.
: "${srcdir:=.}"
skip()
{
	if [ "${CI:-}" = true ]; then
		echo "FAIL: $* (and CI=true)"
		exit 1
	fi
	echo "SKIP: $*"
	exit 77
}
[ "`id -u`" = 0 ] || skip "needs root (to start as another user)"
command -v setpriv >/dev/null 2>&1 || skip "no setpriv"
command -v unshare >/dev/null 2>&1 || skip "no unshare"
tmp=`mktemp -d "${TMPDIR:-/tmp}/miredo-msg.XXXXXX"` || exit 1
chmod 755 "$tmp"
pid=
trap 'test -n "$pid" && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
fail=0

# $1: expected first line of stderr; the rest: the command.
expect()
{
	want=$1
	shift
	"$@" >"$tmp/out" 2>&1
	got=`head -n 1 "$tmp/out"`
	if test "$got" = "$want"; then
		echo "ok: $want"
	else
		echo "FAIL: $*: expected \"$want\", got:"
		cat "$tmp/out"
		fail=1
	fi
}

cp "$srcdir/dist/miredo.conf" "$srcdir/dist/miredo-server.conf" "$tmp/"
chmod 644 "$tmp"/*.conf
asuser="setpriv --reuid=65534 --regid=65534 --clear-groups"
expect "miredo: must be started as root" \
    $asuser ./miredo -f -c "$tmp/miredo.conf" -p "$tmp/m.pid"
expect "miredo-server: must be started as root (to bind port 3544)" \
    $asuser ./miredo-server -f -c "$tmp/miredo-server.conf" -p "$tmp/s.pid"

# A configuration error, before any role is known.
printf 'RelayType sideways\n' >"$tmp/bad.conf"
expect "miredo: $tmp/bad.conf:1: RelayType: unknown value \"sideways\" (client, autoclient, relay, cone or restricted)" \
    ./miredo -f -c "$tmp/bad.conf" -p "$tmp/bad.pid"

# A relay (and a client) in a namespace with only lo: the start-up line.
if ! test -c /dev/net/tun; then
	skip "no /dev/net/tun"
fi
for role in relay client; do
	case $role in
	relay)	printf 'RelayType cone\nInterfaceName tmsg%s\n' $$ ;;
	client)	printf 'ServerAddress 192.0.2.1\nInterfaceName tmsg%s\n' $$ ;;
	esac >"$tmp/$role.conf"
	unshare -n sh -c 'ip link set lo up && exec "$@"' sh \
	    ./miredo -f -c "$tmp/$role.conf" -p "$tmp/$role.pid" \
	    >"$tmp/$role.log" 2>&1 &
	pid=$!
	i=0
	while test $i -lt 100 && ! grep -q "started on\|engine started" \
	    "$tmp/$role.log" && kill -0 $pid 2>/dev/null; do
		sleep 0.1
		i=`expr $i + 1`
	done
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
	pid=
	if grep -v "^miredo\[$role\]: " "$tmp/$role.log" >"$tmp/other" ||
	    ! test -s "$tmp/$role.log"; then
		echo "FAIL: $role: lines not starting with \"miredo[$role]: \":"
		cat "$tmp/$role.log"
		fail=1
	elif ! grep -q "^miredo\[$role\]: engine started" "$tmp/$role.log"; then
		echo "FAIL: $role: no line relayed from the engine:"
		cat "$tmp/$role.log"
		fail=1
	elif ! grep -q "^miredo\[$role\]: .*started" "$tmp/$role.log"; then
		echo "FAIL: $role: no start-up line:"
		cat "$tmp/$role.log"
		fail=1
	else
		echo "ok: $role: `grep started "$tmp/$role.log" | head -n 1`"
	fi
done

# A server: its supervisor's lines and its child's (relayed) alike.
printf 'ServerBindAddress 192.0.2.1\n' >"$tmp/server.conf"
unshare -n sh -c 'ip link set lo up && ip addr add 192.0.2.1/32 dev lo &&
    ip addr add 192.0.2.2/32 dev lo && exec "$@"' sh \
    ./miredo-server -f -c "$tmp/server.conf" -p "$tmp/server.pid" \
    >"$tmp/server.log" 2>&1 &
pid=$!
i=0
while test $i -lt 100 && ! grep -q "serving\|started" "$tmp/server.log" &&
    kill -0 $pid 2>/dev/null; do
	sleep 0.1
	i=`expr $i + 1`
done
kill $pid 2>/dev/null
wait $pid 2>/dev/null
pid=
if grep -v "^miredo-server: " "$tmp/server.log" >"$tmp/other" ||
    ! grep -q "serving\|started" "$tmp/server.log"; then
	echo "FAIL: server: no start-up line, or lines not starting with \"miredo-server: \":"
	cat "$tmp/server.log"
	fail=1
else
	echo "ok: server: `head -n 1 "$tmp/server.log"`"
fi
exit $fail
