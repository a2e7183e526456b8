# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# topo.sh: a Teredo network in network namespaces, sourced by bash scripts
# (tests/interop/matrix.sh, tests/demo.sh, tests/bench/).  Nothing is
# created in the root namespace: every veth pair is created directly
# between two of our namespaces, and every name carries this shell's pid.
#
#   server  198.51.100.10 + .11, 2001:db8:10::10   (UDP 3544)
#   relay   192.0.2.10, 2001:db8:20::10, tunnel with 2001::/32
#   v6      2001:db8:1::2 (native IPv6 host)
#   inet    router between all of them; 2001::/32 via the relay
#   nat1    out 203.0.113.10 / in 198.18.77.1  --  cl1 198.18.77.2
#   nat2    out 203.0.113.20 / in 198.18.78.1  --  cl2 198.18.78.2
#
# Usage:
#   . topo.sh
#   topo_init                 temp dir, trap on EXIT/INT/TERM
#   topo_up KIND [KIND2|none] KIND: fullcone | restricted | symmetric
#                             | ppsym | seqsym (see topo_nat_sym)
#   start_server IMPL; start_relay IMPL; start_client IMPL [1|2]
#                             (more miredo.conf lines in $TOPO_CLIENT_CONF1, 2)
#                             IMPL: debian | ours (binaries in $TOPO_BUILDDIR)
#   t=$(wait_qualified [1|2] [TIMEOUT])
#   check_ping FROM ADDR SIZE; check_c2c; check_tcp [MB]
#   teredo_addr [N]; teredo_decode ADDR; topo_nat_seen [N]; nsx NS CMD...
#   stop_daemons; topo_down   (topo_cleanup runs from the trap anyway)
# Settings (before sourcing or before topo_init): TOPO_P (name prefix),
# TOPO_BUILDDIR, TOPO_DEBIAN_SBIN, TOPO_VERBOSE, TOPO_KEEP_DIR, TOPO_TOOLS.
#
# NAT kinds (nftables): restricted = masquerade (port-restricted cone),
# fullcone = the same plus a DNAT of all inbound UDP to the client,
# symmetric = masquerade fully-random.  Unsolicited inbound UDP is dropped
# before conntrack confirms it (see topo_nat_rules).

TOPO_P=${TOPO_P:-ti$$}
TOPO_BUILDDIR=${TOPO_BUILDDIR:-$PWD}
TOPO_DEBIAN_SBIN=${TOPO_DEBIAN_SBIN:-/usr/sbin}
TOPO_NSLIST=""
TOPO_DIR=""
TOPO_VERBOSE=${TOPO_VERBOSE:-0}

TOPO_SRV4=198.51.100.10
TOPO_SRV6=2001:db8:10::10
TOPO_RLY4=192.0.2.10
TOPO_RLY6=2001:db8:20::10
TOPO_V6=2001:db8:1::2
TOPO_NATOUT1=203.0.113.10
TOPO_NATOUT2=203.0.113.20

declare -A TOPO_PID=()
declare -A TOPO_T0=()

# Sanitizer reports in the daemons' logs (tests/asan-netns.sh builds them
# with ASan and UBSan, reporting on stderr) are printed on stderr and make
# the script exit 1 from topo_cleanup.
TOPO_SAN_RE='ERROR: (Address|Leak|UndefinedBehavior)Sanitizer|runtime error:'
TOPO_SAN_SEEN=""

topo_log()
{
	[ "$TOPO_VERBOSE" = 0 ] || echo "topo: $*" >&2
	[ -z "$TOPO_DIR" ] || echo "$*" >>"$TOPO_DIR/topo.log"
}

topo_ns()
{
	echo "$TOPO_P-$1"
}

# nsx NS CMD...: run CMD in our namespace NS (short name: srv, cl1, ...).
nsx()
{
	local ns=$1
	shift
	ip netns exec "$TOPO_P-$ns" "$@"
}

topo_now()
{
	date +%s.%N
}

# Seconds (3 decimals) since $1 (a topo_now value).
topo_since()
{
	awk -v a="$1" -v b="$(topo_now)" 'BEGIN { printf "%.2f\n", b - a }'
}

