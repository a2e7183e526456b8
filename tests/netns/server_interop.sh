#!/bin/bash
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# OUR miredo-server with Debian's miredo 1.2.6 as client and relay
# (tests/interop/topo.sh topology): behind each NAT kind the client
# qualifies against our server and pings the native IPv6 host through
# the relay, both ways; its echo test goes through our raw socket.  Then
# a test client's cone RS must be answered from the secondary address.
# Root only (77 otherwise).  SERVER_NAT_KINDS picks the NAT kinds.

srcdir=${srcdir:-$(dirname "$0")/../..}
export TOPO_BUILDDIR=${BUILDDIR:-$PWD}
export TOPO_P=ms$$
. "$srcdir/tests/interop/topo.sh"

PROBE=$TOPO_BUILDDIR/tests/netns/teredo_probe
why=$(topo_require) || { echo "SKIP: $why"; exit 77; }
[ -x /usr/sbin/miredo ] || { echo "SKIP: no Debian miredo"; exit 77; }
[ -x "$TOPO_BUILDDIR/miredo-server" ] && [ -x "$PROBE" ] ||
    { echo "SKIP: build first"; exit 77; }

fails=0
ok() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# server_counters: ask our server to log its counters (SIGUSR1).
server_counters()
{
	kill -USR1 "${TOPO_PID[server]}" 2>/dev/null
	sleep 0.3
	grep "rx " "$TOPO_DIR/server.log" | tail -1
}

one_kind()
{
	local kind=$1 t a sz
	topo_up "$kind" || { fail "$kind: topology"; return; }
	start_server ours || { fail "$kind: our server did not start"; return; }
	start_relay debian || { fail "$kind: Debian relay did not start"; return; }
	start_client debian 1
	if t=$(wait_qualified 1 10); then
		a=$(teredo_addr 1)
		ok "$kind: Debian client qualified in ${t}s as $a"
		for sz in 56 1200; do
			check_ping cl1 "$TOPO_V6" $sz &&
			    ok "$kind: ping6 -s $sz client -> native host" ||
			    fail "$kind: ping6 -s $sz client -> native host"
			check_ping v6 "$a" $sz &&
			    ok "$kind: ping6 -s $sz native host -> client" ||
			    fail "$kind: ping6 -s $sz native host -> client"
		done
	else
		fail "$kind: Debian client did not qualify against our server"
	fi
	echo "   server: $(server_counters)"
	topo_alive server || fail "$kind: our server died"
	stop_daemons
	topo_down
}

# The cone RS, from the relay namespace (no NAT in the way).
cone_check()
{
	local out
	topo_up restricted || { fail "cone: topology"; return; }
	start_server ours || { fail "cone: our server did not start"; return; }
	out=$(nsx rly "$PROBE" -a -c "$TOPO_SRV4" 2>&1)
	if [ $? = 0 ] && echo "$out" | grep -q "^ra from 198.51.100.11:3544 "; then
		ok "cone RS to .10 answered from .11: $out"
	else
		fail "cone RS: $out"
	fi
	out=$(nsx rly "$PROBE" -a "$TOPO_SRV4" 2>&1)
	if [ $? = 0 ] && echo "$out" | grep -q "^ra from 198.51.100.10:3544 "; then
		ok "plain RS to .10 answered from .10"
	else
		fail "plain RS: $out"
	fi
	stop_daemons
	topo_down
}

topo_init
for k in ${SERVER_NAT_KINDS:-fullcone restricted symmetric}; do
	one_kind "$k"
done
cone_check
echo "$fails failed"
[ $fails = 0 ]
