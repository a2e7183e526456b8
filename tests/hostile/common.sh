# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# common.sh: what the hostile tests share, sourced by bash scripts in
# tests/hostile.  The network is tests/interop/topo.sh's, plus an attacker:
#
#   atk   203.0.113.66/28, 2001:db8:66::66/64, linked to inet; inet
#         routes 198.19.0.0/16 (the spoofed sources) back to it, where an
#         nftables rule counts and drops whatever answers them.
#
# Our daemons run from the build directory (cwd): ./miredo,
# ./miredo-server and tests/hostile/teredo_gen.

hx_here=$(cd "$(dirname "$0")" && pwd)
TOPO_P=${TOPO_P:-hx$$}
TOPO_TOOLS="ip nft ping awk ss timeout"
. "$hx_here/../interop/topo.sh" || exit 99

HX_GEN=${HX_GEN:-$TOPO_BUILDDIR/tests/hostile/teredo_gen}
HX_ATK4=203.0.113.66
HX_ATK6=2001:db8:66::66
HX_SPOOF=198.19.0.0
HX_FAILS=0

hx_skip_unless_ready()
{
	local why
	if ! why=$(topo_require); then
		echo "SKIP: $why"
		exit 77
	fi
	for f in "$TOPO_BUILDDIR/miredo" "$TOPO_BUILDDIR/miredo-server" \
	    "$HX_GEN"; do
		[ -x "$f" ] || { echo "FAIL: $f not built"; exit 1; }
	done
	getent passwd nobody >/dev/null || { echo "SKIP: no user nobody"; exit 77; }
}

hx_ok() { echo "ok: $*"; }
hx_fail() { echo "FAIL: $*"; HX_FAILS=$((HX_FAILS + 1)); }
# hx_check DESCRIPTION command...
hx_check()
{
	local what=$1
	shift
	if "$@"; then hx_ok "$what"; else hx_fail "$what"; fi
}