# topo_require: 0 when root and the tools are there, else prints why.
topo_require()
{
	local t
	if [ "$(id -u)" != 0 ]; then
		echo "not root"
		return 1
	fi
	for t in ${TOPO_TOOLS:-ip nft ping nc sha256sum timeout awk ss}; do
		if ! command -v "$t" >/dev/null 2>&1; then
			echo "missing tool: $t"
			return 1
		fi
	done
	if ! ip netns add "$TOPO_P-probe" 2>/dev/null; then
		echo "cannot create network namespaces"
		return 1
	fi
	ip netns del "$TOPO_P-probe"
	if [ ! -c /dev/net/tun ]; then
		echo "no /dev/net/tun"
		return 1
	fi
	return 0
}

topo_init()
{
	TOPO_DIR=$(mktemp -d "${TMPDIR:-/tmp}/teredo-$TOPO_P.XXXXXX") || exit 1
	chmod 755 "$TOPO_DIR"
	trap 'topo_cleanup' EXIT
	trap 'topo_cleanup; trap - EXIT; exit 130' INT
	trap 'topo_cleanup; trap - EXIT; exit 143' TERM
}

topo_addns()
{
	local ns="$TOPO_P-$1"
	ip netns add "$ns" || return 1
	TOPO_NSLIST="$TOPO_NSLIST $1"
	ip -n "$ns" link set lo up
	# Addresses usable at once (no DAD), also on the tunnels made later.
	nsx "$1" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
	    net.ipv6.conf.default.accept_dad=0 \
	    net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0
}

# topo_link NS1 IF1 NS2 IF2: a veth pair made directly between two of ours.
topo_link()
{
	ip -n "$TOPO_P-$1" link add "$2" type veth peer name "$4" \
	    netns "$TOPO_P-$3" || return 1
	ip -n "$TOPO_P-$1" link set "$2" up
	ip -n "$TOPO_P-$3" link set "$4" up
}

# topo_addr NS IF ADDR/LEN...
topo_addr()
{
	local ns=$1 ifc=$2 a
	shift 2
	for a in "$@"; do
		case $a in
		*:*) ip -n "$TOPO_P-$ns" -6 addr add "$a" dev "$ifc" nodad ;;
		*) ip -n "$TOPO_P-$ns" addr add "$a" dev "$ifc" ;;
		esac || return 1
	done
}

# RFC 6081's port-preserving (ppsym) and sequential (seqsym) symmetric
# NATs, for a client whose Teredo port is $TOPO_SYM_PORT (BindPort).
# Linux cannot allocate ports that way (conntrack keeps a port whenever
# the tuple stays unique, otherwise picks one at random), so these are
# emulations by rules: the Teredo port gets a random port per destination
# (symmetric), except toward the primary server under ppsym (preserved:
# the mapped port is the local one); other ports are preserved (ppsym:
# a fresh socket's first mapping keeps its port), or (seqsym) take three
# consecutive ports by destination, primary server, peer NAT, secondary
# server: the order of RFC 6081's echo test, for one socket at a time.
TOPO_SYM_PORT=${TOPO_SYM_PORT:-3545}
topo_nat_sym()
{
	local n=$1 kind=$2 out=203.0.113.$(( $1 * 10 )) peer=203.0.113.$(( (3 - $1) * 10 ))
	local tp="meta l4proto udp udp sport $TOPO_SYM_PORT"
	if [ "$kind" = ppsym ]; then
		echo "ip daddr != $TOPO_SRV4 $tp snat to $out:20000-29999 fully-random;"
	else
		echo "$tp snat to $out:20000-29999 fully-random;"
		echo "oifname \"out\" ip daddr $TOPO_SRV4 meta l4proto udp snat to $out:31000;"
		echo "oifname \"out\" ip daddr $peer meta l4proto udp snat to $out:31001;"
		echo "oifname \"out\" ip daddr 198.51.100.11 meta l4proto udp snat to $out:31002;"
	fi
	echo "oifname \"out\" masquerade"
}

