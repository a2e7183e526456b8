#!/bin/bash
# SPDX-License-Identifier: ISC
# Copyright (c) 2026 The miredo authors
#
# Mutation testing: does the test suite notice when the code is broken?
#   tests/mutate.sh [-c unit|root|all] [-k] [-l] [-n] [-f FILE] [ID...]
# Copies the tree (tracked and untracked, not ignored, files, with their
# working-tree contents) into a scratch directory, builds it once, then
# applies each known mutation of tests/mutations.txt alone, rebuilds, runs
# the tests that should catch it, restores the file, and prints whether
# the mutant was KILLED (its tests failed) or SURVIVED.  The source tree
# is never touched.  Not part of CI: run it before a release, and add a
# mutation whenever a test is written for a rule of the code.
#
#   -c CLASS  which mutations: unit (default: unit, simulation and conf
#             tests, no root needed, a few minutes), root (namespace tests,
#             as root), all
#   -k        keep the scratch directory (its path is printed)
#   -l        list the mutations and exit
#   -n        only check that every selected mutation still applies
#   -f FILE   another mutation file
#   ID...     only these mutations (any class)
#
# A mutation is data (see tests/mutations.txt): an id, a class, what it
# breaks, a test command, and edits (file, exact original lines,
# replacement lines).  Every original text must occur exactly once in its
# file: if the code moved, the script says so and stops before building.
# A baseline run of each test command on the unmutated copy must pass.
# Test commands run in the scratch build directory with these helpers:
#   unit            make check-unit (unit tests and the simulation)
#   check TEST...   make check TESTS="TEST..."
#   t SCRIPT ARGS   builds what make check builds, then runs
#                   bash $SRC/SCRIPT ARGS (srcdir and builddir set)
# Exit: 0 no mutant survived, 1 some survived, 2 a stale or broken
# mutation, a failing baseline or a failed build.
# Environment: MUTATE_JOBS (make -j, default 2), MUTATE_CONFIGURE (extra
# configure arguments), MUTATE_TIMEOUT (seconds per test command, 1800).
set -u

top=$(cd "$(dirname "$0")/.." && pwd) || exit 2
file=$top/tests/mutations.txt
class=unit
keep=""
list=""
dry=""
jobs=${MUTATE_JOBS:-2}
tmo=${MUTATE_TIMEOUT:-1800}

usage() {
	echo "usage: $0 [-c unit|root|all] [-k] [-l] [-n] [-f FILE] [ID...]" >&2
	exit 2
}
while getopts c:klnf: o; do
	case $o in
	c) class=$OPTARG ;;
	k) keep=1 ;;
	l) list=1 ;;
	n) dry=1 ;;
	f) file=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
case $class in unit|root|all) ;; *) usage ;; esac
[ -r "$file" ] || { echo "mutate: cannot read $file" >&2; exit 2; }

