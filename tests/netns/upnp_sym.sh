#!/bin/bash
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# Two of our clients, each behind a symmetric NAT (a new random port for
# every destination) that offers UPnP IGD with the real Debian miniupnpd
# 2.3.1 of miniupnpd-iptables, reach each other (issue 15, RFC 6081's
# UPnP-Enabled Symmetric NAT extension):
#   - PortMapping no: both qualify (as symmetric NATs allow), but neither
#     reaches the other: each one's Teredo address names a port that the
#     other's packets never meet;
#   - PortMapping yes: each miniupnpd maps its client's port by UPnP: a
#     DNAT rule in and, what the nftables build lacks, a MASQUERADE
#     --to-ports rule out (its MINIUPNPD-POSTROUTING chain), so that the
#     mapped port is the client's port for every destination; each
#     client's Teredo address carries its mapping at once, and they reach
#     each other both ways.
# miniupnpd-iptables conflicts with miniupnpd-nftables (upnp.sh's), so it
# is not installed: tests/all.sh unpacks its package (apt-get download,
# dpkg-deb -x) into /var/cache/miredo-tests; MINIUPNPD_IPTABLES names
# another binary.  It drives the legacy iptables interface of the kernel
# (libiptc), so the NATs here are iptables-legacy NATs.  Its external
# address is reserved to it as every test range is: a STUN server (coturn,
# RFC 5780) tells it that nothing filters in front of it, which enables
# its port forwarding (as in upnp.sh).
# Root only (77 otherwise; with CI=true nothing may skip).

skip() {
	if [ "${CI:-}" = true ]; then echo "FAIL (CI): $*"; exit 1; fi
	echo "SKIP: $*"
	exit 77
}
[ "$(id -u)" = 0 ] || skip "not root"
for t in ip iptables-legacy ping python3 ss; do
	command -v $t >/dev/null 2>&1 || skip "no $t"
done
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
getent passwd nobody >/dev/null || skip "no user nobody"
B=$(cd "${builddir:-.}" && pwd)
S=$(cd "$(dirname "$0")" && pwd)
for p in miredo miredo-server miredo-status; do
	[ -x "$B/$p" ] || { echo "FAIL: $B/$p not built"; exit 1; }
done
grep -q '^#define HAVE_MINIUPNPC 1' "$B/config.h" ||
    skip "built without miniupnpc (UPnP port mapping: not built)"
MUPD=${MINIUPNPD_IPTABLES:-/var/cache/miredo-tests/miniupnpd-iptables/usr/sbin/miniupnpd}
[ -x "$MUPD" ] || skip "no $MUPD (tests/all.sh unpacks miniupnpd-iptables)"
TURNSERVER=$(command -v turnserver || echo /usr/bin/turnserver)
[ -x "$TURNSERVER" ] || skip "no turnserver (coturn)"

NSA=ups$$-a	# client a, 192.0.2.10
NSN=ups$$-n	# its NAT: 192.0.2.1 inside, 203.0.113.1 outside, miniupnpd
NSI=ups$$-i	# the outside: router 203.0.113.2 and 198.51.100.2, server
		# 203.0.113.20 (and .21), STUN server 203.0.113.30 and .31
