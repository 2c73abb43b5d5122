#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write a large, valid benchmark wheel for bench/bench.sh.

The wheel holds copies of real shared libraries taken from a system library
directory (each copy under its own name inside benchpkg/_libs/), plus one
small CPython extension module, until the ELF payload reaches the target
size.  Members are deflate-compressed; RECORD carries the sha256 digest and
size of every member, as pip writes it.

usage: make_wheel.py OUTDIR [--target-mb N] [--max-lib-mb N] [--libdir DIR]
prints the path of the wheel, then "largest_member_bytes=N" and
"elf_bytes=N" lines.
"""
import argparse
import base64
import glob
import hashlib
import os
import sys
import sysconfig
import zipfile

NAME, VERSION = "benchpkg", "1.0"
TAG = "cp311-cp311-linux_x86_64"


def is_elf(path):
    with open(path, "rb") as f:
        return f.read(4) == b"\x7fELF"


def is_glibc_internal(path):
    """glibc's own pieces (libc.so.6, libm, the loader...) need GLIBC_PRIVATE
    versions: no wheel can ship them, and with them in it the bench wheel
    could never be repaired, so they are left out."""
    with open(path, "rb") as f:
        return b"GLIBC_PRIVATE" in f.read()


def pick_libraries(libdir, max_bytes):
    libs = []
    for path in sorted(glob.glob(os.path.join(libdir, "*.so*"))):
        if os.path.islink(path) or not os.path.isfile(path):
            continue
        size = os.path.getsize(path)
        if 4096 <= size <= max_bytes and is_elf(path) and not is_glibc_internal(path):
            libs.append((path, size))
    if not libs:
        sys.exit(f"make_wheel.py: no ELF shared libraries found in {libdir}")
    return libs


def find_extension():
    """A small real extension module from this machine's Python, if any."""
    candidates = []
    for d in {sysconfig.get_path("platstdlib") or "", "/usr/lib/python3.11", "/usr/lib/python3"}:
        candidates += glob.glob(os.path.join(d, "lib-dynload", "*x86_64-linux-gnu.so"))
    candidates = [c for c in candidates if is_elf(c)]
    candidates.sort(key=os.path.getsize)
    return candidates[0] if candidates else None


def record_line(arcname, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{arcname},sha256={digest},{len(data)}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--target-mb", type=int, default=320)
    ap.add_argument("--max-lib-mb", type=int, default=32)
    ap.add_argument("--libdir", default="/usr/lib/x86_64-linux-gnu")
    args = ap.parse_args()

    os.makedirs(args.outdir, exist_ok=True)
    wheel_path = os.path.join(args.outdir, f"{NAME}-{VERSION}-{TAG}.whl")
    tmp_path = wheel_path + ".part"
    libs = pick_libraries(args.libdir, args.max_lib_mb << 20)
    target = args.target_mb << 20
    distinfo = f"{NAME}-{VERSION}.dist-info"
    record = []
    total = largest = 0

    def add(zf, arcname, data, mode=0o644):
        info = zipfile.ZipInfo(arcname, date_time=(2024, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = (0o100000 | mode) << 16
        zf.writestr(info, data, compresslevel=6)
        record.append(record_line(arcname, data))

    with zipfile.ZipFile(tmp_path, "w", allowZip64=True) as zf:
        add(zf, f"{NAME}/__init__.py", b"# benchmark package\n")
        ext = find_extension()
        if ext:
            with open(ext, "rb") as f:
                data = f.read()
            add(zf, f"{NAME}/{os.path.basename(ext)}", data, 0o755)
            total += len(data)
            largest = max(largest, len(data))
        copy = 0
        while total < target:
            path, size = libs[copy % len(libs)]
            base = os.path.basename(path)
            with open(path, "rb") as f:
                data = f.read()
            add(zf, f"{NAME}/_libs/c{copy:04d}_{base}", data, 0o755)
            total += len(data)
            largest = max(largest, len(data))
            copy += 1
        add(zf, f"{distinfo}/METADATA",
            f"Metadata-Version: 2.1\nName: {NAME}\nVersion: {VERSION}\n".encode())
        add(zf, f"{distinfo}/WHEEL",
            ("Wheel-Version: 1.0\nGenerator: wheelaudit-bench\n"
             f"Root-Is-Purelib: false\nTag: {TAG}\n").encode())
        record.append(f"{distinfo}/RECORD,,")
        info = zipfile.ZipInfo(f"{distinfo}/RECORD", date_time=(2024, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = (0o100644) << 16
        zf.writestr(info, "\n".join(record) + "\n")
    os.replace(tmp_path, wheel_path)
    print(wheel_path)
    print(f"largest_member_bytes={largest}")
    print(f"elf_bytes={total}")


if __name__ == "__main__":
    main()
