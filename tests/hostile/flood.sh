#!/bin/bash
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# A flood of 10^6 spoofed peers (issue 9) against our relay and server,
# while the native host pings a client of ours through the relay:
#   A. relay, UDP side: data from 10^6 distinct Teredo sources, each from
#      the mapping its address embeds (198.19.0.0/16 x 16 ports, raw
#      socket), so that every one would be a valid new peer (the relay
#      drops them as unknown-peer since issue 14: it never sent to them);
#   B. relay, tunnel side: native packets to 10^6 distinct Teredo
#      destinations (each a new peer to open with bubbles);
#   C. server: router solicitations from 10^6 spoofed mappings
#   (in the order A, C, B: B leaves the relay busy for a while).
# Checks: the relay engine's resident memory stays under baseline +
# PeerMax x 512 bytes + 2 x PeerQueueBytes + 4 MB (10^6 peers kept would
# take > 150 MB), its peer count never exceeds PeerMax, the server's stays
# under baseline + 4 MB (it keeps no per-client state), both keep running,
# and the client answers the native host after each phase.
# Needs root; exit 77 (skip) otherwise.  HX_PEERS (1000000), HX_PPS
# (100000) and HX_PEERMAX (16384) scale it.

. "$(dirname "$0")/common.sh" || exit 99
hx_skip_unless_ready
PEERS=${HX_PEERS:-1000000}
PPS=${HX_PPS:-100000}
PEERMAX=${HX_PEERMAX:-16384}
QBYTES=${HX_QBYTES:-1048576}

hx_setup restricted "PeerMax $PEERMAX" "PeerQueueBytes $QBYTES"
check_ping v6 "$CADDR" 56 || hx_fail "first ping native host -> client"

ENGINE=$(hx_engine relay)
SRVCHILD=$(ps -o pid= --ppid "$(hx_pid server)" | head -n 1 | tr -d ' ')
[ -n "$ENGINE" ] && [ -n "$SRVCHILD" ] ||
    { echo "FAIL: no relay engine or server child"; exit 1; }
RELAY0=$(hx_rss "$ENGINE")
SERVER0=$(hx_rss "$SRVCHILD")
RELAYMAX=$((RELAY0 + PEERMAX * 512 / 1024 + 2 * QBYTES / 1024 + 4096))
SERVERMAX=$((SERVER0 + 4096))
echo "baseline: relay engine $RELAY0 kB (cap $RELAYMAX kB), server $SERVER0 kB (cap $SERVERMAX kB)"

# Sample the resident memory of both and the relay's peer count.
sampler()
{
	local r s
	while :; do
		r=$(hx_rss "$ENGINE")
		s=$(hx_rss "$SRVCHILD")
		echo "$r $s" >>"$TOPO_DIR/rss"
		sleep 0.2
	done
}
sampler &
SAMPLER=$!

# Up to 15 s: the relay may still be probing the flood's last peers.
ping_settled()
{
	local TOPO_PING_WAIT=15
	check_ping v6 "$CADDR" 56
}

# phase NAME NS GEN-ARGS...: one flood with a ping stream alongside.
phase()
{
	local name=$1 ns=$2 t0 sent tx rx line peers
	shift 2
	hx_ping_start v6 "$CADDR" 0.1
	t0=$(topo_now)
	sent=$(hx_gen "$ns" -r "$PPS" -n "$PEERS" "$@")
	hx_ping_stop v6
	tx=${HX_TX:-0} rx=${HX_RX:-0}
	line=$(hx_status relay)
	peers=$(hx_before "$line" peers)
	echo "$name: ${sent:-0} sent in $(topo_since "$t0") s; relay: $line"
	echo "$name: ping during the flood: $rx/$tx"
	hx_check "$name: all $PEERS sent" test "${sent:-0}" = "$PEERS"
	hx_check "$name: relay peers $peers <= PeerMax $PEERMAX" \
	    test "${peers:-0}" -le "$PEERMAX"
	hx_check "$name: relay and server still running" \
	    sh -c "kill -0 $ENGINE && kill -0 $SRVCHILD"
	hx_check "$name: the client answers the native host after the flood" \
	    ping_settled
}

phase "A (relay, UDP side)" atk -F -s "$HX_SPOOF:0" -d "$TOPO_RLY4:3545" \
    -T "$TOPO_V6" data
phase "C (server, RS)" atk -F -s "$HX_SPOOF:0" -d "$TOPO_SRV4:3544" rs
echo "server: $(hx_status server)"
# Last: the relay probes every new destination (2 s apart, 4 times), so
# give it the time to give up on the flood's peers before the last check.
phase "B (relay, tunnel side)" v6 -6 -F -s "$HX_SPOOF:0"
echo "server: $(hx_status server)"

kill "$SAMPLER"
wait "$SAMPLER" 2>/dev/null
read -r rmax smax <<<"$(awk '$1 > r { r = $1 } $2 > s { s = $2 }
    END { print r + 0, s + 0 }' "$TOPO_DIR/rss")"
hx_check "relay engine peak RSS $rmax kB <= $RELAYMAX kB (baseline $RELAY0)" \
    test "$rmax" -le "$RELAYMAX"
hx_check "server peak RSS $smax kB <= $SERVERMAX kB (baseline $SERVER0)" \
    test "$smax" -le "$SERVERMAX"
echo "answers the spoofed sources got: $(hx_answers)"
hx_summary
