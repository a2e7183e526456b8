#!/bin/bash
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# miredo-server's life cycle in one network namespace: start-up errors,
# daemonizing and its pid file, privilege drop, RS/RA from the right
# address (cone bit -> the other one), SIGUSR1/SIGUSR2, SIGHUP reload,
# restart of a killed child, clean SIGTERM.  The server process: uid,
# CapEff, CapPrm, NoNewPrivs and Seccomp, each checked.  Root only (77
# otherwise).

B=${BUILDDIR:-$PWD}
SRV=$B/miredo-server
PROBE=$B/tests/netns/teredo_probe
NS=ms$$-life
T=""
fails=0

[ "$(id -u)" = 0 ] || { echo "SKIP: not root"; exit 77; }
for x in ip; do
	command -v $x >/dev/null || { echo "SKIP: no $x"; exit 77; }
done
[ -x "$SRV" ] && [ -x "$PROBE" ] || { echo "SKIP: build first"; exit 77; }

cleanup()
{
	local p
	p=$(ip netns pids "$NS" 2>/dev/null)
	[ -z "$p" ] || kill -KILL $p 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	[ -z "$T" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'cleanup; trap - EXIT; exit 130' INT
trap 'cleanup; trap - EXIT; exit 143' TERM

ok() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
nsx() { ip netns exec "$NS" "$@"; }

T=$(mktemp -d "${TMPDIR:-/tmp}/ms$$.XXXXXX") || exit 1
chmod 755 "$T"
ip netns add "$NS" || { echo "SKIP: no namespaces"; exit 77; }
ip -n "$NS" link set lo up
for a in 198.51.100.10 198.51.100.11 198.51.100.12 203.0.113.5; do
	ip -n "$NS" addr add $a/32 dev lo
done
C=$T/server.conf
printf 'ServerBindAddress 198.51.100.10\n' >"$C"

# expect_fail NAME PATTERN CMD...: exit status not 0, message matches.
expect_fail()
{
	local name=$1 pat=$2 out rc
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc != 0 ] && echo "$out" | grep -q -- "$pat"; then
		ok "$name (exit $rc)"
	else
		fail "$name: exit $rc: $out"
	fi
}

expect_fail "private address refused" "10.1.2.3.*global" \
    nsx "$SRV" -f -c "$C" -p "$T/x.pid" 10.1.2.3
expect_fail "unbindable address named" "198.51.100.20:3544" \
    nsx "$SRV" -f -c "$C" -p "$T/x.pid" 198.51.100.20
expect_fail "uid 0 user refused" "uid 0" \
    nsx "$SRV" -f -c "$C" -p "$T/x.pid" -u root
nsx "$SRV" --bogus >/dev/null 2>&1
[ $? = 2 ] && ok "bad option exits 2" || fail "bad option"

# probe NAME WANT_FROM ARGS...: an RA must come from WANT_FROM.
probe()
{
	local name=$1 from=$2 out
	shift 2
	out=$(nsx "$PROBE" -b 203.0.113.5 -s 198.51.100.10 "$@" 2>&1)
	if [ $? = 0 ] && echo "$out" | grep -q "^ra from $from:3544 "; then
		ok "$name: $out"
	else
		fail "$name: $out"
	fi
}

# wait_for SECONDS CMD...: poll every 0.1 s until CMD succeeds.
wait_for()
{
	local n=$(($1 * 10))
	shift
	until "$@"; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		sleep 0.1
	done
}
# status_field PID FIELD: the values of one line of /proc/PID/status.
status_field()
{
	awk -v f="$2:" '$1 == f { $1 = ""; print }' "/proc/$1/status" \
	    2>/dev/null | sed 's/^ *//'
}
# field_is PID FIELD VALUE: check one field, saying what it is.
field_is()
{
	local v
	v=$(status_field "$1" "$2")
	if [ "$v" = "$3" ]; then
		ok "server process $1: $2 $v"
	else
		fail "server process $1: $2 '$v', want '$3'"
	fi
}
# logged N PATTERN: the server's log has more than N lines matching.
logged() { [ "$(grep -c -- "$2" "$T/srv.log")" -gt "$1" ]; }

# In the foreground (its log is a file: the reloads are checked in it);
# the launcher's exit status is checked below, at s2.pid.
nsx "$SRV" -f -c "$C" -p "$T/s.pid" >"$T/srv.log" 2>&1 &
FG=$!
wait_for 5 test -s "$T/s.pid"
P=$(cat "$T/s.pid" 2>/dev/null)
if [ -n "$P" ] && kill -0 "$P" 2>/dev/null; then
	ok "pid file names the running supervisor $P"
else
	fail "pid file"
fi
child() { pgrep -P "$P" | head -1; }
wait_for 5 sh -c "pgrep -P $P | grep -q ."
K=$(child)
if [ -n "$K" ]; then
	NOBODY=$(id -u nobody)
	field_is "$K" Uid "$NOBODY $NOBODY $NOBODY $NOBODY"
	field_is "$K" CapEff 0000000000000000
	field_is "$K" CapPrm 0000000000000000
	field_is "$K" NoNewPrivs 1
	if grep -q '^#define HAVE_SECCOMP 1' "$B/config.h" 2>/dev/null; then
		field_is "$K" Seccomp 2
	else
		echo "SKIP: server Seccomp (built without seccomp)"
		# In CI nothing may skip (tests/all.sh).
		[ "${CI:-}" != true ] ||
		    fail "server Seccomp not checked (CI=true)"
	fi
else
	fail "no server process under the supervisor $P"
fi

probe "RS to primary" 198.51.100.10 198.51.100.10
probe "RS with auth" 198.51.100.10 -a 198.51.100.10
probe "cone RS to primary answered from secondary" 198.51.100.11 \
    -c -a 198.51.100.10
probe "cone RS to secondary answered from primary" 198.51.100.10 \
    -c 198.51.100.11
probe "RS to secondary" 198.51.100.11 198.51.100.11

expect_fail "second instance refused" "already running" \
    nsx "$SRV" -f -c "$C" -p "$T/s.pid"

kill -USR1 "$P"; kill -USR2 "$P"; sleep 0.3
if kill -0 "$P" 2>/dev/null && [ "$(child)" = "$K" ]; then
	ok "SIGUSR1 and SIGUSR2 kill nothing"
else
	fail "SIGUSR1/SIGUSR2"
fi

printf 'ServerBindAddress 198.51.100.10\nServerBindAddress2 198.51.100.12\nInterfaceMTU 1400\n' >"$C"
K=$(child)
kill -HUP "$P"
wait_for 5 sh -c "pgrep -P $P | grep -qvx '$K'" ||
    fail "SIGHUP: no new server process"
probe "SIGHUP: new MTU and secondary address" 198.51.100.12 -c 198.51.100.10
nsx "$PROBE" -b 203.0.113.5 198.51.100.10 | grep -q "mtu 1400" &&
    ok "SIGHUP: mtu 1400 advertised" || fail "SIGHUP: mtu not reloaded"

K=$(child)
n=$(grep -c "reload failed: keeping the running configuration" "$T/srv.log")
printf 'ServerBindAddress 10.1.2.3\n' >"$C"
kill -HUP "$P"
# Evidence that the reload ran and was refused, then the checks.
if wait_for 5 logged "$n" "reload failed: keeping the running configuration"
then
	ok "SIGHUP with a bad file: the supervisor says it keeps the configuration"
else
	fail "SIGHUP with a bad file: no 'reload failed' in the log"
fi
if kill -0 "$P" 2>/dev/null && [ "$(child)" = "$K" ]; then
	ok "SIGHUP with a bad file keeps the running configuration"
else
	fail "SIGHUP with a bad file"
fi
probe "answers after a failed reload" 198.51.100.12 -c 198.51.100.10

kill -KILL "$K"
wait_for 5 sh -c "pgrep -P $P | grep -qvx '$K'"
K2=$(child)
if [ -n "$K2" ] && [ "$K2" != "$K" ]; then
	ok "killed server process restarted ($K -> $K2)"
else
	fail "no restart after kill"
fi
probe "answers after restart" 198.51.100.10 198.51.100.10

kill -TERM "$P"
wait "$FG"
rc=$?
if [ $rc = 0 ] && [ ! -e "$T/s.pid" ] && [ -z "$(ip netns pids "$NS")" ]; then
	ok "SIGTERM: exit 0, pid file removed, no process left"
else
	fail "SIGTERM cleanup (exit $rc)"
fi

# Without CAP_KILL (a tight unit) the supervisor cannot signal its child,
# which runs as nobody: SIGTERM must still stop both.
printf 'ServerBindAddress 198.51.100.10\n' >"$C"
nsx setpriv --bounding-set -kill "$SRV" -c "$C" -p "$T/s3.pid" 2>/dev/null
P=$(cat "$T/s3.pid" 2>/dev/null)
[ -n "$P" ] && kill -TERM "$P"
for i in $(seq 50); do
	kill -0 "$P" 2>/dev/null || break
	sleep 0.1
done
if [ -n "$P" ] && ! kill -0 "$P" 2>/dev/null && [ ! -e "$T/s3.pid" ] &&
    [ -z "$(ip netns pids "$NS")" ]; then
	ok "without CAP_KILL: SIGTERM stops supervisor and server"
else
	fail "without CAP_KILL: SIGTERM cleanup"
fi

# The server process never outlives its supervisor.
printf 'ServerBindAddress 198.51.100.10\n' >"$C"
if nsx "$SRV" -c "$C" -p "$T/s2.pid" >"$T/s2.log" 2>&1; then
	ok "daemon started, launcher exit 0"
else
	fail "daemon start"
fi
P=$(cat "$T/s2.pid" 2>/dev/null)
if [ -n "$P" ] && kill -0 "$P" 2>/dev/null; then
	ok "daemon: pid file names the running supervisor $P"
else
	fail "daemon: pid file"
fi
K=$(child)
kill -KILL "$P"
for i in $(seq 30); do
	kill -0 "$K" 2>/dev/null || break
	sleep 0.1
done
if [ -n "$K" ] && ! kill -0 "$K" 2>/dev/null; then
	ok "server process exits when its supervisor dies"
else
	fail "orphaned server process $K"
fi

echo "$fails failed"
[ $fails = 0 ]
