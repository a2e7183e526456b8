#!/bin/sh
# SPDX-License-Identifier: ISC
# Run libFuzzer harnesses from the build directory (make fuzz-all):
#   campaign.sh SRCDIR SECONDS HARNESS...
# Each harness tests/fuzz/fuzz_HARNESS runs SECONDS on a fresh copy of
# SRCDIR/tests/fuzz/corpus/HARNESS in fuzz-work/HARNESS/ (crash inputs
# land in fuzz-work/HARNESS/artifacts/, with the history-ROLE-PID record of
# the stateful harnesses: see fuzz_core.c).  FUZZ_JOBS harnesses run at a
# time (default: the number of CPUs).  One line per harness, then
#   fuzz: N harnesses, E executions, F failed
# Exit status 1 if any harness found something or ran no input at all.
set -u

srcdir=$1
secs=$2
shift 2
nh=$#
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
work=fuzz-work

run_one() {
	h=$1
	d=$work/$h
	rm -rf "$d"
	mkdir -p "$d/corpus" "$d/artifacts"
	cp "$srcdir/tests/fuzz/corpus/$h/"* "$d/corpus/" 2>/dev/null
	# Inputs of fixed findings run first, as regression tests.
	cp "$srcdir/tests/fuzz/crashes/$h-"* "$d/corpus/" 2>/dev/null
	# -timeout: a single input running 25 s is a hang; the RSS limit
	# catches memory that grows without bound.
	# The stateful harnesses check for leaks themselves (fuzz_core.c).
	case $h in
	client|relay|tun) leaks=0 ;;
	*) leaks=1 ;;
	esac
	FUZZ_HISTORY_DIR=$d/artifacts ./tests/fuzz/fuzz_"$h" \
	    -max_total_time="$secs" -timeout=25 -rss_limit_mb=2048 \
	    -detect_leaks=$leaks -print_final_stats=1 \
	    -artifact_prefix="$d/artifacts/" "$d/corpus" >"$d/log" 2>&1
	echo $? >"$d/rc"
}

n=0
for h in "$@"; do
	run_one "$h" &
	n=$((n + 1))
	if [ "$n" -ge "$jobs" ]; then
		wait
		n=0
	fi
done
wait

finding='^fuzz_(core|server):|^==[0-9]+==|runtime error|^ +#[0-9]+ '
noise=' in (fuzzer::|__|main|_start|abort|raise|LLVMFuzzer)|libc\.so'
total=0
failed=0
for h in "$@"; do
	d=$work/$h
	rc=$(cat "$d/rc" 2>/dev/null || echo 1)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$d/log" |
	    tail -n 1)
	execs=${execs:-0}
	cov=$(grep -E '^#[0-9]+' "$d/log" | tail -n 1 |
	    sed -n 's/.* cov: \([0-9]*\) ft: [0-9]* corp: \([0-9]*\).*/\1 \2/p')
	[ -n "$cov" ] && cov="coverage ${cov% *}, corpus ${cov#* }"
	total=$((total + execs))
	if [ "$execs" -eq 0 ]; then
		# A harness that never ran an input tested nothing.
		failed=$((failed + 1))
		echo "fuzz_$h: FAILED (exit $rc): 0 executions, log $d/log"
		tail -n 5 "$d/log" 2>/dev/null
	elif [ "$rc" -ne 0 ] || [ -n "$(ls "$d/artifacts")" ]; then
		failed=$((failed + 1))
		echo "fuzz_$h: FAILED (exit $rc) after $execs executions;" \
		    "input in $d/artifacts/, log $d/log:"
		# The finding and the project's frames of its stack.
		grep -E "$finding" "$d/log" | grep -v -E "$noise" |
		    head -n 30
	else
		echo "fuzz_$h: $execs executions in ${secs}s ($cov)"
	fi
done
echo "fuzz: $nh harnesses, $total executions, $failed failed"
[ "$failed" -eq 0 ]
