#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""How `wheelaudit show` scales with the number of members.

    bench/scale_members.py [--bin build/release/wheelaudit] [--counts 10000 50000 200000]
                           [--runs 3] [--keep DIR] [-- SHOW-OPTIONS...]

Writes (in a temporary directory, or DIR with --keep) one wheel per count:
that many members in all, small deflated modules plus WHEEL and a RECORD
that lists every member with its sha256 and size, as pip writes it (200000
is the default --max-members); no ELF member, so `show`
exits 5 (pure) after the full work: central directory, local headers,
RECORD matching, hashing every member.  Prints per count the best wall and
CPU time of `show` over --runs runs, the time per member, and the wall time
of `unzip -p` over the same wheel (the floor set by plain decompression,
when unzip is installed).  Time per member should stay flat as the count
grows: a rising column means some step is worse than linear.
"""
import argparse
import base64
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile

DIST = "scale-1.0"


def digest(data):
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def write_wheel(path, count):
    record = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(count - 2):
            name = "scale/pkg%03d/mod%06d.py" % (i % 1000, i)
            data = b"# member %d\nVALUE = %d\n" % (i, i * 7)
            z.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), data,
                       compress_type=zipfile.ZIP_DEFLATED)
            record.append("%s,sha256=%s,%d\n" % (name, digest(data), len(data)))
        wheel = b"Wheel-Version: 1.0\nGenerator: scale_members\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        z.writestr(DIST + ".dist-info/WHEEL", wheel)
        record.append("%s.dist-info/WHEEL,sha256=%s,%d\n" % (DIST, digest(wheel), len(wheel)))
        record.append("%s.dist-info/RECORD,,\n" % DIST)
        z.writestr(DIST + ".dist-info/RECORD", "".join(record))


def timed(cmd):
    """(wall seconds, CPU seconds, exit code) of one run."""
    start = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - start
    return wall, ru.ru_utime + ru.ru_stime, os.waitstatus_to_exitcode(status)


def best(cmd, runs):
    results = [timed(cmd) for _ in range(runs)]
    return min(r[0] for r in results), min(r[1] for r in results), results[-1][2]


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(root, "build", "release", "wheelaudit"))
    ap.add_argument("--counts", type=int, nargs="+", default=[10000, 50000, 200000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep")
    ap.add_argument("show_args", nargs="*")
    a = ap.parse_args()
    if not os.access(a.bin, os.X_OK):
        sys.exit("scale_members: no executable at %s" % a.bin)
    work = a.keep or tempfile.mkdtemp(prefix="wa-scale-")
    os.makedirs(work, exist_ok=True)
    unzip = shutil.which("unzip")
    print("%9s %9s %10s %10s %12s %10s %6s" % ("members", "MB", "show wall", "show CPU",
                                               "us/member", "unzip -p", "exit"))
    try:
        for n in a.counts:
            os.makedirs(os.path.join(work, str(n)), exist_ok=True)
            path = os.path.join(work, str(n), DIST + "-py3-none-any.whl")
            if not os.path.exists(path):
                write_wheel(path, n)
            wall, cpu, rc = best([a.bin, "show"] + a.show_args + [path], a.runs)
            floor = "%10.3f" % best([unzip, "-p", "-qq", path], a.runs)[0] if unzip else "%10s" % "-"
            print("%9d %9.1f %10.3f %10.3f %12.2f %s %6d%s" % (
                n, os.path.getsize(path) / 1e6, wall, cpu, wall / n * 1e6, floor, rc,
                "" if rc == 5 else "   (expected exit 5: the run did not do the full work)"))
            sys.stdout.flush()
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
