#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# SHA-256 throughput of each provider src/hash.c can be built with, through
# its own interface (bench/sha256_bench.c): libcrypto (the shared build's
# default), Nettle linked dynamically, and Nettle linked statically into a
# static-pie binary as the static build does.  Also for a cross target:
#
#   bench/sha256.sh [SIZE_MIB [RUNS]]
#   CC=aarch64-linux-gnu-gcc EMU=qemu-aarch64 bench/sha256.sh 256
#
# (under qemu the figures compare providers, not machines; libcrypto is then
# measured only when the target's libssl-dev is installed).  Prints one
# line per provider; the digests must all be equal.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cc=${CC:-cc}
emu=${EMU:-}
mib=${1:-1024}
runs=${2:-5}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
src=("$here/sha256_bench.c" "$root/src/hash.c")
flags=(-O2 -std=c11 -D_POSIX_C_SOURCE=200809L -I"$root/include")

build() { # name, extra flags...
	local name=$1
	shift
	if "$cc" "${flags[@]}" -o "$out/$name" "${src[@]}" "$@" 2>"$out/$name.err"; then
		return 0
	fi
	echo "$name: not built ($(head -n 1 "$out/$name.err"))"
	return 1
}
run() {
	printf '%-28s ' "$1"
	$emu "$out/$1" "$mib" "$runs"
}

build libcrypto-shared -lcrypto && run libcrypto-shared
build nettle-shared -DWA_SHA256_NETTLE -lnettle && run nettle-shared
build nettle-static-pie -DWA_SHA256_NETTLE -static-pie -lnettle && run nettle-static-pie
if grep -q -w 'sha_ni' /proc/cpuinfo; then echo "(CPU has SHA extensions: sha_ni)"; fi
