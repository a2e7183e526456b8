#!/bin/bash
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# The RFC 6081 Hairpinning Extension (Hairpinning in miredo.conf): two of
# our clients on two different inside subnets of one port-restricted NAT
# (nftables masquerade) that does not hairpin, our miredo-server outside.
#
#   srv  203.0.113.100 + .101 (miredo-server) --- nat out 203.0.113.10
#   nat  in1 198.18.77.1 --- cla 198.18.77.2
#        in2 198.18.78.1 --- clb 198.18.78.2
#
# The NAT routes between its two inside subnets without translating, but
# a datagram from inside to its outside address is not forwarded (no
# hairpin rule; counted there), and local discovery's multicast (TTL 1)
# does not cross it.  With "Hairpinning no" (LocalDiscovery on) the
# clients cannot reach each other.  With "yes" (the default) ping6
# between the Teredo addresses works, and the packets go inside, subnet
# to subnet: cla counts Teredo datagrams straight from clb's inside
# address (the NAT only rewrites what leaves by "out"), the NAT counts
# them routed from in2 to in1.  miredo-status shows the hairpin counters
# and clb as a proven local peer of cla, valid against the schema.
# Debian's miredo 1.2.6 in both places cannot reach each other either.
# Needs root; exit 77 (skip) otherwise.  MIREDO/MIREDO_SERVER/MIREDO_STATUS
# override the binaries in the build directory.

[ "$(id -u)" = 0 ] || { echo "SKIP: not root"; exit 77; }
for t in ip nft ping python3; do
	command -v $t >/dev/null 2>&1 || { echo "SKIP: no $t"; exit 77; }