# topo_nat_rules N KIND: nftables NAT of nat$N (out = outside interface).
topo_nat_rules()
{
	local n=$1 kind=$2 masq pre=""
	case $kind in
	fullcone)
		masq="masquerade"
		pre="chain pre { type nat hook prerouting priority dstnat;
		    iifname \"out\" meta l4proto udp dnat to 198.18.7$((6 + n)).2; }"
		;;
	restricted) masq="masquerade" ;;
	symmetric) masq="masquerade fully-random" ;;
	ppsym|seqsym) masq=$(topo_nat_sym "$n" "$kind") ;;
	*) echo "topo: unknown NAT kind '$kind'" >&2; return 1 ;;
	esac
	# Unsolicited UDP to the NAT itself is dropped in "input", before
	# conntrack confirms it: otherwise that entry would hold the tuple and
	# the answer from inside would get a new port, as a symmetric NAT.
	nsx "nat$n" nft -f - <<EOF
flush ruleset
table ip nat {
	chain post { type nat hook postrouting priority srcnat;
	    oifname "out" $masq; }
	$pre
}
table ip filter {
	chain in { type filter hook input priority filter;
	    iifname "out" meta l4proto udp ct state new drop; }
	set seen { type ipv4_addr . inet_service . inet_service;
	    flags dynamic; size 256; }
	chain out { type filter hook postrouting priority srcnat + 10;
	    oifname "out" meta l4proto udp \
	    add @seen { ip daddr . udp dport . udp sport }; }
}
EOF
}

topo_nat()
{
	local n=$1 kind=$2
	topo_addns "nat$n" && topo_addns "cl$n" || return 1
	topo_link inet "nat$n" "nat$n" out
	topo_link "nat$n" in "cl$n" nat
	topo_addr inet "nat$n" "203.0.113.$((1 + 16 * (n - 1)))/28"
	topo_addr "nat$n" out "203.0.113.$((n * 10))/28"
	topo_addr "nat$n" in "198.18.7$((6 + n)).1/24"
	topo_addr "cl$n" nat "198.18.7$((6 + n)).2/24"
	ip -n "$TOPO_P-nat$n" route add default via "203.0.113.$((1 + 16 * (n - 1)))"
	ip -n "$TOPO_P-cl$n" route add default via "198.18.7$((6 + n)).1"
	nsx "nat$n" sysctl -qw net.ipv4.ip_forward=1
	topo_nat_rules "$n" "$kind"
}

# topo_up KIND [KIND2]: the whole network; nat2 is KIND2 (default KIND),
# or absent if KIND2 is "none".
topo_up()
{
	local kind=$1 kind2=${2:-$1} ns
	[ -n "$TOPO_DIR" ] || topo_init
	for ns in inet srv rly v6; do
		topo_addns "$ns" || return 1
	done
	topo_link inet srv srv inet
	topo_link inet rly rly inet
	topo_link inet v6 v6 inet
	topo_addr inet srv 198.51.100.1/24 2001:db8:10::1/64
	topo_addr srv inet 198.51.100.10/24 198.51.100.11/24 "$TOPO_SRV6/64"
	topo_addr inet rly 192.0.2.1/24 2001:db8:20::1/64
	topo_addr rly inet "$TOPO_RLY4/24" "$TOPO_RLY6/64"
	topo_addr inet v6 2001:db8:1::1/64
	topo_addr v6 inet "$TOPO_V6/64"
	nsx inet sysctl -qw net.ipv4.ip_forward=1 \
	    net.ipv6.conf.all.forwarding=1
	nsx rly sysctl -qw net.ipv6.conf.all.forwarding=1
	ip -n "$TOPO_P-inet" -6 route add 2001::/32 via "$TOPO_RLY6"
	ip -n "$TOPO_P-srv" route add default via 198.51.100.1
	ip -n "$TOPO_P-srv" -6 route add default via 2001:db8:10::1
	ip -n "$TOPO_P-rly" route add default via 192.0.2.1
	ip -n "$TOPO_P-rly" -6 route add default via 2001:db8:20::1
	ip -n "$TOPO_P-v6" -6 route add default via 2001:db8:1::1
	topo_nat 1 "$kind" || return 1
	[ "$kind2" = none ] || topo_nat 2 "$kind2" || return 1
	TOPO_KIND=$kind
	topo_log "up: NAT $kind/$kind2, namespaces$TOPO_NSLIST"
}

