#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Time of one owner lookup in this machine's package database (src/pkgdb.c,
# through the test tool wa-sbom): the libraries given, or by default three
# that .ci/deps installs on Debian (libyaml, libz, libffi under the multiarch
# directory).  One lookup reads the whole database once (for dpkg: every
# info/*.list file and the status file), so the time hardly depends on the
# number of paths.
#
#   bench/pkgdb_lookup.sh [path/to/wa-sbom [RUNS [PATH...]]]
#     (default: build/release/tests/sbom/wa-sbom, 20 runs)
#
# Prints the owners found and "lookup of N paths (DB): RUNS runs, best X ms,
# median Y ms", first with a cold page cache if run as root and
# /proc/sys/vm/drop_caches is writable (BENCH_COLD=1), then warm.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
tool=${1:-$root/build/release/tests/sbom/wa-sbom}
runs=${2:-20}
shift $(($# > 2 ? 2 : $#))
if [ ! -x "$tool" ]; then
	echo "no $tool: build the release preset first" >&2
	exit 2
fi
paths=("$@")
if [ ${#paths[@]} -eq 0 ]; then
	triplet=$(gcc -print-multiarch 2>/dev/null || true)
	dir=/usr/lib/${triplet:-x86_64-linux-gnu}
	paths=("$dir/libyaml-0.so.2" "$dir/libz.so.1" "$dir/libffi.so.8")
fi
if [ -f /var/lib/dpkg/status ]; then
	echo "dpkg database: $(ls /var/lib/dpkg/info/*.list | wc -l) list files," \
		"$(cat /var/lib/dpkg/info/*.list | wc -c) bytes; status $(wc -c </var/lib/dpkg/status) bytes"
fi
if [ "${BENCH_COLD:-0}" = 1 ] && [ -w /proc/sys/vm/drop_caches ]; then
	sync
	echo 3 >/proc/sys/vm/drop_caches
	echo "cold page cache:"
	"$tool" owners --repeat 1 "${paths[@]}" >/dev/null
fi
echo "warm page cache:"
"$tool" owners --repeat "$runs" "${paths[@]}"
