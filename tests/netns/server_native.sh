#!/bin/bash
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# miredo-server's PORTABLE native IPv6 output (ServerNativeOutput tunnel,
# the only way on the BSDs and macOS: os/native_tun.c), run on Linux in
# the tests/interop/topo.sh topology.  Our client behind a NAT qualifies
# against our server and pings the native IPv6 host: its direct
# connectivity test (RFC 4380 5.2.9) goes to our server, which writes it
# into its tunnel; the server's kernel forwards it to the native host,
# whose echo reply reaches the client through the relay (2001::/32).
# Checked:
#  - the ping works, the native host counted echo requests from and
#    replies to 2001::/32, and the server's tunnel received packets;
#  - the packets went through the tunnel and nowhere else: with IPv6
#    forwarding off in the server's namespace, an echo test to a new
#    native address is written into the tunnel (its RX count grows) but
#    never reaches the native host (a raw socket would not care);
#  - the server process holds only what it needs: no raw socket, one
#    tunnel descriptor, its two UDP sockets, Unix sockets (supervisor,
#    status, syslog) above stdio; not the descriptors its launcher left
#    open (fds 7 and 8 here), which the supervisor inherited;
#  - built with libseccomp, all of this runs under the server's filter;
#  - on SIGTERM the supervisor removes the tunnel;
#  - started with forwarding off, the server warns.
# Root only (77 otherwise).  IMPL=debian uses Debian's miredo as client
# and relay instead of ours.

srcdir=${srcdir:-$(dirname "$0")/../..}
export TOPO_BUILDDIR=${BUILDDIR:-$PWD}
export TOPO_P=mn$$
. "$srcdir/tests/interop/topo.sh"

IMPL=${IMPL:-ours}
TOPO_V6B=2001:db8:1::3		# a second native address, for the control
why=$(topo_require) || { echo "SKIP: $why"; exit 77; }
[ -x "$TOPO_BUILDDIR/miredo-server" ] && [ -x "$TOPO_BUILDDIR/miredo" ] ||
    { echo "SKIP: build first"; exit 77; }

fails=0
ok() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# v6_count WHICH: packets counted by the native host's rule WHICH.
v6_count()
{
	nsx v6 nft -j list counter inet t "$1" 2>/dev/null |
	    grep -o '"packets": [0-9]*' | grep -o '[0-9]*$'
}

# tun_rx: packets the server's tunnel received (written by the server).
tun_rx()
{
	nsx srv cat "/sys/class/net/$TUN/statistics/rx_packets" 2>/dev/null
}

# fwd_ipv6: the server's counter of packets sent to native IPv6 (SIGUSR1).
fwd_ipv6()
{
	local n
	n=$(grep -c "forwarded udp" "$TOPO_DIR/server.log")
	kill -USR1 "${TOPO_PID[server]}" 2>/dev/null
	topo_wait 3 log_grew "$n" || return 1
	grep "forwarded udp" "$TOPO_DIR/server.log" | tail -1 |
	    sed 's/.* ipv6 \([0-9]*\),.*/\1/'
}

log_grew()
{
	[ "$(grep -c "forwarded udp" "$TOPO_DIR/server.log")" -gt "$1" ]
}

# server_child: pid of the server process (the supervisor's child).
server_child()
{
	pgrep -P "${TOPO_PID[server]}" | head -1
}

# check_fds PID: what the server process holds (see the header).
check_fds()
{
	local pid=$1 fd t ino raw=0 tun=0 udp=0 unx=0 other=""
	local udpinos rawinos unixinos
	udpinos=$(awk 'NR > 1 { print $10 }' "/proc/$pid/net/udp")
	rawinos=$(awk 'NR > 1 { print $10 }' "/proc/$pid/net/raw6" \
	    "/proc/$pid/net/raw")
	unixinos=$(awk 'NR > 1 { print $7 }' "/proc/$pid/net/unix")
	for fd in /proc/"$pid"/fd/*; do
		# stdio: /dev/null, or the log in the foreground (-f)
		case ${fd##*/} in 0|1|2) continue ;; esac
		t=$(readlink "$fd") || continue
		case $t in
		/dev/net/tun) tun=$((tun + 1)) ;;
		socket:\[*\])
			ino=${t#socket:[}
			ino=${ino%]}
			if grep -qx "$ino" <<<"$rawinos"; then
				raw=$((raw + 1))
			elif grep -qx "$ino" <<<"$udpinos"; then
				udp=$((udp + 1))
			elif grep -qx "$ino" <<<"$unixinos"; then
				unx=$((unx + 1))
			else
				other="$other ${fd##*/}:$t"
			fi ;;
		*) other="$other ${fd##*/}:$t" ;;
		esac
	done
	echo "server process fds above 2: tun $tun udp $udp unix $unx" \
	    "raw $raw other [$other ]"
	[ "$raw" = 0 ] && [ "$tun" = 1 ] && [ "$udp" = 2 ] &&
	    [ "$unx" -ge 1 ] && [ "$unx" -le 3 ] && [ -z "$other" ]
}

