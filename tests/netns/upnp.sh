#!/bin/bash
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# Port mapping on the NAT (PortMapping): our client behind a symmetric
# NAT (nftables masquerade fully-random) that runs Debian's miniupnpd
# (UPnP IGD, on the LAN side only) and a NAT-PMP gateway
# (tests/netns/natgw.py); outside, our server, and a second client of
# ours behind another symmetric NAT with a NAT-PMP gateway.
#   - PortMapping no: no mapping, and the other client cannot reach ours
#     (two symmetric NATs);
#   - PortMapping yes: the client speaks UPnP to the real miniupnpd (which
#     refuses: see below), then NAT-PMP; the mapping appears in the NAT's
#     rules, miredo-status shows it, the client qualifies through it (its
#     Teredo address carries the mapped port) and is reachable;
#   - SIGTERM: the mapping is removed from the NAT;
#   - the same by UPnP, with natgw.py as the IGD (SSDP, description,
#     AddPortMapping, DeletePortMapping).
# miniupnpd 2.3.1 refuses every mapping when its external address is
# reserved ("Reserved / private IP address ... Port forwarding is
# impossible"), and 192.0.2/24, 198.51.100/24, 203.0.113/24 and
# 198.18/15 all are: hence natgw.py, a stand-in for the mapping itself.
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
	skip "built without libnatpmp (port mapping: not built)"
fi
MINIUPNPD=$(command -v miniupnpd || echo /usr/sbin/miniupnpd)
[ -x "$MINIUPNPD" ] || skip "no miniupnpd (miniupnpd-nftables)"