NSM=ups$$-m	# b's NAT: 198.51.100.1 outside, 198.18.0.1 inside, miniupnpd
NSB=ups$$-b	# client b, 198.18.0.10
TMPD=
cleanup() {
	local n p
	for n in "$NSA" "$NSN" "$NSI" "$NSM" "$NSB"; do
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
# nat NS LANIF WANIF LANNET: a symmetric NAT in iptables-legacy.  What
# comes from LANNET gets a random port per destination (not the NAT's own
# packets: miniupnpd's STUN test must see its own ports), unless
# miniupnpd's postrouting chain, ahead, keeps a mapped port.  From the
# outside only answers and what miniupnpd lets in.
nat() {
	local ipt="ip netns exec $1 iptables-legacy"
	ip netns exec "$1" sysctl -qw net.ipv4.ip_forward=1 &&
	$ipt -t nat -N MINIUPNPD &&
	$ipt -t nat -N MINIUPNPD-POSTROUTING &&
	$ipt -t nat -A PREROUTING -i "$3" -j MINIUPNPD &&
	$ipt -t nat -A POSTROUTING -o "$3" -j MINIUPNPD-POSTROUTING &&
	$ipt -t nat -A POSTROUTING -o "$3" -s "$4" -j MASQUERADE \
	    --random-fully &&
	$ipt -N MINIUPNPD &&
	$ipt -P FORWARD DROP &&
	$ipt -A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED \
	    -j ACCEPT &&
	$ipt -A FORWARD -i "$2" -j ACCEPT &&
	$ipt -A FORWARD -i "$3" -j MINIUPNPD
}

for n in "$NSA" "$NSN" "$NSI" "$NSM" "$NSB"; do
	ip netns add "$n" || skip "cannot create a namespace"
	ip -n "$n" link set lo up
done
TMPD=$(mktemp -d /tmp/upnp_sym.XXXXXX) || exit 1
chmod 755 "$TMPD"
link "$NSA" a0 192.0.2.10/24 "$NSN" l0 192.0.2.1/24
link "$NSN" w0 203.0.113.1/24 "$NSI" i0 203.0.113.2/24
link "$NSM" w1 198.51.100.1/24 "$NSI" i1 198.51.100.2/24
link "$NSB" b0 198.18.0.10/24 "$NSM" l1 198.18.0.1/24
for a in 20 21 30 31; do
	ip -n "$NSI" addr add 203.0.113.$a/24 dev i0
done
ip netns exec "$NSI" sysctl -qw net.ipv4.ip_forward=1
ip -n "$NSA" route add default via 192.0.2.1
ip -n "$NSN" route add default via 203.0.113.2
ip -n "$NSM" route add default via 198.51.100.2
ip -n "$NSB" route add default via 198.18.0.1
nat "$NSN" l0 w0 192.0.2.0/24 ||
    skip "iptables-legacy NAT not available in this kernel"
nat "$NSM" l1 w1 198.18.0.0/15 || exit 1

outside_start

# upnpd NAME NS WAN LAN LANNET: miniupnpd as a UPnP IGD only, on the LAN
# side, its external address checked by STUN.
upnpd() {
	cat > "$TMPD/$1.conf" <<EOC
ext_ifname=$3
listening_ip=$4
enable_upnp=yes
enable_natpmp=no
ext_perform_stun=yes
ext_stun_host=203.0.113.30
ext_stun_port=3478
secure_mode=yes
uuid=3ded5aa4-3d4c-4f5a-8a5e-00000000f0$5
allow 1024-65535 $6 1024-65535
deny 0-65535 0.0.0.0/0 0-65535
EOC
	ip netns exec "$2" "$MUPD" -f "$TMPD/$1.conf" -d \
	    -P "$TMPD/$1.pid" >> "$TMPD/$1.log" 2>&1 &
}
upnpd upa "$NSN" w0 l0 0a 192.0.2.0/24
upnpd upb "$NSM" w1 l1 0b 198.18.0.0/15
for u in upa upb; do
	wait_for 15 grep -q 'Port forwarding is now enabled' "$TMPD/$u.log" &&
	    continue
	tail -30 "$TMPD/$u.log"
	echo "FAIL: miniupnpd ($u) did not enable port forwarding"
	exit 1
done

both() {	# both [directive]: start both clients, wait for both
	start_two a "$NSA" 192.0.2.10 upsa0 b "$NSB" 198.18.0.10 upsb0 "$@"
}
rules() {	# rules NS: miniupnpd's NAT rules there
	ip netns exec "$1" iptables-legacy -t nat -S MINIUPNPD
	ip netns exec "$1" iptables-legacy -t nat -S MINIUPNPD-POSTROUTING
}

# 1. PortMapping no: symmetric against symmetric, no way through.
both 'PortMapping no'
check "PortMapping no: no mapping in either status" \
    eval 'has a "^port-mapping: none$" && has b "^port-mapping: none$"'
check "PortMapping no: b cannot reach a" eval '! ping_from "$NSB" a'
check "PortMapping no: nor a b" eval '! ping_from "$NSA" b'
check "PortMapping no: no rule made by either miniupnpd" \
    eval '! rules "$NSN" | grep -q -- "-j DNAT" && ! rules "$NSM" | grep -q -- "-j DNAT"'
stop a || fail "a did not stop"
stop b || fail "b did not stop"

# 2. PortMapping yes (the default): both map their port by UPnP.
both
pm() {	# pm NAME OUTSIDE-IP: the mapped port in NAME's status
	report "$1" | sed -n "s/^port-mapping: $2:\\([0-9]*\\) by UPnP.*/\\1/p"
}
through() {	# through NAME OUTSIDE-IP: qualified through the mapping
	local p
	p=$(pm "$1" "$2")
	[ -n "$p" ] && has "$1" "^address-mapped: $2:$p\$"
}
check "a: mapped by UPnP and qualified through it" \
    wait_for 20 through a '203\.0\.113\.1'
check "b: mapped by UPnP and qualified through it" \
    wait_for 20 through b '198\.51\.100\.1'
PA=$(pm a '203\.0\.113\.1')
PB=$(pm b '198\.51\.100\.1')
# miniupnpd-iptables 2.3.1: in its nat chain a DNAT rule on the mapped
# port (which this iptables prints as "[unsupported revision]"; its log
# names the target), and in its postrouting chain -s A/32 -p udp --sport
# P -j MASQUERADE --to-ports P' (P' the mapped port).
snat_rule() {	# snat_rule NS INSIDE-IP MAPPED-PORT
	rules "$1" | grep -Eq -- "-A MINIUPNPD-POSTROUTING -s $2/32 .*-p udp .*-j MASQUERADE --to-ports $3\$"
}
dnat_rule() {	# dnat_rule NS MAPPED-PORT INSIDE-IP LOG
	rules "$1" | grep -Eq -- "-A MINIUPNPD .*-p udp .*--dport $2 -j DNAT" &&
	    grep -q "redirecting port $2 to $3:[0-9]* protocol UDP" "$TMPD/$4.log"
}
check "a's miniupnpd: DNAT :$PA in, MASQUERADE --to-ports $PA out" \
    eval 'dnat_rule "$NSN" "$PA" 192.0.2.10 upa && snat_rule "$NSN" 192.0.2.10 "$PA"'
check "b's miniupnpd: DNAT :$PB in, MASQUERADE --to-ports $PB out" \
    eval 'dnat_rule "$NSM" "$PB" 198.18.0.10 upb && snat_rule "$NSM" 198.18.0.10 "$PB"'
check "b reaches a through both mappings" ping_from "$NSB" a
check "and a b" ping_from "$NSA" b

# 3. SIGTERM: each mapping goes (DeletePortMapping).
stop a || fail "a did not stop"
stop b || fail "b did not stop"
gone() { ! rules "$1" | grep -q -- "-j DNAT\|MASQUERADE"; }
check "after SIGTERM a's mapping is removed" wait_for 10 gone "$NSN"
check "after SIGTERM b's mapping is removed" wait_for 10 gone "$NSM"

if [ "$failures" -ne 0 ]; then
	for n in "$NSN" "$NSM"; do
		echo "--- rules in $n"; rules "$n"
		ip netns exec "$n" iptables-legacy -t nat -S POSTROUTING
	done
	for f in a.log b.log server.log; do
		echo "--- $f"; cat "$TMPD/$f"
	done
	for u in upa upb; do
		echo "--- $u.log"; grep -v 'table_cb\|sendto' "$TMPD/$u.log" | tail -30
	done
	echo "$failures check(s) failed"
	exit 1
fi
echo "all checks passed"