# topo_kill NS: TERM then KILL every process in one of our namespaces.
topo_kill()
{
	local ns="$TOPO_P-$1" pids i
	pids=$(ip netns pids "$ns" 2>/dev/null)
	[ -n "$pids" ] || return 0
	kill -TERM $pids 2>/dev/null
	for i in $(seq 30); do
		pids=$(ip netns pids "$ns" 2>/dev/null)
		[ -n "$pids" ] || return 0
		sleep 0.1
	done
	kill -KILL $pids 2>/dev/null
	sleep 0.1
}

topo_down()
{
	local ns
	for ns in $TOPO_NSLIST; do
		topo_kill "$ns"
	done
	for ns in $TOPO_NSLIST; do
		ip netns del "$TOPO_P-$ns" 2>/dev/null
	done
	TOPO_NSLIST=""
	TOPO_PID=()
	topo_san_check
}

# topo_san_check: print each log of $TOPO_DIR holding a sanitizer report
# (once per content: scripts remove and reuse the log names).
topo_san_check()
{
	local f sum
	[ -n "$TOPO_DIR" ] || return 0
	for f in "$TOPO_DIR"/*.log; do
		[ -f "$f" ] && grep -qE "$TOPO_SAN_RE" "$f" || continue
		sum=$(cksum <"$f")
		case $TOPO_SAN_SEEN in *"|$sum|"*) continue ;; esac
		TOPO_SAN_SEEN="$TOPO_SAN_SEEN|$sum|"
		echo "topo: sanitizer report in ${f##*/}:" >&2
		sed 's/^/| /' "$f" >&2
	done
}

topo_cleanup()
{
	topo_down
	if [ -n "$TOPO_DIR" ] && [ -z "${TOPO_KEEP_DIR:-}" ]; then
		rm -rf "$TOPO_DIR"
	fi
	TOPO_DIR=""
	if [ -n "$TOPO_SAN_SEEN" ]; then
		echo "FAIL: sanitizer reports in the daemons' logs (above)" >&2
		exit 1
	fi
}

# topo_bin IMPL PROGRAM: path of miredo or miredo-server for IMPL.
topo_bin()
{
	case $1 in
	debian) echo "$TOPO_DEBIAN_SBIN/$2" ;;
	ours) echo "$TOPO_BUILDDIR/$2" ;;
	*) echo "topo: unknown implementation '$1'" >&2; return 1 ;;
	esac
}

# topo_start ROLE NS IMPL PROGRAM: run a daemon in the foreground (-f) in
# the background of this shell, with its own config, pid file and log.
topo_start()
{
	local role=$1 ns=$2 impl=$3 prog=$4 bin
	bin=$(topo_bin "$impl" "$prog") || return 1
	if [ ! -x "$bin" ]; then
		echo "topo: $bin not found" >&2
		return 1
	fi
	rm -f "$TOPO_DIR/$role.pid"
	TOPO_T0[$role]=$(topo_now)
	ip netns exec "$TOPO_P-$ns" "$bin" -f -c "$TOPO_DIR/$role.conf" \
	    -p "$TOPO_DIR/$role.pid" >"$TOPO_DIR/$role.log" 2>&1 &
	TOPO_PID[$role]=$!
	topo_log "started $role ($impl) pid ${TOPO_PID[$role]}"
}

# start_server IMPL: with the lines of $TOPO_SERVER_CONF too for ours
# (directives that miredo-server 1.2.6 does not know).
start_server()
{
	cat >"$TOPO_DIR/server.conf" <<EOF
ServerBindAddress $TOPO_SRV4
EOF
	[ "$1" != ours ] || [ -z "${TOPO_SERVER_CONF:-}" ] ||
	    printf '%s\n' "$TOPO_SERVER_CONF" >>"$TOPO_DIR/server.conf"
	topo_start server srv "$1" miredo-server || return 1
	topo_wait_role server 5 topo_listening srv 3544
}

start_relay()
{
	cat >"$TOPO_DIR/relay.conf" <<EOF
RelayType cone
InterfaceName teredo
EOF
	topo_start relay rly "$1" miredo || return 1
	topo_wait_role relay 5 topo_relay_ready
}

