#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Writes the seed corpora of the fuzz harnesses from a build's test
# fixtures and the policy tables:
#   OUT_DIR/elf     every fixture ELF file (all machines, PIE, ET_REL, musl)
#   OUT_DIR/patch   the same ELF files (fuzz_patch applies every edit to each)
#   OUT_DIR/wheel   every fixture wheel as "<file name>\n<zip bytes>", the
#                   fixture ELF files as "<file name>\n<ELF>..." (fuzz_wheel
#                   writes a wheel around them), and the hostile zip shapes
#                   of zip_seeds.py
#   OUT_DIR/names   wheel file names and tags, and "<name>\0<WHEEL>\0<RECORD>"
#                   taken from the fixture wheels
#   OUT_DIR/policy  policies/*.json, and the manylinux table as a '+' input
#                   (loaded after the built-in musllinux table)
# Usage: make_seeds.sh BUILD_DIR OUT_DIR   (BUILD_DIR/tests/fixtures is read)
set -euo pipefail

if [ $# -ne 2 ]; then
	echo "usage: $0 BUILD_DIR OUT_DIR" >&2
	exit 2
fi
build=$1
out=$2
src=$(cd "$(dirname "$0")/../.." && pwd)
fixtures=$build/tests/fixtures

# Start clean, so a seed removed from the fixtures does not linger.
rm -rf "$out"
mkdir -p "$out"/elf "$out"/patch "$out"/wheel "$out"/names "$out"/policy

if [ ! -d "$fixtures" ]; then
	echo "make_seeds: $fixtures missing (WA_BUILD_TESTS off?); ELF and wheel seeds skipped" >&2
else
	for f in "$fixtures"/elf/*; do
		[ -f "$f" ] || continue
		# megabyte inputs (strip_many.so: 65300 sections) slow every
		# mutation down; the unit tests cover them
		[ "$(stat -c %s "$f")" -le 1048576 ] || continue
		cp "$f" "$out/elf/$(basename "$f")"
		cp "$f" "$out/patch/$(basename "$f")"
	done
	for whl in "$fixtures"/*.whl; do
		[ -f "$whl" ] || continue
		name=$(basename "$whl")
		{ printf '%s\n' "$name"; cat "$whl"; } >"$out/wheel/$name"
		# WHEEL and RECORD for the text parsers; broken fixtures may lack them.
		wheel=$(unzip -Z1 "$whl" 2>/dev/null | grep -m1 '\.dist-info/WHEEL$' || true)
		record=$(unzip -Z1 "$whl" 2>/dev/null | grep -m1 '\.dist-info/RECORD$' || true)
		if [ -n "$wheel" ] && [ -n "$record" ]; then
			{
				printf '%s\0' "$name"
				unzip -p "$whl" "$wheel"
				printf '\0'
				unzip -p "$whl" "$record"
			} >"$out/names/meta-$name" 2>/dev/null || rm -f "$out/names/meta-$name"
		fi
	done
	# One wheel without a name line: the harness then uses its default name.
	for whl in "$fixtures"/pure_pkg-*.whl; do
		[ -f "$whl" ] && cp "$whl" "$out/wheel/raw-$(basename "$whl")"
	done
	# ELF images that the harness wraps in a wheel, named for their machine.
	for f in "$fixtures"/elf/*; do
		[ -f "$f" ] || continue
		# megabyte inputs (strip_many.so: 65300 sections) slow every
		# mutation down; the unit tests cover them
		[ "$(stat -c %s "$f")" -le 1048576 ] || continue
		b=$(basename "$f")
		case $b in
		aarch64*) arch=aarch64 ;;
		armhf*) arch=armv7l ;;
		armel*) arch=armv5l ;;
		ppc64le*) arch=ppc64le ;;
		ppc64_*) arch=ppc64 ;;
		s390x*) arch=s390x ;;
		i386*) arch=i686 ;;
		mips64*) arch=mips64 ;;
		riscv64*) arch=riscv64 ;;
		*) arch=x86_64 ;;
		esac
		{ printf 'fz-1.0-cp311-cp311-linux_%s.whl\n' "$arch"; cat "$f"; } >"$out/wheel/elf-$b"
	done
	# Several images in one wheel: in-wheel libraries, foreign members, mixed libc.
	e=$fixtures/elf
	combo() {
		local seed=$1 name=$2
		shift 2
		for f in "$@"; do [ -f "$f" ] || return 0; done
		{ printf '%s\n' "$name"; cat "$@"; } >"$out/wheel/$seed"
	}
	combo elfs-graft fz-1.0-cp311-cp311-linux_x86_64.whl "$e"/_example.*.so "$e"/x86_64_libfoo.so
	combo elfs-foreign fz-1.0-cp311-cp311-linux_aarch64.whl "$e"/aarch64_217.so "$e"/armhf.exe
	combo elfs-mixed fz-1.0-cp311-cp311-linux_x86_64.whl "$e"/_example.*.so "$e"/muslmod.so
	combo elfs-musl fz-1.0-cp311-cp311-musllinux_1_1_x86_64.whl "$e"/muslmod.so "$e"/_core.abi3.so
	combo elfs-claim fz-1.0-cp311-cp311-manylinux_2_17_x86_64.whl "$e"/glibc234.so "$e"/cxxmod.so
fi

# Hostile zip shapes (two end records, Unicode Path names, overlapping
# entries, prepended bytes, ZIP64 end records) and their benign neighbours.
if command -v python3 >/dev/null; then
	python3 "$src/tests/fuzz/zip_seeds.py" "$out/wheel" "$fixtures/elf/_example.cpython-311-x86_64-linux-gnu.so"
else
	echo "make_seeds: python3 missing; hostile zip seeds skipped" >&2
fi

# File names and platform tags (no zip part: only the name parsers run).
i=0
while IFS= read -r line; do
	printf '%s' "$line" >"$out/names/name-$i"
	i=$((i + 1))
done <<'EOF'
numpy-1.26.4-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
pkg-1.0-1build-py2.py3-none-any.whl
pkg-1.0-3-cp36-abi3-musllinux_1_2_aarch64.whl
pkg-1.0-cp312-cp312-manylinux1_i686.manylinux2010_i686.whl
pkg-1.0-cp313-cp313-android_24_arm64_v8a.whl
pkg-1.0-cp311-cp311-linux_armv7l.whl
pkg-1.0-pp310-pypy310_pp73-manylinux_2_28_ppc64le.whl
pkg-1.0-cp311-cp311-macosx_11_0_arm64.whl
dir/sub/pkg-1.0-py3-none-linux_riscv64.whl
manylinux_2_5_x86_64
musllinux_1_1_s390x
android_21_x86_64
EOF

# A wheel whose RECORD digests match the (empty) members the harness writes.
empty=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU
{
	printf 'fz-1.0-cp311-cp311-manylinux_2_17_x86_64.whl\0'
	printf 'Wheel-Version: 1.0\nGenerator: fuzz\nRoot-Is-Purelib: false\n'
	printf 'Tag: cp311-cp311-manylinux_2_17_x86_64\n\0'
	printf 'fz/__init__.py,sha256=%s,0\n' "$empty"
	printf '"fz/q,""uoted"".py",sha256=%s,0\n' "$empty"
	printf 'fz/data.bin,sha512=xyz,0\n'
	printf 'fz-1.0.dist-info/RECORD,,\n'
} >"$out/names/meta-digests"

cp "$src"/policies/*.json "$out/policy/"
{ printf '+'; cat "$src/policies/manylinux.json"; } >"$out/policy/plus-manylinux.json"

for d in elf patch wheel names policy; do
	echo "make_seeds: $(find "$out/$d" -type f | wc -l) seeds in $out/$d"
done
