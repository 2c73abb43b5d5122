#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the libFuzzer harnesses with clang (ASan + UBSan), writes the seed
# corpora, and runs each harness for SECONDS, one after the other.
#
# Usage: tests/fuzz/run.sh SECONDS [HARNESS...]    (default: all five)
# Environment:
#   WA_FUZZ_BUILD  build directory (default: build/fuzz)
#   WA_FUZZ_ARGS   extra libFuzzer options, e.g. "-max_len=65536"
#
# The corpus grows in $WA_FUZZ_BUILD/corpus/<harness> and is kept between
# runs; tests/fuzz/<harness>.dict is used when it exists; crash, leak, timeout and out-of-memory inputs are written to
# tests/fuzz/crashes/<harness>/ (a minimised copy of a real finding is kept
# in tests/fuzz/regress/<harness>/, which ctest replays: fuzz.regress.*).
# Prints the executions of each harness (libFuzzer's final stats) and exits
# 1 if any harness found something.
set -euo pipefail

if [ $# -lt 1 ] || ! [[ $1 =~ ^[0-9]+$ ]]; then
	echo "usage: $0 SECONDS [names|elf|policy|wheel|patch]..." >&2
	exit 2
fi
seconds=$1
shift
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(names elf policy wheel patch)

cd "$(dirname "$0")/../.."
root=$(pwd)
build=${WA_FUZZ_BUILD:-build/fuzz}
case $build in /*) ;; *) build=$root/$build ;; esac

for h in "${harnesses[@]}"; do
	case $h in names | elf | policy | wheel | patch) ;; *)
		echo "$0: unknown harness '$h'" >&2
		exit 2
		;;
	esac
done

# WA_WERROR stays off here: the shared warning list has a GCC-only flag
# that clang rejects under -Werror.  The harnesses and the instrumented
# core add -Werror (and -Wno-unknown-warning-option) themselves.
mkdir -p "$build"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_C_COMPILER=clang \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo -DWA_FUZZ=ON -DWA_WERROR=OFF -DWA_SANITIZE=OFF \
	-DWA_BUILD_TESTS=ON >"$build/configure.log" 2>&1 || {
	cat "$build/configure.log" >&2
	exit 1
}
targets=(fuzz_seeds)
for h in "${harnesses[@]}"; do targets+=("fuzz_$h"); done
cmake --build "$build" --target "${targets[@]}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# The scratch wheels the harnesses write go under the build directory.
export TMPDIR=$build/tmp
mkdir -p "$TMPDIR"

status=0
summary=()
for h in "${harnesses[@]}"; do
	corpus=$build/corpus/$h
	crashes=$root/tests/fuzz/crashes/$h
	log=$build/fuzz_$h.log
	mkdir -p "$corpus" "$crashes"
	before=$(find "$crashes" -type f | wc -l)
	echo "== fuzz_$h: ${seconds}s (log: $log)"
	dict=()
	[ -f "$root/tests/fuzz/$h.dict" ] && dict=(-dict="$root/tests/fuzz/$h.dict")
	rc=0
	# shellcheck disable=SC2086 # WA_FUZZ_ARGS is a list of options
	"$build/tests/fuzz/fuzz_$h" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
		-print_final_stats=1 -artifact_prefix="$crashes/" "${dict[@]}" ${WA_FUZZ_ARGS:-} \
		"$corpus" "$build/tests/fuzz/seeds/$h" >"$log" 2>&1 || rc=$?
	after=$(find "$crashes" -type f | wc -l)
	execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" |
		awk '{ n += $2 } END { print n + 0 }')
	cov=$(grep -E '^#[0-9]+.*(DONE|INITED)' "$log" | tail -n1 | grep -o 'cov: [0-9]*' || true)
	if [ "$rc" -ne 0 ] || [ "$after" -gt "$before" ]; then
		status=1
		summary+=("fuzz_$h: FAILED after $execs executions (exit $rc); see $log and $crashes")
		grep -m3 -E 'ERROR: |runtime error:|contract broken' "$log" >&2 || true
	else
		summary+=("fuzz_$h: $execs executions in ${seconds}s, ${cov:-cov: ?}, corpus $(find "$corpus" -type f | wc -l) inputs")
	fi
done
rm -rf "$TMPDIR"

echo
printf '%s\n' "${summary[@]}"
exit $status
