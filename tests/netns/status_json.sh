#!/bin/bash
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# miredo-status for machines (issue 17), in tests/interop/topo.sh's
# network with our server, our relay and a client behind a restricted NAT
# (tests/hostile/common.sh):
#  - -j of the client, the relay and the server validated against
#    tests/status.schema.json (tests/status_check.py), with the values
#    each must have; the text report unchanged;
#  - --prometheus: every line a HELP, TYPE or sample line of the text
#    format, the counters there;
#  - bad and oversized requests answered "error: ..." and the daemon
#    still answering;
#  - -P on the relay holding SJ_PEERS (100000) peers, made by native
#    packets to 1.5 x as many Teredo destinations (the relay only keeps
#    peers it sent to: RFC 4380 5.4.2): the listing ends within SJ_BOUND
#    (60) s, is valid, lists each peer once and >= 90% of those held (the
#    table is not frozen while it is read), and a ping from the native
#    host to the client through the relay during the listing is answered.
# Root only (exit 77 otherwise).

TOPO_P=${TOPO_P:-sj$$}
. "$(dirname "$0")/../hostile/common.sh" || exit 99
hx_skip_unless_ready
# The system python3 first: a version manager's shim can take seconds.
PY=$(command -v /usr/bin/python3 || command -v python3) ||
    { echo "SKIP: no python3"; exit 77; }
STATUS=$TOPO_BUILDDIR/miredo-status
SCHEMA=$hx_here/../status.schema.json
CHECKER=$hx_here/../status_check.py
PEERS=${SJ_PEERS:-100000}
BOUND=${SJ_BOUND:-60}
[ -x "$STATUS" ] || { echo "FAIL: $STATUS not built"; exit 1; }

hx_setup restricted "PeerMax $((PEERS * 2))"
CTL_C=$TOPO_DIR/client1.ctl
CTL_R=$TOPO_DIR/relay.ctl
CTL_S=$TOPO_DIR/server.ctl

# wait_for SECONDS command...: poll every 0.2 s until command succeeds.
wait_for() {
	local n=$(($1 * 5))
	shift
	while [ $n -gt 0 ]; do
		"$@" && return 0
		sleep 0.2
		n=$((n - 1))
	done
	return 1
}
# valid FILE: the schema check passes (its reasons shown otherwise).
valid() { "$PY" "$CHECKER" "$SCHEMA" "$1"; }
# field FILE EXPR: a Python expression on the document d.
field() {
	"$PY" -c 'import json, sys; d = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$1" "$2"
}
# is FILE EXPR VALUE
is() { [ "$(field "$1" "$2")" = "$3" ]; }

# 1. -j: client, relay, server.
for r in client1:$CTL_C relay:$CTL_R server:$CTL_S; do
	role=${r%%:*} ctl=${r#*:}
	"$STATUS" -s "$ctl" -j >"$TOPO_DIR/$role.json" 2>"$TOPO_DIR/$role.err"
	hx_check "$role: miredo-status -j exits 0" test $? = 0
	hx_check "$role: -j valid against the schema" valid "$TOPO_DIR/$role.json"
done
J=$TOPO_DIR
hx_check "client: role client, qualified" \
    is "$J/client1.json" 'd["role"] + " " + d["state"]' "client qualified"
hx_check "client: its address $CADDR" \
    is "$J/client1.json" 'd["address"]["ipv6"]' "$CADDR"
hx_check "client: the server $TOPO_SRV4" \
    is "$J/client1.json" 'd["server"]' "$TOPO_SRV4"
hx_check "client: a mapping, NAT restricted or port-translating" \
    is "$J/client1.json" \
    'd["mapping"] is not None and d["nat"] in ("restricted", "port-translating")' True
hx_check "client: state_since a recent UNIX time" \
    is "$J/client1.json" "abs(d['state_since'] - $(date +%s)) < 600" True
hx_check "client: udp-rx-packets > 0" \
    is "$J/client1.json" 'd["counters"]["udp-rx-packets"] > 0' True
hx_check "relay: role relay, state relay, nat none" \
    is "$J/relay.json" 'd["role"] + d["state"] + d["nat"]' "relayrelaynone"
hx_check "relay: every drop reason (unknown-peer, tun-non-ipv6)" \
    is "$J/relay.json" '"unknown-peer" in d["drops"] and "tun-non-ipv6" in d["drops"]' True
hx_check "server: role server, serving, $TOPO_SRV4" \
    is "$J/server.json" 'd["role"] + d["state"] + d["server"]' "serverserving$TOPO_SRV4"
hx_check "server: rs-received > 0" \
    is "$J/server.json" 'd["counters"]["rs-received"] > 0' True
# The schema check is not a rubber stamp.
sed 's/"mtu":/"mtu":"x",/; s/"mtu":"x",[0-9]*/"mtu":"x"/' "$J/relay.json" \
    >"$J/bad.json"
hx_check "a wrong type fails the schema check" \
    sh -c "! '$PY' '$CHECKER' '$SCHEMA' '$J/bad.json' >/dev/null"
hx_check "text report unchanged (role: relay)" \
    sh -c "'$STATUS' -s '$CTL_R' | grep -qx 'role: relay'"
hx_check "text report unchanged (drop-unknown-peer:)" \
    sh -c "'$STATUS' -s '$CTL_R' | grep -Eqx 'drop-unknown-peer: [0-9]+'"

# 2. --prometheus.
prom_ok() {	# prom_ok FILE: only HELP, TYPE and sample lines
	awk '/^# HELP [a-z_]+ ./ || /^# TYPE [a-z_]+ (counter|gauge)$/ { next }
	    /^[a-z_]+(\{[a-z_]+="[^"\\]*"(,[a-z_]+="[^"\\]*")*\})? [0-9]+$/ {
	    n++; next } { bad = 1; print "bad line: " $0 }
	    END { exit bad || n < 5 }' "$1"
}
"$STATUS" -s "$CTL_R" --prometheus >"$J/relay.prom"
hx_check "relay: --prometheus exits 0" test $? = 0
hx_check "relay: --prometheus is the text format" prom_ok "$J/relay.prom"
hx_check "relay: miredo_drops_total{reason=\"unknown-peer\"}" \
    grep -Eq '^miredo_drops_total\{reason="unknown-peer"\} [0-9]+$' "$J/relay.prom"
