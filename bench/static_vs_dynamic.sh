#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The static build against the shared one, on bench/bench.sh's wheel:
#
#   bench/static_vs_dynamic.sh [STATIC [DYNAMIC]]
#       (defaults: build/static/wheelaudit, build/release/wheelaudit)
#
# Prints, for each binary, the file size (and stripped size), then the wall
# and CPU times (each the best of BENCH_RUNS, default 5) of `show`, `repair
# --exclude '*'` (retagging) and `repair` with grafting, the two binaries'
# runs interleaved so that a busy machine slows both alike, and the ratios
# static/dynamic (target: <= 1.05 for show and repair).  Exit 0 when show and repair are
# within the target, 1 otherwise, 2 on a setup problem.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
static=${1:-$root/build/static/wheelaudit}
dynamic=${2:-$root/build/release/wheelaudit}
out=${BENCH_OUT:-$here/out}
runs=${BENCH_RUNS:-5}
die() { echo "static_vs_dynamic.sh: $*" >&2; exit 2; }
for b in "$static" "$dynamic"; do [ -x "$b" ] || die "no executable at $b"; done
command -v bc >/dev/null || die "bc is needed"
[ -x /usr/bin/time ] || die "GNU time is needed (apt-get install time)"

mkdir -p "$out"
wheel=$(head -n 1 "$out/wheel.info" 2>/dev/null || true)
if [ -z "$wheel" ] || [ ! -f "$wheel" ]; then
	echo "writing the benchmark wheel (as bench/bench.sh does) ..." >&2
	python3 "$here/make_wheel.py" "$out" >"$out/wheel.info"
	echo "v2 target=320 maxlib=32 libdir=/usr/lib/x86_64-linux-gnu" >"$out/wheel.params"
	wheel=$(head -n 1 "$out/wheel.info")
fi
cat "$wheel" >/dev/null

# "wall cpu" seconds of one run (cpu = user + system of all threads)
measure() {
	/usr/bin/time -f '%e %U %S' -o "$out/time.txt" "$@" >/dev/null 2>&1 || true
	tail -n 1 "$out/time.txt" | awk '{ printf "%s %.3f\n", $1, $2 + $3 }'
}
min() { if [ -z "$1" ] || [ "$(echo "$2 < $1" | bc -l)" = 1 ]; then echo "$2"; else echo "$1"; fi; }
record() { # key, "wall cpu"
	local w c
	read -r w c <<<"$2"
	wall[$1]=$(min "${wall[$1]:-}" "$w")
	cpu[$1]=$(min "${cpu[$1]:-}" "$c")
}

size_line() {
	local s
	s=$(strip -o "$out/stripped.tmp" "$1" 2>/dev/null && stat -c %s "$out/stripped.tmp" || echo "?")
	rm -f "$out/stripped.tmp"
	printf '%-8s %s\n         %s bytes, %s bytes stripped, %s\n' "$2" "$1" "$(stat -c %s "$1")" "$s" \
		"$(file -b "$1" | cut -d, -f1-2,4 | sed 's/  */ /g')"
}
size_line "$static" static
size_line "$dynamic" dynamic

declare -A wall cpu
for _ in $(seq "$runs"); do
	for which in static dynamic; do
		bin=$static
		[ "$which" = dynamic ] && bin=$dynamic
		record "$which.show" "$(measure "$bin" show "$wheel")"
		rm -rf "$out/svd" && mkdir -p "$out/svd"
		record "$which.repair" "$(measure "$bin" repair --exclude '*' -w "$out/svd" "$wheel")"
		rm -rf "$out/svd" && mkdir -p "$out/svd"
		record "$which.graft" "$(measure "$bin" repair -w "$out/svd" "$wheel")"
	done
done
rm -rf "$out/svd"

# The verdict uses CPU time: on a shared machine the wall time of the same
# binary varies more between runs than 5 %; both are printed.
ok=0
printf '\n%-22s %9s %9s %7s %9s %9s %7s   (best of %s, interleaved)\n' "" "static" "dynamic" "ratio" \
	"static" "dynamic" "ratio" "$runs"
printf '%-22s %27s %27s\n' "" "---------- wall ----------" "------ CPU (user+sys) -----"
for kind in show repair graft; do
	rw=$(printf '%.3f' "$(echo "${wall[static.$kind]} / ${wall[dynamic.$kind]}" | bc -l)")
	rc=$(printf '%.3f' "$(echo "${cpu[static.$kind]} / ${cpu[dynamic.$kind]}" | bc -l)")
	case $kind in
	show) label="show" ;;
	repair) label="repair --exclude '*'" ;;
	graft) label="repair (grafting)" ;;
	esac
	verdict=""
	if [ "$kind" != graft ]; then
		if [ "$(echo "$rc <= 1.05" | bc -l)" = 1 ]; then verdict="PASS (cpu <= 1.05)"; else
			verdict="FAIL (cpu > 1.05)"
			ok=1
		fi
	fi
	printf '%-22s %8.3fs %8.3fs %7s %8.3fs %8.3fs %7s   %s\n' "$label" "${wall[static.$kind]}" \
		"${wall[dynamic.$kind]}" "$rw" "${cpu[static.$kind]}" "${cpu[dynamic.$kind]}" "$rc" "$verdict"
done
exit $ok
