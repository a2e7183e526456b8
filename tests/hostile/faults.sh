#!/bin/bash
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# Faults under traffic (issue 9), with our server, relay and client (behind
# a port-restricted cone NAT) and the native host pinging the client:
#   1. the relay's engine is killed (SIGKILL): restarted, traffic resumes;
#   2. the client's engine is killed: restarted, qualified, traffic resumes;
#   3. SIGHUP to the relay and to the client: the same;
#   4. the NAT loses its state (nft flush ruleset, conntrack flushed, rules
#      back with another outside address): the client re-qualifies with a
#      new address at its next refresh;
#   5. the server disappears: the client goes down; it returns: the client
#      qualifies again.
# After each, and after SIGTERM at the end: no stale Teredo address,
# route or process (ip -6 addr, ip -6 route, ip netns pids).
# Needs root; exit 77 (skip) otherwise.  Takes about a minute.  Without
# conntrack(8) (or with HX_NO_CONNTRACK=1) the NAT's UDP entries are made
# to expire after 1 s idle instead of being flushed.

. "$(dirname "$0")/common.sh" || exit 99
hx_skip_unless_ready
TOPO_PING_WAIT=10

topo_init
topo_up restricted none || { echo "FAIL: topology"; exit 1; }
start_server ours || { echo "FAIL: server did not start"; exit 1; }
hx_relay_conf
hx_start_relay || { echo "FAIL: relay did not start"; exit 1; }
# Short timers, so that losing the server shows within seconds.
cat >"$TOPO_DIR/client1.conf" <<EOF
RelayType client
ServerAddress $TOPO_SRV4
InterfaceName teredo
RefreshInterval 10
QualificationTimeout 2
QualificationRetries 2
PortMapping no
EOF
# (PortMapping no: the NAT offers none, and its child would be a third
# process; tests/netns/upnp.sh tests port mapping.)
topo_start client1 cl1 ours miredo
wait_qualified 1 10 >/dev/null || { echo "FAIL: client not qualified"; exit 1; }
CADDR=$(teredo_addr 1)
echo "client $CADDR"

# What a running client must have, and nothing more: one Teredo address
# (the one given), its /32 and default routes once each, priv + engine.
client_clean()
{
	local want=$1 a r d
	a=$(ip -n "$TOPO_P-cl1" -6 addr show scope global |
	    awk '$1 == "inet6" && $2 ~ /^2001:/ { sub("/.*", "", $2); print $2 }')
	r=$(ip -n "$TOPO_P-cl1" -6 route show | grep -c '^2001::/32 ')
	d=$(ip -n "$TOPO_P-cl1" -6 route show default | grep -c 'dev teredo')
	[ "$a" = "$want" ] && [ "$r" = 1 ] && [ "$d" = 1 ] &&
	    [ "$(ip netns pids "$TOPO_P-cl1" | wc -l)" = 2 ]
}
relay_clean()
{
	[ "$(ip -n "$TOPO_P-rly" -6 route show | grep -c '^2001::/32 ')" = 1 ] &&
	    [ "$(ip netns pids "$TOPO_P-rly" | wc -l)" = 2 ]
}
client_down()
{
	[ -z "$(teredo_addr 1)" ] &&
	    [ "$(ip -n "$TOPO_P-cl1" -6 route show default | grep -c teredo)" = 0 ]
}
new_address() { [ -n "$(teredo_addr 1)" ] && [ "$(teredo_addr 1)" != "$1" ]; }
engine_is_new() { local e; e=$(hx_engine "$1"); [ -n "$e" ] && [ "$e" != "$2" ]; }

# after WHAT: traffic resumes and nothing is stale.  The ping stream
# begun before the fault (at the address of then) is only reported.
after()
{
	local tx rx
	hx_ping_stop v6
	tx=${HX_TX:-0} rx=${HX_RX:-0}
	echo "$1: ping stream across the fault: $rx/$tx"
	hx_check "$1: ping native host -> client $CADDR" check_ping v6 "$CADDR" 56
	hx_check "$1: client has only $CADDR, its routes once, 2 processes" \
	    topo_wait 5 client_clean "$CADDR"
	hx_check "$1: relay has its route once and 2 processes" \
	    topo_wait 5 relay_clean
}

