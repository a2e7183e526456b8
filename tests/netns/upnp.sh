#!/bin/bash
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# Port mapping on the NAT (PortMapping), with the real Debian miniupnpd
# 2.3.1 (miniupnpd-nftables) granting our client's mappings, by PCP
# (RFC 6887, our own client) and by UPnP IGD.  Our client is behind a port-preserving NAT (Linux
# masquerade: a port restricted cone) running miniupnpd; outside, our
# server, a STUN server (coturn) and a second client of ours behind a
# symmetric NAT (masquerade fully-random) with tests/netns/natgw.py as
# its NAT-PMP gateway.
#   - PortMapping no: no mapping, and the two clients cannot reach each
#     other (port restricted cone and symmetric);
#   - PortMapping yes: miniupnpd (UPnP off, NAT-PMP and PCP on) maps our
#     client's port by PCP (its DNAT rule, its "PCP MAP" log line, no
#     NAT-PMP request), the client qualifies through it (its Teredo
#     address carries it); natgw.py answers the other client's PCP
#     request "unsupported version" and the client falls back to
#     NAT-PMP: that mapping (DNAT + SNAT) makes its Teredo address carry
#     its own at once, and they reach each other; the other renews its
#     14 s mapping;
#   - SIGTERM: the mapping is removed (PCP MAP, lifetime 0);
#   - the same by UPnP (AddPortMapping, DeletePortMapping).
# miniupnpd refuses every mapping while its external address is reserved,
# and every range our tests may use is: with ext_perform_stun, it asks a
# STUN server (coturn, RFC 5780 on 203.0.113.30 and .31) whether a NAT
# filters in front of it, and with 4 answers of 4 on its own ports it
# enables port forwarding ("behind unrestricted full-cone NAT 1:1").
# What miniupnpd's nftables backend does not do: SNAT of the mapped port
# (only PCP PEER gets one), nor NAT-PMP lifetimes shorter than asked: so
# our client asks for the external port equal to its own on a NAT that
# keeps ports, and the other NAT's gateway is natgw.py.
# Root only (77 otherwise; with CI=true nothing may skip).

skip() {
	if [ "${CI:-}" = true ]; then echo "FAIL (CI): $*"; exit 1; fi
	echo "SKIP: $*"
	exit 77
}
[ "$(id -u)" = 0 ] || skip "not root"
for t in ip nft conntrack ping python3; do
	command -v $t >/dev/null 2>&1 || skip "no $t"
done
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
getent passwd nobody >/dev/null || skip "no user nobody"
B=$(cd "${builddir:-.}" && pwd)
S=$(cd "$(dirname "$0")" && pwd)
for p in miredo miredo-server miredo-status; do
	[ -x "$B/$p" ] || { echo "FAIL: $B/$p not built"; exit 1; }
done
if ! grep -q '^#define HAVE_NATPMP 1' "$B/config.h"; then
	skip "built without libnatpmp (the other client's gateway speaks NAT-PMP only)"
fi
MINIUPNPD=$(command -v miniupnpd || echo /usr/sbin/miniupnpd)
[ -x "$MINIUPNPD" ] || skip "no miniupnpd (miniupnpd-nftables)"
TURNSERVER=$(command -v turnserver || echo /usr/bin/turnserver)
[ -x "$TURNSERVER" ] || skip "no turnserver (coturn)"
command -v ss >/dev/null 2>&1 || skip "no ss"

NSC=upc$$-c	# our client, 192.0.2.10
NSN=upc$$-n	# its NAT: 192.0.2.1 inside, 203.0.113.1 outside, miniupnpd
NSI=upc$$-i	# the outside: router 203.0.113.2 and 198.51.100.2, server
		# 203.0.113.20 (and .21), STUN server 203.0.113.30 and .31
