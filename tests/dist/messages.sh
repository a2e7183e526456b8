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
. "$srcdir/tests/dist/skip.sh"
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

# Start "$@" in the background with its output in $1, wait (10 s at most)
# until every pattern of $2 (separated by "|") is in it, then stop it.
ifs=$IFS
run_until()
{
	log=$1 pats=$2
	shift 2
	"$@" >"$log" 2>&1 &
	pid=$!
	i=0
	while test $i -lt 100 && kill -0 $pid 2>/dev/null; do
		all=1
		IFS='|'
		for p in $pats; do
			grep -q "$p" "$log" || all=0
		done
		IFS=$ifs
		test $all = 1 && break
		sleep 0.1
		i=`expr $i + 1`
	done
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
	pid=
}

# $1: the log, $2: its prefix (a grep pattern), $3: what it is; the rest:
# patterns that must follow the prefix on some line.
check_log()
{
	log=$1 prefix=$2 what=$3
	shift 3
	if ! test -s "$log" || grep -v "^$prefix" "$log" >"$tmp/other"; then
		echo "FAIL: $what: lines not starting with \"$prefix\":"
		cat "$log"
		fail=1
		return
	fi
	for p in "$@"; do
		if ! grep -q "^$prefix$p" "$log"; then
			echo "FAIL: $what: no line \"$prefix$p\":"
			cat "$log"
			fail=1
			return
		fi
	done
	echo "ok: $what: `head -n 1 "$log"`"
}

# A relay and a client in a namespace with only lo: the start-up line of
# the privileged process and the one the engine sent through it.
if ! test -c /dev/net/tun; then
	skip "no /dev/net/tun"
fi
for role in relay client; do
	case $role in
	relay)	printf 'RelayType cone\nInterfaceName tmsg%s\n' $$ ;;
	client)	printf 'ServerAddress 192.0.2.1\nInterfaceName tmsg%s\n' $$ ;;
	esac >"$tmp/$role.conf"
	run_until "$tmp/$role.log" "started on|engine started" \
	    unshare -n sh -c 'ip link set lo up && exec "$@"' sh \
	    ./miredo -f -c "$tmp/$role.conf" -p "$tmp/$role.pid"
	check_log "$tmp/$role.log" "miredo\[$role\]: " $role \
	    "started on tmsg$$ ($role)" "engine started"
done

# A server: its supervisor's lines and its child's (relayed) alike.
printf 'ServerBindAddress 192.0.2.1\n' >"$tmp/server.conf"
run_until "$tmp/server.log" "serving on" \
    unshare -n sh -c 'ip link set lo up && ip addr add 192.0.2.1/32 dev lo &&
    ip addr add 192.0.2.2/32 dev lo && exec "$@"' sh \
    ./miredo-server -f -c "$tmp/server.conf" -p "$tmp/server.pid"
check_log "$tmp/server.log" "miredo-server: " server "serving on 192.0.2.1"
exit $fail
