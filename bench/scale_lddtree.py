#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""How `wheelaudit lddtree` (and `show`) scale with in-wheel library chains.

    bench/scale_lddtree.py [--bin build/release/wheelaudit]
                           [--mkelf build/release/tests/fixtures/mkelf]
                           [--counts 500 1000 2000] [--runs 3]

For each count N, writes a wheel holding N x86-64 libraries (synthesized by
the fixture tool mkelf) that form a chain - lib0 needs lib1, which needs
lib2, and so on, each with DT_RUNPATH $ORIGIN - and a second wheel where the
last one needs the first again (a cycle).  Every library is a root of the
tree, and each one's load walks the rest of the chain, so the work is
N roots x N loads: what must stay linear is the time per (root, load) pair,
i.e. time / N^2 - a rising column means a step is worse than the loader's
own work.  Also times `show` on the same wheels (N members, one load each
for the in-wheel lookups): its time per member must stay flat.
"""
import argparse
import base64
import hashlib
import os
import subprocess
import sys
import tempfile
import time
import zipfile

DIST = "chain-1.0"


def digest(data):
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def write_wheel(path, mkelf, n, cycle, work):
    record = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(n):
            so = os.path.join(work, "lib%d.so" % i)
            args = [mkelf, "-o", so, "--soname", "lib%d.so" % i, "--runpath", "$ORIGIN",
                    "--needed", "libc.so.6", "--verneed", "libc.so.6:GLIBC_2.2.5:__cxa_finalize"]
            if i + 1 < n or cycle:
                args += ["--needed", "lib%d.so" % ((i + 1) % n)]
            subprocess.run(args, check=True)
            data = open(so, "rb").read()
            name = "chain/lib%d.so" % i
            z.writestr(name, data)
            record.append("%s,sha256=%s,%d" % (name, digest(data), len(data)))
        wheel = ("Wheel-Version: 1.0\nGenerator: scale_lddtree\nRoot-Is-Purelib: false\n"
                 "Tag: py3-none-linux_x86_64\n").encode()
        z.writestr(DIST + ".dist-info/WHEEL", wheel)
        record.append("%s.dist-info/WHEEL,sha256=%s,%d" % (DIST, digest(wheel), len(wheel)))
        record.append(DIST + ".dist-info/RECORD,,")
        z.writestr(DIST + ".dist-info/RECORD", "\n".join(record) + "\n")


def best_time(cmd, runs):
    best = None
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        dt = time.perf_counter() - t0
        if p.returncode not in (0, 1):
            sys.exit("%s: exit %d: %s" % (" ".join(cmd), p.returncode, p.stderr.decode()))
        best = dt if best is None else min(best, dt)
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/release/wheelaudit")
    ap.add_argument("--mkelf", default="build/release/tests/fixtures/mkelf")
    ap.add_argument("--counts", type=int, nargs="+", default=[500, 1000, 2000])
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    print("%6s %6s %10s %16s %10s %14s" % ("libs", "shape", "lddtree s", "ns per root*load",
                                           "show s", "us per member"))
    with tempfile.TemporaryDirectory() as d:
        for n in a.counts:
            for cycle in (False, True):
                work = os.path.join(d, "w%d%s" % (n, "c" if cycle else ""))
                os.makedirs(work)
                wheel = os.path.join(work, "%s-py3-none-linux_x86_64.whl" % DIST)
                write_wheel(wheel, a.mkelf, n, cycle, work)
                t = best_time([a.bin, "lddtree", wheel], a.runs)
                s = best_time([a.bin, "show", wheel], a.runs)
                print("%6d %6s %10.3f %16.1f %10.3f %14.1f" % (
                    n, "cycle" if cycle else "chain", t, t / (n * n) * 1e9, s, s / n * 1e6))
                sys.stdout.flush()


if __name__ == "__main__":
    main()