NSM=upc$$-m	# the other NAT: 198.51.100.1 outside, 198.18.0.1 inside
NSO=upc$$-o	# the other client of ours, 198.18.0.10
TMPD=
cleanup() {
	local n p
	for n in "$NSC" "$NSN" "$NSI" "$NSM" "$NSO"; do
		for p in $(ip netns pids "$n" 2>/dev/null); do
			kill -9 "$p" 2>/dev/null
		done
		ip netns del "$n" 2>/dev/null
	done
	[ -n "$TMPD" ] && rm -rf "$TMPD"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
. "$S/checks.sh"
. "$S/upnp_lib.sh"
# nat NS LANIF WANIF LANNET [fully-random]: the NAT of namespace NS.  It
# translates what comes from LANNET only (not its own packets: miniupnpd's
# STUN test must see its own ports), keeps the source port when it can
# (Linux's masquerade) or, with fully-random, takes a new random port for
# every destination (symmetric).  From the outside only answers and what
# a mapping let in (DNAT) pass.
nat() {
	ip netns exec "$1" sysctl -qw net.ipv4.ip_forward=1
	ip netns exec "$1" nft -f - <<EOF_NFT
table ip symnat {
	chain hook_postrouting {
		type nat hook postrouting priority 100;
		oifname "$3" ip saddr $4 masquerade $5
	}
	chain filt {
		type filter hook forward priority 0; policy drop;
		ct state established,related accept
		iifname "$2" accept
		ct status dnat accept
	}
}
EOF_NFT
}

for n in "$NSC" "$NSN" "$NSI" "$NSM" "$NSO"; do
	ip netns add "$n" || skip "cannot create a namespace"
	ip -n "$n" link set lo up
done
TMPD=$(mktemp -d /tmp/upnp.XXXXXX) || exit 1
chmod 755 "$TMPD"
link "$NSC" c0 192.0.2.10/24 "$NSN" l0 192.0.2.1/24
link "$NSN" w0 203.0.113.1/24 "$NSI" i0 203.0.113.2/24
link "$NSM" w1 198.51.100.1/24 "$NSI" i1 198.51.100.2/24
link "$NSO" o0 198.18.0.10/24 "$NSM" l1 198.18.0.1/24
for a in 20 21 30 31; do
	ip -n "$NSI" addr add 203.0.113.$a/24 dev i0
done
ip netns exec "$NSI" sysctl -qw net.ipv4.ip_forward=1
ip -n "$NSC" route add default via 192.0.2.1
ip -n "$NSN" route add default via 203.0.113.2
ip -n "$NSM" route add default via 198.51.100.2
ip -n "$NSO" route add default via 198.18.0.1
nat "$NSN" l0 w0 192.0.2.0/24 || exit 1
nat "$NSM" l1 w1 198.18.0.0/15 fully-random || exit 1
# miniupnpd's chains (its defaults: table inet filter), hooked in.
ip netns exec "$NSN" nft -f - <<'EOF_NFT' || exit 1
table inet filter {
	chain miniupnpd {
	}
	chain prerouting_miniupnpd {
	}
	chain postrouting_miniupnpd {
	}
	chain hook_forward {
		type filter hook forward priority -1;
		jump miniupnpd
	}
	chain hook_prerouting {
		type nat hook prerouting priority -100;
		jump prerouting_miniupnpd
	}
	chain hook_postrouting {
		type nat hook postrouting priority 99;
		jump postrouting_miniupnpd
	}
}
EOF_NFT

outside_start

# miniupnpd UP NATPMP [LINE...]: (re)start it, on the LAN side only, its
# external address checked by STUN; more lines of configuration.
miniupnpd() {
	[ -s "$TMPD/miniupnpd.pid" ] && kill "$(cat "$TMPD/miniupnpd.pid")"
	wait_for 10 test ! -e "$TMPD/miniupnpd.pid"
	cat > "$TMPD/miniupnpd.conf" <<EOC
ext_ifname=w0
listening_ip=l0
enable_upnp=$1
enable_natpmp=$2
ext_perform_stun=yes
ext_stun_host=203.0.113.30
ext_stun_port=3478
secure_mode=yes
uuid=3ded5aa4-3d4c-4f5a-8a5e-00000000f00d
allow 1024-65535 192.0.2.0/24 1024-65535
deny 0-65535 0.0.0.0/0 0-65535
EOC
	shift 2
	[ $# -eq 0 ] || printf '%s\n' "$@" >> "$TMPD/miniupnpd.conf"
	ip netns exec "$NSN" "$MINIUPNPD" -f "$TMPD/miniupnpd.conf" -d \
	    -P "$TMPD/miniupnpd.pid" >> "$TMPD/miniupnpd.log" 2>&1 &
	wait_for 15 grep -q 'Port forwarding is now enabled' \
	    "$TMPD/miniupnpd.log" && return 0
	tail -30 "$TMPD/miniupnpd.log"
	echo "FAIL: miniupnpd did not enable port forwarding"
	exit 1
}

# The other NAT's gateway: tests/netns/natgw.py, NAT-PMP, which also
# sends the mapped port's packets out through it (SNAT) on this symmetric
# NAT, and grants 14 s (the client must renew, at half): two things
# miniupnpd does not do (see above).
ip netns exec "$NSM" env NATGW_MAX_LIFE=14 python3 "$S/natgw.py" \
    198.18.0.1 198.51.100.1 w1 "$TMPD/gw2.log" > "$TMPD/gw2.err" 2>&1 &
wait_for 10 grep -q '^ready' "$TMPD/gw2.log" 2>/dev/null ||
    { cat "$TMPD/gw2.err"; echo "FAIL: the gateway did not start"; exit 1; }

both() {	# both [directive]: start both clients, wait for both
	start_two in "$NSC" 192.0.2.10 upc0 out "$NSO" 198.18.0.10 upo0 "$@"
}

# 1. PortMapping no: our client behind its port-preserving NAT (a port
# restricted cone) and the other behind a symmetric NAT cannot reach each
# other.
# PCP lifetimes of 6 to 10 s: the client's 3600 s become 10, renewed
# at half (miniupnpd grants NAT-PMP what is asked).
miniupnpd no yes min_lifetime=6 max_lifetime=10
both 'PortMapping no'
check "PortMapping no: no mapping in the status" \
    has in '^port-mapping: none$'
check "PortMapping no: the other client cannot reach ours" \
    eval '! ping_from "$NSO" in'
check "PortMapping no: nor ours the other" eval '! ping_from "$NSC" out'
rules() {	# the NAT's port forwardings (miniupnpd's DNAT rules)
	ip netns exec "$NSN" nft list chain inet filter prerouting_miniupnpd
}
check "PortMapping no: nothing asked of miniupnpd" \
    eval '! rules | grep -q dnat && ! grep -q "NAT-PMP port mapping request\|PCP request received" "$TMPD/miniupnpd.log"'
check "PortMapping no: nor of the other NAT's gateway" \
    eval '! grep -q "^map\|^unsupported" "$TMPD/gw2.log"'
stop in || fail "our client did not stop"
stop out || fail "the other client did not stop"

# 2. PortMapping yes (the default): miniupnpd maps our client's port by
# PCP (tried before NAT-PMP, which miniupnpd also speaks), natgw.py the
# other's by NAT-PMP after PCP.
both
mapped_by() { has in "^port-mapping: 203\\.0\\.113\\.1:[0-9]+ by $1"; }
check "status shows the mapping, by PCP" wait_for 20 mapped_by PCP
PM=$(report in | sed -n 's/^port-mapping: 203\.0\.113\.1:\([0-9]*\) .*/\1/p')
through() { has in "^address-mapped: 203\\.0\\.113\\.1:$PM\$"; }
check "the client is qualified through it (address-mapped :$PM)" \
    wait_for 5 through
# miniupnpd 2.3.1 writes: iif "w0" @nh,72,8 0x11 th dport P dnat ip to A:P
dnat_rule() { rules | grep -q "th dport $PM dnat ip to 192\\.0\\.2\\.10:$PM\$"; }
check "miniupnpd added the DNAT rule (:$PM to 192.0.2.10:$PM)" dnat_rule
# miniupnpd 2.3.1 logs: PCP MAP: added mapping udp P->A:P 'desc'
check "... granting the client's PCP MAP request" \
    grep -Eq "PCP MAP: added mapping (udp|UDP) $PM->192\\.0\\.2\\.10:$PM " \
    "$TMPD/miniupnpd.log"
check "... and no NAT-PMP request was made" \
    eval '! grep -q "NAT-PMP port mapping request" "$TMPD/miniupnpd.log"'
check "status: the lifetime miniupnpd granted (max_lifetime 10 s)" \
    has in '^port-mapping: .* by PCP \(lifetime 10 s\)$'
# Its label carries the request's nonce: the renewal (at 5 s) keeps it.
pcp_maps() {
	grep -o "PCP MAP: added mapping UDP $PM->192\\.0\\.2\\.10:$PM 'PCP MAP [0-9a-f]*'" \
	    "$TMPD/miniupnpd.log"
}
pcp_renewed() {
	[ "$(pcp_maps | wc -l)" -ge 2 ] && [ "$(pcp_maps | sort -u | wc -l)" = 1 ]
}
check "the client renews its PCP mapping at half its lifetime, same nonce" \
    wait_for 15 pcp_renewed
# What miniupnpd's nftables backend does not do: send the mapped port's
# outgoing packets out through it (SNAT; only PCP PEER gets one).  Our
# client's Teredo address carries the mapping because this NAT keeps the
# source port and the client asks for the same port outside.
if ip netns exec "$NSN" nft list chain inet filter postrouting_miniupnpd |
    grep -q snat; then
	echo "note: miniupnpd added an SNAT rule"
else
	echo "note: miniupnpd added no SNAT rule (outgoing keeps the port by masquerade)"
fi
check "JSON: port_mapping with method PCP" \
    eval '"$B/miredo-status" -j -s "$TMPD/in.ctl" |
    grep -q "\"port_mapping\":{\"method\":\"PCP\",\"ip\":\"203.0.113.1\",\"port\":$PM"'
check "JSON valid against tests/status.schema.json (port_mapping set)" \
    eval '"$B/miredo-status" -j -s "$TMPD/in.ctl" |
    python3 "$S/../status_check.py" "$S/../status.schema.json"'
out_pm() {
	report out | sed -n 's/^port-mapping: 198\.51\.100\.1:\([0-9]*\) .*/\1/p'
}
out_through() {
	local p
	p=$(out_pm)
	[ -n "$p" ] && has out "^address-mapped: 198\\.51\\.100\\.1:$p\$"
}
# At once (core_portmap), not at the next refresh (22 s or more away):
# behind a symmetric NAT only the new mapping's SNAT gives that port.
check "the other client's mapping, by NAT-PMP (natgw.py)" \
    wait_for 20 has out '^port-mapping: 198\.51\.100\.1:[0-9]+ by NAT-PMP'
check "... after its PCP request got \"unsupported version\"" \
    grep -q '^unsupported version 2 from 198\.18\.0\.10$' "$TMPD/gw2.log"
# That answer ends PCP at once: one request before NAT-PMP's, where a
# client deaf to it sends 4 (250 to 2000 ms apart) before giving up.
pcp_once() {
	awk '/^map /{ exit } /^unsupported version 2 from 198\.18\.0\.10$/{ n++ }
	    END { exit !(n == 1) }' "$TMPD/gw2.log"
}
check "... at once (one PCP request, then NAT-PMP)" pcp_once
check "the other client qualified through it at once" wait_for 5 out_through
check "the other client reaches ours through the mappings" \
    ping_from "$NSO" in
check "and ours the other" ping_from "$NSC" out
PRIV=$(cat "$TMPD/in.pid")
# The port-mapping child: the child of priv without the tunnel (the
# server is a literal: no resolver); nobody, no capabilities, seccomp, and
# nothing of priv's but stdio on /dev/null and its channel (and, between
# two requests, a socket of its own).
child_unpriv() {
	local c n
	for c in $(pgrep -P "$PRIV"); do
		ls -l "/proc/$c/fd" | grep -q /dev/net/tun && continue
		[ "$(stat -c %U "/proc/$c")" = nobody ] || return 1
		grep -q '^Seccomp:[[:space:]]*2' "/proc/$c/status" || return 1
		grep -q '^CapEff:[[:space:]]*0*$' "/proc/$c/status" || return 1
		n=$(ls "/proc/$c/fd" | wc -l)
		[ "$n" -le 5 ] || return 1
		ls -l "/proc/$c/fd" | grep -Eq 'ctl|/dev/net/tun' && return 1
		return 0
	done
	return 1
}
check "the port-mapping child: nobody, no capabilities, seccomp, 4-5 fds" \
    child_unpriv

check "the other client renews its 14 s mapping before it expires" \
    wait_for 15 grep -q '^renew 198.51.100.1:.* for 14 s' "$TMPD/gw2.log"
check "... and it never expired" eval '! grep -q expired "$TMPD/gw2.log"'

# 3. SIGTERM: the mapping goes.
stop in || fail "our client did not stop"
gone() { ! rules | grep -q dnat; }
# (Its 10 s lifetime may run out in that time too: the log line below
# tells the client's deletion.)
check "after SIGTERM the mapping is removed from the NAT" wait_for 10 gone
check "... by the client's request (PCP MAP, lifetime 0)" \
    grep -Eq "PCP: (udp|UDP) port $PM mapping removed" "$TMPD/miniupnpd.log"
check "no port-mapping child left" \
    eval '! ip netns pids "$NSC" | grep -q .'

# 4. UPnP: miniupnpd as an IGD only.
miniupnpd yes no
start in "$NSC" 192.0.2.10 upc0
wait_for 20 qualified in || fail "our client did not qualify (UPnP)"
check "UPnP: status shows the mapping, by UPnP" wait_for 20 mapped_by UPnP
PM=$(report in | sed -n 's/^port-mapping: 203\.0\.113\.1:\([0-9]*\) .*/\1/p')
check "UPnP: AddPortMapping made the rule" dnat_rule
check "UPnP: qualified through it (address-mapped :$PM)" wait_for 5 through
check "UPnP: the other client reaches ours" ping_from "$NSO" in
stop in || fail "our client did not stop"
check "UPnP: after SIGTERM DeletePortMapping removed the rule" \
    wait_for 10 gone
check "... by the client's request" \
    grep -q 'SOAPAction: .*#DeletePortMapping' "$TMPD/miniupnpd.log"

if [ "$failures" -ne 0 ]; then
	echo "--- the NAT's rules"; ip netns exec "$NSN" nft list table inet filter
	for f in in.log out.log server.log gw2.log gw2.err; do
		echo "--- $f"; cat "$TMPD/$f"
	done
	echo "--- miniupnpd.log"; grep 'NAT-PMP port mapping\|PCP' "$TMPD/miniupnpd.log"; grep -v 'table_cb\|sendto' "$TMPD/miniupnpd.log" | tail -40
	echo "--- turn.log"; tail -20 "$TMPD/turn.log"
	echo "$failures check(s) failed"
	exit 1
fi
echo "all checks passed"
