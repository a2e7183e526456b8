# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# upnp_lib.sh: what tests/netns/upnp.sh and upnp_sym.sh share (sourced by
# bash after checks.sh, with B the build directory, NSI the outside
# namespace, TMPD the scratch directory and TURNSERVER coturn's binary).
# The outside holds our server on 203.0.113.20 (and .21) and a STUN
# server on 203.0.113.30 and .31; clients are named by their files in
# TMPD (NAME.conf, .pid, .log, .ctl).

link() {	# link NS1 IF1 ADDR1 NS2 IF2 ADDR2: a veth pair, addressed, up
	ip -n "$1" link add "$2" type veth peer name "$5" netns "$4"
	ip -n "$1" addr add "$3" dev "$2"
	ip -n "$4" addr add "$6" dev "$5"
	ip -n "$1" link set "$2" up
	ip -n "$4" link set "$5" up
}

# The STUN server (coturn, STUN only, RFC 5780 on two addresses; -n: not
# Debian's /etc/turnserver.conf, which says no-rfc5780), and our server.
outside_start() {
	local up=0
	ip netns exec "$NSI" "$TURNSERVER" -n -L 203.0.113.30 \
	    -L 203.0.113.31 --stun-only --no-auth --no-cli --no-tcp \
	    --no-tls --no-dtls --pidfile "$TMPD/turn.pid" \
	    --userdb "$TMPD/turndb" --log-file stdout --simple-log \
	    > "$TMPD/turn.log" 2>&1 &
	wait_for 10 eval 'ip netns exec "$NSI" ss -Hlun |
	    grep -q "203\.0\.113\.31:3479"' && up=1
	if [ $up -eq 0 ]; then
		cat "$TMPD/turn.log"
		echo "FAIL: no STUN server"
		exit 1
	fi
	printf 'ServerBindAddress 203.0.113.20\n' > "$TMPD/server.conf"
	ip netns exec "$NSI" "$B/miredo-server" -f -c "$TMPD/server.conf" \
	    -p "$TMPD/server.pid" -u nobody > "$TMPD/server.log" 2>&1 &
}

report() { "$B/miredo-status" -s "$TMPD/$1.ctl" 2>/dev/null; }
has() { report "$1" | grep -Eq -- "$2"; }
field() { report "$1" | awk -v k="$2:" '$1 == k { print $2; exit }'; }
qualified() { has "$1" '^state: qualified$'; }

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

# start_two A NS-A IP-A IF-A B NS-B IP-B IF-B [directive...]: start both
# clients, and wait for both to qualify (or end the test).
start_two() {
	local a=$1 b=$5 nsa=$2 ipa=$3 ifa=$4 nsb=$6 ipb=$7 ifb=$8
	shift 8
	start "$a" "$nsa" "$ipa" "$ifa" "$@"
	start "$b" "$nsb" "$ipb" "$ifb" "$@"
	wait_for 20 qualified "$a" && wait_for 20 qualified "$b" && return 0
	cat "$TMPD/server.log" "$TMPD/$a.log" "$TMPD/$b.log"
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
