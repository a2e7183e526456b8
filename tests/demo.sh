#!/bin/bash
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# The README's demo: as root on a Debian machine, install what is missing,
# build this tree in build/, bring up a whole Teredo network in network
# namespaces with OUR server, relay and client behind a NAT, show what
# happens, and tear it all down (also on Ctrl-C or failure).
#
# Usage: tests/demo.sh [--nat fullcone|restricted|symmetric] [--keep]
#                      [--no-build]
#   --keep      keep the network up until Ctrl-C, to explore it
#   --no-build  use build/ as it is
# Nothing is attached to the root namespace: no packet can leave the machine.

set -u
top=$(cd "$(dirname "$0")/.." && pwd)
nat=restricted
keep=0
build=1
while [ $# -gt 0 ]; do
	case $1 in
	--nat) shift; nat=${1:-} ;;
	--nat=*) nat=${1#--nat=} ;;
	--keep) keep=1 ;;
	--no-build) build=0 ;;
	-h|--help) sed -n '10,15s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "demo: unknown option $1 (try --help)" >&2; exit 2 ;;
	esac
	shift
done
case $nat in
fullcone) natname="full cone NAT" ;;
restricted) natname="port-restricted cone NAT" ;;
symmetric) natname="symmetric NAT" ;;
*) echo "demo: --nat must be fullcone, restricted or symmetric" >&2; exit 2 ;;
esac
if [ "$(id -u)" != 0 ]; then
	echo "demo: run me as root (network namespaces, tunnels): sudo $0" >&2
	exit 1
fi

say()
{
	printf '%s\n' "$*"
}

step()
{
	printf '==> %s\n' "$*"
}

install_missing()
{
	local p missing=""
	for p in build-essential autoconf automake pkg-config libbsd-dev \
	    libseccomp-dev nftables iproute2 iputils-ping; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		    grep -q 'install ok installed' || missing="$missing $p"
	done
	[ -n "$missing" ] || return 0
	step "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	if ! apt-get update -q >/dev/null ||
	    ! apt-get install -y -q --no-install-recommends $missing >/dev/null
	then
		echo "demo: apt-get could not install:$missing" >&2
		exit 1
	fi
}

build_tree()
{
	local log="$top/build/demo-build.log"
	mkdir -p "$top/build"
	step "building in $top/build (log: build/demo-build.log)"
	(
		cd "$top" &&
		if [ ! -x configure ] || [ ! -f Makefile.in ] ||
		    [ configure.ac -nt configure ]; then
			autoreconf -fi
		fi &&
		cd build &&
		if [ ! -f Makefile ]; then
			../configure
		fi &&
		make -j"$(nproc)"
	) >"$log" 2>&1 || {
		tail -n 25 "$log" >&2
		echo "demo: the build failed; see $log" >&2
		exit 1
	}
}

if [ "$build" = 1 ]; then
	command -v dpkg-query >/dev/null && command -v apt-get >/dev/null &&
	    install_missing
	build_tree
fi

TOPO_P=demo$$
TOPO_BUILDDIR=$top/build
TOPO_TOOLS="ip nft ping awk timeout ss"
. "$top/tests/interop/topo.sh" || exit 1
if ! why=$(topo_require); then
	echo "demo: $why" >&2
	exit 1
fi
# DEMO_IMPL=debian runs the same show with Debian's miredo (to compare).
impl=${DEMO_IMPL:-ours}
for p in miredo miredo-server; do
	if [ ! -x "$(topo_bin "$impl" "$p")" ]; then
		echo "demo: $TOPO_BUILDDIR/$p is missing (run without --no-build)" >&2
		exit 1
	fi
done

# On failure: what the daemons said, then the trap tears everything down.
fail()
{
	local f
	echo "demo: FAILED: $*" >&2
	for f in server relay client1; do
		[ -s "$TOPO_DIR/$f.log" ] || continue
		echo "--- $f log (last lines)" >&2
		tail -n 10 "$TOPO_DIR/$f.log" >&2
	done
	exit 1
}

