#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Throughput and memory benchmark of `wheelaudit show` and `wheelaudit
# repair` on one large wheel.
#
#   bench/bench.sh [path/to/wheelaudit]      (default: build/release/wheelaudit)
#
# Builds (once; delete bench/out/ or set BENCH_REGEN=1 to rebuild) a wheel
# of >= 300 MB of ELF members - copies of this machine's shared libraries
# under distinct names plus a small extension module, deflate-compressed,
# with a correct RECORD - then reports:
#   * wall time of `wheelaudit show WHEEL` (best of 3),
#   * wall time of `unzip -p WHEEL >/dev/null` (best of 3): the floor set by
#     plain decompression,
#   * their ratio (target: <= 1.3),
#   * wheelaudit's peak RSS (target: <= largest ELF member + 64 MB),
#   * wall time of `wheelaudit repair` (retagging; --exclude '*' so that the
#     copied system libraries' own dependencies do not ask for grafting)
#     against `cp` of the same wheel and the audit alone (target: repair <=
#     show + 2 x cp), and repair's peak RSS,
#   * wall time and peak RSS of `wheelaudit repair` with grafting (no
#     --exclude: every system library the wheel's libraries need and the
#     wheel lacks is found, read, hashed and patched once, and every member
#     that needs one is patched), with the number of libraries grafted.
# Exit status: 0 when both targets are met, 1 when one is missed, 2 on a
# setup problem.
#
# Knobs (environment): BENCH_TARGET_MB (ELF payload, default 320),
# BENCH_MAX_LIB_MB (largest library copied, default 32), BENCH_LIBDIR
# (default /usr/lib/x86_64-linux-gnu), BENCH_OUT (default bench/out),
# BENCH_RUNS (default 3), BENCH_SHOW_ARGS (extra options for `show`, e.g.
# "--threads 1").
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
tool=${1:-$root/build/release/wheelaudit}
out=${BENCH_OUT:-$here/out}
target_mb=${BENCH_TARGET_MB:-320}
max_lib_mb=${BENCH_MAX_LIB_MB:-32}
libdir=${BENCH_LIBDIR:-/usr/lib/x86_64-linux-gnu}
runs=${BENCH_RUNS:-3}
read -r -a show_args <<<"${BENCH_SHOW_ARGS:-}"

die() { echo "bench.sh: $*" >&2; exit 2; }
[ -x "$tool" ] || die "no executable at $tool (build it: cmake --build --preset release --target wheelaudit)"
command -v python3 >/dev/null || die "python3 is needed to write the wheel"
command -v unzip >/dev/null || die "unzip is needed for the baseline (apt-get install unzip)"

# Peak RSS: GNU time when present, else a small wait4() wrapper in Python.
peak_rss_kb() {
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f %M -o "$out/time.txt" "$@" >/dev/null 2>"$out/stderr.txt" || true
		tail -n 1 "$out/time.txt"
	else
		python3 - "$@" <<'PY'
import os, subprocess, sys
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, _, ru = os.wait4(p.pid, 0)
print(ru.ru_maxrss)
PY
	fi
}

# Wall time of one run in seconds (stdout discarded); the exit status is kept.
wall() {
	local t0 t1
	t0=$(date +%s.%N)
	"$@" >/dev/null 2>>"$out/stderr.txt" || true
	t1=$(date +%s.%N)
	echo "$t1 - $t0" | bc -l
}

best_of() {
	local best="" t
	for _ in $(seq "$runs"); do
		t=$(wall "$@")
		if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
	done
	printf '%.3f\n' "$best"
}

command -v bc >/dev/null || die "bc is needed for the arithmetic (apt-get install bc)"
mkdir -p "$out"
: >"$out/stderr.txt"
stamp="$out/wheel.params"
params="v2 target=$target_mb maxlib=$max_lib_mb libdir=$libdir"
wheel=$(ls "$out"/benchpkg-*.whl 2>/dev/null | head -n 1 || true)
if [ -z "$wheel" ] || [ "${BENCH_REGEN:-0}" = 1 ] || [ "$(cat "$stamp" 2>/dev/null)" != "$params" ]; then
	echo "writing the benchmark wheel ($params) ..." >&2
	rm -f "$out"/benchpkg-*.whl
	python3 "$here/make_wheel.py" "$out" --target-mb "$target_mb" --max-lib-mb "$max_lib_mb" \
		--libdir "$libdir" >"$out/wheel.info"
	echo "$params" >"$stamp"
fi
wheel=$(head -n 1 "$out/wheel.info")
largest=$(sed -n 's/^largest_member_bytes=//p' "$out/wheel.info")
elf_bytes=$(sed -n 's/^elf_bytes=//p' "$out/wheel.info")
[ -f "$wheel" ] || die "the wheel $wheel is missing; rerun with BENCH_REGEN=1"

# Warm the page cache so both sides read from memory.
cat "$wheel" >/dev/null

"$tool" show "${show_args[@]}" "$wheel" >"$out/show.txt" 2>>"$out/stderr.txt" && show_rc=0 || show_rc=$?
case $show_rc in 0 | 1) ;; *) echo "bench.sh: warning: wheelaudit show exited $show_rc (see $out/show.txt, $out/stderr.txt)" >&2 ;; esac

