#!/bin/bash
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# RFC 6081 trailers and a lost server (issue 14), in the topology of
# tests/interop/topo.sh (our relay, two restricted NATs):
#  - client 1 (ours) qualifies with our server A through a host name;
#    client 2 (ours) with Debian's miredo-server B (198.51.100.20/.21),
#    and pings the native host through our relay;
#  - teredo_probe, playing a Windows client in the relay's namespace,
#    sends indirect bubbles carrying each RFC 6081 trailer (nonce,
#    alternate address, neighbor discovery option, random port, all
#    four, and a malformed one) through A to client 1 and through B to
#    client 2: each must come through and be answered by a direct bubble;
#    A counts the malformed trailer (bad-trailer) and forwards the bubble;
#  - A is stopped and the name now points to B: client 1 must resolve it
#    again and qualify with B by itself (no SIGHUP).
# The name lives in /etc/netns/<namespace>/hosts, which ip-netns(8)
# mounts over /etc/hosts for the daemons it starts there; removed at exit.
# Root only, and Debian's miredo-server is needed (77 otherwise).

srcdir=${srcdir:-$(dirname "$0")/../..}
export TOPO_BUILDDIR=${BUILDDIR:-$PWD}
export TOPO_P=mt$$
. "$srcdir/tests/interop/topo.sh"

SRV_B=198.51.100.20
NAME=teredo-a.test
PROBE=$TOPO_BUILDDIR/tests/netns/teredo_probe
why=$(topo_require) || { echo "SKIP: $why"; exit 77; }
[ -x "$TOPO_DEBIAN_SBIN/miredo-server" ] ||
    { echo "SKIP: no Debian miredo-server"; exit 77; }
for p in miredo miredo-server tests/netns/teredo_probe; do
	[ -x "$TOPO_BUILDDIR/$p" ] || { echo "FAIL: $p not built"; exit 1; }
done

fails=0
ok() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

server_of()
{
	teredo_decode "$1" | sed -n 's/.* server=\([^ ]*\) .*/\1/p'
}

has_server()	# has_server N IPV4
{
	local a
	a=$(teredo_addr "$1")
	[ -n "$a" ] && [ "$(server_of "$a")" = "$2" ]
}

logs()
{
	local f
	for f in server serverB relay client1 client2; do
		echo "--- $f.log"
		tail -n 15 "$TOPO_DIR/$f.log" 2>/dev/null
	done
}

# Our server's counter of malformed trailers (its SIGUSR1 log line).
srv_bad_trailers()
{
	local log=$TOPO_DIR/server.log n
	n=$(grep -c 'rx [0-9]* (' "$log")
	kill -USR1 "${TOPO_PID[server]}" 2>/dev/null || return 1
	topo_wait 2 sh -c "[ \$(grep -c 'rx [0-9]* (' '$log') -gt $n ]" ||
	    return 1
	grep 'rx [0-9]* (' "$log" | tail -n 1 |
	    sed -n 's/.* bad-trailer \([0-9]*\).*/\1/p'
}

HOSTS=/etc/netns/$TOPO_P-cl1
topo_init
trap 'rm -rf "$HOSTS"; topo_cleanup' EXIT
t0=$(topo_now)
mkdir -p "$HOSTS" && echo "198.51.100.10 $NAME" >"$HOSTS/hosts" ||
    { echo "FAIL: cannot write $HOSTS/hosts"; exit 1; }
topo_up restricted restricted || { echo "FAIL: topology"; exit 1; }
start_server ours || { logs; echo "FAIL: our server did not start"; exit 1; }
start_relay ours || { logs; echo "FAIL: our relay did not start"; exit 1; }
topo_addr srv inet "$SRV_B/24" 198.51.100.21/24 || exit 1
echo "ServerBindAddress $SRV_B" >"$TOPO_DIR/serverB.conf"
topo_start serverB srv debian miredo-server || exit 1
topo_wait_role serverB 5 sh -c "ip netns exec $TOPO_P-srv ss -Hlun \
    'src $SRV_B:3544' | grep -q ." ||
    { logs; echo "FAIL: Debian's server B did not start"; exit 1; }

# Fast loss detection for part 3: a refresh every 7.5-10 s, then 2 tries
# 2 s apart.
cat >"$TOPO_DIR/client1.conf" <<EOF
RelayType client
ServerAddress $NAME
InterfaceName teredo
RefreshInterval 10
QualificationTimeout 2
QualificationRetries 2
EOF
cat >"$TOPO_DIR/client2.conf" <<EOF
RelayType client
ServerAddress $SRV_B
InterfaceName teredo
EOF
topo_start client1 cl1 ours miredo || exit 1
topo_start client2 cl2 ours miredo || exit 1
if ! q1=$(wait_qualified 1 10) || ! q2=$(wait_qualified 2 10); then
	logs
	echo "FAIL: our clients did not qualify"
	exit 1
fi
c1=$(teredo_addr 1)
c2=$(teredo_addr 2)
ok "client 1 qualified with our server (name $NAME) in $q1 s: $c1"
ok "client 2 qualified with Debian's server in $q2 s: $c2"
if has_server 1 "$TOPO_SRV4" && has_server 2 "$SRV_B"; then
	ok "server fields: $(server_of "$c1"), $(server_of "$c2")"
else
	fail "server fields: $(server_of "$c1"), $(server_of "$c2")"
fi

# 1. A client of ours with Debian's server reaches the native host.
if check_ping cl2 "$TOPO_V6" 56; then
	ok "client 2 (Debian's server) pings the native host via our relay"
else
	fail "client 2 (Debian's server) cannot ping the native host"
fi

# 2. Bubbles with trailers, through both servers, answered.
probe()	# probe SERVER CLIENT-ADDR KIND
{
	nsx rly "$PROBE" -B "$2" -k "$3" -b "$TOPO_RLY4" -t 5000 "$1"
}
bad0=$(srv_bad_trailers)
for kind in none nonce alt nd port all bad; do
	if out=$(probe "$TOPO_SRV4" "$c1" "$kind" 2>&1); then
		ok "trailer $kind via our server, answered: $out"
	else
		fail "trailer $kind via our server: $out"
	fi
	if out=$(probe "$SRV_B" "$c2" "$kind" 2>&1); then
		ok "trailer $kind via Debian's server, answered: $out"
	else
		fail "trailer $kind via Debian's server: $out"
	fi
done
bad1=$(srv_bad_trailers)
if [ -n "$bad0" ] && [ "$bad1" = $((bad0 + 1)) ]; then
	ok "our server counted the malformed trailer" \
	    "(bad-trailer $bad0 -> $bad1)"
else
	fail "our server's bad-trailer counter:" \
	    "${bad0:-?} -> ${bad1:-?} (want +1)"
fi

# 3. Server A goes away; its name now points to B: resolved again.
stop_daemon server
echo "$SRV_B $NAME" >"$HOSTS/hosts"
t1=$(topo_now)
if topo_wait_role client1 40 has_server 1 "$SRV_B"; then
	ok "client 1 resolved $NAME again and qualified with B in" \
	    "$(topo_since "$t1") s: $(teredo_addr 1)"
else
	fail "client 1 not qualified with B 40 s after A went away" \
	    "(address: $(teredo_addr 1))"
fi
grep -q "server $NAME is $SRV_B" "$TOPO_DIR/client1.log" &&
    ok "log: server $NAME is $SRV_B" ||
    fail "no log line 'server $NAME is $SRV_B'"

[ "$fails" = 0 ] || logs
stop_daemons
echo "$fails failed, in $(topo_since "$t0") s"
[ "$fails" = 0 ]
