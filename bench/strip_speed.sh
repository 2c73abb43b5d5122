#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Speed and size of the ELF stripper (src/elfstrip.c) on a large library.
#
#   bench/strip_speed.sh [path/to/wa-patchelf]   (default: build/release/tests/patch/wa-patchelf)
#
# Builds (once, in bench/out/strip; BENCH_REGEN=1 rebuilds) a shared
# library of about BENCH_STRIP_MB megabytes (default 50) with gcc -g: real
# DWARF from generated functions, a large .rodata (code and data the
# stripper must keep) and a large .debug_bench section (debug bytes it must
# drop), both filled from random bytes with .incbin.  Then prints, best of
# BENCH_RUNS (default 3):
#   * the sizes before, after `wa-patchelf --strip` and after GNU `strip -s`,
#   * the wall time and peak RSS of `wa-patchelf --strip` (read, strip,
#     write) and of `strip -s`,
#   * the time wa_elf_strip alone takes on the file held in memory
#     (bench/strip_bench.c, built here against src/elfstrip.c and
#     src/error.c).
# No target: the figures are for the record (the report and the changelog).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
tool=${1:-$root/build/release/tests/patch/wa-patchelf}
out=${BENCH_OUT:-$here/out}/strip
mb=${BENCH_STRIP_MB:-50}
runs=${BENCH_RUNS:-3}
cc=${CC:-gcc}

[ -x "$tool" ] || { echo "strip_speed: $tool is not built" >&2; exit 2; }
for t in "$cc" strip /usr/bin/time python3; do
	command -v "$t" >/dev/null || { echo "strip_speed: $t is missing" >&2; exit 2; }
done
mkdir -p "$out"
lib=$out/libbig.so
if [ ! -f "$lib" ] || [ -n "${BENCH_REGEN:-}" ]; then
	echo "building a ${mb} MB library with debug information in $out ..."
	keep=$((mb * 6 / 10))
	drop=$((mb - keep - 2))
	[ "$drop" -gt 0 ] || drop=1
	head -c $((keep << 20)) /dev/urandom >"$out/keep.bin"
	head -c $((drop << 20)) /dev/urandom >"$out/drop.bin"
	python3 - "$out/big.c" "$out" <<'EOF'
import sys
path, d = sys.argv[1], sys.argv[2]
with open(path, "w") as f:
    f.write("long f(long x) { return x; }\n")
    for i in range(1500):
        f.write("struct s%d { %s };\n" % (i, " ".join("long m%d;" % k for k in range(12))))
        f.write("long fn%d(struct s%d *p, long a) { long t = 0; for (long k = 0; k < a; k++) "
                "t += p->m%d * k + f(k); return t; }\n" % (i, i, i % 12))
    f.write('__asm__(".pushsection .rodata.bench,\\"a\\",@progbits\\n.incbin \\"%s/keep.bin\\"\\n'
            '.popsection\\n.pushsection .debug_bench,\\"\\",@progbits\\n'
            '.incbin \\"%s/drop.bin\\"\\n.popsection");\n' % (d, d))
EOF
	"$cc" -g -O1 -fPIC -shared -o "$lib" "$out/big.c"
	rm -f "$out/keep.bin" "$out/drop.bin"
fi

# best wall time (s) and its peak RSS (KiB) of a command over $runs runs
best() {
	local b="" rss="" line t m
	for _ in $(seq "$runs"); do
		/usr/bin/time -o "$out/time.txt" -f '%e %M' "$@" >/dev/null 2>&1
		line=$(tail -n1 "$out/time.txt")
		t=${line% *}
		m=${line#* }
		if [ -z "$b" ] || python3 -c "import sys; sys.exit(not $t < $b)"; then
			b=$t
			rss=$m
		fi
	done
	echo "$b $rss"
}

ours=$out/ours.so
gnu=$out/gnu.so
read -r t_ours rss_ours < <(best "$tool" --strip "$lib" "$ours")
read -r t_gnu rss_gnu < <(best strip -s -o "$gnu" "$lib")
size() { stat -c %s "$1"; }
printf 'library:          %12d bytes (%s)\n' "$(size "$lib")" "$lib"
printf 'wa-patchelf:      %12d bytes  %6.2f s  peak RSS %6d KiB\n' "$(size "$ours")" "$t_ours" "$rss_ours"
printf 'GNU strip -s:     %12d bytes  %6.2f s  peak RSS %6d KiB\n' "$(size "$gnu")" "$t_gnu" "$rss_gnu"
"$cc" -O2 -I"$root/include" -o "$out/strip_bench" "$here/strip_bench.c" "$root/src/elfstrip.c" \
	"$root/src/error.c"
read -r t_mem n_mem < <("$out/strip_bench" "$lib" "$((runs + 2))")
printf 'wa_elf_strip in memory: %12d bytes  %8.4f s\n' "$n_mem" "$t_mem"
