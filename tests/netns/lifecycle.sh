#!/bin/bash
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# The life cycle of miredo as a relay in a network namespace of its own
# (issue 3): tunnel MTU, link-local and Teredo-prefix route (checked with
# ip(8)); the engine's uid, gid, CapEff, NoNewPrivs and Seccomp; SIGUSR1,
# SIGHUP with a new MTU, a refused second instance, an engine killed and
# restarted, SIGTERM leaving nothing behind; the launcher's exit status
# without -f.  The client's life cycle (DNS, hook, network change) is
# client_life.sh.
# Needs root; exit 77 (skip) otherwise.  MIREDO=path overrides ./miredo.

[ "$(id -u)" = 0 ] || { echo "SKIP: not root"; exit 77; }
for t in ip ps; do
	command -v $t >/dev/null 2>&1 || { echo "SKIP: no $t"; exit 77; }
done
[ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun"; exit 77; }
getent passwd nobody >/dev/null || { echo "SKIP: no user nobody"; exit 77; }
MIREDO=${MIREDO:-${builddir:-.}/miredo}
[ -x "$MIREDO" ] || { echo "FAIL: $MIREDO not built"; exit 1; }
MIREDO=$(cd "$(dirname "$MIREDO")" && pwd)/$(basename "$MIREDO")
CONFIG_H=${builddir:-.}/config.h

NS=mtlc$$
NSS=mtlc$$-srv
IF=teredo
. "$(dirname "$0")/lib.sh" || exit 99
trap netns_cleanup EXIT; [ -n "$KEEP" ] && trap "" EXIT
trap 'exit 1' INT TERM
netns_pair mtlc

nsrun() { ip netns exec "$NS" "$@"; }
alive() { kill -0 "$1" 2>/dev/null; }
engine_of() { ps -o pid= --ppid "$1" 2>/dev/null | head -n 1 | tr -d ' '; }
have_engine() { ENGINE=$(engine_of "$PRIV"); [ -n "$ENGINE" ]; }
new_engine() { have_engine && [ "$ENGINE" != "$1" ]; }
mtu_is() { ip -n "$NS" link show "$IF" 2>/dev/null | grep -q "mtu $1 "; }
# status_field PID Field: the values of one line of /proc/PID/status.
status_field() { awk -v f="$2:" '$1 == f { $1 = ""; print }' \
	"/proc/$1/status" | sed 's/^ *//'; }

write_conf() {	# write_conf MTU
	cat > "$TMPD/relay.conf" <<EOC
RelayType relay
InterfaceName $IF
InterfaceMTU $1
BindAddress 192.0.2.10
BindPort 545
EOC
}

# 1. Start in the foreground as a relay.
write_conf 1400
PIDF=$TMPD/miredo.pid
nsrun "$MIREDO" -f -c "$TMPD/relay.conf" -p "$PIDF" -u nobody \
    > "$TMPD/log" 2>&1 &
WRAP=$!		# ip netns exec, which waits for miredo
PRIV=
if ! wait_for 5 test -s "$PIDF" || ! PRIV=$(cat "$PIDF") ||
    ! wait_for 5 have_engine; then
	cat "$TMPD/log"
	echo "FAIL: miredo did not start"
	exit 1
fi
check "priv is miredo" grep -q miredo "/proc/$PRIV/comm"
# BindPort below 1024: bound by priv before the engine drops privileges.
check "UDP socket bound to 192.0.2.10:545 (a privileged port)" \
    sh -c "ip netns exec $NS ss -H -uln 'sport = :545' | grep -q 192.0.2.10:545"
check "tunnel MTU 1400" mtu_is 1400
check "tunnel is up" \
    sh -c "ip -n $NS link show $IF | grep -q '[<,]UP[,>]'"
check "link-local fe80::ffff:ffff:ffff/64" \
    sh -c "ip -n $NS -6 addr show dev $IF | grep -q 'fe80::ffff:ffff:ffff/64'"
check "route 2001::/32 via the tunnel" \
    sh -c "ip -n $NS -6 route show 2001::/32 | grep -q 'dev $IF'"

# 2. The engine: unprivileged and sandboxed.
UID_NOBODY=$(id -u nobody)
GID_NOBODY=$(id -g nobody)
check "engine uid is nobody's (real, effective, saved, fs)" \
    [ "$(status_field "$ENGINE" Uid)" = \
    "$UID_NOBODY $UID_NOBODY $UID_NOBODY $UID_NOBODY" ]
check "engine gid is nobody's (real, effective, saved, fs)" \
    [ "$(status_field "$ENGINE" Gid)" = \
    "$GID_NOBODY $GID_NOBODY $GID_NOBODY $GID_NOBODY" ]
G=$(status_field "$ENGINE" Groups)
check "engine has no other groups (Groups: $G)" \
    [ -z "$G" -o "$G" = "$GID_NOBODY" ]
check "engine CapEff 0" [ "$(status_field "$ENGINE" CapEff)" = \
    0000000000000000 ]
check "engine NoNewPrivs 1" [ "$(status_field "$ENGINE" NoNewPrivs)" = 1 ]
if grep -q '^#define HAVE_SECCOMP 1' "$CONFIG_H" 2>/dev/null; then
	check "engine Seccomp 2" [ "$(status_field "$ENGINE" Seccomp)" = 2 ]
else
	echo "SKIP: engine Seccomp (built without seccomp)"
	# In CI nothing may skip (tests/all.sh).
	[ "${CI:-}" != true ] || fail "engine Seccomp not checked (CI=true)"
fi
check "priv still root" [ "$(status_field "$PRIV" Uid)" = "0 0 0 0" ]

# 3. SIGUSR1 and SIGUSR2 never kill.
E1=$ENGINE
kill -USR1 "$PRIV"
kill -USR2 "$PRIV"
kill -USR2 "$ENGINE"
sleep 0.5
check "SIGUSR1/SIGUSR2 leave priv running" alive "$PRIV"
check "SIGUSR1/SIGUSR2 leave the engine running" alive "$E1"

# 4. SIGHUP with a new InterfaceMTU.
write_conf 1420
kill -HUP "$PRIV"
check "SIGHUP applies the new MTU 1420" wait_for 5 mtu_is 1420
check "SIGHUP keeps priv running" alive "$PRIV"
check "SIGHUP restarts the engine" wait_for 5 new_engine "$E1"
check "route still there after SIGHUP" \
    sh -c "ip -n $NS -6 route show 2001::/32 | grep -q 'dev $IF'"
# A broken file on SIGHUP keeps the old configuration: wait for priv's
# message that it read the file and refused it, then look.
have_engine
EH=$ENGINE
write_conf 100
kill -HUP "$PRIV"
check "invalid file on SIGHUP: priv says it keeps the old configuration" \
    wait_for 5 grep -q "relay.conf is invalid: keeping the old configuration" \
    "$TMPD/log"
check "invalid file on SIGHUP: still running with MTU 1420" \
    sh -c "kill -0 $PRIV && ip -n $NS link show $IF | grep -q 'mtu 1420 '"
check "invalid file on SIGHUP: the engine was not restarted" \
    [ "$(engine_of "$PRIV")" = "$EH" ]
write_conf 1420

# 5. A second instance with the same pid file is refused.
nsrun "$MIREDO" -f -c "$TMPD/relay.conf" -p "$PIDF" -u nobody \
    > "$TMPD/log2" 2>&1
rc=$?
check "second instance exits 1" [ $rc = 1 ]
check "second instance says another miredo is running (pid $PRIV)" \
    grep -q "another miredo is running (pid $PRIV)" "$TMPD/log2"

# 6. A killed engine is restarted.
have_engine
E2=$ENGINE
kill -9 "$E2"
check "killed engine restarted" wait_for 5 new_engine "$E2"
check "tunnel still configured after the restart" mtu_is 1420
# A relay's static set-up does not depend on the engine: it must be back.
check "relay after the engine restart: link UP" \
    sh -c "ip -n $NS link show $IF | grep -q '[<,]UP[,>]'"
check "relay after the engine restart: link-local present" \
    sh -c "ip -n $NS -6 addr show dev $IF | grep -q 'fe80::ffff:ffff:ffff/64'"
check "relay after the engine restart: route 2001::/32 present" \
    sh -c "ip -n $NS -6 route show 2001::/32 | grep -q 'dev $IF'"

# 7. SIGTERM leaves nothing behind.
kill -TERM "$PRIV"
wait "$WRAP"
rc=$?
check "SIGTERM: exit status 0" [ $rc = 0 ]
check "SIGTERM: no interface left" \
    sh -c "! ip -n $NS link show $IF >/dev/null 2>&1"
check "SIGTERM: no Teredo route left" \
    sh -c "[ -z \"\$(ip -n $NS -6 route show 2001::/32)\" ]"
check "SIGTERM: no pid file left" [ ! -e "$PIDF" ]
check "SIGTERM: no process left" \
    sh -c "[ -z \"\$(ip netns pids $NS)\" ]"

# 8. The engine exits when priv dies; a stale pid file does not block.
nsrun "$MIREDO" -f -c "$TMPD/relay.conf" -p "$PIDF" -u nobody \
    > "$TMPD/log7" 2>&1 &
WRAP=$!
if wait_for 5 test -s "$PIDF" && PRIV=$(cat "$PIDF") &&
    wait_for 5 have_engine; then
	kill -9 "$PRIV"
	check "engine exits when priv dies" \
	    wait_for 5 sh -c "! kill -0 $ENGINE 2>/dev/null"
	check "tunnel gone with both processes" \
	    wait_for 5 sh -c "! ip -n $NS link show $IF >/dev/null 2>&1"
else
	fail "relay restart for the priv-death check"
fi
wait "$WRAP" 2>/dev/null

# 9. Without -f: the launcher exits 0 once running, 1 on a bad start.
nsrun "$MIREDO" -c "$TMPD/relay.conf" -p "$PIDF" -u nobody \
    > "$TMPD/log3" 2>&1
rc=$?
check "daemon launcher exits 0" [ $rc = 0 ]
check "daemon is running when the launcher exits" \
    sh -c "test -s $PIDF && kill -0 \$(cat $PIDF) && \
    ip -n $NS link show $IF | grep -q 'mtu 1420 '"
DPID=$(cat "$PIDF" 2>/dev/null)
PRIV=$DPID
have_engine
E3=$ENGINE
kill -USR1 "$DPID"
sleep 0.3
check "SIGUSR1 to the daemon: priv and engine still running" \
    sh -c "kill -0 $DPID && kill -0 $E3"
[ -n "$DPID" ] && kill -TERM "$DPID"
wait_for 5 sh -c "! kill -0 $DPID 2>/dev/null"
check "daemon removed its pid file" wait_for 5 test ! -e "$PIDF"

write_conf 100
nsrun "$MIREDO" -c "$TMPD/relay.conf" -p "$PIDF" -u nobody \
    > "$TMPD/log4" 2>&1
rc=$?
check "bad configuration: launcher exits 1" [ $rc = 1 ]
check "bad configuration: message names file and line" \
    grep -q "relay.conf:3:" "$TMPD/log4"
write_conf 1280
sed -i 's/^BindAddress .*/BindAddress 203.0.113.99/' "$TMPD/relay.conf"
nsrun "$MIREDO" -c "$TMPD/relay.conf" -p "$PIDF" -u nobody \
    > "$TMPD/log5" 2>&1
rc=$?
check "bad BindAddress: launcher exits 1" [ $rc = 1 ]
check "bad BindAddress: message names the address" \
    grep -q "203.0.113.99.*Cannot assign requested address" "$TMPD/log5"
check "bad start: no pid file, no interface" \
    sh -c "[ ! -e $PIDF ] && ! ip -n $NS link show $IF >/dev/null 2>&1"
sed -i 's/^BindAddress .*/BindAddress 192.0.2.10/' "$TMPD/relay.conf"
nsrun "$MIREDO" -f -c "$TMPD/relay.conf" -p "$PIDF" -u root \
    > "$TMPD/log6" 2>&1
rc=$?
check "a -u user with uid 0 is refused (exit 1)" [ $rc = 1 ]
check "a -u user with uid 0: the message says so" grep -q "uid 0" "$TMPD/log6"
# The engine cannot drop privileges (group-writable chroot directory):
# the launcher must not report success.
mkdir -p "$TMPD/badroot" && chmod 775 "$TMPD/badroot"
nsrun "$MIREDO" -c "$TMPD/relay.conf" -p "$PIDF" -u nobody \
    -t "$TMPD/badroot" > "$TMPD/log7" 2>&1
rc=$?
check "engine cannot drop privileges: launcher exits 1" [ $rc = 1 ]
check "engine cannot drop privileges: no pid file, no interface" \
    wait_for 5 sh -c "[ ! -e $PIDF ] && \
    ! ip -n $NS link show $IF >/dev/null 2>&1"
# A unit without CAP_KILL (a tight CapabilityBoundingSet): priv cannot
# signal its engine, which runs as another user; SIGTERM must still stop
# both, because the engine leaves when priv closes the channel.
nsrun setpriv --bounding-set -kill "$MIREDO" -c "$TMPD/relay.conf" \
    -p "$PIDF" -u nobody > "$TMPD/log8" 2>&1
rc=$?
check "without CAP_KILL: launcher exits 0" [ $rc = 0 ]
DPID=$(cat "$PIDF" 2>/dev/null)
[ -n "$DPID" ] && kill -TERM "$DPID"
check "without CAP_KILL: SIGTERM stops the daemon" \
    wait_for 8 sh -c "! kill -0 $DPID 2>/dev/null"
check "without CAP_KILL: no pid file, no interface, no engine left" \
    wait_for 5 sh -c "[ ! -e $PIDF ] && \
    ! ip -n $NS link show $IF >/dev/null 2>&1 && \
    [ -z \"\$(ip netns pids $NS)\" ]"

if [ $failures -ne 0 ]; then
	for f in log log6; do
		echo "--- miredo $f"
		cat "$TMPD/$f" 2>/dev/null
	done
	echo "$failures check(s) failed"
	exit 1
fi
echo "all life-cycle checks passed"
exit 0
