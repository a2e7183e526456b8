#!/bin/bash
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# The root tests in network namespaces with the daemons built under
# AddressSanitizer (with LeakSanitizer) and UBSan (issue 9):
#   bash tests/asan-netns.sh        (from anywhere; root, else exit 77)
# Builds the tree in build-asan-netns/ at the top of the tree, then runs
# `make check` there on the netns tests, the matrix with our client,
# server and relay only (MATRIX_ROLES=ooo) and the hostile-traffic test.
#
# Reports must not go unnoticed.  They stay on stderr: the engine may be
# chrooted, runs as another user and under seccomp, so a log_path file
# could not be opened; with -f the daemons' stderr is a log file of the
# test.  topo.sh prints and fails on reports in its logs; the other tests
# remove their temporary logs, so a `rm` first in PATH saves any log under
# /tmp holding a report into build-asan-netns/sanitizer-reports/ before
# removing it.  Any report there or in a test's .log fails this script.
# Leaks are checked at exit (detect_leaks=1) where LSan can work: priv and
# the server's supervisor; the engine ends on SIGTERM and the server's
# child with _exit(), and LSan cannot stop the world under seccomp anyway.
# Exit: 0 all passed, 1 a failure or a sanitizer report, 77 not root.
# ASAN_NETNS_TESTS overrides the list; ASAN_NETNS_NOBUILD=1 reuses the build.
set -u

top=$(cd "$(dirname "$0")/.." && pwd) || exit 1
bld=$top/build-asan-netns
re='ERROR: (Address|Leak|UndefinedBehavior)Sanitizer|runtime error:'

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: not root"
	exit 77
fi

tests=${ASAN_NETNS_TESTS:-"tests/netns/os_linux.sh tests/netns/lifecycle.sh
tests/netns/client_life.sh tests/netns/status.sh tests/netns/client_reload.sh tests/netns/server_life.sh
tests/netns/server_interop.sh tests/interop/matrix.sh
tests/hostile/hostile.sh"}
tests=$(echo $tests)

t0=$(date +%s)
if [ -z "${ASAN_NETNS_NOBUILD:-}" ] || [ ! -f "$bld/Makefile" ]; then
	echo "=== build-asan-netns/: configure and build with ASan + UBSan"
	rm -rf "$bld" && mkdir -p "$bld" && cd "$bld" &&
	    ../configure -q CC=gcc CFLAGS="-O1 -g -fsanitize=address,undefined \
-fno-omit-frame-pointer -fno-sanitize-recover=undefined" --enable-werror &&
	    make -j"$(nproc 2>/dev/null || echo 2)" >make.log 2>&1
	rc=$?
	if [ $rc != 0 ]; then
		tail -n 30 "$bld/make.log" 2>/dev/null
		echo "FAIL: the sanitizer build failed"
		exit 1
	fi
fi
cd "$bld" || exit 1

# The rm(1) of the tests: saves the logs with a report, then removes.
san=$bld/sanitizer-reports
shim=$bld/san-shim
/bin/rm -rf "$san" "$shim"
mkdir -p "$san" "$shim" || exit 1
cat >"$shim/rm" <<EOF
#!/bin/sh
# written by tests/asan-netns.sh
for a in "\$@"; do
	case \$a in
	/tmp/*|${TMPDIR:-/tmp}/*) ;;
	*) continue ;;
	esac
	[ -e "\$a" ] || continue
	grep -rlsIE '$re' -- "\$a" | while read -r f; do
		n=\$(ls "$san" | wc -l)
		{ echo "== \$f"; cat "\$f"; } >"$san/\$n-\${f##*/}"
	done
done
exec $(command -v rm) "\$@"
EOF
chmod 755 "$shim/rm"

# halt_on_error: the first report ends the process (exit 1, seen by the
# tests as a dying daemon); the report is on stderr all the same.
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0:detect_stack_use_after_return=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=
export MATRIX_ROLES=ooo

echo "=== make check (ASan + UBSan): $tests"
/bin/rm -f test-suite.log tests/netns/*.log tests/netns/*.trs \
    tests/interop/*.log tests/interop/*.trs tests/hostile/*.log \
    tests/hostile/*.trs
PATH=$shim:$PATH make check TESTS="$tests" >check.out 2>&1
rc=$?
# The automake summary.
grep -E '^(PASS|FAIL|SKIP|ERROR|XPASS|XFAIL): |^Testsuite summary|^# [A-Z]+: ' \
    check.out

# The tests' logs (automake names them X.sh.log, or X.log with .sh in
# TEST_EXTENSIONS).
logs=""
for f in $tests; do
	for l in "$f.log" "${f%.sh}.log"; do
		[ -f "$l" ] && logs="$logs $l"
	done
done
reports=""
for f in $logs; do
	grep -qE "$re" "$f" && reports="$reports $f"
done
for f in "$san"/*; do
	[ -f "$f" ] && reports="$reports $f"
done
# symbolize: frames printed as (module+offset), as in the sandbox where the
# symbolizer cannot run, get function and line from addr2line.
symbolize()
{
	local line mod off
	while IFS= read -r line; do
		if [[ $line =~ \#[0-9]+\ 0x[0-9a-f]+\ +\(([^+]+)\+(0x[0-9a-f]+)\) ]]; then
			mod=${BASH_REMATCH[1]}
			off=${BASH_REMATCH[2]}
			if [ -r "$mod" ] && command -v addr2line >/dev/null; then
				line="$line $(addr2line -f -i -p -e "$mod" "$off" |
				    tr '\n' ' ')"
			fi
		fi
		printf '%s\n' "$line"
	done
}

if [ -n "$reports" ]; then
	for f in $reports; do
		echo "--- sanitizer report in $f:"
		grep -E -B 2 -A 30 "$re" "$f" | head -n 80 | symbolize
	done
	echo "FAIL: sanitizer reports:$reports"
	rc=1
fi
# A leak check that could not run is worth knowing (not a failure).
grep -l "LeakSanitizer has encountered a fatal error" $logs /dev/null |
    sed 's/^/note: LSan could not run in /'
if [ $rc != 0 ] && [ -z "$reports" ] && [ -f test-suite.log ]; then
	echo "--- failed tests (from test-suite.log):"
	grep -E '^(FAIL|ERROR): ' check.out
fi
echo "asan-netns: $([ $rc = 0 ] && echo passed || echo FAILED) in $(($(date +%s) - t0)) s"
[ $rc = 0 ]