t_tool=$(best_of "$tool" show "${show_args[@]}" "$wheel")
t_unzip=$(best_of unzip -p "$wheel")
ratio=$(printf '%.3f' "$(echo "$t_tool / $t_unzip" | bc -l)")
rss_kb=$(peak_rss_kb "$tool" show "${show_args[@]}" "$wheel")
rss_mb=$(printf '%.1f' "$(echo "$rss_kb / 1024" | bc -l)")
largest_mb=$(printf '%.1f' "$(echo "$largest / 1048576" | bc -l)")
limit_mb=$(printf '%.1f' "$(echo "$largest / 1048576 + 64" | bc -l)")
members=$(unzip -Z1 "$wheel" | wc -l)

# repair: the output goes to a directory on the same file system as the
# copy, so both write the same bytes to the same place.
repaired="$out/repaired"
rm -rf "$repaired" && mkdir -p "$repaired"
repair_cmd=("$tool" repair "${show_args[@]}" --exclude '*' -w "$repaired" "$wheel")
"${repair_cmd[@]}" >"$out/repair.txt" 2>>"$out/stderr.txt" && repair_rc=0 || repair_rc=$?
t_repair=$(best_of "${repair_cmd[@]}")
t_cp=$(best_of cp "$wheel" "$out/copy.whl")
repair_rss_kb=$(peak_rss_kb "${repair_cmd[@]}")
repair_rss_mb=$(printf '%.1f' "$(echo "$repair_rss_kb / 1024" | bc -l)")
repair_limit=$(printf '%.3f' "$(echo "$t_tool + 2 * $t_cp" | bc -l)")
repair_ok=$(echo "$repair_rc == 0 && $t_repair <= $repair_limit" | bc -l)
rm -f "$out/copy.whl"

# repair with grafting: the bench wheel's libraries need others from the
# system (not in the wheel), so every one of those is found, read, hashed
# and patched once, and every member that needs one is patched.
grafted_dir="$out/grafted"
rm -rf "$grafted_dir" && mkdir -p "$grafted_dir"
graft_cmd=("$tool" repair "${show_args[@]}" -w "$grafted_dir" "$wheel")
"$tool" repair "${show_args[@]}" --json -w "$grafted_dir" "$wheel" >"$out/graft.json" \
	2>>"$out/stderr.txt" && graft_rc=0 || graft_rc=$?
graft_counts=$(python3 - "$out/graft.json" <<'PY'
import json, sys
try:
    w = json.load(open(sys.argv[1]))["wheels"][0]
except Exception:
    print("? ? ?"); sys.exit()
g = w.get("grafted") or []
print(len(g), sum(len(x["needed_by"]) for x in g), w.get("tagset") or w.get("reason", "")[:60].replace(" ", "_"))
PY
)
read -r n_grafted n_edges graft_tags <<<"$graft_counts"
t_graft=$(best_of "${graft_cmd[@]}")
graft_rss_kb=$(peak_rss_kb "${graft_cmd[@]}")
graft_rss_mb=$(printf '%.1f' "$(echo "$graft_rss_kb / 1024" | bc -l)")
graft_over=$(printf '%.3f' "$(echo "$t_graft - $t_repair" | bc -l)")

ok=0
[ "$repair_ok" = 1 ] || ok=1
ratio_ok=$(echo "$ratio <= 1.3" | bc -l)
rss_ok=$(echo "$rss_kb <= $largest / 1024 + 65536" | bc -l)
[ "$ratio_ok" = 1 ] || ok=1
[ "$rss_ok" = 1 ] || ok=1
verdict() { [ "$1" = 1 ] && echo PASS || echo FAIL; }

cat <<REPORT
wheel                  $wheel
  size on disk         $(( $(stat -c %s "$wheel") / 1048576 )) MB, $members members, $(( elf_bytes / 1048576 )) MB of ELF
  largest ELF member   $largest_mb MB ($largest bytes)
  wheelaudit exit      $show_rc ($(head -n 1 "$out/show.txt" | cut -c1-100))
wheelaudit show${show_args[*]:+ ${show_args[*]}}
                       ${t_tool} s   (best of $runs)
unzip -p >/dev/null    ${t_unzip} s   (best of $runs)
ratio                  ${ratio}       target <= 1.3                      $(verdict "$ratio_ok")
peak RSS               ${rss_mb} MB    target <= ${limit_mb} MB (largest + 64) $(verdict "$rss_ok")
wheelaudit repair --exclude '*'   exit $repair_rc ($(head -n 1 "$out/repair.txt" | xargs -r basename 2>/dev/null | cut -c1-80))
                       ${t_repair} s   (best of $runs)
cp WHEEL               ${t_cp} s   (best of $runs)
repair vs audit+2cp    ${t_repair} s   target <= ${repair_limit} s (show + 2 x cp)  $(verdict "$repair_ok")
repair peak RSS        ${repair_rss_mb} MB
wheelaudit repair (grafting)      exit $graft_rc, $n_grafted libraries grafted for $n_edges needs, tags $graft_tags
                       ${t_graft} s   (best of $runs; ${graft_over} s more than retagging)
repair (grafting) RSS  ${graft_rss_mb} MB
REPORT
exit $ok