done
[ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun"; exit 77; }
getent passwd nobody >/dev/null || { echo "SKIP: no user nobody"; exit 77; }
B=${builddir:-.}
MIREDO=${MIREDO:-$B/miredo}
MIREDO_SERVER=${MIREDO_SERVER:-$B/miredo-server}
MIREDO_STATUS=${MIREDO_STATUS:-$B/miredo-status}
DEBIAN_MIREDO=${DEBIAN_MIREDO:-/usr/sbin/miredo}
for f in "$MIREDO" "$MIREDO_SERVER" "$MIREDO_STATUS"; do
	[ -x "$f" ] || { echo "FAIL: $f not built"; exit 1; }
done
HERE=$(cd "$(dirname "$0")" && pwd)
SCHEMA=$HERE/../status.schema.json
CHECKER=$HERE/../status_check.py

P=hp$$
NSLIST="srv nat cla clb"
TMPD=
cleanup() {
	local n p
	for n in $NSLIST; do
		for p in $(ip netns pids "$P-$n" 2>/dev/null); do
			kill -9 "$p" 2>/dev/null
		done
	done
	for n in $NSLIST; do
		ip netns del "$P-$n" 2>/dev/null
	done
	[ -n "$TMPD" ] && rm -rf "$TMPD"
}
trap cleanup EXIT; [ -n "$KEEP" ] && trap "" EXIT
trap 'exit 1' INT TERM

. "$HERE/checks.sh"
nsx() { local n=$1; shift; ip netns exec "$P-$n" "$@"; }
link() {	# link NS1 IF1 NS2 IF2
	ip -n "$P-$1" link add "$2" type veth peer name "$4" netns "$P-$3" &&
	    ip -n "$P-$1" link set "$2" up && ip -n "$P-$3" link set "$4" up
}

for n in $NSLIST; do
	ip netns add "$P-$n" || { echo "SKIP: cannot create a namespace"; exit 77; }
	ip -n "$P-$n" link set lo up
	nsx "$n" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
	    net.ipv6.conf.default.accept_dad=0
done
TMPD=$(mktemp -d /tmp/hairpin.XXXXXX) || exit 1
chmod 755 "$TMPD"
link srv s0 nat out || exit 1
link nat in1 cla eth0 || exit 1
link nat in2 clb eth0 || exit 1
ip -n "$P-srv" addr add 203.0.113.100/24 dev s0
ip -n "$P-srv" addr add 203.0.113.101/24 dev s0
ip -n "$P-nat" addr add 203.0.113.10/24 dev out
ip -n "$P-nat" addr add 198.18.77.1/24 dev in1
ip -n "$P-nat" addr add 198.18.78.1/24 dev in2
ip -n "$P-cla" addr add 198.18.77.2/24 dev eth0
ip -n "$P-clb" addr add 198.18.78.2/24 dev eth0
ip -n "$P-cla" route add default via 198.18.77.1
ip -n "$P-clb" route add default via 198.18.78.1
nsx nat sysctl -qw net.ipv4.ip_forward=1
# A port-restricted NAT without hairpin: masquerade what leaves by "out",
# drop unsolicited UDP from outside (before conntrack confirms it), count
# what comes from inside to the outside address (a hairpin would have to
# take it), anything translated back inside, and the UDP routed from
# clb's subnet to cla's.
nsx nat nft -f - <<EOF || exit 1
table ip nat {
	chain post { type nat hook postrouting priority srcnat;
	    oifname "out" masquerade; }
}
table ip filter {
	counter hairpin_tried { }
	counter hairpin_fwd { }
	counter b_to_a { }
	chain in { type filter hook input priority filter;
	    iifname "out" meta l4proto udp ct state new drop;
	    iifname { "in1", "in2" } ip daddr 203.0.113.10 meta l4proto udp \
	    counter name hairpin_tried; }
	chain fw { type filter hook forward priority filter;
	    iifname { "in1", "in2" } ct status dnat counter name hairpin_fwd;
	    iifname "in2" oifname "in1" ip saddr 198.18.78.2 \
	    ip daddr 198.18.77.2 meta l4proto udp counter name b_to_a; }
}
EOF
# On cla: Teredo datagrams that come straight from clb's inside address.
nsx cla nft -f - <<EOF || exit 1
table ip count {
	counter from_b { }
	chain in { type filter hook input priority filter;
	    ip saddr 198.18.78.2 meta l4proto udp counter name from_b; }
}
EOF
counter() {	# counter NS TABLE NAME: its packets
	nsx "$1" nft list counter ip "$2" "$3" |
	    awk '$1 == "packets" { print $2; exit }'
}

echo "ServerBindAddress 203.0.113.100" > "$TMPD/server.conf"
nsx srv "$MIREDO_SERVER" -f -c "$TMPD/server.conf" -p "$TMPD/server.pid" \
    > "$TMPD/server.log" 2>&1 &
wait_for 10 test -S "$TMPD/server.ctl" ||
    { cat "$TMPD/server.log"; echo "FAIL: the server did not start"; exit 1; }

teredo_addr() {
	ip -n "$P-$1" -6 addr show dev teredo scope global 2>/dev/null |
	    awk '$1 == "inet6" && $2 ~ /^2001:/ { sub("/.*", "", $2); print $2; exit }'
}
has_addr() { [ -n "$(teredo_addr "$1")" ]; }

# start_clients yes|no|debian: both clients with that Hairpinning (or
# Debian's miredo 1.2.6, which has no RFC 6081), qualified.
start_clients() {
	local c bin=$MIREDO hp="Hairpinning $1"
	if [ "$1" = debian ]; then
		bin=$DEBIAN_MIREDO
		hp=
	fi
	for c in cla clb; do
		cat > "$TMPD/$c.conf" <<EOC
ServerAddress 203.0.113.100
InterfaceName teredo
$hp
EOC
		nsx "$c" "$bin" -f -c "$TMPD/$c.conf" -p "$TMPD/$c.pid" \
		    -u nobody > "$TMPD/$c.log" 2>&1 &
	done
	for c in cla clb; do
		if ! wait_for 15 has_addr "$c"; then
			cat "$TMPD/$c.log"
			fail "$c qualified (Hairpinning $1)"
			return 1
		fi
	done
	ok "both clients qualified (Hairpinning $1)"
}
stop_clients() {
	local c p
	for c in cla clb; do
		p=$(cat "$TMPD/$c.pid" 2>/dev/null)
		[ -n "$p" ] && kill "$p" 2>/dev/null
	done
	for c in cla clb; do
		wait_for 10 sh -c "! [ -e '$TMPD/$c.pid' ]" ||
		    fail "$c stopped on SIGTERM"
	done
}
ping_b() {	# ping_b WAIT: 3 echo replies from clb's Teredo address
	nsx cla ping -6 -n -c 3 -i 0.2 -w "$1" "$(teredo_addr clb)" \
	    > "$TMPD/ping" 2>&1
}

# 1. Off: no way through a NAT that does not hairpin, and local
# discovery (on) does not cross the router.
start_clients no || exit 1
t0=$(counter nat filter hairpin_tried)
ping_b 6
rc=$?
check "Hairpinning no: ping6 cla -> clb fails (exit $rc)" test "$rc" != 0
t1=$(counter nat filter hairpin_tried)
check "Hairpinning no: the NAT got $((t1 - t0)) datagrams for a hairpin" \
    test "$((t1 - t0))" -gt 0
check "the NAT translated nothing back inside" \
    test "$(counter nat filter hairpin_fwd)" = 0
check "Hairpinning no: nothing from clb's inside address reached cla" \
    test "$(counter cla count from_b)" = 0
stop_clients

# 2. On: straight from subnet to subnet.
start_clients yes || exit 1
f0=$(counter cla count from_b)
r0=$(counter nat filter b_to_a)
ping_b 10
rc=$?
tail -2 "$TMPD/ping" | head -1
check "Hairpinning yes: ping6 cla -> clb answered (exit $rc)" \
    test "$rc" = 0
f1=$(counter cla count from_b)
r1=$(counter nat filter b_to_a)
check "Hairpinning yes: $((f1 - f0)) datagrams from clb's inside address (>= 3 replies)" \
    test "$((f1 - f0))" -ge 3
check "Hairpinning yes: the NAT routed $((r1 - r0)) in2 -> in1, untranslated" \
    test "$((r1 - r0))" -ge 3
check "the NAT translated nothing back inside" \
    test "$(counter nat filter hairpin_fwd)" = 0
nsx clb ping -6 -n -c 2 -i 0.2 -w 6 "$(teredo_addr cla)" >/dev/null 2>&1
check "Hairpinning yes: ping6 clb -> cla answered" test $? = 0

# 3. What miredo-status says.
field() {
	python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$@"
}
# Which of the two proofs came first decides where each trusts the
# other: at its mapping (a direct bubble with our nonce, RFC 6081 5.2.4.4,
# which 6.5 step 9 describes for hairpinning; 198.18/15 counts as global
# to the core) or at its local address (hairpin.c); either way at the
# other's inside address, proven.
sent=0
for c in cla clb; do
	"$MIREDO_STATUS" -s "$TMPD/$c.ctl" -j > "$TMPD/$c.json" ||
	    fail "$c: miredo-status -j"
	check "$c: -j valid against the schema" \
	    python3 "$CHECKER" "$SCHEMA" "$TMPD/$c.json"
	check "$c: rfc6081 hairpinning on" \
	    test "$(field "$TMPD/$c.json" 'd["rfc6081"]["hairpinning"]')" = True
	sent=$((sent + $(field "$TMPD/$c.json" 'd["counters"]["hairpin-sent"]')))
done
check "$sent bubbles sent to an alternate address" test "$sent" -ge 1
"$MIREDO_STATUS" -s "$TMPD/cla.ctl" > "$TMPD/cla.txt" ||
    fail "cla: miredo-status"
check "cla: the text status says rfc6081-hairpinning: on" \
    grep -qx "rfc6081-hairpinning: on" "$TMPD/cla.txt"
where() {	# where PEERS.json TEREDO-ADDRESS: the proven inside address
	field "$1" '[p["local"]["ip"] if p.get("local_proven") else p["mapping"]["ip"] for p in d["peer_list"] if p["address"] == sys.argv[3] and (p.get("local_proven") or p["trusted"])]' "$2"
}
for c in cla:clb:198.18.78.2 clb:cla:198.18.77.2; do
	IFS=: read -r x y ip <<EOC
$c
EOC
	"$MIREDO_STATUS" -s "$TMPD/$x.ctl" -P > "$TMPD/$x.peers.json" ||
	    fail "$x: miredo-status -P"
	check "$x: -P valid against the schema" \
	    python3 "$CHECKER" "$SCHEMA" "$TMPD/$x.peers.json"
	check "$x: $y proven at $ip" \
	    test "$(where "$TMPD/$x.peers.json" "$(teredo_addr "$y")")" = "['$ip']"
done
stop_clients

# 4. Debian's miredo 1.2.6 in both places, for the README's table: it
# has no RFC 6081, so it cannot get through either.
if [ -x "$DEBIAN_MIREDO" ]; then
	start_clients debian || exit 1
	ping_b 6
	rc=$?
	check "Debian's miredo: ping6 cla -> clb fails (exit $rc)" \
	    test "$rc" != 0
	stop_clients
elif [ "${CI:-}" = true ]; then
	fail "Debian's miredo is not installed (and CI=true)"
else
	echo "(Debian's miredo is not installed: its round left out)"
fi
exit $((failures != 0))