# start_client IMPL [N]: the client behind nat$N (default 1).
start_client()
{
	local n=${2:-1} extra
	eval "extra=\${TOPO_CLIENT_CONF$n:-}"
	cat >"$TOPO_DIR/client$n.conf" <<EOF
RelayType client
ServerAddress $TOPO_SRV4
InterfaceName teredo
$extra
EOF
	topo_start "client$n" "cl$n" "$1" miredo
}

# topo_wait SECONDS CMD...: poll CMD every 50 ms until it succeeds.
topo_wait()
{
	topo_wait_role "" "$@"
}

# topo_wait_role ROLE SECONDS CMD...: the same, giving up at once if the
# daemon of ROLE has exited.
topo_wait_role()
{
	local role=$1 end
	end=$(( $(date +%s%3N) + $(awk -v t="$2" 'BEGIN { printf "%d", t * 1000 }') ))
	shift 2
	while ! "$@"; do
		if [ -n "$role" ] && ! topo_alive "$role"; then
			topo_log "$role exited"
			return 1
		fi
		[ "$(date +%s%3N)" -lt "$end" ] || return 1
		sleep 0.05
	done
}

topo_listening()
{
	nsx "$1" ss -Hlun "sport = :$2" 2>/dev/null | grep -q .
}

topo_relay_ready()
{
	ip -n "$TOPO_P-rly" -6 route show 2001::/32 2>/dev/null | grep -q dev
}

# teredo_addr [N]: the client's Teredo address (empty if not qualified).
teredo_addr()
{
	ip -n "$TOPO_P-cl${1:-1}" -6 addr show scope global 2>/dev/null |
	    awk '$1 == "inet6" && $2 ~ /^2001:/ { sub("/.*", "", $2); print $2; exit }'
}

topo_has_addr()
{
	[ -n "$(teredo_addr "$1")" ]
}

# wait_qualified [N] [TIMEOUT]: prints seconds from start to qualification.
wait_qualified()
{
	local n=${1:-1} t=${2:-10}
	topo_wait_role "client$n" "$t" topo_has_addr "$n" || return 1
	topo_since "${TOPO_T0[client$n]}"
}

# stop_daemon ROLE: SIGTERM, wait up to 5 s, then SIGKILL.  Returns 1 if
# the daemon ignored SIGTERM (it had to be killed).
stop_daemon()
{
	local pid=${TOPO_PID[$1]:-} i rc=0
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	for i in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		topo_log "$1 ignored SIGTERM, killing"
		kill -KILL "$pid" 2>/dev/null
		rc=1
	fi
	wait "$pid" 2>/dev/null
	unset "TOPO_PID[$1]"
	return $rc
}

# stop_daemons: every daemon and every other process in our namespaces.
# The roles whose daemon ignored SIGTERM are in TOPO_NO_TERM (status 1).
stop_daemons()
{
	local r ns
	TOPO_NO_TERM=""
	for r in "${!TOPO_PID[@]}"; do
		stop_daemon "$r" || TOPO_NO_TERM="$TOPO_NO_TERM $r"
	done
	for ns in $TOPO_NSLIST; do
		topo_kill "$ns"
	done
	topo_san_check
	[ -z "$TOPO_NO_TERM" ]
}

# check_ping NS ADDR SIZE: 3 replies within $TOPO_PING_WAIT s (ping keeps
# sending until then, so the first packets may be lost while bubbles fly).
check_ping()
{
	local out
	out=$(nsx "$1" ping -6 -n -c 3 -i 0.2 -w "${TOPO_PING_WAIT:-6}" \
	    -s "$3" "$2" 2>&1)
	local rc=$?
	topo_log "ping $1 -> $2 size $3: rc $rc: $(echo "$out" | tail -2 | head -1)"
	return $rc
}

# check_c2c: client 2 pings client 1's Teredo address, then the reverse.
# Client 2 goes first: behind a full cone it can open the path to a
# client behind a symmetric NAT (miredo 1.2.6 does; the reverse cannot).
# The 1200-byte pings prove the path is direct: a server forwards only
# bubbles and small ICMPv6 (miredo: 88 bytes of payload at most).
check_c2c()
{
	local a1 a2
	a1=$(teredo_addr 1)
	a2=$(teredo_addr 2)
	[ -n "$a1" ] && [ -n "$a2" ] || return 1
	check_ping cl2 "$a1" 56 && check_ping cl1 "$a2" 1200 &&
	    check_ping cl2 "$a1" 1200
}