hx_check "relay: miredo_packets_total rx udp" \
    grep -Eq '^miredo_packets_total\{direction="rx",side="udp"\} [0-9]+$' "$J/relay.prom"
hx_check "relay: TYPE miredo_drops_total counter" \
    grep -qx '# TYPE miredo_drops_total counter' "$J/relay.prom"
"$STATUS" -s "$CTL_S" --prometheus >"$J/server.prom"
hx_check "server: --prometheus is the text format" prom_ok "$J/server.prom"
hx_check "server: miredo_server_drops_total{reason=\"bad-rs\"}" \
    grep -Eq '^miredo_server_drops_total\{reason="bad-rs"\} [0-9]+$' "$J/server.prom"

# 3. Bad requests: an error, the daemon unharmed.
ask() {	# ask SOCKET BYTES...: the raw answer to one request
	"$PY" -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(5)
s.connect(sys.argv[1])
try:
    s.sendall(sys.argv[2].encode("latin-1"))
except OSError:
    pass	# a daemon that stopped reading: its answer is still there
b = b""
while True:
    try:
        x = s.recv(65536)
    except ConnectionResetError:
        break
    if not x:
        break
    b += x
sys.stdout.write(b.decode("latin-1"))' "$@"
}
out=$(ask "$CTL_R" $'hello\n')
hx_check "relay: unknown request -> 'error: unknown request' ($out)" \
    test "$out" = "error: unknown request"
out=$(ask "$CTL_R" "$(head -c 100000 /dev/zero | tr '\0' j)")
hx_check "relay: 100000-byte request -> 'error: request too long'" \
    test "$out" = "error: request too long"
out=$(ask "$CTL_R" $'peers 0 1000000\n')
hx_check "relay: page of 10^6 -> error ($out)" \
    test "${out%%:*}" = "error"
out=$(ask "$CTL_S" $'peers 0 5\n')
hx_check "server: peers -> error ($out)" test "${out%%:*}" = "error"
"$STATUS" -s "$CTL_S" -P >"$J/server-P.out" 2>/dev/null
hx_check "server: -P exits 1, prints nothing on stdout" \
    sh -c "[ $? = 1 ] && [ ! -s '$J/server-P.out' ]"
"$STATUS" -s "$CTL_R" -j >"$J/relay2.json"
hx_check "relay: still answers -j after bad requests" valid "$J/relay2.json"

# 4. -P on a relay holding $PEERS peers.
# Half as many again: some are lost on the way under load.  On a loaded
# machine the kernel drops more: up to three more rounds to the same
# destinations, which fill in those lost (the others are only refreshed).
peers_now() { "$STATUS" -s "$CTL_R" -j | "$PY" -c \
    'import json, sys; print(json.load(sys.stdin)["peers"])'; }
have_peers() { [ "$(peers_now)" -ge "$PEERS" ]; }
round=0
while [ $round -lt 4 ]; do
	sent=$(hx_gen v6 -6 -F -s "$HX_SPOOF:0" -r 20000 \
	    -n $((PEERS * 3 / 2)))
	echo "round $round: sent $sent packets to distinct Teredo" \
	    "destinations; the relay holds $(peers_now) peers"
	wait_for 5 have_peers && break
	round=$((round + 1))
done
hx_check "relay holds >= $PEERS peers" wait_for 20 have_peers
held=$(peers_now)
echo "relay holds $held peers"
# The path through the relay open before (bubbles), then a ping stream
# from the start of the listing to at least 10 replies after it.
hx_check "ping native host -> client through the relay" \
    check_ping v6 "$CADDR" 56
replies() { [ "$(grep -c icmp_seq "$TOPO_DIR/ping.v6")" -ge "$1" ]; }
hx_ping_start v6 "$CADDR" 0.1
t0=$(topo_now)
timeout "$BOUND" "$STATUS" -s "$CTL_R" -P >"$J/peers.json"
rc=$?
took=$(topo_since "$t0")
r0=$(grep -c icmp_seq "$TOPO_DIR/ping.v6")
wait_for 10 replies $((r0 + 10))
hx_ping_stop v6
n=$(field "$J/peers.json" 'len(d["peer_list"])' 2>/dev/null)
echo "-P: $n peers listed in $took s (bound $BOUND s); $r0 ping replies during it; ping from its start to 10 replies after: ${HX_RX:-0}/${HX_TX:-0}"
hx_check "-P ended within $BOUND s (exit $rc)" test "$rc" = 0
hx_check "-P valid against the schema" valid "$J/peers.json"
hx_check "-P listed >= 90% of the $held peers held ($n)" \
    test "${n:-0}" -ge $((held * 9 / 10))
hx_check "-P lists each peer once" \
    is "$J/peers.json" 'len(set(p["address"] for p in d["peer_list"])) == len(d["peer_list"])' True
hx_check "ping native host -> client during -P: answered ($r0 replies)" \
    test "$r0" -ge 1
hx_check "ping during -P: at most half lost" \
    test $((${HX_RX:-0} * 2)) -ge "${HX_TX:-1}"
hx_summary