# The attacker's namespace, and loose reverse-path filtering in inet so
# that spoofed sources get through (as on much of the Internet).
hx_attacker()
{
	topo_addns atk || return 1
	topo_link inet atk atk inet || return 1
	topo_addr inet atk 203.0.113.65/28 2001:db8:66::1/64
	topo_addr atk inet "$HX_ATK4/28" "$HX_ATK6/64"
	ip -n "$TOPO_P-atk" route add default via 203.0.113.65
	ip -n "$TOPO_P-atk" -6 route add default via 2001:db8:66::1
	ip -n "$TOPO_P-inet" route add 198.19.0.0/16 via "$HX_ATK4"
	nsx inet sh -c 'for f in /proc/sys/net/ipv4/conf/*/rp_filter; do
	    echo 0 > $f; done'
	# The server must see its own addresses as sources (loop guard test).
	nsx srv sh -c 'for f in /proc/sys/net/ipv4/conf/*/accept_local; do
	    echo 1 > $f; done; for f in /proc/sys/net/ipv4/conf/*/rp_filter; do
	    echo 0 > $f; done'
	nsx atk nft -f - <<EOF
table inet hx {
	counter answers { }
	counter probes { }
	chain pre { type filter hook prerouting priority raw;
	    ip daddr 198.19.3.3 counter name probes;
	    ip daddr 198.19.0.0/16 counter name answers drop; }
}
EOF
}

# hx_setup NAT [RELAY-CONF...]: the topology behind a NAT of that kind,
# the attacker, our server, relay (with those extra lines) and client 1,
# qualified; its address in CADDR.
hx_setup()
{
	local nat=$1
	shift
	topo_init
	topo_up "$nat" none || { echo "FAIL: topology"; exit 1; }
	hx_attacker || { echo "FAIL: attacker namespace"; exit 1; }
	start_server ours || { echo "FAIL: server did not start"; exit 1; }
	hx_relay_conf "$@"
	hx_start_relay || { echo "FAIL: relay did not start"; exit 1; }
	start_client ours 1
	wait_qualified 1 10 >/dev/null ||
	    { echo "FAIL: client not qualified"; exit 1; }
	CADDR=$(teredo_addr 1)
}

# hx_answers [COUNTER]: packets the attacker's spoofed sources got back
# (answers: all of 198.19/16; probes: 198.19.3.3 only).
hx_answers()
{
	nsx atk nft list counter inet hx "${1:-answers}" 2>/dev/null |
	    awk '$1 == "packets" { print $2 }'
}

# hx_gen NS ARGS...: run the generator in one of our namespaces.
hx_gen()
{
	local ns=$1
	shift
	nsx "$ns" "$HX_GEN" "$@" 2>>"$TOPO_DIR/gen.log" |
	    awk '$1 == "sent" { print $2 }'
}

# hx_pid ROLE: the daemon's first process (priv for miredo).
hx_pid()
{
	echo "${TOPO_PID[$1]:-}"
}

# hx_engine ROLE: the unprivileged child of miredo's priv process that
# holds the tunnel (priv has others: the resolver for a while, and the
# port-mapping child of a client), or the child of the server's
# supervisor.
hx_engine()
{
	local c f first=
	for c in $(ps -o pid= --ppid "$(hx_pid "$1")" 2>/dev/null); do
		[ -n "$first" ] || first=$c
		for f in /proc/"$c"/fd/*; do
			[ "$(readlink "$f" 2>/dev/null)" = /dev/net/tun ] &&
			    { echo "$c"; return; }
		done
	done
	[ "$1" = server ] && echo "$first"
}

# hx_status ROLE: ask for a status line (SIGUSR1) and print it.
hx_status()
{
	local log=$TOPO_DIR/$1.log n i pat
	case $1 in
	server) pat='rx [0-9]* (' ;;
	*) pat='status: ' ;;
	esac
	n=$(grep -c "$pat" "$log")
	kill -USR1 "$(hx_pid "$1")" 2>/dev/null || return 1
	for i in $(seq 40); do
		[ "$(grep -c "$pat" "$log")" -gt "$n" ] && break
		sleep 0.05
	done
	grep "$pat" "$log" | tail -n 1
}

# hx_report ROLE: the daemon's miredo-status report (its socket is next to
# its pid file); hx_counter ROLE NAME: one value of it ("peers",
# "udp-rx-packets", "drop-bad-source", ...), empty if the report has none.
hx_report()
{
	"$TOPO_BUILDDIR/miredo-status" -s "$TOPO_DIR/$1.ctl" 2>&1
}
hx_counter()
{
	hx_report "$1" | awk -v k="$2:" '$1 == k { print $2; exit }'
}
# hx_counters ROLE NAME...: the values, on one line, in that order (one
# report, so that they are consistent); empty if one is missing.
hx_counters()
{
	local role=$1
	shift
	hx_report "$role" | awk -v names="$*" '
	    BEGIN { n = split(names, k, " ") }
	    { v[$1] = $2 }
	    END { for (i = 1; i <= n; i++) { if (!((k[i] ":") in v)) exit 1;
		out = out (i > 1 ? " " : "") v[k[i] ":"] } print out }'
}

# hx_kdrops NS: datagrams the kernel of NS dropped before any daemon saw
# them (full socket buffers, failed reassembly).
hx_kdrops()
{
	nsx "$1" awk '$1 == "Udp:" || $1 == "Ip:" {
	    if (!h[$1]) { for (i = 2; i <= NF; i++) col[$1, $i] = i;
	    h[$1] = 1; next }
	    if ($1 == "Udp:") n += $col["Udp:", "RcvbufErrors"];
	    else n += $col["Ip:", "ReasmFails"] }
	    END { print n + 0 }' /proc/net/snmp
}

# hx_rss PID: resident memory in kB.
hx_rss()
{
	awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status" 2>/dev/null
}

# hx_relay_conf [EXTRA...]: our relay's configuration: it knows its own
# address (the loop guard needs it) and a fixed port.
hx_relay_conf()
{
	local l
	{
		echo "RelayType cone"
		echo "InterfaceName teredo"
		echo "BindAddress $TOPO_RLY4"
		echo "BindPort 3545"
		for l in "$@"; do echo "$l"; done
	} >"$TOPO_DIR/relay.conf"
}

hx_start_relay()
{
	topo_start relay rly ours miredo || return 1
	topo_wait_role relay 5 topo_relay_ready
}

# hx_ping_start NS ADDR INTERVAL: a background ping stream to ADDR.
hx_ping_start()
{
	ip netns exec "$TOPO_P-$1" ping -6 -n -i "$3" "$2" \
	    >"$TOPO_DIR/ping.$1" 2>&1 &
	HX_PING=$!
}

# hx_ping_stop NS: end the stream; sets HX_TX and HX_RX (not in a
# subshell: it must wait for ping to write its statistics).
hx_ping_stop()
{
	kill -INT "$HX_PING" 2>/dev/null
	wait "$HX_PING" 2>/dev/null
	read -r HX_TX HX_RX <<<"$(awk '/packets transmitted/ { print $1, $4 }' \
	    "$TOPO_DIR/ping.$1")"
}

hx_summary()
{
	if [ "$HX_FAILS" -ne 0 ]; then
		for f in "$TOPO_DIR"/*.log; do
			echo "--- $(basename "$f") (last 15 lines)"
			tail -n 15 "$f"
		done
		echo "$HX_FAILS check(s) failed"
		exit 1
	fi
	echo "all checks passed"
	exit 0
}