NSC=upc$$-c	# our client, 192.0.2.10
NSN=upc$$-n	# its NAT: 192.0.2.1 inside, 203.0.113.1 outside
NSI=upc$$-i	# the outside: router 203.0.113.2 and 198.51.100.2, server
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
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }
check() { local w=$1; shift; if "$@"; then ok "$w"; else fail "$w"; fi; }
wait_for() {
	local n=$(($1 * 10))
	shift
	while [ $n -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}
# link NS1 IF1 ADDR1 NS2 IF2 ADDR2: a veth pair, addressed and up.
link() {
	ip -n "$1" link add "$2" type veth peer name "$5" netns "$4"
	ip -n "$1" addr add "$3" dev "$2"
	ip -n "$4" addr add "$6" dev "$5"
	ip -n "$1" link set "$2" up
	ip -n "$4" link set "$5" up
}
# The symmetric NAT of namespace $1 (LAN $2, WAN $3): a new random port
# for every destination; from the outside only answers and what a
# mapping let in (DNAT) pass.
symnat() {
	ip netns exec "$1" sysctl -qw net.ipv4.ip_forward=1
	ip netns exec "$1" nft -f - <<EOF_NFT
table ip symnat {
	chain post {
		type nat hook postrouting priority 100;
		oifname "$3" masquerade fully-random
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
ip -n "$NSI" addr add 203.0.113.20/24 dev i0
ip -n "$NSI" addr add 203.0.113.21/24 dev i0
ip netns exec "$NSI" sysctl -qw net.ipv4.ip_forward=1
ip -n "$NSC" route add default via 192.0.2.1
ip -n "$NSN" route add default via 203.0.113.2
ip -n "$NSM" route add default via 198.51.100.2
ip -n "$NSO" route add default via 198.18.0.1
symnat "$NSN" l0 w0 || exit 1
symnat "$NSM" l1 w1 || exit 1
# The chains miniupnpd fills (it starts without them, but complains).
ip netns exec "$NSN" nft -f - <<'EOF_NFT' || exit 1
table inet filter {
	chain miniupnpd {
	}
	chain prerouting_miniupnpd {
	}
	chain postrouting_miniupnpd {
	}
}
EOF_NFT

# miniupnpd: UPnP IGD on the LAN side only (NAT-PMP is the stand-in's).
cat > "$TMPD/miniupnpd.conf" <<EOC
ext_ifname=w0
listening_ip=l0
enable_upnp=yes
enable_natpmp=no
secure_mode=yes
uuid=3ded5aa4-3d4c-4f5a-8a5e-00000000f00d
allow 1024-65535 192.0.2.0/24 1024-65535
deny 0-65535 0.0.0.0/0 0-65535
EOC
ip netns exec "$NSN" "$MINIUPNPD" -f "$TMPD/miniupnpd.conf" -d \
    -P "$TMPD/miniupnpd.pid" > "$TMPD/miniupnpd.log" 2>&1 &
# gw MODE NS LAN EXT EXTIF NAME: a NAT-PMP or UPnP gateway on that NAT.
gw() {
	ip netns exec "$2" python3 "$S/natgw.py" "$1" "$3" "$4" "$5" \
	    "$TMPD/$6.log" > "$TMPD/$6.err" 2>&1 &
	GWPID=$!
	wait_for 10 grep -q '^ready' "$TMPD/$6.log" 2>/dev/null && return 0
	cat "$TMPD/$6.err"
	echo "FAIL: the gateway $6 did not start"
	exit 1
}
gw natpmp "$NSN" 192.0.2.1 203.0.113.1 w0 gw
GW1=$GWPID
# The other NAT grants 14 s: the client must renew (at half, 7 s or 10 s).
NATGW_MAX_LIFE=14 gw natpmp "$NSM" 198.18.0.1 198.51.100.1 w1 gw2
wait_for 10 grep -q 'HTTP listening' "$TMPD/miniupnpd.log" ||
    fail "miniupnpd did not start: $(cat "$TMPD/miniupnpd.log")"

# Our server.
printf 'ServerBindAddress 203.0.113.20\n' > "$TMPD/server.conf"
ip netns exec "$NSI" "$B/miredo-server" -f -c "$TMPD/server.conf" \
    -p "$TMPD/server.pid" -u nobody > "$TMPD/server.log" 2>&1 &
report() { "$B/miredo-status" -s "$TMPD/$1.ctl" 2>/dev/null; }
has() { report "$1" | grep -Eq -- "$2"; }
field() { report "$1" | awk -v k="$2:" '$1 == k { print $2; exit }'; }
start() {	# start NAME NS BINDADDR IFNAME [directive...]
	local name=$1 ns=$2 bind=$3 ifn=$4
	shift 4
	{
		printf 'ServerAddress 203.0.113.20\nInterfaceName %s\n' "$ifn"
		printf 'BindAddress %s\n' "$bind"
		printf '%s\n' "$@"
	} > "$TMPD/$name.conf"
	ip netns exec "$ns" "$B/miredo" -f -c "$TMPD/$name.conf" \
	    -p "$TMPD/$name.pid" -u nobody > "$TMPD/$name.log" 2>&1 &
}
qualified() { has "$1" '^state: qualified$'; }
both() {	# both [directive]: start both clients, wait for both
	start in "$NSC" 192.0.2.10 upc0 "$@"
	start out "$NSO" 198.18.0.10 upo0 "$@"
	wait_for 20 qualified in && wait_for 20 qualified out && return 0
	cat "$TMPD/server.log" "$TMPD/in.log" "$TMPD/out.log"
	echo "FAIL: the clients did not qualify behind their NATs"
	exit 1
}
stop() {	# stop NAME: SIGTERM, and wait for the pid file to go
	[ -s "$TMPD/$1.pid" ] && kill "$(cat "$TMPD/$1.pid")" 2>/dev/null
	wait_for 10 test ! -e "$TMPD/$1.pid"
}
ping_from() {	# ping_from FROM-NS TO-NAME: 3 pings, 6 s at most
	local a
	a=$(field "$2" address)
	[ -n "$a" ] && [ "$a" != none ] &&
	    ip netns exec "$1" ping -6 -c 3 -i 0.5 -W 2 -w 6 "$a" \
	    > "$TMPD/ping.log" 2>&1
}

# 1. PortMapping no: two symmetric NATs keep the clients apart.
both 'PortMapping no'
check "PortMapping no: no mapping in the status" \
    has in '^port-mapping: none$'
check "PortMapping no: the other client cannot reach ours" \
    eval '! ping_from "$NSO" in'
check "PortMapping no: nor ours the other" eval '! ping_from "$NSC" out'
check "PortMapping no: nothing asked of the gateway" \
    eval '! grep -q "^map" "$TMPD/gw.log"'
stop in || fail "our client did not stop"
stop out || fail "the other client did not stop"

# 2. PortMapping yes (the default).
both
mapped_by_natpmp() { has "$1" "^port-mapping: $2:[0-9]+ by NAT-PMP"; }
check "status shows the mapping, by NAT-PMP" \
    wait_for 20 mapped_by_natpmp in '203\.0\.113\.1'
check "the other client's too" \
    wait_for 20 mapped_by_natpmp out '198\.51\.100\.1'
PM=$(report in | sed -n 's/^port-mapping: 203\.0\.113\.1:\([0-9]*\) .*/\1/p')
through() { has in "^address-mapped: 203\\.0\\.113\\.1:$PM\$"; }
# At once (core_portmap), not at the next refresh (22 s or more away).
check "the client qualified through it at once (address-mapped :$PM)" \
    wait_for 5 through
check "the mapping is in the NAT's rules" \
    eval 'ip netns exec "$NSN" nft list table ip natpmpgw |
    grep -q "udp dport $PM dnat to 192.0.2.10:"'
check "JSON: port_mapping with method NAT-PMP" \
    eval '"$B/miredo-status" -j -s "$TMPD/in.ctl" |
    grep -q "\"port_mapping\":{\"method\":\"NAT-PMP\",\"ip\":\"203.0.113.1\",\"port\":$PM"'
check "JSON valid against tests/status.schema.json (port_mapping set)" \
    eval '"$B/miredo-status" -j -s "$TMPD/in.ctl" |
    python3 "$S/../status_check.py" "$S/../status.schema.json"'
out_through() { has out '^address-mapped: 198\.51\.100\.1:'"$(report out |
    sed -n 's/^port-mapping: 198\.51\.100\.1:\([0-9]*\) .*/\1/p')"'$'; }
wait_for 15 out_through || fail "the other client did not qualify through its mapping"
check "the other client reaches ours through the mappings" \
    ping_from "$NSO" in
check "and ours the other" ping_from "$NSC" out
check "UPnP was tried first, with the real miniupnpd (M-SEARCH)" \
    grep -q 'SSDP M-SEARCH from 192.0.2.10' "$TMPD/miniupnpd.log"
check "... and asked its external address (GetExternalIPAddress)" \
    grep -q 'SOAPAction: .*#GetExternalIPAddress' "$TMPD/miniupnpd.log"
check "... which it refuses: reserved, \"not suitable for external IP\"" \
    grep -q 'address 203.0.113.1 is not suitable' "$TMPD/miniupnpd.log"
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
gone() {
	! ip netns exec "$NSN" nft list table ip natpmpgw | grep -q dnat
}
check "after SIGTERM the mapping is removed from the NAT" wait_for 10 gone
check "... by the client's request (lifetime 0)" \
    grep -q "^delete 203.0.113.1:$PM" "$TMPD/gw.log"
check "no port-mapping child left" \
    eval '! ip netns pids "$NSC" | grep -q .'

# 4. UPnP: the NAT's gateway is now a UPnP IGD (miniupnpd and NAT-PMP
# gone); the other client keeps its NAT-PMP mapping.
kill "$(cat "$TMPD/miniupnpd.pid")" "$GW1" 2>/dev/null
wait_for 5 eval '! kill -0 "$GW1" 2>/dev/null'
gw upnp "$NSN" 192.0.2.1 203.0.113.1 w0 igd
start in "$NSC" 192.0.2.10 upc0
wait_for 20 qualified in || fail "our client did not qualify (UPnP)"
by_upnp() { has in '^port-mapping: 203\.0\.113\.1:[0-9]+ by UPnP'; }
check "UPnP: status shows the mapping, by UPnP" wait_for 20 by_upnp
PM=$(report in | sed -n 's/^port-mapping: 203\.0\.113\.1:\([0-9]*\) .*/\1/p')
check "UPnP: AddPortMapping made the rule" \
    eval 'ip netns exec "$NSN" nft list table ip natpmpgw |
    grep -q "udp dport $PM dnat to 192.0.2.10:"'
check "UPnP: qualified through it at once (address-mapped :$PM)" \
    wait_for 5 through
check "UPnP: the other client reaches ours" ping_from "$NSO" in
stop in || fail "our client did not stop"
check "UPnP: after SIGTERM DeletePortMapping removed the rule" \
    wait_for 10 gone
check "... for our port" \
    grep -q "^delete 203.0.113.1:$PM" "$TMPD/igd.log"

if [ "$failures" -ne 0 ]; then
	for f in in.log out.log gw.log gw.err gw2.log igd.log igd.err; do
		echo "--- $f"; cat "$TMPD/$f"
	done
	echo "--- miniupnpd.log"; tail -20 "$TMPD/miniupnpd.log"
	echo "$failures check(s) failed"
	exit 1
fi
echo "all checks passed"