topo_init
topo_up restricted none || { echo "FAIL: topology"; exit 1; }
# The native host counts echo requests from and replies to Teredo.
nsx v6 nft -f - <<EOF || { echo "FAIL: nft"; exit 1; }
table inet t {
	counter req { }
	counter rep { }
	counter reqb { }
	chain in { type filter hook input priority filter;
	    ip6 saddr 2001::/32 ip6 daddr $TOPO_V6 icmpv6 type echo-request counter name req;
	    ip6 saddr 2001::/32 ip6 daddr $TOPO_V6B icmpv6 type echo-request counter name reqb; }
	chain out { type filter hook output priority filter;
	    ip6 daddr 2001::/32 icmpv6 type echo-reply counter name rep; }
}
EOF
ip -n "$TOPO_P-v6" -6 addr add "$TOPO_V6B/64" dev inet nodad
nsx srv sysctl -qw net.ipv6.conf.all.forwarding=1

printf 'ServerBindAddress %s\nServerNativeOutput tunnel\n' "$TOPO_SRV4" \
    >"$TOPO_DIR/server.conf"
# Descriptors a careless launcher leaves open.
exec 7>"$TOPO_DIR/leak" 8</dev/zero
topo_start server srv ours miredo-server
exec 7>&- 8<&-
if ! topo_wait_role server 5 topo_listening srv 3544; then
	cat "$TOPO_DIR/server.log"
	echo "FAIL: our server did not start"
	exit 1
fi
TUN=$(sed -n 's/.*native IPv6 output through tunnel \([^ ]*\) .*/\1/p' \
    "$TOPO_DIR/server.log" | head -1)
if [ -n "$TUN" ] && ip -n "$TOPO_P-srv" link show "$TUN" | grep -q ",UP"; then
	ok "the server made tunnel $TUN and brought it up"
else
	fail "no tunnel up in the server's namespace ('$TUN')"
	cat "$TOPO_DIR/server.log"
fi
if ! ss -N "$TOPO_P-srv" -Hlw 2>/dev/null | grep -q .; then
	ok "no raw socket in the server's namespace"
else
	fail "a raw socket in the server's namespace: $(ss -N "$TOPO_P-srv" -Hlw)"
fi
pid=$(server_child)
if [ -n "$pid" ] && out=$(check_fds "$pid"); then
	ok "$out"
else
	fail "${out:-no server process}"
fi
# Built with libseccomp: the tunnel is written under the filter.
if grep -q "define HAVE_SECCOMP 1" "$TOPO_BUILDDIR/config.h" 2>/dev/null; then
	if grep -q "^Seccomp:[[:space:]]*2" "/proc/$pid/status" 2>/dev/null; then
		ok "the server process runs under its seccomp filter"
	else
		fail "the server process has no seccomp filter"
	fi
fi

start_relay "$IMPL" || fail "the relay did not start"
start_client "$IMPL" 1
if t=$(wait_qualified 1 10); then
	ok "client qualified in ${t}s as $(teredo_addr 1)"
else
	fail "the client did not qualify"
fi
rx0=$(tun_rx)
if check_ping cl1 "$TOPO_V6" 56; then
	ok "ping6 client -> native host"
else
	fail "ping6 client -> native host"
fi
req=$(v6_count req)
rep=$(v6_count rep)
rx1=$(tun_rx)
fwd=$(fwd_ipv6)
echo "   native host: ${req:-?} echo requests from, ${rep:-?} replies to" \
    "2001::/32; tunnel rx ${rx0:-?} -> ${rx1:-?}; server fwd_ipv6 ${fwd:-?}"
if [ "${req:-0}" -ge 1 ] && [ "${rep:-0}" -ge 1 ] &&
    [ "${rx1:-0}" -gt "${rx0:-0}" ] && [ "${fwd:-0}" -ge 1 ]; then
	ok "the echo test went through the tunnel and was answered"
else
	fail "echo test through the tunnel: counters above"
fi

# Control: forwarding off, the next echo test dies in the server's kernel.
nsx srv sysctl -qw net.ipv6.conf.all.forwarding=0
rx0=$(tun_rx)
fwd0=$(fwd_ipv6)
TOPO_PING_WAIT=3 check_ping cl1 "$TOPO_V6B" 56 &&
    fail "ping6 to $TOPO_V6B worked with forwarding off in the server"
rx1=$(tun_rx)
fwd1=$(fwd_ipv6)
reqb=$(v6_count reqb)
echo "   forwarding off: tunnel rx ${rx0:-?} -> ${rx1:-?}; fwd_ipv6" \
    "${fwd0:-?} -> ${fwd1:-?}; echo requests at $TOPO_V6B: ${reqb:-?}"
if [ "${rx1:-0}" -gt "${rx0:-0}" ] && [ "${fwd1:-0}" -gt "${fwd0:-0}" ] &&
    [ "${reqb:-1}" = 0 ]; then
	ok "forwarding off: into the tunnel, never out to the native host"
else
	fail "forwarding off: counters above"
fi

topo_alive server || fail "our server died"
stop_daemon server
if ! ip -n "$TOPO_P-srv" link show "$TUN" >/dev/null 2>&1; then
	ok "tunnel $TUN removed on SIGTERM"
else
	fail "tunnel $TUN left behind"
fi
# Forwarding is still off: a server started now says so.
topo_start server srv ours miredo-server
if topo_wait_role server 5 grep -q "IPv6 forwarding is off" \
    "$TOPO_DIR/server.log"; then
	ok "started with forwarding off: $(grep -o "native IPv6.*" \
	    "$TOPO_DIR/server.log" | head -1)"
else
	fail "no warning about IPv6 forwarding being off"
fi
stop_daemons
topo_down
echo "$fails failed"
[ $fails = 0 ]