# check_tcp [MB] [N]: native host sends MB megabytes to client N over TCP;
# the received data's sha256 must match.
check_tcp()
{
	local mb=${1:-10} n=${2:-1} addr port=5001 lpid rc=0 a b
	addr=$(teredo_addr "$n")
	[ -n "$addr" ] || return 1
	if [ ! -s "$TOPO_DIR/data$mb" ]; then
		head -c $((mb * 1048576)) /dev/urandom >"$TOPO_DIR/data$mb"
	fi
	rm -f "$TOPO_DIR/recv"
	nsx "cl$n" timeout 60 nc -6 -l "$port" </dev/null >"$TOPO_DIR/recv" 2>/dev/null &
	lpid=$!
	if ! topo_wait 3 topo_tcp_listening "cl$n" "$port"; then
		kill "$lpid" 2>/dev/null
		wait "$lpid" 2>/dev/null
		return 1
	fi
	nsx v6 timeout 60 nc -6 -N -w 5 "$addr" "$port" <"$TOPO_DIR/data$mb" \
	    2>>"$TOPO_DIR/topo.log" || rc=1
	# The listener would wait for its connection until its own timeout.
	[ "$rc" = 0 ] || topo_kill_listener "cl$n" "$port"
	wait "$lpid" || rc=1
	a=$(sha256sum <"$TOPO_DIR/data$mb")
	b=$(sha256sum <"$TOPO_DIR/recv")
	topo_log "tcp $mb MB -> $addr: rc $rc, $(stat -c %s "$TOPO_DIR/recv") bytes"
	[ "$rc" = 0 ] && [ "$a" = "$b" ]
}

# topo_kill_listener NS PORT: end the nc listening on PORT in NS.
topo_kill_listener()
{
	local p
	for p in $(ip netns pids "$TOPO_P-$1"); do
		case $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null) in
		"nc -6 -l $2 "*) kill "$p" 2>/dev/null ;;
		esac
	done
}

topo_tcp_listening()
{
	nsx "$1" ss -Hltn "sport = :$2" 2>/dev/null | grep -q .
}

# topo_alive ROLE: the daemon started for ROLE still runs.
topo_alive()
{
	local pid=${TOPO_PID[$1]:-}
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# topo_nat_seen [N]: "IPv4 port natport" for every outside UDP peer nat$N
# forwarded to, with the port it mapped the client to (after the NAT).
topo_nat_seen()
{
	nsx "nat${1:-1}" nft -j list set ip filter seen 2>/dev/null |
	    grep -o '"concat": \[[^]]*\]' |
	    sed 's/"concat": \[//; s/\]//; s/"//g; s/,/ /g; s/  */ /g'
}

# teredo_decode ADDR: the fields of a Teredo address (RFC 4380 §4, flags
# as RFC 5991: C bit and 12 random bits), as key=value words.
teredo_decode()
{
	local a=$1 g i out=() n
	# Expand "::" into the missing zero groups.
	if [[ $a == *::* ]]; then
		n=$(awk -F: '{ print NF }' <<<"$a")
		local z="" k
		for ((k = n; k <= 8; k++)); do z="$z:0"; done
		a=${a/::/$z:}
		a=${a#:}
		a=${a%:}
	fi
	IFS=: read -r -a g <<<"$a"
	for i in 0 1 2 3 4 5 6 7; do
		out[i]=$((16#${g[i]:-0}))
	done
	local srv flags port cl
	srv="$((out[2] >> 8)).$((out[2] & 255)).$((out[3] >> 8)).$((out[3] & 255))"
	flags=${out[4]}
	port=$((out[5] ^ 0xffff))
	cl="$(((out[6] >> 8) ^ 255)).$(((out[6] & 255) ^ 255)).$(((out[7] >> 8) ^ 255)).$(((out[7] & 255) ^ 255))"
	printf 'prefix=%04x:%04x server=%s flags=0x%04x cone=%d random=0x%03x port=%d client=%s\n' \
	    "${out[0]}" "${out[1]}" "$srv" "$flags" $(((flags >> 15) & 1)) \
	    $((((flags >> 10) & 0xf) << 8 | (flags & 0xff))) "$port" "$cl"
}
