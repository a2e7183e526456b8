#!/bin/bash
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# The status interface (SPEC.md 5) of our daemons in network namespaces
# of their own: miredo-server's report; a relay's report and counters,
# among them IPv4 packets routed into the tunnel (dropped and counted, the
# rest of the batch still handled); the tunnel's only link-local being
# ours; a client qualified by our server with its address decoded; the
# socket's mode, a refused unprivileged user, a stale socket replaced,
# and every socket gone after SIGTERM.  Root only (exit 77 otherwise).

[ "$(id -u)" = 0 ] || { echo "SKIP: not root"; exit 77; }
for t in ip ping setpriv; do
	command -v $t >/dev/null 2>&1 || { echo "SKIP: no $t"; exit 77; }
done
[ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun"; exit 77; }
getent passwd nobody >/dev/null || { echo "SKIP: no user nobody"; exit 77; }
B=$(cd "${builddir:-.}" && pwd)
for p in miredo miredo-server miredo-status; do
	[ -x "$B/$p" ] || { echo "FAIL: $B/$p not built"; exit 1; }
done
MIREDO=$B/miredo
SERVER=$B/miredo-server
STATUS=$B/miredo-status

NS=mtst$$
NSS=mtst$$-srv
. "$(dirname "$0")/lib.sh" || exit 99
trap netns_cleanup EXIT
trap 'exit 1' INT TERM
netns_pair mtst

# report SOCKET: the report, as root (the socket is root's).
report() { "$STATUS" -s "$1" 2>&1; }
# has SOCKET REGEX: a line of the report matches.
has() { report "$1" | grep -Eq -- "$2"; }
# counter SOCKET NAME: its value.
counter() { report "$1" | awk -v k="$2:" '$1 == k { print $2 }'; }
# positive SOCKET NAME: the counter is > 0.
positive() { [ "$(counter "$1" "$2")" -gt 0 ] 2>/dev/null; }
is_socket() { [ -S "$1" ]; }
gone() { [ ! -e "$1" ]; }

# 1. Our miredo-server.
printf 'ServerBindAddress 192.0.2.20\n' > "$TMPD/server.conf"
ip netns exec "$NSS" "$SERVER" -f -c "$TMPD/server.conf" -p "$TMPD/server.pid" \
    -u nobody > "$TMPD/server.log" 2>&1 &
SCTL=$TMPD/server.ctl
if ! wait_for 5 is_socket "$SCTL" || ! wait_for 5 has "$SCTL" '^role:'; then
	cat "$TMPD/server.log"
	echo "FAIL: miredo-server: no status socket"
	exit 1
fi
check "server socket mode 0660, owner root" \
    [ "$(stat -c '%a %U' "$SCTL")" = "660 root" ]
check "server report: role server" has "$SCTL" '^role: server$'
check "server report: state serving" has "$SCTL" '^state: serving$'
check "server report: server 192.0.2.20" has "$SCTL" '^server: 192.0.2.20$'
check "server report: server2 192.0.2.21" \
    has "$SCTL" '^server2: 192.0.2.21$'
check "server report: counters" has "$SCTL" '^rx-packets: [0-9]+$'
check "server report: drop counters" has "$SCTL" '^drop-malformed: [0-9]+$'
ip netns exec "$NS" bash -c 'echo junk > /dev/udp/192.0.2.20/3544'
check "server counts a malformed datagram" \
    wait_for 3 positive "$SCTL" drop-malformed

# 2. Our relay.
cat > "$TMPD/relay.conf" <<EOC
RelayType relay
InterfaceName mtst0
BindAddress 192.0.2.10
BindPort 3545
EOC
start_relay() {
	ip netns exec "$NS" "$MIREDO" -f -c "$TMPD/relay.conf" \
	    -p "$TMPD/relay.pid" -u nobody > "$TMPD/relay.log" 2>&1 &
	RJOB=$!
	wait_for 5 test -s "$TMPD/relay.pid" && wait_for 5 has "$RCTL" '^role:'
}
RCTL=$TMPD/relay.ctl
if ! start_relay; then
	cat "$TMPD/relay.log"
	echo "FAIL: miredo: no status socket"
	exit 1
fi
RPID=$(cat "$TMPD/relay.pid")
check "relay socket mode 0660, owner root" \
    [ "$(stat -c '%a %U' "$RCTL")" = "660 root" ]
check "miredo-status exits 0" "$STATUS" -s "$RCTL" > /dev/null
check "relay report: role relay" has "$RCTL" '^role: relay$'
check "relay report: state relay" has "$RCTL" '^state: relay$'
check "relay report: mtu 1280" has "$RCTL" '^mtu: 1280$'
check "relay report: peers" has "$RCTL" '^peers: [0-9]+$'
for c in udp-rx-packets tun-rx-packets drop-bad-tunnel-packet \
    drop-tun-non-ipv6; do
	check "relay report: counter $c" has "$RCTL" "^$c: [0-9]+\$"
done
check "the relay's tunnel has one link-local (ours)" \
    [ "$(ip -n "$NS" -6 addr show dev mtst0 | grep -c 'scope link')" = 1 ]
# IPv4 routed into the tunnel is dropped and counted, IPv6 still read.
ip -n "$NS" addr add 198.18.0.1/24 dev mtst0
ip netns exec "$NS" ping -c 3 -i 0.2 -W 1 198.18.0.2 > /dev/null 2>&1
ip netns exec "$NS" ping -6 -c 2 -i 0.2 -W 1 2001:0:c000:214::1 \
    > /dev/null 2>&1
check "IPv4 from the tunnel counted (drop-tun-non-ipv6)" \
    wait_for 3 positive "$RCTL" drop-tun-non-ipv6
check "IPv6 from the tunnel still handled (tun-rx-packets)" \
    wait_for 3 positive "$RCTL" tun-rx-packets
check "relay still running" kill -0 "$RPID"
# SIGHUP restarts the engine; the listener stays with priv.
kill -HUP "$RPID"
check "after SIGHUP: counters start again" \
    wait_for 5 has "$RCTL" '^drop-tun-non-ipv6: 0$'
check "after SIGHUP: still answers as a relay" has "$RCTL" '^state: relay$'

# 3. Errors: not root, no daemon.
out=$(setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
    "$STATUS" -s "$RCTL" 2>&1)
rc=$?
check "unprivileged user: exit 1 ($out)" [ $rc = 1 ]
check "unprivileged user: says permission denied" \
    sh -c "echo '$out' | grep -q 'permission denied'"
out=$("$STATUS" -s "$TMPD/none.ctl" 2>&1)
rc=$?
check "no daemon: exit 1 ($out)" [ $rc = 1 ]
check "no daemon: says not running" \
    sh -c "echo '$out' | grep -q 'not running'"
"$STATUS" -x > /dev/null 2>&1
check "bad option: exit 2" [ $? = 2 ]

# 4. A stale socket (priv killed) is replaced at the next start.
kill -9 "$RPID"
wait "$RJOB" 2> /dev/null	# no "Killed" from the shell
wait_for 5 sh -c "! ip -n $NS link show mtst0 > /dev/null 2>&1"
check "socket left behind by a killed priv" is_socket "$RCTL"
check "relay starts over a stale socket" start_relay
RPID=$(cat "$TMPD/relay.pid")
check "new relay answers" has "$RCTL" '^state: relay$'
kill -TERM "$RPID"
check "relay: socket gone after SIGTERM" wait_for 5 gone "$RCTL"
check "relay: pid file gone after SIGTERM" wait_for 5 gone "$TMPD/relay.pid"

# 5. A client qualified by our server: the address decoded.
cat > "$TMPD/client.conf" <<EOC
InterfaceName mtst1
ServerAddress 192.0.2.20
BindAddress 192.0.2.10
EOC
ip netns exec "$NS" "$MIREDO" -f -c "$TMPD/client.conf" -p "$TMPD/client.pid" \
    -u nobody > "$TMPD/client.log" 2>&1 &
CCTL=$TMPD/client.ctl
check "client qualifies" wait_for 15 has "$CCTL" '^state: qualified$'
check "client report: role client" has "$CCTL" '^role: client$'
check "client report: address in 2001:0:c000:214::/64" \
    has "$CCTL" '^address: 2001:0:c000:214:'
check "client report: address-server 192.0.2.20" \
    has "$CCTL" '^address-server: 192.0.2.20$'
check "client report: address-mapped 192.0.2.10:port" \
    has "$CCTL" '^address-mapped: 192.0.2.10:[0-9]+$'
check "client report: server 192.0.2.20" has "$CCTL" '^server: 192.0.2.20$'
check "client report: no NAT here" \
    has "$CCTL" "^nat: none \\(the mapped address is our own\\)\$"
check "client report: rs-sent > 0" positive "$CCTL" rs-sent
check "client report: ra-received > 0" positive "$CCTL" ra-received
check "server counted the RS" positive "$SCTL" rs-received
CPID=$(cat "$TMPD/client.pid" 2>/dev/null)
[ -n "$CPID" ] && kill -TERM "$CPID"
check "client: socket gone after SIGTERM" wait_for 5 gone "$CCTL"

# 6. The server goes.
kill -TERM "$(cat "$TMPD/server.pid")"
check "server: socket gone after SIGTERM" wait_for 5 gone "$SCTL"
check "server: pid file gone after SIGTERM" wait_for 5 gone "$TMPD/server.pid"

if [ $failures -ne 0 ]; then
	for f in server.log relay.log client.log; do
		echo "--- $f"
		cat "$TMPD/$f" 2>/dev/null
	done
	echo "$failures check(s) failed"
	exit 1
fi
echo "all status checks passed"
exit 0