# ping_line FROM TO: "3/3 replies, avg 0.52 ms" or failure.
ping_line()
{
	local out
	out=$(nsx "$1" ping -6 -n -c 3 -i 0.3 -w 8 "$2" 2>&1) || return 1
	echo "$out" | awk '/packets transmitted/ { r = $4 "/" $1 " replies" }
	    /^rtt/ { split($4, v, "/"); a = ", avg " v[2] " ms" }
	    END { print r a }'
}

topo_init
step "network: server, relay, native IPv6 host, $natname, client (namespaces $TOPO_P-*)"
topo_up "$nat" none || fail "could not build the namespaces"
if [ "$impl" = ours ]; then
	step "starting our miredo-server, our miredo relay and our miredo client"
else
	step "starting $impl's miredo-server, miredo relay and miredo client"
fi
start_server "$impl" || fail "the server does not listen on UDP 3544"
start_relay "$impl" || fail "the relay has no route to 2001::/32"
start_client "$impl" 1
qt=$(wait_qualified 1 15) || fail "the client did not qualify within 15 s"
addr=$(teredo_addr 1)
eval "$(teredo_decode "$addr")"
say ""
say "Client's Teredo address  $addr   (qualified in $qt s)"
say "  Teredo server          $server"
say "  mapped by the NAT to   $client port $port   (the NAT's outside address is $TOPO_NATOUT1)"
say "  flags                  $flags: cone bit $cone, random bits $random (RFC 5991)"
[ "$cone" = 1 ] && say "  (cone bit set: this client is behind a cone NAT)"

line=$(ping_line cl1 "$TOPO_V6") || fail "ping6 client -> native host"
say "ping6 client -> native host $TOPO_V6: $line"
line=$(ping_line v6 "$addr") || fail "ping6 native host -> client"
say "ping6 native host -> client: $line"

# What the NAT saw: each outside UDP peer and the port it mapped us to.
relay=""
seen=""
while read -r ip p np; do
	seen="$seen $ip:$p (NAT port $np),"
	[ "$ip" = "$server" ] || relay="$relay NAT $TOPO_NATOUT1:$np -> relay $ip:$p"
done < <(topo_nat_seen 1)
say ""
say "Path: client 198.18.77.2 ->${relay:- (no relay seen)}"
say "      -> relay's native side $TOPO_RLY6 -> router -> native host $TOPO_V6"
say "      (qualification: client -> NAT $TOPO_NATOUT1:$port -> server $server:3544)"
say "      The NAT sent UDP to:${seen%,}"
[ "$nat" != symmetric ] ||
    say "      (a symmetric NAT gives each outside peer its own port)"

# Our daemons answer miredo-status(8) on a socket next to their pid file.
if [ "$impl" = ours ]; then
	for r in client1 relay; do
		say ""
		say "miredo-status of the ${r%1} (counters that are not zero):"
		"$TOPO_BUILDDIR/miredo-status" -s "$TOPO_DIR/$r.ctl" 2>&1 |
		    awk '$NF != "0" && $1 !~ /bytes:$/' | sed 's/^/  /'
	done
fi

if [ "$keep" = 1 ]; then
	say ""
	say "The network stays up until Ctrl-C. Try, in another terminal:"
	say "  ip netns exec $TOPO_P-cl1 ip -6 addr show dev teredo"
	say "  ip netns exec $TOPO_P-cl1 ping -6 $TOPO_V6"
	say "  ip netns exec $TOPO_P-v6 ping -6 $addr"
	say "  ip netns exec $TOPO_P-rly ip -6 route show"
	say "  ip netns exec $TOPO_P-nat1 nft list ruleset"
	say "  ip netns exec $TOPO_P-cl1 ip -6 route show"
	[ "$impl" != ours ] ||
	    say "  $TOPO_BUILDDIR/miredo-status -s $TOPO_DIR/client1.ctl   (status)"
	say "Logs: $TOPO_DIR/*.log"
	trap 'kill $! 2>/dev/null; topo_cleanup; trap - EXIT; echo;
	    say "demo: torn down."; exit 0' INT TERM HUP
	# wait, not a foreground sleep: a trap runs at once, not after it.
	while :; do
		sleep 3600 &
		wait $!
	done
fi
stop_daemons
say ""
say "demo: success; everything torn down."
exit 0