# The mutations: M_* per mutation, E_* per edit (E_M: its mutation's index).
M_ID=() M_CLASS=() M_WHAT=() M_CMD=()
E_M=() E_FILE=() E_FROM=() E_TO=()
parse() {
	local line n=-1 e=-1 rest
	while IFS= read -r line || [ -n "$line" ]; do
		case $line in
		'#'*|'') continue ;;
		'= '*)
			n=$((n + 1))
			rest=${line#= }
			M_ID[n]=${rest%% | *}; rest=${rest#* | }
			M_CLASS[n]=${rest%% | *}; rest=${rest#* | }
			M_WHAT[n]=${rest%% | *}; M_CMD[n]=${rest#* | }
			;;
		'file '*)
			[ $n -ge 0 ] || { echo "mutate: $file: 'file' before '='" >&2; exit 2; }
			e=$((e + 1))
			E_M[e]=$n E_FILE[e]=${line#file } E_FROM[e]="" E_TO[e]=""
			;;
		'-'|'- '*)
			[ $e -ge 0 ] || { echo "mutate: $file: '-' before 'file'" >&2; exit 2; }
			rest=${line#-}; rest=${rest# }
			E_FROM[e]+=$rest$'\n'
			;;
		'+'|'+ '*)
			[ $e -ge 0 ] || { echo "mutate: $file: '+' before 'file'" >&2; exit 2; }
			rest=${line#+}; rest=${rest# }
			E_TO[e]+=$rest$'\n'
			;;
		*)
			echo "mutate: $file: cannot read: $line" >&2
			exit 2 ;;
		esac
	done <"$file"
}
parse
# Each mutation: a unique id, at least one edit, each with original lines.
declare -A seen=()
for i in "${!M_ID[@]}"; do
	[ -z "${seen[${M_ID[i]}]:-}" ] ||
	    { echo "mutate: $file: ${M_ID[i]} twice" >&2; exit 2; }
	seen[${M_ID[i]}]=1
	n=0
	for e in "${!E_M[@]}"; do
		[ "${E_M[e]}" != "$i" ] && continue
		n=$((n + 1))
		[ -n "${E_FROM[e]}" ] || { echo "mutate: $file: ${M_ID[i]}: an edit without '-' lines" >&2; exit 2; }
	done
	[ $n -gt 0 ] || { echo "mutate: $file: ${M_ID[i]} has no edit" >&2; exit 2; }
done

# selected INDEX: the mutation is asked for (by id, else by class).
declare -A want=()
for id in "$@"; do want[$id]=1; done
selected() {
	local i=$1
	if [ ${#want[@]} -gt 0 ]; then
		[ -n "${want[${M_ID[i]}]:-}" ]
		return
	fi
	[ "$class" = all ] || [ "${M_CLASS[i]}" = "$class" ]
}

if [ -n "$list" ]; then
	for i in "${!M_ID[@]}"; do
		printf '%-5s %-4s %s\n      test: %s\n' "${M_ID[i]}" \
		    "${M_CLASS[i]}" "${M_WHAT[i]}" "${M_CMD[i]}"
	done
	exit 0
fi
for id in "${!want[@]}"; do
	found=""
	for i in "${!M_ID[@]}"; do [ "${M_ID[i]}" = "$id" ] && found=1; done
	[ -n "$found" ] || { echo "mutate: no mutation $id in $file" >&2; exit 2; }
done
sel=()
for i in "${!M_ID[@]}"; do selected "$i" && sel+=("$i"); done
[ ${#sel[@]} -gt 0 ] || { echo "mutate: no mutation selected" >&2; exit 2; }
for i in "${sel[@]}"; do
	if [ -z "$dry" ] && [ "${M_CLASS[i]}" = root ] && [ "$(id -u)" != 0 ]; then
		echo "mutate: ${M_ID[i]} needs root" >&2
		exit 2
	fi
done

# occurrences FILE TEXT: how many times TEXT (whole lines) is in FILE.
occurrences() {
	MUT_FROM=$2 perl -0777 -ne \
	    'BEGIN { $f = $ENV{MUT_FROM} } $n = () = /^\Q$f\E/mg; print $n + 0' \
	    "$1"
}
# replace FILE FROM TO: the one occurrence.
replace() {
	MUT_FROM=$2 MUT_TO=$3 perl -0777 -i -pe \
	    'BEGIN { $f = $ENV{MUT_FROM}; $t = $ENV{MUT_TO} } s/^\Q$f\E/$t/m' \
	    "$1"
}

# Every selected edit must still apply to the tree: fail loudly if not.
stale=0
for i in "${sel[@]}"; do
	for e in "${!E_M[@]}"; do
		[ "${E_M[e]}" = "$i" ] || continue
		f=$top/${E_FILE[e]}
		if [ ! -f "$f" ]; then
			echo "STALE ${M_ID[i]}: ${E_FILE[e]} does not exist"
			stale=1
			continue
		fi
		n=$(occurrences "$f" "${E_FROM[e]}")
		if [ "$n" != 1 ]; then
			echo "STALE ${M_ID[i]}: the original text occurs $n times in ${E_FILE[e]} (the code moved?):"
			printf '%s' "${E_FROM[e]}" | sed 's/^/    | /'
			stale=1
		fi
	done
done
if [ $stale != 0 ]; then
	echo "mutate: fix tests/mutations.txt to the current code first"
	exit 2
fi

if [ -n "$dry" ]; then
	echo "mutate: all ${#sel[@]} selected mutations apply"
	exit 0
fi

# The scratch copy and its build.
scratch=$(mktemp -d "${TMPDIR:-/tmp}/mutate.XXXXXX") || exit 2
chmod 755 "$scratch"
cleanup() {
	if [ -n "$keep" ]; then
		echo "mutate: scratch copy kept in $scratch"
	else
		rm -rf "$scratch"
	fi
}
trap cleanup EXIT
trap 'exit 2' INT TERM
SRC=$scratch/src
logs=$scratch/logs
mkdir -p "$SRC" "$logs" "$scratch/orig" || exit 2
if ! (cd "$top" && git ls-files -z -c -o --exclude-standard |
    tar --null -T - -cf -) | tar -C "$SRC" -xf -; then
	echo "mutate: cannot copy the tree (git ls-files)" >&2
	exit 2
fi
seccomp=""
[ "$(uname -s)" = Linux ] && seccomp=--with-seccomp
echo "mutate: building a copy of the tree in $SRC/build"
# shellcheck disable=SC2086
if ! (cd "$SRC" && autoreconf -fi && mkdir -p build && cd build &&
    ../configure -q --enable-werror $seccomp ${MUTATE_CONFIGURE:-} &&
    nice make -j"$jobs") >"$logs/build.log" 2>&1; then
	tail -n 20 "$logs/build.log"
	echo "mutate: the unmutated copy does not build" >&2
	exit 2
fi

# The helpers of the test commands (exported to their bash).
unit() { nice make -s -j"$jobs" check-unit; }
check() { nice make -s -j"$jobs" check TESTS="$*"; }
t() {
	local s=$1
	shift
	nice make -s -j"$jobs" check TESTS= >/dev/null || return 2
	srcdir=$SRC builddir=. BUILDDIR=$SRC/build nice bash "$SRC/$s" "$@"
}
# run_cmd CMD LOG: the test command in the scratch build directory.
run_cmd() {
	(
		cd "$SRC/build" || exit 2
		export SRC jobs
		export -f unit check t
		timeout -k 10 "$tmo" bash -c "$1"
	) >"$2" 2>&1
}

# A test command that fails on the unmutated code proves nothing.
declare -A base=()
for i in "${sel[@]}"; do
	c=${M_CMD[i]}
	[ -z "${base[$c]:-}" ] || continue
	echo "mutate: baseline: $c"
	if ! run_cmd "$c" "$logs/baseline.$(( ${#base[@]} + 1 ))"; then
		tail -n 20 "$logs/baseline.$(( ${#base[@]} + 1 ))"
		echo "mutate: the baseline fails: $c" >&2
		exit 2
	fi
	base[$c]=ok
done

# first_failure LOG: the first lines that say what failed.
first_failure() {
	grep -m 4 -E 'FAIL|ERROR|Assertion|-died|-ignored-SIGTERM' "$1" |
	    cut -c 1-150 | sed 's/^/        /'
}

killed=() survived=() broken=()
for i in "${sel[@]}"; do
	id=${M_ID[i]}
	# Apply every edit of this mutation, keeping the originals.
	edited=()
	for e in "${!E_M[@]}"; do
		[ "${E_M[e]}" = "$i" ] || continue
		f=${E_FILE[e]}
		mkdir -p "$scratch/orig/$id/$(dirname "$f")"
		[ -e "$scratch/orig/$id/$f" ] || cp -p "$SRC/$f" "$scratch/orig/$id/$f"
		replace "$SRC/$f" "${E_FROM[e]}" "${E_TO[e]}"
		edited+=("$f")
	done
	t0=$(date +%s)
	if ! (cd "$SRC/build" && nice make -j"$jobs") >"$logs/$id.build" 2>&1; then
		res="NOBUILD"
		broken+=("$id")
	elif run_cmd "${M_CMD[i]}" "$logs/$id.log"; then
		res="SURVIVED"
		survived+=("$id")
	else
		res="KILLED"
		killed+=("$id")
	fi
	# Restore (a fresh mtime: make rebuilds what the mutant built).
	for f in "${edited[@]}"; do
		cp "$scratch/orig/$id/$f" "$SRC/$f"
	done
	printf '%-8s %-5s %s (%s s; test: %s)\n' "$res" "$id" "${M_WHAT[i]}" \
	    "$(($(date +%s) - t0))" "${M_CMD[i]}"
	case $res in
	KILLED) first_failure "$logs/$id.log" ;;
	NOBUILD) grep -m 3 -E 'error|Error' "$logs/$id.build" | sed 's/^/        /' ;;
	esac
done

echo
echo "mutate: ${#sel[@]} mutants: ${#killed[@]} killed, ${#survived[@]} survived${survived:+: ${survived[*]}}, ${#broken[@]} did not build${broken:+: ${broken[*]}}"
[ ${#broken[@]} -eq 0 ] || exit 2
[ ${#survived[@]} -eq 0 ]