check_ping v6 "$CADDR" 56 || hx_fail "first ping native host -> client"

# 1. The relay's engine dies.
hx_ping_start v6 "$CADDR" 0.05
E=$(hx_engine relay)
kill -9 "$E"
hx_check "relay engine killed: a new one" topo_wait 5 engine_is_new relay "$E"
after "relay engine killed"

# 2. The client's engine dies: a new engine, a new address (RFC 5991).
hx_ping_start v6 "$CADDR" 0.05
E=$(hx_engine client1)
kill -9 "$E"
hx_check "client engine killed: a new one" topo_wait 5 engine_is_new client1 "$E"
hx_check "client engine killed: qualified again" topo_wait 10 new_address "$CADDR"
CADDR=$(teredo_addr 1)
after "client engine killed"

# 3. SIGHUP under traffic.
hx_ping_start v6 "$CADDR" 0.05
E=$(hx_engine relay)
kill -HUP "$(hx_pid relay)"
hx_check "relay SIGHUP: a new engine" topo_wait 5 engine_is_new relay "$E"
after "relay SIGHUP"
hx_ping_start v6 "$CADDR" 0.05
E=$(hx_engine client1)
kill -HUP "$(hx_pid client1)"
hx_check "client SIGHUP: a new engine" topo_wait 5 engine_is_new client1 "$E"
hx_check "client SIGHUP: qualified" topo_wait 10 topo_has_addr 1
CADDR=$(teredo_addr 1)
after "client SIGHUP"

# 4. The NAT forgets every mapping and comes back with a new address.
hx_ping_start v6 "$CADDR" 0.05
OLD=$CADDR
topo_addr nat1 out 203.0.113.11/28
nsx nat1 nft flush ruleset
if [ -z "${HX_NO_CONNTRACK:-}" ] && command -v conntrack >/dev/null 2>&1; then
	nsx nat1 conntrack -F >/dev/null 2>&1
else
	# Without conntrack(8): entries idle for 1 s expire.
	nsx nat1 sysctl -qw net.netfilter.nf_conntrack_udp_timeout=1 \
	    net.netfilter.nf_conntrack_udp_timeout_stream=1
fi
topo_nat_rules 1 restricted
nsx nat1 nft add rule ip nat post oifname out snat to 203.0.113.11
nsx nat1 nft delete rule ip nat post handle "$(nsx nat1 nft -a list chain \
    ip nat post | awk '/masquerade/ { print $NF }')"
hx_check "NAT change: the client re-qualifies with a new address" \
    topo_wait 20 new_address "$OLD"
CADDR=$(teredo_addr 1)
eval "$(teredo_decode "$CADDR")"
hx_check "NAT change: the new address embeds 203.0.113.11 ($client)" \
    test "$client" = 203.0.113.11
after "NAT change"

# 5. The server goes away, and comes back.
hx_ping_start v6 "$CADDR" 0.05
stop_daemon server
hx_check "server gone: the client goes down" topo_wait 30 client_down
hx_check "server gone: no stale address or route, still 2 processes" \
    sh -c "[ \"\$(ip netns pids $TOPO_P-cl1 | wc -l)\" = 2 ] &&
    ! ip -n $TOPO_P-cl1 -6 route show | grep -q '^2001::/32 '"
start_server ours || hx_fail "server restart"
hx_check "server back: the client qualifies again" \
    topo_wait 40 topo_has_addr 1
CADDR=$(teredo_addr 1)
after "server back"

# 6. SIGTERM: nothing left.
for r in client1 relay server; do
	hx_check "$r stops on SIGTERM (not killed)" stop_daemon "$r"
done
for ns in cl1 rly srv; do
	hx_check "$ns: no process left" \
	    test -z "$(ip netns pids "$TOPO_P-$ns")"
	hx_check "$ns: no Teredo interface, address or route left" \
	    sh -c "! ip -n $TOPO_P-$ns link show teredo >/dev/null 2>&1 &&
	    ! ip -n $TOPO_P-$ns -6 addr | grep -q 'inet6 2001:0:' &&
	    ! ip -n $TOPO_P-$ns -6 route | grep -q '2001::/32\|dev teredo'"
done
hx_summary
